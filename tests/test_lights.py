"""Tests for a light's habits through Home Assistant: who teaches, and brightness."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import CONF_LEARNING, DOMAIN

from .conftest import (
    MOTION,
    PERSON,
    STORAGE_KEY,
    THERMOSTAT,
    stored_file,
    zone_subentry,
)

LIGHT = "light.living_room_lamp"
BULB = "light.living_room_bulb"
LIGHT_ON = "sensor.living_room_lamp_on_probability"
BRIGHTNESS = "sensor.living_room_lamp_preferred_brightness"
COLOR_TEMP = "sensor.living_room_lamp_preferred_color_temperature"
DIMMABLE = {"supported_color_modes": ["color_temp"], "color_mode": "color_temp"}
AUTOMATION = Context(parent_id="01AUTOMATIONRUN0000000000")


@pytest.fixture
def light_entry(living_room: ar.AreaEntry) -> MockConfigEntry:
    """Return an entry whose zone has a dimmable lamp and an on/off bulb."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(
                living_room.id, [THERMOSTAT], motion=[MOTION], lights=[LIGHT, BULB]
            )
        ],
    )


def lamp(brightness: int, kelvin: int) -> dict[str, Any]:
    """Return the attributes of the lamp on at a brightness and colour."""
    return DIMMABLE | {"brightness": brightness, "color_temp_kelvin": kelvin}


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up with both lights off."""
    hass.states.async_set(LIGHT, "off", DIMMABLE)
    hass.states.async_set(BULB, "off", {"supported_color_modes": ["onoff"]})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _evenings(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    days: int,
    context: Context,
    brightness: int = 77,
) -> None:
    """Turn both lights on 19:00-22:00 in the given context, ticking five minutes."""
    on = False
    for _ in range(days * 24 * 12):
        wanted = 19 <= dt_util.now().hour < 22
        if wanted != on:
            state = "on" if wanted else "off"
            attributes = lamp(brightness, 2700) if wanted else DIMMABLE
            hass.states.async_set(LIGHT, state, attributes, context=context)
            hass.states.async_set(BULB, state, context=context)
            on = wanted
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_a_persons_lamp_shows_its_habit_and_preferred_brightness(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Evenings at 30 % are learned: on-probability, brightness and colour per lamp."""
    await _setup(hass, light_entry)
    registry = er.async_get(hass)
    assert registry.async_get(BRIGHTNESS).translation_key == "preferred_brightness"
    assert registry.async_get(COLOR_TEMP).translation_key == "preferred_color_temp"
    # An on/off bulb has no brightness to prefer.
    assert not registry.async_get("sensor.living_room_bulb_preferred_brightness")
    assert hass.states.get(BRIGHTNESS).state == "unknown"

    await _evenings(hass, freezer, 3, PERSON)
    freezer.move_to("2026-11-19 20:30:00+01:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert float(hass.states.get(LIGHT_ON).state) > 50
    brightness = hass.states.get(BRIGHTNESS)
    assert float(brightness.state) == pytest.approx(30.2, abs=0.1)
    assert brightness.attributes["unit_of_measurement"] == "%"
    assert 0 < brightness.attributes["confidence"] < 100  # in %
    assert hass.states.get(COLOR_TEMP).state == "2700"
    answer = await hass.services.async_call(
        DOMAIN,
        "predict",
        {"entity_id": LIGHT, "time": "2026-11-20 20:30:00"},
        blocking=True,
        return_response=True,
    )
    assert answer["brightness"]["value"] == pytest.approx(30.2, abs=0.1)
    assert answer["brightness"]["unit"] == "%"
    assert answer["color_temp"]["value"] == 2700
    assert answer["color_temp"]["unit"] == "K"
    week = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"entity_id": LIGHT, "format": "slots"},
        blocking=True,
        return_response=True,
    )
    assert week["brightness"]["unit"] == "%"
    assert week["brightness"]["days"]["monday"][41] == pytest.approx(30.2, abs=0.1)
    assert week["color_temp"]["days"]["sunday"][0] == 2700
    blocks = await hass.services.async_call(
        DOMAIN,
        "get_schedule",
        {"entity_id": LIGHT},
        blocking=True,
        return_response=True,
    )
    evening = [b for b in blocks["days"]["monday"] if b["start"] <= "20:30" < b["end"]]
    assert len(evening) == 1
    assert evening[0]["brightness"] == pytest.approx(30.2, abs=1.0)


@pytest.mark.freeze_time("2026-11-16 00:02:00+01:00")
async def test_an_automations_lights_teach_nothing(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Lights an automation switches leave every habit sensor unknown."""
    await _setup(hass, light_entry)
    await _evenings(hass, freezer, 2, AUTOMATION)
    for entity_id in (LIGHT_ON, BRIGHTNESS, COLOR_TEMP):
        assert hass.states.get(entity_id).state == "unknown"


@pytest.mark.freeze_time("2026-11-16 20:00:00+01:00")
async def test_a_persons_correction_of_an_automation_is_learned_strongly(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Dimming the lamp an automation just lit at full counts three times over."""
    await _setup(hass, light_entry)
    hass.states.async_set(LIGHT, "on", lamp(255, 4000), context=AUTOMATION)
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=2))
    hass.states.async_set(LIGHT, "on", lamp(51, 2200), context=PERSON)
    # The person turns the bulb off right after an automation turned it on.
    hass.states.async_set(BULB, "on", context=AUTOMATION)
    await hass.async_block_till_done()
    hass.states.async_set(BULB, "off", context=PERSON)
    await hass.async_block_till_done()

    pipeline = light_entry.runtime_data.pipeline
    lamp_channel = pipeline.channel("lights", LIGHT)
    bulb_channel = pipeline.channel("lights", BULB)
    assert lamp_channel.brightness.to_dict()["weight"][20] == 3.0
    assert lamp_channel.color_temp.to_dict()["weight"][20] == 3.0
    assert bulb_channel.feed.model.samples == 1
    assert hass.states.get(BRIGHTNESS).state == "20.0"


async def test_a_light_stored_by_cadence_1_4_keeps_its_habit(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The store migrates a 1.4 light (its habit alone) to 1.5 and keeps it."""
    from custom_components.cadence.engine import Conditions, Reading, Source
    from custom_components.cadence.engine.channels import LightChannel

    learned = LightChannel(LIGHT)
    start = dt_util.now()
    learned.on_state(
        Conditions(when=start), LIGHT, Reading("on", {}), None, Source.PERSON
    )
    for minutes in range(0, 60, 5):
        learned.on_tick(Conditions(when=start + timedelta(minutes=minutes)))
    habit = learned.feed.to_dict()
    hass_storage[STORAGE_KEY] = stored_file({"lights": {LIGHT: habit}}, minor_version=4)
    await _setup(hass, light_entry)

    channel = light_entry.runtime_data.pipeline.channel("lights", LIGHT)
    assert channel.feed.model.samples == 12
    assert channel.dimmable
    assert hass.states.get(LIGHT_ON).state not in ("unknown", "unavailable")


@pytest.mark.freeze_time("2026-11-16 19:00:00+01:00")
async def test_an_unavailable_storm_teaches_nothing_and_breaks_nothing(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A lamp and motion sensor flapping unavailable for an hour learn only the rest."""
    await _setup(hass, light_entry)
    hass.states.async_set(LIGHT, "on", lamp(128, 3000), context=PERSON)
    storm = ("unavailable", "unknown", "unavailable", "on")
    for minute in range(60):
        state = storm[minute % len(storm)]
        attributes = lamp(128, 3000) if state == "on" else {}
        hass.states.async_set(LIGHT, state, attributes)
        hass.states.async_set(MOTION, state, {"device_class": "motion"})
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    channel = light_entry.runtime_data.pipeline.channel("lights", LIGHT)
    # Twelve ticks in the hour: each sample whose state was unknown is not learned,
    # and a lamp back from unavailable is found, not chosen: it does not teach.
    assert channel.feed.model.samples <= 1
    assert channel.brightness.samples == 1
    for entity_id in (LIGHT_ON, BRIGHTNESS, "sensor.living_room_occupancy"):
        assert hass.states.get(entity_id).state != "unavailable"


@pytest.mark.freeze_time("2026-10-25 00:02:00+02:00")
async def test_the_autumn_clock_change_neither_repeats_nor_loses_a_sample(
    hass: HomeAssistant,
    thermostat: str,
    light_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """From 00:00 to 04:00 local on the night clocks go back: five real hours sampled."""
    await _setup(hass, light_entry)
    hass.states.async_set(LIGHT, "on", lamp(40, 2200), context=PERSON)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    while dt_util.now().hour < 4 or dt_util.utcnow() - start < timedelta(hours=3):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert dt_util.utcnow() - start == timedelta(hours=5)
    channel = light_entry.runtime_data.pipeline.channel("lights", LIGHT)
    assert 5 * 12 <= channel.feed.model.samples <= 5 * 12 + 1
    assert float(hass.states.get(LIGHT_ON).state) > 50


async def test_diagnostics_say_what_each_light_learned(
    hass: HomeAssistant,
    hass_client: Any,
    thermostat: str,
    light_entry: MockConfigEntry,
) -> None:
    """Each light's samples, choices and modes are in the diagnostics."""
    from pytest_homeassistant_custom_component.components.diagnostics import (
        get_diagnostics_for_config_entry,
    )

    await _setup(hass, light_entry)
    hass.states.async_set(LIGHT, "on", lamp(51, 2200), context=PERSON)
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, light_entry)
    zone_lights = list(light_entry.runtime_data.home.zones[0].lights)
    # Lights are named as the zone lists them, by domain and number.
    zone = diagnostics["zones"][0]
    lamp_id, bulb_id = (zone["lights"][zone_lights.index(e)] for e in (LIGHT, BULB))
    lamp_stats = diagnostics["lights"][lamp_id]
    assert lamp_stats["brightness_choices"] == 1
    assert lamp_stats["color_temp_choices"] == 1
    assert lamp_stats["dimmable"]
    assert lamp_stats["tunable"]
    assert lamp_stats["state_bytes"] < 4096
    assert not diagnostics["lights"][bulb_id]["dimmable"]
    assert LIGHT not in json.dumps(diagnostics)


async def test_a_renamed_light_keeps_its_habit(
    hass: HomeAssistant, thermostat: str, light_entry: MockConfigEntry
) -> None:
    """A light renamed in the entity registry keeps what it learned, and its sensors."""
    registry = er.async_get(hass)
    lamp_entry = registry.async_get_or_create(
        "light", "test", "lamp", suggested_object_id="living_room_lamp"
    )
    assert lamp_entry.entity_id == LIGHT
    await _setup(hass, light_entry)
    hass.states.async_set(LIGHT, "on", lamp(51, 2200), context=PERSON)
    await hass.async_block_till_done()

    registry.async_update_entity(LIGHT, new_entity_id="light.reading_lamp")
    await hass.async_block_till_done(wait_background_tasks=True)
    pipeline = light_entry.runtime_data.pipeline
    assert pipeline.channel("lights", LIGHT) is None
    renamed = pipeline.channel("lights", "light.reading_lamp")
    assert renamed is not None
    assert renamed.brightness.samples == 1
