"""Is a numeric sensor itself trustworthy: the review's data validation, per sensor.

`SensorHealth` says `ok`, `offline` (no number for an hour), `flapping` (dropping
out and back again and again), `implausible` (a reading far outside everything the
sensor has ever read) or `stuck` (its readings have not moved for far longer than
is likely; the feed's stillness says so). Readings of an unhealthy sensor are not
learned, so a broken sensor cannot teach the models its faults.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Self

from ..codec import as_list, number
from .anomaly import aware_time

OK = "ok"
OFFLINE = "offline"
FLAPPING = "flapping"
IMPLAUSIBLE = "implausible"
STUCK = "stuck"
STATES = (OK, OFFLINE, FLAPPING, IMPLAUSIBLE, STUCK)

# Offline: no number since this long while the sensor reports none.
OFFLINE_AFTER = timedelta(hours=1)
# Flapping: this many drop-outs (a number, then none) within the last hour; it
# clears an hour after they stop.
FLAPS = 6
FLAP_WINDOW = timedelta(hours=1)
# Implausible: beyond the range read so far by more than that range again (a room
# that read 17-25 °C reading 34 °C), once the range was learned for a week and is
# not a single value (a kitchen at 0 W all week may well draw 2 kW). Plausible
# readings widen the range, so a sensor may drift through the seasons; a jump may not.
RANGE_MARGIN = 1.0
RANGE_AFTER_H = 7 * 24.0
# Readings implausible for this long are the sensor's new range (a new unit, a
# moved sensor): they widen it and are learned again.
ACCEPT_AFTER = timedelta(days=1)


class SensorHealth:
    """Whether a numeric sensor is to be trusted now, and since when it is not."""

    __slots__ = (
        "_flaps",
        "_high",
        "_last_number",
        "_low",
        "_range_h",
        "since",
        "state",
    )

    def __init__(self) -> None:
        """Start trusting the sensor."""
        self.state = OK
        self.since: datetime | None = None  # when the state became what it is
        self._last_number: datetime | None = None
        self._low: float | None = None
        self._high: float | None = None
        self._range_h = 0.0  # hours of readings the range has seen
        self._flaps: list[datetime] = []  # drop-outs within the last hour

    def plausible(self, value: float) -> bool:
        """Return whether a reading lies within what this sensor can read."""
        low, high = self._low, self._high
        if low is None or high is None or self._range_h < RANGE_AFTER_H or high <= low:
            return True
        margin = RANGE_MARGIN * (high - low)
        return low - margin <= value <= high + margin

    def near_lowest(self, value: float, share: float) -> bool:
        """Return whether a reading is within `share` of the range above the lowest."""
        low, high = self._low, self._high
        if low is None or high is None:
            return False
        return value <= low + share * (high - low)

    def reading(self, when: datetime, value: float | None, had_number: bool) -> None:
        """Take a reported state: its number, or None for none (unavailable)."""
        if value is None:
            if had_number:
                self._flaps = [*self._flaps[-FLAPS:], when]
            return
        self._last_number = when
        since = self.since
        settled = self.state == IMPLAUSIBLE and since and when - since >= ACCEPT_AFTER
        if settled or self.plausible(value):
            self._low = value if self._low is None else min(self._low, value)
            self._high = value if self._high is None else max(self._high, value)

    def judge(
        self,
        when: datetime,
        value: float | None,
        hours: float,
        still: bool,
        *,
        ranged: bool = True,
    ) -> str:
        """Return the health at a tick, `hours` after the last; value: the latest.

        ranged=False for a counter of a total: it resets to 0 at any time, so its
        range says nothing about plausibility.
        """
        self._flaps = [flap for flap in self._flaps if when - flap < FLAP_WINDOW]
        if value is not None:
            self._range_h += hours
        if self._last_number is None:
            self._last_number = when  # watched from now: offline an hour from now
        last = self._last_number
        if value is None and when - last >= OFFLINE_AFTER:
            state = OFFLINE
        elif len(self._flaps) >= FLAPS:
            state = FLAPPING
        elif ranged and value is not None and not self.plausible(value):
            state = IMPLAUSIBLE
        elif still:
            state = STUCK
        else:
            state = OK
        if state != self.state:
            self.state, self.since = state, when
        return state

    def to_list(self) -> list[Any]:
        """Return the state as [state, since, last number, low, high, range h, drops]."""
        return [
            self.state,
            None if self.since is None else self.since.isoformat(),
            None if self._last_number is None else self._last_number.isoformat(),
            self._low,
            self._high,
            self._range_h,
            [flap.isoformat() for flap in self._flaps],
        ]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        state, since, last, low, high, range_h, flaps = as_list(data, 7)
        health = cls()
        if state not in STATES:
            raise ValueError(f"sensor health: unknown state {state!r}")
        health.state = state
        health.since = aware_time(since)
        health._last_number = aware_time(last)
        health._low = None if low is None else number(low)
        health._high = None if high is None else number(high)
        health._range_h = max(0.0, number(range_h))
        drops = [aware_time(flap) for flap in as_list(flaps)]
        health._flaps = [flap for flap in drops if flap is not None][-FLAPS - 1 :]
        return health
