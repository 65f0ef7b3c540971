"""What a replay predicts: the engine's own pipeline, driven as the integration does.

The replay hands every event of a watched entity to an `engine.Pipeline` (the same
channels Home Assistant's coordinator and history bootstrap drive), ticks it every
five minutes of event time, and turns its forecasts into rows. Observers with the
same small shape (a benchmark's recorder) can ride along.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
import importlib
import json
from types import ModuleType
from typing import Any, Protocol

from . import load_engine
from .events import Event
from .home import HomeConfig
from .state import EntityState, HomeState

engine = load_engine()
channels_module = importlib.import_module("custom_components.cadence.engine.channels")
ALL_KINDS = channels_module.ALL_KINDS
THERMOSTATS = channels_module.ThermostatChannel


@dataclass(frozen=True, slots=True)
class Row:
    """One prediction: of which entity, which quantity, its value and confidence."""

    entity_id: str
    quantity: str
    value: float
    confidence: float


class Channel(Protocol):
    """What the replay drives: the engine's pipeline, or an observer beside it."""

    def watches(self) -> set[str]:
        """Return the entity ids whose events this channel takes."""

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Learn from one event of a watched entity (home already holds it)."""

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Do the integration's five-minute work at `now`."""

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield what is predicted at `now` for the moment `when` (now <= when)."""


def engine_module(name: str, *parts: str) -> ModuleType | None:
    """Return an engine model module when it exists with the given parts, else None."""
    try:
        module = importlib.import_module(
            f"custom_components.cadence.engine.models.{name}"
        )
    except ImportError:
        return None
    return module if all(hasattr(module, part) for part in parts) else None


def layout_of(home: HomeConfig) -> Any:
    """Return the engine's view of a replayed home."""
    return engine.HomeLayout(
        zones=tuple(
            engine.Zone(
                zone_id=zone.entity_id,
                name=zone.name,
                climate=zone.thermostats,
                lights=zone.lights,
                motion=zone.motion,
                power=zone.power,
            )
            for zone in home.zones
        ),
        outdoor_entity=home.outdoor_temperature,
        workday_entity=home.workday,
        people=home.people,
        unit=home.unit,
    )


class PipelineChannel:
    """The engine's pipeline for a replayed home.

    A change with user=1 is a person's; anything else is taken as an automation's
    (it does not teach): EVENTS.csv cannot tell a change at the device's own knob
    from an automation's, and not learning is the safe side. Thermostats learn the
    setpoints their first state's supported_features name.
    """

    def __init__(self, home: HomeConfig, kinds: Iterable[Any] = ALL_KINDS) -> None:
        """Build the channels of the given kinds (all by default) for every zone."""
        self.unit = home.unit
        self.pipeline = engine.Pipeline.build(
            layout_of(home),
            tuple(kinds),
            {},
            lambda entity_id: None,
            lambda when: when.astimezone(home.timezone),
        )
        self.skipped: dict[str, int] = {}

    def watches(self) -> set[str]:
        """Return every entity a channel learns from."""
        return set(self.pipeline.watches())

    def on_event(self, event: Event, old: EntityState | None, home: HomeState) -> None:
        """Feed one state change, as the coordinator does."""
        outcomes = self.pipeline.on_state(
            event.entity_id,
            event.time,
            engine.Reading(event.state, event.attributes),
            None if old is None else engine.Reading(old.state, old.attributes),
            engine.Source.PERSON if event.user else engine.Source.AUTOMATION,
            home.states.get,
        )
        for _, outcome in outcomes:
            for reason in outcome.skipped:
                self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Do the coordinator's five-minute tick."""
        self.pipeline.on_tick(now, home.states.get)

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Yield every channel's forecast; temperatures in the home's unit."""
        for channel, quantity, forecast in self.pipeline.forecast(
            now, when, home.states.get
        ):
            value = forecast.value
            if channel.kind == THERMOSTATS.kind:
                value = engine.from_celsius(value, self.unit)
            yield Row(channel.key, quantity, value, forecast.confidence)

    def state_bytes(self, kind: str = THERMOSTATS.kind) -> dict[str, int]:
        """Return the size of each channel's learned state of a kind, compact JSON."""
        return {
            channel.key: len(json.dumps(channel.to_dict(), separators=(",", ":")))
            for channel in self.pipeline.all_channels()
            if channel.kind == kind
        }


def SetpointChannel(home: HomeConfig) -> PipelineChannel:  # noqa: N802
    """Return the pipeline of a home's thermostats alone."""
    return PipelineChannel(home, (THERMOSTATS,))


def build_channels(home: HomeConfig) -> list[Channel]:
    """Return the pipeline of every kind of channel the engine has."""
    return [PipelineChannel(home)]
