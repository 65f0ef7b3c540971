"""Tests for the home's unusual-inactivity binary sensor, through Home Assistant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import CONF_LEARNING, DOMAIN, EVENT_ANOMALY
from custom_components.cadence.engine import Conditions
from custom_components.cadence.engine.models.quiet import QuietWatch
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import MOTION, STORAGE_KEY, THERMOSTAT, stored_file, zone_subentry

INACTIVITY = "binary_sensor.cadence_unusual_inactivity"
PERSON = "person.alex"


def busy_days(days: int = 14) -> dict[str, Any]:
    """Return the home's quiet watch after days up 07:00-23:00, moving often."""
    watch = QuietWatch()
    start = dt_util.now() - timedelta(days=days)
    for i in range(days * 288):
        when = dt_util.as_local(start + timedelta(minutes=5 * i))
        if 7 <= when.hour < 23 and i % 3 == 0:
            watch.active(when)
        watch.tick(Conditions(when=when), watched=True)
    return watch.to_dict()


async def _set_up(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Store two busy weeks as the home's quiet, then set the entry up."""
    hass_storage[STORAGE_KEY] = stored_file(
        {"inactivity": {"home": busy_days()}}, minor_version=STORAGE_MINOR_VERSION
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: float, moving: bool
) -> list[str]:
    """Move on in five-minute steps, someone moving in each or nobody."""
    seen = []
    for _ in range(int(hours * 12)):
        if moving:
            hass.states.async_set(MOTION, "on", {"device_class": "motion"})
            await hass.async_block_till_done()
            hass.states.async_set(MOTION, "off", {"device_class": "motion"})
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        seen.append(hass.states.get(INACTIVITY).state)
    return seen


@pytest.mark.freeze_time("2026-11-20 10:01:00+01:00")
async def test_a_silent_day_at_home_is_announced_and_cleared(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Nobody moves from 10:00: on within a few hours, with a sentence; off when moving."""
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)
    await _set_up(hass, mock_config_entry, hass_storage)
    entity = er.async_get(hass).async_get(INACTIVITY)
    assert entity is not None
    assert entity.translation_key == "unusual_inactivity"
    assert entity.config_subentry_id is None
    device = dr.async_get(hass).async_get(entity.device_id or "")
    assert device is not None
    assert device.identifiers == {(DOMAIN, mock_config_entry.entry_id)}
    assert hass.states.get(INACTIVITY).state == "off"

    seen = await _wait(hass, freezer, 6, moving=False)
    assert seen[: 2 * 12] == ["off"] * 24  # two quiet hours are nothing
    assert "on" in seen
    state = hass.states.get(INACTIVITY)
    assert state.state == "on"
    assert state.attributes["device_class"] == "problem"
    assert state.attributes["actual"] >= state.attributes["limit"]
    assert state.attributes["limit"] > state.attributes["expected"]
    assert state.attributes["reason"].startswith("No activity anywhere at home for 6 h")
    assert [e.data["state"] for e in events] == ["started"]
    assert events[0].data["detector"] == "unusual_inactivity"

    seen = await _wait(hass, freezer, 1, moving=True)
    assert seen[-1] == "off"
    assert [e.data["state"] for e in events] == ["started", "ended"]


@pytest.mark.freeze_time("2026-11-20 10:01:00+01:00")
async def test_nobody_home_or_away_nothing_is_unusual(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """With everyone's person away, or the home set away, a silent day raises nothing."""
    hass.states.async_set(PERSON, "home")
    await _set_up(hass, mock_config_entry, hass_storage)
    hass.states.async_set(PERSON, "not_home")
    await hass.async_block_till_done()
    assert set(await _wait(hass, freezer, 6, moving=False)) == {"off"}
    assert hass.states.get(INACTIVITY).attributes["watched"] is False

    hass.states.async_set(PERSON, "home")  # coming home is activity
    await hass.async_block_till_done()
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.cadence_home_mode", "option": "away"},
        blocking=True,
    )
    assert set(await _wait(hass, freezer, 6, moving=False)) == {"off"}


async def test_relearning_one_zone_keeps_the_whole_homes_watch(
    hass: HomeAssistant, thermostat: str, living_room: ar.AreaEntry
) -> None:
    """Learning one zone's history leaves the home's watch over every zone's motion."""
    bedroom = ar.async_get(hass).async_create("Bedroom")
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={CONF_LEARNING: True},
        subentries_data=[
            zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION]),
            zone_subentry(
                bedroom.id,
                [],
                title="Bedroom",
                subentry_id="01ZONEBEDROOM",
                motion=["binary_sensor.bedroom_motion"],
            ),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The home's watch is available from the start (it judges nothing for a week).
    watch = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{entry.entry_id}_unusual_inactivity"
    )
    assert watch is not None
    assert hass.states.get(watch).state == "off"
    pipeline = entry.runtime_data.pipeline
    both = (MOTION, "binary_sensor.bedroom_motion")
    assert pipeline.channel("inactivity", "home").motion == both

    await hass.services.async_call(
        DOMAIN,
        "learn_from_history",
        {"zone": bedroom.id},
        blocking=True,
        return_response=True,
    )
    assert pipeline.channel("inactivity", "home").motion == both
