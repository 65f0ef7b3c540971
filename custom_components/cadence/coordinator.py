"""The coordinator: feeds what the home does to the engine and pushes predictions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    ATTR_TEMPERATURE,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import CONF_LEARNING, DOMAIN, LOGGER
from .engine import (
    Change,
    Conditions,
    Prediction,
    RejectedValue,
    Rejection,
    SetpointLearner,
    SetpointModel,
    Source,
    clean_setpoint,
)
from .home import Home, Zone, source_of
from .repairs import async_update_missing_entity_issue
from .store import CadenceStore, UnreadableStoreError

if TYPE_CHECKING:
    from . import CadenceConfigEntry

REFRESH_INTERVAL = timedelta(minutes=5)
# The setpoint attributes of a thermostat, learned each by its own model.
TARGETS = (ATTR_TEMPERATURE, ATTR_TARGET_TEMP_LOW, ATTR_TARGET_TEMP_HIGH)


@dataclass(frozen=True, kw_only=True, slots=True)
class SetpointStatus:
    """What the entities show for one learned setpoint of one thermostat."""

    prediction: Prediction | None
    next_change: Change | None
    samples: int
    mean_abs_error_c: float | None
    unavailable_reason: str | None


type CadenceData = dict[tuple[str, str], SetpointStatus]


class CadenceCoordinator(DataUpdateCoordinator[CadenceData]):
    """Learns from the configured thermostats and holds the current predictions."""

    config_entry: CadenceConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CadenceConfigEntry,
        store: CadenceStore,
        stored: dict[str, Any] | None,
    ) -> None:
        """Build learners for every configured thermostat, restoring stored state."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=REFRESH_INTERVAL,
            always_update=False,
        )
        self.home = Home(hass, entry)
        self.store = store
        self.learning = bool(entry.options.get(CONF_LEARNING, True))
        self.rejections: dict[str, Counter[str]] = {}
        self.learners: dict[str, dict[str, SetpointLearner]] = {}
        saved = _saved_thermostats(stored)
        for zone in self.home.zones:
            for entity_id in zone.climate:
                restored = saved.get(entity_id, {})
                self.learners[entity_id] = {
                    target: _restore(entity_id, target, restored.get(target))
                    for target in self._targets_of(entity_id, restored)
                }

    def _targets_of(self, entity_id: str, restored: dict[str, Any]) -> list[str]:
        """Return which setpoints of a thermostat to learn, from its features."""
        features: int | None = None
        if (state := self.hass.states.get(entity_id)) is not None:
            features = state.attributes.get(ATTR_SUPPORTED_FEATURES)
        elif (entry := er.async_get(self.hass).async_get(entity_id)) is not None:
            features = entry.supported_features
        targets = set(restored)
        if features is None or features & ClimateEntityFeature.TARGET_TEMPERATURE:
            targets.add(ATTR_TEMPERATURE)
        if (
            features is not None
            and features & ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
        ):
            targets.update((ATTR_TARGET_TEMP_LOW, ATTR_TARGET_TEMP_HIGH))
        return [target for target in TARGETS if target in targets]

    @callback
    def async_check_entities(self, hass: HomeAssistant | None = None) -> None:
        """Raise a repair issue for each configured thermostat that does not exist."""
        for zone in self.home.zones:
            for entity_id in zone.climate:
                async_update_missing_entity_issue(
                    self.hass,
                    entity_id,
                    zone.name,
                    missing=self.hass.states.get(entity_id) is None,
                )

    @callback
    def async_start(self) -> None:
        """Subscribe to the thermostats; released when the entry unloads."""
        self.config_entry.async_on_unload(
            async_track_state_change_event(
                self.hass, list(self.learners), self._async_on_thermostat_change
            )
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe, for the Store."""
        return {
            "thermostats": {
                entity_id: {
                    target: learner.to_dict() for target, learner in targets.items()
                }
                for entity_id, targets in self.learners.items()
            }
        }

    async def _async_update_data(self) -> CadenceData:
        """Credit setpoints held since the last tick and refresh every prediction."""
        now = dt_util.utcnow()
        if self.learning:
            learned = False
            for zone in self.home.zones:
                x = self.home.conditions(zone, now)
                for entity_id in zone.climate:
                    for learner in self.learners[entity_id].values():
                        learned |= learner.hold(x)
            if learned:
                self.store.async_delay_save(self.as_dict)
        return self._snapshot(now, self.learners)

    def _snapshot(
        self, now: datetime, entity_ids: Iterable[str], base: CadenceData | None = None
    ) -> CadenceData:
        """Return the statuses of the given thermostats, on top of base."""
        data = dict(base or {})
        for entity_id in entity_ids:
            zone = self.home.zone_of(entity_id)
            x = self.home.conditions(zone, now)
            reason = self._unavailable_reason(self.hass.states.get(entity_id))
            for target, learner in self.learners[entity_id].items():
                model = learner.model
                prediction = model.predict(x)
                data[(entity_id, target)] = SetpointStatus(
                    prediction=prediction,
                    next_change=model.next_change(x) if prediction else None,
                    samples=model.samples,
                    mean_abs_error_c=model.mean_abs_error_c,
                    unavailable_reason=reason
                    or (None if prediction else "nothing learned yet"),
                )
        return data

    @staticmethod
    def _unavailable_reason(state: State | None) -> str | None:
        """Say why predictions for a thermostat are not shown, None when they are."""
        if state is None:
            return "the thermostat does not exist"
        if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return f"the thermostat is {state.state}"
        return None

    @callback
    def _async_on_thermostat_change(self, event: Event[EventStateChangedData]) -> None:
        """Learn from one state change of a thermostat; microseconds of work."""
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        x = self.home.conditions(self.home.zone_of(entity_id), event.time_fired)
        learners = self.learners[entity_id]
        if new is None or event.data["old_state"] is None:
            async_update_missing_entity_issue(
                self.hass,
                entity_id,
                self.home.zone_of(entity_id).name,
                missing=new is None,
            )
        if (reason := self._rejection_of_state(new)) is not None:
            self._count(entity_id, reason)
            for learner in learners.values():
                learner.pause(x)
        elif self.learning and new is not None:
            old = event.data["old_state"]
            source = (
                # A setpoint found at start-up or on return was not seen being chosen.
                Source.UNKNOWN
                if old is None or old.state in (STATE_UNAVAILABLE, STATE_UNKNOWN)
                else source_of(new.context, self.home.own_contexts)
            )
            learned = False
            for target, learner in learners.items():
                learned |= self._learn_target(
                    entity_id, target, learner, old, new, x, source
                )
            if learned:
                self.store.async_delay_save(self.as_dict)
        self.async_set_updated_data(
            self._snapshot(event.time_fired, (entity_id,), self.data)
        )

    @staticmethod
    def _rejection_of_state(state: State | None) -> Rejection | None:
        """Return why a thermostat state carries no setpoint, None when it does."""
        if state is None:
            return Rejection.MISSING
        if state.state == STATE_UNAVAILABLE:
            return Rejection.UNAVAILABLE
        if state.state == STATE_UNKNOWN:
            return Rejection.UNKNOWN
        if state.state == HVACMode.OFF:
            return Rejection.OFF
        return None

    def _learn_target(
        self,
        entity_id: str,
        target: str,
        learner: SetpointLearner,
        old: State | None,
        new: State,
        x: Conditions,
        source: Source,
    ) -> bool:
        """Feed one setpoint attribute of a thermostat state to its learner."""
        raw = new.attributes.get(target)
        if (
            raw is None
            and target == ATTR_TEMPERATURE
            and ATTR_TARGET_TEMP_LOW in new.attributes
        ):
            # A range thermostat in heat_cool mode has no single setpoint now.
            learner.pause(x)
            return False
        try:
            setpoint_c = clean_setpoint(
                self.home.to_celsius(raw),
                min_c=self.home.attribute_c(new, ATTR_MIN_TEMP),
                max_c=self.home.attribute_c(new, ATTR_MAX_TEMP),
            )
        except RejectedValue as err:
            self._count(entity_id, err.reason)
            learner.pause(x)
            return False
        if (
            old is not None
            and old.attributes.get(target) == raw
            and old.state == new.state
        ):
            # Only another attribute moved (say the room temperature): the setpoint is held.
            return learner.hold(x)
        return learner.observe(x, setpoint_c, source)

    def _count(self, entity_id: str, reason: str) -> None:
        """Count a skipped observation for diagnostics."""
        self.rejections.setdefault(entity_id, Counter())[str(reason)] += 1

    def status(self, entity_id: str, target: str) -> SetpointStatus | None:
        """Return the current status of one learned setpoint."""
        return (self.data or {}).get((entity_id, target))


def _saved_thermostats(stored: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return the stored learners by thermostat, checking the layout."""
    saved = (stored or {}).get("thermostats", {})
    if not isinstance(saved, dict) or not all(
        isinstance(targets, dict) for targets in saved.values()
    ):
        raise UnreadableStoreError("thermostats: not an object of objects")
    return saved


def _restore(entity_id: str, target: str, data: Any) -> SetpointLearner:
    """Return a learner restored from stored data, or a new one when there is none."""
    if data is None:
        return SetpointLearner(SetpointModel())
    try:
        return SetpointLearner.from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise UnreadableStoreError(f"{entity_id} {target}: {err!r}") from err


__all__ = ["TARGETS", "CadenceCoordinator", "CadenceData", "SetpointStatus", "Zone"]
