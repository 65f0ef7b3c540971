"""Early days through Home Assistant: brief overrides, how days count, old stores."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import DOMAIN
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import STORAGE_KEY, THERMOSTAT, stored_file
from .test_sensor import SENSOR, set_temperature

# A workday routine: (hour, minute, setpoint °C), four changes a day.
ROUTINE = ((7, 0, 21.0), (9, 0, 18.0), (17, 0, 21.0), (22, 0, 17.0))


async def _until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime
) -> None:
    """Let time pass in Cadence's five-minute ticks up to a moment."""
    while (step := when - dt_util.now()) > timedelta(0):
        freezer.tick(min(step, timedelta(minutes=5)))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def _workdays(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> datetime:
    """Choose ROUTINE's four changes on Monday to Friday; return Monday's midnight.

    Time starts on that Monday morning.
    """
    monday = dt_util.now().replace(hour=0, minute=0)
    for day in range(5):
        for hour, minute, setpoint in ROUTINE:
            await _until(
                hass, freezer, monday + timedelta(days=day, hours=hour, minutes=minute)
            )
            await set_temperature(hass, setpoint)
    return monday


async def _week(hass: HomeAssistant) -> dict[str, list[float]]:
    """Return the learned week, half hour by half hour."""
    answer: dict[str, Any] = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"entity_id": THERMOSTAT, "format": "slots"},
        blocking=True,
        return_response=True,
    )
    return answer["days"]


async def _override_briefly(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    override: datetime,
    back_to: float,
) -> None:
    """At 07:40, 30 °C for 30 seconds, then back: only 07:30 may move, and little.

    Every other half hour of the week stays within 0.5 °C; 07:30 within 1 °C.
    """
    await _until(hass, freezer, override)
    before = await _week(hass)
    await set_temperature(hass, 30.0)
    freezer.tick(timedelta(seconds=30))
    await set_temperature(hass, back_to)
    await _until(hass, freezer, override + timedelta(minutes=50))
    after = await _week(hass)
    moved = {
        (day, slot): (before[day][slot], after[day][slot])
        for day in before
        for slot in range(48)
        if slot != 15  # 07:30, the slot overridden
        and abs(after[day][slot] - before[day][slot]) > 0.5
    }
    assert moved == {}
    assert all(abs(after[day][15] - before[day][15]) <= 1.0 for day in before)


@pytest.mark.freeze_time("2026-11-16 06:00:00+01:00")
async def test_a_brief_override_in_the_first_week_moves_only_its_own_slot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Twenty changes learned, then 30 °C for 30 seconds: the week stays put."""
    monday = await _workdays(hass, freezer)  # twenty changes
    override = monday + timedelta(days=7, hours=7, minutes=40)
    await _override_briefly(hass, freezer, override, back_to=21.0)


@pytest.mark.freeze_time("2026-11-16 06:00:00+01:00")
async def test_a_brief_override_on_the_first_morning_moves_only_its_own_slot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new user's morning: twenty quick changes, then 30 °C for 30 seconds."""
    start = dt_util.now()
    for change in range(20):
        await _until(hass, freezer, start + timedelta(minutes=4 * change))
        await set_temperature(hass, 18.0 if change % 2 else 18.5)
    override = start + timedelta(hours=1, minutes=40)
    await _override_briefly(hass, freezer, override, back_to=18.0)


@pytest.mark.freeze_time("2026-11-16 06:00:00+01:00")
async def test_a_home_whose_weekends_differ_splits_its_days_by_kind(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """All days alike at first; the first Sunday kept apart makes it split them.

    The sensor says which way the schedule counts days, and the learned weekend
    keeps its own 17 °C morning instead of the workdays' 18 °C.
    """
    monday = await _workdays(hass, freezer)
    await _until(hass, freezer, monday + timedelta(days=5, hours=1))
    assert hass.states.get(SENSOR).attributes["schedule_days"] == "all_days"
    await _until(hass, freezer, monday + timedelta(days=5, hours=8))
    await set_temperature(hass, 17.0)  # the weekend: 17 °C, kept all day
    await _until(hass, freezer, monday + timedelta(days=7, hours=1))
    assert hass.states.get(SENSOR).attributes["schedule_days"] == "by_kind_of_day"
    week = await _week(hass)
    assert week["monday"][20] == 18.0  # 10:00
    assert week["saturday"][20] == 17.0


@pytest.mark.freeze_time("2026-11-18 09:40:00+01:00")
async def test_a_schedule_learned_by_the_previous_release_goes_on_by_kind_of_day(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A 1.9 store (written by 996567b's engine): the same week, split by kind.

    Its learner, fed a fortnight and a half of 21 °C workdays and 19.5 °C weekends,
    had no way of counting days yet: it goes on by kind of day, with today's evidence
    of the old layout, and is saved again in the new one.
    """
    old = json.loads(
        (Path(__file__).parent / "setpoint_learner_1_9.json").read_text("utf-8")
    )
    hass_storage[STORAGE_KEY] = stored_file(
        {"thermostats": {THERMOSTAT: {"temperature": old}}}, minor_version=9
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    sensor = hass.states.get(SENSOR)
    assert sensor.state == "21.0"
    assert sensor.attributes["schedule_days"] == "by_kind_of_day"
    week = await _week(hass)
    assert week["wednesday"][19] == 21.0  # 09:30, today's evidence included
    assert week["saturday"][24] == 19.5
    assert week["saturday"][12] == 17.0
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    saved = hass_storage[STORAGE_KEY]
    assert saved["minor_version"] == STORAGE_MINOR_VERSION
    slots = saved["data"]["thermostats"][THERMOSTAT]["temperature"]["model"]["slots"]
    assert "pending" not in slots
    assert slots["today"][0] == 48  # today's workday cells, from midnight
    assert slots["days"] == "by_kind_of_day"
