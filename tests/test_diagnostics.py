"""Tests for the diagnostics download."""

from __future__ import annotations

import json

from homeassistant.core import Context, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from .test_coordinator import _set
from .test_sensor import set_temperature


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_diagnostics_show_model_statistics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics count samples and skipped input, with zone names redacted."""
    await set_temperature(hass, 21.0)
    await set_temperature(hass, 19.0, Context(parent_id="01AUTOMATIONRUN"))
    _set(hass, "heat", temperature="warm")
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["zones"][0]["name"] == "**REDACTED**"
    # Entity ids spell rooms: each becomes its domain and a number, throughout.
    assert "living_room" not in json.dumps(diagnostics)
    assert diagnostics["zones"][0]["climate"] == ["climate.entity_1"]
    thermostat = diagnostics["thermostats"]["climate.entity_1"]
    assert thermostat["skipped"] == {"non_numeric": 1}
    setpoint = thermostat["setpoints"]["temperature"]
    assert setpoint["predicted_c"] == pytest.approx(21.0, abs=0.05)
    # Who taught last, and what an automation set without teaching.
    assert setpoint["last_taught"]["by"] == "person"
    assert setpoint["last_taught"]["setpoint_c"] == 21.0
    assert setpoint["ignored_changes"] == {"automation": 1}
    assert setpoint["held"]["by"] == "automation"
    assert len(setpoint["schedule_c"]) == 7
    assert setpoint["schedule_c"][0][0] == {"start": "00:00", "setpoint": 21.0}
    assert len(diagnostics["history"]) == 1
    assert "Living room" not in json.dumps(diagnostics)
    assert diagnostics == snapshot


async def test_diagnostics_alias_ids_kept_from_before(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """An id only a history summary still holds (renamed, removed) is aliased too."""
    runtime = init_integration.runtime_data
    standing = next(iter(runtime.history.standing.values()))
    standing.last = {**(standing.last or {}), "entities": {"sensor.bobs_room": 3}}
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert "bobs_room" not in json.dumps(diagnostics)
    assert diagnostics["history"][0]["last"]["entities"] == {"sensor.entity_3": 3}
