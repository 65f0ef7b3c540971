"""Number: each zone's sensitivity, how readily its anomaly sensors turn on."""

from __future__ import annotations

from homeassistant.components.number import NumberEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import CadenceConfigEntry
from .const import DOMAIN
from .coordinator import CadenceCoordinator
from .descriptions import SENSITIVITY_NUMBER
from .engine import DEFAULT_SENSITIVITY
from .entity import CadenceEntity
from .home import Zone

# Setting a sensitivity only changes what Cadence holds; nothing is polled.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CadenceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensitivity to every zone."""
    coordinator = entry.runtime_data.coordinator
    assert coordinator is not None  # noqa: S101  # made before the platforms
    for zone in entry.runtime_data.home.zones:
        async_add_entities(
            [CadenceSensitivityNumber(coordinator, zone)],
            config_subentry_id=zone.zone_id,
        )


class CadenceSensitivityNumber(CadenceEntity, NumberEntity):
    """1 (only the clearest anomalies) to 5 (the faintest); 3 unless set.

    It sets the score an anomaly must keep for a while before a sensor of the
    zone turns on: 0.95 at 1, 0.8 at 3, 0.6 at 5.
    """

    entity_description = SENSITIVITY_NUMBER

    def __init__(self, coordinator: CadenceCoordinator, zone: Zone) -> None:
        """Describe the sensitivity of one zone."""
        super().__init__(coordinator, zone)
        self._zone_id = zone.zone_id
        self._attr_unique_id = f"{zone.zone_id}_{SENSITIVITY_NUMBER.key}"

    @property
    def native_value(self) -> int:
        """Return the zone's sensitivity."""
        levels = self.coordinator.runtime.pipeline.sensitivity
        return levels.get(self._zone_id, DEFAULT_SENSITIVITY)

    async def async_set_native_value(self, value: float) -> None:
        """Set the sensitivity: a whole number from 1 to 5."""
        if value != int(value):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="sensitivity_not_whole",
                translation_placeholders={"value": f"{value:g}"},
            )
        await self.coordinator.runtime.async_set_sensitivity(self._zone_id, int(value))
        self.async_write_ha_state()
