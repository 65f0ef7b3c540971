"""The robust part of the setpoint model: per half-hour slot, a median of days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
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
# A day's vote is kept to a thousandth of a degree: a °F setpoint in °C (76 °F is
# 24.444 °C) is then exact to well within what any thermostat shows.
VOTE_DIGITS = 3
# Smaller deviations of one weekday from its kind are rounding and mixing, not habit.
DEADBAND_C = 0.2
# A weekday differs from its kind when its last this many weeks all said so.
OFFSET_WEEKS = 3
# Pooling all days, a slot's votes are the last two weeks': of each kind, its newest
# this many days (two weekends and ten workdays), so no extra state is kept.
POOLED_DAYS = (4, 10)
# Share of the running day-ahead error of each way of counting days that one day
# replaces: about two weeks' memory.
CHOICE_RATE = 1.0 / 14.0
# The other way must have been this much better to take over, as a share and in °C:
# no flapping on ties, nor on errors both near zero.
SWITCH_MARGIN = 0.05
SWITCH_MARGIN_C = 0.02
BY_KIND = "by_kind_of_day"
ALL_DAYS = "all_days"
DAYS_OPTIONS = (BY_KIND, ALL_DAYS)

_CELLS = 2 * SLOTS_PER_DAY
_WEEK_CELLS = DAYS_PER_WEEK * SLOTS_PER_DAY


class SlotMedians:
    """The setpoint of each half-hour slot of workdays and non-workdays, robustly.

    Each (kind of day, slot) cell's vote for a day is the setpoint kept longest in it,
    so a choice late in the slot or an override over part of it does not decide it.
    When the day is over that vote joins a ring of the last two weeks' days of the
    same kind, and the prediction is a median: brief manual overrides on a minority of
    days cannot move it, where they pull every mean and least-squares fit, and a
    changed routine takes over once it holds the majority (six workdays by kind, eight
    days of fourteen pooled). Pooling the
    workdays learns five times faster than a ring per weekday. A weekday that keeps
    differing from its kind (a short Friday) gets an offset once its last three
    deviations agree, so odd days by chance never make one.

    Many homes keep one schedule every day, and there the median of the last two
    weeks' days of any kind beats the split by kind (it has more days). Each home
    gets the way that suits it: when a day closes, both ways' predictions of it made
    the evening before are scored, and the one whose running error is lower by a
    margin counts the days (`days`), all alike until the evidence says otherwise.
    """

    __slots__ = (
        "_day",
        "_days",
        "_errors",
        "_pending_c",
        "_pending_t",
        "_pending_w",
        "_rings",
        "_runs",
    )

    def __init__(self, days: str = ALL_DAYS) -> None:
        """Start knowing nothing, counting days as `days` says until scored."""
        if days not in DAYS_OPTIONS:
            raise ValueError(f"days: unknown way {days!r}")
        self._rings: list[list[float]] = [[] for _ in range(_CELLS)]
        self._pending_c = [0.0] * _CELLS
        self._pending_w = [0.0] * _CELLS
        # Hours each setpoint was kept in each cell today. The day's vote is the one
        # kept longest, so a choice late in a slot speaks for the rest of it only and
        # an override over part of a slot does not tint the vote.
        self._pending_t: list[dict[float, float]] = [{} for _ in range(_CELLS)]
        # Per weekday and slot, the latest weeks' deviations from the median of its
        # kind, as long as they agree in sign: older ones can no longer matter.
        self._runs: list[list[float]] = [[] for _ in range(_WEEK_CELLS)]
        # Local date (proleptic ordinal) of the day the pending evidence belongs to.
        self._day: int | None = None
        # How days are counted, and each way's running day-ahead error in °C, in the
        # order of DAYS_OPTIONS; None until a day was scored.
        # All days at first by default: most homes keep one schedule, and it has
        # twice the days.
        self._days = days
        self._errors: list[float] | None = None

    @property
    def days(self) -> str:
        """Return how days are counted: by kind of day or all days alike."""
        return self._days

    @property
    def day_errors(self) -> dict[str, float] | None:
        """Return each way's running day-ahead error in °C, None before a day closed."""
        if self._errors is None:
            return None
        return dict(zip(DAYS_OPTIONS, self._errors, strict=True))

    def learn(
        self,
        when: datetime,
        workday: bool,
        value_c: float,
        weight: float,
        kept_h: float | None = None,
    ) -> None:
        """Add evidence that the setpoint was `value_c` at local time `when`.

        `kept_h` is how long it was kept within the slot (None: `weight` hours). The
        day's vote is the setpoint kept longest in the slot (on a tie, the mean of
        those); while the slot has only choices and no time kept yet, their mean by
        weight. `when` must know its zone (the caller's `Conditions` made sure).
        """
        if weight == 0.0:
            return
        _, slot = wall_slot(when)
        day = when.toordinal()
        if self._day is None or day > self._day:
            if self._day is not None:
                self._close_day(self._day)
            self._day = day
        # Evidence dated before the current day (time going backwards) joins today's.
        cell = (WORKDAY if workday else NON_WORKDAY) * SLOTS_PER_DAY + slot
        kept_h = weight if kept_h is None else kept_h
        value_c = round(value_c, VOTE_DIGITS)
        kept = self._pending_t[cell]
        # To a second or so, so that what is saved stays short; a moment less than
        # that is no time kept (and leaves a choice its say).
        hours = round(kept.get(value_c, 0.0) + kept_h, 4) if kept_h > 0.0 else 0.0
        if hours > 0.0:
            kept[value_c] = hours
            self._pending_c[cell] = _longest(kept)
        elif not kept:  # choices only, no time kept yet: their mean by weight
            before = self._pending_w[cell]
            mean = self._pending_c[cell] if before else value_c
            self._pending_c[cell] = round(
                mean + (value_c - mean) * weight / (before + weight), VOTE_DIGITS
            )
        self._pending_w[cell] += weight

    def value(
        self, weekday: int, slot: int, workday: bool
    ) -> tuple[float, float] | None:
        """Return (setpoint °C, ring fullness 0..1) of a slot, None when all are empty.

        A slot without data borrows from its neighbours, with fullness 0: the nearest
        earlier slot (a setpoint is kept until changed), else the nearest later one,
        of the same kind of day, then of the other (pooling, of all days). Looking
        back past midnight only finds days already over: today's own evidence of a
        later hour is no setpoint kept from before, and on the first morning it would
        copy the latest choice into the night before it.
        """
        found = self.estimate(weekday, slot, workday)
        return None if found is None else (found[0], found[1])

    def spread(self, weekday: int, slot: int, workday: bool) -> float:
        """Return how far a slot's days disagree: their mean distance from the median.

        0 when they agree or when the slot has fewer than two days of its own.
        """
        found = self.estimate(weekday, slot, workday)
        return 0.0 if found is None else found[2]

    def estimate(
        self, weekday: int, slot: int, workday: bool
    ) -> tuple[float, float, float] | None:
        """Return `value`'s (setpoint °C, fullness) and `spread`, from one look."""
        kind = WORKDAY if workday else NON_WORKDAY
        if self._days == ALL_DAYS:
            votes = self._pooled_votes(slot)
            fullness, offset_c = len(votes) / sum(POOLED_DAYS), 0.0
        else:
            votes = self._votes(kind * SLOTS_PER_DAY + slot)
            fullness = len(votes) / RING_DAYS[kind]
            offset_c = self._offset(weekday, kind, slot) if votes else 0.0
        if votes:
            # The offset of a weekday moves every day of it alike: not the spread.
            middle = _median(votes)
            spread_c = sum(abs(v - middle) for v in votes) / len(votes)
            return middle + offset_c, fullness, spread_c
        if self._days == ALL_DAYS:
            borrowed = _nearest(slot, self._pooled_votes)
        else:
            borrowed = _nearest(slot, partial(self._kind_votes, kind)) or _nearest(
                slot, partial(self._kind_votes, 1 - kind)
            )
        return None if borrowed is None else (*borrowed, 0.0)

    def _votes(self, cell: int) -> list[float]:
        """Return the days' values of a cell, today's pending one counted as a day."""
        ring = self._rings[cell]
        weight = self._pending_w[cell]
        if weight >= MIN_VOTE_WEIGHT or (weight > 0.0 and not ring):
            votes = [*ring, self._pending_c[cell]]
            return votes[-RING_DAYS[cell // SLOTS_PER_DAY] :]
        return ring

    def _kind_votes(self, kind: int, slot: int, *, pending: bool = True) -> list[float]:
        """Return a slot's votes of one kind of day, today's with `pending`."""
        cell = kind * SLOTS_PER_DAY + slot
        return self._votes(cell) if pending else self._rings[cell]

    def _pooled_votes(self, slot: int, *, pending: bool = True) -> list[float]:
        """Return a slot's votes of the last two weeks, whatever the kind of day."""
        votes: list[float] = []
        for kind, days in enumerate(POOLED_DAYS):
            votes += self._kind_votes(kind, slot, pending=pending)[-days:]
        return votes

    def _offset(self, weekday: int, kind: int, slot: int) -> float:
        """Return how far a weekday keeps differing from its kind in a slot, or 0."""
        if kind != _usual_kind(weekday):
            return 0.0
        run = self._runs[weekday * SLOTS_PER_DAY + slot]
        return min(run, key=abs) if len(run) == OFFSET_WEEKS else 0.0

    def _score_day(self, weekday: int) -> None:
        """Score both ways of counting days on the day closing, and keep the better.

        Each way predicts the day's votes from the days before it, as it did the
        evening before; slots that either way knows nothing of are left out.
        """
        errors = [0.0, 0.0]
        count = 0
        for cell in range(_CELLS):
            ring = self._rings[cell]
            if self._pending_w[cell] < MIN_VOTE_WEIGHT or not ring:
                continue
            kind, slot = divmod(cell, SLOTS_PER_DAY)
            actual_c = self._pending_c[cell]
            by_kind_c = _median(ring) + self._offset(weekday, kind, slot)
            pooled_c = _median(self._pooled_votes(slot, pending=False))
            errors[0] += abs(by_kind_c - actual_c)
            errors[1] += abs(pooled_c - actual_c)
            count += 1
        if not count:
            return
        day_errors = [error / count for error in errors]
        if self._errors is None:
            self._errors = day_errors
        else:
            self._errors = [
                round(old + CHOICE_RATE * (new - old), 4)
                for old, new in zip(self._errors, day_errors, strict=True)
            ]
        mine = DAYS_OPTIONS.index(self._days)
        other = 1 - mine
        gain = self._errors[mine] - self._errors[other]
        if gain > SWITCH_MARGIN * self._errors[mine] and gain >= SWITCH_MARGIN_C:
            self._days = DAYS_OPTIONS[other]

    def _close_day(self, day: int) -> None:
        """Turn the evidence of a day (its ordinal) into one vote per slot seen."""
        weekday = (day - 1) % DAYS_PER_WEEK  # ordinal 1 was a Monday
        usual = _usual_kind(weekday)
        self._score_day(weekday)
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
            self._pending_t[cell] = {}

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe and compact: empty cells are left out."""
        return {
            "day": self._day,
            "rings": [_run_lengths(ring) for ring in self._rings],
            "today": self._today(),
            "deviations": [[cell, *run] for cell, run in enumerate(self._runs) if run],
            "days": self._days,
            "day_errors": self._errors,
        }

    def _today(self) -> list[Any]:
        """Return today's evidence compactly: the first cell, then a row per cell.

        A row is [weight, setpoint, hours kept, setpoint, hours kept, ...], or
        [weight, vote] while the cell has only choices and no time kept, or [] for
        a cell without evidence; cells after the last with evidence are left out.
        """
        cells = [cell for cell in range(_CELLS) if self._pending_w[cell] != 0.0]
        if not cells:
            return []
        rows: list[Any] = [cells[0]]
        for cell in range(cells[0], cells[-1] + 1):
            weight, kept = self._pending_w[cell], self._pending_t[cell]
            if weight == 0.0:
                rows.append([])
            elif kept:
                rows.append([weight, *(x for pair in kept.items() for x in pair)])
            else:
                rows.append([weight, self._pending_c[cell]])
        return rows

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError or TypeError if malformed."""
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        # Saved before days were counted two ways: by kind, as then.
        slots = cls(data.get("days", BY_KIND))
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
        for cell, row in _today_rows(data):
            weight, kept, vote_c = _today_row(row)
            # Hours are kept to 0.0001: a moment's hold may show as none.
            if not weight > 0.0 or not all(h >= 0.0 for h in kept.values()):
                raise ValueError(f"today[{cell}]: weights must be positive")
            slots._pending_w[cell], slots._pending_t[cell] = weight, kept
            slots._pending_c[cell] = _longest(kept) if kept else vote_c
        for row in as_list(data["deviations"]):
            cell, *values = as_list(row)
            run = [number(d) for d in values]
            if not 0 < len(run) <= OFFSET_WEEKS or not (
                all(d > 0.0 for d in run) or all(d < 0.0 for d in run)
            ):
                raise ValueError(f"deviations: bad run {row!r}")
            slots._runs[integer(cell, 0, _WEEK_CELLS)] = run
        errors = data.get("day_errors")
        if errors is not None:
            slots._errors = [number(e) for e in as_list(errors)]
            if len(slots._errors) != len(DAYS_OPTIONS):
                raise ValueError("day_errors: expected one error per way")
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


def _nearest(
    slot: int, votes_at: Callable[..., list[float]]
) -> tuple[float, float] | None:
    """Return (median, fullness 0) of the nearest slot with votes, None if none has.

    Earlier slots first (a setpoint is kept until changed), then later ones. Back
    past midnight only days already over count (`votes_at(slot, pending=False)`).
    """
    for near in range(slot, slot - SLOTS_PER_DAY, -1):
        if votes := votes_at(near % SLOTS_PER_DAY, pending=near >= 0):
            return _median(votes), 0.0
    for near in range(slot + 1, SLOTS_PER_DAY):
        if votes := votes_at(near):
            return _median(votes), 0.0
    return None


def _longest(kept: dict[float, float]) -> float:
    """Return the setpoint kept longest; on a tie, the mean of those kept longest."""
    most = max(kept.values())
    tied = [value for value, hours in kept.items() if hours == most]
    return round(sum(tied) / len(tied), VOTE_DIGITS)


def _today_rows(data: dict[str, Any]) -> list[tuple[int, list[Any]]]:
    """Return (cell, row) of each cell with evidence today, as `_today` wrote them.

    State saved before time kept was counted apart has "pending" rows [cell, vote,
    weight], means over time: each goes on as its vote kept for as many hours as
    its weight, an approximation for the rest of the day of the upgrade only.
    """
    if "today" not in data:
        found = []
        for row in as_list(data["pending"]):
            cell, vote_c, weight = as_list(row)
            found.append((integer(cell, 0, _CELLS), [weight, vote_c, weight]))
        return found
    today = as_list(data["today"])
    if not today:
        return []
    first = integer(today[0], 0, _CELLS)
    if first + len(today) - 1 > _CELLS:
        raise ValueError("today: more cells than a day has")
    return [
        (first + index, rows)
        for index, row in enumerate(today[1:])
        if (rows := as_list(row))
    ]


def _today_row(row: list[Any]) -> tuple[float, dict[float, float], float]:
    """Return a row of today's evidence: weight, hours kept by setpoint, vote."""
    if len(row) < 2:
        raise ValueError(f"today: bad row {row!r}")
    weight, *rest = (number(x) for x in row)
    kept: dict[float, float] = {}
    if len(rest) > 1:
        if len(rest) % 2:
            raise ValueError(f"today: expected setpoint, hours pairs in {row!r}")
        kept = dict(zip(rest[::2], rest[1::2], strict=True))
    return weight, kept, rest[0]
