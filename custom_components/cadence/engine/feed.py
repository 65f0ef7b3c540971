"""From the states a home reports to what the engine learns.

Live learning, the history bootstrap and the offline replay all pass thermostat
states through `ThermostatFeed`, so each learns exactly what the others would.
States are plain strings and attribute mappings, as Home Assistant reports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
import math
from typing import Any, Self

from .features import Conditions
from .thermostat import SetpointLearner, Source
from .validation import RejectedValue, Rejection, clean_setpoint

# A thermostat's setpoint attributes, each learned by its own model.
TEMPERATURE = "temperature"
TARGET_TEMP_LOW = "target_temp_low"
TARGET_TEMP_HIGH = "target_temp_high"
TARGETS = (TEMPERATURE, TARGET_TEMP_LOW, TARGET_TEMP_HIGH)
# Home Assistant's ClimateEntityFeature flags for a single setpoint and a range.
SUPPORTS_TARGET = 1
SUPPORTS_RANGE = 2

CELSIUS = "°C"
FAHRENHEIT = "°F"
KELVIN = "K"
# Outdoor readings outside this range are a broken sensor, not weather.
OUTDOOR_RANGE_C = (-60.0, 60.0)

_NO_SETPOINT_STATES = {
    "unavailable": Rejection.UNAVAILABLE,
    "unknown": Rejection.UNKNOWN,
    "off": Rejection.OFF,
}


@dataclass(frozen=True, slots=True)
class Reading:
    """One reported state of an entity: its state string and attributes."""

    state: str
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one reported state did: whether it taught, and what it skipped."""

    learned: bool
    skipped: tuple[Rejection, ...]


def finite(value: object) -> float | None:
    """Return value as a finite float, None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def to_celsius(raw: object, unit: str | None) -> object:
    """Convert a temperature reported in unit to °C; anything not a number as it is.

    Non-numbers are passed through so that validation can say why they are refused.
    """
    if unit not in (FAHRENHEIT, KELVIN) or isinstance(raw, bool):
        return raw
    value = finite(raw)
    if value is None:
        return raw
    return (value - 32.0) * 5.0 / 9.0 if unit == FAHRENHEIT else value - 273.15


def from_celsius(value_c: float, unit: str) -> float:
    """Convert a temperature in °C to unit (°C, °F or K)."""
    if unit == FAHRENHEIT:
        return value_c * 9.0 / 5.0 + 32.0
    if unit == KELVIN:
        return value_c + 273.15
    return value_c


def outdoor_c(raw: object, unit: str | None) -> float | None:
    """Return an outdoor reading in °C, None when unknown or absurd."""
    value = finite(to_celsius(raw, unit))
    low, high = OUTDOOR_RANGE_C
    return value if value is not None and low <= value <= high else None


def workday(state: str | None) -> bool | None:
    """Return what a workday sensor says, None when it says nothing."""
    return {"on": True, "off": False}.get(state or "")


def minutes_since_motion(
    motions: Iterable[tuple[str, datetime]], when: datetime
) -> float | None:
    """Return minutes since any motion sensor last saw motion, None when unknown.

    `motions` holds each sensor's state and when that state began.
    """
    ended: list[datetime] = []
    for state, since in motions:
        if state == "on":
            return 0.0
        if state == "off":
            ended.append(since)
    if not ended:
        return None
    return max(0.0, (when - max(ended)).total_seconds() / 60.0)


def targets_for(features: int | None) -> list[str]:
    """Return which setpoints to learn from a thermostat's supported features."""
    if features is None:
        return [TEMPERATURE]
    targets = []
    if features & SUPPORTS_TARGET:
        targets.append(TEMPERATURE)
    if features & SUPPORTS_RANGE:
        targets += [TARGET_TEMP_LOW, TARGET_TEMP_HIGH]
    return targets


class ThermostatFeed:
    """The learned setpoints of one thermostat, fed with its reported states."""

    def __init__(self, learners: Mapping[str, SetpointLearner]) -> None:
        """Feed the given learners, one per setpoint attribute."""
        self.learners = dict(learners)

    @classmethod
    def new(cls, targets: Iterable[str]) -> Self:
        """Return a feed with fresh learners for the given setpoints."""
        return cls({target: SetpointLearner() for target in targets})

    def update(
        self,
        x: Conditions,
        new: Reading | None,
        old: Reading | None,
        source: Source,
        unit: str = CELSIUS,
    ) -> FeedResult:
        """Take in one state change of the thermostat at x.when.

        A state without a setpoint (gone, unavailable, unknown, off) pauses crediting.
        A setpoint found at start-up or on return from unavailable was not seen being
        chosen, so it is held without teaching. A change of only other attributes
        (the room temperature) is a hold.
        """
        reason = (
            Rejection.MISSING if new is None else _NO_SETPOINT_STATES.get(new.state)
        )
        if new is None or reason is not None:
            for learner in self.learners.values():
                learner.pause(x)
            return FeedResult(learned=False, skipped=(reason or Rejection.MISSING,))
        if old is None or old.state in ("unavailable", "unknown"):
            source = Source.UNKNOWN
        learned = False
        skipped: list[Rejection] = []
        for target, learner in self.learners.items():
            raw = new.attributes.get(target)
            if (
                raw is None
                and target == TEMPERATURE
                and TARGET_TEMP_LOW in new.attributes
            ):
                # A range thermostat in heat_cool mode has no single setpoint now.
                learner.pause(x)
                continue
            try:
                setpoint_c = clean_setpoint(
                    to_celsius(raw, unit),
                    min_c=finite(to_celsius(new.attributes.get("min_temp"), unit)),
                    max_c=finite(to_celsius(new.attributes.get("max_temp"), unit)),
                )
            except RejectedValue as err:
                skipped.append(err.reason)
                learner.pause(x)
                continue
            if (
                old is not None
                and old.state == new.state
                and old.attributes.get(target) == raw
            ):
                learned |= learner.hold(x)
            else:
                learned |= learner.observe(x, setpoint_c, source)
        return FeedResult(learned=learned, skipped=tuple(skipped))

    def hold(self, x: Conditions) -> bool:
        """Credit every setpoint kept until x.when; True when anything was learned."""
        learned = False
        for learner in self.learners.values():
            learned |= learner.hold(x)
        return learned

    def to_dict(self) -> dict[str, Any]:
        """Return the learners by setpoint, JSON-safe."""
        return {target: learner.to_dict() for target, learner in self.learners.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], targets: Iterable[str] = ()) -> Self:
        """Restore a feed; setpoints in targets but not in data start fresh.

        Raises ValueError, KeyError or TypeError when the data is malformed.
        """
        if not isinstance(data, Mapping):
            raise TypeError(
                f"expected an object of learners, got {type(data).__name__}"
            )
        learners = {
            target: SetpointLearner.from_dict(item) for target, item in data.items()
        }
        for target in targets:
            learners.setdefault(target, SetpointLearner())
        return cls(
            {target: learners[target] for target in TARGETS if target in learners}
        )
