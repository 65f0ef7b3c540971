"""Labelled evidence from a binary entity: each sample's label once it is known."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import math
from typing import Any, Protocol, Self

from ..codec import as_list, check_version, number
from ..features import Conditions, require_aware
from ..states import is_on
from .activity import as_object
from .habit import HabitModel

VERSION = 1
# BinaryFeed keeps at most this many samples waiting for their labels.
MAX_PENDING = 64
# Minutes since motion stored for "never seen": as good as infinity for the features.
NEVER_MIN = 1e9
# Later than any sample: with none waiting, no change before the last is needed.
_NO_SAMPLE = datetime.max.replace(tzinfo=UTC)


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
        value = is_on(state)
        if self._changes:
            last, known = self._changes[-1]
            if moment < last or known is value:
                return
        self._changes.append((moment, value))

    def tick(self, x: Conditions) -> bool:
        """Sample x if a step has passed; learn every label now known; True if any."""
        # Conditions hold aware times only: no need to check them again.
        now = x.when.astimezone(UTC)
        if self._last_sample is None or now >= self._last_sample + self.step:
            self._pending.append(x)
            self._last_sample = now
        learned = False
        pending = self._pending
        while pending:
            start = pending[0].when.astimezone(UTC)
            if start + self.horizon > now:
                self._forget(start)
                return learned
            sample = pending.popleft()
            label = self._label(start)
            if label is not None:
                self.model.learn(sample, label)
                learned = True
        self._forget(_NO_SAMPLE)
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

    def _forget(self, keep: datetime) -> None:
        """Drop changes older than the last one before keep (the oldest sample)."""
        changes = self._changes
        while len(changes) > 1 and changes[1][0] <= keep:
            del changes[0]

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
    outdoor, motion, activity = (
        None if item[key] is None else number(item[key])
        for key in ("outdoor_c", "minutes_since_motion", "activity")
    )
    return Conditions(
        when=_when(item["when"]),
        workday=workday,
        outdoor_c=outdoor,
        minutes_since_motion=motion,
        activity=activity,
    )


def _utc(when: datetime) -> datetime:
    """Return an aware time in UTC, where times compare as they happened."""
    require_aware(when)
    return when.astimezone(UTC)


def _when(value: object) -> datetime:
    """Return a stored ISO time, checking it knows its zone."""
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO time, got {value!r}")
    when = datetime.fromisoformat(value)
    require_aware(when)
    return when
