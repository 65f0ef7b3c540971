"""Tests for how Cadence reads the home: who changed what, units and names."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cadence.const import DOMAIN
from custom_components.cadence.engine import Conditions, Source, Zone
from custom_components.cadence.home import source_of

from .conftest import MOTION, THERMOSTAT, zone_subentry


@pytest.mark.parametrize(
    ("context", "source"),
    [
        (Context(user_id="person"), Source.PERSON),
        (Context(), Source.DEVICE),
        (Context(parent_id="automation-run"), Source.AUTOMATION),
        (Context(user_id="person", parent_id="script-run"), Source.AUTOMATION),
        (Context(id="cadence-own"), Source.CADENCE),
        (Context(parent_id="cadence-own"), Source.CADENCE),
    ],
    ids=["person", "device", "automation", "script_run_by_person", "own", "own_child"],
)
def test_source_of_a_change_comes_from_its_context(
    context: Context, source: Source
) -> None:
    """Parents (automations, scripts) win over users; Cadence's own contexts win over all."""
    assert source_of(context, {"cadence-own"}) is source


@pytest.fixture
async def home_entry(hass: HomeAssistant, living_room: object) -> MockConfigEntry:
    """Set up Cadence in a °F home with an outdoor sensor and a missing motion sensor."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={"learning": True, "outdoor_entity": "sensor.outdoor"},
        subentries_data=[
            zone_subentry(
                living_room.id,  # type: ignore[attr-defined]
                [THERMOSTAT],
                motion=[MOTION, "binary_sensor.gone"],
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def test_outdoor_sensor_and_motion_in_a_fahrenheit_home(
    hass: HomeAssistant, home_entry: MockConfigEntry
) -> None:
    """A °F outdoor sensor is read in °C; missing or broken inputs are unknown."""
    home = home_entry.runtime_data.home
    zone = home.zones[0]

    def conditions(zone: Zone, when: datetime) -> Conditions:
        return home_entry.runtime_data.pipeline.conditions(zone, when, hass.states.get)

    now = dt_util.utcnow()
    assert conditions(zone, now).outdoor_c is None  # no such entity yet

    hass.states.async_set("sensor.outdoor", "41", {"unit_of_measurement": "°F"})
    hass.states.async_set(MOTION, "off")
    x = conditions(zone, now + timedelta(minutes=10))
    assert x.outdoor_c == pytest.approx(5.0)
    assert x.minutes_since_motion == pytest.approx(10.0, abs=0.1)

    hass.states.async_set("sensor.outdoor", "n/a", {"unit_of_measurement": "°F"})
    hass.states.async_set(MOTION, "unavailable")
    x = conditions(zone, now)
    assert x.outdoor_c is None
    assert x.minutes_since_motion is None


async def test_temperatures_convert_only_numbers(
    hass: HomeAssistant, home_entry: MockConfigEntry
) -> None:
    """Numbers (even as text) convert from °F; anything else is left for the engine."""
    home = home_entry.runtime_data.home
    assert home.to_celsius("212") == pytest.approx(100.0)
    assert home.to_celsius("warm") == "warm"
    assert home.to_celsius(None) is None
    assert home.to_celsius(True) is True
    assert home.from_celsius(100.0) == pytest.approx(212.0)


async def test_friendly_names_fall_back_to_the_registry(
    hass: HomeAssistant,
    home_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A thermostat that is not loaded is named from the registry, else by its id."""
    home = home_entry.runtime_data.home
    entity_registry.async_get_or_create(
        "climate", "test", "hall", suggested_object_id="hall", original_name="Hall"
    )
    assert home.friendly_name("climate.hall") == "Hall"
    assert home.friendly_name("climate.nowhere") == "climate.nowhere"
