"""Behaviours of the home's conditions pinned before the restructure (issue 8)."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cadence.const import DOMAIN

from .conftest import MOTION, THERMOSTAT, zone_subentry

WORKDAY = "binary_sensor.workday"


@pytest.fixture
async def workday_entry(
    hass: HomeAssistant, living_room: ar.AreaEntry
) -> MockConfigEntry:
    """Set up Cadence with a workday sensor and a sub-zero outdoor sensor."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={
            "learning": True,
            "outdoor_entity": "sensor.outdoor",
            "workday_entity": WORKDAY,
        },
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION])],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def test_planning_applies_the_workday_sensor_only_to_today(
    hass: HomeAssistant, workday_entry: MockConfigEntry
) -> None:
    """A holiday today is today's; another day counts by the calendar."""
    runtime = workday_entry.runtime_data
    zone = runtime.home.zones[0]
    hass.states.async_set(WORKDAY, "off")
    hass.states.async_set("sensor.outdoor", "-12", {"unit_of_measurement": "°C"})
    hass.states.async_set(MOTION, "on")
    now = dt_util.now().replace(hour=12, minute=0)  # today whatever the hour
    today = runtime.planning(zone, now)
    tomorrow = runtime.planning(zone, now + timedelta(days=1))
    assert today.workday is False
    assert tomorrow.workday is None
    assert today.outdoor_c == tomorrow.outdoor_c == pytest.approx(-12.0)
    assert today.minutes_since_motion is None  # occupancy now says nothing later
    # What is known about now itself does take the sensor and the motion.
    current = runtime.pipeline.conditions(zone, now, hass.states.get)
    assert current.workday is False
    assert current.minutes_since_motion == 0.0
    assert current.outdoor_c == pytest.approx(-12.0)
    hass.states.async_set(WORKDAY, "on")
    assert runtime.planning(zone, now).workday is True
    assert runtime.planning(zone, now + timedelta(days=1)).workday is None
