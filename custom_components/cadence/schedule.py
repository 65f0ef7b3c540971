"""A learned week as a person reads it: the changes of each day, not 48 numbers.

`cadence.get_schedule` answers with these by default (its `format: slots` keeps
the raw half hours). A thermostat's day is a list of `{start, setpoint}` where the
setpoint changes by at least the thermostat's step; an occupancy or light habit
is a list of `{start, end, probability}` blocks where it is likely (50 % or more).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SLOT_MINUTES = 30
LIKELY = 50.0  # % from which a half hour counts as occupied (or a light as on)


def clock(slot: int) -> str:
    """Return the local start time of a half-hour slot as HH:MM (48 gives 24:00)."""
    minutes = slot * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def snap(value: float, step: float) -> float:
    """Round a value to the thermostat's step, as it would show and accept it."""
    return round(round(value / step) * step, 1)


def changes(slots: Sequence[float], step: float) -> list[dict[str, Any]]:
    """Return a day's setpoint changes, merging slots within one step of a change.

    A new change starts where a slot differs from the setpoint in force by a whole
    step or more, so a value wavering around a rounding boundary is one setpoint.
    """
    found: list[dict[str, Any]] = []
    for slot, value in enumerate(slots):
        # A whole step, give or take float rounding (20.2 - 20.1 < 0.1).
        if not found or abs(value - found[-1]["setpoint"]) >= step - 1e-6:
            found.append({"start": clock(slot), "setpoint": snap(value, step)})
    return found


def blocks(
    slots: Sequence[float], extra: Sequence[float | None] | None = None
) -> list[dict[str, Any]]:
    """Return the likely stretches of a day (probabilities in %) with their mean.

    `extra`, when given (a light's brightness per slot), adds its mean over each
    block as `brightness`, where it was learned.
    """
    found: list[dict[str, Any]] = []
    start: int | None = None
    for slot, value in enumerate([*slots, 0.0]):  # a closing slot ends the last block
        if value >= LIKELY and start is None:
            start = slot
        elif value < LIKELY and start is not None:
            found.append(_block(slots, extra, start, slot))
            start = None
    return found


def _block(
    slots: Sequence[float], extra: Sequence[float | None] | None, start: int, end: int
) -> dict[str, Any]:
    """Return one likely stretch from slot `start` up to (not including) `end`."""
    block: dict[str, Any] = {
        "start": clock(start),
        "end": clock(end),
        "probability": round(sum(slots[start:end]) / (end - start), 1),
    }
    if extra is not None:
        known = [v for v in extra[start:end] if v is not None]
        if known:
            block["brightness"] = round(sum(known) / len(known), 1)
    return block
