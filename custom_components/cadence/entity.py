"""Base entity for Cadence: one device per zone."""

from __future__ import annotations

from homeassistant.helpers import area_registry as ar
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, REPOSITORY_URL
from .coordinator import CadenceCoordinator
from .home import Zone


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
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, zone.zone_id)},
            name=zone.name,
            manufacturer="Cadence",
            model="Learned zone",
            entry_type=DeviceEntryType.SERVICE,
            configuration_url=REPOSITORY_URL,
            suggested_area=area.name if area else None,
        )
