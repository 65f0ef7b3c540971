"""Tests of HabitModel, BinaryFeed and ActivityTracker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import math
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.cadence.engine import (
    ActivityTracker,
    BinaryFeed,
    Conditions,
    HabitModel,
)

TZ = ZoneInfo("Europe/Brussels")
MONDAY = datetime(2026, 1, 5, tzinfo=TZ)
STEP = timedelta(minutes=10)


def evening_habit(days: int) -> HabitModel:
    """Return a model taught 'on 18:00-23:00 on workdays' for some days."""
    model = HabitModel()
    when = MONDAY
    while when < MONDAY + timedelta(days=days):
        x = Conditions(when=when)
        model.learn(x, x.is_workday and 18 <= when.hour < 23)
        when += STEP
    return model


def test_a_workday_evening_habit_is_learned() -> None:
    """Light on 18-23 on workdays: likely at 20:00, unlikely at 03:00 and at weekends."""
    model = evening_habit(21)
    tuesday = MONDAY + timedelta(days=22)
    assert model.predict(Conditions(when=tuesday.replace(hour=20))) > 0.8
    assert model.predict(Conditions(when=tuesday.replace(hour=3))) < 0.2
    saturday = MONDAY + timedelta(days=26, hours=20)
    assert model.predict(Conditions(when=saturday)) < 0.2
    assert model.samples == 21 * 144


def test_before_learning_the_prediction_is_one_half() -> None:
    """A new model knows nothing: 1/2 at any time."""
    model = HabitModel()
    assert model.predict(Conditions(when=MONDAY)) == pytest.approx(0.5)
    assert model.prior(Conditions(when=MONDAY)) == 0.5
    assert model.samples == 0


def test_the_habit_prior_uses_earlier_days_only() -> None:
    """What the light did minutes ago today is not part of the habit prior."""
    model = HabitModel()
    for minute in range(0, 60, 10):
        model.learn(Conditions(when=MONDAY.replace(hour=20, minute=minute)), True)
    assert model.prior(Conditions(when=MONDAY.replace(hour=20, minute=59))) == 0.5
    next_monday = Conditions(when=MONDAY + timedelta(days=7, hours=20))
    assert model.prior(next_monday) > 0.8
    model.learn(Conditions(when=next_monday.when.replace(hour=1)), False)
    assert model.prior(next_monday) > 0.8


def test_weight_zero_teaches_nothing_and_bad_weights_are_refused() -> None:
    """Weight 0 is a no-op; a negative or infinite weight raises."""
    model = HabitModel()
    x = Conditions(when=MONDAY)
    model.learn(x, True, 0.0)
    assert model.samples == 0
    for weight in (-1.0, math.inf):
        with pytest.raises(ValueError, match="weight"):
            model.learn(x, True, weight)


def test_activity_moves_the_probability_once_it_has_mattered() -> None:
    """When the light is on whenever the zone is busy, a busy zone raises p."""
    model = HabitModel()
    when = MONDAY
    for i in range(14 * 144):
        busy = i % 2 == 0
        model.learn(Conditions(when=when, activity=0.9 if busy else 0.2), busy)
        when += STEP
    x = when.replace(hour=15)
    busy_p = model.predict(Conditions(when=x, activity=0.9))
    quiet_p = model.predict(Conditions(when=x, activity=0.2))
    assert busy_p > 0.5 > quiet_p


conditions = st.builds(
    Conditions,
    # hypothesis bounds are wall-clock times; the zone comes from `timezones`.
    when=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(TZ),
    ),
    workday=st.none() | st.booleans(),
    outdoor_c=st.none() | st.floats(),
    minutes_since_motion=st.none() | st.floats(),
    activity=st.none() | st.floats(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(conditions, st.booleans()), max_size=25), conditions)
def test_probabilities_stay_in_range_and_round_trip_exactly(
    events: list[tuple[Conditions, bool]], probe: Conditions
) -> None:
    """Any evidence, incl. NaN and huge values: p in [0, 1]; JSON round trip exact."""
    model = HabitModel()
    for x, on in events:
        model.learn(x, on, 2.0)
        assert 0.0 <= model.predict(x) <= 1.0
    p = model.predict(probe)
    assert 0.0 <= p <= 1.0
    data = json.loads(json.dumps(model.to_dict(), allow_nan=False))
    again = HabitModel.from_dict(data)
    assert again.to_dict() == model.to_dict()
    assert again.predict(probe) == p
    assert again.samples == model.samples


def test_state_stays_small() -> None:
    """Months of learning fit in a few kilobytes of JSON."""
    model = evening_habit(120)
    assert len(json.dumps(model.to_dict(), separators=(",", ":"))) <= 4096


@pytest.mark.parametrize(
    "change",
    [
        {"version": 9},
        {"on": [0.0]},
        {"on": [5.0] * 168},
        {"today": [[0, 2.0, 1.0]]},
        {"today": [[999, 0.0, 1.0]]},
        {"fit": {**HabitModel().to_dict()["fit"], "coef": [0.0], "g2": [0.0]}},
    ],
)
def test_malformed_habit_state_is_refused(change: dict[str, Any]) -> None:
    """Stored state that cannot be right raises instead of loading."""
    data = {**HabitModel().to_dict(), **change}
    with pytest.raises((ValueError, TypeError)):
        HabitModel.from_dict(data)


def at(minutes: float) -> datetime:
    """Return a moment some minutes after Monday 20:00."""
    return MONDAY.replace(hour=20) + timedelta(minutes=minutes)


class Recorder(HabitModel):
    """A HabitModel that remembers what it was taught."""

    def __init__(self) -> None:
        """Start with nothing learned."""
        super().__init__()
        self.taught: list[tuple[datetime, bool]] = []

    def learn(self, x: Conditions, on: bool, weight: float = 1.0) -> None:
        """Record the label, then learn it."""
        self.taught.append((x.when, on))
        super().learn(x, on, weight)


def test_occupancy_labels_wait_for_the_horizon() -> None:
    """Horizon 15 min: a sample is 'on' if motion came within 15 minutes after it."""
    model = Recorder()
    feed = BinaryFeed(model, horizon=timedelta(minutes=15), step=timedelta(minutes=5))
    feed.update(at(-60), "off")
    learned = []
    for minute in range(0, 65, 5):
        if minute == 27:
            feed.update(at(minute), "on")
        if minute == 30:
            feed.update(at(30), "on")
            feed.update(at(31), "off")
        learned.append(feed.tick(Conditions(when=at(minute))))
    # 0..15 known at 15..30; motion at 30-31 makes samples 15..30 'on', then 35+ off.
    assert model.taught == [
        (at(0), False),
        (at(5), False),
        (at(10), False),
        (at(15), True),
        (at(20), True),
        (at(25), True),
        (at(30), True),
        (at(35), False),
        (at(40), False),
        (at(45), False),
    ]
    assert learned[:3] == [False, False, False]
    assert all(learned[3:])
    assert feed.predict(Conditions(when=at(70))) == model.predict(
        Conditions(when=at(70))
    )


def test_unknown_states_give_no_label() -> None:
    """A sample whose window holds an unknown state and no 'on' teaches nothing."""
    model = Recorder()
    feed = BinaryFeed(model, horizon=timedelta(minutes=15))
    feed.tick(Conditions(when=at(0)))  # nothing known yet
    feed.update(at(1), "off")
    feed.update(at(12), "unavailable")
    feed.update(at(14), "off")
    for minute in range(5, 45, 5):
        feed.tick(Conditions(when=at(minute)))
    assert [when for when, _ in model.taught] == [at(15), at(20), at(25)]


def test_light_labels_are_the_state_at_the_sample_time() -> None:
    """Horizon 0: the label is the state now; ticks closer than a step do not sample."""
    model = Recorder()
    feed = BinaryFeed(model)
    assert not feed.tick(Conditions(when=at(0)))  # state unknown: no label
    feed.update(at(1), "on")
    assert not feed.tick(Conditions(when=at(2)))  # within the step: no sample
    assert feed.tick(Conditions(when=at(5)))
    feed.update(at(6), "off")
    feed.update(at(3), "on")  # older than what is known: ignored
    feed.update(at(7), "unknown")
    assert not feed.tick(Conditions(when=at(10)))
    feed.update(at(12), "off")
    assert feed.tick(Conditions(when=at(15)))
    assert model.taught == [(at(5), True), (at(15), False)]


def test_labels_follow_real_time_across_the_autumn_clock_change() -> None:
    """The repeated hour of 25 October 2026 neither repeats nor loses evidence."""
    model = Recorder()
    feed = BinaryFeed(model, horizon=timedelta(minutes=15), step=timedelta(minutes=15))
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)  # 01:00 CEST
    feed.update(start.astimezone(TZ), "off")
    motion = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 CET, second pass
    for quarter in range(13):
        when = (start + timedelta(minutes=15 * quarter)).astimezone(TZ)
        if start + timedelta(minutes=15 * quarter) == motion + timedelta(minutes=5):
            feed.update(motion.astimezone(TZ), "on")
            feed.update((motion + timedelta(minutes=1)).astimezone(TZ), "off")
        feed.tick(Conditions(when=when))
    taught = [(when.astimezone(UTC), on) for when, on in model.taught]
    assert len(taught) == 12
    assert [on for _, on in taught] == [False] * 8 + [True] + [False] * 3
    assert taught[8][0] == motion - timedelta(minutes=10)


def test_feed_round_trip_keeps_waiting_samples() -> None:
    """A feed restored mid-horizon teaches exactly what the original would."""
    feeds = [BinaryFeed(Recorder(), horizon=timedelta(minutes=15)) for _ in range(2)]
    for feed in feeds:
        feed.update(at(0), "off")
    x = Conditions(
        when=at(0), workday=True, outdoor_c=3.5, minutes_since_motion=math.inf
    )
    for feed in feeds:
        feed.tick(x)
        feed.tick(Conditions(when=at(5), activity=0.25))
    data = json.loads(json.dumps(feeds[0].to_dict(), allow_nan=False))
    restored = BinaryFeed.from_dict(data)
    assert restored.to_dict() == feeds[0].to_dict()
    assert restored.horizon == timedelta(minutes=15)
    later = Conditions(when=at(20))
    restored.tick(later)
    feeds[1].tick(later)
    assert restored.model.to_dict() == feeds[1].model.to_dict()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("changes", [["2026-01-05T20:00:00", True]]),
        ("changes", [["2026-01-05T20:00:00+01:00", "on"]]),
        ("changes", [[1, True]]),
        ("pending", [{"when": "2026-01-05T20:00:00+01:00", "workday": "yes"}]),
        ("pending", ["x"]),
    ],
)
def test_malformed_feed_state_is_refused(path: str, value: object) -> None:
    """A feed's stored changes and samples are checked on the way in."""
    data = {**BinaryFeed().to_dict(), path: value}
    with pytest.raises((ValueError, TypeError, KeyError)):
        BinaryFeed.from_dict(data)


def test_a_feed_refuses_a_negative_horizon() -> None:
    """Labels cannot come from the past."""
    with pytest.raises(ValueError, match="horizon"):
        BinaryFeed(horizon=timedelta(minutes=-1))


def test_activity_rises_with_power_above_its_usual_and_fast_climate_changes() -> None:
    """Usual readings sit near 1/2, a busy moment well above, no readings None."""
    tracker = ActivityTracker()
    assert tracker.update({}) is None
    assert tracker.update({"tv": None}, {"rh": math.nan}) is None
    for i in range(500):
        usual = tracker.update({"tv": 20.0 + i % 3}, {"rh": 50.0 + 0.1 * (i % 2)})
    assert usual is not None
    assert 0.3 < usual < 0.7
    busy = tracker.update({"tv": 2000.0}, {"rh": 53.0})
    assert busy is not None
    assert busy > 0.8
    only_climate = ActivityTracker()
    only_climate.update({}, {"t": 20.0})
    assert only_climate.update({}, {"t": 20.0}) == 0.5
    data = json.loads(json.dumps(tracker.to_dict()))
    again = ActivityTracker.from_dict(data)
    assert again.to_dict() == tracker.to_dict()
    assert again.update({"tv": 21.0}, {"rh": 50.0}) == tracker.update(
        {"tv": 21.0}, {"rh": 50.0}
    )


@pytest.mark.parametrize(
    "change", [{"stats": {"p:tv": [1.0]}}, {"stats": []}, {"last": {"t": "x"}}]
)
def test_malformed_activity_state_is_refused(change: dict[str, Any]) -> None:
    """A tracker's stored statistics are checked on the way in."""
    data = {**ActivityTracker().to_dict(), **change}
    with pytest.raises((ValueError, TypeError)):
        ActivityTracker.from_dict(data)
