"""What a thermostat does, turned into evidence of what its household prefers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
import math
from typing import Any, NamedTuple, Self

from ..codec import check_version, iso, number, optional_number
from ..features import SLOT, Conditions, require_aware, slot_start
from ..models.setpoint import SetpointModel
from ..states import TEACHING_SOURCES, Source

VERSION = 1

# Weight of a setpoint someone chose: a person in the app, or a hand on the device.
CHOICE_WEIGHT = 1.0
# A choice teaches this share of its weight at once, the rest once it has been kept
# this long: one changed again within minutes was an override or a slip, not a
# preference, and teaches little.
PROVISIONAL_SHARE = 0.05
CONFIRM_AFTER = timedelta(minutes=10)
# Weight per hour a setpoint is kept: four hours kept count as much as one choice.
HOLD_WEIGHT_PER_HOUR = 0.25
# Longer gaps between looks mean Cadence was not watching (Home Assistant was down):
# what the setpoint did meanwhile is unknown, so that time is not credited.
MAX_HOLD_GAP = timedelta(hours=2)


class SetpointLearner:
    """Turns a thermostat's setpoint history into weighted evidence.

    A change someone made is strong evidence (weight 1). A setpoint kept is weaker
    evidence, in proportion to how long it is kept, credited per half-hour slot so
    each slot learns the value held in it. Values set by an automation or by Cadence
    teach nothing, not even while kept: learning Cadence's own output would make it
    confirm itself.
    """

    __slots__ = (
        "_credited_until",
        "_held_c",
        "_paused",
        "_since",
        "_source",
        "_unconfirmed",
        "ignored",
        "last_taught",
        "model",
    )

    def __init__(self, model: SetpointModel | None = None) -> None:
        """Learn into the given model, or a new one."""
        self.model = model if model is not None else SetpointModel()
        self._held_c: float | None = None
        self._source: Source | None = None
        # Moments are kept in UTC: aware times in one zone compare and subtract by
        # wall clock, which runs the same hour twice when DST ends.
        self._since: datetime | None = None
        # Hold time before this moment has been credited (or deliberately not).
        self._credited_until: datetime | None = None
        self._paused = False
        # For troubleshooting: the last change that taught (when, °C, who), and how
        # many changes did not teach, by who made them (automation, cadence, unknown).
        self.last_taught: Taught | None = None
        self.ignored: Counter[str] = Counter()
        # The latest choice while it has taught only its provisional share, with the
        # conditions it was made under (saved: a restart does not forget it).
        self._unconfirmed: Unconfirmed | None = None

    @property
    def held_c(self) -> float | None:
        """Return the setpoint currently held, None before the first observation."""
        return self._held_c

    @property
    def source(self) -> Source | None:
        """Return who set the held setpoint."""
        return self._source

    @property
    def since(self) -> datetime | None:
        """Return when the held setpoint was set."""
        return self._since

    def observe(self, x: Conditions, setpoint_c: float, source: Source) -> bool:
        """Take in the thermostat's setpoint now; return True when it was learned.

        A value equal to the held one is no new choice, whoever reports it (devices
        re-report unchanged setpoints under their own context): it is only held, and
        after a pause crediting resumes.
        """
        setpoint_c = float(setpoint_c)
        if not math.isfinite(setpoint_c):
            raise ValueError(f"setpoint must be finite, got {setpoint_c}")
        self._confirm(x)
        if setpoint_c == self._held_c:
            if self._paused:
                self._paused = False
                self._credited_until = _later(self._credited_until, x.when)
            self.hold(x)
            return False
        self._credit(x)
        self._unconfirmed = None  # changed again within minutes: stays provisional
        self._held_c = setpoint_c
        self._source = source
        self._since = x.when.astimezone(UTC)
        self._credited_until = _later(self._credited_until, x.when)
        self._paused = False
        if source not in TEACHING_SOURCES:
            self.ignored[source.value] += 1
            return False
        before_c = self.model.schedule_value(x)
        self.model.learn(x, setpoint_c, CHOICE_WEIGHT * PROVISIONAL_SHARE, kept_h=0.0)
        self._unconfirmed = Unconfirmed(x, setpoint_c, before_c)
        self.last_taught = Taught(self._since, setpoint_c, source)
        return True

    def hold(self, x: Conditions) -> bool:
        """Credit the held setpoint for the whole half-hour slots kept until x.when.

        The rest of the current slot is credited when the slot ends, the setpoint
        changes or the thermostat pauses. Return True when anything was learned.
        """
        confirmed = self._confirm(x)
        return self._credit(x, until=slot_start(x.when)) or confirmed

    def pause(self, x: Conditions) -> None:
        """Stop crediting hold time from x.when on (the thermostat is off or away).

        A choice not yet kept long enough stays provisional: off is no keeping.
        """
        if not self._confirm(x):
            self._unconfirmed = None
        self._credit(x)
        self._paused = True

    def _confirm(self, x: Conditions) -> bool:
        """Teach the rest of the latest choice once it has been kept long enough."""
        if self._unconfirmed is None or self._since is None:
            return False
        if x.when.astimezone(UTC) - self._since < CONFIRM_AFTER:
            return False
        chosen, setpoint_c, before_c = self._unconfirmed
        self._unconfirmed = None
        weight = CHOICE_WEIGHT * (1.0 - PROVISIONAL_SHARE)
        self.model.learn(
            chosen,
            setpoint_c,
            weight,
            new_sample=False,
            kept_h=0.0,
            before_c=before_c,
        )
        return True

    def _credit(self, x: Conditions, until: datetime | None = None) -> bool:
        """Credit the time the setpoint was kept up to `until` (default x.when)."""
        end = (x.when if until is None else until).astimezone(UTC)
        start = self._credited_until
        held_c = self._held_c
        if start is None or end <= start or held_c is None or self._paused:
            return False
        self._credited_until = end
        if self._source not in TEACHING_SOURCES or end - start > MAX_HOLD_GAP:
            return False
        zone = x.when.tzinfo
        today = x.when.date()
        while start < end:
            local = start.astimezone(zone)
            # Each piece ends at the next slot boundary so it teaches its own slot.
            stop = min(end, slot_start(local).astimezone(UTC) + SLOT)
            hours = (stop - start).total_seconds() / 3600.0
            # The workday sensor speaks of today; an earlier date counts Monday-Friday.
            workday = x.workday if local.date() == today else None
            self.model.learn(
                replace(x, when=local, workday=workday),
                held_c,
                HOLD_WEIGHT_PER_HOUR * hours,
                kept_h=hours,
            )
            start = stop
        return True

    def to_dict(self) -> dict[str, Any]:
        """Return the learner and its model, JSON-safe, with a schema version."""
        return {
            "version": VERSION,
            "model": self.model.to_dict(),
            "held_c": self._held_c,
            "source": None if self._source is None else self._source.value,
            "since": iso(self._since),
            "credited_until": iso(self._credited_until),
            "paused": self._paused,
            "last_taught": None
            if self.last_taught is None
            else {
                "at": iso(self.last_taught.when),
                "setpoint_c": self.last_taught.setpoint_c,
                "source": self.last_taught.source.value,
            },
            "ignored": dict(self.ignored),
            "unconfirmed": _unconfirmed_to_dict(self._unconfirmed),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a learner from `to_dict` output.

        Raises ValueError, KeyError or TypeError when the data is malformed.
        """
        check_version(data, VERSION, "setpoint learner")
        learner = cls(SetpointModel.from_dict(data["model"]))
        held = data["held_c"]
        learner._held_c = None if held is None else number(held)
        source = data["source"]
        learner._source = None if source is None else Source(source)
        learner._since = _from_iso(data["since"])
        learner._credited_until = _from_iso(data["credited_until"])
        paused = data["paused"]
        if not isinstance(paused, bool):
            raise TypeError(f"paused: expected true or false, got {paused!r}")
        learner._paused = paused
        # Both came later than version 1's other fields: absent means none yet.
        taught = data.get("last_taught")
        if taught is not None:
            when = _from_iso(taught["at"])
            if when is None:
                raise TypeError("last_taught: a time is needed")
            learner.last_taught = Taught(
                when, number(taught["setpoint_c"]), Source(taught["source"])
            )
        ignored = data.get("ignored", {})
        if not isinstance(ignored, dict):
            raise TypeError(f"ignored: expected counts by source, got {ignored!r}")
        learner.ignored = Counter(
            {str(Source(k)): int(number(v)) for k, v in ignored.items()}
        )
        learner._unconfirmed = _unconfirmed_from_dict(data.get("unconfirmed"))
        return learner


class Taught(NamedTuple):
    """A change that taught: when (UTC), the setpoint in °C, and who made it."""

    when: datetime
    setpoint_c: float
    source: Source


class Unconfirmed(NamedTuple):
    """A choice awaiting confirmation: made under x, and the schedule then (°C)."""

    x: Conditions
    setpoint_c: float
    before_c: float | None


def _unconfirmed_to_dict(unconfirmed: Unconfirmed | None) -> dict[str, Any] | None:
    """Return a choice awaiting confirmation and what it was made under, JSON-safe."""
    if unconfirmed is None:
        return None
    x, setpoint_c, before_c = unconfirmed
    return {
        "at": x.when.isoformat(),
        "setpoint_c": setpoint_c,
        "before_c": before_c,
        "workday": x.workday,
        "outdoor_c": x.outdoor_c,
        "minutes_since_motion": x.minutes_since_motion,
        "activity": x.activity,
    }


def _unconfirmed_from_dict(data: object) -> Unconfirmed | None:
    """Rebuild a choice awaiting confirmation; absent (before it was saved) is none."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError(f"unconfirmed: expected an object, got {data!r}")
    workday = data["workday"]
    if workday is not None and not isinstance(workday, bool):
        raise TypeError("unconfirmed: workday must be true, false or null")
    at = data["at"]
    if not isinstance(at, str):
        raise TypeError(f"unconfirmed: expected a time as text, got {at!r}")
    x = Conditions(
        when=datetime.fromisoformat(at),
        workday=workday,
        outdoor_c=optional_number(data["outdoor_c"]),
        minutes_since_motion=optional_number(data["minutes_since_motion"]),
        activity=optional_number(data["activity"]),
    )
    return Unconfirmed(x, number(data["setpoint_c"]), optional_number(data["before_c"]))


def _later(a: datetime | None, b: datetime) -> datetime:
    """Return the later of two moments in UTC, b when a is unknown."""
    b = b.astimezone(UTC)
    return b if a is None or b > a else a


def _from_iso(text: object) -> datetime | None:
    """Return a moment from ISO 8601 text, refusing one without a zone."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"expected a time as text, got {text!r}")
    when = datetime.fromisoformat(text)
    require_aware(when)
    return when.astimezone(UTC)
