"""Cadence: learns the rhythm of a home and gives it back as predictions."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType

from .card import async_register_card
from .const import DEFAULT_STATISTICS_DAYS, DOMAIN, LOGGER, PLATFORMS
from .coordinator import CadenceCoordinator
from .repairs import async_create_unreadable_state_issue, async_delete_all_issues
from .runtime import CadenceRuntime
from .services import async_setup_services
from .store import CadenceStore, UnreadableStoreError
from .websocket import async_setup_websocket

type CadenceConfigEntry = ConfigEntry[CadenceRuntime]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register Cadence's actions and its dashboard card."""
    async_setup_services(hass)
    async_setup_websocket(hass)
    await async_register_card(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: CadenceConfigEntry) -> bool:
    """Restore what was learned and start learning."""
    store = CadenceStore(hass, entry.entry_id)
    try:
        stored = await store.async_load()
        runtime = CadenceRuntime.build(hass, entry, store, stored)
    except UnreadableStoreError as err:
        # Never keep Home Assistant from starting over a bad file: keep it, relearn.
        LOGGER.warning("Cannot read Cadence's learned state (%s); relearning", err)
        moved_to = await store.async_move_aside()
        async_create_unreadable_state_issue(hass, entry.entry_id, moved_to, str(err))
        runtime = CadenceRuntime.build(hass, entry, store, None)
    coordinator = runtime.coordinator = CadenceCoordinator(hass, entry, runtime)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = runtime
    # New zones learn from as much state history as the recorder keeps.
    coordinator.async_start(get_instance(hass).keep_days, DEFAULT_STATISTICS_DAYS)
    entry.async_on_unload(async_at_started(hass, coordinator.async_check_entities))
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_reload(hass: HomeAssistant, entry: CadenceConfigEntry) -> None:
    """Apply changed options or zones."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: CadenceConfigEntry) -> bool:
    """Stop learning and save what was learned."""
    runtime = entry.runtime_data
    await runtime.history.async_stop()
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await runtime.store.async_save(runtime.as_dict())
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: CadenceConfigEntry) -> None:
    """Forget everything learned when the entry is deleted."""
    await CadenceStore(hass, entry.entry_id).async_remove()
    async_delete_all_issues(hass)
