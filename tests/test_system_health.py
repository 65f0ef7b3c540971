"""Tests for what the system health page says of Cadence."""

from __future__ import annotations

from datetime import datetime

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    get_system_health_info,
)

from custom_components.cadence.const import DOMAIN


async def test_system_health_says_what_cadence_keeps(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Zones, entities learned from, the saved state and the history learned."""
    assert await async_setup_component(hass, "system_health", {})
    await hass.async_block_till_done()
    info = await get_system_health_info(hass, DOMAIN)
    assert info["zones"] == 1
    assert info["learned_entities"] == 2  # the thermostat and the motion sensor
    assert info["learning"] is True
    assert info["home_mode"] == "normal"
    assert isinstance(info["history_learned_until"], datetime)
    runtime = init_integration.runtime_data
    assert info["store_size"].endswith(" KiB")
    assert float(info["store_size"].split()[0]) > 0.1
    assert info["last_save"] == (runtime.store.last_save or "not since start")
    await runtime.store.async_save(runtime.as_dict())
    info = await get_system_health_info(hass, DOMAIN)
    assert isinstance(info["last_save"], datetime)


async def test_system_health_before_any_entry_is_loaded(hass: HomeAssistant) -> None:
    """Without a loaded entry it says so, and nothing else."""
    assert await async_setup_component(hass, "system_health", {})
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert await get_system_health_info(hass, DOMAIN) == {"loaded": False}
