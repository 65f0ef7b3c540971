"""Reads the recorder's history for learning, one bounded time window at a time.

Every function here does database I/O and runs in the recorder's executor, never on
the event loop. Each returns one window, so memory stays bounded however long the
history is. Home Assistant's own history API drops the recorded context (who made a
change), which Cadence needs to tell a person from an automation, so the states are
read with their context columns here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from homeassistant.components.recorder.db_schema import (
    SHARED_ATTR_OR_LEGACY_ATTRIBUTES,
    StateAttributes,
    States,
)
from homeassistant.components.recorder.models.context import bytes_to_uuid_hex_or_none
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance, session_scope
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads_object
from homeassistant.util.ulid import bytes_to_ulid_or_none
from sqlalchemy import select
from sqlalchemy.orm import Session

_NO_ATTRIBUTES: Mapping[str, Any] = {}
ROWS_PER_FETCH = 500


# A RecordedState's fields as a plain tuple. Windows of states are passed around
# as plain tuples of plain values on purpose: the garbage collector stops tracking
# those (not instances of tuple subclasses), so holding a day of states does not
# set off full collections, which pause all of Home Assistant.
type RawState = tuple[
    str, str, Mapping[str, Any], float, float, str | None, str | None, str | None, bool
]


class RecordedState(NamedTuple):
    """One recorded state of an entity, with who caused it.

    Attributes and context are read only for the entities that need them (the
    thermostats and the outdoor sensor); for the others they are empty.
    """

    entity_id: str
    # Empty when the recorder kept no state (the entity was removed).
    state: str
    attributes: Mapping[str, Any]
    last_updated_ts: float
    last_changed_ts: float
    context_id: str | None
    user_id: str | None
    parent_id: str | None
    # Recorded without an old state: the first after a restart, or a new entity.
    first: bool = False

    @property
    def last_changed(self) -> datetime:
        """Return when this state began."""
        return dt_util.utc_from_timestamp(self.last_changed_ts)


@dataclass(frozen=True, slots=True)
class HourlyStatistic:
    """One hour of a numeric sensor's long-term statistics."""

    start: datetime
    mean: float | None
    min: float | None
    max: float | None
    sum: float | None


def _metadata_ids(
    hass: HomeAssistant, session: Session, entity_ids: Iterable[str]
) -> dict[int, str]:
    """Return the recorder's ids of the entities it has any state of."""
    found = get_instance(hass).states_meta_manager.get_many(entity_ids, session, False)
    return {
        metadata_id: entity_id
        for entity_id, metadata_id in found.items()
        if metadata_id is not None
    }


def recorded_entities(hass: HomeAssistant, entity_ids: Iterable[str]) -> set[str]:
    """Return which of the entities the recorder holds states of."""
    with session_scope(hass=hass, read_only=True) as session:
        return set(_metadata_ids(hass, session, entity_ids).values())


def read_states(
    hass: HomeAssistant,
    entity_ids: Iterable[str],
    detailed: frozenset[str],
    start_ts: float,
    end_ts: float,
) -> list[RawState]:
    """Return every recorded state in [start_ts, end_ts), oldest first.

    Attribute-only changes are included: live learning sees them too. Ties in time
    keep the order the recorder wrote them in.
    """
    with session_scope(hass=hass, read_only=True) as session:
        by_id = _metadata_ids(hass, session, entity_ids)
        if not by_id:
            return []
        stmt = (
            _select_states()
            .where(States.metadata_id.in_(list(by_id)))
            .where(States.last_updated_ts >= start_ts)
            .where(States.last_updated_ts < end_ts)
            .order_by(States.last_updated_ts, States.state_id)
        )
        cache: dict[str, Mapping[str, Any]] = {}
        # Fetched a few hundred rows at a time: fewer database rows alive at once means
        # fewer objects for the garbage collector to promote, and fewer full (slow)
        # collections while the replay runs.
        rows = session.execute(stmt, execution_options={"yield_per": ROWS_PER_FETCH})
        return [_recorded(row, by_id, detailed, cache) for row in rows]


def read_states_before(
    hass: HomeAssistant, entity_ids: Iterable[str], detailed: frozenset[str], ts: float
) -> list[RecordedState]:
    """Return each entity's last recorded state before ts: where a replay starts."""
    with session_scope(hass=hass, read_only=True) as session:
        by_id = _metadata_ids(hass, session, entity_ids)
        cache: dict[str, Mapping[str, Any]] = {}
        found: list[RecordedState] = []
        for metadata_id in by_id:
            stmt = (
                _select_states()
                .where(States.metadata_id == metadata_id)
                .where(States.last_updated_ts < ts)
                .order_by(States.last_updated_ts.desc(), States.state_id.desc())
                .limit(1)
            )
            found.extend(
                RecordedState._make(_recorded(row, by_id, detailed, cache))
                for row in session.execute(stmt)
            )
        return sorted(found, key=lambda state: state.last_updated_ts)


def _select_states() -> Any:
    """Return the columns of a state Cadence reads, attributes joined."""
    return select(
        States.metadata_id,
        States.state,
        States.last_updated_ts,
        States.last_changed_ts,
        SHARED_ATTR_OR_LEGACY_ATTRIBUTES,
        States.context_id_bin,
        States.context_user_id_bin,
        States.context_parent_id_bin,
        States.old_state_id,
    ).outerjoin(StateAttributes, States.attributes_id == StateAttributes.attributes_id)


def _recorded(
    row: Any,
    by_id: Mapping[int, str],
    detailed: frozenset[str],
    cache: dict[str, Mapping[str, Any]],
) -> RawState:
    """Turn one database row into the fields of a RecordedState."""
    entity_id = by_id[row.metadata_id]
    updated: float = row.last_updated_ts
    changed: float = row.last_changed_ts or updated
    if entity_id not in detailed:
        return (
            entity_id,
            row.state or "",
            _NO_ATTRIBUTES,
            updated,
            changed,
            None,
            None,
            None,
            False,
        )
    return (
        entity_id,
        row.state or "",
        _attributes(row.attributes, cache),
        updated,
        changed,
        bytes_to_ulid_or_none(row.context_id_bin),
        bytes_to_uuid_hex_or_none(row.context_user_id_bin),
        bytes_to_ulid_or_none(row.context_parent_id_bin),
        row.old_state_id is None,
    )


def _attributes(
    source: str | None, cache: dict[str, Mapping[str, Any]]
) -> Mapping[str, Any]:
    """Decode stored attributes once per distinct text."""
    if not source:
        return _NO_ATTRIBUTES
    if (attributes := cache.get(source)) is None:
        try:
            attributes = json_loads_object(source)
        except ValueError:
            attributes = _NO_ATTRIBUTES
        cache[source] = attributes
    return attributes


def read_statistics(
    hass: HomeAssistant, statistic_ids: set[str], start: datetime, end: datetime
) -> dict[str, list[HourlyStatistic]]:
    """Return the hourly long-term statistics of the sensors in [start, end)."""
    rows = statistics_during_period(
        hass, start, end, statistic_ids, "hour", None, {"mean", "min", "max", "sum"}
    )
    return {
        statistic_id: [
            HourlyStatistic(
                start=dt_util.utc_from_timestamp(row["start"]),
                mean=row.get("mean"),
                min=row.get("min"),
                max=row.get("max"),
                sum=row.get("sum"),
            )
            for row in hours
        ]
        for statistic_id, hours in rows.items()
    }
