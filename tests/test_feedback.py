"""Tests for feedback on alerts (the cadence.feedback action), through Home Assistant."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.cadence.const import CONF_LEARNING, DOMAIN, EVENT_ANOMALY
from custom_components.cadence.store import STORAGE_MINOR_VERSION

from .conftest import STORAGE_KEY, THERMOSTAT, stored_file, zone_subentry
from .test_binary_sensor import (
    FRIDGE,
    NOW,
    UNUSUAL,
    WATTS,
    _run,
    set_up_trained,
    trained_fridge,
)

HEATING_FAULT = "binary_sensor.living_room_living_room_heating_fault"


@pytest.fixture
def fridge_entry(living_room: ar.AreaEntry) -> MockConfigEntry:
    """Return an entry whose zone has a thermostat and a fridge's power sensor."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cadence",
        options={CONF_LEARNING: True},
        entry_id="01CADENCEENTRY",
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT], power=[FRIDGE])],
    )


async def _label(hass: HomeAssistant, entity_id: str, label: str) -> None:
    """Call cadence.feedback on one entity."""
    await hass.services.async_call(
        DOMAIN,
        "feedback",
        {"entity_id": entity_id, "label": label},
        blocking=True,
    )
    await hass.async_block_till_done()


@pytest.mark.freeze_time(NOW)
async def test_three_false_alarms_silence_an_alert_and_a_confirmation_brings_it_back(
    hass: HomeAssistant,
    thermostat: str,
    fridge_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Each label lowers the agreement; the third turns the alert off; it persists."""
    await set_up_trained(hass, fridge_entry, hass_storage, "0.0")
    assert (await _run(hass, freezer, 7, lambda now: 0.0))[-1] == "on"
    events: list[Event] = []
    hass.bus.async_listen(EVENT_ANOMALY, events.append)
    assert hass.states.get(UNUSUAL).attributes["agreement"] == 0.88
    raised = dt_util.parse_datetime(hass.states.get(UNUSUAL).attributes["since"])

    seen = []
    for _ in range(3):
        await _label(hass, UNUSUAL, "false_alarm")
        state = hass.states.get(UNUSUAL)
        seen.append((state.state, state.attributes["agreement"]))
    assert seen == [("on", 0.76), ("on", 0.61), ("off", 0.47)]
    assert hass.states.get(UNUSUAL).attributes["reason"] is None
    assert [e.data["state"] for e in events] == ["ended"]

    # Kept over a restart, and the detector still says the fridge is still.
    await _run(hass, freezer, 0.5, lambda now: 0.0)
    assert hass.states.get(UNUSUAL).state == "off"
    assert await hass.config_entries.async_reload(fridge_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(UNUSUAL).state == "off"
    saved = hass_storage[STORAGE_KEY]["data"]["feedback"]["unusual_reading"][FRIDGE]
    assert saved["labels"] == {"false_alarm": 3, "confirmed": 0}
    # Known by when the fridge last moved (its cycle ended at 11:20, before NOW at
    # 12:02), which began the still stretch; not by when the flag was raised.
    assert dt_util.as_local(dt_util.parse_datetime(NOW)).hour == 12
    assert saved["last"] == ["still", True, 11]
    assert dt_util.as_local(raised).hour > 12

    await _label(hass, UNUSUAL, "confirmed")
    assert hass.states.get(UNUSUAL).state == "on"
    assert [e.data["state"] for e in events] == ["ended", "started"]


@pytest.mark.freeze_time(NOW)
async def test_feedback_is_refused_for_other_entities_and_before_any_alert(
    hass: HomeAssistant,
    thermostat: str,
    fridge_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Only Cadence's anomaly sensors take feedback, and only once they alerted."""
    await set_up_trained(hass, fridge_entry, hass_storage, "100.0")
    with pytest.raises(ServiceValidationError) as err:
        await _label(hass, THERMOSTAT, "false_alarm")
    assert err.value.translation_key == "not_a_detector"
    with pytest.raises(ServiceValidationError) as err:
        await _label(hass, HEATING_FAULT, "false_alarm")
    assert err.value.translation_key == "no_alert_yet"
    assert err.value.translation_placeholders == {"entity_id": HEATING_FAULT}
    with pytest.raises(vol.Invalid):
        await _label(hass, UNUSUAL, "maybe")


@pytest.mark.freeze_time(NOW)
async def test_damaged_feedback_is_forgotten_and_each_model_is_made_once(
    hass: HomeAssistant,
    thermostat: str,
    fridge_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unreadable stored labels start again empty; the alert still raises."""
    hass_storage[STORAGE_KEY] = stored_file(
        {
            "levels": {FRIDGE: trained_fridge(dt_util.now())},
            "feedback": {"unusual_reading": {FRIDGE: {"version": 1, "weights": 3}}},
        },
        minor_version=STORAGE_MINOR_VERSION,
    )
    hass.states.async_set(FRIDGE, "0.0", WATTS)
    fridge_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(fridge_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        "Forgetting unreadable feedback on sensor.living_room_fridge_power"
        in caplog.text
    )

    assert (await _run(hass, freezer, 7, lambda now: 0.0))[-1] == "on"
    assert hass.states.get(UNUSUAL).attributes["agreement"] == 0.88
    runtime = fridge_entry.runtime_data
    made = runtime.agreement("unusual_reading", FRIDGE, ("high", "low", "still"))
    assert made is runtime.agreement(
        "unusual_reading", FRIDGE, ("high", "low", "still")
    )
    assert made.last is not None
