"""Occupancy: will a zone be in use soon, and when it will be next.

Each zone with motion, occupancy or presence sensors has a `BinaryFeed` with a
15-minute horizon (is the zone in use within the next 15 minutes), fed with every
state change and sampled every five-minute tick with the zone's conditions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from ..features import Conditions, advance
from ..layout import HomeLayout, Zone
from ..models.binary import BinaryFeed
from ..models.occupancy import OccupancyModel
from ..states import Reading, Source
from .base import NOTHING, POOL_SAMPLES, Facts, Forecast, Outcome

OCCUPANCY_HORIZON = timedelta(minutes=15)
# The occupancy forecast: the next 24 hours in half-hour steps, recomputed at most
# once per five-minute tick, not on every motion event.
FORECAST_STEP = timedelta(minutes=30)
FORECAST_STEPS = 48
FORECAST_REFRESH = timedelta(minutes=5)
IN_USE = 0.5


@dataclass(frozen=True, kw_only=True, slots=True)
class OccupancyStatus:
    """What a zone's occupancy entities show."""

    occupancy: Forecast
    # (moment, probability) every half-hour for the next 24 hours.
    forecast: tuple[tuple[datetime, float], ...]
    next_arrival: datetime | None
    next_vacancy: datetime | None


def crossings(
    now: float, forecast: Iterable[tuple[datetime, float]]
) -> tuple[datetime | None, datetime | None]:
    """Return the first moments the forecast crosses one half upwards and downwards."""
    arrival = vacancy = None
    before = now
    for when, p in forecast:
        if arrival is None and before < IN_USE <= p:
            arrival = when
        if vacancy is None and before >= IN_USE > p:
            vacancy = when
        before = p
    return arrival, vacancy


class ZoneHabit:
    """The occupancy model in the shape a BinaryFeed teaches: labelled moments."""

    def __init__(self, model: OccupancyModel | None = None) -> None:
        """Teach the given model, or a new one."""
        self.model = model or OccupancyModel()

    @property
    def samples(self) -> int:
        """Return how many labels were learned."""
        return self.model.samples

    def learn(self, x: Conditions, on: bool, weight: float = 1.0) -> None:
        """Learn whether the zone was in use within 15 minutes of x.when."""
        self.model.learn(x.when, on)

    def predict(self, x: Conditions) -> float:
        """Return the probability of use within 15 minutes of x.when, from now."""
        return self.model.in_use_soon(x.when)

    def to_dict(self) -> dict[str, Any]:
        """Return the model, JSON-safe."""
        return self.model.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ZoneHabit:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        return cls(OccupancyModel.from_dict(data))


class OccupancyChannel:
    """Whether a zone will see motion within the next 15 minutes."""

    kind: ClassVar[str] = "occupancy"

    def __init__(self, zone: Zone, feed: BinaryFeed[ZoneHabit] | None = None) -> None:
        """Learn the zone's occupancy into feed (a fresh one by default)."""
        self.key = zone.zone_id
        self.motion = zone.motion
        self.feed: BinaryFeed[ZoneHabit] = feed or BinaryFeed(
            ZoneHabit(), horizon=OCCUPANCY_HORIZON
        )
        # The last state of each motion sensor that reported one.
        self._states: dict[str, str] = {}
        self._forecast: tuple[datetime, tuple[tuple[datetime, float], ...]] | None = (
            None
        )

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return the zone's channel when it has motion sensors."""
        if not zone.motion:
            return []
        saved = stored.get(zone.zone_id)
        if saved is not None:
            return [
                cls(zone, BinaryFeed[ZoneHabit].from_dict(saved, ZoneHabit.from_dict))
            ]
        # A new zone starts from what the home's other zones learned.
        others = [
            model
            for zone_id, data in stored.items()
            if zone_id != zone.zone_id
            and (model := _readable(data)) is not None
            and model.samples >= POOL_SAMPLES
        ]
        if not others:
            return [cls(zone)]
        start = OccupancyModel.from_dict(OccupancyModel.pooled(others))
        return [cls(zone, BinaryFeed(ZoneHabit(start), horizon=OCCUPANCY_HORIZON))]

    def watches(self) -> tuple[str, ...]:
        """Return the zone's motion, occupancy and presence sensors."""
        return self.motion

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Pass the zone's combined motion on: on if any sensor is on."""
        if new is None:
            self._states.pop(entity_id, None)
        else:
            self._states[entity_id] = new.state
        states = self._states.values()
        combined = "on" if "on" in states else ("off" if "off" in states else "unknown")
        self.feed.update(x.when, combined)
        if combined != "unknown":
            self.feed.model.model.observe(x.when, combined == "on")
        return NOTHING

    def on_tick(self, x: Conditions) -> bool:
        """Sample the zone at x, unless the home is away or has guests."""
        return x.usual and self.feed.tick(x)

    def status(self, x: Conditions) -> dict[str, OccupancyStatus]:
        """Return the probability of use within 15 minutes and the next 24 hours."""
        now = self.forecast(x, x.when).get("occupancy")
        if now is None:
            return {}
        cached = self._forecast
        if cached is None or not cached[0] <= x.when < cached[0] + FORECAST_REFRESH:
            moments = (
                advance(x.when, step * FORECAST_STEP)
                for step in range(1, FORECAST_STEPS + 1)
            )
            model = self.feed.model.model
            series = tuple((t, model.predict(x.when, t)) for t in moments)
            cached = self._forecast = (x.when, series)
        arrival, vacancy = crossings(now.value, cached[1])
        return {
            "occupancy": OccupancyStatus(
                occupancy=now,
                forecast=cached[1],
                next_arrival=arrival,
                next_vacancy=vacancy,
            )
        }

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the probability of use within 15 minutes of x.when, made at now."""
        model = self.feed.model.model
        if not model.informed:
            return {}
        return {
            "occupancy": Forecast(
                model.predict(now.astimezone(x.when.tzinfo), x.when),
                model.confidence(x.when),
            )
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the zone's feed, JSON-safe."""
        return self.feed.to_dict()


def _readable(data: object) -> OccupancyModel | None:
    """Return the occupancy model of another zone's stored feed, None if unreadable.

    The other zone's own channel reports a damaged entry; here it is just not lent.
    """
    try:
        return ZoneHabit.from_dict(data["model"]).model  # type: ignore[index]
    except (ValueError, TypeError, KeyError):
        return None
