"""Tests for the diagnostics download."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
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
    _set(hass, "heat", temperature="warm")
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["zones"][0]["name"] == "**REDACTED**"
    assert diagnostics["thermostats"]["climate.living_room"]["skipped"] == {
        "non_numeric": 1
    }
    assert diagnostics == snapshot
