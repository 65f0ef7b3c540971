"""Habits of binary things: is the light on now, will the zone see motion soon."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
import math
from typing import Any, Protocol, Self

import numpy as np
import numpy.typing as npt

from ..codec import as_list, check_version, integer, number
from ..features import (
    DAY_HARMONICS,
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    Conditions,
    motion_features,
    require_aware,
)
from .activity import as_object
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
# The logistic part starts from the prior alone and learns what context adds.
RATE = 0.05
L2 = 1e-4
DECAY = 0.999
# BinaryFeed keeps at most this many samples waiting for their labels.
MAX_PENDING = 64
# Minutes since motion stored for "never seen": as good as infinity for the features.
NEVER_MIN = 1e9

_TAU = 2.0 * math.pi
_DAY_DECAY = 0.5 ** (1.0 / HALF_LIFE_DAYS)
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
        self._cache: tuple[Conditions, npt.NDArray[np.float64]] | None = None
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

    def _close_days(self, days: int) -> None:
        """Fold today's counts into the habit and fade it by the days that passed."""
        self._cache = None
        fade = _DAY_DECAY ** min(days - 1, 366)
        old = fade * _DAY_DECAY
        self._on = [
            round(v * old + t * fade, 3)
            for v, t in zip(self._on, self._today_on, strict=True)
        ]
        self._seen = [
            round(v * old + t * fade, 3)
            for v, t in zip(self._seen, self._today_seen, strict=True)
        ]
        self._today_on = [0.0] * CELLS
        self._today_seen = [0.0] * CELLS

    def _encode(self, x: Conditions) -> npt.NDArray[np.float64]:
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
        features = np.array(values, dtype=np.float64)
        self._cache = (x, features)
        return features

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


class BinaryModel(Protocol):
    """A model a BinaryFeed teaches: learns labelled moments, saves itself."""

    @property
    def samples(self) -> int:
        """Return how many labels were learned."""
        ...

    def learn(self, x: Conditions, on: bool, weight: float = 1.0) -> None:
        """Learn that the thing was (or was not) on at x."""
        ...

    def predict(self, x: Conditions) -> float:
        """Return the probability that the thing is on at x."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        ...


class BinaryFeed[M: BinaryModel = HabitModel]:
    """Turns a binary entity's state changes into labelled evidence for a model.

    `tick` takes a sample every `step` and keeps it, with the Conditions of its
    moment, until its label is known: with horizon 0 the entity's state at that
    moment (is the light on), else whether it was on at any time within the horizon
    after it (will there be motion within 15 minutes). A sample whose label depends
    on a time the state was unknown teaches nothing. Times are compared in UTC, so a
    clock change neither repeats nor loses evidence; features use the local clock.
    """

    __slots__ = ("_changes", "_last_sample", "_pending", "horizon", "model", "step")

    def __init__(
        self,
        model: M | None = None,
        *,
        horizon: timedelta = timedelta(0),
        step: timedelta = timedelta(minutes=5),
    ) -> None:
        """Feed a model (a new one by default) with labels `horizon` ahead."""
        if horizon < timedelta(0) or step <= timedelta(0):
            raise ValueError("horizon must not be negative and step must be positive")
        self.model: M = model if model is not None else HabitModel()  # type: ignore[assignment]
        self.horizon = horizon
        self.step = step
        # The state since each change (None: unknown), oldest first, in UTC.
        self._changes: list[tuple[datetime, bool | None]] = []
        self._last_sample: datetime | None = None
        # Samples waiting for their label, oldest first; horizon / step of them.
        self._pending: deque[Conditions] = deque(
            maxlen=min(MAX_PENDING, horizon // step + 2)
        )

    def update(self, when: datetime, state: str) -> None:
        """Take a state change: "on", "off", or anything else for unknown."""
        moment = _utc(when)
        value = _is_on(state)
        if self._changes:
            last, known = self._changes[-1]
            if moment < last or known is value:
                return
        self._changes.append((moment, value))

    def tick(self, x: Conditions) -> bool:
        """Sample x if a step has passed; learn every label now known; True if any."""
        now = _utc(x.when)
        if self._last_sample is None or now >= self._last_sample + self.step:
            self._pending.append(x)
            self._last_sample = now
        learned = False
        while self._pending and _utc(self._pending[0].when) + self.horizon <= now:
            sample = self._pending.popleft()
            label = self._label(_utc(sample.when))
            if label is not None:
                self.model.learn(sample, label)
                learned = True
        self._forget()
        return learned

    def predict(self, x: Conditions) -> float:
        """Return the probability that the entity is on at x (or within the horizon)."""
        return self.model.predict(x)

    def _label(self, start: datetime) -> bool | None:
        """Return whether the entity was on in [start, start + horizon], None unknown."""
        end = start + self.horizon
        states = [v for when, v in self._changes if start < when <= end]
        before = [v for when, v in self._changes if when <= start]
        states.append(before[-1] if before else None)
        if True in states:
            return True
        return None if None in states else False

    def _forget(self) -> None:
        """Drop changes older than the last one before the oldest waiting sample."""
        keep = (
            _utc(self._pending[0].when)
            if self._pending
            else datetime.max.replace(tzinfo=UTC)
        )
        while len(self._changes) > 1 and self._changes[1][0] <= keep:
            del self._changes[0]

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "horizon_s": self.horizon.total_seconds(),
            "step_s": self.step.total_seconds(),
            "model": self.model.to_dict(),
            "last_sample": None
            if self._last_sample is None
            else self._last_sample.isoformat(),
            "changes": [[when.isoformat(), value] for when, value in self._changes],
            "pending": [_conditions_to_dict(x) for x in self._pending],
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        model_from_dict: Callable[[dict[str, Any]], M] = HabitModel.from_dict,  # type: ignore[assignment]
    ) -> Self:
        """Rebuild a feed from `to_dict` output; raise ValueError when malformed."""
        check_version(data, VERSION, "binary feed")
        feed = cls(
            model_from_dict(data["model"]),
            horizon=timedelta(seconds=number(data["horizon_s"])),
            step=timedelta(seconds=number(data["step_s"])),
        )
        last = data["last_sample"]
        feed._last_sample = None if last is None else _utc(_when(last))
        for row in as_list(data["changes"]):
            when, value = as_list(row)
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"changes: expected true, false or null, got {value!r}")
            feed._changes.append((_when(when), value))
        for item in as_list(data["pending"]):
            feed._pending.append(_conditions_from_dict(item))
        return feed


def _conditions_to_dict(x: Conditions) -> dict[str, Any]:
    """Return Conditions JSON-safe; motion never seen is stored as a long time ago."""
    motion = x.minutes_since_motion
    if motion is not None and not math.isfinite(motion):
        motion = None if math.isnan(motion) else NEVER_MIN
    return {
        "when": x.when.isoformat(),
        "workday": x.workday,
        "outdoor_c": x.outdoor_c,
        "minutes_since_motion": motion,
        "activity": x.activity,
    }


def _conditions_from_dict(data: object) -> Conditions:
    """Rebuild Conditions stored by `_conditions_to_dict`."""
    item = as_object(data)
    workday = item["workday"]
    if workday is not None and not isinstance(workday, bool):
        raise TypeError(f"workday: expected true, false or null, got {workday!r}")
    optional = {
        key: None if item[key] is None else number(item[key])
        for key in ("outdoor_c", "minutes_since_motion", "activity")
    }
    return Conditions(when=_when(item["when"]), workday=workday, **optional)


def _utc(when: datetime) -> datetime:
    """Return an aware time in UTC, where times compare as they happened."""
    require_aware(when)
    return when.astimezone(UTC)


def _is_on(state: str) -> bool | None:
    """Return True for "on", False for "off", None for any other (unknown) state."""
    return {"on": True, "off": False}.get(state)


def _when(value: object) -> datetime:
    """Return a stored ISO time, checking it knows its zone."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO time, got {value!r}")
    when = datetime.fromisoformat(value)
    require_aware(when)
    return when
