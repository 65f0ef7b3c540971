"""The habit of a binary thing: how likely it is on at a moment (a light)."""

from __future__ import annotations

from datetime import date
import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from ..codec import as_list, check_version, integer, number
from ..features import (
    DAY_HARMONICS,
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    Conditions,
    motion_features,
)
from ..stats import fade_days
from .logistic import OnlineLogistic

VERSION = 1

# The habit prior counts, per hour of the week, how often the thing was on on earlier
# days; counts fade by half in this many days, so a changed routine takes over within
# weeks where a histogram of all time would average it away for months. (On a real
# house, weekday-specific hours beat pooling workdays, and 4 weeks beat 1 or 2.)
HALF_LIFE_DAYS = 28.0
HOURS = 24
CELLS = DAYS_PER_WEEK * HOURS
# The prior before any evidence: one on and one off (Beta(1, 1)), probability 1/2.
PRIOR_ON = 1.0
PRIOR_SEEN = 2.0
PRIOR_LOGIT_LIMIT = 6.0
# A pooled start counts the home's habit as this many observations per hour.
POOLED_SEEN = 3.0
# The logistic part starts from the prior alone and learns what context adds.
RATE = 0.05
L2 = 1e-4
DECAY = 0.999

_TAU = 2.0 * math.pi
# constant, prior, day harmonics, workday, motion (known, recency),
# activity (known, level), season times the first day harmonic (twilight moves)
N_HABIT_FEATURES = 2 + 2 * DAY_HARMONICS + 1 + 2 + 2 + 2
_START = np.zeros(N_HABIT_FEATURES)
_START[1] = 1.0


class HabitModel:
    """Probability that something is on at a moment, learned from time and context.

    Two parts. A fading histogram per hour of the week is the habit: how often the
    thing was on at this hour of this weekday on earlier days. An `OnlineLogistic` takes
    that habit's log-odds as a feature, starting with weight one (so it begins as the
    histogram), and learns how time of day, season, motion and the zone's activity
    move the probability away from it.
    """

    __slots__ = (
        "_cache",
        "_day",
        "_fit",
        "_on",
        "_samples",
        "_seen",
        "_today_on",
        "_today_seen",
    )

    def __init__(self) -> None:
        """Start knowing nothing: every hour 1/2."""
        self._on = [0.0] * CELLS
        self._seen = [0.0] * CELLS
        # Today's counts join the habit when the day is over: the prior of a moment
        # is what earlier days did, never what the thing did minutes ago.
        self._today_on = [0.0] * CELLS
        self._today_seen = [0.0] * CELLS
        self._day: int | None = None
        self._samples = 0
        # The last moment encoded and its features: predict then learn encodes once.
        self._cache: tuple[Conditions, list[float]] | None = None
        self._fit = OnlineLogistic(
            N_HABIT_FEATURES, rate=RATE, l2=L2, decay=DECAY, coef=_START
        )

    @property
    def samples(self) -> int:
        """Return how many observations with weight were learned."""
        return self._samples

    def prior(self, x: Conditions) -> float:
        """Return the habit alone: how often the thing was on at this hour lately.

        Only days before x's count; for a later day, so does the last day learned.
        """
        cell = _cell(x)
        on, seen = self._on[cell], self._seen[cell]
        if self._day is not None and x.when.toordinal() > self._day:
            on += self._today_on[cell]
            seen += self._today_seen[cell]
        return (on + PRIOR_ON) / (seen + PRIOR_SEEN)

    def predict(self, x: Conditions) -> float:
        """Return the probability that the thing is on at x."""
        return self._fit.predict_proba(self._encode(x))

    def learn(self, x: Conditions, on: bool, weight: float = 1.0) -> None:
        """Learn that the thing was (or was not) on at x, counted `weight` times."""
        if weight < 0.0 or not math.isfinite(weight):
            raise ValueError(f"weight must be finite and not negative, got {weight}")
        if weight == 0.0:
            return
        day = x.when.toordinal()
        if self._day is None or day > self._day:
            if self._day is not None:
                self._close_days(day - self._day)
            self._day = day
        self._fit.learn(self._encode(x), on, weight)
        # Evidence dated before the current day (time going backwards) joins today's.
        cell = _cell(x)
        self._today_seen[cell] += weight
        if on:
            self._today_on[cell] += weight
        self._samples += 1

    @classmethod
    def pooled(cls, models: list[HabitModel]) -> Self:
        """Return a fresh model starting from the average of others (a cold start).

        Parameter averaging, nothing raw shared: the habit is each hour's average
        probability counted as POOLED_SEEN observations, the logistic part the
        average of the coefficients; no samples of its own.
        """
        if not models:
            raise ValueError("pooled: need at least one model")
        fresh = cls()
        n = float(len(models))
        for cell in range(CELLS):
            p = sum(m.cell_probability(cell) for m in models) / n
            fresh._on[cell] = round(p * POOLED_SEEN, 3)
            fresh._seen[cell] = POOLED_SEEN
        coef = sum((m.coefficients for m in models), np.zeros(N_HABIT_FEATURES)) / n
        fresh._fit = OnlineLogistic(
            N_HABIT_FEATURES, rate=RATE, l2=L2, decay=DECAY, coef=coef
        )
        return fresh

    def cell_probability(self, cell: int) -> float:
        """Return the habit of one hour of the week, with what today added."""
        on = self._on[cell] + self._today_on[cell]
        return (on + PRIOR_ON) / (
            self._seen[cell] + self._today_seen[cell] + PRIOR_SEEN
        )

    @property
    def coefficients(self) -> npt.NDArray[np.float64]:
        """Return the logistic part's coefficients (a copy)."""
        return self._fit.coef

    @property
    def informed(self) -> bool:
        """Return whether it predicts anything: learned samples, or a pooled start."""
        return self._samples > 0 or any(self._seen)

    def _close_days(self, days: int) -> None:
        """Fold today's counts into the habit and fade it by the days that passed."""
        self._cache = None
        for totals, today in (
            (self._on, self._today_on),
            (self._seen, self._today_seen),
        ):
            fade_days(totals, enumerate(today), days, HALF_LIFE_DAYS)
            totals[:] = [round(v, 3) for v in totals]
        self._today_on = [0.0] * CELLS
        self._today_seen = [0.0] * CELLS

    def _encode(self, x: Conditions) -> list[float]:
        """Return the logistic part's features of a moment."""
        if self._cache is not None and self._cache[0] is x:
            return self._cache[1]
        when = x.when
        day_frac = (when.hour * 3600 + when.minute * 60 + when.second) / 86400.0
        prior = self.prior(x)  # strictly between 0 and 1: a Beta mean
        prior = math.log(prior / (1.0 - prior))
        values = [1.0, max(-PRIOR_LOGIT_LIMIT, min(PRIOR_LOGIT_LIMIT, prior))]
        for k in range(1, DAY_HARMONICS + 1):
            values += (math.sin(_TAU * k * day_frac), math.cos(_TAU * k * day_frac))
        activity = x.activity
        if activity is None or not math.isfinite(activity):
            known, level = 0.0, 0.0
        else:
            known, level = 1.0, min(1.0, max(0.0, activity)) - 0.5
        # Day of the year from 0, without timetuple(), which asks the zone for DST.
        year_day = when.toordinal() - date(when.year, 1, 1).toordinal()
        season = math.cos(_TAU * year_day / DAYS_PER_YEAR)
        values += (
            1.0 if x.is_workday else 0.0,
            *motion_features(x.minutes_since_motion),
            known,
            level,
            season * values[2],
            season * values[3],
        )
        self._cache = (x, values)
        return values

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "day": self._day,
            "samples": self._samples,
            "on": self._on,
            "seen": self._seen,
            "today": [
                [cell, self._today_on[cell], seen]
                for cell, seen in enumerate(self._today_seen)
                if seen
            ],
            "fit": self._fit.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a model from `to_dict` output; raise ValueError when malformed."""
        check_version(data, VERSION, "habit")
        model = cls()
        day = data["day"]
        model._day = None if day is None else integer(day, 1, 10**7)
        model._samples = integer(data["samples"], 0, 2**63)
        on = [number(v) for v in as_list(data["on"])]
        seen = [number(v) for v in as_list(data["seen"])]
        if len(on) != CELLS or len(seen) != CELLS:
            raise ValueError("habit: expected one count per hour of the week")
        if any(not 0.0 <= o <= s for o, s in zip(on, seen, strict=True)):
            raise ValueError("habit: counts of on must be within counts seen")
        model._on, model._seen = on, seen
        for row in as_list(data["today"]):
            cell, on_today, seen_today = as_list(row)
            cell = integer(cell, 0, CELLS)
            on_today, seen_today = number(on_today), number(seen_today)
            if not 0.0 <= on_today <= seen_today or seen_today == 0.0:
                raise ValueError("habit: today's counts of on must be within seen")
            model._today_on[cell], model._today_seen[cell] = on_today, seen_today
        fit = OnlineLogistic.from_dict(data["fit"])
        if fit.n_features != N_HABIT_FEATURES:
            raise ValueError("habit: the fit does not match the features")
        model._fit = fit
        return model


def _cell(x: Conditions) -> int:
    """Return the histogram cell of a moment: local weekday and hour."""
    return x.when.weekday() * HOURS + x.when.hour
