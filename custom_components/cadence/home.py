"""The home as Cadence sees it: zones, home-wide inputs, units and who changed what."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.components.weather.const import ATTR_WEATHER_TEMPERATURE_UNIT
from homeassistant.const import (
    ATTR_TEMPERATURE,
    ATTR_UNIT_OF_MEASUREMENT,
    UnitOfTemperature,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .const import (
    CONF_AREA,
    CONF_CLIMATE,
    CONF_LIGHTS,
    CONF_MOTION,
    CONF_OUTDOOR_ENTITY,
    CONF_POWER,
    CONF_WORKDAY_ENTITY,
    SUBENTRY_ZONE,
)
from .engine import (
    Conditions,
    Source,
    from_celsius,
    minutes_since_motion,
    outdoor_c,
    to_celsius,
    workday,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry

    from . import CadenceConfigEntry


class StateView(Protocol):
    """What Cadence reads of an entity's state: now, or as it was at a past moment."""

    @property
    def domain(self) -> str:
        """Return the entity's domain."""
        ...

    @property
    def state(self) -> str:
        """Return the state."""
        ...

    @property
    def attributes(self) -> Mapping[str, Any]:
        """Return the attributes."""
        ...

    @property
    def last_changed(self) -> datetime:
        """Return when the state began."""
        ...


# Looks up the state of an entity: Home Assistant's now, or the history's at a moment.
type StateLookup = Callable[[str], StateView | None]


@dataclass(frozen=True, kw_only=True, slots=True)
class Zone:
    """One area of the home and the entities Cadence learns from in it."""

    subentry_id: str
    name: str
    area_id: str | None
    climate: tuple[str, ...]
    lights: tuple[str, ...]
    motion: tuple[str, ...]
    power: tuple[str, ...]

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> Zone:
        """Read a zone from its config subentry."""
        data = subentry.data
        return cls(
            subentry_id=subentry.subentry_id,
            name=subentry.title,
            area_id=data.get(CONF_AREA),
            climate=tuple(data.get(CONF_CLIMATE, ())),
            lights=tuple(data.get(CONF_LIGHTS, ())),
            motion=tuple(data.get(CONF_MOTION, ())),
            power=tuple(data.get(CONF_POWER, ())),
        )


def source_of(context: Context, own_contexts: Container[str]) -> Source:
    """Say who caused a state change, from its context.

    Cadence's own changes and anything an automation or script did (a parent
    context) must not teach; a user id means a person in the UI or the API; no user
    and no parent means the device itself (its knob, or its own app).
    """
    if context.id in own_contexts or (
        context.parent_id is not None and context.parent_id in own_contexts
    ):
        return Source.CADENCE
    if context.parent_id is not None:
        return Source.AUTOMATION
    if context.user_id is not None:
        return Source.PERSON
    return Source.DEVICE


class Home:
    """Reads the home-wide inputs and zones of one Cadence entry."""

    def __init__(self, hass: HomeAssistant, entry: CadenceConfigEntry) -> None:
        """Read the zones and options of the entry."""
        self._hass = hass
        self.zones = [
            Zone.from_subentry(subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_ZONE
        ]
        self._zone_of = {
            entity_id: zone for zone in self.zones for entity_id in zone.climate
        }
        self.outdoor_entity: str | None = entry.options.get(CONF_OUTDOOR_ENTITY)
        self.workday_entity: str | None = entry.options.get(CONF_WORKDAY_ENTITY)
        # Ids of contexts Cadence itself created, so that its own changes never teach.
        self.own_contexts: set[str] = set()

    @property
    def unit(self) -> UnitOfTemperature:
        """Return the unit thermostats report in (the home's unit system)."""
        return self._hass.config.units.temperature_unit

    def zone_of(self, entity_id: str) -> Zone:
        """Return the zone a thermostat belongs to."""
        return self._zone_of[entity_id]

    def friendly_name(self, entity_id: str) -> str:
        """Return the name a person knows an entity by."""
        if (state := self._hass.states.get(entity_id)) is not None:
            return state.name
        if (entry := er.async_get(self._hass).async_get(entity_id)) is not None:
            return entry.name or entry.original_name or entity_id
        return entity_id

    def to_celsius(self, raw: object) -> object:
        """Convert a temperature in the home's unit to °C; non-numbers as they are."""
        return to_celsius(raw, self.unit)

    def from_celsius(self, value_c: float) -> float:
        """Convert an engine temperature to the home's unit."""
        return from_celsius(value_c, self.unit)

    def conditions(
        self, zone: Zone, when: datetime, states: StateLookup | None = None
    ) -> Conditions:
        """Return what is known about the home at a moment, for the engine.

        `states` gives the entities' states at that moment: Home Assistant's current
        ones by default, the recorded ones when learning from history.
        """
        lookup = states or self._hass.states.get
        motions = [
            (state.state, state.last_changed)
            for entity_id in zone.motion
            if (state := lookup(entity_id)) is not None
        ]
        return Conditions(
            when=dt_util.as_local(when),
            workday=self._workday(lookup),
            outdoor_c=self._outdoor_c(lookup),
            minutes_since_motion=minutes_since_motion(motions, when),
        )

    def conditions_at(self, zone: Zone, when: datetime) -> Conditions:
        """Return what can be assumed about another moment, for planning.

        The outdoor temperature now stands in for later; the workday sensor speaks only
        of today, and occupancy now says nothing about another time.
        """
        local = dt_util.as_local(when)
        today = dt_util.now().date() == local.date()
        return Conditions(
            when=local,
            workday=self._workday(self._hass.states.get) if today else None,
            outdoor_c=self._outdoor_c(self._hass.states.get),
            minutes_since_motion=None,
        )

    def _workday(self, lookup: StateLookup) -> bool | None:
        """Return whether today is a workday, None when not known."""
        if self.workday_entity is None:
            return None
        state = lookup(self.workday_entity)
        return workday(state.state if state else None)

    def _outdoor_c(self, lookup: StateLookup) -> float | None:
        """Return the outdoor temperature in °C, None when unknown or absurd."""
        if self.outdoor_entity is None:
            return None
        state = lookup(self.outdoor_entity)
        if state is None:
            return None
        if state.domain == "weather":
            return outdoor_c(
                state.attributes.get(ATTR_TEMPERATURE),
                state.attributes.get(ATTR_WEATHER_TEMPERATURE_UNIT),
            )
        return outdoor_c(state.state, state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))
