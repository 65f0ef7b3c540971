"""Tests for Cadence's actions: get_schedule and predict."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.cadence.const import DOMAIN

from .conftest import THERMOSTAT
from .test_sensor import set_temperature


async def _call(hass: HomeAssistant, service: str, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_get_schedule_returns_the_learned_week(
    hass: HomeAssistant, init_integration: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """The schedule is 7 days of 48 half-hour setpoints in the home's unit."""
    await set_temperature(hass, 20.5)
    response = await _call(hass, "get_schedule", entity_id=THERMOSTAT, format="slots")
    assert list(response["days"]) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    assert all(len(slots) == 48 for slots in response["days"].values())
    assert response["days"]["monday"][14] == pytest.approx(20.5, abs=0.05)
    assert response == snapshot


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_get_schedule_reads_as_each_days_changes(
    hass: HomeAssistant, init_integration: MockConfigEntry, freezer: Any
) -> None:
    """By default each day is the list of setpoint changes, merged within a step."""
    await set_temperature(hass, 20.5)
    freezer.move_to("2026-11-23 22:00:00+01:00")
    await set_temperature(hass, 17.0)
    slots = await _call(hass, "get_schedule", entity_id=THERMOSTAT, format="slots")
    response = await _call(hass, "get_schedule", entity_id=THERMOSTAT)
    assert response["format"] == "changes"
    # The thermostat's own step: generic_thermostat states its precision, 0.1 °C.
    step = hass.states.get(THERMOSTAT).attributes["target_temp_step"]
    assert response["step"] == step == 0.1
    assert "slot_minutes" not in response
    for day, changes in response["days"].items():
        assert changes[0]["start"] == "00:00"
        starts = [change["start"] for change in changes]
        assert starts == sorted(set(starts))
        # Every half hour lies within one step of the setpoint in force then.
        for slot, value in enumerate(slots["days"][day]):
            clock = f"{slot // 2:02d}:{slot % 2 * 30:02d}"
            current = [c for c in changes if c["start"] <= clock][-1]
            assert abs(value - current["setpoint"]) < step + 0.05, (day, clock)
    monday = response["days"]["monday"]
    assert len(monday) >= 2
    assert {change["setpoint"] for change in monday} >= {20.5, 17.0}


async def test_the_thermostats_own_step_merges_the_schedule(
    hass: HomeAssistant,
) -> None:
    """A thermostat's target_temp_step wins; without one, 0.5 °C or 1 °F."""
    from homeassistant.const import UnitOfTemperature

    from custom_components.cadence.services import setpoint_step

    hass.states.async_set("climate.stepped", "heat", {"target_temp_step": 0.1})
    hass.states.async_set("climate.odd", "heat", {"target_temp_step": "big"})
    assert setpoint_step(hass, "climate.stepped", UnitOfTemperature.CELSIUS) == 0.1
    assert setpoint_step(hass, "climate.odd", UnitOfTemperature.CELSIUS) == 0.5
    assert setpoint_step(hass, "climate.gone", UnitOfTemperature.FAHRENHEIT) == 1.0


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_predict_now_and_later(
    hass: HomeAssistant, init_integration: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    """Predict answers for now by default, and for a given time."""
    await set_temperature(hass, 21.0)
    now = await _call(hass, "predict", entity_id=THERMOSTAT)
    assert now["value"] == pytest.approx(21.0, abs=0.05)
    assert now["time"].startswith("2026-11-23T07:00:00")
    assert 0 < now["confidence"] <= 100  # in %
    later = await _call(
        hass, "predict", entity_id=THERMOSTAT, time="2026-11-25T07:30:00+00:00"
    )
    assert later["time"] == "2026-11-25T08:30:00+01:00"
    assert {"now": now, "later": later} == snapshot


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("predict", {"entity_id": "climate.unknown"}, "not_learned"),
        ("get_schedule", {"entity_id": "climate.unknown"}, "not_learned"),
        (
            "predict",
            {"entity_id": THERMOSTAT, "setpoint": "target_temp_low"},
            "setpoint_not_learned",
        ),
        ("get_schedule", {"entity_id": THERMOSTAT}, "nothing_learned"),
    ],
)
async def test_action_errors_are_translated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """A caller's mistake is a translated validation error."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, service, **data)
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN


async def test_actions_need_a_loaded_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Actions exist before and after an entry is loaded, and say when none is."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "predict", entity_id=THERMOSTAT)
    assert err.value.translation_key == "not_loaded"
