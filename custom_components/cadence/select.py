"""Select: the home's mode, which tells every detector whom to expect."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import CadenceConfigEntry
from .descriptions import HOME_MODE_SELECT
from .entity import home_device_info
from .runtime import CadenceRuntime

# Setting the mode only changes what Cadence holds; nothing is polled.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CadenceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the home's mode, on the device of the home."""
    async_add_entities([CadenceHomeModeSelect(entry)])


class CadenceHomeModeSelect(SelectEntity):
    """Normal, away (nobody expected) or guests (habits not learned, widened).

    Away, activity anywhere is unusual and quiet is not, while energy and heating
    are still watched; with guests nothing is learned as a habit. The mode is
    stored with what Cadence learned and outlives restarts.
    """

    _attr_has_entity_name = True
    entity_description = HOME_MODE_SELECT

    def __init__(self, entry: CadenceConfigEntry) -> None:
        """Describe the mode of one Cadence home."""
        self._runtime: CadenceRuntime = entry.runtime_data
        self._attr_unique_id = f"{entry.entry_id}_{HOME_MODE_SELECT.key}"
        self._attr_device_info = home_device_info(entry)

    @property
    def current_option(self) -> str:
        """Return the mode now."""
        return self._runtime.pipeline.mode

    async def async_select_option(self, option: str) -> None:
        """Set the mode; every zone's next check uses it."""
        await self._runtime.async_set_home_mode(option)
        self.async_write_ha_state()
