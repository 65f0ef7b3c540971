"""expected, anomaly and anomaly_score through the engine's `engine/level.py`.

Each `power` sensor (any numeric sensor) has a `LevelFeed`, and each zone with motion
sensors an `ActivityWatch` (`engine/anomaly.py`) for unusual activity or inactivity,
fed with every state change and ticked every five minutes of event time. `expected`
is given at every lead (for the moment t, as known at t - lead); `anomaly` (1 or 0)
and `anomaly_score` say what Cadence flagged at the tick itself, so they are written
only with --lead 0: an anomaly is not forecast a day ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import ModuleType

from .channels import Row
from .events import Event
from .habits import Activity, confidence, engine_module
from .home import HomeConfig, Zone
from .state import EntityState, HomeState


def level_modules() -> tuple[ModuleType, ModuleType | None] | None:
    """Return engine/level.py (and engine/anomaly.py if it has ActivityWatch)."""
    level = engine_module("level", "LevelFeed")
    if level is None:
        return None
    return level, engine_module("anomaly", "ActivityWatch")


class LevelChannel:
    """A level feed per numeric sensor and an activity watch per zone; see the module."""

    def __init__(
        self, home: HomeConfig, level: ModuleType, anomaly: ModuleType | None
    ) -> None:
        """Feed every power sensor, and watch every zone with motion sensors."""
        self.zone_of: dict[str, Zone] = {p: z for z in home.zones for p in z.power}
        self.feeds = {sensor: level.LevelFeed() for sensor in self.zone_of}
        self.watches_of = (
            {}
            if anomaly is None
            else {z.name: (z, anomaly.ActivityWatch()) for z in home.zones if z.motion}
        )
        self.motion_of = {m: z for z, _ in self.watches_of.values() for m in z.motion}
        self.activity = Activity(home)
        self.zones = [z for z in home.zones if z.power or z.name in self.watches_of]

    def watches(self) -> set[str]:
        """Return the numeric sensors and the motion sensors."""
        return set(self.feeds) | set(self.motion_of)

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Pass a reported state on."""
        feed = self.feeds.get(event.entity_id)
        if feed is not None:
            feed.update(event.time, event.state)
        zone = self.motion_of.get(event.entity_id)
        if zone is not None:
            self.watches_of[zone.name][1].update(event.time, event.state)

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Sample every sensor and zone with its zone's conditions now."""
        for zone in self.zones:
            self.activity.tick(zone, home)
            x = self.activity.conditions(zone, now, home)
            for sensor in zone.power:
                self.feeds[sensor].tick(x)
            if zone.name in self.watches_of:
                self.watches_of[zone.name][1].tick(x)

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield expected per sensor, and the anomaly verdicts at lead 0."""
        for zone in self.zones:
            if now == when:
                x = self.activity.conditions(zone, now, home)
            else:
                x = home.conditions_at(zone, now, when)
            for sensor in zone.power:
                feed = self.feeds[sensor]
                value = feed.expected(x)
                if value is None:
                    continue
                trust = confidence(feed.model.samples)
                yield Row(sensor, "expected", value, trust)
                if now == when:
                    yield Row(sensor, "anomaly", float(feed.anomaly), trust)
                    yield Row(sensor, "anomaly_score", feed.anomaly_score, trust)
            watch = self.watches_of.get(zone.name)
            if watch is not None and now == when:
                yield Row(zone.entity_id, "anomaly", float(watch[1].anomaly), 1.0)
                yield Row(zone.entity_id, "anomaly_score", watch[1].anomaly_score, 1.0)
