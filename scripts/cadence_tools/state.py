"""The home's latest states during a replay, and the engine's view of a moment.

Mirrors the integration's `home.py`: the same engine helpers turn the latest states of
the outdoor, workday and motion entities into `Conditions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import load_engine
from .events import Event
from .home import HomeConfig, Zone

engine = load_engine()


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
        motions = [
            (state.state, state.last_changed)
            for entity_id in zone.motion
            if (state := self.states.get(entity_id)) is not None
        ]
        return engine.Conditions(
            when=now.astimezone(self.home.timezone),
            workday=self._workday(),
            outdoor_c=self._outdoor_c(),
            minutes_since_motion=engine.minutes_since_motion(motions, now),
        )

    def conditions_at(self, zone: Zone, now: datetime, when: datetime) -> Any:
        """Return what can be assumed at `now` about a later moment `when`.

        As the integration's planning view: outdoor temperature now stands in for
        later, the workday sensor speaks only of its own date, and occupancy now says
        nothing about another time.
        """
        local = when.astimezone(self.home.timezone)
        today = now.astimezone(self.home.timezone).date() == local.date()
        return engine.Conditions(
            when=local,
            workday=self._workday() if today else None,
            outdoor_c=self._outdoor_c(),
            minutes_since_motion=None,
        )

    def _workday(self) -> bool | None:
        """Return what the workday sensor says, None when unknown."""
        if self.home.workday is None:
            return None
        state = self.states.get(self.home.workday)
        return engine.workday(state.state if state else None)

    def _outdoor_c(self) -> float | None:
        """Return the outdoor temperature in °C from a sensor or a weather entity."""
        entity_id = self.home.outdoor_temperature
        if entity_id is None or (state := self.states.get(entity_id)) is None:
            return None
        if entity_id.startswith("weather."):
            return engine.outdoor_c(
                state.attributes.get("temperature"),
                state.attributes.get("temperature_unit"),
            )
        return engine.outdoor_c(
            state.state, state.attributes.get("unit_of_measurement")
        )
