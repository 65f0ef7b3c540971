"""The one shape every kind of watched entity takes: a channel.

The live coordinator, the history bootstrap and the offline replay drive the same
channels through `engine.pipeline.Pipeline`, so a behaviour is written once. A channel
belongs to one zone and learns from the entities it watches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..states import Reading, Source

# What Home Assistant knows of an entity without its state: its attributes now, or
# what the entity registry says (supported features), None when it knows nothing.
type Facts = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one reported state did: whether it taught, and what it skipped and why."""

    learned: bool = False
    skipped: tuple[str, ...] = ()


NOTHING = Outcome()
# Confidence in a habit or level grows with the samples learned (a five-minute tick
# each), reaching one half after a week of them.
HALF_CONFIDENCE_SAMPLES = 7 * 24 * 12
# A zone or light lends what it learned to a new one (a cold start from the home)
# once it learned a day of five-minute ticks.
POOL_SAMPLES = 24 * 12


def sample_confidence(samples: int) -> float:
    """Return trust in a learned habit or level from the samples it has seen."""
    return samples / (samples + HALF_CONFIDENCE_SAMPLES)


@dataclass(frozen=True, slots=True)
class Forecast:
    """One predicted quantity at a moment, in engine units, and trust in it (0-1)."""

    value: float
    confidence: float


def present_verdict(
    x: Conditions, now: datetime, name: str, flag: bool, score: float
) -> dict[str, Forecast]:
    """Return a detector's flag and score as forecasts, for the present only."""
    if now != x.when:
        return {}
    return {name: Forecast(float(flag), 1.0), f"{name}_score": Forecast(score, 1.0)}


class Channel(Protocol):
    """Learns from some entities of one zone and says what it predicts."""

    # The store key of this kind of channel, and the id one channel is kept under.
    kind: ClassVar[str]
    key: str

    def watches(self) -> Iterable[str]:
        """Return the entity ids this channel learns from."""
        ...

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Learn from one state change of a watched entity (None: it is gone)."""
        ...

    def on_tick(self, x: Conditions) -> bool:
        """Do the five-minute work at x.when; True when anything was learned."""
        ...

    def status(self, x: Conditions) -> Mapping[str, Any]:
        """Return what the entities show now, by the name each entity reads."""
        ...

    def forecast(self, x: Conditions, now: datetime) -> Mapping[str, Forecast]:
        """Return what is predicted at `now` for the moment x.when, by quantity.

        When now is x.when, x is the present; verdicts about the present (is this
        reading anomalous) are given only then.
        """
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe and versioned."""
        ...


class ChannelKind(Protocol):
    """A kind of channel (the class itself): builds a zone's channels of that kind."""

    @property
    def kind(self) -> str:
        """Return the store key of this kind."""
        ...

    def for_zone(
        self,
        zone: Zone,
        home: HomeLayout,
        stored: Mapping[str, Any],
        facts: Facts,
    ) -> Sequence[Channel]:
        """Return the zone's channels of this kind; stored is this kind's store key.

        Raises ValueError, KeyError or TypeError when stored state is malformed.
        """
        ...
