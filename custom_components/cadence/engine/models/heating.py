"""Heating faults: heating (or cooling) that runs without moving the room.

`WarmingRate` learns how fast a thermostat's room moves toward its setpoint while
heating and while cooling. `HeatingWatch` counts the hours the thermostat calls for
heat (or cold) while the room is far from the setpoint and does not move toward it;
once that stall lasts several times what the learned rate needs to move the room
`MOVE_C`, the verdict raises. Movement toward the setpoint, the setpoint being
reached, or the call ending clears it; a cleared flag is not raised again for an
hour (the `Verdict`'s cooldown). Temperatures are °C.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
from typing import Any, Self

from ..codec import as_list, bounded, check_version, iso, number, optional_number
from ..features import DEFAULT_SENSITIVITY
from .anomaly import Verdict, aware_time, elapsed

VERSION = 1
HEAT = "heat"
COOL = "cool"
DIRECTIONS = (HEAT, COOL)
# Which way each direction moves the room.
SIGN = {HEAT: 1.0, COOL: -1.0}

# A room moving by MOVE_C toward its setpoint is moving; it is learned from then.
MOVE_C = 0.3
# Within NEAR_C of the setpoint a thermostat cycles: nothing there is a fault.
NEAR_C = 0.5
# Learned rates (°C per hour), starting from PRIOR_RATE: a stochastic median in log
# space, each sample moving it by RATE_STEP (10 %), within RATE_RANGE.
PRIOR_RATE = 1.0
RATE_STEP = math.log(1.1)
RATE_RANGE = (0.1, 10.0)
# Moving slower than SLOW_SHARE of the learned rate is no progress: the stall goes on.
SLOW_SHARE = 0.4
# A stall is a fault once it lasts PATIENCE times what the rate needs to move the
# room by MOVE_C, and never before STALL_FLOOR (radiators take time to warm).
PATIENCE = 4.0
STALL_FLOOR = timedelta(hours=1, minutes=30)
# A call for heat that pauses this long (the thermostat cycles) ends the stall.
PAUSE_ENDS = timedelta(minutes=30)
# A cleared flag is not raised again this soon.


class WarmingRate:
    """How fast a room moves toward its setpoint, per direction, in °C an hour."""

    __slots__ = ("log_rates", "samples")

    def __init__(self) -> None:
        """Start from the prior in both directions."""
        self.log_rates = dict.fromkeys(DIRECTIONS, math.log(PRIOR_RATE))
        self.samples = dict.fromkeys(DIRECTIONS, 0)

    def learn(self, direction: str, rate: float, /) -> None:
        """Move the direction's rate a step toward one observed rate (°C/h, > 0)."""
        low, high = RATE_RANGE
        log_rate = math.log(min(high, max(low, rate)))
        now = self.log_rates[direction]
        step = RATE_STEP if log_rate > now else -RATE_STEP if log_rate < now else 0.0
        # A step never jumps past the sample (the median it tracks is nearer).
        moved = now + step
        self.log_rates[direction] = (
            min(moved, log_rate) if step > 0 else max(moved, log_rate)
        )
        self.samples[direction] += 1

    def predict(self, direction: str, /) -> float:
        """Return the learned rate of a direction, °C per hour."""
        return math.exp(self.log_rates[direction])

    def to_dict(self) -> dict[str, Any]:
        """Return the rates, JSON-safe."""
        return {
            "version": VERSION,
            "rates": [self.predict(d) for d in DIRECTIONS],
            "samples": [self.samples[d] for d in DIRECTIONS],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], /) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "warming rate")
        model = cls()
        rates = as_list(data["rates"], len(DIRECTIONS))
        samples = as_list(data["samples"], len(DIRECTIONS))
        for direction, rate, count in zip(DIRECTIONS, rates, samples, strict=True):
            model.log_rates[direction] = math.log(bounded(rate, *RATE_RANGE))
            model.samples[direction] = int(bounded(count, 0, 2**53))
        return model


class HeatingWatch:
    """Flags a thermostat that calls for heat or cold while its room does not move.

    `update` takes what the thermostat reports (whether it heats or cools, the room
    temperature, the setpoint it aims at); `tick` judges every few minutes.
    """

    __slots__ = (
        "_anchor_c",
        "_last_tick",
        "_paused",
        "_run",
        "_slow",
        "_verdict",
        "direction",
        "rate",
        "room_c",
        "since",
        "stall_since",
        "stalled",
        "target_c",
    )

    def __init__(self, rate: WarmingRate | None = None) -> None:
        """Watch with a learned rate (the prior by default)."""
        self.rate = rate or WarmingRate()
        # What the thermostat says now: the way it drives the room (None: neither).
        self.direction: str | None = None
        self.room_c: float | None = None
        self.target_c: float | None = None
        # The room temperature progress is measured from, and how long it stalled.
        self._anchor_c: float | None = None
        self.stalled = timedelta()
        self.stall_since: datetime | None = None
        # Of the stall, the time since the room last moved by MOVE_C.
        self._slow = timedelta()
        self._paused = timedelta()
        # The direction and setpoint of the run the stall belongs to.
        self._run: tuple[str, float] | None = None
        self._last_tick: datetime | None = None
        self._verdict = Verdict()
        # When the flag was raised.
        self.since: datetime | None = None

    @property
    def flag(self) -> bool:
        """Return whether a heating (or cooling) fault is flagged now."""
        return self._verdict.flag

    def update(
        self,
        direction: str | None,
        room_c: float | None,
        target_c: float | None,
    ) -> None:
        """Take what the thermostat reports; a new setpoint or direction starts afresh.

        A pause (idle, unavailable) in between keeps the run: a thermostat that
        cycles, or drops off the network for a minute, still heats the same room.
        """
        if direction is not None and target_c is not None:
            if (direction, target_c) != self._run:
                self._anchor_c = None
                self._clear_stall()
            self._run = (direction, target_c)
        self.direction, self.room_c, self.target_c = direction, room_c, target_c

    @property
    def limit(self) -> timedelta:
        """Return how long a stall lasts before it is a fault, by the learned rate."""
        direction = self.direction or HEAT
        hours = PATIENCE * MOVE_C / self.rate.predict(direction)
        return max(STALL_FLOOR, timedelta(hours=hours))

    @property
    def score(self) -> float:
        """Return the stall as a share of the limit, 0 to 1."""
        return min(1.0, self.stalled / self.limit)

    def expected_c(self) -> float | None:
        """Return where the room should be by now at the learned rate, None if idle."""
        direction, target, anchor = self.direction, self.target_c, self._anchor_c
        if direction is None or target is None or anchor is None or self.room_c is None:
            return None
        sign = SIGN[direction]
        moved = self.rate.predict(direction) * self.stalled.total_seconds() / 3600
        # Never past the setpoint: the thermostat stops there.
        return anchor + sign * max(0.0, min(moved, sign * (target - anchor)))

    def tick(self, when: datetime, sensitivity: int = DEFAULT_SENSITIVITY) -> bool:
        """Judge the room at `when`; True when a rate was learned.

        The zone's sensitivity (1-5) sets the score that raises the flag.
        """
        step = elapsed(self._last_tick, when)
        self._last_tick = when
        learned = self._progress(when, step)
        was = self._verdict.flag
        if self._verdict.update(self.score, step, sensitivity) != was:
            self.since = when if not was else None
        return learned

    def _progress(self, when: datetime, step: timedelta) -> bool:
        """Count the stall, or see the room move and learn its rate."""
        direction, room, target = self.direction, self.room_c, self.target_c
        if direction is None or room is None or target is None:
            self._paused += step
            if self._paused >= PAUSE_ENDS:
                self._anchor_c = None
                self._clear_stall()
            return False
        self._paused = timedelta()
        if SIGN[direction] * (target - room) < NEAR_C or self._anchor_c is None:
            self._anchor_c = room
            self._clear_stall()
            return False
        self.stalled += step
        self._slow += step
        if self.stall_since is None:
            self.stall_since = when - step  # the room was last seen moving then
        moved = SIGN[direction] * (room - self._anchor_c)
        if moved < 0:
            # Moving away (a window, a door): progress counts from the worst.
            self._anchor_c = room
            return False
        if moved < MOVE_C:
            return False
        rate = moved / max(self._slow.total_seconds() / 3600.0, 1 / 12)
        slow = rate < SLOW_SHARE * self.rate.predict(direction)
        self.rate.learn(direction, rate)
        self._anchor_c = room
        self._slow = timedelta()
        if not slow:
            self._clear_stall()
        return True

    def _clear_stall(self) -> None:
        """Forget the stall."""
        self.stalled = self._slow = timedelta()
        self.stall_since = None

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "rate": self.rate.to_dict(),
            "now": [self.direction, self.room_c, self.target_c],
            "run": None if self._run is None else list(self._run),
            "stall": [
                self._anchor_c,
                self.stalled.total_seconds(),
                self._slow.total_seconds(),
                iso(self.stall_since),
                self._paused.total_seconds(),
            ],
            "last_tick": iso(self._last_tick),
            "verdict": self._verdict.to_list(),
            "since": iso(self.since),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "heating watch")
        watch = cls(WarmingRate.from_dict(data["rate"]))
        direction, room, target = as_list(data["now"], 3)
        if direction not in (*DIRECTIONS, None):
            raise ValueError(f"heating watch: unknown direction {direction!r}")
        watch.direction = direction
        watch.room_c, watch.target_c = (optional_number(room), optional_number(target))
        if (run := data["run"]) is not None:
            run_direction, run_target = as_list(run, 2)
            if run_direction not in DIRECTIONS:
                raise ValueError(f"heating watch: unknown direction {run_direction!r}")
            watch._run = (run_direction, number(run_target))
        anchor, stalled, slow, stall_since, paused = as_list(data["stall"], 5)
        watch._anchor_c = optional_number(anchor)
        watch.stalled = timedelta(seconds=max(0.0, number(stalled)))
        watch._slow = timedelta(seconds=max(0.0, number(slow)))
        watch.stall_since = aware_time(stall_since)
        watch._paused = timedelta(seconds=max(0.0, number(paused)))
        watch._last_tick = aware_time(data["last_tick"])
        watch._verdict = Verdict.from_list(data["verdict"])
        watch.since = aware_time(data["since"])
        # A "cooled_until" stored before the verdict kept the cooldown is not read.
        return watch


__all__ = ["COOL", "HEAT", "HeatingWatch", "WarmingRate"]
