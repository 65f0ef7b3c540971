"""Base entities for Cadence: one device per zone, and one for the whole home."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import area_registry as ar, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, REPOSITORY_URL
from .coordinator import CadenceCoordinator
from .home import Zone

if TYPE_CHECKING:
    from . import CadenceConfigEntry


class CadenceEntity(CoordinatorEntity[CadenceCoordinator]):
    """An entity of one Cadence zone."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: CadenceCoordinator, zone: Zone) -> None:
        """Attach the entity to its zone's device."""
        super().__init__(coordinator)
        area = (
            ar.async_get(coordinator.hass).async_get_area(zone.area_id)
            if zone.area_id
            else None
        )
        self._attr_device_info = _device_info(zone.zone_id, zone.name, "Learned zone")
        self._attr_device_info["suggested_area"] = area.name if area else None


def home_device_info(entry: CadenceConfigEntry) -> DeviceInfo:
    """Return the device of the home as a whole, for what is set for all zones."""
    return _device_info(entry.entry_id, entry.title, "Learned home")


def _device_info(identifier: str, name: str, model: str) -> DeviceInfo:
    """Return the device of a zone or of the home: a service, not hardware."""
    return DeviceInfo(
        identifiers={(DOMAIN, identifier)},
        name=name,
        manufacturer="Cadence",
        model=model,
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=REPOSITORY_URL,
    )


def short_name(name: str, zone: Zone) -> str:
    """Drop the zone's name from the front of an entity's, as the device shows it."""
    if not name.casefold().startswith(zone.name.casefold()):
        return name
    rest = name[len(zone.name) :].strip()
    return rest[0].upper() + rest[1:] if rest else name


@callback
def async_remove_stale(
    hass: HomeAssistant, entry: CadenceConfigEntry, domain: str, expected: set[str]
) -> None:
    """Remove the entry's entities of a platform that are no longer made.

    Entities of things taken out of a zone would otherwise stay behind.
    """
    registry = er.async_get(hass)
    for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
        if registered.domain == domain and registered.unique_id not in expected:
            registry.async_remove(registered.entity_id)
