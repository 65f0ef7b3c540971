"""Checks for learned state read back from JSON: it may be old, cut short or edited."""

from __future__ import annotations

from datetime import datetime
import math
from typing import Any


def check_version(data: object, version: int, what: str) -> dict[str, Any]:
    """Return data if it is an object of the given schema version, else raise."""
    if not isinstance(data, dict):
        raise TypeError(f"{what}: expected an object, got {type(data).__name__}")
    if data["version"] != version:
        raise ValueError(f"{what}: unsupported version {data['version']!r}")
    return data


def as_list(value: object, length: int | None = None) -> list[Any]:
    """Return value if it is a list (of the given length), else raise.

    TypeError for anything but a list, ValueError for a list of another length.
    """
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise ValueError(f"expected {length} items, got {len(value)}")
    return value


def number(value: object) -> float:
    """Return a finite JSON number as a float, else raise TypeError or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return float(value)


def bounded(value: object, low: float, high: float) -> float:
    """Return a finite JSON number within [low, high] as a float, else raise."""
    v = number(value)
    if not low <= v <= high:
        raise ValueError(f"{v} is outside [{low}, {high}]")
    return v


def integer(value: object, low: int, high: int) -> int:
    """Return a JSON integer in [low, high), else raise TypeError or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    if not low <= value < high:
        raise ValueError(f"{value} is outside [{low}, {high})")
    return value


def optional_number(value: object) -> float | None:
    """Return a stored finite number, None as None, else raise."""
    return None if value is None else number(value)


def iso(when: datetime | None) -> str | None:
    """Return a moment as ISO 8601 text, None as None."""
    return None if when is None else when.isoformat()
