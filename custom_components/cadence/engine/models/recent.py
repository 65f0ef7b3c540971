"""A zone's recent binary state, kept compactly so the past can be asked about.

26 h of 5-minute slots as bit masks ("any on in the slot", "on at the slot's end")
and 56 h of hourly "any on", with the time of the last "on": enough to say, when a
label arrives, what the state features were at any issue time up to a day earlier.
Slots use UTC, so a clock change neither repeats nor loses time.
"""

from __future__ import annotations

from datetime import datetime
import math
from typing import Any

from ..codec import bounded, integer
from ..features import require_aware

SLOT_S = 300  # 5-minute slots of the state history
HISTORY_SLOTS = 320  # 26 h 40 min: 24 h lead + 1 h busy window + label delay
MASK = (1 << HISTORY_SLOTS) - 1
BUSY_SLOTS = 12  # the busy share looks at the last hour
HOUR_BITS = 56  # hourly 'any on' for the day-activity share, 24 h before a 24 h lead
HOUR_MASK = (1 << HOUR_BITS) - 1
_DAY_MASK = (1 << 24) - 1
FAST_MIN = 15.0
SLOW_MIN = 120.0
_NONE = math.inf
_BUSY_MASK = (1 << BUSY_SLOTS) - 1
# Recency of an "on" k whole slots before the issue time (taken at mid-slot).
_FAST = tuple(math.exp(-(k * 5.0 + 2.5) / FAST_MIN) for k in range(HISTORY_SLOTS))
_SLOW = tuple(math.exp(-(k * 5.0 + 2.5) / SLOW_MIN) for k in range(HISTORY_SLOTS))

# (on, fast recency, slow recency, busy share of the last hour, share of the day)
type StateFeatures = tuple[float, float, float, float, float]


def _busy(bits: int, start: int) -> float:
    return ((bits >> start) & _BUSY_MASK).bit_count() / BUSY_SLOTS


def slot_of(when: datetime) -> int:
    """Return the UTC 5-minute slot index of a time."""
    return int(when.timestamp() // SLOT_S)


class RecentState:
    """The state of a zone's sensors over the last day, as bits per slot."""

    __slots__ = ("_any", "_end", "_first_slot", "_hours", "_last_on", "_state", "slot")

    def __init__(self) -> None:
        """Start with nothing seen."""
        self._state = False
        self.slot: int | None = None  # current UTC slot of the history
        self._first_slot: int | None = None
        self._any = 0  # bit i: any "on" in the slot i slots before the current one
        self._end = 0  # bit i: the state at the end of that slot (bit 0: now)
        self._hours = 0  # bit i: any "on" in the UTC hour i hours before the current
        self._last_on: float | None = None  # UTC timestamp of the last "on" seen

    def observe(self, when: datetime, on: bool) -> None:
        """Take the sensor's state at `when` (call on every change; repeats are fine).

        A time before the last one observed is taken as happening at that last time.
        """
        require_aware(when)
        if not isinstance(on, bool):
            raise TypeError(f"on must be a bool, got {on!r}")
        slot = slot_of(when)
        self.advance(slot)
        ts = when.timestamp()
        if on:
            self._any |= 1
            self._end |= 1
            self._hours |= 1
            self._last_on = ts if self._last_on is None else max(self._last_on, ts)
        else:
            if self._state:
                # Leaving "on": it was on until now.
                self._last_on = ts if self._last_on is None else max(self._last_on, ts)
            self._end &= ~1
        self._state = on

    def advance(self, slot: int) -> None:
        """Move the history on to `slot`; the state observed last held meanwhile."""
        if self.slot is None:
            self.slot = self._first_slot = slot
            return
        d = slot - self.slot
        if d <= 0:
            return
        fill = ((1 << min(d, HISTORY_SLOTS)) - 1) if self._state else 0
        self._any = ((self._any << d) | fill) & MASK
        self._end = ((self._end << d) | fill) & MASK
        dh = slot // 12 - self.slot // 12
        if dh > 0:
            hfill = ((1 << min(dh, HOUR_BITS)) - 1) if self._state else 0
            self._hours = ((self._hours << dh) | hfill) & HOUR_MASK
        self.slot = slot

    def at(
        self, slot: int, exact: float | None = None
    ) -> tuple[float, float, float, float, float] | None:
        """Return (on, fast recency, slow recency, busy) at the start of `slot`.

        With `exact` (the timestamp of now, in `slot`) the current state, exact
        recency and the current partial slot are used; else the history's bits of
        the slots that ended by the start of `slot`. None: no history there yet.
        """
        cur = self.slot
        if cur is None or self._first_slot is None:
            return None
        any_bits, end_bits, hours = self._any, self._end, self._hours
        if slot > cur:
            dh = slot // 12 - cur // 12
            if dh > 0:
                hfill = ((1 << min(dh, HOUR_BITS)) - 1) if self._state else 0
                hours = ((hours << dh) | hfill) & HOUR_MASK
            # Time passed since the last observation: the state held meanwhile.
            d = slot - cur
            fill = ((1 << min(d, HISTORY_SLOTS)) - 1) if self._state else 0
            any_bits = ((any_bits << d) | fill) & MASK
            end_bits = ((end_bits << d) | fill) & MASK
            cur = slot
        hstart = cur // 12 - slot // 12 + (0 if exact is not None else 1)
        if hstart + 24 > HOUR_BITS or slot - 288 < self._first_slot:
            day = 0.5  # not a day of history yet: neutral
        else:
            day = ((hours >> hstart) & _DAY_MASK).bit_count() / 24.0
        if exact is not None:
            start = cur - slot  # 0: the current, partial slot counts
            on = self._state
            if on:
                minutes = 0.0
            elif self._last_on is None:
                minutes = _NONE
            else:
                minutes = max(0.0, (exact - self._last_on) / 60.0)
        else:
            start = cur - slot + 1  # slots ago of the slot that ended at `slot`
            if start < 1 or start >= HISTORY_SLOTS or slot <= self._first_slot:
                return None
            on = bool((end_bits >> start) & 1)
            if on:
                minutes = 0.0
            else:
                bits = any_bits >> start
                if bits:
                    k = (bits & -bits).bit_length() - 1
                    return (0.0, _FAST[k], _SLOW[k], _busy(any_bits, start), day)
                minutes = _NONE
        busy = _busy(any_bits, start)
        if minutes == _NONE:
            return (1.0 if on else 0.0, 0.0, 0.0, busy, day)
        return (
            1.0 if on else 0.0,
            math.exp(-minutes / FAST_MIN),
            math.exp(-minutes / SLOW_MIN),
            busy,
            day,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe (its keys sit beside the model's)."""
        return {
            "state": self._state,
            "slot": self.slot,
            "first_slot": self._first_slot,
            "any": format(self._any, "x"),
            "end": format(self._end, "x"),
            "hours": format(self._hours, "x"),
            "last_on": self._last_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecentState:
        """Rebuild from `to_dict` output; raise ValueError/TypeError/KeyError if bad."""
        m = cls()
        state = data["state"]
        if not isinstance(state, bool):
            raise TypeError(f"occupancy: state must be a bool, got {state!r}")
        m._state = state
        slot, first = data["slot"], data["first_slot"]
        m.slot = None if slot is None else integer(slot, 0, 10**12 + 1)
        m._first_slot = None if first is None else integer(first, 0, 10**12 + 1)
        if (m.slot is None) != (m._first_slot is None):
            raise ValueError("occupancy: slot and first_slot must both be set or null")
        m._any = _hexbits(data["any"])
        m._end = _hexbits(data["end"])
        m._hours = _hexbits(data["hours"])
        if m._hours > HOUR_MASK:
            raise ValueError("occupancy: hour mask longer than its history")
        last = data["last_on"]
        m._last_on = None if last is None else bounded(last, 0.0, 1e12)
        return m


def _hexbits(value: object) -> int:
    if not isinstance(value, str) or not value or len(value) > HISTORY_SLOTS // 4 + 1:
        raise ValueError(f"occupancy: expected a hex bit mask, got {value!r}")
    bits = int(value, 16)  # ValueError on bad digits
    if bits > MASK:
        raise ValueError("occupancy: bit mask longer than the history")
    return bits
