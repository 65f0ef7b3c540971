"""The missing-thermostat repair: put its replacement in its place, or remove it."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cadence.const import CONF_CLIMATE, DOMAIN

from .conftest import THERMOSTAT
from .test_sensor import set_temperature

ISSUE = f"missing_entity_{THERMOSTAT}"
NEW = "climate.new_thermostat"


async def _fix(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, answer: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Open the issue's fix flow as the UI does, answer it; return both steps."""
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": ISSUE}
    )
    shown = await response.json()
    if shown["type"] != "form":
        return shown, {}
    response = await client.post(
        f"/api/repairs/issues/fix/{shown['flow_id']}", json=answer
    )
    done = await response.json()
    await hass.async_block_till_done(wait_background_tasks=True)  # the zone reloads
    return shown, done


@pytest.fixture
async def lost(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> MockConfigEntry:
    """A person chose a setpoint; then the thermostat disappears, another appears."""
    await set_temperature(hass, 21.5)
    hass.states.async_remove(THERMOSTAT)
    hass.states.async_set(NEW, "heat", {"temperature": 21.5})
    await hass.async_block_till_done()
    return init_integration


async def test_a_replacement_takes_the_place_and_what_was_learned(
    hass: HomeAssistant,
    lost: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The thermostat chosen in the fix flow joins the zone with the learned week."""
    assert issue_registry.async_get_issue(DOMAIN, ISSUE).is_fixable

    shown, done = await _fix(hass, hass_client, {"replacement": NEW})
    assert shown["step_id"] == "replace"
    assert shown["description_placeholders"] == {
        "entity_id": THERMOSTAT,
        "zone": "Living room",
    }
    assert done["type"] == "create_entry"
    assert lost.subentries["01ZONELIVING"].data[CONF_CLIMATE] == [NEW]
    model = lost.runtime_data.setpoint_model(NEW, "temperature")
    assert model is not None
    assert model.samples > 0
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_without_a_replacement_the_thermostat_leaves_the_zone(
    hass: HomeAssistant,
    lost: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An empty answer removes the missing thermostat from its zone."""
    _, done = await _fix(hass, hass_client, {})
    assert done["type"] == "create_entry"
    zone = lost.subentries["01ZONELIVING"]
    assert zone.data[CONF_CLIMATE] == []
    assert lost.runtime_data.thermostat(THERMOSTAT) is None
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_with_cadence_not_running_the_fix_says_so(
    hass: HomeAssistant, lost: MockConfigEntry, hass_client: ClientSessionGenerator
) -> None:
    """Unloaded, nothing can be changed: the flow ends with why."""
    assert await hass.config_entries.async_unload(lost.entry_id)
    shown, _ = await _fix(hass, hass_client, {})
    assert shown["type"] == "abort"
    assert shown["reason"] == "not_loaded"
