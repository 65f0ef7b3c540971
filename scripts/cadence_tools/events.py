"""EVENTS.csv: Home Assistant state changes in time order, read strictly."""

from __future__ import annotations

from collections.abc import Iterator
import csv
from dataclasses import dataclass
from datetime import datetime
import json
from pathlib import Path
from typing import Any, TextIO

from .home import InputError

HEADER = ("time", "entity_id", "state", "attributes", "user")
_USER = {"1": True, "0": False, "": False}


@dataclass(frozen=True, slots=True)
class Event:
    """One state change: when, of what, the new state, and whether a person made it."""

    time: datetime
    entity_id: str
    state: str
    attributes: dict[str, Any]
    user: bool


def read_events(path: Path) -> Iterator[Event]:
    """Yield the events of a file; raise InputError naming the row of a bad one."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from err
    with handle:
        yield from parse_events(handle, str(path))


def parse_events(handle: TextIO, where: str = "events") -> Iterator[Event]:
    """Yield the events of open CSV text; rows are numbered as lines, header is 1."""
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != HEADER:
        raise InputError(f"{where}: row 1: the header must be {','.join(HEADER)}")
    previous: datetime | None = None
    for row in reader:
        line = reader.line_num
        if len(row) != len(HEADER):
            if not any(row):
                continue
            raise InputError(
                f"{where}: row {line}: expected {len(HEADER)} columns, got {len(row)}"
            )
        text, entity_id, state, attributes, user = row
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"{where}: row {line}: time {text!r} is not ISO 8601"
            ) from None
        if when.utcoffset() is None:
            raise InputError(f"{where}: row {line}: time {text!r} has no UTC offset")
        if previous is not None and when < previous:
            raise InputError(
                f"{where}: row {line}: time {text} is before the row above"
                f" ({previous.isoformat()}): rows must be in time order"
            )
        previous = when
        if "." not in entity_id:
            raise InputError(
                f"{where}: row {line}: entity_id {entity_id!r} is not an entity id"
            )
        yield Event(
            when,
            entity_id,
            state,
            _attributes(attributes, where, line),
            _user(user, where, line),
        )


def _attributes(text: str, where: str, line: int) -> dict[str, Any]:
    """Return the attributes object of a row."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{where}: row {line}: attributes are not valid JSON: {err.msg}"
        ) from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: row {line}: attributes must be a JSON object")
    return value


def _user(text: str, where: str, line: int) -> bool:
    """Return whether a person made the change."""
    try:
        return _USER[text.strip()]
    except KeyError:
        raise InputError(
            f"{where}: row {line}: user must be 1, 0 or empty, got {text!r}"
        ) from None
