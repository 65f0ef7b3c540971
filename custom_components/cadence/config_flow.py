"""UI configuration: the home (one entry, with options) and its zones (subentries)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.selector import (
    AreaSelector,
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
)
import voluptuous as vol

if TYPE_CHECKING:
    from . import CadenceConfigEntry

from .const import (
    CONF_AREA,
    CONF_CLIMATE,
    CONF_LEARNING,
    CONF_LIGHTS,
    CONF_MOTION,
    CONF_OUTDOOR_ENTITY,
    CONF_POWER,
    CONF_WORKDAY_ENTITY,
    DOMAIN,
    SUBENTRY_ZONE,
    ZONE_ENTITY_KEYS,
)

MOTION_CLASSES = (
    BinarySensorDeviceClass.MOTION,
    BinarySensorDeviceClass.OCCUPANCY,
    BinarySensorDeviceClass.PRESENCE,
)
POWER_CLASSES = (SensorDeviceClass.POWER, SensorDeviceClass.ENERGY)
# Which entities of an area a new zone starts with: (domain, device classes or None).
ZONE_KINDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    CONF_CLIMATE: ("climate", None),
    CONF_LIGHTS: ("light", None),
    CONF_MOTION: ("binary_sensor", MOTION_CLASSES),
    CONF_POWER: ("sensor", POWER_CLASSES),
}


def _home_schema(options: dict[str, Any]) -> vol.Schema:
    """Return the form of the home-wide options, filled with the current ones."""
    return vol.Schema(
        {
            vol.Optional(
                CONF_OUTDOOR_ENTITY,
                description={"suggested_value": options.get(CONF_OUTDOOR_ENTITY)},
            ): EntitySelector(
                EntitySelectorConfig(
                    filter=[
                        {
                            "domain": "sensor",
                            "device_class": SensorDeviceClass.TEMPERATURE,
                        },
                        {"domain": "weather"},
                    ]
                )
            ),
            vol.Optional(
                CONF_WORKDAY_ENTITY,
                description={"suggested_value": options.get(CONF_WORKDAY_ENTITY)},
            ): EntitySelector(EntitySelectorConfig(domain="binary_sensor")),
            vol.Required(
                CONF_LEARNING, default=options.get(CONF_LEARNING, True)
            ): BooleanSelector(),
        }
    )


class CadenceConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Cadence for the home."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: CadenceConfigEntry) -> CadenceOptionsFlow:
        """Return the flow that edits the home-wide options."""
        return CadenceOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: CadenceConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the kinds of subentry: zones."""
        return {SUBENTRY_ZONE: ZoneSubentryFlow}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the home-wide inputs and create the home."""
        if user_input is not None:
            return self.async_create_entry(title="Cadence", data={}, options=user_input)
        return self.async_show_form(step_id="user", data_schema=_home_schema({}))


class CadenceOptionsFlow(OptionsFlow):
    """Edit the home-wide options."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the home-wide options."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init", data_schema=_home_schema(dict(self.config_entry.options))
        )


class ZoneSubentryFlow(ConfigSubentryFlow):
    """Add or edit a zone: one area and the entities to learn from in it."""

    _area_id: str
    # A reconfiguration waiting for the person to confirm what it makes Cadence
    # forget: the zone's new entities, and the learned thermostats it leaves out.
    _pending: dict[str, list[str]]
    _forgotten: list[str]

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Pick the area the zone covers."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            area_id: str = user_input[CONF_AREA]
            zone = next(
                (
                    subentry
                    for subentry in self._get_entry().subentries.values()
                    if subentry.unique_id == area_id
                ),
                None,
            )
            if zone is None:
                self._area_id = area_id
                return await self.async_step_entities()
            # Not a dead end: the form stays, to choose another area.
            errors[CONF_AREA] = "area_in_use"
            placeholders["zone"] = zone.title
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema({vol.Required(CONF_AREA): AreaSelector()}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_entities(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Choose the zone's entities, starting from the area's own."""
        errors: dict[str, str] = {}
        area = ar.async_get(self.hass).async_get_area(self._area_id)
        if user_input is not None:
            errors = _zone_errors(user_input)
            if not errors:
                return self.async_create_entry(
                    title=area.name if area else self._area_id,
                    data={CONF_AREA: self._area_id, **_entities(user_input)},
                    unique_id=self._area_id,
                )
        used = used_thermostats(self._get_entry(), None)
        found = _area_entities(self.hass, self._area_id)
        # Another zone's thermostat is neither suggested nor counted.
        found[CONF_CLIMATE] = [e for e in found[CONF_CLIMATE] if e not in used]
        return self.async_show_form(
            step_id="entities",
            data_schema=self.add_suggested_values_to_schema(
                _zone_schema(used), user_input or found
            ),
            errors=errors,
            description_placeholders={
                "area": area.name if area else self._area_id,
                "found": str(sum(len(entities) for entities in found.values())),
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change which entities of the zone Cadence learns from."""
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _zone_errors(user_input)
            if not errors:
                self._pending = _entities(user_input)
                kept = self._pending[CONF_CLIMATE]
                self._forgotten = [
                    thermostat
                    for thermostat in subentry.data.get(CONF_CLIMATE, [])
                    if thermostat not in kept
                    and _has_learned(self._get_entry(), thermostat)
                ]
                if self._forgotten:
                    return await self.async_step_forget()
                return self.async_update_and_abort(
                    self._get_entry(), subentry, data_updates=self._pending
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _zone_schema(used_thermostats(self._get_entry(), subentry.subentry_id)),
                user_input or dict(subentry.data),
            ),
            errors=errors,
        )

    async def async_step_forget(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Say which learned thermostats leaving the zone Cadence forgets; confirm."""
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            return self.async_update_and_abort(
                self._get_entry(), subentry, data_updates=self._pending
            )
        # Only a loaded entry has learned anything, so its home is there to ask.
        home = self._get_entry().runtime_data.home
        return self.async_show_form(
            step_id="forget",
            data_schema=vol.Schema({}),
            description_placeholders={
                "zone": subentry.title,
                "thermostats": ", ".join(map(home.friendly_name, self._forgotten)),
            },
        )


def _has_learned(entry: CadenceConfigEntry, thermostat: str) -> bool:
    """Return whether a thermostat of the loaded entry has learned any setpoint."""
    if entry.state is not ConfigEntryState.LOADED:
        return False
    channel = entry.runtime_data.thermostat(thermostat)
    return channel is not None and any(
        learner.model.samples > 0 for learner in channel.learners.values()
    )


def _zone_schema(used: list[str]) -> vol.Schema:
    """Return the form listing a zone's entities by kind.

    Thermostats already in another zone (`used`) are not offered.
    """
    fields: dict[vol.Marker, Any] = {}
    for key, (domain, classes) in ZONE_KINDS.items():
        config = EntitySelectorConfig(domain=domain, multiple=True)
        if classes:
            config = EntitySelectorConfig(
                filter=[{"domain": domain, "device_class": list(classes)}],
                multiple=True,
            )
        if key == CONF_CLIMATE and used:
            config["exclude_entities"] = used
        fields[vol.Optional(key)] = EntitySelector(config)
    return vol.Schema(fields)


def used_thermostats(
    entry: CadenceConfigEntry, own_subentry_id: str | None
) -> list[str]:
    """Return the thermostats of every zone but the one being edited."""
    return [
        thermostat
        for subentry in entry.subentries.values()
        if subentry.subentry_id != own_subentry_id
        for thermostat in subentry.data.get(CONF_CLIMATE, [])
    ]


def _entities(user_input: dict[str, Any]) -> dict[str, list[str]]:
    """Return every kind of zone entity, empty lists for kinds not chosen."""
    return {key: list(user_input.get(key, [])) for key in ZONE_ENTITY_KEYS}


def _zone_errors(user_input: dict[str, Any]) -> dict[str, str]:
    """Return the form's errors, empty when it is fine.

    A zone needs at least one entity. A thermostat belongs to one zone only (what
    it learns is one schedule, told apart by the zone's own motion and occupancy):
    the form does not offer, and its schema refuses, another zone's thermostats.
    """
    if not any(_entities(user_input).values()):
        return {"base": "no_entities"}
    return {}


def _area_entities(hass: HomeAssistant, area_id: str) -> dict[str, list[str]]:
    """Return the entities of an area, by zone kind, to prefill a new zone."""
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    in_area = {
        entry.entity_id: entry for entry in er.async_entries_for_area(entities, area_id)
    }
    for device in dr.async_entries_for_area(devices, area_id):
        for entry in er.async_entries_for_device(entities, device.id):
            if entry.area_id in (None, area_id):
                in_area[entry.entity_id] = entry
    found: dict[str, list[str]] = {key: [] for key in ZONE_ENTITY_KEYS}
    for entity_id, entry in sorted(in_area.items()):
        if entry.disabled:
            continue
        device_class = entry.device_class or entry.original_device_class
        for key, (domain, classes) in ZONE_KINDS.items():
            if entry.domain == domain and (classes is None or device_class in classes):
                found[key].append(entity_id)
    return found
