"""Tests for the home's config flow, its options and the zone subentry flow."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cadence.const import (
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
)

from .conftest import THERMOSTAT

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


async def test_user_flow_creates_the_home(hass: HomeAssistant) -> None:
    """The first step asks for the home-wide inputs and creates one entry."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_OUTDOOR_ENTITY: "sensor.outdoor_temperature",
            CONF_WORKDAY_ENTITY: "binary_sensor.workday",
            CONF_LEARNING: True,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Cadence"
    assert result["data"] == {}
    assert result["options"] == {
        CONF_OUTDOOR_ENTITY: "sensor.outdoor_temperature",
        CONF_WORKDAY_ENTITY: "binary_sensor.workday",
        CONF_LEARNING: True,
    }


async def test_only_one_home(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A second Cadence entry is refused: there is one home."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_options_flow_changes_home_inputs(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The options flow shows the current options and saves new ones."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_WORKDAY_ENTITY: "binary_sensor.workday", CONF_LEARNING: False},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_WORKDAY_ENTITY: "binary_sensor.workday",
        CONF_LEARNING: False,
    }


@pytest.fixture
def kitchen(hass: HomeAssistant) -> ar.AreaEntry:
    """Return a kitchen whose entities live partly on a device, partly directly."""
    area = ar.async_get(hass).async_create("Kitchen")
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    config_entry = MockConfigEntry(domain="test")
    config_entry.add_to_hass(hass)
    device = devices.async_get_or_create(
        config_entry_id=config_entry.entry_id, identifiers={("test", "hub")}
    )
    devices.async_update_device(device.id, area_id=area.id)

    def add(domain: str, object_id: str, **kwargs: Any) -> str:
        return entities.async_get_or_create(
            domain, "test", object_id, suggested_object_id=object_id, **kwargs
        ).entity_id

    add("climate", "kitchen", device_id=device.id)
    add("light", "kitchen_ceiling", device_id=device.id)
    add(
        "binary_sensor",
        "kitchen_motion",
        original_device_class="motion",
        device_id=device.id,
    )
    add(
        "binary_sensor",
        "kitchen_window",
        original_device_class="window",
        device_id=device.id,
    )
    power = add("sensor", "kitchen_oven_power", original_device_class="power")
    entities.async_update_entity(power, area_id=area.id)
    moved = add("light", "elsewhere", device_id=device.id)
    entities.async_update_entity(
        moved, area_id=ar.async_get(hass).async_create("Hall").id
    )
    disabled = add("light", "kitchen_disabled")
    entities.async_update_entity(
        disabled, area_id=area.id, disabled_by=er.RegistryEntryDisabler.USER
    )
    return area


async def _start_zone_flow(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_ZONE), context={"source": SOURCE_USER}
    )


async def test_zone_flow_prefills_the_areas_entities(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, kitchen: ar.AreaEntry
) -> None:
    """A new zone starts with the area's thermostats, lights, motion and power."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_zone_flow(hass, mock_config_entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: kitchen.id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "entities"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
    }
    assert suggested == {
        CONF_CLIMATE: ["climate.kitchen"],
        CONF_LIGHTS: ["light.kitchen_ceiling"],
        CONF_MOTION: ["binary_sensor.kitchen_motion"],
        CONF_POWER: ["sensor.kitchen_oven_power"],
    }

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CLIMATE: ["climate.kitchen"], CONF_MOTION: []}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    zone = next(
        subentry
        for subentry in mock_config_entry.subentries.values()
        if subentry.unique_id == kitchen.id
    )
    assert dict(zone.data) == {
        CONF_AREA: kitchen.id,
        CONF_CLIMATE: ["climate.kitchen"],
        CONF_LIGHTS: [],
        CONF_MOTION: [],
        CONF_POWER: [],
    }


async def test_zone_needs_at_least_one_entity(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, kitchen: ar.AreaEntry
) -> None:
    """An empty zone is refused with an error, and the form can be corrected."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_zone_flow(hass, mock_config_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: kitchen.id}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CLIMATE: [], CONF_LIGHTS: []}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_entities"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_LIGHTS: ["light.kitchen_ceiling"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_zone_flow_without_area_name_uses_area_id(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """An area removed while the flow runs still yields a zone, titled by its id."""
    mock_config_entry.add_to_hass(hass)
    area = ar.async_get(hass).async_create("Attic")
    result = await _start_zone_flow(hass, mock_config_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: area.id}
    )
    ar.async_get(hass).async_delete(area.id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_LIGHTS: ["light.attic"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == area.id


async def test_one_zone_per_area(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, living_room: ar.AreaEntry
) -> None:
    """An area that already has a zone says so, and another area can be chosen."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_zone_flow(hass, mock_config_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: living_room.id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_AREA: "area_in_use"}
    zone = next(iter(mock_config_entry.subentries.values()))
    assert result["description_placeholders"] == {"zone": zone.title}
    attic = ar.async_get(hass).async_create("Attic")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: attic.id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "entities"
    # Nothing in the attic: the form says how many it found, and where.
    assert result["description_placeholders"] == {"area": "Attic", "found": "0"}
    # The living room's thermostat is not offered to a second zone.
    assert _excluded(result) == [THERMOSTAT]


async def test_zone_reconfigure_changes_entities(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, living_room: ar.AreaEntry
) -> None:
    """Reconfiguring a zone shows its entities and saves the new choice."""
    subentry_id, result = await _start_reconfigure(hass, mock_config_entry)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
    }
    assert suggested[CONF_CLIMATE] == [THERMOSTAT]

    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_entities"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CLIMATE: [THERMOSTAT, "climate.bedroom"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    zone = mock_config_entry.subentries[subentry_id]
    assert zone.data[CONF_CLIMATE] == [THERMOSTAT, "climate.bedroom"]
    assert zone.data[CONF_AREA] == living_room.id
    assert zone.data[CONF_MOTION] == []


async def test_a_thermostat_belongs_to_one_zone(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, kitchen: ar.AreaEntry
) -> None:
    """Another zone's thermostat is neither offered nor taken, adding or editing."""
    mock_config_entry.add_to_hass(hass)
    living_room_id = next(iter(mock_config_entry.subentries))
    result = await _start_zone_flow(hass, mock_config_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_AREA: kitchen.id}
    )
    assert _excluded(result) == [THERMOSTAT]
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_CLIMATE: ["climate.kitchen", THERMOSTAT]}
        )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CLIMATE: ["climate.kitchen"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY

    # Editing the living room: its own thermostat stays, the kitchen's is refused.
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_ZONE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": living_room_id},
    )
    assert _excluded(result) == ["climate.kitchen"]
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_CLIMATE: [THERMOSTAT, "climate.kitchen"]}
        )
    assert mock_config_entry.subentries[living_room_id].data[CONF_CLIMATE] == [
        THERMOSTAT
    ]


def _excluded(result: Any) -> list[str] | None:
    """Return the thermostats a zone form does not offer."""
    schema = result["data_schema"].schema
    key = next(key for key in schema if str(key) == CONF_CLIMATE)
    excluded: list[str] | None = schema[key].config.get("exclude_entities")
    return excluded


async def test_a_zone_of_an_entry_not_loaded_changes_without_asking(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """With Cadence not running there is nothing learned to lose: saved at once."""
    subentry_id, result = await _start_reconfigure(hass, mock_config_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_CLIMATE: ["climate.bedroom"]}
    )
    assert result["type"] is FlowResultType.ABORT
    assert mock_config_entry.subentries[subentry_id].data[CONF_CLIMATE] == [
        "climate.bedroom"
    ]


async def _start_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry
) -> tuple[str, Any]:
    """Add the entry and open its living-room zone's reconfigure form."""
    entry.add_to_hass(hass)
    subentry_id = next(iter(entry.subentries))
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_ZONE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    return subentry_id, result
