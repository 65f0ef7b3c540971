"""Numeric sensors: the value expected by time of week, and how unusual a reading is.

`LevelModel` learns a sensor's robust baseline; `LevelFeed` takes the sensor's
reported states, samples them every few minutes (as a rate for energy counters),
and combines how far, how long and how flat the readings are into an anomaly score
and a flag. Power, energy, temperature and humidity sensors all pass through it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
import math
from typing import Any, Self

from ..codec import as_list, check_version, integer, number
from ..features import Conditions
from ..states import finite
from ..stats import capped_mean
from .anomaly import (
    CELLS,
    Flatness,
    Verdict,
    aware_time,
    cell_of,
    elapsed,
    skipped_counts,
)
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

# LevelFeed's evidence, combined in a logistic with fixed weights (no labels exist in
# a home, so the weights are set by hand and checked on the benchmark):
#   margin = BIAS + W_Z min(|z|, Z_CAP) + W_HOURS min(hours far, HOURS_CAP)
#            + W_FLAT max(0, log2(run / usual longest run))
# |z| is the residual in deviations, smoothed over about Z_SMOOTH; "hours far" how
# long it has stayed beyond Z_FAR on one side. To flag (score 0.8) a residual of 8
# deviations must last about 2.8 h, one of 4 about 3.9 h: a laundry cycle or a
# cold evening passes, a heater left on all night does not. Flatness alone needs
# a run about 3.6 times the longest usual one (12 h without change where 3.3 h is
# the longest). On the benchmark, weights of 0.6 and 2.0 (hours capped at 4) found
# more faults, at twice the false alarms.
BIAS = -6.0
W_Z = 0.4
Z_CAP = 8.0
W_HOURS = 1.5
HOURS_CAP = 5.0
W_FLAT = 4.0
Z_FAR = 2.5
Z_NEAR = 1.5
Z_SMOOTH = timedelta(minutes=30)
# Back within Z_NEAR, the hours far fade at this many per hour: a flag clears in
# about an hour once the readings are normal again.
FAR_FADE = 2.0
# Counters: a sensor that has only risen (besides resets to below half its value,
# at most one per RESETS_PER_RISE rises) for a day, at least MIN_RISES times, is a
# counter of a total, and its rate per hour is what is learned.
RESET_SHARE = 0.5
RESETS_PER_RISE = 0.1
MIN_RISES = 10
COUNTER_AFTER = timedelta(days=1)

# No home sensor reads beyond this; larger readings are broken, and skipped.
VALUE_LIMIT = 1e12

_SKIP = ("unknown", "unavailable")


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


class LevelFeed:
    """Turns a numeric sensor's reported states into evidence and an anomaly verdict.

    `update` takes every reported state; `tick`, called every `step`, learns the
    latest value (or, for a counter, its rise per hour since the last tick) and
    updates the verdict. Whether the sensor is a counter is detected unless given
    (Home Assistant's state_class total_increasing says so); until it is known,
    ticks learn nothing.
    """

    def __init__(
        self,
        model: LevelModel | None = None,
        *,
        step: timedelta = timedelta(minutes=5),
        counter: bool | None = None,
    ) -> None:
        """Feed the given model (a fresh one by default), sampled every `step`."""
        self.model = model or LevelModel()
        self.step = step
        self.counter = counter
        self.skipped: Counter[str] = Counter()
        self.anomaly_score = 0.0
        self._value: float | None = None  # latest reported value, None if unknown
        self._first: datetime | None = None  # first numeric state, for detection
        self._rises = 0
        self._resets = 0
        self._last_tick: datetime | None = None
        self._total: float | None = None  # a counter's value at the last tick
        self._z = 0.0
        self._far_h = 0.0  # hours beyond Z_FAR; signed by the side
        self._flatness = Flatness()
        self._verdict = Verdict()

    @property
    def anomaly(self) -> bool:
        """Return whether the sensor is flagged as anomalous now."""
        return self._verdict.flag

    def expected(self, x: Conditions) -> float | None:
        """Return the value (a counter's rate per hour) expected at x."""
        return self.model.expected(x)

    def update(self, when: datetime, state: str) -> None:
        """Take a reported state; bad ones are skipped and counted by reason."""
        value = finite(state)
        if value is None or abs(value) > VALUE_LIMIT:
            self.skipped[_reason(state) if value is None else "out_of_range"] += 1
            self._value = None
            return
        if self.counter is None:
            self._detect(when, value)
        self._value = value

    def _detect(self, when: datetime, value: float) -> None:
        """Learn from a new value whether the sensor counts a total."""
        last = self._value
        if self._first is None:
            self._first = when
        if last is not None and value > last:
            self._rises += 1
        elif last is not None and value < last:
            if value > RESET_SHARE * last:
                self.counter = False
                return
            self._resets += 1
        if self._resets > RESETS_PER_RISE * max(self._rises, 1):
            self.counter = False
        elif self._rises >= MIN_RISES and when - self._first >= COUNTER_AFTER:
            self.counter = True

    def tick(self, x: Conditions) -> bool:
        """Sample at x: learn the value and update the verdict; True if learned."""
        step = elapsed(self._last_tick, x.when)
        first = self._last_tick is None
        self._last_tick = x.when
        value = self._value
        if self.counter is not False:
            total, self._total = self._total, value
            if first or value is None or total is None or not step:
                return False
            rise = value - total if value >= total else value
            value = rise / (step.total_seconds() / 3600.0)
        if value is None or self.counter is None:
            return False
        self._evidence(x, value, step)
        self.model.learn(x, value)
        return True

    def _evidence(self, x: Conditions, value: float, step: timedelta) -> None:
        """Update how far, how long and how flat the readings are, and the verdict."""
        hours = step.total_seconds() / 3600.0
        z = self.model.deviation(x, value) or 0.0
        smooth = min(1.0, step / Z_SMOOTH) if step else 1.0
        self._z += smooth * (max(-Z_CAP, min(Z_CAP, z)) - self._z)
        side = math.copysign(1.0, self._z)
        if abs(self._z) >= Z_FAR:
            if self._far_h * side < 0.0:
                self._far_h = 0.0
            self._far_h = side * min(HOURS_CAP, abs(self._far_h) + hours)
        elif abs(self._z) < Z_NEAR:
            shrink = max(0.0, abs(self._far_h) - FAR_FADE * hours)
            self._far_h = math.copysign(shrink, self._far_h)
        flat = self._flatness.update(value, hours, self._verdict.flag)
        margin = BIAS + W_Z * abs(self._z) + W_HOURS * abs(self._far_h) + W_FLAT * flat
        self.anomaly_score = sigmoid(margin) if self.model.samples else 0.0
        self._verdict.update(self.anomaly_score, step)

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "model": self.model.to_dict(),
            "step_s": self.step.total_seconds(),
            "counter": self.counter,
            "skipped": dict(self.skipped),
            "score": self.anomaly_score,
            "value": self._value,
            "first": None if self._first is None else self._first.isoformat(),
            "rises": [self._rises, self._resets],
            "last_tick": _iso(self._last_tick),
            "total": self._total,
            "evidence": [self._z, self._far_h],
            "flatness": self._flatness.to_list(),
            "verdict": self._verdict.to_list(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "level feed")
        counter = data["counter"]
        if counter is not None and not isinstance(counter, bool):
            raise TypeError(f"level feed: counter must be a flag, got {counter!r}")
        step_s = number(data["step_s"])
        if step_s <= 0.0:
            raise ValueError("level feed: step must be positive")
        feed = cls(
            LevelModel.from_dict(data["model"]),
            step=timedelta(seconds=step_s),
            counter=counter,
        )
        feed.skipped = skipped_counts(data["skipped"])
        feed.anomaly_score = min(1.0, max(0.0, number(data["score"])))
        feed._value = _optional(data["value"])
        feed._first = aware_time(data["first"])
        feed._rises, feed._resets = (
            integer(v, 0, 2**63) for v in as_list(data["rises"])
        )
        feed._last_tick = aware_time(data["last_tick"])
        feed._total = _optional(data["total"])
        feed._z, feed._far_h = (number(v) for v in as_list(data["evidence"]))
        feed._flatness = Flatness.from_list(data["flatness"])
        feed._verdict = Verdict.from_list(data["verdict"])
        return feed


def _reason(state: str) -> str:
    """Return why a state that is not a finite number was skipped."""
    text = state.strip().lower()
    if text in _SKIP:
        return text
    try:
        float(text)
    except ValueError:
        return "non_numeric"
    return "not_finite"  # "nan", "inf", or too large for a float


def _iso(when: datetime | None) -> str | None:
    """Return a time as ISO text, None as None."""
    return None if when is None else when.isoformat()


def _optional(value: object) -> float | None:
    """Return a stored number, None as None."""
    return None if value is None else number(value)


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
