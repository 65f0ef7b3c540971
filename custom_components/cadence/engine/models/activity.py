"""How active a zone looks, from the power and climate sensors it has."""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any, Self

from ..codec import as_list, check_version, number
from .logistic import sigmoid

VERSION = 1

# ActivityTracker: statistics of each sensor fade with this share per reading (about
# a week of 5-minute readings) once there are enough readings for them.
ACTIVITY_RATE = 1.0 / 2016.0
# A change or level this many usual deviations above the usual reads as busy (3/4).
BUSY_Z = 2.0
CLIMATE_SHARE = 0.5
Z_LIMIT = 3.0
SPREAD_FLOOR = 1e-9


class ActivityTracker:
    """How active a zone looks from its power and climate sensors, 0 quiet to 1 busy.

    Fed the zone's readings at a regular step. A power sensor looks busy when its
    level (log watts) is above its usual level; a temperature or humidity sensor
    when it changes faster than it usually does (a shower, cooking, people). Each
    reading becomes a z-score against the sensor's own fading mean and spread; the
    power z-scores are averaged, the climate ones too and added at `CLIMATE_SHARE`
    (on a real house they are the weaker signal), and the sum is squashed to
    (0, 1): 1/2 is a usual moment, 3/4 one `BUSY_Z` deviations busier than usual.
    """

    __slots__ = ("_last", "_stats")

    def __init__(self) -> None:
        """Start knowing no sensor."""
        # Per sensor: [readings, mean, mean square] of its level or change.
        self._stats: dict[str, list[float]] = {}
        self._last: dict[str, float] = {}

    def update(
        self,
        power: Mapping[str, float | None],
        climate: Mapping[str, float | None] | None = None,
    ) -> float | None:
        """Take one reading per sensor by name; return the activity, None if unknown.

        Readings that are None or not finite are skipped.
        """
        busy = [
            self._score("p:" + name, math.log1p(max(value, 0.0)))
            for name, value in power.items()
            if value is not None and math.isfinite(value)
        ]
        changes: list[float] = []
        for name, value in (climate or {}).items():
            if value is None or not math.isfinite(value):
                continue
            last = self._last.get(name)
            self._last[name] = value
            if last is not None:
                changes.append(self._score("c:" + name, abs(value - last)))
        if not busy and not changes:
            return None
        score = sum(busy) / len(busy) if busy else 0.0
        if changes:
            score += (CLIMATE_SHARE if busy else 1.0) * sum(changes) / len(changes)
        return sigmoid(math.log(3.0) / BUSY_Z * score)

    def _score(self, key: str, value: float) -> float:
        """Return how many usual deviations value is above the usual, then learn it."""
        stats = self._stats.setdefault(key, [0.0, value, value * value])
        count, mean, square = stats
        spread = math.sqrt(max(square - mean * mean, 0.0))
        z = 0.0 if spread <= SPREAD_FLOOR else (value - mean) / spread
        rate = max(ACTIVITY_RATE, 1.0 / (count + 1.0))
        stats[0] = count + 1.0
        stats[1] = mean + rate * (value - mean)
        stats[2] = square + rate * (value * value - square)
        return max(-Z_LIMIT, min(Z_LIMIT, z))

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {"version": VERSION, "stats": self._stats, "last": self._last}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a tracker from `to_dict` output; raise ValueError when malformed."""
        check_version(data, VERSION, "activity")
        tracker = cls()
        for key, stats in as_object(data["stats"]).items():
            values = [number(v) for v in as_list(stats)]
            if len(values) != 3:
                raise ValueError(f"activity: bad statistics for {key!r}")
            tracker._stats[key] = values
        for name, value in as_object(data["last"]).items():
            tracker._last[name] = number(value)
        return tracker


def as_object(value: object) -> dict[str, Any]:
    """Return a stored JSON object, else raise TypeError."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return {str(key): item for key, item in value.items()}
