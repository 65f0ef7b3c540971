"""Pins of the boundaries and stored-state bounds of the level and anomaly models.

Each expectation is a literal or a hand computation: the OFF threshold of a
verdict, the warm-up of stillness, the bounds of restored states, the nearest hour
a model borrows, the counter detection thresholds and the smoothing of deviations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
from typing import Any

from household import BERLIN
import pytest

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.anomaly import ActivityWatch, Verdict
from custom_components.cadence.engine.models.evidence import (
    Excursion,
    HourHabit,
    Stillness,
)
from custom_components.cadence.engine.models.health import SensorHealth
from custom_components.cadence.engine.models.level import LevelModel
from custom_components.cadence.engine.models.level_feed import LevelFeed

MONDAY = datetime(2026, 1, 5, tzinfo=BERLIN)
X = Conditions(when=MONDAY.replace(hour=10))


# --- Verdict and ActivityWatch ---------------------------------------------------


def test_a_flag_is_kept_while_the_score_sits_exactly_at_off() -> None:
    """Only a score below 0.5 clears a flag; 0.5 held for hours keeps it."""
    verdict = Verdict()
    assert verdict.update(0.9, timedelta(minutes=15)) is True
    for _ in range(5):
        assert verdict.update(0.5, timedelta(hours=1)) is True
    assert verdict.update(0.49, timedelta(minutes=30)) is False


def test_a_restored_verdict_keeps_the_time_already_held() -> None:
    """Ten minutes held before a restart plus five after raise the flag."""
    verdict = Verdict.from_list([False, 600.0])  # stored before the cooldown
    assert verdict.to_list() == [False, 600.0, 0.0]
    assert verdict.update(0.9, timedelta(minutes=5)) is True
    assert Verdict.from_list([True, -5.0]).to_list() == [True, 0.0, 0.0]
    assert Verdict.from_list([False, 0.0, -1.0]).to_list() == [False, 0.0, 0.0]
    assert Verdict.from_list([False, 0.0, 9e9]).to_list() == [False, 0.0, 3600.0]
    with pytest.raises(TypeError):
        Verdict.from_list([False, 0.0, 1.0, 2.0])


def test_a_new_activity_watch_has_no_surprise() -> None:
    """Nothing absent or present has been seen before the first tick."""
    state = ActivityWatch().to_dict()
    assert state["surprise"] == [0.0, 0.0]
    assert state["moved"] == [False, False, False]


# --- HourHabit, Excursion, Stillness ---------------------------------------------


def habit_state(**change: Any) -> dict[str, Any]:
    """Return a valid hour habit state with some keys changed."""
    return HourHabit().to_dict() | change


def test_a_new_hour_habit_has_seen_nothing_in_its_hour() -> None:
    """The watched hour's flag starts false."""
    assert HourHabit().to_dict()["hour_seen"] is False


def test_hour_habit_days_are_bounded_below_two_to_the_31() -> None:
    """2**31 - 1 days restore; 2**31 is refused."""
    assert HourHabit.from_dict(habit_state(days=2**31 - 1)).days == 2**31 - 1
    with pytest.raises(ValueError, match="outside"):
        HourHabit.from_dict(habit_state(days=2**31))


def test_hour_habit_day_ordinal_is_bounded_below_ten_million() -> None:
    """Day 9 999 999 restores; day 10 000 000 is refused, as is cell 48."""
    habit = HourHabit.from_dict(habit_state(hour=[9_999_999, 47]))
    assert habit.hour == (9_999_999, 47)
    for hour in ([10_000_000, 0], [1, 48], [0, 0]):
        with pytest.raises(ValueError, match="outside"):
            HourHabit.from_dict(habit_state(hour=hour))


def test_a_new_excursion_has_no_run() -> None:
    """Side near, run 0, the two-hour floor both sides, nothing learned."""
    assert Excursion().to_list() == [0, 0.0, 2.0, 2.0, 0.0]


def test_exactly_z_far_below_starts_an_excursion_below() -> None:
    """A z of -2.5 for an hour is one deviation-hour below, as +2.5 is above."""
    below = Excursion()
    below.update(-2.5, 1.0, flagged=False)
    assert below.to_list()[:2] == [-1, 1.0]
    above = Excursion()
    above.update(2.5, 1.0, flagged=False)
    assert above.to_list()[:2] == [1, 1.0]


def test_coming_back_near_ends_the_run_at_zero() -> None:
    """After an excursion, a near reading leaves no run."""
    excursion = Excursion()
    excursion.update(5.0, 1.0, flagged=False)
    assert excursion.to_list()[1] == 2.0  # an hour at 5: 5 / 2.5
    excursion.update(0.0, 1.0, flagged=False)
    assert excursion.to_list()[:2] == [0, 0.0]


def test_stillness_judges_from_exactly_one_week() -> None:
    """168 still hours at p = 1/2 cost 168 ln 2 nats, said at 168 h, not later."""
    still = Stillness()
    assert still.update(X, 1.0, 0.0) == 0.0
    # The hour saw a move (the first reading): p = (0 + 0.5) / (0 + 1).
    assert still.update(X, 1.0, 167.0) == 0.0
    assert still.update(X, 1.0, 1.0) == pytest.approx(168 * math.log(2), rel=1e-12)


def test_a_change_ending_a_still_run_teaches_a_32nd_of_it() -> None:
    """From 0 to 32: the typical change moves from 0 to 1."""
    still = Stillness()
    still.update(X, 0.0, 0.0)
    still.update(X, 32.0, 0.0)
    assert still.to_dict()["change"] == 1.0


# --- LevelModel ------------------------------------------------------------------


def model_state(**change: Any) -> dict[str, Any]:
    """Return a valid level model state with some keys changed."""
    return LevelModel().to_dict() | change


def test_a_new_model_has_zero_spreads() -> None:
    """Every cell's spreads and counts start at zero."""
    state = LevelModel().to_dict()
    assert state["spread"] == [0.0] * 48
    assert state["mad"] == [0.0] * 48
    assert state["n"] == [0] * 48


def test_a_cell_has_a_usual_range_from_its_twelfth_sample() -> None:
    """Eleven samples say nothing; the twelfth gives a range."""
    model = LevelModel()
    for _ in range(11):
        model.learn(X, 10.0)
    assert model.usual(X) is None
    model.learn(X, 10.0)
    # No spread: the floor is a millionth of the level, 1.25e-5 deviations.
    assert model.usual(X) == pytest.approx((10.0, 10.0 + 2 * 1.25e-5), abs=1e-12)


def test_an_unseen_hour_borrows_the_nearest_later_hour() -> None:
    """Learned only at 05:00, 03:00 expects the 05:00 value, two hours on."""
    model = LevelModel()
    model.learn(Conditions(when=MONDAY.replace(hour=5)), 7.0)
    assert model.expected(Conditions(when=MONDAY.replace(hour=3))) == 7.0
    # The other kind of day (Sunday), and across midnight: 23:00 is 6 hours away.
    assert (
        model.expected(Conditions(when=datetime(2026, 1, 4, 3, tzinfo=BERLIN))) == 7.0
    )
    assert model.expected(Conditions(when=MONDAY.replace(hour=23))) == 7.0


def test_deviations_are_said_from_the_864th_sample() -> None:
    """Three days of 5-minute samples: 863 say nothing, 864 judge."""
    model = LevelModel()
    for _ in range(863):
        model.learn(X, 10.0)
    assert model.deviation(X, 10.0) is None
    assert model.score(X, 10.0) == 0.0
    model.learn(X, 10.0)
    assert model.deviation(X, 10.0) == 0.0
    # One above a constant 10: 1 / (1.25 * 1e-6 * 10) deviations.
    assert model.deviation(X, 11.0) == pytest.approx(80_000.0, rel=1e-9)


def test_restored_sample_count_is_bounded_below_two_to_the_63() -> None:
    """2**63 - 1 samples restore; 2**63 is refused."""
    assert LevelModel.from_dict(model_state(samples=2**63 - 1)).samples == 2**63 - 1
    with pytest.raises(ValueError, match="outside"):
        LevelModel.from_dict(model_state(samples=2**63))


def test_restored_cell_counts_are_bounded_by_the_cell_memory() -> None:
    """A cell may hold 120 samples (121 bound exclusive); 121 is refused."""
    assert LevelModel.from_dict(model_state(n=[120] * 48)).to_dict()["n"][0] == 120
    with pytest.raises(ValueError, match="outside"):
        LevelModel.from_dict(model_state(n=[121] + [0] * 47))


def test_a_reading_at_the_median_does_not_move_it() -> None:
    """0, 10, 0: the median stays 0 though the cell's spreads are not zero."""
    model = LevelModel()
    for value in (0.0, 10.0, 0.0):
        model.learn(X, value)
    state = model.to_dict()
    # Spread: 0, then (0 + 10) / 2 = 5, then 5 + (0 - 5) / 3; mad 0, then 2.5.
    assert state["spread"][model_cell()] == pytest.approx(10 / 3, rel=1e-12)
    assert model.expected(X) == 0.0


def model_cell() -> int:
    """Return X's cell: a workday at 10:00."""
    return 24 + 10


# --- LevelFeed -------------------------------------------------------------------


def test_a_new_feed_samples_every_five_minutes_from_zero() -> None:
    """The default step is 300 s and the smoothed deviation starts at 0."""
    state = LevelFeed().to_dict()
    assert state["step_s"] == 300.0
    assert state["z"] == 0.0


def test_an_unknown_deviation_counts_as_none() -> None:
    """While the model learns, the smoothed deviation stays 0."""
    feed = LevelFeed(counter=False)
    feed.update(X.when, "5")
    feed.tick(X)
    assert feed.to_dict()["z"] == 0.0


def test_a_long_tick_replaces_the_smoothed_deviation_no_further() -> None:
    """After an hour (more than 30 min) the smoothed deviation is the new one."""
    model = LevelModel()
    for _ in range(864):
        model.learn(X, 10.0)
    feed = LevelFeed(model, counter=False)
    feed.update(X.when, "11")
    feed.tick(X)
    assert feed.to_dict()["z"] == 8.0  # 80 000 deviations, capped
    later = Conditions(when=X.when + timedelta(hours=1))  # a cell not yet seen
    feed.tick(later)
    assert feed.to_dict()["z"] == 0.0


def test_stillness_of_ten_nats_scores_one_half() -> None:
    """A still run already worth 10 nats scores sigmoid(0) = 1/2."""
    feed = LevelFeed(counter=False)
    feed._stillness = Stillness.from_dict(
        {
            "habit": HourHabit().to_dict(),
            "start": 5.0,
            "change": 0.0,
            "learned_h": 200.0,
            "surprise": 10.0,
        }
    )
    feed.update(X.when, "5")
    feed.tick(X)  # the first tick: no time passes, no surprise is added
    assert feed.anomaly_score == 0.5


def rising(feed: LevelFeed, rises: int) -> None:
    """Report 10, then `rises` rises of 1, an hour apart."""
    for i in range(rises + 1):
        feed.update(MONDAY + timedelta(hours=i), str(10 + i))


def test_ten_rises_over_a_day_through_a_reset_to_half_make_a_counter() -> None:
    """10 rises to 20, then exactly 10 a day after the first: a counter."""
    feed = LevelFeed()
    rising(feed, 10)
    assert feed.counter is None
    feed.update(MONDAY + timedelta(days=1), "10")
    assert feed.counter is True


def test_nine_rises_or_less_than_a_day_make_no_counter_yet() -> None:
    """Nine rises over a day, or ten within 23 h, leave it undecided."""
    few = LevelFeed()
    rising(few, 8)
    few.update(MONDAY + timedelta(days=1), "19")
    assert few.counter is None
    soon = LevelFeed()
    rising(soon, 10)
    soon.update(MONDAY + timedelta(hours=23), "10")
    assert soon.counter is None


def test_a_drop_to_above_half_is_no_counter() -> None:
    """After ten rises to 20, a drop to 12 is a sensor going down."""
    feed = LevelFeed()
    rising(feed, 10)
    feed.update(MONDAY + timedelta(hours=11), "12")
    assert feed.counter is False


def test_restored_rise_counts_are_bounded_below_two_to_the_63() -> None:
    """2**63 - 1 rises restore; 2**63 is refused."""
    state = LevelFeed().to_dict()
    assert LevelFeed.from_dict(state | {"rises": [2**63 - 1, 0]})._rises == 2**63 - 1
    with pytest.raises(ValueError, match="outside"):
        LevelFeed.from_dict(state | {"rises": [2**63, 0]})


# ------------------------------------------ sensor health, stuck threshold, visits


def test_a_score_of_exactly_0_8_held_fifteen_minutes_raises_the_flag() -> None:
    """ON is inclusive: 0.8 counts as high."""
    verdict = Verdict()
    step = timedelta(minutes=5)
    assert [verdict.update(0.8, step) for _ in range(3)] == [False, False, True]


def test_motion_surprise_fades_by_half_in_two_quiet_hours() -> None:
    """4 nats of visit surprise are 2 after two hours without motion."""
    watch = ActivityWatch()
    watch.tick(Conditions(when=MONDAY))
    watch._present = 4.0
    for i in range(1, 25):
        watch.tick(Conditions(when=MONDAY + timedelta(minutes=5 * i)))
    assert watch.to_dict()["surprise"][1] == pytest.approx(2.0, abs=1e-9)


def test_stored_scores_and_counts_are_bounded() -> None:
    """A watch's score is kept within 1; a skipped count must fit in 63 bits."""
    data = ActivityWatch().to_dict()
    assert ActivityWatch.from_dict({**data, "score": 1.5}).anomaly_score == 1.0
    with pytest.raises(ValueError, match="outside"):
        ActivityWatch.from_dict({**data, "skipped": {"unknown": 2**63}})
    assert ActivityWatch.from_dict({**data, "skipped": {"unknown": 2**63 - 1}})


def test_the_edge_of_the_plausible_range_is_plausible() -> None:
    """Read 17-25 for a week: 9 and 33 (a range beyond either end) are plausible."""
    health = SensorHealth()
    for i in range(2028):
        when = MONDAY + timedelta(minutes=5 * i)
        value = 17.0 if i % 2 else 25.0
        health.reading(when, value, had_number=True)
        health.judge(when, value, 5 / 60, still=False)
    assert health.plausible(9.0)
    assert health.plausible(33.0)
    assert not health.plausible(8.99)


def _stuck_after(still: float) -> str:
    """Return the health a feed judges with this much stillness surprise carried."""
    feed = LevelFeed(counter=False)
    feed.update(MONDAY, "20.0")
    feed.tick(Conditions(when=MONDAY))
    feed._still = still
    feed.tick(Conditions(when=MONDAY + timedelta(minutes=5)))
    return feed.health.state


def test_a_sensor_is_stuck_from_eleven_point_four_nats_of_stillness() -> None:
    """Stillness scored 0.8 (10 + 1.4 nats) marks the sensor stuck; 11 does not."""
    assert _stuck_after(11.0) == "ok"
    assert _stuck_after(11.5) == "stuck"


def test_carried_stillness_is_stored_and_a_version_1_feed_carries_none() -> None:
    """The stillness carried between ticks survives a save; version 1 had none."""
    feed = LevelFeed(counter=False)
    data = feed.to_dict()
    assert LevelFeed.from_dict({**data, "still": 5.0}).to_dict()["still"] == 5.0
    old = {k: v for k, v in data.items() if k not in ("z", "excursion", "stillness")}
    old = {k: v for k, v in old.items() if k not in ("still", "health", "actual")}
    old = {k: v for k, v in old.items() if k not in ("since", "reason")}
    old |= {"version": 1, "evidence": [0.0, 0.0], "flatness": []}
    old["model"] = {**data["model"], "version": 1, "level": None, "mean": [0.0] * 48}
    assert LevelFeed.from_dict(old).to_dict()["still"] == 0.0
