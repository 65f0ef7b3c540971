"""Fixtures for Cadence's Home Assistant tests."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

import custom_components.cadence  # noqa: F401  # ours must be the custom_components package
from custom_components.cadence.const import (
    CONF_AREA,
    CONF_CLIMATE,
    CONF_LEARNING,
    CONF_LIGHTS,
    CONF_MOTION,
    CONF_POWER,
    DOMAIN,
    SUBENTRY_ZONE,
)
from custom_components.cadence.store import STORAGE_VERSION

# The harness's logging.basicConfig handler writes to the real stderr; pytest's own
# capture keeps every record for failure reports.
logging.getLogger().handlers = [
    handler
    for handler in logging.getLogger().handlers
    if type(handler) is not logging.StreamHandler
]
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

THERMOSTAT = "climate.living_room"
MOTION = "binary_sensor.living_room_motion"
# The Store key of the test entry, `mock_config_entry`.
STORAGE_KEY = f"{DOMAIN}.01CADENCEENTRY"
# A member of the household, as Home Assistant knows people: a user id.
PERSON = Context(user_id="8a1c2b7e4f0d4c3b9e6a5d2f1c0b9a87")


@pytest.fixture(autouse=True)
def auto_enable(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """Run every Home Assistant test with a real recorder and custom integrations."""


@pytest.fixture(autouse=True)
async def finish_learning_from_history(
    recorder_mock: Any, hass: HomeAssistant
) -> AsyncGenerator[None]:
    """Let a run of learning from history end before the recorder is shut down."""
    yield
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture(autouse=True)
async def home_time_zone(hass: HomeAssistant) -> None:
    """Put the test home in Berlin, which changes clocks for summer time."""
    await hass.config.async_set_time_zone("Europe/Berlin")


@pytest.fixture
async def living_room(hass: HomeAssistant) -> ar.AreaEntry:
    """Return the living room area."""
    return ar.async_get(hass).async_create("Living room")


@pytest.fixture
async def thermostat(hass: HomeAssistant) -> str:
    """Set up a real thermostat (generic_thermostat) that a person can change."""
    MockUser(id=PERSON.user_id, name="Alex", is_owner=True).add_to_hass(hass)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"heater": {"name": "Heater"}}}
    )
    hass.states.async_set("sensor.living_room_temperature", "19.5")
    assert await async_setup_component(
        hass,
        "climate",
        {
            "climate": {
                "platform": "generic_thermostat",
                "name": "Living room",
                "unique_id": "living_room_thermostat",
                "heater": "input_boolean.heater",
                "target_sensor": "sensor.living_room_temperature",
                "initial_hvac_mode": "heat",
                "min_temp": 7,
                "max_temp": 30,
                "target_temp": 20,
            }
        },
    )
    await hass.async_block_till_done()
    hass.states.async_set(MOTION, "off", {"device_class": "motion"})
    return THERMOSTAT


def zone_subentry(
    area_id: str,
    climate: list[str],
    title: str = "Living room",
    subentry_id: str = "01ZONELIVING",
    **more: list[str],
) -> ConfigSubentryDataWithId:
    """Return the data of a zone subentry."""
    return ConfigSubentryDataWithId(
        subentry_id=subentry_id,
        data={
            CONF_AREA: area_id,
            CONF_CLIMATE: climate,
            CONF_LIGHTS: more.get("lights", []),
            CONF_MOTION: more.get("motion", []),
            CONF_POWER: more.get("power", []),
        },
        subentry_type=SUBENTRY_ZONE,
        title=title,
        unique_id=area_id,
    )


@pytest.fixture
def mock_config_entry(living_room: ar.AreaEntry) -> MockConfigEntry:
    """Return a Cadence entry with a living-room zone holding one thermostat."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        data={},
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION])],
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, thermostat: str, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up Cadence with one zone and a real thermostat."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    # Includes the first learning from history, which runs in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    return mock_config_entry


@pytest.fixture
def mock_setup_entry() -> Generator[Any]:
    """Keep config-flow tests from setting the entry up."""
    with patch(
        "custom_components.cadence.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


def stored_file(
    data: Any, minor_version: int, version: int = STORAGE_VERSION
) -> dict[str, Any]:
    """Return the test entry's Store file as a Cadence of that version wrote it."""
    return {
        "version": version,
        "minor_version": minor_version,
        "key": STORAGE_KEY,
        "data": data,
    }


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable the entities that start disabled (as core's tests do)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield
