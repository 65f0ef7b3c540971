"""Anomaly verdicts: a score that must stay high to raise a flag, and zone activity.

`Verdict` turns a score sampled every few minutes into a flag with hysteresis, a
minimum duration and a cooldown, so one odd reading never alarms and a flag does
not flicker.
`ActivityWatch` scores a zone's motion against its habit for the time of week.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
import math
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import AWAY, DEFAULT_SENSITIVITY, GUESTS, HOME_MODES, NORMAL, Conditions
from ..stats import fade
from .evidence import CELLS, HOURS, HourHabit, cell_of
from .logistic import sigmoid

__all__ = ["CELLS", "HOURS", "ActivityWatch", "Verdict", "cell_of"]

VERSION = 1

# A flag is raised when the score has stayed at or above ON for ON_HOLD, and cleared
# when it has stayed below OFF for OFF_HOLD: between the two it keeps its state.
ON = 0.8
OFF = 0.5
ON_HOLD = timedelta(minutes=15)
# A zone's sensitivity (1-5) moves the score that raises its flags and how long it
# must be held: 3 is ON for ON_HOLD; at 1 only a score of 0.95 held 45 minutes
# raises one, at 5 a score of 0.6 held 5 minutes.
RAISE_AT = {1: 0.95, 2: 0.9, 3: ON, 4: 0.7, 5: 0.6}
RAISE_HOLD = {
    1: timedelta(minutes=45),
    2: timedelta(minutes=30),
    3: ON_HOLD,
    4: timedelta(minutes=10),
    5: timedelta(minutes=5),
}
OFF_HOLD = timedelta(minutes=30)
# A cleared flag is not raised again for this long, however high the score: the
# household is not told twice in an hour about one thing settling down.
COOLDOWN = timedelta(hours=1)
# Elapsed time between ticks counts at most this much: a gap (Home Assistant was
# stopped) is not evidence of anything.
MAX_TICK = timedelta(hours=1)

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
# While the home is away nobody is expected: motion is taken as this unlikely in
# every hour (about 20 nats an hour; some 35 minutes of movement flag), and no
# stretch of quiet is surprising. With guests the habit's odds are widened: motion
# counts as if the hour saw it on sqrt(p) of days, quiet as if on p squared.
AWAY_P = 0.001


class Verdict:
    """A flag raised by a high score held long enough and cleared by a low one."""

    __slots__ = ("_cool", "_held", "flag")

    def __init__(self) -> None:
        """Start unflagged."""
        self.flag = False
        # How long the score has been on the other side of the flag's threshold.
        self._held = timedelta()
        # How much of the cooldown after the last clearing is left.
        self._cool = timedelta()

    def update(
        self, score: float, elapsed: timedelta, sensitivity: int = DEFAULT_SENSITIVITY
    ) -> bool:
        """Take the score after `elapsed` time; return the (possibly new) flag.

        The sensitivity (1-5) sets the score that raises the flag and how long it
        must last; see RAISE_AT and RAISE_HOLD.
        """
        cooling = self._cool > timedelta()
        self._cool = max(timedelta(), self._cool - elapsed)
        against = score < OFF if self.flag else score >= RAISE_AT[sensitivity]
        against = against and not cooling
        self._held = self._held + elapsed if against else timedelta()
        hold = OFF_HOLD if self.flag else RAISE_HOLD[sensitivity]
        if against and self._held >= hold:
            self.flag = not self.flag
            self._held = timedelta()
            if not self.flag:
                self._cool = COOLDOWN
        return self.flag

    def to_list(self) -> list[Any]:
        """Return the state as [flag, seconds held, seconds of cooldown left]."""
        return [self.flag, self._held.total_seconds(), self._cool.total_seconds()]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        # Stored before the cooldown: [flag, seconds held].
        flag, held, *cool = as_list(data)
        if not isinstance(flag, bool) or len(cool) > 1:
            raise TypeError(f"verdict: expected a flag and durations, got {data!r}")
        verdict = cls()
        verdict.flag = flag
        verdict._held = timedelta(seconds=max(0.0, number(held)))
        left = number(cool[0]) if cool else 0.0
        verdict._cool = min(COOLDOWN, timedelta(seconds=max(0.0, left)))
        return verdict


def elapsed(before: datetime | None, now: datetime) -> timedelta:
    """Return the time from `before` to `now`, within 0 and MAX_TICK."""
    if before is None:
        return timedelta()
    return max(timedelta(), min(MAX_TICK, now - before))


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
        "_habit",
        "_last_tick",
        "_mode",
        "_moved",
        "_on",
        "_present",
        "_verdict",
        "_visit",
        "anomaly_score",
        "present_score",
        "present_since",
        "skipped",
    )

    def __init__(self) -> None:
        """Start knowing no habit."""
        self._habit = HourHabit()
        self._on = False
        self._moved = False
        self._absent = 0.0
        self._present = 0.0
        self._last_tick: datetime | None = None
        # The home's mode the surprise above was gathered in.
        self._mode = NORMAL
        self._verdict = Verdict()
        self.anomaly_score = 0.0
        # Motion at an unusual time alone (the zone's `unusual_activity`), with its
        # own verdict, and when that verdict was raised.
        self._visit = Verdict()
        self.present_score = 0.0
        self.present_since: datetime | None = None
        self.skipped: Counter[str] = Counter()

    @property
    def anomaly(self) -> bool:
        """Return whether the zone's motion is flagged as unusual now."""
        return self._verdict.flag

    @property
    def unusual_activity(self) -> bool:
        """Return whether motion at a time that rarely sees any is flagged now."""
        return self._visit.flag

    def probability(self, x: Conditions) -> float:
        """Return how likely the hour of x is to see motion, by the habit."""
        return self._habit.probability(cell_of(x))

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
        if x.mode != self._mode:
            # Surprise gathered expecting others (or nobody) does not hold any more.
            self._absent = self._present = 0.0
            self._mode = x.mode
        habit = self._habit
        p = habit.probability(habit.observe(x, moved) if x.usual else habit.skip(x))
        hours = step.total_seconds() / 3600.0
        moving_p, quiet_p = _expected(p, x.mode)
        if moved:
            self._absent = 0.0
            self._present += (
                PRESENT_GAIN * max(0.0, math.log(P_USUAL / moving_p)) * hours
            )
        else:
            self._absent += -math.log1p(-quiet_p) * hours
            self._present *= fade(hours, PRESENT_HALF_LIFE_H)
        if habit.days >= WARMUP_DAYS or x.mode == AWAY:
            surprise = max(self._absent, self._present)
            self.anomaly_score = sigmoid(SURPRISE_SLOPE * (surprise - SURPRISE_MID))
            self.present_score = sigmoid(
                SURPRISE_SLOPE * (self._present - SURPRISE_MID)
            )
        self._verdict.update(self.anomaly_score, step, x.sensitivity)
        was = self._visit.flag
        if self._visit.update(self.present_score, step, x.sensitivity) != was:
            self.present_since = x.when if not was else None
        return True

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        habit = self._habit
        return {
            "version": VERSION,
            "yes": habit.yes,
            "seen": habit.seen,
            "days": habit.days,
            "hour": None if habit.hour is None else list(habit.hour),
            "moved": [habit.hour_seen, self._on, self._moved],
            "surprise": [self._absent, self._present],
            "last_tick": None
            if self._last_tick is None
            else self._last_tick.isoformat(),
            "score": self.anomaly_score,
            "mode": self._mode,
            "verdict": self._verdict.to_list(),
            "visit": [
                self.present_score,
                self._visit.to_list(),
                None if self.present_since is None else self.present_since.isoformat(),
            ],
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "activity watch")
        flags = as_list(data["moved"])
        if len(flags) != 3 or not all(isinstance(f, bool) for f in flags):
            raise TypeError("activity watch: expected three flags")
        watch = cls()
        watch._habit = HourHabit.from_dict(
            {key: data[key] for key in ("yes", "seen", "days", "hour")}
            | {"hour_seen": flags[0]}
        )
        watch._on, watch._moved = flags[1:]
        absent, present = (max(0.0, number(v)) for v in as_list(data["surprise"]))
        watch._absent, watch._present = absent, present
        watch._last_tick = aware_time(data["last_tick"])
        watch.anomaly_score = min(1.0, max(0.0, number(data["score"])))
        # Watches stored before home modes existed gathered it all in normal mode.
        mode = data.get("mode", NORMAL)
        if mode not in HOME_MODES:
            raise ValueError(f"activity watch: unknown home mode {mode!r}")
        watch._mode = mode
        watch._verdict = Verdict.from_list(data["verdict"])
        # Version 1 had no verdict of its own for visits: they start unflagged.
        if "visit" in data:
            score, visit, since = as_list(data["visit"], 3)
            watch.present_score = min(1.0, max(0.0, number(score)))
            watch._visit = Verdict.from_list(visit)
            watch.present_since = aware_time(since)
        watch.skipped = skipped_counts(data["skipped"])
        return watch


def _expected(p: float, mode: str) -> tuple[float, float]:
    """Return the odds of motion in an hour that moving and quiet are judged by."""
    if mode == AWAY:
        return AWAY_P, 0.0
    if mode == GUESTS:
        return math.sqrt(p), p * p
    return p, p


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
