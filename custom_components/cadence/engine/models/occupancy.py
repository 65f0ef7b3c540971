"""Occupancy forecast at any lead: will the zone be in use in [when, when + 15 min)?

Incremental, JSON-safe, stdlib only.

The model has two parts.

1. A time-of-week habit (`week.WeekHabit`): fading counts per local weekday and
   hour of how often the zone was in use on earlier days, as two smoothed
   log-odds (the weekday's hour, and the hour over all weekdays).

2. Per lead bucket (0, 20 min, 1 h, 3 h, 8 h, 24 h) a small online logistic over
   [1, cell logit, hour logit, on at the issue time, recency of the last "on"
   (15 min and 2 h time constants), share of the last hour with any "on"], the
   state features taken as they were at the issue time (when - lead). It starts
   at the habit alone (weights 1/2, 1/2 on the two logits) and learns, for each
   lead, how much the current state adds: at lead 0 a lot, at 24 h little or
   nothing, so a long-lead forecast is at worst the smoothed habit. A forecast at
   a lead between buckets interpolates the two buckets' log-odds in log(1 + lead).

The model keeps the zone's recent state itself (`recent.RecentState`: 26 h of
5-minute slots as bit masks), so the state at any past issue time is known when a
label arrives. A sensor on now answers the window it is in (CERTAIN), so the
lead-0 weights learn only what follows "off". This works the same for motion
sensors that pulse on for seconds (recency and the busy share carry the signal)
and for occupancy/presence sensors that hold "on" for hours (on-now carries it).

API (times must be timezone-aware; the habit uses the local wall clock of the
time given, so pass times in the home's zone; slots and leads use UTC, so a
clock change neither repeats nor loses time)::

    m = OccupancyModel()
    m.observe(when, on)            # every state change of the sensor (bool)
    m.learn(when, occupied)        # label of [when, when+15 min), once known
    p = m.predict(now, when)       # forecast for [when, when+15 min) issued now
    p = m.in_use_soon(now)         # = predict(now, now)
    m.confidence(when), m.samples  # evidence behind a forecast, labels learned
    d = m.to_dict(); m2 = OccupancyModel.from_dict(d)  # JSON-safe, versioned
    average([m1, m2, ...]) -> dict # pooled start for a new zone (cold start)

`learn` must come after the `observe` calls up to the end of its window (the
natural order: label a tick 15 minutes later). Labels may be given at any
cadence; the buckets are trained on every label. `predict` never changes state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
from typing import Any

from ..codec import as_list, bounded, integer
from ..features import require_aware
from .recent import RecentState, slot_of
from .week import WeekHabit

VERSION = 1

WINDOW = timedelta(minutes=15)
# What is said of a window the sensor is on in now: in use, short of certainty.
CERTAIN = 0.999
LEADS_MIN = (0.0, 20.0, 60.0, 180.0, 480.0, 1440.0)
_LEAD_X = tuple(math.log1p(v) for v in LEADS_MIN)
_LEAD_SLOTS = tuple(int(v // 5) for v in LEADS_MIN)
N_FEATURES = 8
START = (0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0)

# Lent by a pooled start: the weights of leads up to 3 h. On the real homes' zones
# (scripts/bench, cold start) lending the 8 h and 24 h weights too made the
# day-ahead forecast worse in 8 of 14 zones.
LENT_LEAD_MIN = 180.0
# AdaGrad online logistic: step, gradient memory, L2 toward START.
RATE = 0.1
G2_START = 1.0
L2 = 1e-4


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class OccupancyModel:
    """Probability that a zone is in use within 15 minutes of a moment, at any lead."""

    __slots__ = ("_g2", "_habit", "_recent", "_samples", "_w")

    def __init__(self) -> None:
        """Start knowing nothing: every moment 1/2, no state seen."""
        self._habit = WeekHabit()
        self._w = [list(START) for _ in LEADS_MIN]
        self._g2 = [[G2_START] * N_FEATURES for _ in LEADS_MIN]
        self._samples = 0
        self._recent = RecentState()

    # -- state -----------------------------------------------------------------

    @property
    def samples(self) -> int:
        """Return how many labels were learned."""
        return self._samples

    @property
    def informed(self) -> bool:
        """Return whether it forecasts anything: learned labels, or a pooled start."""
        return self._samples > 0 or self._habit.informed

    def observe(self, when: datetime, on: bool) -> None:
        """Take the sensor's state at `when` (call on every change; repeats are fine)."""
        self._recent.observe(when, on)

    # -- habit -----------------------------------------------------------------

    def prior(self, when: datetime) -> float:
        """Return the habit alone (the weekday-hour cell, smoothed) at `when`."""
        require_aware(when)
        return _sigmoid(self._habit.logits(when)[0])

    def confidence(self, when: datetime) -> float:
        """Return 0..1: how much evidence the habit has at the moment's cell."""
        require_aware(when)
        return self._habit.confidence(when)

    # -- forecast and learning -------------------------------------------------

    def _features(
        self, when: datetime, state: tuple[float, float, float, float, float] | None
    ) -> list[float]:
        zc, zh = self._habit.logits(when)
        if state is None:
            return [1.0, zc, zh, 0.0, 0.0, 0.0, 0.0, 0.0]
        return [1.0, zc, zh, *state]

    def predict(self, now: datetime, when: datetime | None = None) -> float:
        """Return P(in use in [when, when + 15 min)) issued at `now` (default: now)."""
        require_aware(now)
        if when is None:
            when = now
        require_aware(when)
        lead = max(0.0, (when.timestamp() - now.timestamp()) / 60.0)
        state = self._recent.at(slot_of(now), now.timestamp())
        if state is not None and state[0] and when <= now < when + WINDOW:
            # On now, inside the window: it is in use, by the label's definition.
            return CERTAIN
        x = self._features(when, state)
        z = _interpolate(
            lead, [sum(w * v for w, v in zip(ws, x, strict=True)) for ws in self._w]
        )
        return _sigmoid(z)

    def in_use_soon(self, now: datetime) -> float:
        """Return P(in use within the next 15 minutes), from the current state."""
        return self.predict(now, now)

    def learn(self, when: datetime, occupied: bool) -> None:
        """Learn the label of [when, when + 15 min): was the zone in use."""
        require_aware(when)
        if not isinstance(occupied, bool):
            raise TypeError(f"occupied must be a bool, got {occupied!r}")
        y = 1.0 if occupied else 0.0
        self._habit.start_day(when.toordinal())
        zc, zh = self._habit.logits(when)
        slot = slot_of(when)
        # The label is known, so time has reached the window's end: the state
        # observed last has held until then.
        recent = self._recent
        if recent.slot is not None:
            recent.advance(slot_of(when + WINDOW))
        ws, gs = self._w, self._g2
        for b in range(len(LEADS_MIN)):
            state = recent.at(slot - _LEAD_SLOTS[b])
            if state is None:
                x3 = x4 = x5 = x6 = x7 = 0.0
            else:
                x3, x4, x5, x6, x7 = state
                if b == 0 and x3:
                    # On at the window's start: `predict` says CERTAIN then, so the
                    # lead-0 weights learn only what follows "off" (arrivals).
                    continue
            _sgd(ws[b], gs[b], (1.0, zc, zh, x3, x4, x5, x6, x7), y)
        self._habit.count(when, y)
        self._samples += 1

    # -- persistence -----------------------------------------------------------

    @classmethod
    def pooled(cls, models: list[OccupancyModel]) -> dict[str, Any]:
        """Return a fresh model's state with the average per-lead weights of others.

        For a new zone's cold start (parameter averaging: nothing raw is shared):
        the habit starts from the home's average habit, weighed as one label per
        hour of the week; the weights of leads up to LENT_LEAD_MIN (how much the
        current state adds) are the home's other zones' average, those of longer
        leads start afresh (there zones differ: a kitchen is not a bedroom); the
        state history starts empty (it belongs to the zone).
        """
        if not models:
            raise ValueError("average: need at least one model")
        fresh = cls()
        n = float(len(models))
        fresh._habit = WeekHabit.pooled([m._habit for m in models])  # noqa: SLF001
        for b, lead in enumerate(LEADS_MIN):
            if lead > LENT_LEAD_MIN:
                continue
            fresh._w[b] = [
                sum(m._w[b][i] for m in models) / n  # noqa: SLF001
                for i in range(N_FEATURES)
            ]
            fresh._g2[b] = [
                sum(m._g2[b][i] for m in models) / n  # noqa: SLF001
                for i in range(N_FEATURES)
            ]
        return fresh.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe and compact (about 3 KB)."""
        return {
            "version": VERSION,
            "samples": self._samples,
            **self._habit.to_dict(),
            "w": [[round(v, 4) for v in ws] for ws in self._w],
            "g2": [[float(f"{v:.3g}") for v in gs] for gs in self._g2],
            **self._recent.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OccupancyModel:
        """Rebuild from `to_dict` output; raise ValueError/TypeError/KeyError if bad."""
        if not isinstance(data, dict):
            raise TypeError(f"occupancy: expected a dict, got {type(data).__name__}")
        if data.get("version") != VERSION:
            raise ValueError(f"occupancy: unsupported version {data.get('version')!r}")
        m = cls()
        m._samples = integer(data["samples"], 0, 2**62 + 1)
        m._habit = WeekHabit.from_dict(data)
        m._w = [
            [bounded(v, -1e3, 1e3) for v in as_list(ws, N_FEATURES)]
            for ws in as_list(data["w"], len(LEADS_MIN))
        ]
        m._g2 = [
            [bounded(v, 0.0, 1e9) for v in as_list(gs, N_FEATURES)]
            for gs in as_list(data["g2"], len(LEADS_MIN))
        ]
        m._recent = RecentState.from_dict(data)
        return m


def average(models: list[OccupancyModel]) -> dict[str, Any]:
    """Return a fresh model's state starting from the pooled weights of others.

    For a new zone's cold start; see `OccupancyModel.pooled`.
    """
    return OccupancyModel.pooled(models)


def _sgd(w: list[float], g2: list[float], x: tuple[float, ...], y: float) -> None:
    """Take one AdaGrad step of a logistic (weights w, squared-gradient sums g2)."""
    err = _sigmoid(math.sumprod(w, x)) - y
    for i, xi in enumerate(x):
        g = err * xi + L2 * (w[i] - START[i])
        if g:
            square = g2[i] + g * g
            g2[i] = square
            w[i] -= RATE * g / math.sqrt(square)


def _interpolate(lead: float, values: list[float]) -> float:
    x = math.log1p(lead)
    if x <= _LEAD_X[0]:
        return values[0]
    for b in range(1, len(_LEAD_X)):
        if x <= _LEAD_X[b]:
            t = (x - _LEAD_X[b - 1]) / (_LEAD_X[b] - _LEAD_X[b - 1])
            return values[b - 1] + t * (values[b] - values[b - 1])
    return values[-1]
