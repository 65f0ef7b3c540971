"""Anomaly verdicts: a score that must stay high to raise a flag, and zone activity.

`Verdict` turns a score sampled every few minutes into a flag with hysteresis and a
minimum duration, so one odd reading never alarms and a flag does not flicker.
`ActivityWatch` scores a zone's motion against its habit for the time of week.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
import math
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import Conditions
from ..stats import fade
from .logistic import sigmoid

VERSION = 1

# A flag is raised when the score has stayed at or above ON for ON_HOLD, and cleared
# when it has stayed below OFF for OFF_HOLD: between the two it keeps its state.
ON = 0.8
OFF = 0.5
ON_HOLD = timedelta(minutes=15)
OFF_HOLD = timedelta(minutes=30)
# Elapsed time between ticks counts at most this much: a gap (Home Assistant was
# stopped) is not evidence of anything.
MAX_TICK = timedelta(hours=1)

# Flatness: a reading within this share of the sensor's typical change continues a
# run; the usual longest run fades by half in a month, is never below an hour, and
# grows at most by RUN_GROWTH per run once learned, and not at all by a run that
# ends flagged, so a stuck spell cannot teach that being stuck is usual. Flatness
# is judged after a week of learning.
FLAT_SHARE = 0.05
RUN_HALF_LIFE_H = 30 * 24.0
RUN_FLOOR_H = 1.0
RUN_GROWTH = 1.5
FLAT_WARMUP_H = 7 * 24.0
CHANGE_MEMORY = 32

HOURS = 24
CELLS = 2 * HOURS
# ActivityWatch: per kind of day and hour, the share of days that hour saw motion;
# each day's evidence fades by half in this many days of the same cell.
HALF_LIFE_DAYS = 14.0
# Probabilities are kept away from 0 and 1 so that one hour can add at most about
# three to four nats of surprise.
P_MIN = 0.02
P_MAX = 0.95
# Anomalies are judged only after this many days of habit.
WARMUP_DAYS = 7
# Surprise, in nats (the log-loss of the habit's prediction), turns into a score
# through a logistic: 1/2 at SURPRISE_MID, 0.8 about 0.7 nats later. Seven nats is
# an outcome the habit gives about one chance in a thousand.
SURPRISE_MID = 6.0
SURPRISE_SLOPE = 2.0
# Motion counts as surprising only in hours that see motion on fewer days than
# P_USUAL, by three times its log-ratio per hour of motion: in an hour that sees
# motion on one day in twenty-five, about an hour and a half of movement flags,
# and a ten-minute visit adds under one nat.
P_USUAL = 0.25
PRESENT_GAIN = 3.0
# Surprise from motion at a quiet time fades by half in this many hours of quiet.
PRESENT_HALF_LIFE_H = 2.0

_FADE = fade(1.0, HALF_LIFE_DAYS)


class Verdict:
    """A flag raised by a high score held long enough and cleared by a low one."""

    __slots__ = ("_held", "flag")

    def __init__(self) -> None:
        """Start unflagged."""
        self.flag = False
        # How long the score has been on the other side of the flag's threshold.
        self._held = timedelta()

    def update(self, score: float, elapsed: timedelta) -> bool:
        """Take the score after `elapsed` time; return the (possibly new) flag."""
        against = score < OFF if self.flag else score >= ON
        self._held = self._held + elapsed if against else timedelta()
        if against and self._held >= (OFF_HOLD if self.flag else ON_HOLD):
            self.flag = not self.flag
            self._held = timedelta()
        return self.flag

    def to_list(self) -> list[Any]:
        """Return the state as [flag, seconds held]."""
        return [self.flag, self._held.total_seconds()]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        flag, held = as_list(data)
        if not isinstance(flag, bool):
            raise TypeError(f"verdict: expected a flag, got {flag!r}")
        verdict = cls()
        verdict.flag = flag
        verdict._held = timedelta(seconds=max(0.0, number(held)))
        return verdict


class Flatness:
    """How much longer a sensor has read the same than its usual longest run.

    Data validation: a sensor that usually changes every few minutes and has not
    changed for half a day is stuck, or the thing it measures has stopped (a fridge
    that no longer cycles).
    """

    __slots__ = ("_change", "_learned_h", "_run_h", "_start", "_usual_h")

    def __init__(self) -> None:
        """Start with no run and the floor as the usual longest run."""
        self._start: float | None = None  # the value the run began with
        self._run_h = 0.0
        self._usual_h = RUN_FLOOR_H
        self._change = 0.0  # typical size of a change that ended a run
        self._learned_h = 0.0

    def update(self, value: float, hours: float, flagged: bool) -> float:
        """Extend or end the run with value, `hours` after the last reading.

        Return log2(run / usual longest run), 0 when shorter or still learning.
        """
        self._learned_h += hours
        self._usual_h = max(RUN_FLOOR_H, self._usual_h * fade(hours, RUN_HALF_LIFE_H))
        start = self._start
        change = abs(value - start) if start is not None else 0.0
        if start is not None and change <= FLAT_SHARE * self._change:
            self._run_h += hours
        else:
            if start is not None:
                self._change += (change - self._change) / CHANGE_MEMORY
                if self._run_h > self._usual_h and not flagged:
                    self._usual_h = min(self._run_h, self._usual_h * RUN_GROWTH)
            self._start = value
            self._run_h = 0.0
        if self._learned_h < FLAT_WARMUP_H:
            self._usual_h = max(self._usual_h, self._run_h)
            return 0.0
        return max(0.0, math.log2(max(self._run_h, 1e-9) / self._usual_h))

    def to_list(self) -> list[float | None]:
        """Return the state as [run start, run h, usual h, change, learned h]."""
        return [self._start, self._run_h, self._usual_h, self._change, self._learned_h]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        start, *rest = as_list(data)
        run_h, usual_h, change, learned_h = (number(v) for v in rest)
        if min(run_h, change, learned_h) < 0.0 or usual_h < RUN_FLOOR_H:
            raise ValueError("flatness: negative duration or change")
        flatness = cls()
        flatness._start = None if start is None else number(start)
        flatness._run_h, flatness._usual_h = run_h, usual_h
        flatness._change, flatness._learned_h = change, learned_h
        return flatness


def elapsed(before: datetime | None, now: datetime) -> timedelta:
    """Return the time from `before` to `now`, within 0 and MAX_TICK."""
    if before is None:
        return timedelta()
    return max(timedelta(), min(MAX_TICK, now - before))


def cell_of(x: Conditions) -> int:
    """Return the cell of a moment: kind of day and local wall-clock hour."""
    _, slot = x.slot
    return (HOURS if x.is_workday else 0) + slot // 2


class ActivityWatch:
    """Flags a zone whose motion is unusually absent or present for the time of week.

    Per kind of day and hour it learns how often that hour sees any motion. Every
    quiet tick adds the surprise of that quiet, `-log(1 - p)` per hour, and motion
    resets it; every tick with motion in an hour that rarely sees any adds
    `3 log(P_USUAL / p)` per hour, fading in quiet. Hours are treated as independent, so the sum is the
    log-loss of the habit's bet on the whole stretch; its logistic is the score.
    Someone usually up by nine and still unseen at noon costs three busy hours, about
    seven nats; a short night-time bathroom visit costs well under one.
    """

    __slots__ = (
        "_absent",
        "_days",
        "_hour",
        "_hour_moved",
        "_last_tick",
        "_moved",
        "_on",
        "_present",
        "_seen",
        "_verdict",
        "_yes",
        "anomaly_score",
        "skipped",
    )

    def __init__(self) -> None:
        """Start knowing no habit."""
        self._yes = [0.0] * CELLS
        self._seen = [0.0] * CELLS
        self._days = 0
        # The hour being watched, as (local ordinal day, cell), and if it saw motion.
        self._hour: tuple[int, int] | None = None
        self._hour_moved = False
        self._on = False
        self._moved = False
        self._absent = 0.0
        self._present = 0.0
        self._last_tick: datetime | None = None
        self._verdict = Verdict()
        self.anomaly_score = 0.0
        self.skipped: Counter[str] = Counter()

    @property
    def anomaly(self) -> bool:
        """Return whether the zone's motion is flagged as unusual now."""
        return self._verdict.flag

    def probability(self, x: Conditions) -> float:
        """Return how likely the hour of x is to see motion, by the habit."""
        cell = cell_of(x)
        p = (self._yes[cell] + 0.5) / (self._seen[cell] + 1.0)
        return min(P_MAX, max(P_MIN, p))

    def update(self, when: datetime, state: str) -> None:
        """Take a reported state of the zone's motion sensor ('on' or 'off')."""
        if state == "on":
            self._on = self._moved = True
        elif state == "off":
            self._on = False
        else:
            self.skipped[state if state in ("unknown", "unavailable") else "other"] += 1

    def tick(self, x: Conditions) -> bool:
        """Sample the zone at x: learn its hour and update the verdict; True if learned."""
        moved = self._moved or self._on
        self._moved = False
        step = elapsed(self._last_tick, x.when)
        self._last_tick = x.when
        hour = (x.when.toordinal(), cell_of(x))
        if self._hour != hour:
            self._close_hour(hour)
        self._hour_moved |= moved
        hours = step.total_seconds() / 3600.0
        p = self.probability(x)
        if moved:
            self._absent = 0.0
            self._present += PRESENT_GAIN * max(0.0, math.log(P_USUAL / p)) * hours
        else:
            self._absent += -math.log1p(-p) * hours
            self._present *= fade(hours, PRESENT_HALF_LIFE_H)
        if self._days >= WARMUP_DAYS:
            surprise = max(self._absent, self._present)
            self.anomaly_score = sigmoid(SURPRISE_SLOPE * (surprise - SURPRISE_MID))
        self._verdict.update(self.anomaly_score, step)
        return True

    def _close_hour(self, hour: tuple[int, int]) -> None:
        """Teach the hour that ended, and fade its cell once per day."""
        if self._hour is not None:
            day, cell = self._hour
            self._yes[cell] = self._yes[cell] * _FADE + self._hour_moved
            self._seen[cell] = self._seen[cell] * _FADE + 1.0
            if hour[0] != day:
                self._days += 1
        self._hour = hour
        self._hour_moved = False

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "yes": self._yes,
            "seen": self._seen,
            "days": self._days,
            "hour": None if self._hour is None else list(self._hour),
            "moved": [self._hour_moved, self._on, self._moved],
            "surprise": [self._absent, self._present],
            "last_tick": None
            if self._last_tick is None
            else self._last_tick.isoformat(),
            "score": self.anomaly_score,
            "verdict": self._verdict.to_list(),
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "activity watch")
        watch = cls()
        yes = [number(v) for v in as_list(data["yes"])]
        seen = [number(v) for v in as_list(data["seen"])]
        if len(yes) != CELLS or len(seen) != CELLS:
            raise ValueError("activity watch: expected one count per hour of each kind")
        if any(not 0.0 <= y <= s for y, s in zip(yes, seen, strict=True)):
            raise ValueError("activity watch: counts of motion must be within counts")
        watch._yes, watch._seen = yes, seen
        watch._days = integer(data["days"], 0, 2**31)
        hour = data["hour"]
        if hour is not None:
            day, cell = as_list(hour)
            watch._hour = (integer(day, 1, 10**7), integer(cell, 0, CELLS))
        flags = as_list(data["moved"])
        if len(flags) != 3 or not all(isinstance(f, bool) for f in flags):
            raise TypeError("activity watch: expected three flags")
        watch._hour_moved, watch._on, watch._moved = flags
        absent, present = (max(0.0, number(v)) for v in as_list(data["surprise"]))
        watch._absent, watch._present = absent, present
        watch._last_tick = aware_time(data["last_tick"])
        watch.anomaly_score = min(1.0, max(0.0, number(data["score"])))
        watch._verdict = Verdict.from_list(data["verdict"])
        watch.skipped = skipped_counts(data["skipped"])
        return watch


def aware_time(value: object) -> datetime | None:
    """Return a stored ISO time (None stays None), checking it knows its zone."""
    if value is None:
        return None
    when = datetime.fromisoformat(str(value))
    Conditions(when=when)
    return when


def skipped_counts(data: object) -> Counter[str]:
    """Return stored counts of skipped states, checking them."""
    if not isinstance(data, dict):
        raise TypeError("skipped: expected an object of counts")
    return Counter({str(k): integer(v, 0, 2**63) for k, v in data.items()})
