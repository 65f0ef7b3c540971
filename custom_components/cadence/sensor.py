"""Sensors: what Cadence predicts for each thermostat, zone and light."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    SensorDeviceClass,
    SensorEntity,
    SensorStateClass,
)
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from . import CadenceConfigEntry
from .const import LOGGER
from .coordinator import CadenceCoordinator
from .descriptions import (
    EXPECTED_VALUE_SENSOR,
    OCCUPANCY_SENSORS,
    SENSOR_HEALTH_SENSOR,
    SETPOINT_SENSORS,
    CadenceSensorEntityDescription,
    light_sensors,
    percent,
    rate_unit,
    rounded,
)
from .engine import (
    HealthChannel,
    LevelChannel,
    LightChannel,
    OccupancyChannel,
    ReadingStatus,
    SetpointStatus,
    ThermostatChannel,
)
from .entity import CadenceEntity, async_remove_stale, short_name
from .home import Zone
from .repairs import async_update_sensor_health_issue

# Predictions are pushed by the coordinator; nothing is polled.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CadenceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every channel of every zone."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    assert coordinator is not None  # noqa: S101  # made before the platforms
    pipeline = runtime.pipeline
    expected: set[str] = set()
    for zone in runtime.home.zones:
        sensors: list[SensorEntity] = []
        for channel in pipeline.channels[zone.zone_id]:
            if isinstance(channel, ThermostatChannel):
                sensors += [
                    CadenceSetpointSensor(
                        coordinator, zone, channel, SETPOINT_SENSORS[target]
                    )
                    for target in channel.learners
                ]
            elif isinstance(channel, OccupancyChannel):
                sensors += [
                    CadenceChannelSensor(coordinator, zone, channel, description)
                    for description in OCCUPANCY_SENSORS
                ]
            elif isinstance(channel, LightChannel):
                sensors += [
                    CadenceChannelSensor(coordinator, zone, channel, description)
                    for description in light_sensors(channel)
                ]
            elif isinstance(channel, HealthChannel):
                sensors.append(
                    CadenceSensorHealthSensor(
                        coordinator, zone, channel, SENSOR_HEALTH_SENSOR
                    )
                )
            elif isinstance(channel, LevelChannel):
                sensors += [
                    CadenceExpectedValueSensor(
                        coordinator, zone, channel, EXPECTED_VALUE_SENSOR
                    ),
                    CadenceSensorHealthSensor(
                        coordinator, zone, channel, SENSOR_HEALTH_SENSOR
                    ),
                ]
        sensors.append(CadenceLearningStatusSensor(coordinator, zone))
        expected.update(sensor.unique_id for sensor in sensors if sensor.unique_id)
        async_add_entities(sensors, config_subentry_id=zone.zone_id)
    async_remove_stale(hass, entry, SENSOR_DOMAIN, expected)


class CadenceChannelSensor(CadenceEntity, SensorEntity):
    """A sensor showing one part of what a channel predicts."""

    entity_description: CadenceSensorEntityDescription[Any]
    _unrecorded_attributes = frozenset({"forecast"})

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        channel: ThermostatChannel
        | OccupancyChannel
        | LightChannel
        | LevelChannel
        | HealthChannel,
        description: CadenceSensorEntityDescription[Any],
    ) -> None:
        """Describe the sensor of one channel."""
        super().__init__(coordinator, zone)
        self.entity_description = description
        self._channel_id = (channel.kind, channel.key)
        # The entity the channel learns from (a light), or the zone.
        self.source = channel.key
        self._zone_name = zone.name
        if channel.key == zone.zone_id:
            self._attr_unique_id = f"{zone.zone_id}_{description.key}"
        else:
            self._attr_unique_id = f"{zone.zone_id}_{channel.key}_{description.key}"
            self._attr_translation_placeholders = {
                "entity": short_name(
                    coordinator.runtime.home.friendly_name(channel.key), zone
                )
            }
        self._status: Any = self._read_status()

    def _read_status(self) -> Any:
        """Return the channel's status for this sensor, None when there is none."""
        return self.coordinator.status(*self._channel_id).get(
            self.entity_description.status_name
        )

    @property
    def native_value(self) -> float | str | datetime | None:
        """Return what the channel predicts."""
        status = self._status
        return None if status is None else self.entity_description.value_fn(status)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return what the description adds about the prediction."""
        status = self._status
        return {} if status is None else self.entity_description.attributes_fn(status)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Read the channel's status once per update, then write the state."""
        self._status = self._read_status()
        self._on_status()
        super()._handle_coordinator_update()

    def _on_status(self) -> None:
        """React to a new status before the state is written (nothing by default)."""


class CadenceExpectedValueSensor(CadenceChannelSensor):
    """The value a numeric sensor is expected to read now, in its own unit.

    A sensor that counts a total (an energy meter) is expected as a rate: its rise
    per hour, in kW for kWh.
    """

    @property
    def _counter(self) -> bool:
        """Return whether the source counts a total, as its channel says now.

        Read from the status, not the channel: learning from history replaces the
        channel, and with it what it found out about the sensor.
        """
        verdict = self.coordinator.status(*self._channel_id).get("unusual_reading")
        return isinstance(verdict, ReadingStatus) and verdict.counter

    @property
    def available(self) -> bool:
        """Return whether the source is there: its unit is this sensor's."""
        return super().available and self._source(ATTR_UNIT_OF_MEASUREMENT) is not None

    def _source(self, key: str) -> Any:
        """Return one attribute of the source sensor's state, None when unknown."""
        state = self.hass.states.get(self.source) if self.hass else None
        return None if state is None else state.attributes.get(key)

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Return the unit the value is in; for a counter, its unit per hour.

        The source's, as the channel shows it (the unit learned in, before the
        source reported one since a restart).
        """
        verdict = self.coordinator.status(*self._channel_id).get("unusual_reading")
        unit = verdict.unit if isinstance(verdict, ReadingStatus) else None
        if unit is None:
            unit = self._source(ATTR_UNIT_OF_MEASUREMENT)
        if unit is None:
            return None
        return rate_unit(str(unit)) if self._counter else str(unit)

    @property
    def device_class(self) -> SensorDeviceClass | None:
        """Return the source's kind of quantity (a counter of energy: power)."""
        kind = self._source(ATTR_DEVICE_CLASS)
        if self._counter:
            return SensorDeviceClass.POWER if kind == SensorDeviceClass.ENERGY else None
        try:
            return SensorDeviceClass(kind) if kind else None
        except ValueError:
            return None

    @property
    def native_value(self) -> float | None:
        """Return the expected value, rounded as people read it."""
        status = self._status
        return None if status is None else rounded(status.value)


class CadenceSensorHealthSensor(CadenceChannelSensor):
    """Whether a watched entity is trusted: ok, offline, flapping, implausible, stuck.

    Numeric sensors, thermostats, lights and motion sensors each have one. The
    coordinator names an entity unhealthy for a day in a repair issue; the issue
    goes when it is ok again, or when this sensor is removed.
    """

    @property
    def available(self) -> bool:
        """Return True: health is known even when the sensor itself is not."""
        return self._status is not None

    async def async_will_remove_from_hass(self) -> None:
        """Clear this sensor's repair issue when its entity goes."""
        async_update_sensor_health_issue(self.hass, self.source, self._zone_name, None)
        await super().async_will_remove_from_hass()


# Where a prediction's confidence reads as medium, then high.
LOW_BELOW = 0.3
HIGH_FROM = 0.5


def confidence_level(confidence: float) -> str:
    """Say a confidence (0-1) in words: low, medium or high."""
    if confidence < LOW_BELOW:
        return "low"
    return "medium" if confidence < HIGH_FROM else "high"


class CadenceSetpointSensor(CadenceChannelSensor):
    """The setpoint the household would choose now, learned from its habits."""

    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_suggested_display_precision = 1
    _unrecorded_attributes = frozenset(
        {"next_change", "next_value", "samples", "mean_abs_error_c", "schedule_days"}
    )

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        channel: ThermostatChannel,
        description: CadenceSensorEntityDescription[Any],
    ) -> None:
        """Describe the sensor of one thermostat setpoint."""
        super().__init__(coordinator, zone, channel, description)
        self.thermostat = channel.key
        self._attr_unique_id = f"{zone.zone_id}_{channel.key}_{description.status_name}"
        self._attr_translation_placeholders = {
            "thermostat": short_name(
                coordinator.runtime.home.friendly_name(channel.key), zone
            )
        }
        self._logged_reason: str | None = None

    def _reason(self) -> str | None:
        """Say why the sensor is unavailable: its thermostat is; None when not."""
        state = self.hass.states.get(self.thermostat) if self.hass else None
        if state is None:
            return "the thermostat does not exist"
        if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return f"the thermostat is {state.state}"
        return None

    @property
    def available(self) -> bool:
        """Return whether the thermostat is there; a model yet to learn is unknown."""
        return self.coordinator.last_update_success and self._reason() is None

    @property
    def native_value(self) -> float | None:
        """Return the predicted setpoint in °C, to a tenth as thermostats show it."""
        value = super().native_value
        return None if not isinstance(value, float) else round(value, 1)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return confidence, the next predicted change and learning statistics.

        Before anything is learned the state is unknown and `reason` says why.
        """
        status: SetpointStatus | None = self._status
        if status is None or status.prediction is None:
            return {"reason": "nothing_learned", "samples": 0}
        home = self.coordinator.runtime.home
        change = status.next_change
        confidence = status.prediction.confidence
        return {
            "confidence": percent(confidence),
            "confidence_level": confidence_level(confidence),
            "next_change": dt_util.as_local(change.when).isoformat()
            if change
            else None,
            "next_value": round(home.from_celsius(change.value_c), 1)
            if change
            else None,
            "samples": status.samples,
            "mean_abs_error_c": (
                None
                if status.mean_abs_error_c is None
                else round(status.mean_abs_error_c, 2)
            ),
            # Whether the schedule pools all days or splits workdays from the rest:
            # the way whose day-ahead predictions have been closer in this home.
            "schedule_days": status.days,
        }

    def _on_status(self) -> None:
        """Log once when the sensor becomes unavailable and once when it is back."""
        reason = self._reason()
        if reason != self._logged_reason:
            if reason is None:
                LOGGER.info("%s is available again", self.entity_id)
            else:
                LOGGER.info("%s is unavailable: %s", self.entity_id, reason)
            self._logged_reason = reason


class CadenceLearningStatusSensor(CadenceEntity, SensorEntity):
    """How a zone stands in learning from the recorder's history."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "learning_status"
    _unrecorded_attributes = frozenset(
        {
            "progress",
            "learned_from",
            "window_from",
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
        self._zone_id = zone.zone_id
        self._attr_options = ["pending", "learning", "done"]
        self._attr_unique_id = f"{zone.zone_id}_learning_status"

    @property
    def available(self) -> bool:
        """Return True: the status is known even when predictions are not."""
        return True

    @property
    def native_value(self) -> str:
        """Return pending, learning or done."""
        return self.coordinator.runtime.history.standing[self._zone_id].status

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the progress of a run and the summary of the last one."""
        history = self.coordinator.runtime.history.standing[self._zone_id]
        # A finished run is 100 % done, also after a restart or a zone change.
        done = history.status == "done"
        attributes: dict[str, Any] = {"progress": 100 if done else history.progress}
        if (last := history.last) is not None:
            attributes |= {
                # The data found, not the window asked for: none found, none told.
                # (A run saved before Cadence kept it tells only its window.)
                "learned_from": last.get("first_change", last["from"]),
                "window_from": last["from"],
                "learned_until": last["to"],
                "states": sum(last["entities"].values()),
                "statistics_hours": sum(last["statistics"].values()),
                "seconds": last["seconds"],
                "without_history": sorted(last["without_history"]),
            }
        return attributes
