"""Tests for the zone's unusual-activity binary sensor, through Home Assistant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.cadence.const import EVENT_ANOMALY
from custom_components.cadence.engine import ActivityWatch, Conditions
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import MOTION, STORAGE_KEY, stored_file

UNUSUAL = "binary_sensor.living_room_unusual_activity"
ZONE_ID = "01ZONELIVING"


def evenings_watched(days: int = 14) -> dict[str, Any]:
    """Return a zone's watch after days of motion every evening 18:00-22:00 only."""
    watch = ActivityWatch()
    start = dt_util.now() - timedelta(days=days)
    for i in range(days * 288):
        when = dt_util.as_local(start + timedelta(minutes=5 * i))
        watch.update(when, "on" if 18 <= when.hour < 22 else "off")
        watch.tick(Conditions(when=when))
    return watch.to_dict()


def learned_evenings(hass_storage: dict[str, Any]) -> None:
    """Store two weeks of evenings as the living room's learned motion habit."""
    hass_storage[STORAGE_KEY] = stored_file(
        {"activity_watch": {ZONE_ID: evenings_watched()}},
        minor_version=STORAGE_MINOR_VERSION,
    )


async def _motion(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: float, state: str
) -> list[str]:
    """Move on in five-minute steps, with someone moving in every one, or quiet."""
    seen = []
    for _ in range(int(hours * 12)):
        if state == "on":
            hass.states.async_set(MOTION, "on", {"device_class": "motion"})
            await hass.async_block_till_done()
        freezer.tick(timedelta(minutes=5))
        hass.states.async_set(MOTION, "off", {"device_class": "motion"})
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        seen.append(hass.states.get(UNUSUAL).state)
    return seen


async def _set_up_listening(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> list[Event]:
    """Set up Cadence with a zone busy only in the evenings; return its anomaly events."""
    learned_evenings(hass_storage)
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return events


@pytest.mark.freeze_time("2026-11-20 02:57:00+01:00")
async def test_motion_in_the_small_hours_is_unusual_announced_and_cleared(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A zone busy only in the evenings sees motion at 03:00: on, then off when quiet."""
    events = await _set_up_listening(hass, mock_config_entry, hass_storage)
    entity = er.async_get(hass).async_get(UNUSUAL)
    assert entity is not None
    assert entity.translation_key == "unusual_activity"
    assert hass.states.get(UNUSUAL).state == "off"

    seen = await _motion(hass, freezer, 3, "on")
    assert seen[:6] == ["off"] * 6  # half an hour up at night is nothing
    assert "on" in seen
    assert seen.index("on") / 12 <= 2.0
    state = hass.states.get(UNUSUAL)
    assert state.attributes["usual_share"] <= 10
    assert state.attributes["reason"].startswith("Motion in Living room at 04:")
    assert [e.data["state"] for e in events] == ["started"]
    assert events[0].data["detector"] == "unusual_activity"
    assert events[0].data["source"] == ZONE_ID

    seen = await _motion(hass, freezer, 4, "off")
    assert seen[-1] == "off"
    assert [e.data["state"] for e in events] == ["started", "ended"]
    assert hass.states.get(UNUSUAL).attributes["reason"] is None


@pytest.mark.freeze_time("2026-11-20 19:02:00+01:00")
async def test_motion_in_the_usual_evening_is_not_unusual(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The same motion at 19:00, when the zone is always busy, raises nothing."""
    learned_evenings(hass_storage)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert set(await _motion(hass, freezer, 2, "on")) == {"off"}
    assert hass.states.get(UNUSUAL).attributes["usual_share"] >= 90


@pytest.mark.freeze_time("2026-11-20 02:57:00+01:00")
async def test_binary_sensors_snapshot(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    hass_storage: dict[str, Any],
) -> None:
    """The zone's unusual-activity sensor: registry entry and state after learning."""
    learned_evenings(hass_storage)
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.cadence.PLATFORMS", [Platform.BINARY_SENSOR]):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


@pytest.mark.freeze_time("2026-11-20 02:57:00+01:00")
async def test_a_cleared_alert_cools_down_for_an_hour(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Motion again right after the alert cleared: nothing for an hour, then on."""
    events = await _set_up_listening(hass, mock_config_entry, hass_storage)
    assert "on" in await _motion(hass, freezer, 3, "on")
    quiet = await _motion(hass, freezer, 3, "off")
    cleared = quiet.index("off")
    assert quiet[:cleared] == ["on"] * cleared
    again = await _motion(hass, freezer, 2, "on")
    assert again[:12] == ["off"] * 12  # the hour after clearing
    assert "on" in again
    assert [e.data["state"] for e in events] == ["started", "ended", "started"]
