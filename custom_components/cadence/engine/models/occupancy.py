"""Occupancy forecast at any lead: will the zone be in use in [when, when + 15 min)?

Self-contained (stdlib only; no relative imports), incremental, JSON-safe.

The model has two parts.

1. A time-of-week habit: per local (weekday, hour) cell, fading counts of how
   often the zone was in use on *earlier days* (today's counts join at the end of
   the local day, so the habit never echoes what happened minutes ago). Counts fade
   by half in `HALF_LIFE_DAYS`. Two smoothed log-odds come out of it: the
   weekday-specific cell and the same hour pooled over all weekdays (each shrunk
   toward the one above it: cell -> hour -> whole week), so two weeks of data
   already give a usable prior.

2. Per lead bucket (0, 20 min, 1 h, 3 h, 8 h, 24 h) a small online logistic over
   [1, cell logit, hour logit, on at the issue time, recency of the last "on"
   (15 min and 2 h time constants), share of the last hour with any "on"], the
   state features taken as they were at the issue time (when - lead). It starts
   at the habit alone (weights 1/2, 1/2 on the two logits) and learns, for each
   lead, how much the current state adds: at lead 0 a lot, at 24 h little or
   nothing, so a long-lead forecast is at worst the smoothed habit. A forecast at
   a lead between buckets interpolates the two buckets' log-odds in log(1 + lead).

The model keeps the zone's recent state itself (26 h of 5-minute slots as two
bit masks: "any on in the slot" and "on at the slot's end"), so the state at any
past issue time is known when a label arrives. This works the same for motion
sensors that pulse on for seconds (recency and the busy share carry the signal)
and for occupancy/presence sensors that hold "on" for hours (on-now carries it).

API (times must be timezone-aware; the habit uses the local wall clock of the
time given, so pass times in the home's zone; slots and leads use UTC, so a
clock change neither repeats nor loses time)::

    m = OccupancyModel()
    m.observe(when, on)            # every state change of the sensor (bool)
    m.learn(when, occupied)        # label of [when, when+15 min), once known
    p = m.predict(now, when)       # forecast for [when, when+15 min) issued now
    p = m.in_use_soon(now)         # = predict(now, now)
    m.confidence(when), m.samples  # evidence behind a forecast, labels learned
    d = m.to_dict(); m2 = OccupancyModel.from_dict(d)  # JSON-safe, versioned
    average([m1, m2, ...]) -> dict # pooled start for a new zone (cold start)

`learn` must come after the `observe` calls up to the end of its window (the
natural order: label a tick 15 minutes later). Labels may be given at any
cadence; the buckets are trained on every label. `predict` never changes state.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
from typing import Any

VERSION = 1

WINDOW = timedelta(minutes=15)
SLOT_S = 300  # 5-minute slots of the state history
HISTORY_SLOTS = 320  # 26 h 40 min: 24 h lead + 1 h busy window + label delay
_MASK = (1 << HISTORY_SLOTS) - 1
BUSY_SLOTS = 12  # the busy share looks at the last hour
LEADS_MIN = (0.0, 20.0, 60.0, 180.0, 480.0, 1440.0)
_LEAD_X = tuple(math.log1p(v) for v in LEADS_MIN)
_LEAD_SLOTS = tuple(int(v // 5) for v in LEADS_MIN)
N_FEATURES = 8
START = (0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0)
HOUR_BITS = 56  # hourly 'any on' for the day-activity share, 24 h before a 24 h lead
_HOUR_MASK = (1 << HOUR_BITS) - 1
_DAY_MASK = (1 << 24) - 1

HALF_LIFE_DAYS = 28.0
_DAY_FADE = 0.5 ** (1.0 / HALF_LIFE_DAYS)
CELLS = 7 * 24
# Shrinkage: a cell counts as this many samples of its hour, an hour as this many
# of the whole week (about one hour of 5-minute labels each).
CELL_PRIOR = 6.0
HOUR_PRIOR = 12.0
LOGIT_LIMIT = 6.0
# AdaGrad online logistic: step, gradient memory, L2 toward START.
RATE = 0.1
G2_START = 1.0
L2 = 1e-4
FAST_MIN = 15.0
SLOW_MIN = 120.0
_NONE = math.inf
_BUSY_MASK = (1 << BUSY_SLOTS) - 1
# Recency of an "on" k whole slots before the issue time (taken at mid-slot).
_FAST = tuple(math.exp(-(k * 5.0 + 2.5) / FAST_MIN) for k in range(HISTORY_SLOTS))
_SLOW = tuple(math.exp(-(k * 5.0 + 2.5) / SLOW_MIN) for k in range(HISTORY_SLOTS))


def _busy(bits: int, start: int) -> float:
    return ((bits >> start) & _BUSY_MASK).bit_count() / BUSY_SLOTS


def _require_aware(when: datetime) -> None:
    if not isinstance(when, datetime):
        raise TypeError(f"expected a datetime, got {when!r}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware: {when!r}")


def _slot(when: datetime) -> int:
    """Return the UTC 5-minute slot index of a time."""
    return int(when.timestamp() // SLOT_S)


def _logit(p: float) -> float:
    z = math.log(p / (1.0 - p))
    return LOGIT_LIMIT if z > LOGIT_LIMIT else max(z, -LOGIT_LIMIT)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class OccupancyModel:
    """Probability that a zone is in use within 15 minutes of a moment, at any lead."""

    __slots__ = (
        "_any",
        "_day",
        "_end",
        "_first_slot",
        "_g2",
        "_hours",
        "_last_on",
        "_on",
        "_pool",
        "_samples",
        "_seen",
        "_slot",
        "_state",
        "_today",
        "_w",
    )

    def __init__(self) -> None:
        """Start knowing nothing: every moment 1/2, no state seen."""
        self._on = [0.0] * CELLS
        self._seen = [0.0] * CELLS
        self._today: dict[int, list[float]] = {}  # cell -> [on, seen] of today
        self._day: int | None = None  # local date ordinal of the labels being counted
        self._w = [list(START) for _ in LEADS_MIN]
        self._g2 = [[G2_START] * N_FEATURES for _ in LEADS_MIN]
        self._samples = 0
        self._state = False
        self._slot: int | None = None  # current UTC slot of the history
        self._first_slot: int | None = None
        self._any = 0  # bit i: any "on" in the slot i slots before the current one
        self._end = 0  # bit i: the state at the end of that slot (bit 0: now)
        self._hours = 0  # bit i: any "on" in the UTC hour i hours before the current
        self._last_on: float | None = None  # UTC timestamp of the last "on" seen
        self._pool: tuple[list[float], list[float]] | None = None

    # -- state -----------------------------------------------------------------

    @property
    def samples(self) -> int:
        """Return how many labels were learned."""
        return self._samples

    def observe(self, when: datetime, on: bool) -> None:
        """Take the sensor's state at `when` (call on every change; repeats are fine).

        A time before the last one observed is taken as happening at that last time.
        """
        _require_aware(when)
        if not isinstance(on, bool):
            raise TypeError(f"on must be a bool, got {on!r}")
        slot = _slot(when)
        self._advance(slot)
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

    def _advance(self, slot: int) -> None:
        if self._slot is None:
            self._slot = self._first_slot = slot
            return
        d = slot - self._slot
        if d <= 0:
            return
        fill = ((1 << min(d, HISTORY_SLOTS)) - 1) if self._state else 0
        self._any = ((self._any << d) | fill) & _MASK
        self._end = ((self._end << d) | fill) & _MASK
        dh = slot // 12 - self._slot // 12
        if dh > 0:
            hfill = ((1 << min(dh, HOUR_BITS)) - 1) if self._state else 0
            self._hours = ((self._hours << dh) | hfill) & _HOUR_MASK
        self._slot = slot

    def _state_at(
        self, slot: int, exact: float | None = None
    ) -> tuple[float, float, float, float, float] | None:
        """Return (on, fast recency, slow recency, busy) at the start of `slot`.

        With `exact` (the timestamp of now, in `slot`) the current state, exact
        recency and the current partial slot are used; else the history's bits of
        the slots that ended by the start of `slot`. None: no history there yet.
        """
        cur = self._slot
        if cur is None or self._first_slot is None:
            return None
        any_bits, end_bits, hours = self._any, self._end, self._hours
        if slot > cur:
            dh = slot // 12 - cur // 12
            if dh > 0:
                hfill = ((1 << min(dh, HOUR_BITS)) - 1) if self._state else 0
                hours = ((hours << dh) | hfill) & _HOUR_MASK
            # Time passed since the last observation: the state held meanwhile.
            d = slot - cur
            fill = ((1 << min(d, HISTORY_SLOTS)) - 1) if self._state else 0
            any_bits = ((any_bits << d) | fill) & _MASK
            end_bits = ((end_bits << d) | fill) & _MASK
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

    # -- habit -----------------------------------------------------------------

    def _close_days(self, day: int) -> None:
        """Fold today's counts into the habit and fade it by the days passed."""
        if self._day is None:  # pragma: no cover  # learn sets it first
            return
        days = min(day - self._day, 366)
        fade = _DAY_FADE**days
        on, seen = self._on, self._seen
        for c in range(CELLS):
            on[c] *= fade
            seen[c] *= fade
        today_fade = _DAY_FADE ** (days - 1)
        for c, (o, s) in self._today.items():
            on[c] += o * today_fade
            seen[c] += s * today_fade
        self._today = {}
        self._pool = None

    def _pools(self) -> tuple[list[float], list[float]]:
        """Return per hour (on, seen) summed over weekdays; last item: whole week."""
        if self._pool is None:
            hon = [0.0] * 25
            hseen = [0.0] * 25
            for c in range(CELLS):
                h = c % 24
                hon[h] += self._on[c]
                hseen[h] += self._seen[c]
            hon[24] = sum(hon[:24])
            hseen[24] = sum(hseen[:24])
            self._pool = (hon, hseen)
        return self._pool

    @staticmethod
    def _bins(local: datetime) -> tuple[int, int, float]:
        """Return the two hour-of-week cells around the window's centre, and a weight.

        The weight is the second cell's (linear binning: the habit is smooth within
        hours).
        """
        # Centre of [when, when + 15 min), in hours of the week from Monday 0:00,
        # minus half an hour: cell c covers its hour, centred at c + 0.5.
        x = local.weekday() * 24 + local.hour + (local.minute + 7.5) / 60.0 - 0.5
        lo = math.floor(x)
        t = x - lo
        return lo % CELLS, (lo + 1) % CELLS, t

    def _cell_p(
        self, cell: int, hon: list[float], hseen: list[float], week: float
    ) -> tuple[float, float]:
        h = cell % 24
        hour = (hon[h] + HOUR_PRIOR * week) / (hseen[h] + HOUR_PRIOR)
        return (self._on[cell] + CELL_PRIOR * hour) / (
            self._seen[cell] + CELL_PRIOR
        ), hour

    def _prior(self, local: datetime) -> tuple[float, float]:
        """Return the (weekday-hour, hour) log-odds of the habit at a local time."""
        hon, hseen = self._pools()
        week = (hon[24] + 1.0) / (hseen[24] + 2.0)
        c0, c1, t = self._bins(local)
        p0, h0 = self._cell_p(c0, hon, hseen, week)
        p1, h1 = self._cell_p(c1, hon, hseen, week)
        return _logit(p0 + t * (p1 - p0)), _logit(h0 + t * (h1 - h0))

    def prior(self, when: datetime) -> float:
        """Return the habit alone (the weekday-hour cell, smoothed) at `when`."""
        _require_aware(when)
        return _sigmoid(self._prior(when)[0])

    def confidence(self, when: datetime) -> float:
        """Return 0..1: how much evidence the habit has at the moment's cell."""
        _require_aware(when)
        seen = self._seen[when.weekday() * 24 + when.hour]
        return seen / (seen + CELL_PRIOR)

    # -- forecast and learning -------------------------------------------------

    def _features(
        self, when: datetime, state: tuple[float, float, float, float, float] | None
    ) -> list[float]:
        zc, zh = self._prior(when)
        if state is None:
            return [1.0, zc, zh, 0.0, 0.0, 0.0, 0.0, 0.0]
        return [1.0, zc, zh, *state]

    def predict(self, now: datetime, when: datetime | None = None) -> float:
        """Return P(in use in [when, when + 15 min)) issued at `now` (default: now)."""
        _require_aware(now)
        if when is None:
            when = now
        _require_aware(when)
        lead = max(0.0, (when.timestamp() - now.timestamp()) / 60.0)
        state = self._state_at(_slot(now), now.timestamp())
        x = self._features(when, state)
        z = _interpolate(
            lead, [sum(w * v for w, v in zip(ws, x, strict=True)) for ws in self._w]
        )
        return _sigmoid(z)

    def in_use_soon(self, now: datetime) -> float:
        """Return P(in use within the next 15 minutes), from the current state."""
        return self.predict(now, now)

    def learn(self, when: datetime, occupied: bool) -> None:
        """Learn the label of [when, when + 15 min): was the zone in use."""
        _require_aware(when)
        if not isinstance(occupied, bool):
            raise TypeError(f"occupied must be a bool, got {occupied!r}")
        y = 1.0 if occupied else 0.0
        day = when.toordinal()
        if self._day is None:
            self._day = day
        elif day > self._day:
            self._close_days(day)
            self._day = day
        zc, zh = self._prior(when)
        slot = _slot(when)
        # The label is known, so time has reached the window's end: the state
        # observed last has held until then.
        if self._slot is not None:
            self._advance(_slot(when + WINDOW))
        ws, gs = self._w, self._g2
        for b in range(len(LEADS_MIN)):
            state = self._state_at(slot - _LEAD_SLOTS[b])
            if state is None:
                x3 = x4 = x5 = x6 = x7 = 0.0
            else:
                x3, x4, x5, x6, x7 = state
            _sgd(ws[b], gs[b], (1.0, zc, zh, x3, x4, x5, x6, x7), y)
        c0, c1, t = self._bins(when)
        today = self._today
        for cell, share in ((c0, 1.0 - t), (c1, t)):
            counts = today.get(cell)
            if counts is None:
                today[cell] = [y * share, share]
            else:
                counts[0] += y * share
                counts[1] += share
        self._samples += 1

    # -- persistence -----------------------------------------------------------

    @classmethod
    def pooled(cls, models: list[OccupancyModel]) -> dict[str, Any]:
        """Return a fresh model's state with the average per-lead weights of others.

        For a new zone's cold start: the habit counts and the state history start
        empty (they belong to the zone), the per-lead weights (how much the current
        state adds at each lead) are the home's other zones' average.
        """
        if not models:
            raise ValueError("average: need at least one model")
        fresh = cls()
        n = float(len(models))
        fresh._w = [
            [sum(m._w[b][i] for m in models) / n for i in range(N_FEATURES)]  # noqa: SLF001
            for b in range(len(LEADS_MIN))
        ]
        fresh._g2 = [
            [sum(m._g2[b][i] for m in models) / n for i in range(N_FEATURES)]  # noqa: SLF001
            for b in range(len(LEADS_MIN))
        ]
        return fresh.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe and compact (about 3 KB)."""
        return {
            "version": VERSION,
            "samples": self._samples,
            "day": self._day,
            "on": [round(v, 2) for v in self._on],
            "seen": [round(v, 2) for v in self._seen],
            "today": [[c, o, s] for c, (o, s) in sorted(self._today.items())],
            "w": [[round(v, 4) for v in ws] for ws in self._w],
            "g2": [[float(f"{v:.3g}") for v in gs] for gs in self._g2],
            "state": self._state,
            "slot": self._slot,
            "first_slot": self._first_slot,
            "any": format(self._any, "x"),
            "end": format(self._end, "x"),
            "hours": format(self._hours, "x"),
            "last_on": self._last_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OccupancyModel:
        """Rebuild from `to_dict` output; raise ValueError/TypeError/KeyError if bad."""
        if not isinstance(data, dict):
            raise TypeError(f"occupancy: expected a dict, got {type(data).__name__}")
        if data.get("version") != VERSION:
            raise ValueError(f"occupancy: unsupported version {data.get('version')!r}")
        m = cls()
        m._samples = _int(data["samples"], 0, 2**62)
        day = data["day"]
        m._day = None if day is None else _int(day, 1, 10**7)
        on = [_num(v, 0.0, 1e9) for v in _list(data["on"], CELLS)]
        seen = [_num(v, 0.0, 1e9) for v in _list(data["seen"], CELLS)]
        if any(o > s + 0.02 for o, s in zip(on, seen, strict=True)):
            raise ValueError("occupancy: counts of on must be within counts seen")
        m._on, m._seen = on, seen
        for row in _list(data["today"]):
            c, o, s = _list(row, 3)
            c, o, s = _int(c, 0, CELLS - 1), _num(o, 0.0, 1e9), _num(s, 0.0, 1e9)
            if o > s:
                raise ValueError("occupancy: today's on must be within seen")
            m._today[c] = [o, s]
        m._w = [
            [_num(v, -1e3, 1e3) for v in _list(ws, N_FEATURES)]
            for ws in _list(data["w"], len(LEADS_MIN))
        ]
        m._g2 = [
            [_num(v, 0.0, 1e9) for v in _list(gs, N_FEATURES)]
            for gs in _list(data["g2"], len(LEADS_MIN))
        ]
        state = data["state"]
        if not isinstance(state, bool):
            raise TypeError(f"occupancy: state must be a bool, got {state!r}")
        m._state = state
        slot, first = data["slot"], data["first_slot"]
        m._slot = None if slot is None else _int(slot, 0, 10**12)
        m._first_slot = None if first is None else _int(first, 0, 10**12)
        if (m._slot is None) != (m._first_slot is None):
            raise ValueError("occupancy: slot and first_slot must both be set or null")
        m._any = _hexbits(data["any"])
        m._end = _hexbits(data["end"])
        m._hours = _hexbits(data["hours"])
        if m._hours > _HOUR_MASK:
            raise ValueError("occupancy: hour mask longer than its history")
        last = data["last_on"]
        m._last_on = None if last is None else _num(last, 0.0, 1e12)
        return m


def average(models: list[OccupancyModel]) -> dict[str, Any]:
    """Return a fresh model's state starting from the pooled weights of others.

    For a new zone's cold start; see `OccupancyModel.pooled`.
    """
    return OccupancyModel.pooled(models)


def _sgd(w: list[float], g2: list[float], x: tuple[float, ...], y: float) -> None:
    """Take one AdaGrad step of a logistic (weights w, squared-gradient sums g2)."""
    z = 0.0
    for wi, xi in zip(w, x, strict=True):
        z += wi * xi
    err = _sigmoid(z) - y
    for i, xi in enumerate(x):
        g = err * xi + L2 * (w[i] - START[i])
        if g:
            g2[i] += g * g
            w[i] -= RATE * g / math.sqrt(g2[i])


def _interpolate(lead: float, values: list[float]) -> float:
    x = math.log1p(lead)
    if x <= _LEAD_X[0]:
        return values[0]
    for b in range(1, len(_LEAD_X)):
        if x <= _LEAD_X[b]:
            t = (x - _LEAD_X[b - 1]) / (_LEAD_X[b] - _LEAD_X[b - 1])
            return values[b - 1] + t * (values[b] - values[b - 1])
    return values[-1]


def _list(value: object, length: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"occupancy: expected a list, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise ValueError(f"occupancy: expected {length} items, got {len(value)}")
    return value


def _num(value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"occupancy: expected a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or not low <= v <= high:
        raise ValueError(f"occupancy: {v} outside [{low}, {high}]")
    return v


def _int(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"occupancy: expected an integer, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"occupancy: {value} outside [{low}, {high}]")
    return value


def _hexbits(value: object) -> int:
    if not isinstance(value, str) or not value or len(value) > HISTORY_SLOTS // 4 + 1:
        raise ValueError(f"occupancy: expected a hex bit mask, got {value!r}")
    bits = int(value, 16)  # ValueError on bad digits
    if bits > _MASK:
        raise ValueError("occupancy: bit mask longer than the history")
    return bits


_ = UTC  # times are compared as UTC timestamps; kept for readers of the module
