"""What each entity shows: one description per thermostat, zone, light or numeric sensor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntityDescription,
)
from homeassistant.components.climate.const import (
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
)
from homeassistant.components.number import NumberEntityDescription, NumberMode
from homeassistant.components.select import SelectEntityDescription
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import ATTR_TEMPERATURE, PERCENTAGE, EntityCategory

from .engine import (
    HEALTH_STATES,
    HOME_MODES,
    SENSITIVITIES,
    ActivityStatus,
    Forecast,
    HealthStatus,
    HeatingStatus,
    InactivityStatus,
    LightChannel,
    OccupancyStatus,
    ReadingStatus,
    SetpointStatus,
)


@dataclass(frozen=True, kw_only=True)
class CadenceSensorEntityDescription[T](SensorEntityDescription):
    """Describes a sensor of one channel: which status it reads and how."""

    # The channel status's name this sensor shows (a setpoint attribute, a quantity).
    status_name: str
    value_fn: Callable[[T], float | str | datetime | None]
    attributes_fn: Callable[[T], dict[str, Any]] = lambda status: {}


def _setpoint_value(status: SetpointStatus) -> float | None:
    """Return the predicted setpoint in °C."""
    return status.prediction.value_c if status.prediction else None


SETPOINT_SENSORS = {
    description.status_name: description
    for description in (
        CadenceSensorEntityDescription[SetpointStatus](
            key="predicted_setpoint",
            translation_key="predicted_setpoint",
            status_name=ATTR_TEMPERATURE,
            value_fn=_setpoint_value,
        ),
        CadenceSensorEntityDescription[SetpointStatus](
            key="predicted_setpoint_low",
            translation_key="predicted_setpoint_low",
            status_name=ATTR_TARGET_TEMP_LOW,
            value_fn=_setpoint_value,
        ),
        CadenceSensorEntityDescription[SetpointStatus](
            key="predicted_setpoint_high",
            translation_key="predicted_setpoint_high",
            status_name=ATTR_TARGET_TEMP_HIGH,
            value_fn=_setpoint_value,
        ),
    )
}


def percent(share: float) -> float:
    """Return a share (0 to 1: a probability, a confidence) in %, to a tenth."""
    return round(100.0 * share, 1)


def _percent(forecast: Forecast) -> float:
    """Return a forecast's probability in %."""
    return percent(forecast.value)


def _occupancy_attributes(status: OccupancyStatus) -> dict[str, Any]:
    """Return the confidence and the next 24 hours of the occupancy forecast."""
    return {
        "confidence": percent(status.occupancy.confidence),
        "forecast": [
            {"time": when.isoformat(), "occupancy": percent(p)}
            for when, p in status.forecast
        ],
    }


OCCUPANCY_SENSORS = (
    CadenceSensorEntityDescription[OccupancyStatus](
        key="occupancy",
        translation_key="occupancy",
        status_name="occupancy",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda status: _percent(status.occupancy),
        attributes_fn=_occupancy_attributes,
    ),
    CadenceSensorEntityDescription[OccupancyStatus](
        key="next_arrival",
        translation_key="next_arrival",
        status_name="occupancy",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda status: status.next_arrival,
    ),
    CadenceSensorEntityDescription[OccupancyStatus](
        key="next_vacancy",
        translation_key="next_vacancy",
        status_name="occupancy",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda status: status.next_vacancy,
    ),
)


def _confidence(status: Forecast) -> dict[str, Any]:
    """Return the trust in a forecast as an attribute."""
    return {"confidence": percent(status.confidence)}


LIGHT_ON_SENSOR = CadenceSensorEntityDescription[Forecast](
    key="light_on_probability",
    translation_key="light_on_probability",
    status_name="light_on",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=_percent,
    attributes_fn=_confidence,
)
BRIGHTNESS_SENSOR = CadenceSensorEntityDescription[Forecast](
    key="preferred_brightness",
    translation_key="preferred_brightness",
    status_name="brightness",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda status: round(status.value, 1),
    attributes_fn=_confidence,
)
COLOR_TEMP_SENSOR = CadenceSensorEntityDescription[Forecast](
    key="preferred_color_temp",
    translation_key="preferred_color_temp",
    status_name="color_temp",
    native_unit_of_measurement="K",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=0,
    value_fn=lambda status: round(status.value),
    attributes_fn=_confidence,
)


def light_sensors(channel: LightChannel) -> list[CadenceSensorEntityDescription[Any]]:
    """Return the sensors of a light: its habit, and what it can be set to."""
    return [
        LIGHT_ON_SENSOR,
        *([BRIGHTNESS_SENSOR] if channel.dimmable else []),
        *([COLOR_TEMP_SENSOR] if channel.tunable else []),
    ]


EXPECTED_VALUE_SENSOR = CadenceSensorEntityDescription[Forecast](
    key="expected_value",
    translation_key="expected_value",
    status_name="expected",
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=lambda status: status.value,
    attributes_fn=_confidence,
)


SENSOR_HEALTH_SENSOR = CadenceSensorEntityDescription[HealthStatus](
    key="sensor_health",
    translation_key="sensor_health",
    status_name="sensor_health",
    device_class=SensorDeviceClass.ENUM,
    entity_category=EntityCategory.DIAGNOSTIC,
    # One per watched entity: noisy, so enabled only by whoever wants to watch one.
    # The repair issue for a sensor unhealthy for a day is raised either way.
    entity_registry_enabled_default=False,
    options=list(HEALTH_STATES),
    value_fn=lambda status: status.state,
    attributes_fn=lambda status: {
        "since": status.since.isoformat() if status.since else None
    },
)


@dataclass(frozen=True, kw_only=True)
class CadenceBinarySensorEntityDescription[T](BinarySensorEntityDescription):
    """Describes an anomaly binary sensor of one channel: which status it reads."""

    status_name: str
    is_on_fn: Callable[[T], bool]
    # The kinds of alert the detector raises, and the kind of one (for feedback).
    alert_kinds: tuple[str, ...]
    alert_kind_fn: Callable[[T], str]
    # When the unusual stretch began, which feedback knows an alert by: a charge
    # from 22:00 is the same pattern whether the flag rose at 01:00 or 04:00.
    alert_began_fn: Callable[[T], datetime | None]


UNUSUAL_ACTIVITY_SENSOR = CadenceBinarySensorEntityDescription[ActivityStatus](
    key="unusual_activity",
    translation_key="unusual_activity",
    status_name="unusual_activity",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=lambda status: status.flag,
    alert_kinds=("present",),
    alert_kind_fn=lambda status: "present",
    alert_began_fn=lambda status: status.since,
)
HEATING_FAULT_SENSOR = CadenceBinarySensorEntityDescription[HeatingStatus](
    key="heating_fault",
    translation_key="heating_fault",
    status_name="heating_fault",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=lambda status: status.flag,
    alert_kinds=("heat", "cool"),
    alert_kind_fn=lambda status: status.direction or "heat",
    alert_began_fn=lambda status: status.since,
)
UNUSUAL_READING_SENSOR = CadenceBinarySensorEntityDescription[ReadingStatus](
    key="unusual_reading",
    translation_key="unusual_reading",
    status_name="unusual_reading",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=lambda status: status.flag,
    alert_kinds=("high", "low", "still"),
    alert_kind_fn=lambda status: status.reason or "high",
    alert_began_fn=lambda status: status.began or status.since,
)


# What the household sets: the home's mode, and how readily a zone's alerts fire.
HOME_MODE_SELECT = SelectEntityDescription(
    key="home_mode", translation_key="home_mode", options=list(HOME_MODES)
)
SENSITIVITY_NUMBER = NumberEntityDescription(
    key="sensitivity",
    translation_key="sensitivity",
    entity_category=EntityCategory.CONFIG,
    native_min_value=SENSITIVITIES.start,
    native_max_value=SENSITIVITIES.stop - 1,
    native_step=1,
    mode=NumberMode.SLIDER,
)

UNUSUAL_INACTIVITY_SENSOR = CadenceBinarySensorEntityDescription[InactivityStatus](
    key="unusual_inactivity",
    translation_key="unusual_inactivity",
    status_name="unusual_inactivity",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=lambda status: status.flag,
    alert_kinds=("quiet",),
    alert_kind_fn=lambda status: "quiet",
    alert_began_fn=lambda status: status.began or status.since,
)


def rate_unit(unit: str) -> str:
    """Return the unit of a counter's rise per hour: kWh gives kW, m³ gives m³/h."""
    if unit.endswith("Wh"):
        return unit[:-1]
    return f"{unit}/h" if unit else ""


def rounded(value: float | None) -> float | None:
    """Return a value rounded for people: three significant figures or so."""
    if value is None:
        return None
    return round(value, _places(value))


def _places(value: float) -> int:
    """Return the decimals a value is shown with: none from 100, one from 1."""
    return 0 if abs(value) >= 100 else 1 if abs(value) >= 1 else 3


def as_text(value: float) -> str:
    """Return a value as text for a sentence, without a trailing .0."""
    return f"{round(value, _places(value)):g}"


def duration_text(hours: float) -> str:
    """Return a duration for a sentence: '5 h 10 min', or '40 min' under an hour."""
    whole, minutes = divmod(max(0, round(hours * 60)), 60)
    return f"{whole} h {minutes} min" if whole else f"{minutes} min"
