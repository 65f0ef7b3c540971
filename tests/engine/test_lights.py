"""Tests for a light's channel: who teaches its habit, and what people choose."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.cadence.engine import Conditions, Reading, Source, Zone
from custom_components.cadence.engine.channels.lights import (
    CORRECTION_WEIGHT,
    LightChannel,
    brightness_pct,
    color_modes,
    color_temp_k,
)
from custom_components.cadence.engine.layout import HomeLayout
from custom_components.cadence.engine.models.preference import PreferenceModel

TZ = ZoneInfo("Europe/Amsterdam")
LIGHT = "light.lamp"
START = datetime(2026, 11, 2, 0, 0, tzinfo=TZ)
DIMMABLE = {"supported_color_modes": ["color_temp"]}


def at(when: datetime) -> Conditions:
    """Return the conditions of a moment."""
    return Conditions(when=when)


def lamp(
    state: str, brightness: int | None = None, kelvin: int | None = None
) -> Reading:
    """Return a lamp's reported state."""
    attributes: dict[str, Any] = {}
    if brightness is not None:
        attributes["brightness"] = brightness
    if kelvin is not None:
        attributes["color_temp_kelvin"] = kelvin
    return Reading(state, attributes)


def live(
    channel: LightChannel, days: int, source: Source, start: datetime = START
) -> None:
    """Turn the lamp on 18:00-22:00 every day by source, ticking every 5 minutes."""
    state = None
    for step in range(days * 24 * 12):
        when = start + timedelta(minutes=5 * step)
        wanted = "on" if 18 <= when.hour < 22 else "off"
        if wanted != state:
            channel.on_state(at(when), LIGHT, lamp(wanted), None, source)
            state = wanted
        channel.on_tick(at(when))


def test_a_persons_switching_teaches_and_an_automations_does_not() -> None:
    """People teach the habit; an automation's lamp teaches nothing."""
    person, automation = LightChannel(LIGHT), LightChannel(LIGHT)
    live(person, 7, Source.PERSON)
    live(automation, 7, Source.AUTOMATION)
    evening = at(START + timedelta(days=7, hours=20))
    assert person.forecast(evening, evening.when)["light_on"].value > 0.7
    assert person.feed.model.samples > 7 * 24 * 11
    assert automation.feed.model.samples == 0
    assert "light_on" not in automation.forecast(evening, evening.when)


def test_a_device_change_teaches_and_a_found_state_does_not() -> None:
    """A change at the switch teaches; a state found at start-up does not."""
    device, found = LightChannel(LIGHT), LightChannel(LIGHT)
    device.on_state(at(START), LIGHT, lamp("on"), None, Source.DEVICE)
    found.on_state(at(START), LIGHT, lamp("on"), None, Source.UNKNOWN)
    for channel in (device, found):
        channel.on_tick(at(START))
        channel.on_tick(at(START + timedelta(minutes=5)))
    assert device.feed.model.samples == 2
    assert found.feed.model.samples == 0


def test_a_correction_of_an_automation_is_the_strongest_label() -> None:
    """Turning off what an automation just turned on teaches off three times over."""
    corrected, plain = LightChannel(LIGHT), LightChannel(LIGHT)
    when = START + timedelta(hours=20)
    corrected.on_state(at(when), LIGHT, lamp("on"), None, Source.AUTOMATION)
    outcome = corrected.on_state(
        at(when + timedelta(minutes=2)), LIGHT, lamp("off"), lamp("on"), Source.PERSON
    )
    assert outcome.learned
    assert corrected.feed.model.samples == 1
    # The same person's change long after the automation is an ordinary one.
    plain.on_state(at(when), LIGHT, lamp("on"), None, Source.AUTOMATION)
    late = plain.on_state(
        at(when + timedelta(minutes=6)), LIGHT, lamp("off"), lamp("on"), Source.PERSON
    )
    assert not late.learned
    assert plain.feed.model.samples == 0
    x = at(when)
    assert corrected.feed.model.predict(x) < plain.feed.model.predict(x) - 0.05
    # A second change by the person is no longer a correction.
    again = corrected.on_state(
        at(when + timedelta(minutes=3)), LIGHT, lamp("on"), lamp("off"), Source.PERSON
    )
    assert not again.learned
    assert corrected.feed.model.samples == 1


def test_keeping_a_machines_on_but_not_its_brightness() -> None:
    """The on the person kept is no strong label; the brightness they changed is."""
    channel = LightChannel(LIGHT, dimmable=True)
    when = START + timedelta(hours=20)
    channel.on_state(at(when), LIGHT, lamp("on", 255), None, Source.CADENCE)
    channel.on_state(
        at(when + timedelta(minutes=1)),
        LIGHT,
        lamp("on", 102),
        lamp("on", 255),
        Source.PERSON,
    )
    assert channel.feed.model.samples == 0
    # The brightness was corrected: it counts three times.
    assert channel.brightness.to_dict()["weight"][20] == CORRECTION_WEIGHT


def test_preferred_brightness_follows_the_time_of_day() -> None:
    """Dim evenings and bright mornings are learned as such, in %."""
    channel = LightChannel(LIGHT, dimmable=True)
    for day in range(5):
        for hour, level in ((7, 255), (21, 77)):
            when = START + timedelta(days=day, hours=hour)
            channel.on_state(at(when), LIGHT, lamp("on", level), None, Source.PERSON)
            channel.on_state(
                at(when + timedelta(hours=1)), LIGHT, lamp("off"), None, Source.PERSON
            )
    morning = at(START + timedelta(days=5, hours=7))
    evening = at(START + timedelta(days=5, hours=21))
    assert channel.forecast(morning, morning.when)["brightness"].value > 90
    assert channel.forecast(evening, evening.when)["brightness"].value < 40
    assert 0.5 < channel.forecast(evening, evening.when)["brightness"].confidence < 1


def test_adaptive_lighting_neither_teaches_nor_breaks_the_habit() -> None:
    """An automation changing brightness and colour of a person's lamp is not learned."""
    channel = LightChannel(LIGHT, dimmable=True, tunable=True)
    when = START + timedelta(hours=19)
    channel.on_state(at(when), LIGHT, lamp("on", 128, 3000), None, Source.PERSON)
    for minute in range(5, 60, 5):
        moment = when + timedelta(minutes=minute)
        channel.on_state(
            at(moment),
            LIGHT,
            lamp("on", 128 - minute, 3000 - 10 * minute),
            lamp("on", 128, 3000),
            Source.AUTOMATION,
        )
        channel.on_tick(at(moment))
    assert channel.brightness.samples == 1
    assert channel.color_temp.samples == 1
    # The person's on still labels every sample while the automation adapts it.
    assert channel.feed.model.samples == 11
    assert channel.forecast(at(when), when)["color_temp"].value == 3000


def test_brightness_and_colour_appear_only_where_the_light_has_them() -> None:
    """An on/off light has no preferred brightness; modes come from the facts."""
    zone = Zone(zone_id="z", name="Z", lights=(LIGHT, "light.bulb", "light.new"))
    facts = {
        LIGHT: DIMMABLE,
        "light.bulb": {"supported_color_modes": ["onoff"]},
    }
    lamp_channel, bulb, new = LightChannel.for_zone(
        zone, HomeLayout(zones=(zone,)), {}, facts.get
    )
    assert (lamp_channel.dimmable, lamp_channel.tunable) == (True, True)
    assert (bulb.dimmable, bulb.tunable) == (False, False)
    assert (new.dimmable, new.tunable) == (False, False)
    when = START + timedelta(hours=20)
    for channel in (lamp_channel, bulb):
        channel.on_state(at(when), channel.key, lamp("on", 51), None, Source.PERSON)
    assert set(lamp_channel.forecast(at(when), when)) == {"brightness"}
    assert bulb.forecast(at(when), when) == {}
    # The first state of the new light says what it supports.
    new.on_state(
        at(when),
        "light.new",
        Reading("on", {"supported_color_modes": ["brightness"], "brightness": 10}),
        None,
        Source.PERSON,
    )
    assert (new.dimmable, new.tunable) == (True, False)


def test_a_light_survives_a_save_and_restore() -> None:
    """Habit, preferences and modes come back as they were."""
    channel = LightChannel(LIGHT, dimmable=True, tunable=True)
    live(channel, 2, Source.PERSON)
    when = START + timedelta(days=2, hours=20)
    channel.on_state(at(when), LIGHT, lamp("on", 200, 2700), None, Source.PERSON)
    zone = Zone(zone_id="z", name="Z", lights=(LIGHT,))
    (restored,) = LightChannel.for_zone(
        zone, HomeLayout(zones=(zone,)), {LIGHT: channel.to_dict()}, lambda e: None
    )
    assert restored.to_dict() == channel.to_dict()
    assert restored.forecast(at(when), when) == channel.forecast(at(when), when)


def test_a_light_migrated_from_before_preferences_keeps_its_habit() -> None:
    """A 1.4 entry (the habit alone, under "habit") starts its preferences afresh."""
    channel = LightChannel(LIGHT)
    live(channel, 1, Source.PERSON)
    restored = LightChannel.from_dict(
        LIGHT, {"version": 1, "habit": channel.feed.to_dict()}
    )
    assert restored.feed.model.samples == channel.feed.model.samples
    assert restored.brightness.samples == 0
    assert not restored.dimmable


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"dimmable": "yes"},
        {"brightness": {"version": 1}},
        {"habit": []},
    ],
)
def test_a_damaged_light_is_refused(change: dict[str, Any]) -> None:
    """A stored light that is not what Cadence writes raises."""
    data = LightChannel(LIGHT).to_dict() | change
    with pytest.raises((ValueError, TypeError, KeyError)):
        LightChannel.from_dict(LIGHT, data)


def test_attributes_are_read_in_home_assistants_units() -> None:
    """Brightness 0-255 becomes %, kelvin is bounded, modes say what is possible."""
    assert brightness_pct({"brightness": 255}) == 100.0
    assert brightness_pct({"brightness": 128}) == 50.2
    assert brightness_pct({"brightness": 256}) is None
    assert brightness_pct({"brightness": "bright"}) is None
    assert brightness_pct({}) is None
    assert color_temp_k({"color_temp_kelvin": 2700}) == 2700
    assert color_temp_k({"color_temp_kelvin": 999}) is None
    assert color_temp_k({"color_temp_kelvin": float("nan")}) is None
    assert color_modes({"supported_color_modes": ["hs", "color_temp"]}) == (True, True)
    assert color_modes({"supported_color_modes": ["onoff"]}) == (False, False)
    assert color_modes({"supported_color_modes": "onoff"}) is None
    assert color_modes(None) is None


def test_a_preference_fades_towards_the_newer_taste() -> None:
    """Choices fade by half in 28 days; nearby hours inform each other, around midnight."""
    model = PreferenceModel(0.0, 100.0)
    assert model.predict(at(START)) is None
    assert model.confidence(at(START)) == 0.0
    model.learn(at(START + timedelta(hours=23)), 20.0)
    model.learn(at(START + timedelta(days=28, hours=23)), 80.0)
    # The old choice weighs half the new one: (0.5 * 20 + 80) / 1.5 = 60.
    assert model.predict(at(START + timedelta(days=28, hours=23))) == pytest.approx(
        60.0, abs=0.5
    )
    # 01:00 is two hours from 23:00 across midnight: it leans on it.
    early = model.confidence(at(START + timedelta(days=29, hours=1)))
    noon = model.confidence(at(START + timedelta(days=29, hours=12)))
    assert early > 0.1 > noon
    model.learn(at(START + timedelta(days=29)), 500.0)  # clamped to 100
    assert model.to_dict()["mean"][0] == 100.0
    with pytest.raises(ValueError, match="finite value and weight"):
        model.learn(at(START), float("nan"))
    with pytest.raises(ValueError, match="finite value and weight"):
        model.learn(at(START), 50.0, 0.0)
    with pytest.raises(ValueError, match="low < high"):
        PreferenceModel(1.0, 1.0)
    assert PreferenceModel.from_dict(model.to_dict()).to_dict() == model.to_dict()


@pytest.mark.parametrize(
    "change",
    [
        {"weight": [1.0] * 23},
        {"weight": [-1.0] * 24},
        {"mean": "x"},
        {"day": 0},
        {"low": 5.0, "high": 1.0},
    ],
)
def test_a_damaged_preference_is_refused(change: dict[str, Any]) -> None:
    """A stored preference that is not what Cadence writes raises."""
    data = PreferenceModel(0.0, 100.0).to_dict() | change
    with pytest.raises((ValueError, TypeError)):
        PreferenceModel.from_dict(data)


def test_a_light_back_from_unavailable_is_found_not_chosen() -> None:
    """Power restored turns a bulb on: nobody chose it, so it teaches nothing."""
    channel = LightChannel(LIGHT, dimmable=True)
    when = START + timedelta(hours=20)
    channel.on_state(
        at(when), LIGHT, lamp("on", 255), lamp("unavailable"), Source.DEVICE
    )
    channel.on_tick(at(when))
    assert channel.feed.model.samples == 0
    assert channel.brightness.samples == 0


def test_colour_temperatures_are_bounded_inclusively() -> None:
    """1000 K and 20000 K are colours; a kelvin beyond them is not a light."""
    assert color_temp_k({"color_temp_kelvin": 1000}) == 1000
    assert color_temp_k({"color_temp_kelvin": 20000}) == 20000
    assert color_temp_k({"color_temp_kelvin": 20001}) is None
    assert brightness_pct({"brightness": 0}) == 0.0
    assert brightness_pct({"brightness": -1}) is None


@pytest.mark.parametrize(("ticks", "lent"), [(24 * 12, True), (24 * 12 - 1, False)])
def test_a_light_lends_its_habit_after_a_day_of_ticks(ticks: int, lent: bool) -> None:
    """Exactly a day of five-minute samples (288) is enough to lend; one fewer is not."""
    old = LightChannel(LIGHT)
    old.on_state(at(START), LIGHT, lamp("on"), lamp("off"), Source.PERSON)
    for step in range(ticks):
        old.on_tick(at(START + timedelta(minutes=5 * step)))
    assert old.feed.model.samples == ticks
    zone = Zone(zone_id="z", name="Z", lights=("light.new",))
    (new,) = LightChannel.for_zone(
        zone, HomeLayout(zones=(zone,)), {LIGHT: old.to_dict()}, lambda e: None
    )
    assert new.feed.model.informed is lent


def test_a_preference_is_pinned_to_known_numbers() -> None:
    """Literal expectations: kernel width, the all-day prior, confidence and fading.

    20 % at 20:00 and 80 % (weight 2) at 08:00: at 20:00 the choice and the
    all-day mean (60, counted half) give (20 + 0.5 * 60) / 1.5 = 33.3; 12 hours
    away the mean alone; confidence at 20:00 is 1 / (1 + 3).
    """
    model = PreferenceModel(0.0, 100.0)
    model.learn(at(START + timedelta(hours=20)), 20.0)
    model.learn(at(START + timedelta(hours=8)), 80.0, 2.0)
    expected = {
        20: (33.333333, 0.25),
        21: (35.375894, 0.210679),
        14: (60.0, 0.000335),
        8: (76.0, 0.4),
    }
    for hour, (value, confidence) in expected.items():
        x = at(START + timedelta(hours=hour))
        assert model.predict(x) == pytest.approx(value, abs=1e-5)
        assert model.confidence(x) == pytest.approx(confidence, abs=1e-6)
    # Fourteen days later the old choices weigh 2 ** -0.5 of a new one.
    later = at(START + timedelta(days=14, hours=20))
    model.learn(later, 50.0)
    assert model.predict(later) == pytest.approx(41.928306, abs=1e-5)


def test_only_the_first_change_after_a_machine_is_its_correction() -> None:
    """Off, on, off again within minutes of an automation: one strong label only."""
    channel = LightChannel(LIGHT)
    when = START + timedelta(hours=20)
    channel.on_state(at(when), LIGHT, lamp("on"), lamp("off"), Source.AUTOMATION)
    for minute, state in ((1, "off"), (2, "on"), (3, "off")):
        before = "on" if state == "off" else "off"
        channel.on_state(
            at(when + timedelta(minutes=minute)),
            LIGHT,
            lamp(state),
            lamp(before),
            Source.PERSON,
        )
    assert channel.feed.model.samples == 1


def test_a_colour_that_is_no_longer_reported_is_not_learned() -> None:
    """A person dims a lamp that stops reporting its colour: brightness only."""
    channel = LightChannel(LIGHT, dimmable=True, tunable=True)
    when = START + timedelta(hours=20)
    channel.on_state(
        at(when), LIGHT, lamp("on", 200), lamp("on", 100, 2700), Source.PERSON
    )
    assert channel.brightness.samples == 1
    assert channel.color_temp.samples == 0
