"""A numeric sensor's states, sampled and judged: its expected value and anomaly.

`LevelFeed` takes the sensor's reported states, samples them every few minutes (as a
rate for energy counters), teaches its `LevelModel`, and combines how far, how long
and how still the readings are into an anomaly score and a flag. Power, energy,
temperature and humidity sensors all pass through it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

from ..codec import as_list, check_version, integer, iso, number, optional_number
from ..features import AWAY, Conditions
from ..states import NO_VALUE_STATES, finite
from .anomaly import Verdict, aware_time, elapsed, skipped_counts
from .evidence import OFF_SHARE, Z_CAP, Excursion, Frozen, Stillness
from .health import OK, SensorHealth
from .level import VALUE_LIMIT, LevelModel
from .logistic import sigmoid

# LevelFeed's evidence (no labels exist in a home, so its constants are set by hand
# and checked on the benchmark): the residual in deviations, smoothed over about
# Z_SMOOTH, makes excursions (see evidence.Excursion); one four times as large as
# the sensor's usual largest on that side scores 0.8 (EXC_MID, EXC_SLOPE: on the
# UCI household 1.0 doubled the false alarms, 2.0 missed every appliance left on),
# and so do readings still for long enough to cost STILL_MID + 1.4 nats of
# surprise (about one chance in 60 000 by the sensor's habit). On the UCI household, stillness at 9 nats found
# every stuck meter but doubled the false alarms; at 12 it found one in four.
Z_SMOOTH = timedelta(minutes=30)
EXC_MID = 1.5
EXC_SLOPE = 3.0
STILL_MID = 10.0
STILL_SLOPE = 1.0
# Stillness this surprising (a score of 0.8) also marks the sensor stuck: its
# readings are not learned until it moves again.
STUCK = STILL_MID + 1.4 / STILL_SLOPE
# A value repeated exactly scores like an excursion of the same evidence (4 times
# the sensor's usual longest repeat scores 0.8, and marks it stuck too).
FROZEN_STUCK = EXC_MID + 1.4 / EXC_SLOPE
# Counters: a sensor that has only risen (besides resets to below half its value,
# at most one per RESETS_PER_RISE rises) for a day, at least MIN_RISES times, is a
# counter of a total, and its rate per hour is what is learned.
RESET_SHARE = 0.5
RESETS_PER_RISE = 0.1
MIN_RISES = 10
COUNTER_AFTER = timedelta(days=1)

# Why a flag was raised: readings far above or below the usual, or not moving.
REASONS = (None, "high", "low", "still")
# The feed's own layout; its model's state carries the model's version.
VERSION = 2


class LevelFeed:
    """Turns a numeric sensor's reported states into evidence and an anomaly verdict.

    `update` takes every reported state; `tick`, called every `step`, learns the
    latest value (or, for a counter, its rise per hour since the last tick) and
    updates the verdict. Whether the sensor is a counter is detected unless given
    (Home Assistant's state_class total_increasing says so); until it is known,
    ticks learn nothing.
    """

    # What a raised flag may say, indexed as the replay's anomaly_reason.
    reasons: ClassVar[tuple[str | None, ...]] = REASONS

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
        # The unit it learns in ("" for none); None until the first reading says.
        self.unit: str | None = None
        self.skipped: Counter[str] = Counter()
        self.anomaly_score = 0.0
        # The sample last judged (a counter's rate), when the flag was raised, what
        # it said then ("high", "low" or "still") and when the unusual stretch that
        # raised it began (the readings went far, or stopped moving).
        self.actual: float | None = None
        self.since: datetime | None = None
        self.reason: str | None = None
        self.began: datetime | None = None
        self._far_since: datetime | None = None  # the excursion's side since
        self._moved: datetime | None = None  # when the readings last moved
        self._value: float | None = None  # latest reported value, None if unknown
        self._first: datetime | None = None  # first numeric state, for detection
        self._rises = 0
        self._resets = 0
        self._last_tick: datetime | None = None
        self._total: float | None = None  # a counter's value at the last tick
        self._z = 0.0
        self._excursion = Excursion()
        self._stillness = Stillness()
        self._still = 0.0  # the stillness surprise at the last tick
        self._frozen = Frozen()
        self._stuck = 0.0  # the frozen evidence at the last tick
        self.health = SensorHealth()
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
            self.health.reading(when, None, self._value is not None)
            self._value = None
            return
        self.health.reading(when, value, True)
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
        """Sample at x: learn the value and update the verdict; True if learned.

        A sensor that is not healthy is judged but not learned from.
        """
        step = elapsed(self._last_tick, x.when)
        first = self._last_tick is None
        self._last_tick = x.when
        value = self._value
        hours = step.total_seconds() / 3600.0
        still = self._still >= STUCK or self._stuck >= FROZEN_STUCK
        health = self.health.judge(
            x.when, value, hours, still, ranged=self.counter is not True
        )
        healthy = health == OK
        if self.counter is not False:
            total, self._total = self._total, value
            if first or value is None or total is None or not step:
                return False
            rise = value - total if value >= total else value
            value = rise / (step.total_seconds() / 3600.0)
        if value is None or self.counter is None:
            return False
        self._evidence(x, value, step)
        if not healthy:
            self.skipped[f"sensor_{self.health.state}"] += 1
            return False
        if not x.usual:
            return False  # away or with guests: not the household's usual level
        self.model.learn(x, value)
        return True

    def _evidence(self, x: Conditions, value: float, step: timedelta) -> None:
        """Update how far, how long and how still the readings are, and the verdict."""
        hours = step.total_seconds() / 3600.0
        z = self.model.deviation(x, value) or 0.0
        if x.mode == AWAY:
            z = max(z, 0.0)  # an empty home uses less: only more is unusual
        smooth = min(1.0, step / Z_SMOOTH) if step else 1.0
        self._z += smooth * (max(-Z_CAP, min(Z_CAP, z)) - self._z)
        flag = self._verdict.flag
        side = self._excursion.side
        far = self._excursion.update(self._z, hours, flag)
        if self._excursion.side != side:
            self._far_since = x.when if self._excursion.side else None
        still = self._still = self._stillness.update(x, value, hours)
        if self._stillness.surprise == 0.0:
            self._moved = x.when
        off = (
            value <= 0.0 if self.counter else self.health.near_lowest(value, OFF_SHARE)
        )
        frozen = self._stuck = self._frozen.update(value, hours, off, flag)
        away = sigmoid(EXC_SLOPE * (far - EXC_MID))
        repeated = sigmoid(EXC_SLOPE * (frozen - EXC_MID))
        unmoved = max(sigmoid(STILL_SLOPE * (still - STILL_MID)), repeated)
        self.anomaly_score = max(away, unmoved)
        self.actual = value
        if self._verdict.update(self.anomaly_score, step, x.sensitivity) != flag:
            self.since = x.when if not flag else None
            self.reason = self.began = None
        if self._verdict.flag and self.reason is None:
            self.reason = (
                "still" if unmoved >= away else "high" if self._z > 0 else "low"
            )
            began = self._moved if self.reason == "still" else self._far_since
            if self.reason == "still" and repeated >= unmoved:
                # In real time: across a clock change wall-clock hours differ.
                frozen_for = timedelta(hours=self._frozen.run_h)
                began = (x.when.astimezone(UTC) - frozen_for).astimezone(x.when.tzinfo)
            self.began = began or x.when

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "model": self.model.to_dict(),
            "step_s": self.step.total_seconds(),
            "counter": self.counter,
            "unit": self.unit,
            "skipped": dict(self.skipped),
            "score": self.anomaly_score,
            "actual": self.actual,
            "since": iso(self.since),
            "reason": self.reason,
            "began": iso(self.began),
            "far_since": iso(self._far_since),
            "moved": iso(self._moved),
            "value": self._value,
            "first": None if self._first is None else self._first.isoformat(),
            "rises": [self._rises, self._resets],
            "last_tick": iso(self._last_tick),
            "total": self._total,
            "z": self._z,
            "excursion": self._excursion.to_list(),
            "stillness": self._stillness.to_dict(),
            "still": self._still,
            "frozen": self._frozen.to_list(),
            "stuck": self._stuck,
            "health": self.health.to_list(),
            "verdict": self._verdict.to_list(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        if isinstance(data, dict) and data.get("version") == 1:
            data = _from_version_1(data)
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
        unit = data.get("unit")  # added within version 2: None, learned anew
        if unit is not None and not isinstance(unit, str):
            raise TypeError(f"level feed: unit must be text, got {unit!r}")
        feed.unit = unit
        feed.skipped = skipped_counts(data["skipped"])
        feed.anomaly_score = min(1.0, max(0.0, number(data["score"])))
        feed.actual = optional_number(data["actual"])
        feed.since = aware_time(data["since"])
        reason = data["reason"]
        if reason not in REASONS:
            raise ValueError(f"level feed: unknown reason {reason!r}")
        feed.reason = reason
        # Added within version 2: a feed stored before knows none of these.
        feed.began, feed._far_since, feed._moved = (
            aware_time(data.get(key)) for key in ("began", "far_since", "moved")
        )
        feed._value = optional_number(data["value"])
        feed._first = aware_time(data["first"])
        feed._rises, feed._resets = (
            integer(v, 0, 2**63) for v in as_list(data["rises"])
        )
        feed._last_tick = aware_time(data["last_tick"])
        feed._total = optional_number(data["total"])
        feed._z = number(data["z"])
        feed._excursion = Excursion.from_list(data["excursion"])
        feed._stillness = Stillness.from_dict(data["stillness"])
        feed._still = max(0.0, number(data["still"]))
        if "frozen" in data:  # added within version 2, like began
            feed._frozen = Frozen.from_list(data["frozen"])
            feed._stuck = max(0.0, number(data["stuck"]))
        feed.health = SensorHealth.from_list(data["health"])
        feed._verdict = Verdict.from_list(data["verdict"])
        return feed


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Return a version 1 feed's state in version 2's layout.

    Version 1 judged flatness and hours far; their successors start afresh and
    judge again after a week. The model, counters and verdict carry over.
    """
    old = {k: v for k, v in data.items() if k not in ("evidence", "flatness")}
    z, _ = as_list(data["evidence"], 2)
    return old | {
        "version": VERSION,
        "actual": None,
        "since": None,
        "reason": None,
        "z": z,
        "excursion": Excursion().to_list(),
        "stillness": Stillness().to_dict(),
        "still": 0.0,
        "health": SensorHealth().to_list(),
    }


def _reason(state: str) -> str:
    """Return why a state that is not a finite number was skipped."""
    text = state.strip().lower()
    if text in NO_VALUE_STATES:
        return text
    try:
        float(text)
    except ValueError:
        return "non_numeric"
    return "not_finite"  # "nan", "inf", or too large for a float
