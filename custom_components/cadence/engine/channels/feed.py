"""The shape of a channel that feeds its entities' states to one model's feed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..states import Reading, Source
from .base import NOTHING, Facts, Outcome


class Feed(Protocol):
    """Takes reported states, samples them at ticks, and saves itself."""

    def update(self, when: datetime, state: str) -> None:
        """Take a reported state (anything but a value: unknown)."""
        ...

    def tick(self, x: Conditions) -> bool:
        """Sample at x; True when anything was learned."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        ...


class EntityFeedChannel[F: Feed]:
    """One entity of a zone, passed state by state to a feed; see `Feed`.

    Subclasses name their kind, the zone's entities they take (`entities_of`) and
    how a feed is made and restored (`new_feed`, `feed_from_dict`).
    """

    kind: ClassVar[str]

    def __init__(self, entity_id: str, feed: F) -> None:
        """Learn one entity into feed."""
        self.key = entity_id
        self.feed = feed

    @staticmethod
    def entities_of(zone: Zone) -> tuple[str, ...]:
        """Return the zone's entities of this kind."""
        raise NotImplementedError

    @staticmethod
    def new_feed(attributes: Mapping[str, Any]) -> F:
        """Return a fresh feed for an entity with these attributes (maybe none)."""
        raise NotImplementedError

    @staticmethod
    def feed_from_dict(data: dict[str, Any]) -> F:
        """Restore a feed; raise ValueError, KeyError or TypeError when malformed."""
        raise NotImplementedError

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return a channel per entity of the zone, restoring what each learned."""
        return [
            cls(
                entity_id,
                cls.feed_from_dict(stored[entity_id])
                if entity_id in stored
                else cls.new_feed(facts(entity_id) or {}),
            )
            for entity_id in cls.entities_of(zone)
        ]

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
        """Pass the reported state on (gone: unavailable)."""
        self.feed.update(x.when, "unavailable" if new is None else new.state)
        return NOTHING

    def on_tick(self, x: Conditions) -> bool:
        """Sample the entity at x."""
        return self.feed.tick(x)

    def to_dict(self) -> dict[str, Any]:
        """Return the entity's feed, JSON-safe."""
        return self.feed.to_dict()
