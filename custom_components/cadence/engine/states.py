"""Entity states as the engine reads them: readings, who made a change, and units.

Live learning, the history bootstrap and the offline replay all hand the engine the
same `Reading`s and `Source`s, so each learns exactly what the others would. States
are plain strings and attribute mappings, as Home Assistant reports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import math
from typing import Any

CELSIUS = "°C"
FAHRENHEIT = "°F"
KELVIN = "K"
# Outdoor readings outside this range are a broken sensor, not weather.
OUTDOOR_RANGE_C = (-60.0, 60.0)


@dataclass(frozen=True, slots=True)
class Reading:
    """One reported state of an entity: its state string and attributes."""

    state: str
    attributes: Mapping[str, Any]


def finite(value: object) -> float | None:
    """Return value as a finite float, None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def to_celsius(raw: object, unit: str | None) -> object:
    """Convert a temperature reported in unit to °C; anything not a number as it is.

    Non-numbers are passed through so that validation can say why they are refused.
    """
    if unit not in (FAHRENHEIT, KELVIN) or isinstance(raw, bool):
        return raw
    value = finite(raw)
    return raw if value is None else celsius(value, unit)


def celsius(value: float, unit: str | None) -> float:
    """Return a temperature read in unit (°C, °F or K; None: °C) in °C."""
    if unit == FAHRENHEIT:
        return (value - 32.0) * 5.0 / 9.0
    if unit == KELVIN:
        return value - 273.15
    return value


def from_celsius(value_c: float, unit: str) -> float:
    """Convert a temperature in °C to unit (°C, °F or K)."""
    if unit == FAHRENHEIT:
        return value_c * 9.0 / 5.0 + 32.0
    if unit == KELVIN:
        return value_c + 273.15
    return value_c


# Units a sensor may switch between (its owner picks kW over W in its settings):
# each unit's quantity and size in that quantity's smallest unit here.
SCALED_UNITS = {
    "mW": ("power", 1e-3),
    "W": ("power", 1.0),
    "kW": ("power", 1e3),
    "MW": ("power", 1e6),
    "Wh": ("energy", 1.0),
    "kWh": ("energy", 1e3),
    "MWh": ("energy", 1e6),
    "mL": ("volume", 1e-3),
    "L": ("volume", 1.0),
    "m³": ("volume", 1e3),
}
TEMPERATURE_UNITS = (CELSIUS, FAHRENHEIT, KELVIN)


def convert(value: float, unit: str | None, to: str | None) -> float | None:
    """Return value, read in unit, in the unit `to`; None when they do not convert.

    The same unit (None included) converts to itself; temperatures between °C, °F
    and K, and power, energy and volume by their scale.
    """
    if unit == to:
        return value
    if unit in TEMPERATURE_UNITS and to in TEMPERATURE_UNITS:
        return from_celsius(celsius(value, unit), str(to))
    scale, target = SCALED_UNITS.get(str(unit)), SCALED_UNITS.get(str(to))
    if scale is None or target is None or scale[0] != target[0]:
        return None
    return value * scale[1] / target[1]


def outdoor_c(raw: object, unit: str | None) -> float | None:
    """Return an outdoor reading in °C, None when unknown or absurd."""
    value = finite(to_celsius(raw, unit))
    low, high = OUTDOOR_RANGE_C
    return value if value is not None and low <= value <= high else None


def workday(state: str | None) -> bool | None:
    """Return what a workday sensor says, None when it says nothing."""
    return {"on": True, "off": False}.get(state or "")


def minutes_since_motion(
    motions: Iterable[tuple[str, datetime]], when: datetime
) -> float | None:
    """Return minutes since any motion sensor last saw motion, None when unknown.

    `motions` holds each sensor's state and when that state began.
    """
    ended: list[datetime] = []
    for state, since in motions:
        if state == "on":
            return 0.0
        if state == "off":
            ended.append(since)
    if not ended:
        return None
    return max(0.0, (when - max(ended)).total_seconds() / 60.0)


class Source(StrEnum):
    """Who made a state change: decides whether it teaches."""

    PERSON = "person"
    DEVICE = "device"
    AUTOMATION = "automation"
    CADENCE = "cadence"
    # Found rather than seen being chosen: at start-up, or when the thermostat returns
    # from being unavailable. Nobody is known to have chosen it, so it does not teach.
    UNKNOWN = "unknown"


# Only people teach, directly or at the device; automations and Cadence itself do not.
TEACHING_SOURCES = frozenset({Source.PERSON, Source.DEVICE})


# States that carry no value: what follows one was found, not seen being chosen.
NO_VALUE_STATES = ("unavailable", "unknown")


def back_from_no_value(old: Reading | None) -> bool:
    """Say whether a state follows one without a value (the entity came back)."""
    return old is not None and old.state in NO_VALUE_STATES


def is_on(state: str | None) -> bool | None:
    """Return True for "on", False for "off", None for any other (unknown) state."""
    return {"on": True, "off": False}.get(state or "")
