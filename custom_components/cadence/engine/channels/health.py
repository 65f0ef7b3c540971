"""The health of each watched entity that is not a numeric sensor.

Numeric sensors judge their own health in their `LevelFeed`; every thermostat,
light and motion sensor of a zone has a `HealthChannel` here, kept under the
entity's id. While an entity is unhealthy the pipeline passes its states to no
other channel (they see it as unavailable), so nothing learns from a motion sensor
stuck on or a thermostat whose temperature froze.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Self

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..models.entity_health import CLIMATE, LIGHT, MOTION, EntityHealth
from ..models.health import SensorHealth
from ..states import Reading, Source
from .base import NOTHING, Facts, Forecast, Outcome
from .levels import HealthStatus


class HealthChannel:
    """Whether one thermostat, light or motion sensor is to be trusted."""

    kind: ClassVar[str] = "health"
    # The other kinds that judge their entities' health themselves, and so are
    # given an unhealthy entity's states all the same.
    judges: ClassVar[tuple[str, ...]] = ("health", "levels")

    def __init__(self, entity_id: str, health: EntityHealth) -> None:
        """Judge one entity."""
        self.key = entity_id
        self.health = health

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return a channel per thermostat, light and motion sensor of the zone."""
        kinds = {
            **dict.fromkeys(zone.lights, LIGHT),
            **dict.fromkeys(zone.motion, MOTION),
            **dict.fromkeys(zone.climate, CLIMATE),
        }
        channels = []
        for entity_id, kind in kinds.items():
            saved = stored.get(entity_id)
            health = (
                EntityHealth(kind) if saved is None else EntityHealth.from_dict(saved)
            )
            if health.kind != kind:  # stored as another kind: judged afresh
                health = EntityHealth(kind)
            channels.append(cls(entity_id, health))
        return channels

    @property
    def sensor_health(self) -> SensorHealth:
        """Return the entity's health."""
        return self.health.health

    def watches(self) -> tuple[str, ...]:
        """Return the entity."""
        return (self.key,)

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Take the entity's reported state."""
        self.health.update(x.when, new)
        return NOTHING

    def on_tick(self, x: Conditions) -> bool:
        """Do nothing: the pipeline judged health first, on the state now.

        See `Pipeline.look_at_health`.
        """
        return False

    def status(self, x: Conditions) -> dict[str, Any]:
        """Return the entity's health."""
        return {"sensor_health": HealthStatus.of(self.health.health)}

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return nothing: health is no prediction."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Return the entity's health, JSON-safe."""
        return self.health.to_dict()
