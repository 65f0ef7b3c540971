"""Thermostats: each setpoint a household chooses, learned as a weekly habit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..models.setpoint import Change, Prediction
from ..states import CELSIUS, Reading, Source, back_from_no_value, finite, to_celsius
from ..validation import RejectedValue, Rejection, clean_setpoint
from .base import Facts, Forecast, Outcome
from .setpoint_learner import SetpointLearner

# A thermostat's setpoint attributes, each learned by its own model.
TEMPERATURE = "temperature"
TARGET_TEMP_LOW = "target_temp_low"
TARGET_TEMP_HIGH = "target_temp_high"
TARGETS = (TEMPERATURE, TARGET_TEMP_LOW, TARGET_TEMP_HIGH)
# What each setpoint is called as a forecast quantity (replay, actions).
QUANTITY_OF_TARGET = {
    TEMPERATURE: "setpoint",
    TARGET_TEMP_LOW: "setpoint_low",
    TARGET_TEMP_HIGH: "setpoint_high",
}
# Home Assistant's ClimateEntityFeature flags for a single setpoint and a range.
SUPPORTS_TARGET = 1
SUPPORTS_RANGE = 2

_NO_SETPOINT_STATES = {
    "unavailable": Rejection.UNAVAILABLE,
    "unknown": Rejection.UNKNOWN,
    "off": Rejection.OFF,
}


@dataclass(frozen=True, kw_only=True, slots=True)
class SetpointStatus:
    """What the entities show for one learned setpoint of one thermostat."""

    prediction: Prediction | None
    next_change: Change | None
    samples: int
    mean_abs_error_c: float | None
    # How the schedule counts days: "all_days" alike or "by_kind_of_day".
    days: str


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


class ThermostatChannel:
    """The learned setpoints of one thermostat, fed with its reported states."""

    kind: ClassVar[str] = "thermostats"

    def __init__(
        self,
        entity_id: str,
        learners: Mapping[str, SetpointLearner],
        unit: str = CELSIUS,
    ) -> None:
        """Feed the given learners, one per setpoint attribute, in the home's unit."""
        self.key = entity_id
        self.learners = dict(learners)
        self.unit = unit
        # The supported_features the setpoints were last fitted to.
        self._features: object = None

    @classmethod
    def new(cls, entity_id: str, targets: Iterable[str], unit: str = CELSIUS) -> Self:
        """Return a channel with fresh learners for the given setpoints."""
        return cls(entity_id, {t: SetpointLearner() for t in targets}, unit)

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return a channel per thermostat of the zone, restoring what it learned."""
        channels = []
        for entity_id in zone.climate:
            features = finite((facts(entity_id) or {}).get("supported_features"))
            targets = targets_for(None if features is None else int(features))
            channels.append(
                cls.from_dict(entity_id, stored.get(entity_id, {}), targets, home.unit)
            )
        return channels

    def watches(self) -> tuple[str, ...]:
        """Return the thermostat."""
        return (self.key,)

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
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
            return Outcome(learned=False, skipped=(reason or Rejection.MISSING,))
        if (features := new.attributes.get("supported_features")) != self._features:
            self._fit(features)
        if old is None or back_from_no_value(old) or not x.usual:
            # Not seen being chosen, or chosen by guests or while away: not taught.
            source = Source.UNKNOWN
        learned = False
        skipped: list[str] = []
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
                    to_celsius(raw, self.unit),
                    min_c=finite(to_celsius(new.attributes.get("min_temp"), self.unit)),
                    max_c=finite(to_celsius(new.attributes.get("max_temp"), self.unit)),
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
        return Outcome(learned=learned, skipped=tuple(skipped))

    def _fit(self, features: object) -> None:
        """Learn the setpoints a thermostat says it has, once it says so.

        A thermostat Home Assistant knew nothing of when Cadence started gets its
        setpoints from its first state; one that never learned anything loses those
        it does not have. What was learned is never dropped.
        """
        self._features = features
        number = finite(features)
        if number is None:
            return
        wanted = targets_for(int(number))
        learners = self.learners
        for target in TARGETS:
            if target in wanted:
                learners.setdefault(target, SetpointLearner())
            elif target in learners and _untouched(learners[target]):
                del learners[target]
        self.learners = {t: learners[t] for t in TARGETS if t in learners}

    def on_tick(self, x: Conditions) -> bool:
        """Credit every setpoint kept until x.when; True when anything was learned.

        Away or with guests, nothing kept is credited: crediting resumes once the
        home is back to normal and the thermostat reports its setpoint again.
        """
        learned = False
        for learner in self.learners.values():
            if x.usual:
                learned |= learner.hold(x)
            else:
                learner.pause(x)
        return learned

    def status(self, x: Conditions) -> dict[str, SetpointStatus]:
        """Return each setpoint's prediction now, its next change and its standing.

        Whether the thermostat itself is there is for the shell to add: it sees it.
        """
        statuses = {}
        for target, learner in self.learners.items():
            model = learner.model
            prediction = model.predict(x)
            statuses[target] = SetpointStatus(
                prediction=prediction,
                next_change=model.next_change(x) if prediction else None,
                samples=model.samples,
                mean_abs_error_c=model.mean_abs_error_c,
                days=model.days,
            )
        return statuses

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return each learned setpoint at x.when, in °C."""
        forecasts = {}
        for target, learner in self.learners.items():
            if (prediction := learner.model.predict(x)) is not None:
                forecasts[QUANTITY_OF_TARGET[target]] = Forecast(
                    prediction.value_c, prediction.confidence
                )
        return forecasts

    def to_dict(self) -> dict[str, Any]:
        """Return the learners by setpoint, JSON-safe."""
        return {target: learner.to_dict() for target, learner in self.learners.items()}

    @classmethod
    def from_dict(
        cls,
        entity_id: str,
        data: Mapping[str, Any],
        targets: Iterable[str] = (),
        unit: str = CELSIUS,
    ) -> Self:
        """Restore a channel; setpoints in targets but not in data start fresh.

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
            entity_id,
            {target: learners[target] for target in TARGETS if target in learners},
            unit,
        )


def _untouched(learner: SetpointLearner) -> bool:
    """Return whether a learner never saw a setpoint."""
    return learner.held_c is None and learner.model.samples == 0
