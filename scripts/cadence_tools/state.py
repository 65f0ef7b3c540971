"""The home's latest states during a replay, and the engine's view of a moment.

Mirrors the integration's `home.py`: the same engine helpers turn the latest states of
the outdoor, workday and motion entities into `Conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import importlib
from typing import Any

from . import load_engine
from .events import Event
from .home import HomeConfig, Zone

load_engine()
inputs = importlib.import_module("custom_components.cadence.engine.inputs")


@dataclass(frozen=True, slots=True)
class EntityState:
    """An entity's state as Home Assistant keeps it: last_changed moves with the state."""

    state: str
    attributes: dict[str, Any]
    last_changed: datetime


class HomeState:
    """The latest state of every watched entity, as Home Assistant's state machine."""

    def __init__(self, home: HomeConfig) -> None:
        """Start with no states, as before the first event."""
        self.home = home
        self.states: dict[str, EntityState] = {}

    def apply(self, event: Event) -> EntityState | None:
        """Record an event's state; return the state it replaced."""
        old = self.states.get(event.entity_id)
        changed = old is None or old.state != event.state
        self.states[event.entity_id] = EntityState(
            event.state,
            event.attributes,
            event.time if changed or old is None else old.last_changed,
        )
        return old

    def conditions(self, zone: Zone, now: datetime) -> Any:
        """Return the engine's Conditions of a zone at `now`, as the integration does."""
        return inputs.conditions_from(
            self.states.get,
            now.astimezone(self.home.timezone),
            motion=zone.motion,
            outdoor_entity=self.home.outdoor_temperature,
            workday_entity=self.home.workday,
        )

    def conditions_at(self, zone: Zone, now: datetime, when: datetime) -> Any:
        """Return what can be assumed at `now` about a later moment `when`.

        As the integration's planning view (engine.inputs.planning_conditions).
        """
        local = when.astimezone(self.home.timezone)
        return inputs.planning_conditions(
            self.states.get,
            local,
            today=now.astimezone(self.home.timezone).date() == local.date(),
            outdoor_entity=self.home.outdoor_temperature,
            workday_entity=self.home.workday,
        )
