"""A value people choose by time of day: a light's brightness or colour temperature."""

from __future__ import annotations

import math
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import Conditions
from ..stats import fade_days

VERSION = 1
HOURS = 24
# Choices fade by half in this many days, so a changed taste takes over within weeks.
HALF_LIFE_DAYS = 28.0
# A choice at one hour says something of the hours around it: a Gaussian of this
# width in hours, on the circle of the day (a choice at 23:00 informs 01:00).
WIDTH_H = 1.5
# Where the hours around say little, the value leans on the all-day mean, counted as
# this many choices; confidence in a moment is its nearby weight against this many.
PRIOR_WEIGHT = 0.5
HALF_CONFIDENCE_WEIGHT = 3.0

# The kernel between hours 0..23 apart, on the circle.
_KERNEL = tuple(
    math.exp(-0.5 * (min(d, HOURS - d) / WIDTH_H) ** 2) for d in range(HOURS)
)


class PreferenceModel:
    """A fading, smoothed mean per hour of the day of the value people choose.

    `learn` takes a choice (its weight says how sure: a correction of an automation
    counts more); `predict` is the weighted mean of the choices near that hour, drawn
    towards the all-day mean where there are few.
    """

    __slots__ = ("_day", "_samples", "_sum", "_weight", "high", "low")

    def __init__(self, low: float, high: float) -> None:
        """Learn values within [low, high]; anything outside is clamped to it."""
        if not low < high:
            raise ValueError(f"expected low < high, got {low}, {high}")
        self.low = low
        self.high = high
        self._weight = [0.0] * HOURS
        self._sum = [0.0] * HOURS
        self._day: int | None = None
        self._samples = 0

    @property
    def samples(self) -> int:
        """Return how many choices were learned."""
        return self._samples

    def learn(self, x: Conditions, value: float, weight: float = 1.0) -> None:
        """Learn that value was chosen at x.when, counted `weight` times."""
        if not math.isfinite(value) or not math.isfinite(weight) or weight <= 0.0:
            raise ValueError(
                f"expected a finite value and weight, got {value}, {weight}"
            )
        day = x.when.toordinal()
        if self._day is not None and day > self._day:
            for totals in (self._weight, self._sum):
                fade_days(totals, (), day - self._day, HALF_LIFE_DAYS)
        if self._day is None or day > self._day:
            self._day = day
        value = min(self.high, max(self.low, value))
        hour = x.when.hour
        self._weight[hour] += weight
        self._sum[hour] += weight * value
        self._samples += 1

    def predict(self, x: Conditions) -> float | None:
        """Return the value people would choose at x.when, None before any choice."""
        total = sum(self._weight)
        if total <= 0.0:
            return None
        hour = x.when.hour
        near = near_sum = 0.0
        for h in range(HOURS):
            k = _KERNEL[abs(hour - h)]
            near += k * self._weight[h]
            near_sum += k * self._sum[h]
        mean = sum(self._sum) / total
        return (near_sum + PRIOR_WEIGHT * mean) / (near + PRIOR_WEIGHT)

    def confidence(self, x: Conditions) -> float:
        """Return trust (0-1) in the value at x.when: the weight of choices near it."""
        hour = x.when.hour
        near = sum(_KERNEL[abs(hour - h)] * self._weight[h] for h in range(HOURS))
        return near / (near + HALF_CONFIDENCE_WEIGHT)

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "low": self.low,
            "high": self.high,
            "day": self._day,
            "samples": self._samples,
            # Means rather than sums, and few digits: a light's state stays small.
            "weight": [round(w, 3) for w in self._weight],
            "mean": [
                round(s / w, 2) if w > 0.0 else 0.0
                for s, w in zip(self._sum, self._weight, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "preference")
        model = cls(number(data["low"]), number(data["high"]))
        day = data["day"]
        model._day = None if day is None else integer(day, 1, 10**7)
        model._samples = integer(data["samples"], 0, 2**63)
        weight = [number(v) for v in as_list(data["weight"])]
        means = [number(v) for v in as_list(data["mean"])]
        if len(weight) != HOURS or len(means) != HOURS:
            raise ValueError("preference: expected one weight and mean per hour")
        if any(w < 0.0 for w in weight):
            raise ValueError("preference: weights must not be negative")
        model._weight = weight
        model._sum = [m * w for m, w in zip(means, weight, strict=True)]
        return model
