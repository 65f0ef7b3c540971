"""Tests for the heating-fault binary sensor, through Home Assistant.

The thermostat is a real generic_thermostat: it switches its heater on below the
setpoint and reports hvac_action heating; the room is its temperature sensor.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import UnitOfTemperature
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.cadence.const import EVENT_ANOMALY

from .conftest import PERSON

FAULT = "binary_sensor.living_room_living_room_heating_fault"
HALL_FAULT = "binary_sensor.living_room_hall_heating_fault"
ROOM = "sensor.living_room_temperature"
NOW = "2026-11-20 07:00:00+01:00"


async def _set_target(hass: HomeAssistant, temperature: float) -> None:
    """Have a person set the thermostat's target."""
    await hass.services.async_call(
        "climate",
        "set_temperature",
        {"entity_id": "climate.living_room", "temperature": temperature},
        blocking=True,
        context=PERSON,
    )
    await hass.async_block_till_done()


async def _run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hours: float,
    room: float,
    rise_per_h: float = 0.0,
) -> list[str]:
    """Move on in five-minute steps, the room at room + rise; log the fault's state."""
    seen = []
    for step in range(int(hours * 12)):
        freezer.tick(timedelta(minutes=5))
        hass.states.async_set(ROOM, f"{room + rise_per_h * (step + 1) / 12:.1f}")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        seen.append(hass.states.get(FAULT).state)
    return seen


@pytest.mark.freeze_time(NOW)
async def test_heating_that_does_not_warm_the_room_is_flagged_announced_and_cleared(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Heating for hours with the room stuck: on, with a reason; warming clears it."""
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)
    entity = er.async_get(hass).async_get(FAULT)
    assert entity is not None
    assert entity.translation_key == "heating_fault"
    assert entity.original_device_class == "problem"
    hass.states.async_set(ROOM, "17.0")
    await _set_target(hass, 21.0)
    assert hass.states.get("climate.living_room").attributes["hvac_action"] == "heating"

    # A room warming at 1 °C an hour is heating that works, and teaches the rate.
    assert set(await _run(hass, freezer, 3, 17.0, rise_per_h=1.0)) == {"off"}
    hass.states.async_set(ROOM, "21.5")
    await _run(hass, freezer, 0.5, 21.5)  # reached: the heater stops
    await _set_target(hass, 22.5)
    hass.states.async_set(ROOM, "19.0")
    seen = await _run(hass, freezer, 3, 19.0)  # the boiler died: nothing moves
    assert seen[:12] == ["off"] * 12  # an hour is not enough (radiators lag)
    assert "on" in seen
    assert seen.index("on") / 12 <= 2.0
    state = hass.states.get(FAULT)
    assert state.attributes["actual"] == 19.0
    assert state.attributes["target"] == 22.5
    assert state.attributes["direction"] == "heat"
    assert state.attributes["expected"] > 19.5
    assert state.attributes["reason"].startswith(
        "Living room has heated for 2 h 55 min and the room is still 19 °C, 3.5 °C "
        "below the 22.5 °C setpoint; it usually warms about 1.0 °C an hour"
    )
    assert dt_util.parse_datetime(state.attributes["since"]) is not None
    started = [e.data for e in events if e.data["state"] == "started"]
    assert len(started) == 1
    assert started[0]["detector"] == "heating_fault"
    assert started[0]["source"] == "climate.living_room"

    seen = await _run(hass, freezer, 1.5, 19.0, rise_per_h=1.0)  # repaired
    assert seen[-1] == "off"
    assert [e.data["state"] for e in events] == ["started", "ended"]
    assert hass.states.get(FAULT).attributes["reason"] is None


@pytest.mark.freeze_time(NOW)
async def test_a_window_aired_while_heating_and_an_idle_thermostat_raise_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The room drops 2 °C for 15 minutes, then warms; a satisfied room never flags."""
    hass.states.async_set(ROOM, "19.0")
    await _set_target(hass, 21.0)
    seen = await _run(hass, freezer, 0.25, 17.0)  # window open
    seen += await _run(hass, freezer, 3, 17.0, rise_per_h=1.0)
    assert set(seen) == {"off"}
    await _set_target(hass, 16.0)  # the room is warm enough: idle
    assert hass.states.get("climate.living_room").attributes["hvac_action"] == "idle"
    assert set(await _run(hass, freezer, 4, 18.0)) == {"off"}


@pytest.mark.freeze_time(NOW)
async def test_a_raised_heating_fault_survives_a_restart_without_a_second_start(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reloaded while flagged: still on, the stall still counted, no new start."""
    hass.states.async_set(ROOM, "17.0")
    await _set_target(hass, 21.0)
    assert (await _run(hass, freezer, 3, 17.0))[-1] == "on"
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(FAULT).state == "on"
    assert (await _run(hass, freezer, 0.5, 17.0))[-1] == "on"
    assert events == []


@pytest.mark.freeze_time(NOW)
async def test_a_fahrenheit_home_sees_its_own_unit(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A °F thermostat without hvac_action: taken to heat below its setpoint, in °F."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    heating = {"current_temperature": 62, "temperature": 70, "friendly_name": "Hall"}
    hass.states.async_set("climate.living_room", "heat", heating)
    await async_wait_recording_done(hass)  # learning from history starts from it
    freezer.tick(timedelta(minutes=1))
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    seen = []
    for _ in range(36):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        seen.append(hass.states.get(HALL_FAULT).state)
    assert seen[-1] == "on"
    attributes: dict[str, Any] = dict(hass.states.get(HALL_FAULT).attributes)
    assert attributes["actual"] == 62.0
    assert attributes["target"] == 70.0
    assert attributes["rate"] == pytest.approx(1.8)  # the prior, 1 °C an hour
    assert attributes["reason"] == (
        f"Hall has heated for 2 h 55 min and the room is still 62 "
        f"{UnitOfTemperature.FAHRENHEIT}, 8 {UnitOfTemperature.FAHRENHEIT} below the "
        f"70 {UnitOfTemperature.FAHRENHEIT} setpoint; it usually warms about 1.8 "
        f"{UnitOfTemperature.FAHRENHEIT} an hour"
    )
