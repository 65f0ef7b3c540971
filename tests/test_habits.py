"""Tests for the occupancy and light-habit sensors, through Home Assistant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
import voluptuous as vol

from custom_components.cadence.const import CONF_LEARNING, DOMAIN

from .conftest import MOTION, THERMOSTAT, zone_subentry

LIGHT = "light.living_room_lamp"
OCCUPANCY = "sensor.living_room_occupancy"
NEXT_ARRIVAL = "sensor.living_room_next_arrival"
NEXT_VACANCY = "sensor.living_room_next_vacancy"
LIGHT_ON = "sensor.living_room_lamp_on_probability"


@pytest.fixture
def habit_entry(living_room: ar.AreaEntry) -> MockConfigEntry:
    """Return an entry whose zone has a motion sensor and a light."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION], lights=[LIGHT])
        ],
    )


async def _live_a_week(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, days: int = 7
) -> None:
    """Move through days: in the living room 18:00-22:00 with the lamp on."""
    for _ in range(days * 24 * 12):
        now = dt_util.now()
        busy = 18 <= now.hour < 22
        motion = "on" if busy and now.minute % 10 == 2 else "off"
        hass.states.async_set(MOTION, motion, {"device_class": "motion"})
        hass.states.async_set(LIGHT, "on" if busy else "off")
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_a_week_of_motion_gives_occupancy_and_next_arrival(
    hass: HomeAssistant,
    thermostat: str,
    habit_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a week of evenings, the morning forecasts the evening's arrival."""
    hass.states.async_set(LIGHT, "off")
    habit_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(habit_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(OCCUPANCY).state == "unknown"  # nothing learned yet

    await _live_a_week(hass, freezer)
    freezer.move_to("2026-11-23 10:02:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    occupancy = hass.states.get(OCCUPANCY)
    assert float(occupancy.state) < 30  # mornings are empty
    assert len(occupancy.attributes["forecast"]) == 48
    arrival = dt_util.parse_datetime(hass.states.get(NEXT_ARRIVAL).state)
    assert arrival is not None
    assert 17 <= dt_util.as_local(arrival).hour <= 19
    vacancy = dt_util.parse_datetime(hass.states.get(NEXT_VACANCY).state)
    assert vacancy is not None
    assert vacancy > arrival
    light = float(hass.states.get(LIGHT_ON).state)
    assert light < 30
    # The forecast is bulky: it stays out of the recorder.
    registry = er.async_get(hass)
    entity = registry.async_get(OCCUPANCY)
    assert entity is not None
    assert entity.translation_key == "occupancy"


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_occupancy_survives_a_restart(
    hass: HomeAssistant,
    thermostat: str,
    habit_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """What the zone learned is saved and restored with the entry."""
    hass.states.async_set(LIGHT, "off")
    habit_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(habit_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _live_a_week(hass, freezer, days=2)
    before = habit_entry.runtime_data.pipeline.channel("occupancy", "01ZONELIVING")
    assert before is not None
    samples = before.to_dict()["model"]["samples"]
    assert samples > 0

    assert await hass.config_entries.async_reload(habit_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    after = habit_entry.runtime_data.pipeline.channel("occupancy", "01ZONELIVING")
    assert after is not None
    assert after.to_dict()["model"]["samples"] == samples
    assert hass.states.get(OCCUPANCY).state not in ("unknown", "unavailable")


async def test_renamed_thermostat_keeps_what_it_learned(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A thermostat renamed in the entity registry keeps its learned model."""
    from homeassistant.core import Context

    from .conftest import PERSON

    await hass.services.async_call(
        "climate",
        "set_temperature",
        {"entity_id": THERMOSTAT, "temperature": 22},
        blocking=True,
        context=Context(user_id=PERSON.user_id),
    )
    await hass.async_block_till_done()
    channel = init_integration.runtime_data.thermostat(THERMOSTAT)
    assert channel is not None
    samples = channel.learners["temperature"].model.samples
    assert samples >= 1

    registry = er.async_get(hass)
    registry.async_update_entity(THERMOSTAT, new_entity_id="climate.lounge")
    await hass.async_block_till_done(wait_background_tasks=True)

    runtime = init_integration.runtime_data
    assert runtime.thermostat(THERMOSTAT) is None
    renamed = runtime.thermostat("climate.lounge")
    assert renamed is not None
    assert renamed.learners["temperature"].model.samples == samples
    zone = next(iter(init_integration.subentries.values()))
    assert zone.data["climate"] == ["climate.lounge"]


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_predict_answers_occupancy_and_light_on_days_ahead(
    hass: HomeAssistant,
    thermostat: str,
    living_room: ar.AreaEntry,
    habit_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """cadence.predict forecasts a zone's occupancy and a light, evenings high."""
    hass.states.async_set(LIGHT, "off")
    habit_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(habit_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "predict",
            {"entity_id": LIGHT},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "nothing_learned_yet"

    await _live_a_week(hass, freezer)
    evening = dt_util.now().replace(hour=19, minute=30) + timedelta(days=3)
    morning = evening.replace(hour=10)
    answers = {}
    for what in ({"zone": living_room.id}, {"entity_id": LIGHT}):
        for when in (evening, morning):
            answers[
                next(iter(what.values())), when.hour
            ] = await hass.services.async_call(
                DOMAIN,
                "predict",
                {**what, "time": when.isoformat()},
                blocking=True,
                return_response=True,
            )
    occupancy = answers[living_room.id, 19]
    assert occupancy["quantity"] == "occupancy"
    assert occupancy["unit"] == "%"
    assert occupancy["value"] > 50 > answers[living_room.id, 10]["value"]
    assert answers[LIGHT, 19]["value"] > 50 > answers[LIGHT, 10]["value"]
    assert answers[LIGHT, 19]["quantity"] == "light_on"


async def test_predict_refuses_what_no_zone_learns(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An unknown area or a light no zone has is the caller's mistake, named."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "predict", {"zone": "attic"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "zone_not_found"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "predict",
            {"entity_id": "light.garage"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "not_learned"
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "predict", {}, blocking=True, return_response=True
        )


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_get_schedule_gives_the_zones_and_lights_week(
    hass: HomeAssistant,
    thermostat: str,
    living_room: ar.AreaEntry,
    habit_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """cadence.get_schedule: occupancy and light-on per half hour, evenings high."""
    hass.states.async_set(LIGHT, "off")
    habit_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(habit_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_schedule",
            {"zone": living_room.id},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "nothing_learned_yet"

    await _live_a_week(hass, freezer)
    zone = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"zone": living_room.id, "format": "slots"},
        blocking=True,
        return_response=True,
    )
    assert zone["zone"] == living_room.id
    assert zone["quantity"] == "occupancy"
    assert zone["slot_minutes"] == 30
    assert list(zone["days"]) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    for slots in zone["days"].values():
        assert len(slots) == 48
        assert slots[39] > 50 > slots[20]  # 19:30 in use, 10:00 not
    light = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"entity_id": LIGHT, "format": "slots"},
        blocking=True,
        return_response=True,
    )
    assert light["quantity"] == "light_on"
    assert light["days"]["friday"][40] > 50 > light["days"]["friday"][16]
    # An on/off lamp has no brightness to schedule.
    assert "brightness" not in light

    # By default the week reads as the stretches when each is likely.
    zone_blocks = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"zone": living_room.id},
        blocking=True,
        return_response=True,
    )
    assert zone_blocks["format"] == "changes"
    assert zone_blocks["likely_from"] == 50
    assert "slot_minutes" not in zone_blocks
    for day, slots in zone["days"].items():
        found = zone_blocks["days"][day]
        assert found, day
        covered = [s for block in found for s in _slots_of(block)]
        assert covered == [i for i, value in enumerate(slots) if value >= 50]
        assert all(block["probability"] >= 50 for block in found)
        assert all("brightness" not in block for block in found)
    light_blocks = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"entity_id": LIGHT},
        blocking=True,
        return_response=True,
    )
    assert any(
        block["start"] <= "20:00" < block["end"]
        for block in light_blocks["days"]["friday"]
    )


def _slots_of(block: dict[str, Any]) -> range:
    """Return the half-hour slots a {start, end} block covers."""

    def slot(clock: str) -> int:
        hours, minutes = clock.split(":")
        return (int(hours) * 60 + int(minutes)) // 30

    return range(slot(block["start"]), slot(block["end"]))


async def test_renamed_outdoor_and_workday_sensors_are_followed(
    hass: HomeAssistant, thermostat: str, mock_config_entry: MockConfigEntry
) -> None:
    """Renaming the home-wide inputs in the registry updates the entry's options."""
    from custom_components.cadence.const import CONF_OUTDOOR_ENTITY, CONF_WORKDAY_ENTITY

    registry = er.async_get(hass)
    outdoor = registry.async_get_or_create(
        "sensor", "test", "outdoor", suggested_object_id="outdoor"
    ).entity_id
    workday = registry.async_get_or_create(
        "binary_sensor", "test", "workday", suggested_object_id="workday"
    ).entity_id
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={
            **mock_config_entry.options,
            CONF_OUTDOOR_ENTITY: outdoor,
            CONF_WORKDAY_ENTITY: workday,
        },
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    registry.async_update_entity(outdoor, new_entity_id="sensor.garden_temperature")
    registry.async_update_entity(workday, new_entity_id="binary_sensor.work_today")
    await hass.async_block_till_done(wait_background_tasks=True)

    options = hass.config_entries.async_get_entry(mock_config_entry.entry_id).options
    assert options[CONF_OUTDOOR_ENTITY] == "sensor.garden_temperature"
    assert options[CONF_WORKDAY_ENTITY] == "binary_sensor.work_today"
    runtime = mock_config_entry.runtime_data
    assert runtime.home.outdoor_entity == "sensor.garden_temperature"


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_an_occupancy_sensor_that_holds_gives_vacancy_and_arrival(
    hass: HomeAssistant,
    thermostat: str,
    living_room: ar.AreaEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A presence sensor on 18:00-22:00 for a week: in use while on, vacancy at 22."""
    presence = "binary_sensor.living_room_presence"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(living_room.id, [THERMOSTAT], motion=[presence])
        ],
    )
    hass.states.async_set(presence, "off", {"device_class": "occupancy"})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    for _ in range(7 * 24 * 12):
        held = 18 <= dt_util.now().hour < 22
        hass.states.async_set(
            presence, "on" if held else "off", {"device_class": "occupancy"}
        )
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    freezer.move_to("2026-11-23 19:32:00+01:00")
    hass.states.async_set(presence, "on", {"device_class": "occupancy"})
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    # On now: in use now, by definition; the forecast says when it will end.
    assert float(hass.states.get(OCCUPANCY).state) > 99
    vacancy = dt_util.as_local(
        dt_util.parse_datetime(hass.states.get(NEXT_VACANCY).state)
    )
    assert (vacancy.hour, vacancy.minute) in ((21, 32), (22, 2))
    arrival = dt_util.parse_datetime(hass.states.get(NEXT_ARRIVAL).state)
    assert arrival is None or arrival > vacancy
