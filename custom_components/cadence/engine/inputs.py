"""The home-wide inputs of a moment, read from entity states the same way everywhere.

Live learning reads Home Assistant's current states, the history bootstrap the
recorded ones, the offline replay its own: each passes a lookup to these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from .features import DEFAULT_SENSITIVITY, NORMAL, Conditions
from .states import minutes_since_motion, outdoor_c, workday


class StateView(Protocol):
    """What is read of an entity's state: now, or as it was at a past moment."""

    @property
    def state(self) -> str:
        """Return the state."""
        ...

    @property
    def attributes(self) -> Mapping[str, Any]:
        """Return the attributes."""
        ...

    @property
    def last_changed(self) -> datetime:
        """Return when the state began."""
        ...


# Looks up the state of an entity: now, or the history's at a moment.
type StateLookup = Callable[[str], StateView | None]


def conditions_from(
    lookup: StateLookup,
    when: datetime,
    *,
    motion: Iterable[str],
    outdoor_entity: str | None,
    workday_entity: str | None,
    activity: float | None = None,
    mode: str = NORMAL,
    sensitivity: int = DEFAULT_SENSITIVITY,
) -> Conditions:
    """Return what is known at `when` (aware, local) from the states at that moment.

    The zone's activity, read by the caller from its sensors, the home's mode and
    the zone's sensitivity are passed through.
    """
    motions = [
        (state.state, state.last_changed)
        for entity_id in motion
        if (state := lookup(entity_id)) is not None
    ]
    return Conditions(
        when=when,
        workday=workday_from(lookup, workday_entity),
        outdoor_c=outdoor_from(lookup, outdoor_entity),
        minutes_since_motion=minutes_since_motion(motions, when),
        activity=activity,
        mode=mode,
        sensitivity=sensitivity,
    )


def planning_conditions(
    lookup: StateLookup,
    when: datetime,
    *,
    today: bool,
    outdoor_entity: str | None,
    workday_entity: str | None,
) -> Conditions:
    """Return what can be assumed now about another moment `when` (aware, local).

    The outdoor temperature now stands in for later; the workday sensor speaks only of
    its own date (`today`), and occupancy now says nothing about another time.
    """
    return Conditions(
        when=when,
        workday=workday_from(lookup, workday_entity) if today else None,
        outdoor_c=outdoor_from(lookup, outdoor_entity),
        minutes_since_motion=None,
    )


def workday_from(lookup: StateLookup, entity_id: str | None) -> bool | None:
    """Return what the workday sensor says, None when there is none or it is unknown."""
    if entity_id is None:
        return None
    state = lookup(entity_id)
    return workday(state.state if state else None)


def outdoor_from(lookup: StateLookup, entity_id: str | None) -> float | None:
    """Return the outdoor temperature in °C from a sensor or a weather entity."""
    if entity_id is None or (state := lookup(entity_id)) is None:
        return None
    if entity_id.startswith("weather."):
        return outdoor_c(
            state.attributes.get("temperature"),
            state.attributes.get("temperature_unit"),
        )
    return outdoor_c(state.state, state.attributes.get("unit_of_measurement"))
