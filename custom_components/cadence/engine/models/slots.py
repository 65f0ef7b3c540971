"""The robust part of the setpoint model: per half-hour slot, a median of days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from ..codec import as_list, integer, number
from ..features import DAYS_PER_WEEK, SLOTS_PER_DAY, calendar_workday, wall_slot

NON_WORKDAY = 0
WORKDAY = 1
# Days a slot remembers, by kind: ten workdays hold Monday to Friday twice each and
# six non-workdays three whole weekends, so every weekday has the same say.
RING_DAYS = (6, 10)
# A slot seen for less than this (about 12 minutes of a held setpoint) on a day does
# not vote for that day.
MIN_VOTE_WEIGHT = 0.05
# Smaller deviations of one weekday from its kind are rounding and mixing, not habit.
DEADBAND_C = 0.2
# A weekday differs from its kind when its last this many weeks all said so.
OFFSET_WEEKS = 3

_CELLS = 2 * SLOTS_PER_DAY
_WEEK_CELLS = DAYS_PER_WEEK * SLOTS_PER_DAY


class SlotMedians:
    """The setpoint of each half-hour slot of workdays and non-workdays, robustly.

    Each (kind of day, slot) cell averages the day's evidence for it, weighted, so a
    chosen setpoint outweighs a held one within its slot. When the day is over that
    average becomes one vote in a ring of the last two weeks' days of the same kind,
    and the prediction is the ring's median: brief manual overrides on a minority of
    days cannot move it, where they pull every mean and least-squares fit, and a
    changed routine takes over once it holds the majority (six workdays). Pooling the
    workdays learns five times faster than a ring per weekday. A weekday that keeps
    differing from its kind (a short Friday) gets an offset once its last three
    deviations agree, so odd days by chance never make one.
    """

    __slots__ = ("_day", "_pending_c", "_pending_w", "_rings", "_runs")

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._rings: list[list[float]] = [[] for _ in range(_CELLS)]
        self._pending_c = [0.0] * _CELLS
        self._pending_w = [0.0] * _CELLS
        # Per weekday and slot, the latest weeks' deviations from the median of its
        # kind, as long as they agree in sign: older ones can no longer matter.
        self._runs: list[list[float]] = [[] for _ in range(_WEEK_CELLS)]
        # Local date (proleptic ordinal) of the day the pending evidence belongs to.
        self._day: int | None = None

    def learn(
        self, when: datetime, workday: bool, value_c: float, weight: float
    ) -> None:
        """Add evidence that the setpoint was `value_c` at local time `when`.

        `when` must know its zone (the caller's `Conditions` made sure).
        """
        _, slot = wall_slot(when)
        day = when.toordinal()
        if self._day is None or day > self._day:
            if self._day is not None:
                self._close_day(self._day)
            self._day = day
        # Evidence dated before the current day (time going backwards) joins today's.
        cell = (WORKDAY if workday else NON_WORKDAY) * SLOTS_PER_DAY + slot
        before = self._pending_w[cell]
        total = before + weight
        if before == 0.0:
            self._pending_c[cell] = round(value_c, 2)
        else:
            mean = self._pending_c[cell]
            self._pending_c[cell] = round(mean + (value_c - mean) * weight / total, 2)
        self._pending_w[cell] = total

    def value(
        self, weekday: int, slot: int, workday: bool
    ) -> tuple[float, float] | None:
        """Return (setpoint °C, ring fullness 0..1) of a slot, None when all are empty.

        A slot without data borrows from its neighbours, with fullness 0: the nearest
        earlier slot (a setpoint is kept until changed), else the nearest later one,
        of the same kind of day, then of the other. Looking back past midnight only
        finds days already over: today's own evidence of a later hour is no setpoint
        kept from before, and on the first morning it would copy the latest choice
        into the night before it.
        """
        kind = WORKDAY if workday else NON_WORKDAY
        votes = self._votes(kind * SLOTS_PER_DAY + slot)
        if votes:
            value_c = _median(votes)
            if kind == _usual_kind(weekday):
                cell = weekday * SLOTS_PER_DAY + slot
                run = self._runs[cell]
                if len(run) == OFFSET_WEEKS:
                    value_c += min(run, key=abs)
            return value_c, len(votes) / RING_DAYS[kind]
        for other in (kind, 1 - kind):
            base = other * SLOTS_PER_DAY
            for near in range(slot, slot - SLOTS_PER_DAY, -1):
                cell = base + near % SLOTS_PER_DAY
                votes = self._rings[cell] if near < 0 else self._votes(cell)
                if votes:
                    return _median(votes), 0.0
            for near in range(slot + 1, SLOTS_PER_DAY):
                if votes := self._votes(base + near):
                    return _median(votes), 0.0
        return None

    def spread(self, weekday: int, slot: int, workday: bool) -> float:
        """Return how far a slot's days disagree: their mean distance from the median.

        0 when they agree or when the slot has fewer than two days of its own.
        """
        del weekday  # the offset of a weekday moves every day of it alike
        votes = self._votes(
            (WORKDAY if workday else NON_WORKDAY) * SLOTS_PER_DAY + slot
        )
        if len(votes) < 2:
            return 0.0
        middle = _median(votes)
        return sum(abs(v - middle) for v in votes) / len(votes)

    def _votes(self, cell: int) -> list[float]:
        """Return the days' values of a cell, today's pending one counted as a day."""
        ring = self._rings[cell]
        weight = self._pending_w[cell]
        if weight >= MIN_VOTE_WEIGHT or (weight > 0.0 and not ring):
            votes = [*ring, self._pending_c[cell]]
            return votes[-RING_DAYS[cell // SLOTS_PER_DAY] :]
        return ring

    def _close_day(self, day: int) -> None:
        """Turn the evidence of a day (its ordinal) into one vote per slot seen."""
        weekday = (day - 1) % DAYS_PER_WEEK  # ordinal 1 was a Monday
        usual = _usual_kind(weekday)
        for cell in range(_CELLS):
            weight = self._pending_w[cell]
            if weight == 0.0:
                continue
            kind, slot = divmod(cell, SLOTS_PER_DAY)
            ring = self._rings[cell]
            value_c = self._pending_c[cell]
            if weight >= MIN_VOTE_WEIGHT:
                if kind == usual and ring:
                    deviation = round(value_c - _median(ring), 1)
                    run = self._runs[weekday * SLOTS_PER_DAY + slot]
                    if abs(deviation) < DEADBAND_C:
                        run.clear()
                    elif run and (run[-1] > 0.0) != (deviation > 0.0):
                        run[:] = [deviation]
                    else:
                        run.append(deviation)
                        del run[:-OFFSET_WEEKS]
                ring.append(value_c)
                if len(ring) > RING_DAYS[kind]:
                    del ring[0]
            self._pending_c[cell] = 0.0
            self._pending_w[cell] = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe and compact: empty cells are left out."""
        return {
            "day": self._day,
            "rings": [_run_lengths(ring) for ring in self._rings],
            "pending": [
                [cell, self._pending_c[cell], self._pending_w[cell]]
                for cell in range(_CELLS)
                if self._pending_w[cell] != 0.0
            ],
            "deviations": [[cell, *run] for cell, run in enumerate(self._runs) if run],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError or TypeError if malformed."""
        slots = cls()
        day = data["day"]
        slots._day = None if day is None else integer(day, 1, date.max.toordinal() + 1)
        rings = data["rings"]
        if not isinstance(rings, list) or len(rings) != _CELLS:
            raise ValueError("rings: expected one list per slot of each kind of day")
        for cell, ring in enumerate(rings):
            values = _from_run_lengths(ring)
            if len(values) > RING_DAYS[cell // SLOTS_PER_DAY]:
                raise ValueError(f"rings[{cell}]: too many days")
            slots._rings[cell] = values
        for row in as_list(data["pending"]):
            cell, value_c, weight = _row(row, _CELLS)
            if not weight > 0.0:
                raise ValueError(f"pending[{cell}]: weight must be positive")
            slots._pending_c[cell], slots._pending_w[cell] = value_c, weight
        for row in as_list(data["deviations"]):
            cell, *values = as_list(row)
            run = [number(d) for d in values]
            if not 0 < len(run) <= OFFSET_WEEKS or not (
                all(d > 0.0 for d in run) or all(d < 0.0 for d in run)
            ):
                raise ValueError(f"deviations: bad run {row!r}")
            slots._runs[integer(cell, 0, _WEEK_CELLS)] = run
        return slots


def _usual_kind(weekday: int) -> int:
    """Return the kind of day a weekday is unless a workday sensor says otherwise."""
    return WORKDAY if calendar_workday(weekday) else NON_WORKDAY


def _median(values: list[float]) -> float:
    """Return the median of a short non-empty list."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) * 0.5


def _run_lengths(values: list[float]) -> list[float]:
    """Return values as [value, count, value, count, ...]: days often repeat."""
    encoded: list[float] = []
    for value in values:
        if encoded and encoded[-2] == value:
            encoded[-1] += 1
        else:
            encoded += (value, 1)
    return encoded


def _from_run_lengths(encoded: object) -> list[float]:
    """Return the values `_run_lengths` encoded, checking them."""
    items = as_list(encoded)
    if len(items) % 2:
        raise ValueError("expected value, count pairs")
    values: list[float] = []
    for value, count in zip(items[::2], items[1::2], strict=True):
        values += [number(value)] * integer(count, 1, max(RING_DAYS) + 1)
    return values


def _row(row: object, cells: int) -> tuple[int, float, float]:
    """Return a stored [cell, a, b] row, checking the cell index."""
    cell, a, b = as_list(row)
    return integer(cell, 0, cells), number(a), number(b)
