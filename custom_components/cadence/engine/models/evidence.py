"""Evidence that a sensor misbehaves, learned per sensor: excursions and stillness.

`Excursion` measures how long readings have stayed far from what is expected on
one side, against the longest such stretch this sensor usually has: a water heater
that runs for hours on cold nights teaches that, a kitchen left at 2 kW all
afternoon has never done it. `Stillness` adds up how unlikely it is that the
readings have not moved for so long at these hours of the week: a fridge that
stops cycling, a meter stuck at its last value, heating that no longer runs in
the hours it always does. `Frozen` measures how long the readings have repeated one
value exactly, against this sensor's usual longest repeat: a meter frozen at 1092 W
while the water heater's readings always jitter. `HourHabit`, the share of days an
hour of the week sees something happen, is also the habit of a zone's motion.
"""

from __future__ import annotations

import math
from typing import Any, Self

from ..codec import as_list, integer, number
from ..features import Conditions
from ..stats import fade

HOURS = 24
CELLS = 2 * HOURS
# HourHabit: each day's evidence fades by half in this many days of the same cell.
HALF_LIFE_DAYS = 14.0
# Probabilities are kept away from 0 and 1 so that one hour can add at most about
# three to four nats of surprise.
P_MIN = 0.02
P_MAX = 0.95
_FADE = fade(1.0, HALF_LIFE_DAYS)

# Excursion and Stillness learn freely for a week, then judge.
WARMUP_H = 7 * 24.0
# An excursion is a stretch of readings beyond Z_FAR deviations on one side, sized
# in deviation-hours: each hour counts min(|z|, Z_CAP) / Z_FAR, so a reading 8
# deviations off weighs three times one just far. The usual largest fades by half
# in a month, is never below RUN_FLOOR (two hours just far), and grows at most by
# RUN_GROWTH per excursion once learned, and not at all by one that ends flagged,
# so a fault cannot teach that faults are usual. Counted in hours alone, the UCI
# household's precision was a little higher but a room 3 °C too cold took over
# four hours to flag.
Z_FAR = 2.5
Z_CAP = 8.0
RUN_HALF_LIFE_H = 30 * 24.0
RUN_FLOOR = 2.0
RUN_GROWTH = 1.5
# A reading moves when it differs from the run's first by more than this share of
# the sensor's typical change (a value jittering in its last digit does not move).
MOVE_SHARE = 0.05
CHANGE_MEMORY = 32
# Frozen: a repeat is of exactly one value at ticks in a row, sized in hours; its
# usual longest is learned like an excursion's, never below FROZEN_FLOOR_H. Repeats
# within OFF_SHARE of the sensor's range above its lowest reading are an appliance
# that is off (0 W, or its standby), which repeats naturally, and are not counted.
FROZEN_FLOOR_H = 1.0
OFF_SHARE = 0.02


def cell_of(x: Conditions) -> int:
    """Return the cell of a moment: kind of day and local wall-clock hour."""
    _, slot = x.slot
    return (HOURS if x.is_workday else 0) + slot // 2


class HourHabit:
    """Per kind of day and hour, the share of days that hour saw something happen."""

    __slots__ = ("days", "hour", "hour_seen", "seen", "yes")

    def __init__(self) -> None:
        """Start knowing no habit."""
        self.yes = [0.0] * CELLS
        self.seen = [0.0] * CELLS
        self.days = 0
        # The hour being watched, as (local ordinal day, cell), and if it saw any.
        self.hour: tuple[int, int] | None = None
        self.hour_seen = False

    def probability(self, cell: int) -> float:
        """Return how likely an hour of the cell is to see something, kept off 0/1."""
        p = (self.yes[cell] + 0.5) / (self.seen[cell] + 1.0)
        return min(P_MAX, max(P_MIN, p))

    def observe(self, x: Conditions, happened: bool) -> int:
        """Note whether something happened at x; return x's cell."""
        hour = (x.when.toordinal(), cell_of(x))
        if self.hour != hour:
            if self.hour is not None:
                day, cell = self.hour
                self.yes[cell] = self.yes[cell] * _FADE + self.hour_seen
                self.seen[cell] = self.seen[cell] * _FADE + 1.0
                if hour[0] != day:
                    self.days += 1
            self.hour = hour
            self.hour_seen = False
        self.hour_seen |= happened
        return hour[1]

    def skip(self, x: Conditions) -> int:
        """Learn nothing at x (the hour being watched is dropped); return x's cell."""
        self.hour = None
        self.hour_seen = False
        return cell_of(x)

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "yes": self.yes,
            "seen": self.seen,
            "days": self.days,
            "hour": None if self.hour is None else list(self.hour),
            "hour_seen": self.hour_seen,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        habit = cls()
        yes = [number(v) for v in as_list(data["yes"], CELLS)]
        seen = [number(v) for v in as_list(data["seen"], CELLS)]
        if any(not 0.0 <= y <= s for y, s in zip(yes, seen, strict=True)):
            raise ValueError("habit: counts of events must be within counts of hours")
        habit.yes, habit.seen = yes, seen
        habit.days = integer(data["days"], 0, 2**31)
        hour = data["hour"]
        if hour is not None:
            day, cell = as_list(hour, 2)
            habit.hour = (integer(day, 1, 10**7), integer(cell, 0, CELLS))
        seen_now = data["hour_seen"]
        if not isinstance(seen_now, bool):
            raise TypeError("habit: hour_seen must be a flag")
        habit.hour_seen = seen_now
        return habit


class Excursion:
    """How much larger than usual the readings' stretch far on one side is."""

    __slots__ = ("_learned_h", "_run", "_side", "_usual")

    def __init__(self) -> None:
        """Start with no excursion and the floor as the usual largest one."""
        self._side = 0  # 1 above, -1 below, 0 near
        self._run = 0.0  # deviation-hours
        self._usual = [RUN_FLOOR, RUN_FLOOR]  # above, below
        self._learned_h = 0.0

    @property
    def side(self) -> int:
        """Return 1 while the readings stretch far above, -1 below, 0 near."""
        return self._side

    def update(self, z: float, hours: float, flagged: bool) -> float:
        """Take the deviation `hours` after the last one; return the evidence.

        The evidence is log2(excursion / usual largest on that side): 0 while it
        is no larger than usual, 1 at twice as large; 0 while learning.
        """
        self._learned_h += hours
        keep = fade(hours, RUN_HALF_LIFE_H)
        self._usual = [max(RUN_FLOOR, u * keep) for u in self._usual]
        side = (z >= Z_FAR) - (z <= -Z_FAR)
        size = hours * min(abs(z), Z_CAP) / Z_FAR
        if side and side == self._side:
            self._run += size
        else:
            if self._side and not flagged:
                i = self._side < 0
                learning = self._learned_h < WARMUP_H
                self._usual[i] = grown(self._usual[i], self._run, learning)
            self._side = side
            self._run = size if side else 0.0
        if not self._side or self._learned_h < WARMUP_H:
            return 0.0
        return run_evidence(self._run, self._usual[self._side < 0])

    def to_list(self) -> list[float]:
        """Return the state as [side, run, usual above, usual below, learned h]."""
        return [self._side, self._run, *self._usual, self._learned_h]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        side, *rest = as_list(data, 5)
        run, above, below, learned = (number(v) for v in rest)
        if min(run, learned) < 0.0 or min(above, below) < RUN_FLOOR:
            raise ValueError("excursion: negative or too short a duration")
        excursion = cls()
        excursion._side = integer(side, -1, 2)
        excursion._run, excursion._usual = run, [above, below]
        excursion._learned_h = learned
        return excursion


class Frozen:
    """How much longer than usual the readings have repeated one value exactly."""

    __slots__ = ("_learned_h", "_run", "_usual", "_value")

    def __init__(self) -> None:
        """Start with no repeat and the floor as the usual longest one."""
        self._value: float | None = None
        self._run = 0.0  # hours the value has been repeated
        self._usual = FROZEN_FLOOR_H
        self._learned_h = 0.0

    @property
    def run_h(self) -> float:
        """Return how many hours the latest value has been repeated."""
        return self._run

    def update(self, value: float, hours: float, off: bool, flagged: bool) -> float:
        """Take the reading `hours` after the last; return the evidence.

        `off`: the reading is at the sensor's lowest level. The evidence is
        log2(repeat / usual longest): 0 while no longer than usual; 0 while learning.
        """
        self._learned_h += hours
        keep = fade(hours, RUN_HALF_LIFE_H)
        self._usual = max(FROZEN_FLOOR_H, self._usual * keep)
        if value == self._value and not off:
            self._run += hours
        else:
            if self._run and not flagged:
                learning = self._learned_h < WARMUP_H
                self._usual = grown(self._usual, self._run, learning)
            self._run = 0.0
        self._value = value
        if self._learned_h < WARMUP_H:
            return 0.0
        return run_evidence(self._run, self._usual)

    def to_list(self) -> list[float | None]:
        """Return the state as [value, repeat h, usual longest h, learned h]."""
        return [self._value, self._run, self._usual, self._learned_h]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        value, *rest = as_list(data, 4)
        run, usual, learned = (_non_negative(v) for v in rest)
        if usual < FROZEN_FLOOR_H:
            raise ValueError("frozen: usual repeat below the floor")
        frozen = cls()
        frozen._value = None if value is None else number(value)
        frozen._run, frozen._usual, frozen._learned_h = run, usual, learned
        return frozen


def grown(usual: float, run: float, learning: bool) -> float:
    """Return the usual longest run after one that ended.

    It grows freely while learning, then by at most RUN_GROWTH.
    """
    return max(usual, run if learning else min(run, usual * RUN_GROWTH))


def run_evidence(run: float, usual: float) -> float:
    """Return log2(run / usual), at least 0; a run of no time adds nothing."""
    return max(0.0, math.log2(run / usual)) if run > 0.0 else 0.0


class Stillness:
    """The surprise, in nats, of a sensor's readings not moving for so long.

    Each still hour adds -log(1 - p), p the share of days that hour of the week
    sees the sensor move; a move resets it. Hours are treated as independent, so
    the sum is the log-loss of the habit's bet that the sensor would have moved.
    """

    __slots__ = ("_change", "_habit", "_learned_h", "_start", "surprise")

    def __init__(self) -> None:
        """Start with nothing seen."""
        self._habit = HourHabit()
        self._start: float | None = None  # the value the still run began with
        self._change = 0.0  # typical size of a change that ended a run
        self._learned_h = 0.0
        self.surprise = 0.0

    def update(self, x: Conditions, value: float, hours: float) -> float:
        """Take the reading at x, `hours` after the last; return the surprise."""
        self._learned_h += hours
        start = self._start
        change = 0.0 if start is None else abs(value - start)
        moved = start is None or change > MOVE_SHARE * self._change
        if moved:
            if start is not None:
                self._change += (change - self._change) / CHANGE_MEMORY
            self._start = value
        cell = self._habit.observe(x, moved)
        if moved:
            self.surprise = 0.0
        else:
            self.surprise -= math.log1p(-self._habit.probability(cell)) * hours
        return self.surprise if self._learned_h >= WARMUP_H else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "habit": self._habit.to_dict(),
            "start": self._start,
            "change": self._change,
            "learned_h": self._learned_h,
            "surprise": self.surprise,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        still = cls()
        still._habit = HourHabit.from_dict(data["habit"])
        start = data["start"]
        still._start = None if start is None else number(start)
        still._change, still._learned_h, still.surprise = (
            _non_negative(data[key]) for key in ("change", "learned_h", "surprise")
        )
        return still


def _non_negative(value: object) -> float:
    """Return a stored number that must not be negative."""
    result = number(value)
    if result < 0.0:
        raise ValueError(f"expected a number not below zero, got {result}")
    return result
