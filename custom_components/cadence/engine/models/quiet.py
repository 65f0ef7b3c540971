"""Quiet at home: how long nobody has moved, against the quiet usual then.

`QuietWatch` keeps, for each of the last four weeks' days, the longest stretch
without activity reached in each hour of the day. Nights are naturally long: at
06:00 the home has been quiet since bedtime, so 06:00 learns a long usual. A
stretch is unusual when it is far longer than the usual of every hour it has
lasted through: four hours of quiet from 10:00 are unusual, nine from bedtime to a
Sunday's 08:00 are not (06:00 allows them), and from bedtime to noon they are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
import math
from typing import Any, Self

from ..codec import as_list, check_version, iso, number
from ..features import AWAY, Conditions
from .anomaly import Verdict, aware_time, elapsed
from .logistic import sigmoid

__all__ = ["QuietWatch"]

VERSION = 1
HOURS = 24
# Days kept, and how many an hour needs before its quiet is judged.
KEEP_DAYS = 28
WARMUP_DAYS = 7
# The usual longest quiet of an hour: this quantile of its days' longest.
USUAL_QUANTILE = 0.9
# A stretch is unusual past LIMIT_FACTOR times the usual plus LIMIT_MARGIN_H, and
# never under MIN_LIMIT_H: far longer than usual, not a little.
LIMIT_FACTOR = 1.5
LIMIT_MARGIN_H = 1.0
MIN_LIMIT_H = 3.0
# The score is 1/2 at the limit and 0.8 about a sixth beyond it.
SCORE_SLOPE = 8.0
# Marks an hour of a day that was not watched (nobody home, away, no sensor).
UNSEEN = -1.0


class QuietWatch:
    """How long the home has been quiet, and whether that is far longer than usual."""

    __slots__ = (
        "_date",
        "_days",
        "_last_tick",
        "_today",
        "_usuals",
        "_verdict",
        "began",
        "last_activity",
        "score",
        "since",
    )

    def __init__(self) -> None:
        """Know no quiet yet."""
        # The longest quiet reached in each hour, of past days and of today so far.
        self._days: list[list[float]] = []
        self._today = [UNSEEN] * HOURS
        self._date: date | None = None
        self._usuals: list[float | None] = [None] * HOURS
        self._last_tick: datetime | None = None
        self._verdict = Verdict()
        # The last activity anywhere (UTC), None before any was seen.
        self.last_activity: datetime | None = None
        self.score = 0.0
        self.since: datetime | None = None
        # While flagged: when the quiet that raised the flag began (it stays put
        # while the flag clears, though activity has come).
        self.began: datetime | None = None

    @property
    def flag(self) -> bool:
        """Return whether the home has been quiet for unusually long."""
        return self._verdict.flag

    @property
    def days(self) -> int:
        """Return the days of quiet learned."""
        return len(self._days)

    def active(self, when: datetime) -> None:
        """Take activity somewhere in the home at `when`."""
        moment = when.astimezone(UTC)
        if self.last_activity is None or moment > self.last_activity:
            self.last_activity = moment

    def quiet_at(self, x: Conditions) -> float:
        """Return the hours without activity at x.when (0 before any was seen)."""
        last = self.last_activity
        if last is None:
            return 0.0
        return max(0.0, (x.when.astimezone(UTC) - last).total_seconds() / 3600.0)

    def usual_h(self, x: Conditions) -> float | None:
        """Return the longest quiet usual for the present stretch.

        The largest usual of the hours it has lasted through (all of them after a
        day); None before a week of learning.
        """
        last = self.last_activity
        if last is None:
            return None
        began = last.astimezone(x.when.tzinfo).hour
        long = self.quiet_at(x) >= HOURS - 1
        hours = HOURS if long else (x.when.hour - began) % HOURS + 1
        found = [
            usual
            for back in range(hours)
            if (usual := self._usuals[(x.when.hour - back) % HOURS]) is not None
        ]
        return max(found) if found else None

    def limit_h(self, x: Conditions) -> float | None:
        """Return the quiet past which the present stretch is unusual."""
        usual = self.usual_h(x)
        if usual is None:
            return None
        return max(MIN_LIMIT_H, LIMIT_FACTOR * usual + LIMIT_MARGIN_H)

    def tick(self, x: Conditions, watched: bool) -> bool:
        """Judge the quiet at x.when; learn it when the home is usual. True if learned.

        `watched` says someone is home and a motion sensor reports: otherwise quiet
        means nothing, and it is counted afresh from when it does again.
        """
        step = elapsed(self._last_tick, x.when)
        self._last_tick = x.when
        self._roll(x.when.date())
        now = x.when.astimezone(UTC)
        if not watched or x.mode == AWAY or self.last_activity is None:
            self.last_activity = now
        quiet_h = self.quiet_at(x)
        limit = self.limit_h(x)
        self.score = (
            0.0 if limit is None else sigmoid(SCORE_SLOPE * (quiet_h / limit - 1))
        )
        was = self._verdict.flag
        if self._verdict.update(self.score, step, x.sensitivity) != was:
            self.since = x.when if not was else None
            self.began = self.last_activity if not was else None
        if not (watched and x.usual):
            return False
        # What is learned is capped at the limit: a fall is no new habit, while a
        # new routine raises the usual day by day.
        hour = x.when.hour
        learned = quiet_h if limit is None else min(quiet_h, limit)
        self._today[hour] = max(self._today[hour], learned)
        return True

    def _roll(self, today: date) -> None:
        """Keep the finished day's longest quiets when a new day starts."""
        if self._date == today:
            return
        if self._date is not None and any(v != UNSEEN for v in self._today):
            self._days = [*self._days, self._today][-KEEP_DAYS:]
            self._usuals = _usuals(self._days)
        self._date = today
        self._today = [UNSEEN] * HOURS

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "days": [list(day) for day in self._days],
            "today": list(self._today),
            "date": None if self._date is None else self._date.isoformat(),
            "last_activity": iso(self.last_activity),
            "last_tick": iso(self._last_tick),
            "score": self.score,
            "verdict": self._verdict.to_list(),
            "since": iso(self.since),
            "began": iso(self.began),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "quiet watch")
        watch = cls()
        watch._days = [_hours(day) for day in as_list(data["days"])][-KEEP_DAYS:]
        watch._today = _hours(data["today"])
        watch._date = None if data["date"] is None else date.fromisoformat(data["date"])
        watch.last_activity = aware_time(data["last_activity"])
        watch._last_tick = aware_time(data["last_tick"])
        watch.score = min(1.0, max(0.0, number(data["score"])))
        watch._verdict = Verdict.from_list(data["verdict"])
        watch.since = aware_time(data["since"])
        watch.began = aware_time(data.get("began"))  # added within version 1
        watch._usuals = _usuals(watch._days)
        return watch


def _hours(data: object) -> list[float]:
    """Return a stored day of longest quiets, checked: 24 hours, >= 0 or unseen."""
    values = [number(v) for v in as_list(data, HOURS)]
    if any(v < 0 and v != UNSEEN for v in values):
        raise ValueError("quiet watch: negative hours")
    return values


def _usual(values: list[float]) -> float | None:
    """Return USUAL_QUANTILE of the seen values, None with under WARMUP_DAYS."""
    seen = sorted(v for v in values if v != UNSEEN)
    if len(seen) < WARMUP_DAYS:
        return None
    return seen[min(len(seen) - 1, math.ceil(USUAL_QUANTILE * len(seen)) - 1)]


def _usuals(days: list[list[float]]) -> list[float | None]:
    """Return the usual longest quiet of each hour of the day."""
    return [_usual([day[hour] for day in days]) for hour in range(HOURS)]
