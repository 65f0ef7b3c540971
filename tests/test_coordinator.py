"""Tests for what the coordinator learns from, and what it deliberately skips."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import ClimateEntityFeature
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import DOMAIN
from custom_components.cadence.engine import Conditions, Zone

from .conftest import MOTION, PERSON, THERMOSTAT, zone_subentry
from .test_sensor import SENSOR, set_temperature

RANGE = ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
SINGLE = ClimateEntityFeature.TARGET_TEMPERATURE


def _set(
    hass: HomeAssistant, state: str, context: Context | None = None, **attributes: Any
) -> None:
    """Write a thermostat state as a person's change."""
    hass.states.async_set(
        THERMOSTAT,
        state,
        {"min_temp": 7, "max_temp": 30, "supported_features": SINGLE, **attributes},
        context=context or PERSON,
    )


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
@pytest.mark.parametrize(
    ("state", "attributes", "reason"),
    [
        ("unknown", {"temperature": 25}, "unknown"),
        ("unavailable", {"temperature": 25}, "unavailable"),
        ("off", {"temperature": 25}, "off"),
        ("heat", {"temperature": "warm"}, "non_numeric"),
        ("heat", {"temperature": float("nan")}, "not_finite"),
        ("heat", {"temperature": float("inf")}, "not_finite"),
        ("heat", {"temperature": "-1e309"}, "not_finite"),
        ("heat", {"temperature": 31}, "out_of_range"),
        ("heat", {"temperature": 150}, "out_of_range"),
        ("heat", {}, "missing"),
    ],
)
async def test_bad_setpoints_are_skipped_and_counted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    state: str,
    attributes: dict[str, Any],
    reason: str,
) -> None:
    """Bad input is normal input: skipped, counted, never learned, never a crash."""
    await set_temperature(hass, 21.0)
    _set(hass, state, **attributes)
    await hass.async_block_till_done()

    coordinator = init_integration.runtime_data
    assert coordinator.rejections[THERMOSTAT][reason] == 1
    assert coordinator.thermostat(THERMOSTAT).learners["temperature"].model.samples == 1
    sensor = hass.states.get(SENSOR)
    if state in ("unknown", "unavailable"):
        assert sensor.state == STATE_UNAVAILABLE
    else:
        assert float(sensor.state) == pytest.approx(21.0, abs=0.05)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_device_changes_teach_and_room_readings_do_not(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A change at the thermostat itself teaches; a new room reading alone does not."""
    _set(hass, "heat", Context(), temperature=19.0, current_temperature=18.0)
    await hass.async_block_till_done()
    _set(hass, "heat", Context(), temperature=19.0, current_temperature=18.5)
    await hass.async_block_till_done()
    assert (
        init_integration.runtime_data.thermostat(THERMOSTAT)
        .learners["temperature"]
        .model.samples
        == 1
    )
    assert float(hass.states.get(SENSOR).state) == pytest.approx(19.0, abs=0.05)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_learning_off_keeps_predictions_but_learns_nothing(
    hass: HomeAssistant, thermostat: str, mock_config_entry: MockConfigEntry
) -> None:
    """With learning switched off, people's changes are not learned."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={"learning": False}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await set_temperature(hass, 23.0)
    assert (
        mock_config_entry.runtime_data.thermostat(THERMOSTAT)
        .learners["temperature"]
        .model.samples
        == 0
    )


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_fahrenheit_home_sees_fahrenheit(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A °F home's thermostat speaks °F: Cadence learns in °C and shows °F."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    _set(hass, "heat", Context(), temperature=68, min_temp=45, max_temp=86)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    _set(hass, "heat", temperature=71, min_temp=45, max_temp=86)
    await hass.async_block_till_done()

    model = (
        mock_config_entry.runtime_data.thermostat(THERMOSTAT)
        .learners["temperature"]
        .model
    )
    assert model.samples == 1
    state = hass.states.get(SENSOR)
    assert state.attributes["unit_of_measurement"] == "°F"
    assert float(state.state) == pytest.approx(71, abs=0.2)
    response = await hass.services.async_call(
        DOMAIN,
        "predict",
        {"entity_id": THERMOSTAT},
        blocking=True,
        return_response=True,
    )
    assert response["unit"] == "°F"
    assert response["value"] == pytest.approx(71, abs=0.2)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_range_thermostat_learns_both_ends(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A heat_cool thermostat gets a low and a high predicted setpoint."""
    _set(
        hass,
        "heat_cool",
        Context(),
        supported_features=SINGLE | RANGE,
        friendly_name="Living room thermostat",
        temperature=None,
        target_temp_low=19,
        target_temp_high=24,
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    _set(
        hass,
        "heat_cool",
        supported_features=SINGLE | RANGE,
        friendly_name="Living room thermostat",
        temperature=None,
        target_temp_low=20,
        target_temp_high=25,
    )
    await hass.async_block_till_done()

    low = hass.states.get("sensor.living_room_thermostat_predicted_low_setpoint")
    high = hass.states.get("sensor.living_room_thermostat_predicted_high_setpoint")
    assert float(low.state) == pytest.approx(20, abs=0.05)
    assert float(high.state) == pytest.approx(25, abs=0.05)
    # No single setpoint was chosen in heat_cool mode: that sensor is unknown, and why.
    single = hass.states.get("sensor.living_room_thermostat_predicted_setpoint")
    assert single.state == STATE_UNKNOWN
    assert single.attributes["reason"] == "nothing_learned"


async def test_setpoint_follows_manual_changes_after_dst_shift(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 07:00 habit learned in summer time is still at 07:00 after the clocks go back."""
    freezer.move_to("2026-10-19 06:55:00+02:00")
    for _day in range(6):
        freezer.tick(timedelta(minutes=5))
        await set_temperature(hass, 21.0)  # 07:00 local
        for _ in range(15 * 12):
            freezer.tick(timedelta(minutes=5))
            async_fire_time_changed(hass)
        await set_temperature(hass, 17.0)  # 22:00 local
        for _ in range(9 * 12 - 1):
            freezer.tick(timedelta(minutes=5))
            async_fire_time_changed(hass)
        await hass.async_block_till_done()

    # Monday 26 October, winter time (UTC+1): just before 07:00 local.
    freezer.move_to("2026-10-26 06:45:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    state = hass.states.get(SENSOR)
    assert float(state.state) == pytest.approx(17.0, abs=0.5)
    assert state.attributes["next_change"] == "2026-10-26T07:00:00+01:00"

    freezer.move_to("2026-10-26 07:15:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert float(hass.states.get(SENSOR).state) == pytest.approx(21.0, abs=0.5)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_conditions_read_outdoor_workday_and_motion(
    hass: HomeAssistant, living_room: Any
) -> None:
    """Home-wide inputs reach the engine in °C; broken readings become unknown."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={
            "learning": True,
            "outdoor_entity": "weather.home",
            "workday_entity": "binary_sensor.workday",
        },
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION])],
    )
    hass.config.units = US_CUSTOMARY_SYSTEM
    hass.states.async_set(
        "weather.home", "sunny", {"temperature": 50, "temperature_unit": "°F"}
    )
    hass.states.async_set("binary_sensor.workday", "on")
    hass.states.async_set(MOTION, "on")
    _set(hass, "heat", Context(), temperature=68)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    home = entry.runtime_data.home
    zone = home.zones[0]
    from homeassistant.util import dt as dt_util

    def conditions(zone: Zone, when: datetime) -> Conditions:
        return entry.runtime_data.pipeline.conditions(zone, when, hass.states.get)

    x = conditions(zone, dt_util.utcnow())
    assert x.outdoor_c == pytest.approx(10.0)
    assert x.workday is True
    assert x.minutes_since_motion == 0.0

    hass.states.async_set(
        "weather.home", "sunny", {"temperature": 500, "temperature_unit": "°F"}
    )
    hass.states.async_set("binary_sensor.workday", "unavailable")
    hass.states.async_set(MOTION, "off")
    x = conditions(zone, dt_util.utcnow() + timedelta(minutes=30))
    assert x.outdoor_c is None
    assert x.workday is None
    assert x.minutes_since_motion == pytest.approx(30.0)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
@pytest.mark.parametrize("gone", ["unavailable", "removed"])
async def test_setpoint_found_on_return_does_not_teach(
    hass: HomeAssistant, init_integration: MockConfigEntry, gone: str
) -> None:
    """A setpoint found at start-up or on return was not seen being chosen."""
    await set_temperature(hass, 21.0)
    if gone == "removed":
        hass.states.async_remove(THERMOSTAT)
    else:
        _set(hass, STATE_UNAVAILABLE)
    await hass.async_block_till_done()
    _set(hass, "heat", Context(), temperature=25.0)
    await hass.async_block_till_done()

    learner = init_integration.runtime_data.thermostat(THERMOSTAT).learners[
        "temperature"
    ]
    assert learner.model.samples == 1
    assert learner.held_c == 25.0
    assert float(hass.states.get(SENSOR).state) == pytest.approx(21.0, abs=0.05)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_frequent_room_readings_do_not_starve_the_tick(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A thermostat reporting every 2 minutes must not postpone the 5-minute tick."""
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator is not None
    ticks = 0
    original = coordinator._async_update_data

    async def counting() -> Any:
        nonlocal ticks
        ticks += 1
        return await original()

    coordinator._async_update_data = counting  # type: ignore[method-assign]
    for minute in range(30):
        freezer.tick(timedelta(minutes=2))
        _set(
            hass,
            "heat",
            Context(),
            temperature=20,
            current_temperature=19 + minute / 100,
        )
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert ticks >= 10  # 60 minutes of 5-minute ticks


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_restored_learner_takes_in_what_happened_while_away(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A thermostat switched off while Cadence was unloaded is not credited after."""
    await set_temperature(hass, 22.0)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    _set(hass, "off", Context(), temperature=17)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    learner = init_integration.runtime_data.thermostat(THERMOSTAT).learners[
        "temperature"
    ]
    samples = learner.model.samples
    for _ in range(24):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert learner.model.samples == samples
