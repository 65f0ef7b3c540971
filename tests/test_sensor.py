"""Tests for the predicted-setpoint sensors, driven through real thermostat changes."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from .conftest import PERSON, THERMOSTAT

SENSOR = "sensor.living_room_living_room_predicted_setpoint"


async def set_temperature(
    hass: HomeAssistant, value: float, context: Context | None = None
) -> None:
    """Change the thermostat's setpoint through its action, as the UI does."""
    await hass.services.async_call(
        "climate",
        "set_temperature",
        {"entity_id": THERMOSTAT, "temperature": value},
        blocking=True,
        context=context or Context(user_id=PERSON.user_id),
    )
    await hass.async_block_till_done()


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_sensor_unknown_until_a_person_chooses(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Before a person chose a setpoint the sensor is unknown and says why."""
    state = hass.states.get(SENSOR)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["reason"] == "nothing_learned"
    assert state.attributes["samples"] == 0

    await set_temperature(hass, 21.5)

    state = hass.states.get(SENSOR)
    assert state.state == "21.5"  # a tenth, as the thermostat shows it
    assert "reason" not in state.attributes
    assert 0 < state.attributes["confidence"] < 30  # in %: low
    assert state.attributes["confidence_level"] == "low"
    assert state.attributes["samples"] == 1
    assert state.attributes["unit_of_measurement"] == "°C"


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_automation_changes_do_not_teach(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A setpoint set by an automation (a parent context) is never learned."""
    await set_temperature(hass, 21.0)
    await set_temperature(hass, 16.0, Context(parent_id="01AUTOMATIONRUN"))

    state = hass.states.get(SENSOR)
    assert float(state.state) == pytest.approx(21.0, abs=0.05)
    assert state.attributes["samples"] == 1


async def test_sensor_follows_a_daily_habit(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a week of 21 °C mornings and 17 °C nights the sensor predicts the next switch."""
    freezer.move_to("2026-11-16 06:55:00+01:00")
    confidence_after: list[float] = []
    for _day in range(7):
        freezer.tick(timedelta(minutes=5))
        await set_temperature(hass, 21.0)  # 07:00
        for _ in range(15 * 12):  # the day passes, the setpoint is held
            freezer.tick(timedelta(minutes=5))
            async_fire_time_changed(hass)
        await set_temperature(hass, 17.0)  # 22:00
        for _ in range(9 * 12 - 1):
            freezer.tick(timedelta(minutes=5))
            async_fire_time_changed(hass)
        await hass.async_block_till_done()
        confidence_after.append(hass.states.get(SENSOR).attributes["confidence"])

    freezer.move_to("2026-11-23 06:40:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    state = hass.states.get(SENSOR)
    assert float(state.state) == pytest.approx(17.0, abs=0.5)
    assert state.attributes["next_value"] == pytest.approx(21.0, abs=0.5)
    # The next change is told in the home's local time.
    assert state.attributes["next_change"] == "2026-11-23T07:00:00+01:00"
    assert state.attributes["confidence_level"] in ("low", "medium", "high")
    # Confidence grows with consistent days.
    assert confidence_after[-1] > 2 * confidence_after[0]


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities_snapshot(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The sensors' registry entries and states after one person's choice."""
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.cadence.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    await set_temperature(hass, 20.5)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_health_sensors_start_disabled(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each watched entity's sensor_health is registered but disabled, so no state."""
    registry = er.async_get(hass)
    health = [
        entry
        for entry in er.async_entries_for_config_entry(
            registry, init_integration.entry_id
        )
        if entry.translation_key == "sensor_health"
    ]
    assert len(health) == 2  # the thermostat and the motion sensor
    for entry in health:
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(entry.entity_id) is None
