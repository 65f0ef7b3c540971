"""A zone's weekly habit: how often it was in use, per hour of the week, lately.

Per local (weekday, hour) cell, fading counts of how often the zone was in use on
*earlier days*: today's counts join at the end of the local day, so the habit never
echoes what happened minutes ago. Counts fade by half in `HALF_LIFE_DAYS`. Two
smoothed log-odds come out of it: the weekday-specific cell and the same hour pooled
over all weekdays, each shrunk toward the one above it (cell -> hour -> whole
week), so two weeks of data already give a usable prior.
"""

from __future__ import annotations

from datetime import datetime
import math
from typing import Any

from ..codec import as_list, bounded, integer
from ..stats import fade_days

HALF_LIFE_DAYS = 28.0
CELLS = 7 * 24
# Shrinkage: a cell counts as this many samples of its hour, an hour as this many
# of the whole week (a quarter and half an hour of 5-minute labels). Tuned on
# scripts/bench's occupancy leads: from 6 and 12, the simulated day-ahead forecast
# went from 0.953 to 0.947 of the histogram, the worst real zone 0.820 to 0.819.
CELL_PRIOR = 3.0
HOUR_PRIOR = 6.0
# A pooled start counts the home's habit as this many labels per hour of the week
# (an hour of five-minute labels is 12).
POOLED_SEEN = 1.0
LOGIT_LIMIT = 6.0


def logit(p: float) -> float:
    """Return the log-odds of p, within LOGIT_LIMIT."""
    z = math.log(p / (1.0 - p))
    return LOGIT_LIMIT if z > LOGIT_LIMIT else max(z, -LOGIT_LIMIT)


class WeekHabit:
    """Fading counts of use per hour of the week, and the log-odds they give."""

    __slots__ = ("_day", "_on", "_pool", "_seen", "_today")

    def __init__(self) -> None:
        """Start knowing nothing: every hour 1/2."""
        self._on = [0.0] * CELLS
        self._seen = [0.0] * CELLS
        self._today: dict[int, list[float]] = {}  # cell -> [on, seen] of today
        self._day: int | None = None  # local date ordinal of the labels being counted
        self._pool: tuple[list[float], list[float]] | None = None

    @property
    def informed(self) -> bool:
        """Return whether anything was counted (or lent by a pooled start)."""
        return any(self._seen)

    def start_day(self, day: int) -> None:
        """Move to a local day: earlier days' counts join the habit and fade."""
        if self._day is not None and day > self._day:
            today = self._today.items()
            days = day - self._day
            fade_days(self._on, ((c, o) for c, (o, _) in today), days, HALF_LIFE_DAYS)
            fade_days(self._seen, ((c, s) for c, (_, s) in today), days, HALF_LIFE_DAYS)
            self._today = {}
            self._pool = None
        if self._day is None or day > self._day:
            self._day = day

    def count(self, local: datetime, y: float) -> None:
        """Count a label (1 in use, 0 not) of the window starting at local."""
        c0, c1, t = _bins(local)
        today = self._today
        for cell, share in ((c0, 1.0 - t), (c1, t)):
            counts = today.get(cell)
            if counts is None:
                today[cell] = [y * share, share]
            else:
                counts[0] += y * share
                counts[1] += share

    def _pools(self) -> tuple[list[float], list[float]]:
        """Return per hour (on, seen) summed over weekdays; last item: whole week."""
        if self._pool is None:
            hon = [0.0] * 25
            hseen = [0.0] * 25
            for c in range(CELLS):
                h = c % 24
                hon[h] += self._on[c]
                hseen[h] += self._seen[c]
            hon[24] = sum(hon[:24])
            hseen[24] = sum(hseen[:24])
            self._pool = (hon, hseen)
        return self._pool

    def _cell_p(
        self, cell: int, hon: list[float], hseen: list[float], week: float
    ) -> tuple[float, float]:
        h = cell % 24
        hour = (hon[h] + HOUR_PRIOR * week) / (hseen[h] + HOUR_PRIOR)
        return (self._on[cell] + CELL_PRIOR * hour) / (
            self._seen[cell] + CELL_PRIOR
        ), hour

    def logits(self, local: datetime) -> tuple[float, float]:
        """Return the (weekday-hour, hour) log-odds of the habit at a local time."""
        hon, hseen = self._pools()
        week = (hon[24] + 1.0) / (hseen[24] + 2.0)
        c0, c1, t = _bins(local)
        p0, h0 = self._cell_p(c0, hon, hseen, week)
        p1, h1 = self._cell_p(c1, hon, hseen, week)
        return logit(p0 + t * (p1 - p0)), logit(h0 + t * (h1 - h0))

    def confidence(self, local: datetime) -> float:
        """Return 0..1: how much evidence the habit has at the moment's cell."""
        seen = self._seen[local.weekday() * 24 + local.hour]
        return seen / (seen + CELL_PRIOR)

    @classmethod
    def pooled(cls, habits: list[WeekHabit]) -> WeekHabit:
        """Return a habit starting from others' average, counted as POOLED_SEEN."""
        fresh = cls()
        n = float(len(habits))
        for c in range(CELLS):
            p = sum((h._on[c] + 1.0) / (h._seen[c] + 2.0) for h in habits) / n  # noqa: SLF001
            fresh._on[c] = round(p * POOLED_SEEN, 3)
            fresh._seen[c] = POOLED_SEEN
        return fresh

    def to_dict(self) -> dict[str, Any]:
        """Return the counts, JSON-safe (their keys sit beside the model's)."""
        return {
            "day": self._day,
            "on": [round(v, 2) for v in self._on],
            "seen": [round(v, 2) for v in self._seen],
            "today": [[c, o, s] for c, (o, s) in sorted(self._today.items())],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WeekHabit:
        """Rebuild from `to_dict` output; raise ValueError/TypeError/KeyError if bad."""
        m = cls()
        day = data["day"]
        m._day = None if day is None else integer(day, 1, 10**7 + 1)
        on = [bounded(v, 0.0, 1e9) for v in as_list(data["on"], CELLS)]
        seen = [bounded(v, 0.0, 1e9) for v in as_list(data["seen"], CELLS)]
        if any(o > s + 0.02 for o, s in zip(on, seen, strict=True)):
            raise ValueError("occupancy: counts of on must be within counts seen")
        m._on, m._seen = on, seen
        for row in as_list(data["today"]):
            c, o, s = as_list(row, 3)
            c, o, s = (
                integer(c, 0, CELLS),
                bounded(o, 0.0, 1e9),
                bounded(s, 0.0, 1e9),
            )
            if o > s:
                raise ValueError("occupancy: today's on must be within seen")
            m._today[c] = [o, s]
        return m


def _bins(local: datetime) -> tuple[int, int, float]:
    """Return the two hour-of-week cells around the window's centre, and a weight.

    The weight is the second cell's (linear binning: the habit is smooth within
    hours).
    """
    # Centre of [when, when + 15 min), in hours of the week from Monday 0:00,
    # minus half an hour: cell c covers its hour, centred at c + 0.5.
    x = local.weekday() * 24 + local.hour + (local.minute + 7.5) / 60.0 - 0.5
    lo = math.floor(x)
    t = x - lo
    return lo % CELLS, (lo + 1) % CELLS, t
