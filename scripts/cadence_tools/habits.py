"""light_on and occupancy through the engine's habit feeds (`engine/habit.py`).

Each light has a `BinaryFeed` with horizon 0 (is it on at the moment), each zone with
motion sensors one with a 15-minute horizon (is there motion within the next 15
minutes), fed with every state change and ticked every five minutes of event time
with the zone's conditions, as the integration's coordinator does. A light's
prediction never sees its own state: only time, motion and the zone's `activity`,
which the engine's `ActivityTracker` reads from the zone's power sensors (level) and
its temperature and humidity sensors and thermostats' room temperatures (changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
import importlib
from types import ModuleType
from typing import Any

from . import load_engine
from .channels import Row
from .events import Event
from .home import HomeConfig, Zone
from .state import EntityState, HomeState

engine = load_engine()
OCCUPANCY_HORIZON = timedelta(minutes=15)
CLIMATE_UNITS = ("°C", "°F", "K", "%")
# Confidence grows with the samples learned, reaching one half after a week of them.
HALF_CONFIDENCE_SAMPLES = 7 * 24 * 12


def engine_module(name: str, *parts: str) -> ModuleType | None:
    """Return an engine module when it exists with the given parts, else None."""
    try:
        module = importlib.import_module(f"custom_components.cadence.engine.{name}")
    except ImportError:
        return None
    return module if all(hasattr(module, part) for part in parts) else None


def habit_module() -> ModuleType | None:
    """Return engine/habit.py when it has the feed used here."""
    return engine_module("habit", "BinaryFeed")


def confidence(samples: int) -> float:
    """Return trust in a learned habit or level from the samples it has seen."""
    return samples / (samples + HALF_CONFIDENCE_SAMPLES)


class Activity:
    """Each zone's activity from its sensors, through the engine's ActivityTracker."""

    def __init__(self, home: HomeConfig) -> None:
        """Track every zone, when the engine has the tracker."""
        module = engine_module("activity", "ActivityTracker")
        self.trackers = (
            {}
            if module is None
            else {z.name: module.ActivityTracker() for z in home.zones}
        )
        self.now: dict[str, float | None] = {}

    def tick(self, zone: Zone, home: HomeState) -> None:
        """Take the zone's readings now."""
        tracker = self.trackers.get(zone.name)
        if tracker is None:
            return
        power: dict[str, float | None] = {}
        climate = {
            t: engine.finite(state.attributes.get("current_temperature"))
            for t in zone.thermostats
            if (state := home.states.get(t)) is not None
        }
        for sensor in zone.power:
            state = home.states.get(sensor)
            if state is not None:
                unit = state.attributes.get("unit_of_measurement")
                # Temperature and humidity say "busy" by changing, power by its level.
                kind = climate if unit in CLIMATE_UNITS else power
                kind[sensor] = engine.finite(state.state)
        self.now[zone.name] = tracker.update(power, climate)

    def conditions(self, zone: Zone, now: datetime, home: HomeState) -> Any:
        """Return the zone's conditions now, with its activity."""
        return replace(home.conditions(zone, now), activity=self.now.get(zone.name))


class HabitChannel:
    """A light feed per light and an occupancy feed per zone; see the module."""

    def __init__(self, home: HomeConfig, habit: ModuleType) -> None:
        """Feed every light and every zone that has motion sensors."""
        self.zones = [z for z in home.zones if z.lights or z.motion]
        self.lights = {
            light: habit.BinaryFeed() for z in self.zones for light in z.lights
        }
        self.occupancy = {
            z.name: habit.BinaryFeed(horizon=OCCUPANCY_HORIZON)
            for z in self.zones
            if z.motion
        }
        self.motion_of = {m: z for z in self.zones for m in z.motion}
        self.activity = Activity(home)

    def watches(self) -> set[str]:
        """Return the lights and motion sensors."""
        return set(self.lights) | set(self.motion_of)

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Pass a light's state on, or the zone's combined motion (on if any is on)."""
        feed = self.lights.get(event.entity_id)
        if feed is not None:
            feed.update(event.time, event.state)
        zone = self.motion_of.get(event.entity_id)
        if zone is not None:
            states = [home.states[m].state for m in zone.motion if m in home.states]
            combined = (
                "on" if "on" in states else ("off" if "off" in states else "unknown")
            )
            self.occupancy[zone.name].update(event.time, combined)

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Sample every feed with its zone's conditions now."""
        for zone in self.zones:
            self.activity.tick(zone, home)
            x = self.activity.conditions(zone, now, home)
            for light in zone.lights:
                self.lights[light].tick(x)
            if zone.name in self.occupancy:
                self.occupancy[zone.name].tick(x)

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield light_on per light and occupancy per zone, once they learned."""
        for zone in self.zones:
            if now == when:
                x = self.activity.conditions(zone, now, home)
            else:
                x = home.conditions_at(zone, now, when)
            for light in zone.lights:
                model = self.lights[light].model
                if model.samples:
                    yield Row(
                        light, "light_on", model.predict(x), confidence(model.samples)
                    )
            feed = self.occupancy.get(zone.name)
            if feed is not None and feed.model.samples:
                samples = feed.model.samples
                yield Row(
                    zone.entity_id, "occupancy", feed.predict(x), confidence(samples)
                )
