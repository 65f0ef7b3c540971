"""Sensors: what Cadence predicts for each thermostat, and how its learning stands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.climate.const import (
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
)
from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import ATTR_TEMPERATURE, EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import CadenceConfigEntry
from .const import LOGGER
from .coordinator import CadenceCoordinator, SetpointStatus
from .entity import CadenceEntity
from .home import Zone

# Predictions are pushed by the coordinator; nothing is polled.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CadenceSetpointSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor for one learned setpoint of a thermostat."""

    target: str
    value_fn: Callable[[SetpointStatus], float | None] = lambda status: (
        status.prediction.value_c if status.prediction else None
    )


SETPOINT_SENSORS = {
    description.target: description
    for description in (
        CadenceSetpointSensorEntityDescription(
            key="predicted_setpoint",
            translation_key="predicted_setpoint",
            target=ATTR_TEMPERATURE,
        ),
        CadenceSetpointSensorEntityDescription(
            key="predicted_setpoint_low",
            translation_key="predicted_setpoint_low",
            target=ATTR_TARGET_TEMP_LOW,
        ),
        CadenceSetpointSensorEntityDescription(
            key="predicted_setpoint_high",
            translation_key="predicted_setpoint_high",
            target=ATTR_TARGET_TEMP_HIGH,
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CadenceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a predicted-setpoint sensor for each learned setpoint of each thermostat."""
    coordinator = entry.runtime_data
    expected: set[str] = set()
    for zone in coordinator.home.zones:
        sensors = [
            CadenceSetpointSensor(
                coordinator, zone, entity_id, SETPOINT_SENSORS[target]
            )
            for entity_id in zone.climate
            for target in coordinator.thermostats[entity_id].learners
        ]
        status = CadenceLearningStatusSensor(coordinator, zone)
        expected.update(
            sensor.unique_id for sensor in (*sensors, status) if sensor.unique_id
        )
        async_add_entities([*sensors, status], config_subentry_id=zone.subentry_id)
    # Sensors of thermostats taken out of a zone would otherwise stay behind.
    registry = er.async_get(hass)
    for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
        if registered.domain == SENSOR_DOMAIN and registered.unique_id not in expected:
            registry.async_remove(registered.entity_id)


class CadenceSetpointSensor(CadenceEntity, SensorEntity):
    """The setpoint the household would choose now, learned from its habits."""

    entity_description: CadenceSetpointSensorEntityDescription
    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_suggested_display_precision = 1
    _unrecorded_attributes = frozenset(
        {"next_change", "next_setpoint", "samples", "mean_abs_error_c"}
    )

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        thermostat: str,
        description: CadenceSetpointSensorEntityDescription,
    ) -> None:
        """Describe the sensor of one thermostat setpoint."""
        super().__init__(coordinator, zone)
        self.entity_description = description
        self.thermostat = thermostat
        self._attr_unique_id = f"{zone.subentry_id}_{thermostat}_{description.target}"
        self._attr_translation_placeholders = {
            "thermostat": _short_name(coordinator.home.friendly_name(thermostat), zone)
        }
        self._logged_reason: str | None = None

    @property
    def _status(self) -> SetpointStatus | None:
        return self.coordinator.status(self.thermostat, self.entity_description.target)

    @property
    def available(self) -> bool:
        """Return whether a prediction exists and the thermostat is there."""
        status = self._status
        return (
            super().available
            and status is not None
            and status.unavailable_reason is None
        )

    @property
    def native_value(self) -> float | None:
        """Return the predicted setpoint in °C (Home Assistant shows the home's unit)."""
        status = self._status
        return None if status is None else self.entity_description.value_fn(status)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return confidence, the next predicted change and learning statistics."""
        status = self._status
        if status is None or status.prediction is None:
            return {}
        home = self.coordinator.home
        change = status.next_change
        return {
            "confidence": round(status.prediction.confidence, 3),
            "next_change": change.when.isoformat() if change else None,
            "next_setpoint": round(home.from_celsius(change.value_c), 1)
            if change
            else None,
            "samples": status.samples,
            "mean_abs_error_c": (
                None
                if status.mean_abs_error_c is None
                else round(status.mean_abs_error_c, 2)
            ),
        }

    @callback
    def _handle_coordinator_update(self) -> None:
        """Log once when the sensor becomes unavailable and once when it is back."""
        status = self._status
        reason = "no data" if status is None else status.unavailable_reason
        if reason != self._logged_reason:
            if reason is None:
                LOGGER.info("%s is available again", self.entity_id)
            else:
                LOGGER.info("%s is unavailable: %s", self.entity_id, reason)
            self._logged_reason = reason
        super()._handle_coordinator_update()


class CadenceLearningStatusSensor(CadenceEntity, SensorEntity):
    """How a zone stands in learning from the recorder's history."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "learning_status"
    _unrecorded_attributes = frozenset(
        {
            "progress",
            "learned_from",
            "learned_until",
            "states",
            "statistics_hours",
            "seconds",
            "without_history",
        }
    )

    def __init__(self, coordinator: CadenceCoordinator, zone: Zone) -> None:
        """Describe the learning status of one zone."""
        super().__init__(coordinator, zone)
        self._zone_id = zone.subentry_id
        self._attr_options = ["pending", "learning", "done"]
        self._attr_unique_id = f"{zone.subentry_id}_learning_status"

    @property
    def available(self) -> bool:
        """Return True: the status is known even when predictions are not."""
        return True

    @property
    def native_value(self) -> str:
        """Return pending, learning or done."""
        return self.coordinator.history[self._zone_id].status

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the progress of a run and the summary of the last one."""
        history = self.coordinator.history[self._zone_id]
        attributes: dict[str, Any] = {"progress": history.progress}
        if (last := history.last) is not None:
            attributes |= {
                "learned_from": last["from"],
                "learned_until": last["to"],
                "states": sum(last["entities"].values()),
                "statistics_hours": sum(last["statistics"].values()),
                "seconds": last["seconds"],
                "without_history": sorted(last["without_history"]),
            }
        return attributes


def _short_name(name: str, zone: Zone) -> str:
    """Drop the zone's name from the front of a thermostat's, as the device shows it."""
    if not name.casefold().startswith(zone.name.casefold()):
        return name
    rest = name[len(zone.name) :].strip()
    return rest[0].upper() + rest[1:] if rest else name
