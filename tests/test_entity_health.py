"""Tests for the health of thermostats, lights and motion sensors, through Home Assistant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import DOMAIN
from custom_components.cadence.engine import EntityHealth, Reading
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import MOTION, STORAGE_KEY, stored_file

# The sensor_health entities start disabled; these tests read them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

NOW = "2026-11-20 12:02:00+01:00"
MOTION_HEALTH = "sensor.living_room_motion_health"
THERMOSTAT_HEALTH = "sensor.living_room_living_room_health"
MOVING = {"device_class": "motion"}


def moving_hourly(days: int = 8) -> dict[str, Any]:
    """Return a motion sensor's health after days of ten minutes' motion an hour."""
    health = EntityHealth("motion")
    start = dt_util.now() - timedelta(days=days)
    for i in range(days * 288):
        when = start + timedelta(minutes=5 * i)
        health.update(when, Reading("on" if i % 12 < 2 else "off", MOVING))
        health.tick(when)
    return health.to_dict()


async def _hold(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: float, state: str
) -> None:
    """Move on in five-minute steps with the motion sensor in state.

    A state held sends no further event, as a stuck sensor does.
    """
    for _ in range(int(hours * 12)):
        freezer.tick(timedelta(minutes=5))
        hass.states.async_set(MOTION, state, MOVING)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


@pytest.mark.freeze_time(NOW)
async def test_a_motion_sensor_stuck_on_is_named_hidden_and_forgiven(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """On for hours where it never is: stuck, not learned, named after a day.

    Off again, it is ok and the repair issue goes.
    """
    hass_storage[STORAGE_KEY] = stored_file(
        {"health": {MOTION: moving_hourly()}}, minor_version=STORAGE_MINOR_VERSION
    )
    hass.states.async_set(MOTION, "off", MOVING)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    registry = er.async_get(hass)
    for entity_id in (MOTION_HEALTH, THERMOSTAT_HEALTH):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.translation_key == "sensor_health"
        assert entry.entity_category == "diagnostic"
        assert hass.states.get(entity_id).state == "ok"

    await _hold(hass, freezer, 3, "on")
    assert hass.states.get(MOTION_HEALTH).state == "ok"  # under four times usual
    await _hold(hass, freezer, 2, "on")
    assert hass.states.get(MOTION_HEALTH).state == "stuck"
    pipeline = mock_config_entry.runtime_data.pipeline
    assert pipeline.unhealthy == frozenset({MOTION})
    occupancy = pipeline.channel("occupancy", "01ZONELIVING")
    assert occupancy is not None
    assert occupancy.to_dict()["changes"][-1][1] is None  # seen as unavailable

    issues = ir.async_get(hass)
    issue_id = f"sensor_unhealthy_{MOTION}"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    await _hold(hass, freezer, 24, "on")
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "entity_id": MOTION,
        "zone": "Living room",
        "state": "stuck",
    }

    # Kept over a restart, then forgiven once it reports off.
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(MOTION_HEALTH).state == "stuck"
    assert hass_storage[STORAGE_KEY]["data"]["health"][MOTION]["kind"] == "motion"
    await _hold(hass, freezer, 0.25, "off")
    assert hass.states.get(MOTION_HEALTH).state == "ok"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert mock_config_entry.runtime_data.pipeline.unhealthy == frozenset()


@pytest.mark.freeze_time(NOW)
async def test_a_thermostat_gone_for_an_hour_is_offline(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A thermostat unavailable for an hour is offline; back, it is ok."""
    hass.states.async_set(MOTION, "off", MOVING)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(thermostat)
    hass.states.async_set(thermostat, "unavailable", {})
    await _hold(hass, freezer, 0.5, "off")
    assert hass.states.get(THERMOSTAT_HEALTH).state == "ok"
    await _hold(hass, freezer, 1, "off")
    assert hass.states.get(THERMOSTAT_HEALTH).state == "offline"
    assert mock_config_entry.runtime_data.pipeline.unhealthy == frozenset()
    hass.states.async_set(thermostat, state.state, state.attributes)
    await _hold(hass, freezer, 0.25, "off")
    assert hass.states.get(THERMOSTAT_HEALTH).state == "ok"
