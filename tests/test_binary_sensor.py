"""Tests for the unusual-reading binary sensors and expected values, through Home Assistant."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    area_registry as ar,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.cadence.const import CONF_LEARNING, DOMAIN, EVENT_ANOMALY
from custom_components.cadence.descriptions import duration_text, rate_unit
from custom_components.cadence.engine import Conditions, LevelFeed
from custom_components.cadence.reasons import Reasons
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import STORAGE_KEY, THERMOSTAT, stored_file, zone_subentry

# The sensor_health entities start disabled; these tests read them.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

FRIDGE = "sensor.living_room_fridge_power"
METER = "sensor.living_room_energy"
UNUSUAL = "binary_sensor.living_room_fridge_power_unusual_reading"
EXPECTED = "sensor.living_room_fridge_power_expected"
HEALTH = "sensor.living_room_fridge_power_health"
METER_EXPECTED = "sensor.living_room_energy_expected"
NOW = "2026-11-20 12:02:00+01:00"
WATTS = {
    "unit_of_measurement": "W",
    "device_class": "power",
    "friendly_name": "Living room fridge power",
}


def fridge_w(when: datetime) -> float:
    """Return a fridge's power: 100 W for 20 minutes of every hour, else 0 W."""
    return 100.0 if when.minute < 20 else 0.0


def trained_fridge(until: datetime, days: int = 10) -> dict[str, Any]:
    """Return a fridge's feed after days of ordinary cycling, as the store keeps it."""
    feed = LevelFeed(counter=False)
    start = until - timedelta(days=days)
    for i in range(days * 288):
        when = dt_util.as_local(start + timedelta(minutes=5 * i))
        feed.update(when, f"{fridge_w(when):.1f}")
        feed.tick(Conditions(when=when))
    return feed.to_dict()


async def set_up_trained(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    watts: str,
) -> None:
    """Set Cadence up with ten days of a cycling fridge learned, reading watts now."""
    hass_storage[STORAGE_KEY] = stored_file(
        {"levels": {FRIDGE: trained_fridge(dt_util.now())}},
        minor_version=STORAGE_MINOR_VERSION,
    )
    hass.states.async_set(FRIDGE, watts, WATTS)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
def power_entry(living_room: ar.AreaEntry) -> MockConfigEntry:
    """Return an entry whose zone has a fridge's power sensor and an energy meter."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(living_room.id, [THERMOSTAT], power=[FRIDGE, METER])
        ],
    )


async def _run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hours: float,
    watts: Any = fridge_w,
    attributes: dict[str, str] = WATTS,
    entity_id: str = UNUSUAL,
) -> list[str]:
    """Move on in five-minute steps with the fridge reading watts(now); log states.

    The fridge reports with these attributes (its unit); entity_id's states are logged.
    """
    seen = []
    for _ in range(int(hours * 12)):
        freezer.tick(timedelta(minutes=5))
        now = dt_util.now()
        hass.states.async_set(FRIDGE, f"{watts(now):.1f}", attributes)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        seen.append(hass.states.get(entity_id).state)
    return seen


@pytest.mark.freeze_time(NOW)
async def test_a_fridge_that_stops_is_flagged_announced_and_cleared(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """0 W for hours where it always cycles: on with a reason, events start and end."""
    events: list[Event] = []

    @callback
    def record(event: Event) -> None:
        events.append(event)

    hass.bus.async_listen(EVENT_ANOMALY, record)
    await set_up_trained(hass, power_entry, hass_storage, "100.0")

    registry = er.async_get(hass)
    entity = registry.async_get(UNUSUAL)
    assert entity is not None
    assert entity.translation_key == "unusual_reading"
    assert entity.original_device_class == "problem"
    assert (await _run(hass, freezer, 2))[-1] == "off"  # ordinary cycling
    expected = hass.states.get(EXPECTED)
    assert expected.attributes["unit_of_measurement"] == "W"
    assert expected.attributes["device_class"] == "power"
    assert 0.0 <= float(expected.state) <= 100.0

    seen = await _run(hass, freezer, 8, lambda now: 0.0)
    assert seen[:12] == ["off"] * 12  # one quiet hour is nothing
    assert "on" in seen
    flagged_after_h = seen.index("on") / 12
    assert flagged_after_h <= 6.0
    state = hass.states.get(UNUSUAL)
    assert state.attributes["kind"] == "still"
    assert state.attributes["actual"] == 0.0
    assert "without change since" in state.attributes["reason"]
    assert state.attributes["reason"].startswith(
        "Living room fridge power has read 0 W"
    )
    assert state.attributes["usual_low"] == 0.0  # never below the lowest reading
    assert dt_util.parse_datetime(state.attributes["since"]) is not None
    assert hass.states.get(HEALTH).state == "stuck"  # and not learned meanwhile
    started = [e.data for e in events if e.data["state"] == "started"]
    assert len(started) == 1
    assert started[0]["entity_id"] == UNUSUAL
    assert started[0]["source"] == FRIDGE
    assert started[0]["detector"] == "unusual_reading"
    assert started[0]["kind"] == "still"

    seen = await _run(hass, freezer, 3)  # cycling again
    assert seen[-1] == "off"
    assert [e.data["state"] for e in events] == ["started", "ended"]
    assert hass.states.get(UNUSUAL).attributes["reason"] is None
    assert hass.states.get(HEALTH).state == "ok"


@pytest.mark.freeze_time(NOW)
async def test_a_raised_flag_survives_a_restart_without_a_second_start(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Reloaded while flagged: still on, and no new "started" is announced."""
    await set_up_trained(hass, power_entry, hass_storage, "0.0")
    assert (await _run(hass, freezer, 7, lambda now: 0.0))[-1] == "on"
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)

    assert await hass.config_entries.async_reload(power_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(UNUSUAL).state == "on"
    await _run(hass, freezer, 0.5, lambda now: 0.0)
    assert hass.states.get(UNUSUAL).state == "on"
    assert events == []


@pytest.mark.freeze_time(NOW)
async def test_an_energy_meter_is_expected_as_power_and_bad_states_are_skipped(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A total_increasing kWh meter gives kW; unavailable, NaN and text teach nothing."""
    meter = {
        "unit_of_measurement": "kWh",
        "device_class": "energy",
        "state_class": "total_increasing",
    }
    hass.states.async_set(METER, "1000.0", meter)
    hass.states.async_set(FRIDGE, "unavailable", WATTS)
    power_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(power_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(UNUSUAL).state == "unavailable"  # nothing learned yet
    total = 1000.0
    for step in range(36):
        freezer.tick(timedelta(minutes=5))
        total += 0.1  # 1.2 kW
        hass.states.async_set(METER, f"{total:.2f}", meter)
        hass.states.async_set(FRIDGE, ("nan", "unknown", "broken")[step % 3], WATTS)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    expected = hass.states.get(METER_EXPECTED)
    assert expected.attributes["unit_of_measurement"] == "kW"
    assert expected.attributes["device_class"] == "power"
    assert float(expected.state) == pytest.approx(1.2, abs=0.05)
    assert hass.states.get(EXPECTED).state == "unknown"
    # Reporting again (if nonsense): nothing learned yet, so unknown, not unavailable.
    assert hass.states.get(UNUSUAL).state == "unknown"
    hass.states.async_remove(FRIDGE)  # gone: its verdict is unavailable
    await hass.async_block_till_done()
    assert hass.states.get(UNUSUAL).state == "unavailable"


@pytest.mark.freeze_time(NOW)
async def test_an_appliance_left_on_is_flagged_high_with_the_usual_range(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """2 kW for hours where the fridge draws at most 100 W: high, and by how much."""
    await set_up_trained(hass, power_entry, hass_storage, "100.0")
    seen = await _run(hass, freezer, 6, lambda now: 2000.0)
    assert "on" in seen
    assert seen.index("on") / 12 <= 4.0
    state = hass.states.get(UNUSUAL)
    assert state.attributes["kind"] == "high"
    assert state.attributes["actual"] == 2000.0
    reason = state.attributes["reason"]
    assert reason.startswith("Living room fridge power 2000 W since ")
    assert reason.endswith(" W at this hour")
    assert "; usually 0 to " in reason


async def test_a_sensor_without_unit_or_with_an_unknown_class_shows_neither(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
) -> None:
    """The expected value copies only a unit and a device class Home Assistant knows."""
    hass.states.async_set(FRIDGE, "5.0", {"device_class": "not_a_class"})
    power_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(power_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    attributes = hass.states.get(EXPECTED).attributes
    assert "device_class" not in attributes
    assert "unit_of_measurement" not in attributes


@pytest.mark.parametrize(
    ("unit", "rate"),
    [("kWh", "kW"), ("Wh", "W"), ("MWh", "MW"), ("m³", "m³/h"), ("", "")],
)
def test_a_counters_rate_is_its_unit_per_hour(unit: str, rate: str) -> None:
    """An energy meter's rise per hour is power; other totals get "/h"."""
    assert rate_unit(unit) == rate


@pytest.mark.freeze_time("2026-01-09 08:02:00+01:00")
async def test_a_numeric_sensor_learned_by_the_previous_release_keeps_its_values(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A store of 1.5 with a version 1 feed: the expected value is what it learned."""
    old = json.loads(
        (Path(__file__).parent / "engine" / "level_feed_v1.json").read_text("utf-8")
    )
    hass_storage[STORAGE_KEY] = stored_file({"levels": {FRIDGE: old}}, minor_version=5)
    hass.states.async_set(FRIDGE, "150.0", WATTS)
    power_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(power_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(EXPECTED).state == "152.0"  # 151.94, learned at 08:00
    assert await hass.config_entries.async_unload(power_entry.entry_id)
    saved = hass_storage[STORAGE_KEY]
    assert saved["minor_version"] == STORAGE_MINOR_VERSION
    assert saved["data"]["levels"][FRIDGE]["version"] == 2


@pytest.mark.freeze_time(NOW)
async def test_a_sensor_offline_for_a_day_is_named_in_a_repair_issue(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Unavailable: offline after an hour, a repair issue after a day, gone when back."""
    await set_up_trained(hass, power_entry, hass_storage, "100.0")
    health = er.async_get(hass).async_get(HEALTH)
    assert health is not None
    assert health.entity_category == "diagnostic"
    assert health.translation_key == "sensor_health"
    assert hass.states.get(HEALTH).state == "ok"
    assert hass.states.get(HEALTH).attributes["options"] == [
        "ok",
        "offline",
        "flapping",
        "implausible",
        "stuck",
    ]
    issues = ir.async_get(hass)
    issue_id = f"sensor_unhealthy_{FRIDGE}"

    async def unavailable_for(hours: float) -> None:
        for _ in range(int(hours * 12)):
            freezer.tick(timedelta(minutes=5))
            hass.states.async_set(FRIDGE, "unavailable", WATTS)
            async_fire_time_changed(hass)
            await hass.async_block_till_done()

    await unavailable_for(0.5)
    assert hass.states.get(HEALTH).state == "ok"
    await unavailable_for(1)
    assert hass.states.get(HEALTH).state == "offline"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    await unavailable_for(24)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "sensor_unhealthy"
    assert issue.translation_placeholders == {
        "entity_id": FRIDGE,
        "zone": "Living room",
        "state": "offline",
    }
    await _run(hass, freezer, 0.5)
    assert hass.states.get(HEALTH).state == "ok"
    assert issues.async_get_issue(DOMAIN, issue_id) is None


def test_durations_read_as_people_say_them() -> None:
    """Sentences give hours and minutes, or minutes alone under an hour."""
    assert duration_text(5 + 10 / 60) == "5 h 10 min"
    assert duration_text(0.5) == "30 min"


@pytest.mark.freeze_time(NOW)
async def test_a_sensor_switched_from_w_to_kw_keeps_what_it_learned(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Its owner shows the fridge in kW: no alarm, and expected reads in kW.

    The fridge stopping is still found, and the unit learned in is kept over a
    restart.
    """
    await set_up_trained(hass, power_entry, hass_storage, "100.0")
    kilowatts = {**WATTS, "unit_of_measurement": "kW"}
    seen = await _run(hass, freezer, 4, lambda now: fridge_w(now) / 1000, kilowatts)
    assert seen == ["off"] * 48
    expected = hass.states.get(EXPECTED)
    assert expected.attributes["unit_of_measurement"] == "kW"
    assert 0.0 <= float(expected.state) <= 0.1
    assert hass.states.get(HEALTH).state == "ok"
    assert await hass.config_entries.async_reload(power_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    saved = hass_storage[STORAGE_KEY]["data"]["levels"][FRIDGE]
    assert saved["unit"] == "W"
    assert saved["value"] == 100.0  # 0.100 kW at 16:02, learned as watts
    assert (await _run(hass, freezer, 8, lambda now: 0.0, kilowatts))[-1] == "on"
    state = hass.states.get(UNUSUAL)
    assert state.attributes["reason"].startswith(
        "Living room fridge power has read 0 kW"
    )
    assert 0.1 <= state.attributes["usual_high"] < 1.0  # in kW: W would read 220


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("en", "Living room fridge power has read 0 W without change since "),
        ("de", "Living room fridge power zeigt seit "),
        ("fr", "Living room fridge power indique 0 W sans changement depuis "),
        ("nl", "Living room fridge power geeft sinds "),
        ("es", "Living room fridge power marca 0 W sin cambios desde las "),
        ("pt", "Living room fridge power has read 0 W without change since "),
    ],
)
@pytest.mark.freeze_time(NOW)
async def test_the_reason_is_said_in_the_homes_language(
    hass: HomeAssistant,
    thermostat: str,
    power_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    language: str,
    start: str,
) -> None:
    """German, French, Dutch and Spanish homes read why; others read English."""
    hass.config.language = language
    await set_up_trained(hass, power_entry, hass_storage, "100.0")
    # Entity ids follow the translated names: find the fridge's by its key.
    (entity_id,) = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), power_entry.entry_id
        )
        if entry.translation_key == "unusual_reading" and FRIDGE in entry.unique_id
    ]
    seen = await _run(hass, freezer, 8, lambda now: 0.0, entity_id=entity_id)
    assert seen[-1] == "on"
    state = hass.states.get(entity_id)
    reason = state.attributes["reason"]
    assert reason.startswith(start)
    assert "{" not in reason


def test_a_broken_translation_gives_way_to_english() -> None:
    """A template missing a value, or with a stray brace, is replaced by English."""
    english = {"still": "{name} read {actual}"}
    reasons = Reasons({"still": "{name} {nope}", "high": "{name"}, english)
    assert reasons.say("still", name="Fridge", actual="0 W") == "Fridge read 0 W"
    assert reasons.say("high", name="Fridge") is None
    assert reasons.say("odd") is None
    assert Reasons({"x": "{a}  {b}"}).say("x", a="1", b="") == "1"
