"""Tests of LevelModel and LevelFeed: baselines of numeric sensors and their faults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import json
import math
import random

from household import BERLIN
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.evidence import Stillness
from custom_components.cadence.engine.models.level import LevelModel
from custom_components.cadence.engine.models.level_feed import LevelFeed

START = datetime(2026, 1, 5, tzinfo=BERLIN)  # a Monday
STEP = timedelta(minutes=5)
FAULT_DAY = 30

type Signal = Callable[[datetime, random.Random], float]
type Fault = Callable[[datetime, float], float]


def moment(i: int, start: datetime = START) -> datetime:
    """Return the i-th 5-minute tick after start, in real time, on Berlin's clock."""
    return (start.astimezone(UTC) + i * STEP).astimezone(BERLIN)


def power_w(when: datetime, rng: random.Random) -> float:
    """Return a house's power: base load, a cycling fridge, busy mornings/evenings."""
    hour = when.hour + when.minute / 60.0
    busy = 7.0 <= hour < 9.0 or 18.0 <= hour < 22.0
    fridge = 100.0 if (when.minute // 20) % 3 == 0 else 0.0
    return 80.0 + fridge + (400.0 * rng.random() if busy else 0.0) + rng.gauss(0, 10)


def room_c(when: datetime, rng: random.Random) -> float:
    """Return a heated room's temperature: 19 °C at night, 21 °C by day."""
    hour = when.hour + when.minute / 60.0
    day = 2.0 if 6.0 <= hour < 22.0 else 0.0
    return 19.0 + day + 0.2 * math.sin(hour) + rng.gauss(0, 0.05)


def simulate(
    signal: Signal, days: int = 40, fault: Fault | None = None, seed: int = 1
) -> tuple[LevelFeed, list[datetime]]:
    """Run a feed over days of a signal; return it and the ticks it was flagged."""
    rng = random.Random(seed)
    feed = LevelFeed(counter=False)
    flagged = []
    for i in range(days * 288):
        when = moment(i)
        value = signal(when, rng)
        if fault is not None:
            value = fault(when, value)
        feed.update(when, f"{value:.2f}")
        # A healthy sensor is learned at every tick; a faulty one may not be.
        assert feed.tick(Conditions(when=when)) or fault is not None
        if feed.anomaly:
            flagged.append(when)
    return feed, flagged


def window(hour: int, hours: float) -> tuple[datetime, datetime]:
    """Return the fault window starting on FAULT_DAY at the given local hour."""
    begin = (START + timedelta(days=FAULT_DAY)).replace(hour=hour)
    return begin, begin + timedelta(hours=hours)


@pytest.mark.parametrize("signal", [power_w, room_c])
def test_normal_weeks_raise_no_flag(signal: Signal) -> None:
    """Thirty days past the warm-up of an ordinary house never alarm."""
    _, flagged = simulate(signal)
    assert flagged == []


def _left_on(when: datetime, value: float) -> float:
    begin, end = window(1, 6)
    return value + 1000.0 if begin <= when < end else value


def _fridge_off(when: datetime, value: float) -> float:
    begin, end = window(1, 12)
    return 0.0 if begin <= when < end else value


def _stuck(when: datetime, value: float) -> float:
    begin, end = window(1, 24)
    return 19.5 if begin <= when < end else value


def _not_heating(when: datetime, value: float) -> float:
    begin, end = window(6, 8)
    if not begin <= when < end:
        return value
    return 19.0 - 0.3 * (when - begin) / timedelta(hours=1)


@pytest.mark.parametrize(
    ("signal", "fault", "hour", "hours", "within_h"),
    [
        (power_w, _left_on, 1, 6, 4.0),
        (power_w, _fridge_off, 1, 12, 6.0),
        (room_c, _stuck, 1, 24, 6.0),
        (room_c, _not_heating, 6, 8, 4.0),
    ],
    ids=["appliance_left_on", "fridge_failure", "stuck_sensor", "hvac_not_heating"],
)
def test_each_fault_is_flagged_within_a_bounded_delay(
    signal: Signal, fault: Fault, hour: int, hours: float, within_h: float
) -> None:
    """A fault is flagged soon after it starts, and nothing is flagged before it."""
    begin, end = window(hour, hours)
    _, flagged = simulate(signal, days=FAULT_DAY + 3, fault=fault)
    assert flagged, "never flagged"
    assert flagged[0] >= begin
    assert flagged[0] - begin <= timedelta(hours=within_h)
    assert flagged[-1] <= end + timedelta(hours=3)


def test_daily_pattern_is_learned_by_local_hour_and_kind_of_day() -> None:
    """The expectation follows the room's 19/21 °C day, within a tenth of a degree."""
    feed, _ = simulate(room_c, days=14)
    night = Conditions(when=START.replace(hour=3))
    day = Conditions(when=START.replace(hour=12))
    assert feed.expected(night) == pytest.approx(19.0 + 0.2 * math.sin(3.5), abs=0.1)
    assert feed.expected(day) == pytest.approx(21.0 + 0.2 * math.sin(12.5), abs=0.1)
    assert feed.model.score(day, 21.0) < 0.01
    assert feed.model.score(day, 15.0) > 0.99


def test_spikes_barely_move_the_expected_value() -> None:
    """A 5 kW spike in every hour for a day moves the night's baseline by little.

    An hourly mean would rise by 5000 / 12, about 400 W; the clipped steps move the
    expectation by well under the night's spread (about 60 W).
    """
    model = LevelModel()
    rng = random.Random(2)
    for i in range(21 * 288):
        when = moment(i)
        model.learn(Conditions(when=when), power_w(when, rng))
    x = Conditions(when=moment(21 * 288 + 3 * 12))
    before = model.expected(x)
    assert before is not None
    for i in range(21 * 288, 22 * 288):
        when = moment(i)
        spike = 5000.0 if when.minute == 0 else power_w(when, rng)
        model.learn(Conditions(when=when), spike)
    after = model.expected(Conditions(when=x.when + timedelta(days=7)))
    assert after is not None
    assert abs(after - before) < 25.0


def test_the_clock_is_the_local_wall_clock_across_dst() -> None:
    """After the spring change, 07:00 local is still the morning peak, not 06:00."""
    model = LevelModel()
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    for i in range(42 * 288):
        when = moment(i, start)
        value = 500.0 if when.hour == 7 else 100.0
        model.learn(Conditions(when=when), value)
    after = datetime(2026, 4, 14, 7, 30, tzinfo=BERLIN)  # summer time
    assert model.expected(Conditions(when=after)) == pytest.approx(500.0, abs=5.0)
    assert model.expected(Conditions(when=after.replace(hour=6))) == pytest.approx(
        100.0, abs=5.0
    )


def test_expected_is_unknown_before_learning_and_borrows_the_other_kind() -> None:
    """Nothing learned: None. Only workdays learned: a weekend borrows the hour."""
    model = LevelModel()
    monday = Conditions(when=START.replace(hour=9))
    assert model.expected(monday) is None
    assert model.score(monday, 1e6) == 0.0
    model.learn(monday, 42.0)
    model.learn(monday, math.nan)
    assert model.samples == 1
    assert model.expected(Conditions(when=monday.when + timedelta(days=5))) == 42.0
    assert model.deviation(monday, 43.0) is None


def test_an_energy_counter_is_learned_as_a_rate_through_resets() -> None:
    """A kWh total rising 0.5 per hour, reset at midnight, is learned as 0.5 kWh/h."""
    feed = LevelFeed()
    total = 0.0
    for i in range(3 * 288):
        when = moment(i)
        if when.hour == 0 and when.minute == 0:
            total = 0.0
        total += 0.5 / 12
        feed.update(when, f"{total:.4f}")
        feed.tick(Conditions(when=when))
    assert feed.counter is True
    expected = feed.expected(Conditions(when=moment(3 * 288)))
    assert expected == pytest.approx(0.5, abs=0.01)


def test_a_sensor_going_down_is_not_a_counter() -> None:
    """A small fall is no reset: a level sensor; a total told so is a counter."""
    feed = LevelFeed()
    feed.update(START, "20.0")
    assert not feed.tick(Conditions(when=START))  # not known yet what it is
    feed.update(START + STEP, "19.5")
    assert feed.counter is False
    assert feed.tick(Conditions(when=START + STEP))
    flipping = LevelFeed()
    for i in range(4):
        flipping.update(moment(i), "100" if i % 2 else "0")
    assert flipping.counter is False  # drops to zero as often as it rises
    told = LevelFeed(counter=True)
    told.update(START, "5")
    assert not told.tick(Conditions(when=START))
    told.update(START + STEP, "unavailable")
    assert not told.tick(Conditions(when=START + STEP))


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("unknown", "unknown"),
        ("unavailable", "unavailable"),
        ("on", "non_numeric"),
        ("", "non_numeric"),
        ("nan", "not_finite"),
        ("-inf", "not_finite"),
        ("1e999", "not_finite"),
        ("1e300", "out_of_range"),
    ],
)
def test_bad_states_are_skipped_and_counted(state: str, reason: str) -> None:
    """A state that is not a finite number teaches nothing and is counted."""
    feed = LevelFeed(counter=False)
    feed.update(START, state)
    assert not feed.tick(Conditions(when=START))
    assert feed.skipped == {reason: 1}
    assert feed.model.samples == 0


def test_json_round_trip_is_exact_and_keeps_predicting_the_same() -> None:
    """Saved, restored and fed on, a feed behaves exactly like the one never saved."""
    feed, _ = simulate(power_w, days=9, fault=None)
    feed.update(moment(9 * 288), "unknown")
    text = json.dumps(feed.to_dict(), separators=(",", ":"))
    assert len(text) <= 6144
    restored = LevelFeed.from_dict(json.loads(text))
    assert restored.to_dict() == feed.to_dict()
    rng = random.Random(5)
    for i in range(9 * 288, 10 * 288):
        when = moment(i)
        state = f"{power_w(when, rng):.1f}"
        for one in (feed, restored):
            one.update(when, state)
            one.tick(Conditions(when=when))
    assert restored.to_dict() == feed.to_dict()
    model = LevelModel.from_dict(json.loads(json.dumps(feed.model.to_dict())))
    assert model.to_dict() == feed.model.to_dict()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"version": 3}, ValueError),
        ({"counter": "yes"}, TypeError),
        ({"step_s": 0}, ValueError),
        ({"excursion": [0, -1.0, 2.0, 2.0, 0.0]}, ValueError),
        ({"stillness": {**Stillness().to_dict(), "change": -1.0}}, ValueError),
        ({"verdict": ["no", 0]}, TypeError),
        ({"skipped": []}, TypeError),
        ({"first": "2026-01-05T00:00:00"}, ValueError),
    ],
)
def test_malformed_feed_state_is_refused(
    change: dict[str, object], error: type[Exception]
) -> None:
    """Edited or foreign state raises instead of restoring nonsense."""
    data = {**LevelFeed().to_dict(), **change}
    with pytest.raises(error):
        LevelFeed.from_dict(data)


@pytest.mark.parametrize(
    "change",
    [
        {"median": [0.0]},
        {"spread": [-1.0] * 48},
        {"mad": [-1.0] * 48},
        {"n": [1000] * 48},
        {"version": 3},
    ],
)
def test_malformed_model_state_is_refused(change: dict[str, object]) -> None:
    """Cells of the wrong count or out of range are refused."""
    with pytest.raises(ValueError, match=r"."):
        LevelModel.from_dict({**LevelModel().to_dict(), **change})


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=40
    ),
    probe=st.floats(allow_nan=True, allow_infinity=True),
)
def test_scores_stay_in_the_unit_interval_whatever_is_fed(
    values: list[float], probe: float
) -> None:
    """Any readings, absurd ones included, give scores in [0, 1], never NaN."""
    model = LevelModel()
    feed = LevelFeed(model, counter=False)
    for i, value in enumerate(values * 30):
        when = moment(i * 3)
        x = Conditions(when=when)
        model.learn(x, value)
        feed.update(when, repr(value))
        feed.tick(x)
        assert 0.0 <= feed.anomaly_score <= 1.0
    x = Conditions(when=moment(0))
    score = model.score(x, probe)
    assert 0.0 <= score <= 1.0
    expected = model.expected(x)
    assert expected is None or math.isfinite(expected)


def test_a_flag_says_since_when_and_why_and_keeps_it_through_a_restore() -> None:
    """A stuck spell: flagged "still" at a time; saved and restored, the same."""
    rng = random.Random(1)
    feed = LevelFeed(counter=False)
    begin, _ = window(1, 12)
    i = 0
    while (when := moment(i)) < begin + timedelta(hours=8):
        feed.update(when, f"{_fridge_off(when, power_w(when, rng)):.2f}")
        feed.tick(Conditions(when=when))
        i += 1
    restored = LevelFeed.from_dict(json.loads(json.dumps(feed.to_dict())))
    for one in (feed, restored):
        # Eight hours into a twelve-hour stuck spell: flagged.
        assert one.anomaly
        assert one.since is not None
        assert begin <= one.since <= begin + timedelta(hours=6)
        assert one.reason in ("still", "low")
        assert one.actual == 0.0
    assert LevelFeed.from_dict({**feed.to_dict(), "reason": None}).reason is None
    with pytest.raises(ValueError, match="reason"):
        LevelFeed.from_dict({**feed.to_dict(), "reason": "odd"})


@pytest.mark.parametrize(
    ("signal", "fault", "hour", "hours", "reasons"),
    [
        (power_w, _left_on, 1, 6, ("high",)),
        (room_c, _stuck, 1, 24, ("still",)),
    ],
    ids=["excursion", "still"],
)
def test_a_flag_knows_when_its_unusual_stretch_began(
    signal: Signal, fault: Fault, hour: int, hours: float, reasons: tuple[str, ...]
) -> None:
    """The stretch began at the fault, before the flag rose; cleared, it is gone."""
    begin, end = window(hour, hours)
    rng = random.Random(1)
    feed = LevelFeed(counter=False)
    seen: list[tuple[datetime, datetime | None]] = []
    i = 0
    while (when := moment(i)) < end + timedelta(hours=6):
        feed.update(when, f"{fault(when, signal(when, rng)):.2f}")
        feed.tick(Conditions(when=when))
        if feed.anomaly:
            assert feed.reason in reasons
            assert feed.since is not None
            seen.append((feed.since, feed.began))
        else:
            assert feed.began is None
        i += 1
    assert seen
    since, began = seen[0]
    assert began is not None
    # It began within the first half hour of the fault (a still run from the
    # last move before it), well before the flag was raised.
    assert begin - STEP <= began <= begin + timedelta(minutes=30)
    assert since - began >= timedelta(hours=1)
    restored = LevelFeed.from_dict(json.loads(json.dumps(feed.to_dict())))
    assert restored.to_dict() == feed.to_dict()


def test_a_feed_stored_before_it_knew_when_stretches_began_restores() -> None:
    """Version 2 state without began, far_since and moved restores with none."""
    feed, _ = simulate(power_w, days=9)
    data = feed.to_dict()
    for key in ("began", "far_since", "moved"):
        data.pop(key)
    restored = LevelFeed.from_dict(data)
    assert restored.began is None
    assert restored.to_dict()["moved"] is None


def test_the_usual_range_is_two_deviations_and_never_below_the_lowest() -> None:
    """Night readings of 70-190 W: the usual range holds the expected, above 0."""
    feed, _ = simulate(power_w, days=10)
    x = Conditions(when=moment(10 * 288 + 12 * 3))  # 03:00, fridge and base load
    usual = feed.model.usual(x)
    assert usual is not None
    low, high = usual
    assert low >= feed.model.to_dict()["low"] >= 0.0
    assert low < feed.expected(x) < high < 400.0
    assert LevelModel().usual(x) is None
