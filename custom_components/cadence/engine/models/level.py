"""Numeric sensors: the value expected by time of week, and how unusual a reading is.

`LevelModel` learns a sensor's robust baseline; `level_feed.LevelFeed` turns the
sensor's reported states into its samples and an anomaly score.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import Conditions
from ..stats import capped_mean
from .anomaly import CELLS, cell_of
from .logistic import sigmoid

VERSION = 1

# A cell's profile and spread average its first samples, then fade with this share
# per sample: about ten days of one kind of day at 5-minute samples.
CELL_MEMORY = 120
# The level (what the whole day sits at: weather, season, a new appliance) follows
# about two days of 5-minute samples: a one-day level absorbed more of a slow fault
# and, on the benchmark, found fewer faults with more false alarms.
LEVEL_MEMORY = 576
SPREAD_MEMORY = 2016
# Residuals teach clipped to this many spreads: one spike moves a cell's profile by at
# most CLIP / CELL_MEMORY spreads, and a fault lasting hours barely more.
CLIP = 3.0
# A mean absolute deviation is about 0.8 standard deviations of a normal residual.
MAD_TO_SD = 1.25
# A cell's spread is never below this share of the sensor's overall spread, nor below
# a millionth of its level: a quiet night must not make every blip a fault.
SPREAD_FLOOR_SHARE = 0.25
TINY = 1e-6
# A cell predicts after an hour of samples; the model scores after three days.
MIN_CELL_SAMPLES = 12
MIN_SAMPLES = 864
# LevelModel.score, instantaneous: 1/2 at Z_MID standard deviations.
Z_MID = 4.0
Z_SLOPE = 1.5

# No home sensor reads beyond this; larger readings are broken, and skipped.
VALUE_LIMIT = 1e12


class LevelModel:
    """Expected value of a numeric sensor by time of week, and how unusual a reading is.

    The expectation is a level plus a profile per kind of day and local hour. The
    level follows the sensor over about two days (a cold week, a new fridge), the
    profile learns the daily shape; both move by clipped (Huber) steps, so spikes
    and faults barely move them. Each cell also learns its spread (mean absolute
    residual), which turns a residual into standard deviations.
    """

    __slots__ = ("_level", "_mean", "_n", "_spread", "_wide", "samples")

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._level: float | None = None
        self._mean = [0.0] * CELLS
        self._spread = [0.0] * CELLS
        self._n = [0] * CELLS
        self._wide = 0.0
        self.samples = 0

    def learn(self, x: Conditions, value: float) -> None:
        """Learn that the sensor read `value` at x; absurd values are ignored."""
        if not abs(value) <= VALUE_LIMIT:
            return
        cell = cell_of(x)
        self.samples += 1
        n = self._n[cell]
        if self._level is None:
            self._level = value
        if n == 0:
            self._mean[cell] = value - self._level
        residual = value - self._level - self._mean[cell]
        if n >= MIN_CELL_SAMPLES:
            limit = CLIP * self._sd(cell)
            residual = max(-limit, min(limit, residual))
        rate = 1.0 / min(n + 1, CELL_MEMORY)
        self._mean[cell] += rate * residual
        self._spread[cell] += rate * (abs(residual) - self._spread[cell])
        self._level += residual / min(self.samples, LEVEL_MEMORY)
        self._wide = capped_mean(self._wide, abs(residual), self.samples, SPREAD_MEMORY)
        self._n[cell] = min(n + 1, CELL_MEMORY)

    def _sd(self, cell: int) -> float:
        """Return the standard deviation of a cell's residuals, floored."""
        level = abs(self._level or 0.0)
        floor = max(SPREAD_FLOOR_SHARE * self._wide, TINY * level, TINY)
        return MAD_TO_SD * max(self._spread[cell], floor)

    def expected(self, x: Conditions) -> float | None:
        """Return the value expected at x, None before anything was learned.

        A cell not yet seen borrows the same hour of the other kind of day.
        """
        if self._level is None:
            return None
        cell = cell_of(x)
        if self._n[cell] == 0:
            cell = (cell + CELLS // 2) % CELLS
        return self._level + self._mean[cell]

    def predict(self, x: Conditions) -> float | None:
        """Return the value expected at x (the estimator protocol's name)."""
        return self.expected(x)

    def deviation(self, x: Conditions, value: float) -> float | None:
        """Return how many deviations value is from the expected, None until known."""
        cell = cell_of(x)
        if (
            self._level is None
            or self.samples < MIN_SAMPLES
            or self._n[cell] < MIN_CELL_SAMPLES
            or not abs(value) <= VALUE_LIMIT
        ):
            return None
        return (value - self._level - self._mean[cell]) / self._sd(cell)

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
            "level": self._level,
            "wide": self._wide,
            "mean": self._mean,
            "spread": self._spread,
            "n": self._n,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "level model")
        model = cls()
        model.samples = integer(data["samples"], 0, 2**63)
        level = data["level"]
        model._level = None if level is None else number(level)
        model._wide = _non_negative(data["wide"])
        model._mean = _cells(data["mean"], number)
        model._spread = _cells(data["spread"], _non_negative)
        model._n = _cells(data["n"], lambda v: integer(v, 0, CELL_MEMORY + 1))
        return model


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
