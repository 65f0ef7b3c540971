"""The home as Cadence sees it: zones, home-wide inputs, units and who changed what."""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.const import UnitOfTemperature
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er

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
from .engine import HomeLayout, Source, StateView, Zone, from_celsius, to_celsius

__all__ = ["Home", "StateView", "Zone", "source_of", "zone_from_subentry"]

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigSubentry

    from . import CadenceConfigEntry


def zone_from_subentry(subentry: ConfigSubentry) -> Zone:
    """Read a zone from its config subentry."""
    data = subentry.data
    return Zone(
        zone_id=subentry.subentry_id,
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
            zone_from_subentry(subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_ZONE
        ]
        self.outdoor_entity: str | None = entry.options.get(CONF_OUTDOOR_ENTITY)
        self.workday_entity: str | None = entry.options.get(CONF_WORKDAY_ENTITY)
        # Ids of contexts Cadence itself created, so that its own changes never teach.
        self.own_contexts: set[str] = set()

    @property
    def unit(self) -> UnitOfTemperature:
        """Return the unit thermostats report in (the home's unit system)."""
        return self._hass.config.units.temperature_unit

    def layout(self) -> HomeLayout:
        """Return the home as the engine sees it."""
        return HomeLayout(
            zones=tuple(self.zones),
            outdoor_entity=self.outdoor_entity,
            workday_entity=self.workday_entity,
            unit=self.unit,
            people=tuple(self._hass.states.async_entity_ids("person")),
        )

    def zone(self, zone_id: str) -> Zone:
        """Return a zone by its id (its subentry id)."""
        return next(zone for zone in self.zones if zone.zone_id == zone_id)

    def zone_of_thermostat(self, entity_id: str) -> Zone | None:
        """Return the zone a thermostat belongs to, None when none has it."""
        return next((z for z in self.zones if entity_id in z.climate), None)

    def facts(self, entity_id: str) -> Mapping[str, Any] | None:
        """Return what is known of an entity without waiting for a state change."""
        if (state := self._hass.states.get(entity_id)) is not None:
            return state.attributes
        if (entry := er.async_get(self._hass).async_get(entity_id)) is not None:
            # Capabilities hold what a state would (a light's supported colour modes).
            return {
                **(entry.capabilities or {}),
                "supported_features": entry.supported_features,
            }
        return None

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
