"""What learning from history covers: its plan, its summary and each zone's standing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

from ..home import Zone
from ..store import UnreadableStoreError


@dataclass(kw_only=True, slots=True)
class ZoneHistory:
    """Where a zone stands in learning from the recorder's history."""

    # The seam of the last completed run; None when the zone never learned from history.
    until: datetime | None = None
    # The thermostats completed runs covered.
    thermostats: frozenset[str] = frozenset()
    learning: bool = False
    progress: int = 0
    last: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        """Return pending, learning or done."""
        if self.learning:
            return "learning"
        return "pending" if self.until is None else "done"

    def unlearned(self, zone: Zone) -> tuple[str, ...]:
        """Return the zone's thermostats whose history was never learned."""
        return tuple(e for e in zone.climate if e not in self.thermostats)

    def as_dict(self) -> dict[str, Any]:
        """Return what is kept of it, JSON-safe."""
        return {
            "until": None if self.until is None else self.until.isoformat(),
            "thermostats": sorted(self.thermostats),
            "last": self.last,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class HistoryPlan:
    """What one run learns: which zones, and from when to when."""

    zones: tuple[Zone, ...]
    start: datetime
    # The seam: states before it come from history, from it on from live events.
    end: datetime
    statistics_start: datetime

    @classmethod
    def ending(
        cls, zones: Iterable[Zone], end: datetime, days: float, statistics_days: float
    ) -> HistoryPlan:
        """Plan a run over the last `days` of states before end."""
        start = end - timedelta(days=days)
        return cls(
            zones=tuple(zones),
            start=start,
            end=end,
            statistics_start=min(start, end - timedelta(days=statistics_days)),
        )


@dataclass(kw_only=True, slots=True)
class HistorySummary:
    """What one run learned, for the action's response, the sensor and the log."""

    plan: HistoryPlan
    events: dict[str, int] = field(default_factory=dict)
    statistics: dict[str, int] = field(default_factory=dict)
    without_history: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # The oldest state change found in the window; None when none was.
    first: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the summary, JSON-safe."""
        plan = self.plan
        return {
            "zones": [zone.name for zone in plan.zones],
            "entities": dict(sorted(self.events.items())),
            "statistics": dict(sorted(self.statistics.items())),
            "without_history": dict(sorted(self.without_history.items())),
            "days": round((plan.end - plan.start).total_seconds() / 86400, 2),
            "from": plan.start.isoformat(),
            "to": plan.end.isoformat(),
            "first_change": None if self.first is None else self.first.isoformat(),
            "seconds": round(self.seconds, 2),
        }


def saved_history(
    stored: dict[str, Any] | None, zones: Iterable[Zone]
) -> dict[str, ZoneHistory]:
    """Return where each zone stands in learning from history.

    A state saved before Cadence learned from history already holds what its zones
    learned live; replaying history on top would count it twice, so those zones
    count as done, and so do their thermostats in a zone saved before Cadence
    counted which thermostats a run covered.
    """
    if stored is not None and "history" not in stored:
        now = dt_util.utcnow()
        return {
            zone.zone_id: ZoneHistory(until=now, thermostats=frozenset(zone.climate))
            for zone in zones
        }
    saved = (stored or {}).get("history", {})
    if not isinstance(saved, dict):
        raise UnreadableStoreError("history: not an object")
    result = {}
    for zone in zones:
        item = saved.get(zone.zone_id) or {}
        try:
            until = item.get("until")
            covered = _entity_ids(item.get("thermostats"))
            if covered is None:
                covered = frozenset() if until is None else frozenset(zone.climate)
            result[zone.zone_id] = ZoneHistory(
                until=None if until is None else datetime.fromisoformat(until),
                # Thermostats since taken out of the zone are forgotten: put back,
                # their history is learned again.
                thermostats=covered & set(zone.climate),
                last=item.get("last"),
            )
        except (AttributeError, TypeError, ValueError) as err:
            raise UnreadableStoreError(f"history: {err!r}") from err
    return result


def unlearned_zones(
    zones: Iterable[Zone], history: Mapping[str, ZoneHistory]
) -> list[Zone]:
    """Return what was never learned from history, as zones to learn.

    A new zone whole; of a learned zone, the thermostats added to it since, as the
    zone holding only those (its other entities still give their conditions).
    """
    pending = []
    for zone in zones:
        standing = history[zone.zone_id]
        if standing.until is None:
            pending.append(zone)
        elif unlearned := standing.unlearned(zone):
            pending.append(replace(zone, climate=unlearned))
    return pending


def _entity_ids(value: object) -> frozenset[str] | None:
    """Return a stored list of entity ids as a set, None kept; raise if malformed."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(e, str) for e in value):
        raise TypeError(f"thermostats: expected entity ids, got {value!r}")
    return frozenset(value)
