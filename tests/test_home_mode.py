"""Tests for the home's mode and each zone's sensitivity, through Home Assistant."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import STORAGE_KEY, stored_file
from .test_sensor import SENSOR, set_temperature
from .test_unusual_activity import ZONE_ID, _motion, evenings_watched, learned_evenings

MODE = "select.cadence_home_mode"
SENSITIVITY = "number.living_room_anomaly_sensitivity"


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _select(hass: HomeAssistant, option: str) -> None:
    """Choose the home's mode as the UI does."""
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": MODE, "option": option},
        blocking=True,
    )


async def _sensitivity(hass: HomeAssistant, value: float) -> None:
    """Set the living room's sensitivity as the UI does."""
    await hass.services.async_call(
        "number", "set_value", {"entity_id": SENSITIVITY, "value": value}, blocking=True
    )


async def test_mode_and_sensitivity_are_kept_at_once_and_over_a_restart(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Normal and 3 to begin with; a choice is saved at once and outlives a reload."""
    await _set_up(hass, mock_config_entry)
    registry = er.async_get(hass)
    mode = registry.async_get(MODE)
    assert mode is not None
    assert mode.translation_key == "home_mode"
    sensitivity = registry.async_get(SENSITIVITY)
    assert sensitivity is not None
    assert sensitivity.translation_key == "sensitivity"
    assert sensitivity.entity_category == "config"
    state = hass.states.get(MODE)
    assert state.state == "normal"
    assert state.attributes["options"] == ["normal", "away", "guests"]
    state = hass.states.get(SENSITIVITY)
    assert float(state.state) == 3
    assert (state.attributes["min"], state.attributes["max"]) == (1, 5)

    await _select(hass, "away")
    await _sensitivity(hass, 5)
    assert hass.states.get(MODE).state == "away"
    assert float(hass.states.get(SENSITIVITY).state) == 5
    saved = hass_storage[STORAGE_KEY]
    assert saved["minor_version"] == STORAGE_MINOR_VERSION
    assert saved["data"]["settings"] == {
        "home_mode": "away",
        "sensitivity": {ZONE_ID: 5},
    }

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(MODE).state == "away"
    assert float(hass.states.get(SENSITIVITY).state) == 5


@pytest.mark.parametrize(
    ("value", "key"), [(2.5, "sensitivity_not_whole"), (7, None), (0, None)]
)
async def test_a_sensitivity_outside_1_to_5_is_refused(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    value: float,
    key: str | None,
) -> None:
    """Halves and levels outside 1-5 are refused with a clear error; 3 stays."""
    await _set_up(hass, mock_config_entry)
    with pytest.raises(ServiceValidationError) as err:
        await _sensitivity(hass, value)
    if key is not None:
        assert err.value.translation_key == key
        assert "not 2.5" in str(err.value)
    assert float(hass.states.get(SENSITIVITY).state) == 3


async def test_damaged_settings_are_left_at_their_defaults(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unknown mode or level is ignored with a warning; what was learned stays."""
    hass_storage[STORAGE_KEY] = stored_file(
        {
            "activity_watch": {ZONE_ID: evenings_watched()},
            "settings": {"home_mode": "party", "sensitivity": {ZONE_ID: True}},
        },
        minor_version=STORAGE_MINOR_VERSION,
    )
    await _set_up(hass, mock_config_entry)
    assert hass.states.get(MODE).state == "normal"
    assert float(hass.states.get(SENSITIVITY).state) == 3
    assert "Ignoring the stored home mode" in caplog.text
    assert "Ignoring the stored sensitivity of 01ZONELIVING" in caplog.text
    runtime = mock_config_entry.runtime_data
    watch = runtime.pipeline.channel("activity_watch", ZONE_ID)
    assert watch.feed.to_dict()["days"] >= 13  # type: ignore[union-attr]


@pytest.mark.freeze_time("2026-11-20 19:02:00+01:00")
async def test_away_motion_at_the_usual_hour_is_unusual(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The evening's usual motion raises nothing, but it does while the home is away."""
    learned_evenings(hass_storage)
    await _set_up(hass, mock_config_entry)
    await _select(hass, "away")
    seen = await _motion(hass, freezer, 1, "on")
    assert seen[:2] == ["off", "off"]
    assert "on" in seen
    await _select(hass, "normal")
    seen = await _motion(hass, freezer, 2, "on")
    assert seen[-1] == "off"


# Five-minute steps of motion before the sensor turns on: 2 h 15 at 1, 1 h 35 at 3.
@pytest.mark.parametrize(("level", "first_on"), [(1, 27), (3, 19), (5, 16)])
@pytest.mark.freeze_time("2026-11-20 02:57:00+01:00")
async def test_sensitivity_moves_when_night_motion_turns_on(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    level: int,
    first_on: int,
) -> None:
    """Motion at 03:00 turns the sensor on sooner the higher the sensitivity."""
    learned_evenings(hass_storage)
    await _set_up(hass, mock_config_entry)
    await _sensitivity(hass, level)
    seen = await _motion(hass, freezer, 3, "on")
    assert "on" in seen
    assert seen.index("on") == first_on


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_guests_choices_are_not_learned(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With guests, a person's setpoint is kept but not learned; back to normal it is."""
    await set_temperature(hass, 21.0)
    assert hass.states.get(SENSOR).attributes["samples"] == 1
    await _select(hass, "guests")
    await set_temperature(hass, 25.0)
    assert hass.states.get(SENSOR).attributes["samples"] == 1
    await _select(hass, "normal")
    await set_temperature(hass, 20.0)
    assert hass.states.get(SENSOR).attributes["samples"] == 2
