"""Numeric sensors: the value expected by time of week, and how unusual a reading is.

`LevelModel` learns a sensor's robust baseline; `level_feed.LevelFeed` turns the
sensor's reported states into its samples and an anomaly score.
"""

from __future__ import annotations

from collections.abc import Callable
import math
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import Conditions
from ..stats import capped_mean
from .anomaly import CELLS, HOURS, cell_of
from .logistic import sigmoid

VERSION = 2

# A cell's spreads average its first samples, then fade with this share per sample:
# about ten days of one kind of day at 5-minute samples.
CELL_MEMORY = 120
# Each sample moves a cell's median by this share of the cell's spread: on the UCI
# household's sub-meters 0.05 to 0.1 beat the 14-day same-slot median, 0.08 best;
# slower followed the season too late, faster followed the noise.
STEP_SHARE = 0.08
SPREAD_MEMORY = 2016
# A mean absolute deviation is about 0.8 standard deviations of a normal residual.
MAD_TO_SD = 1.25
# A cell's spread is never below this share of the sensor's overall spread, nor below
# a millionth of its level: a quiet night must not make every blip a fault.
SPREAD_FLOOR_SHARE = 0.25
TINY = 1e-6
# A cell predicts after an hour of samples; the model scores after three days.
MIN_CELL_SAMPLES = 12
MIN_SAMPLES = 864
# The usual range shown to people: this many deviations either side.
USUAL_SDS = 2.0
# LevelModel.score, instantaneous: 1/2 at Z_MID standard deviations.
Z_MID = 4.0
Z_SLOPE = 1.5

# No home sensor reads beyond this; larger readings are broken, and skipped.
VALUE_LIMIT = 1e12


class LevelModel:
    """Expected value of a numeric sensor by time of week, and how unusual a reading is.

    Each kind of day and local hour (a cell) keeps a running median of the sensor:
    every sample moves it a small step towards the reading, the same size whatever
    the reading, so a spike or a fault of any size moves it no more than an ordinary
    sample. The step scales with the cell's spread (the geometric mean of its mean
    and median absolute residual), so a busy hour adapts quickly and a quiet one
    stays put. On the UCI household the median beat the 14-day same-slot median,
    which a mean (even a clipped one) did not. Each cell also learns its mean
    absolute residual, which turns a residual into standard deviations.
    """

    __slots__ = ("_low", "_mad", "_median", "_n", "_spread", "_wide", "samples")

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._median = [0.0] * CELLS
        self._spread = [0.0] * CELLS  # mean absolute residual
        self._mad = [0.0] * CELLS  # median absolute residual
        self._n = [0] * CELLS
        self._wide = 0.0
        self._low: float | None = None  # the lowest value learned
        self.samples = 0

    def learn(self, x: Conditions, value: float) -> None:
        """Learn that the sensor read `value` at x; absurd values are ignored."""
        if not abs(value) <= VALUE_LIMIT:
            return
        cell = cell_of(x)
        self.samples += 1
        self._low = value if self._low is None else min(self._low, value)
        n = self._n[cell]
        if n == 0:
            self._median[cell] = value
        residual = value - self._median[cell]
        size = abs(residual)
        rate = 1.0 / min(n + 1, CELL_MEMORY)
        spread = self._spread[cell] = self._spread[cell] + rate * (
            size - self._spread[cell]
        )
        mad = self._mad[cell]
        step = math.sqrt(mad * spread) if n else size
        self._median[cell] += STEP_SHARE * step * _sign(residual)
        self._mad[cell] = (
            max(0.0, mad + rate * spread * _sign(size - mad)) if n else size
        )
        self._wide = capped_mean(self._wide, size, self.samples, SPREAD_MEMORY)
        self._n[cell] = min(n + 1, CELL_MEMORY)

    def _sd(self, cell: int) -> float:
        """Return the standard deviation of a cell's residuals, floored."""
        level = abs(self._median[cell])
        floor = max(SPREAD_FLOOR_SHARE * self._wide, TINY * level, TINY)
        return MAD_TO_SD * max(self._spread[cell], floor)

    def expected(self, x: Conditions) -> float | None:
        """Return the value expected at x, None before anything was learned.

        A cell not yet seen borrows the same hour of the other kind of day, and
        failing that the nearest hour seen.
        """
        if not self.samples:
            return None
        return self._floored(self._median[self._seen_cell(cell_of(x))])

    def _seen_cell(self, cell: int) -> int:
        """Return the cell, or the nearest learned one: other kind of day first."""
        hour, kind = cell % HOURS, cell - cell % HOURS
        for distance in range(HOURS // 2 + 1):
            for near in ((hour - distance) % HOURS, (hour + distance) % HOURS):
                for other in (kind, CELLS // 2 - kind):
                    if self._n[other + near]:
                        return other + near
        return cell  # nothing learned: the caller checked samples

    def usual(self, x: Conditions) -> tuple[float, float] | None:
        """Return the usual range at x: two deviations either side of the expected.

        Never below the lowest value learned (a power sensor's 0 W). None while
        the moment's cell has too few samples to say.
        """
        cell = cell_of(x)
        if self._n[cell] < MIN_CELL_SAMPLES or self._low is None:
            return None
        middle, width = self._floored(self._median[cell]), USUAL_SDS * self._sd(cell)
        return max(self._low, middle - width), middle + width

    def _floored(self, value: float) -> float:
        """Return a median never below the lowest value learned.

        A running median steps past 0 W by a fraction of a step; a sensor that
        never read below 0 is not expected to.
        """
        return value if self._low is None else max(self._low, value)

    def predict(self, x: Conditions) -> float | None:
        """Return the value expected at x (the estimator protocol's name)."""
        return self.expected(x)

    def deviation(self, x: Conditions, value: float) -> float | None:
        """Return how many deviations value is from the expected, None until known."""
        cell = cell_of(x)
        if (
            self.samples < MIN_SAMPLES
            or self._n[cell] < MIN_CELL_SAMPLES
            or not abs(value) <= VALUE_LIMIT
        ):
            return None
        return (value - self._median[cell]) / self._sd(cell)

    def score(self, x: Conditions, value: float) -> float:
        """Return how anomalous one reading is: 0 normal to 1, 0 while learning."""
        z = self.deviation(x, value)
        if z is None:
            return 0.0
        return sigmoid(Z_SLOPE * (abs(z) - Z_MID))

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "samples": self.samples,
            "wide": self._wide,
            "low": self._low,
            "median": self._median,
            "spread": self._spread,
            "mad": self._mad,
            "n": self._n,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output (or version 1's); raise on bad data.

        Version 1 kept a level plus a profile per cell: their sum is the cell's
        median to start from, and its mean absolute residual stands in for both
        spreads. Raises ValueError, TypeError or KeyError.
        """
        if isinstance(data, dict) and data.get("version") == 1:
            data = _from_version_1(data)
        check_version(data, VERSION, "level model")
        model = cls()
        model.samples = integer(data["samples"], 0, 2**63)
        model._wide = _non_negative(data["wide"])
        low = data["low"]
        model._low = None if low is None else number(low)
        model._median = _cells(data["median"], number)
        model._spread = _cells(data["spread"], _non_negative)
        model._mad = _cells(data["mad"], _non_negative)
        model._n = _cells(data["n"], lambda v: integer(v, 0, CELL_MEMORY + 1))
        return model


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Return a version 1 level model's state in version 2's layout."""
    level = data["level"]
    base = 0.0 if level is None else number(level)
    spread = as_list(data["spread"])
    medians = [base + number(m) for m in as_list(data["mean"])]
    seen = [m for m, n in zip(medians, as_list(data["n"]), strict=False) if n]
    return {
        "version": VERSION,
        "samples": data["samples"],
        "wide": data["wide"],
        "low": min(seen) if seen else None,  # the lowest cell: a floor, not below
        "median": medians,
        "spread": spread,
        "mad": spread,
        "n": data["n"],
    }


def _sign(value: float) -> float:
    """Return -1, 0 or 1 by the sign of value."""
    return (value > 0.0) - (value < 0.0)


def _non_negative(value: object) -> float:
    """Return a stored number that must not be negative."""
    result = number(value)
    if result < 0.0:
        raise ValueError(f"expected a number not below zero, got {result}")
    return result


def _cells[T](values: object, check: Callable[[object], T]) -> list[T]:
    """Return one checked value per cell."""
    items = as_list(values)
    if len(items) != CELLS:
        raise ValueError("expected one value per hour of each kind of day")
    return [check(v) for v in items]
