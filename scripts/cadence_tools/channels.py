"""What a replay predicts: one channel per kind of model, fed like the integration.

A channel takes the events of the entities it watches, is ticked every five minutes
of event time (as the integration's coordinator is), and returns prediction rows.
New quantities plug in as new channels in `build_channels`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
import json
from typing import Any, Protocol

from . import load_engine
from .events import Event
from .home import HomeConfig, Zone
from .state import EntityState, HomeState

engine = load_engine()

QUANTITY_OF_TARGET = {
    "temperature": "setpoint",
    "target_temp_low": "setpoint_low",
    "target_temp_high": "setpoint_high",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One prediction: of which entity, which quantity, its value and confidence."""

    entity_id: str
    quantity: str
    value: float
    confidence: float


class Channel(Protocol):
    """A kind of model driven by the replay."""

    def watches(self) -> set[str]:
        """Return the entity ids whose events this channel takes."""

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Learn from one event of a watched entity (home already holds it)."""

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Do the integration's five-minute work at `now`."""

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield what is predicted at `now` for the moment `when` (now <= when)."""


class SetpointChannel:
    """Thermostat setpoints through the engine's ThermostatFeed, as in Home Assistant.

    A change with user=1 is a person's; anything else is taken as an automation's
    (it does not teach): EVENTS.csv cannot tell a change at the device's own knob
    from an automation's, and not learning is the safe side.
    """

    def __init__(self, home: HomeConfig) -> None:
        """Watch every thermostat of the home."""
        self.unit = home.unit
        self.zone_of: dict[str, Zone] = {
            entity_id: zone for zone in home.zones for entity_id in zone.thermostats
        }
        self.feeds: dict[str, Any] = {}
        self.skipped: dict[str, int] = {}

    def watches(self) -> set[str]:
        """Return the thermostats."""
        return set(self.zone_of)

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Feed one thermostat state change, as the coordinator does."""
        feed = self.feeds.get(event.entity_id)
        if feed is None:
            features = engine.finite(event.attributes.get("supported_features"))
            targets = engine.targets_for(None if features is None else int(features))
            feed = self.feeds[event.entity_id] = engine.ThermostatFeed.new(targets)
        result = feed.update(
            home.conditions(self.zone_of[event.entity_id], event.time),
            engine.Reading(event.state, event.attributes),
            None if old is None else engine.Reading(old.state, old.attributes),
            engine.Source.PERSON if event.user else engine.Source.AUTOMATION,
            self.unit,
        )
        for reason in result.skipped:
            self.skipped[reason.value] = self.skipped.get(reason.value, 0) + 1

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Credit setpoints held until now."""
        for entity_id, feed in self.feeds.items():
            feed.hold(home.conditions(self.zone_of[entity_id], now))

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield each learned setpoint of each thermostat, in its unit."""
        for entity_id, feed in self.feeds.items():
            zone = self.zone_of[entity_id]
            x = (
                home.conditions(zone, now)
                if when == now
                else home.conditions_at(zone, now, when)
            )
            for target, learner in feed.learners.items():
                prediction = learner.model.predict(x)
                if prediction is not None:
                    yield Row(
                        entity_id,
                        QUANTITY_OF_TARGET[target],
                        engine.from_celsius(prediction.value_c, self.unit),
                        prediction.confidence,
                    )

    def state_bytes(self) -> dict[str, int]:
        """Return the size of each thermostat's learned state as compact JSON."""
        return {
            entity_id: len(json.dumps(feed.to_dict(), separators=(",", ":")))
            for entity_id, feed in self.feeds.items()
        }


def build_channels(home: HomeConfig) -> list[Channel]:
    """Return a channel for every kind of model the engine has and the home uses."""
    channels: list[Channel] = []
    if any(zone.thermostats for zone in home.zones):
        channels.append(SetpointChannel(home))
    # The habit and level channels import this module for Row.
    from .habits import HabitChannel, habit_module  # noqa: PLC0415
    from .levels import LevelChannel, level_modules  # noqa: PLC0415

    uses_habits = any(zone.lights or zone.motion for zone in home.zones)
    if uses_habits and (habit := habit_module()) is not None:
        channels.append(HabitChannel(home, habit))
    uses_levels = any(zone.power or zone.motion for zone in home.zones)
    if uses_levels and (modules := level_modules()) is not None:
        channels.append(LevelChannel(home, *modules))
    return channels
