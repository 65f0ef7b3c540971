"""Tests for setting Cadence up, unloading, reloading and restoring what it learned."""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import ClimateEntityFeature
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cadence.const import CONF_CLIMATE, DOMAIN, SUBENTRY_ZONE
from custom_components.cadence.store import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .conftest import STORAGE_KEY, THERMOSTAT, stored_file
from .test_sensor import SENSOR, set_temperature


async def _predict(hass: HomeAssistant) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "predict",
        {"entity_id": THERMOSTAT, "time": "2026-11-24 07:30:00"},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


@pytest.mark.freeze_time("2026-11-23 07:00:00+01:00")
async def test_unload_saves_and_setup_restores_the_same_predictions(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """What was learned survives a restart: predictions before and after are equal."""
    await set_temperature(hass, 22.0)
    await set_temperature(hass, 20.5)
    before = await _predict(hass)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    saved = hass_storage[STORAGE_KEY]
    assert saved["version"] == STORAGE_VERSION
    assert THERMOSTAT in saved["data"]["thermostats"]

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await _predict(hass) == before
    assert hass.states.get(SENSOR).state != STATE_UNAVAILABLE


@pytest.mark.parametrize(
    "stored",
    [
        stored_file("x", minor_version=1),
        stored_file(
            {"thermostats": {THERMOSTAT: {"temperature": {"version": 1}}}},
            minor_version=1,
        ),
        stored_file({"thermostats": ["not", "an", "object"]}, minor_version=1),
        stored_file({}, minor_version=1, version=STORAGE_VERSION + 1),
        stored_file({"preferences": {"theme": "dark"}}, minor_version=4),
        stored_file({"occupancy": {"01ZONELIVING": {"version": 1}}}, minor_version=4),
        stored_file({"lights": [], "thermostats": {}}, minor_version=4),
    ],
    ids=[
        "not_an_object",
        "bad_model",
        "bad_layout",
        "from_newer_cadence",
        "valid_json_none_of_the_expected_keys",
        "bad_occupancy_model",
        "a_key_that_is_not_an_object",
    ],
)
async def test_unreadable_state_is_set_aside_and_relearned(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    stored: dict[str, Any],
) -> None:
    """A state file Cadence cannot use raises a repair issue; Cadence starts fresh."""
    hass_storage[STORAGE_KEY] = stored
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    issue = issue_registry.async_get_issue(DOMAIN, "unreadable_state_01CADENCEENTRY")
    assert issue is not None
    assert issue.is_fixable
    # Under the test harness the state lives in memory, so there is no file to move.
    assert issue.translation_placeholders["moved_to"] == "(no file)"

    await set_temperature(hass, 21.0)
    assert float(hass.states.get(SENSOR).state) == pytest.approx(21.0, abs=0.05)


async def test_adding_a_zone_reloads_without_restart(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new zone's thermostat gets its sensor as soon as the zone is added."""
    bedroom = ar.async_get(hass).async_create("Bedroom")
    hass.states.async_set(
        "climate.bedroom", "heat", {"temperature": 18, "supported_features": 1}
    )
    hass.config_entries.async_add_subentry(
        init_integration,
        ConfigSubentry(
            data={CONF_CLIMATE: ["climate.bedroom"], "area_id": bedroom.id},
            subentry_type=SUBENTRY_ZONE,
            title="Bedroom",
            unique_id=bedroom.id,
        ),
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    bedroom_zone = next(
        subentry_id
        for subentry_id, subentry in init_integration.subentries.items()
        if subentry.title == "Bedroom"
    )
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        "sensor", DOMAIN, f"{bedroom_zone}_climate.bedroom_temperature"
    )
    assert entity_id is not None
    assert hass.states.get(entity_id) is not None


async def test_missing_thermostat_raises_a_repair_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A thermostat removed from Home Assistant is reported, and cleared when back."""
    issue_id = f"missing_entity_{THERMOSTAT}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    hass.states.async_remove(THERMOSTAT)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    assert hass.states.get(SENSOR).state == STATE_UNAVAILABLE

    hass.states.async_set(THERMOSTAT, "heat", {"temperature": 20})
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_removing_the_entry_forgets_what_was_learned(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting Cadence deletes its stored state and the issues it raised."""
    await set_temperature(hass, 21.0)
    hass.states.async_remove(THERMOSTAT)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    assert any(domain == DOMAIN for domain, _ in issues.issues)
    await hass.config_entries.async_unload(init_integration.entry_id)
    assert STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert STORAGE_KEY not in hass_storage
    assert not any(domain == DOMAIN for domain, _ in issues.issues)


async def test_older_minor_version_is_migrated(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    """State written by an older minor version is read as it is, without a repair."""
    hass_storage[STORAGE_KEY] = stored_file({"thermostats": {}}, minor_version=0)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert not issue_registry.issues
    assert hass_storage[STORAGE_KEY]["minor_version"] == STORAGE_MINOR_VERSION


async def test_unreadable_state_issue_can_be_dismissed(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The repair issue's fix flow is a confirmation that removes the issue."""
    hass_storage[STORAGE_KEY] = stored_file("x", minor_version=1)
    assert await async_setup_component(hass, "repairs", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue_id = "unreadable_state_01CADENCEENTRY"

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_thermostat_taken_out_of_a_zone_loses_its_sensor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Reconfiguring a zone without a thermostat removes that thermostat's sensor."""
    assert entity_registry.async_get(SENSOR) is not None
    subentry = init_integration.subentries["01ZONELIVING"]
    hass.config_entries.async_update_subentry(
        init_integration,
        subentry,
        data={**subentry.data, CONF_CLIMATE: [], "lights": ["light.lamp"]},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert entity_registry.async_get(SENSOR) is None


async def test_thermostat_loaded_later_learns_from_its_registry_features(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Before a range thermostat is loaded, its registry entry says what to learn."""
    entity_registry.async_get_or_create(
        "climate",
        "test",
        "living_room",
        suggested_object_id="living_room",
        supported_features=ClimateEntityFeature.TARGET_TEMPERATURE_RANGE,
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert set(mock_config_entry.runtime_data.thermostat(THERMOSTAT).learners) == {
        "target_temp_low",
        "target_temp_high",
    }
