"""Changing a zone's entities in a running Cadence: what it would forget, asked first.

Here Cadence is really set up (the config-flow tests replace its setup).
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cadence.const import CONF_CLIMATE, CONF_MOTION, SUBENTRY_ZONE

from .conftest import MOTION, THERMOSTAT
from .test_sensor import set_temperature


async def _reconfigure_to(
    hass: HomeAssistant, entry: MockConfigEntry, **chosen: list[str]
) -> Any:
    """Start reconfiguring the living-room zone and submit the chosen entities."""
    subentry_id = next(iter(entry.subentries))
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_ZONE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], chosen
    )
    await hass.async_block_till_done(wait_background_tasks=True)  # a saved zone reloads
    return result


async def test_removing_a_learned_thermostat_asks_first(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A thermostat that learned is removed only once the person confirms it."""
    subentry_id = next(iter(init_integration.subentries))
    # Not learned yet: nothing to forget, so nothing to ask.
    result = await _reconfigure_to(hass, init_integration, motion=[MOTION])
    assert result["type"] is FlowResultType.ABORT
    assert init_integration.subentries[subentry_id].data[CONF_CLIMATE] == []
    await _reconfigure_to(hass, init_integration, climate=[THERMOSTAT], motion=[MOTION])

    await set_temperature(hass, 21.5)
    result = await _reconfigure_to(hass, init_integration, motion=[MOTION])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "forget"
    assert result["description_placeholders"] == {
        "zone": "Living room",
        "thermostats": "Living room",
    }
    # Closing the dialog keeps the zone as it was.
    hass.config_entries.subentries.async_abort(result["flow_id"])
    assert init_integration.subentries[subentry_id].data[CONF_CLIMATE] == [THERMOSTAT]

    result = await _reconfigure_to(hass, init_integration, motion=[MOTION])
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.subentries[subentry_id].data[CONF_CLIMATE] == []
    assert init_integration.subentries[subentry_id].data[CONF_MOTION] == [MOTION]
