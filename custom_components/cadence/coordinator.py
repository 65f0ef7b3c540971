"""The coordinator: feeds what the home does to the engine and pushes predictions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
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
from .engine import Change, Prediction, Reading, Source, ThermostatFeed, targets_for
from .home import Home, source_of
from .repairs import async_update_missing_entity_issue
from .store import CadenceStore, UnreadableStoreError

if TYPE_CHECKING:
    from . import CadenceConfigEntry

REFRESH_INTERVAL = timedelta(minutes=5)


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
        """Build a feed for every configured thermostat, restoring stored state.

        Raises UnreadableStoreError when the stored state cannot be used.
        """
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
        saved = _saved_thermostats(stored)
        self.thermostats: dict[str, ThermostatFeed] = {}
        for zone in self.home.zones:
            for entity_id in zone.climate:
                try:
                    self.thermostats[entity_id] = ThermostatFeed.from_dict(
                        saved.get(entity_id, {}), self._targets_of(entity_id)
                    )
                except (ValueError, KeyError, TypeError, AttributeError) as err:
                    raise UnreadableStoreError(f"{entity_id}: {err!r}") from err

    def _targets_of(self, entity_id: str) -> list[str]:
        """Return which setpoints of a thermostat to learn, from its features."""
        features: int | None = None
        if (state := self.hass.states.get(entity_id)) is not None:
            features = state.attributes.get(ATTR_SUPPORTED_FEATURES)
        elif (entry := er.async_get(self.hass).async_get(entity_id)) is not None:
            features = entry.supported_features
        return targets_for(features)

    @callback
    def async_start(self) -> None:
        """Subscribe to the thermostats; released when the entry unloads."""
        self.config_entry.async_on_unload(
            async_track_state_change_event(
                self.hass, list(self.thermostats), self._async_on_thermostat_change
            )
        )

    @callback
    def async_check_entities(self, hass: HomeAssistant | None = None) -> None:
        """Raise a repair issue for each configured thermostat that does not exist."""
        for entity_id in self.thermostats:
            async_update_missing_entity_issue(
                self.hass,
                entity_id,
                self.home.zone_of(entity_id).name,
                missing=self.hass.states.get(entity_id) is None,
            )

    def as_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe, for the Store."""
        return {
            "thermostats": {
                entity_id: feed.to_dict()
                for entity_id, feed in self.thermostats.items()
            }
        }

    async def _async_update_data(self) -> CadenceData:
        """Credit setpoints held since the last tick and refresh every prediction."""
        now = dt_util.utcnow()
        if self.learning:
            learned = False
            for entity_id, feed in self.thermostats.items():
                learned |= feed.hold(
                    self.home.conditions(self.home.zone_of(entity_id), now)
                )
            if learned:
                self.store.async_delay_save(self.as_dict)
        return self._snapshot(now, self.thermostats)

    def _snapshot(
        self, now: datetime, entity_ids: Iterable[str], base: CadenceData | None = None
    ) -> CadenceData:
        """Return the statuses of the given thermostats, on top of base."""
        data = dict(base or {})
        for entity_id in entity_ids:
            x = self.home.conditions(self.home.zone_of(entity_id), now)
            reason = _unavailable_reason(self.hass.states.get(entity_id))
            for target, learner in self.thermostats[entity_id].learners.items():
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

    @callback
    def _async_on_thermostat_change(self, event: Event[EventStateChangedData]) -> None:
        """Learn from one state change of a thermostat; microseconds of work."""
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        old = event.data["old_state"]
        if new is None or old is None:
            async_update_missing_entity_issue(
                self.hass,
                entity_id,
                self.home.zone_of(entity_id).name,
                missing=new is None,
            )
        if self.learning:
            source = (
                Source.UNKNOWN
                if new is None
                else source_of(new.context, self.home.own_contexts)
            )
            result = self.thermostats[entity_id].update(
                self.home.conditions(self.home.zone_of(entity_id), event.time_fired),
                _reading(new),
                _reading(old),
                source,
                self.home.unit,
            )
            for reason in result.skipped:
                self.rejections.setdefault(entity_id, Counter())[reason] += 1
            if result.learned:
                self.store.async_delay_save(self.as_dict)
        self.async_set_updated_data(
            self._snapshot(event.time_fired, (entity_id,), self.data)
        )

    def status(self, entity_id: str, target: str) -> SetpointStatus | None:
        """Return the current status of one learned setpoint."""
        return (self.data or {}).get((entity_id, target))


def _reading(state: State | None) -> Reading | None:
    """Return what the engine needs of a state."""
    return None if state is None else Reading(state.state, state.attributes)


def _unavailable_reason(state: State | None) -> str | None:
    """Say why predictions for a thermostat are not shown, None when they are."""
    if state is None:
        return "the thermostat does not exist"
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return f"the thermostat is {state.state}"
    return None


def _saved_thermostats(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Return the stored feeds by thermostat, checking the layout."""
    saved = (stored or {}).get("thermostats", {})
    if not isinstance(saved, dict):
        raise UnreadableStoreError("thermostats: not an object")
    return saved
