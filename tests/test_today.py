"""Tests for `cadence/today`: the card's today, read from a real recorder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.cadence.const import CONF_LEARNING, DOMAIN
from custom_components.cadence.services import loaded_entry
from custom_components.cadence.today import Question, _on_periods, async_today

from .conftest import THERMOSTAT, zone_subentry
from .test_habits import _live_a_week
from .test_sensor import set_temperature

ZONE_ALERTS = {"heating_fault", "unusual_activity"}


async def _today(hass: HomeAssistant, area_id: str | None = None) -> dict[str, Any]:
    """Answer what the card's command does, once the recorder wrote what happened.

    Asked directly: the websocket's login refuses tokens made at a frozen time.
    """
    await async_wait_recording_done(hass)
    question = Question(entity_id=THERMOSTAT, setpoint="temperature", area_id=area_id)
    return await async_today(hass, loaded_entry(hass), question)


def _alert_keys(hass: HomeAssistant, today: dict[str, Any]) -> list[str | None]:
    """Return the translation keys of the alert rows, in their order."""
    registry = er.async_get(hass)
    found = [registry.async_get(row["entity_id"]) for row in today["alerts"]]
    return [entry.translation_key for entry in found if entry is not None]


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_before_learning_today_shows_what_happened_and_the_alerts(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nothing learned: no curve or forecast, but the recorder's setpoints."""
    today = await _today(hass)
    assert today["learned"] is None
    assert today["occupancy"] is None
    assert today["unit"] == "°C"
    assert today["actual"] == [{"minute": 420, "setpoint": 20.0}]
    keys = _alert_keys(hass, today)
    assert set(keys[:-1]) == ZONE_ALERTS
    assert keys[-1] == "unusual_inactivity"  # the home's, after the zone's
    assert all(row["on"] == [] for row in today["alerts"])

    freezer.tick(timedelta(hours=1))
    await set_temperature(hass, 21.5)
    today = await _today(hass)
    assert today["actual"] == [
        {"minute": 420, "setpoint": 20.0},
        {"minute": 480, "setpoint": 21.5},
    ]
    assert today["learned"][0]["setpoint"] == 21.5


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_off_unavailable_and_nonsense_are_gaps_in_what_happened(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off, unavailable, a NaN or a text setpoint break the line; a number resumes."""
    for state, attributes in [
        ("off", {"temperature": 20.0}),
        ("unavailable", {}),
        ("heat", {"temperature": float("nan")}),
        ("heat", {"temperature": "twenty"}),
        ("heat", {"temperature": True}),
        ("heat", {"temperature": 19.04}),
    ]:
        freezer.tick(timedelta(minutes=10))
        hass.states.async_set(THERMOSTAT, state, attributes)
    today = await _today(hass)
    assert today["actual"] == [
        {"minute": 420, "setpoint": 20.0},
        {"minute": 430, "setpoint": None},
        {"minute": 480, "setpoint": 19.0},
    ]


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_a_weeks_alerts_are_the_stretches_they_were_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Each alert row lists when it was on; one still on has no end."""
    today = await _today(hass)
    row = _alert_keys(hass, today).index("unusual_activity")
    entity_id = today["alerts"][row]["entity_id"]
    hass.states.async_set(entity_id, "on")
    freezer.tick(timedelta(hours=2))
    hass.states.async_set(entity_id, "off")
    freezer.tick(timedelta(days=3))
    today = await _today(hass)
    now = dt_util.now()
    assert today["alerts"][row]["on"] == [
        {
            "start": (now - timedelta(days=3, hours=2)).isoformat(),
            "end": (now - timedelta(days=3)).isoformat(),
        }
    ]
    freezer.tick(timedelta(days=5))
    assert (await _today(hass))["alerts"][row]["on"] == []  # older than a week


def test_a_stretch_on_at_the_windows_start_or_still_on_is_cut_there() -> None:
    """Cadence's sensors write their own verdicts, so these are told as states."""
    now = dt_util.now()
    week_ago = now - timedelta(days=7)
    before = State("binary_sensor.x", "on", last_changed=week_ago - timedelta(days=1))
    off = State("binary_sensor.x", "off", last_changed=now - timedelta(days=1))
    again = State("binary_sensor.x", "on", last_changed=now - timedelta(hours=1))
    assert _on_periods([before, off, again], now) == [
        {"start": week_ago.isoformat(), "end": off.last_changed.isoformat()},
        {"start": again.last_changed.isoformat(), "end": None},
    ]


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_a_learned_zone_forecasts_the_next_24_hours(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    living_room: ar.AreaEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a week of evenings at home, the next day's evening is likely occupied."""
    await _live_a_week(hass, freezer)
    freezer.move_to("2026-11-23 10:17:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    today = await _today(hass)
    assert today["actual"] == [{"minute": 0, "setpoint": 20.0}]  # since midnight
    slots = today["occupancy"]
    assert len(slots) == 48
    assert slots[0]["start"] == "2026-11-23T10:00:00+01:00"
    assert slots[-1]["start"] == "2026-11-24T09:30:00+01:00"
    by_start = {slot["start"][11:16]: slot["probability"] for slot in slots}
    assert by_start["19:00"] > 50 > by_start["10:00"]

    # Asked by the zone's area, the same; an unknown area has no zone to forecast.
    assert (await _today(hass, living_room.id))["occupancy"] == slots
    other = await _today(hass, "attic")
    assert other["occupancy"] is None
    assert _alert_keys(hass, other) == ["unusual_inactivity"]


async def test_the_cards_command_answers_today_or_says_it_is_not_loaded(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """cadence/today over the websocket; with Cadence unloaded it fails and says so."""
    await set_temperature(hass, 21.5)
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    asked = {"type": "cadence/today", "entity_id": THERMOSTAT}
    await client.send_json_auto_id({**asked, "setpoint": "target_temp_low"})
    answer = await client.receive_json()
    assert answer["success"]
    assert answer["result"]["setpoint"] == "target_temp_low"
    assert answer["result"]["learned"] is None  # generic_thermostat has no range
    await client.send_json_auto_id(asked)
    answer = await client.receive_json()
    assert answer["result"]["actual"][-1]["setpoint"] == 21.5
    assert answer["result"]["learned"][0]["setpoint"] == 21.5

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await client.send_json_auto_id(asked)
    answer = await client.receive_json()
    assert not answer["success"]
    assert answer["error"]["code"] == "not_loaded"


async def test_a_zone_without_motion_sensors_has_no_occupancy_to_forecast(
    hass: HomeAssistant, thermostat: str, living_room: ar.AreaEntry
) -> None:
    """Only a thermostat in the zone: its setpoints, but no occupancy forecast."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={CONF_LEARNING: True},
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT])],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    today = await _today(hass)
    assert today["occupancy"] is None
    assert today["actual"][-1]["setpoint"] == 20.0
