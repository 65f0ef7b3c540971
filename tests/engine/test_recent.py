"""Tests of a zone's recent binary state (engine/models/recent.py).

`RecentState` is checked against a plain reference that keeps every observation
and answers from it directly. Expectations are literal numbers or come from that
reference, never from the module's constants, so a changed constant fails them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime
import json
import math
import random
from typing import Any

import pytest

from custom_components.cadence.engine.models.recent import RecentState

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC: a slot and an hour boundary
H = 3600


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Reference:
    """Every observation kept; the features computed from them by brute force."""

    def __init__(self) -> None:
        """Start with nothing seen."""
        self.slots: list[int] = []  # slot each observation landed in
        self.states: list[bool] = []
        self.cur: int | None = None
        self.last_on: float | None = None

    def advance(self, slot: int) -> None:
        """Move the current slot on (never back)."""
        self.cur = slot if self.cur is None else max(self.cur, slot)

    def observe(self, ts: float, on: bool) -> None:
        """Record a state; a late one lands in the current slot."""
        self.advance(int(ts // 300))
        assert self.cur is not None
        if on or (self.states and self.states[-1]):
            self.last_on = ts if self.last_on is None else max(self.last_on, ts)
        self.slots.append(self.cur)
        self.states.append(on)

    def _before(self, s: int) -> bool:
        """Return the state held at the start of slot `s` (off before any)."""
        i = bisect_left(self.slots, s)
        return i > 0 and self.states[i - 1]

    def _any_on(self, lo: int, hi: int) -> bool:
        """Return whether the state was on at some time in slots [lo, hi]."""
        i, j = bisect_left(self.slots, lo), bisect_right(self.slots, hi)
        return self._before(lo) or any(self.states[i:j])

    def at(self, q: int, exact: float | None = None) -> tuple[float, ...] | None:
        """Return what `RecentState.at` should, from all observations."""
        assert self.cur is not None
        first, now = self.slots[0], max(self.cur, q)
        oldest = now - 319  # 320 slots of history are kept

        def a(s: int) -> bool:
            return s >= oldest and self._any_on(s, s)

        last = q if exact is not None else q - 1  # last slot that counts
        busy = sum(a(s) for s in range(last - 11, last + 1)) / 12
        hq = (last + 1) // 12 if exact is None else q // 12 + 1
        kept = now // 12 - 55  # 56 hours of history are kept
        if q - 288 < first or hq - 24 < kept:
            day = 0.5
        else:
            hours = range(hq - 24, hq)
            day = sum(self._any_on(12 * h, 12 * h + 11) for h in hours) / 24
        if exact is not None:
            if self.states[-1]:
                return (1.0, 1.0, 1.0, busy, day)
            if self.last_on is None:
                return (0.0, 0.0, 0.0, busy, day)
            m = max(0.0, (exact - self.last_on) / 60)
            return (0.0, math.exp(-m / 15), math.exp(-m / 120), busy, day)
        if q <= first or now - q + 1 >= 320:
            return None
        i = bisect_right(self.slots, q - 1)
        if i > 0 and self.states[i - 1]:
            return (1.0, 1.0, 1.0, busy, day)
        for k in range(q - 1 - oldest + 1):
            if a(q - 1 - k):
                m = k * 5 + 2.5  # an "on" k slots ago counts from mid-slot
                return (0.0, math.exp(-m / 15), math.exp(-m / 120), busy, day)
        return (0.0, 0.0, 0.0, busy, day)


def _gap(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.4:
        return rng.uniform(0, 400)
    if r < 0.75:
        return rng.uniform(0, 3 * H)
    if r < 0.9:
        return rng.uniform(20 * H, 60 * H)
    return rng.choice([0, 300, 12 * 300, 26 * H + 1200, 56 * H, 57 * H])


def _check(m: RecentState, ref: Reference, rng: random.Random, ts: float) -> None:
    """Compare `m` with the reference at edge and random slots and times."""
    assert m.slot == ref.cur
    cur, first = ref.cur, ref.slots[0]
    assert cur is not None
    qs = {first - 1, first, first + 1, first + 287, first + 288, first + 289}
    qs |= {cur - 320, cur - 319, cur - 318, cur - 1, cur, cur + 1, cur + 13}
    qs |= {cur - 12 * 31 - rng.randrange(12), cur + rng.randrange(1, 700)}
    qs |= {rng.randrange(cur - 340, cur + 2) for _ in range(4)}
    for q in qs:
        assert m.at(q) == pytest.approx(ref.at(q)), q
    nows = [ts + rng.uniform(0, 120), (cur + 1) * 300 + rng.uniform(0, 60 * H)]
    for now in [*nows, max(ts, cur * 300 + 299.5)]:
        q = int(now // 300)
        if q >= cur:
            assert m.at(q, now) == pytest.approx(ref.at(q, now)), now


@pytest.mark.parametrize("seed", range(12))
def test_features_match_a_brute_force_history(seed: int) -> None:
    """Every feature, at any slot, equals the one recomputed from all observations."""
    rng = random.Random(seed)
    m, ref = RecentState(), Reference()
    assert m.at(0) is None
    ts = T0 + rng.uniform(-H, H)
    on = False
    for _ in range(50):
        ts += _gap(rng)
        on = rng.random() < 0.5 if rng.random() < 0.8 else on
        back = rng.uniform(0, 600) if rng.random() < 0.1 else 0.0
        m.observe(_dt(ts - back), on)
        ref.observe(ts - back, on)
        if rng.random() < 0.15:
            ahead = int(ts // 300) + rng.randrange(0, 30)
            m.advance(ahead)
            ref.advance(ahead)
        _check(m, ref, rng, ts)
    back_again = RecentState.from_dict(json.loads(json.dumps(m.to_dict())))
    assert back_again.to_dict() == m.to_dict()
    _check(back_again, ref, rng, ts)


def test_on_then_off_gives_literal_features() -> None:
    """On for 10 minutes: end state, mid-slot recency, busy and neutral day share."""
    m = RecentState()
    m.observe(_dt(T0), True)
    m.observe(_dt(T0 + 600), False)  # at the start of slot 2
    s = T0 // 300
    assert m.at(s) is None  # nothing ended yet at the first slot's start
    assert m.at(s + 1) == (1.0, 1.0, 1.0, 1 / 12, 0.5)
    # Slot 2 counts as "on": the "on" held until its very start.
    assert m.at(s + 3) == pytest.approx(
        (0.0, math.exp(-2.5 / 15), math.exp(-2.5 / 120), 3 / 12, 0.5)
    )
    assert m.at(s + 4) == pytest.approx(
        (0.0, math.exp(-7.5 / 15), math.exp(-7.5 / 120), 3 / 12, 0.5)
    )
    got = m.at(s + 2, T0 + 630)  # half a minute after the "off"
    assert got == pytest.approx(
        (0.0, math.exp(-0.5 / 15), math.exp(-0.5 / 120), 3 / 12, 0.5)
    )


def test_off_only_history_has_no_recency() -> None:
    """Never on: off, zero recency, zero busy share, both ways of asking."""
    m = RecentState()
    m.observe(_dt(T0), False)
    s = T0 // 300
    assert m.at(s + 5) == (0.0, 0.0, 0.0, 0.0, 0.5)
    assert m.at(s + 5, T0 + 1600) == (0.0, 0.0, 0.0, 0.0, 0.5)


def test_on_held_over_a_long_gap_fills_every_slot_and_hour() -> None:
    """An "on" held for three days: on everywhere, busy 1 and day share 1."""
    m = RecentState()
    m.observe(_dt(T0), True)
    s = T0 // 300 + 3 * 288
    assert m.at(s) == (1.0, 1.0, 1.0, 1.0, 1.0)
    assert m.at(s, s * 300.0) == (1.0, 1.0, 1.0, 1.0, 1.0)
    m.advance(s)
    assert m.at(s - 7 * 12) == (1.0, 1.0, 1.0, 1.0, 1.0)
    # Only the oldest kept slot of that hour is left; 28 h back the hours are kept.
    assert m.at(s - 318) == pytest.approx((1.0, 1.0, 1.0, 1 / 12, 1.0))
    assert m.at(s - 319) is None  # beyond the kept history


def test_held_state_marks_only_the_hours_that_passed() -> None:
    """A gap of one hour adds one hourly bit, even if the last hour shows none."""
    data = {"state": True, "slot": 1200, "first_slot": 0}
    data |= {"any": "0", "end": "0", "hours": "0", "last_on": None}
    m = RecentState.from_dict(data)
    assert m.at(1212, 1212 * 300.0)[4] == pytest.approx(1 / 24)
    assert m.at(1236, 1236 * 300.0)[4] == pytest.approx(3 / 24)
    assert m.at(1213)[4] == pytest.approx(0.0)


def _dict(**kw: Any) -> dict[str, Any]:
    data = {"state": False, "slot": 5, "first_slot": 1, "any": "1", "end": "0"}
    return data | {"hours": "1", "last_on": 12.5} | kw


@pytest.mark.parametrize(
    "kw",
    [
        {"slot": 0, "first_slot": 0},
        {"slot": 10**12, "first_slot": 10**12},
        {"last_on": 0.0},
        {"last_on": 1e12},
        {"slot": None, "first_slot": None},
        {"any": "f" * 80, "end": "0" * 81},
        {"hours": "f" * 14},
    ],
)
def test_from_dict_accepts_values_at_their_bounds(kw: dict[str, Any]) -> None:
    """Bounds are inclusive where stated; the round trip keeps every value."""
    data = _dict(**kw)
    out = RecentState.from_dict(data).to_dict()
    for key in ("any", "end", "hours"):
        assert int(out.pop(key), 16) == int(data.pop(key), 16)
    assert out == data


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"slot": -1}, "outside"),
        ({"slot": 10**12 + 1, "first_slot": 10**12 + 1}, "outside"),
        ({"first_slot": 10**12 + 1}, "outside"),
        ({"slot": None}, "both"),
        ({"first_slot": None}, "both"),
        ({"last_on": -0.5}, "outside"),
        ({"last_on": 1e12 + 1}, "outside"),
        ({"any": "0" * 82}, "hex bit mask"),
        ({"end": "1" + "0" * 80}, "longer than the history"),
        ({"hours": "1" + "0" * 14}, "longer than its history"),
        ({"hours": "g"}, "invalid literal"),
        ({"any": ""}, "hex bit mask"),
        ({"end": 0}, "hex bit mask"),
    ],
)
def test_from_dict_rejects_values_out_of_bounds(kw: dict[str, Any], match: str) -> None:
    """Slots, the last "on" and the masks are refused outside their ranges."""
    with pytest.raises(ValueError, match=match):
        RecentState.from_dict(_dict(**kw))


def test_from_dict_rejects_wrong_types() -> None:
    """A non-bool state and a non-integer slot raise TypeError."""
    with pytest.raises(TypeError):
        RecentState.from_dict(_dict(state=1))
    with pytest.raises(TypeError):
        RecentState.from_dict(_dict(slot=5.0))
