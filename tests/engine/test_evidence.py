"""Tests of the evidence of a misbehaving sensor: excursions, stillness, hour habits.

Also the move of LevelFeed and LevelModel to version 2: a version 1 state, written
by the previous release (level_feed_v1.json), restores and goes on learning.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import math
from pathlib import Path

from household import BERLIN
import pytest

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.evidence import (
    Excursion,
    Frozen,
    HourHabit,
    Stillness,
)
from custom_components.cadence.engine.models.level import LevelModel
from custom_components.cadence.engine.models.level_feed import LevelFeed

MONDAY = datetime(2026, 1, 5, tzinfo=BERLIN)
TICK_H = 5 / 60


def week_of_excursions(excursion: Excursion, z: float, hours: float) -> None:
    """Feed eight days of one daily excursion of z lasting hours, near otherwise."""
    for i in range(8 * 288):
        minute = (i % 288) * 5
        excursion.update(z if minute < hours * 60 else 0.0, TICK_H, flagged=False)


def test_an_excursion_is_judged_against_the_largest_usual_one() -> None:
    """Daily 2-hour excursions at 5 deviations (4 deviation-hours) are usual."""
    excursion = Excursion()
    week_of_excursions(excursion, 5.0, 2.0)
    # Four deviation-hours, faded a little (half in a month) since the last.
    assert excursion.to_list()[2] == pytest.approx(4.0 * 0.5 ** (22 / 720), abs=0.01)
    evidence = [excursion.update(5.0, TICK_H, flagged=False) for _ in range(48)]
    assert evidence[22] == 0.0  # under two hours: as usual
    assert evidence[-1] == pytest.approx(1.03, abs=0.01)  # four hours: twice usual
    below = [excursion.update(-5.0, TICK_H, flagged=False) for _ in range(12)]
    # Below has only the floor, two deviation-hours: one hour at 5 reaches it.
    assert below[-1] == pytest.approx(0.0, abs=1e-9)
    assert excursion.update(-5.0, TICK_H, flagged=False) > 0.0


def test_a_large_deviation_weighs_more_than_a_small_one() -> None:
    """At 8 deviations (capped) an hour counts 3.2; at 2.5 it counts 1."""
    excursion = Excursion()
    week_of_excursions(excursion, 0.0, 0.0)
    for _ in range(12):
        strong = excursion.update(20.0, TICK_H, flagged=False)
    assert strong == pytest.approx(0.678072, abs=1e-5)  # log2(3.2 / 2)
    weak = Excursion()
    week_of_excursions(weak, 0.0, 0.0)
    for _ in range(12):
        small = weak.update(2.5, TICK_H, flagged=False)
    assert small == 0.0  # one deviation-hour, below the floor of two


def test_after_the_first_week_usual_grows_by_half_and_not_from_a_flag() -> None:
    """A longer excursion raises the usual by at most 1.5 times; a flagged one not."""
    excursion = Excursion()
    week_of_excursions(excursion, 5.0, 2.0)
    before = excursion.to_list()[2]
    for _ in range(12 * 6):
        excursion.update(5.0, TICK_H, flagged=True)
    excursion.update(0.0, TICK_H, flagged=True)
    assert excursion.to_list()[2] == pytest.approx(
        before * 0.5 ** (6 / 720), abs=1e-3
    )  # faded
    for _ in range(12 * 6):  # twelve deviation-hours, three times the usual
        excursion.update(5.0, TICK_H, flagged=False)
    excursion.update(0.0, TICK_H, flagged=False)
    assert excursion.to_list()[2] == pytest.approx(
        1.5 * before * 0.5 ** (12.17 / 720), abs=1e-3
    )


def test_nothing_is_judged_during_the_first_week() -> None:
    """Seven days of learning: the evidence is 0 however far the readings are."""
    excursion = Excursion()
    assert all(
        excursion.update(8.0, TICK_H, flagged=False) == 0.0 for _ in range(7 * 288 - 1)
    )


def test_excursion_state_round_trips_and_refuses_nonsense() -> None:
    """to_list/from_list restore exactly; a negative or sub-floor length is refused."""
    excursion = Excursion()
    week_of_excursions(excursion, -4.0, 3.0)
    restored = Excursion.from_list(json.loads(json.dumps(excursion.to_list())))
    assert restored.to_list() == excursion.to_list()
    with pytest.raises(ValueError, match="negative"):
        Excursion.from_list([0, -1.0, 2.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="short"):
        Excursion.from_list([0, 0.0, 1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="outside"):
        Excursion.from_list([2, 0.0, 2.0, 2.0, 0.0])


def week_of_repeats(frozen: Frozen, hours: float) -> None:
    """Feed eight days of a jittering reading that repeats for `hours` each day."""
    for i in range(8 * 288):
        minute = (i % 288) * 5
        value = 1000.0 if minute < hours * 60 else 1000.0 + 12.0 * (i % 3)
        frozen.update(value, TICK_H, off=False, flagged=False)


def test_a_value_repeated_far_longer_than_usual_is_frozen() -> None:
    """Daily half-hour repeats are usual (the floor, 1 h); 4 h of one value is not."""
    frozen = Frozen()
    week_of_repeats(frozen, 0.5)
    assert frozen.to_list()[2] == pytest.approx(1.0)  # the floor, above 0.5 h
    evidence = [frozen.update(1092.0, TICK_H, off=False, flagged=False)]
    evidence += [
        frozen.update(1092.0, TICK_H, off=False, flagged=False) for _ in range(48)
    ]
    assert evidence[0] == 0.0  # a new value: no repeat yet
    assert evidence[12] == 0.0  # one hour: as usual
    assert evidence[48] == pytest.approx(2.0)  # four hours: log2(4 / 1)
    assert frozen.run_h == pytest.approx(4.0)
    # A longer usual repeat (3 h a day) makes the same four hours unremarkable.
    patient = Frozen()
    week_of_repeats(patient, 3.0)
    for _ in range(49):
        calm = patient.update(1092.0, TICK_H, off=False, flagged=False)
    assert calm == pytest.approx(math.log2(4.0 / patient.to_list()[2]))
    assert calm < 0.5


def test_an_appliance_off_repeats_its_lowest_reading_without_evidence() -> None:
    """Off (0 W or standby), a repeat is natural: it is not counted; nor in week one."""
    frozen = Frozen()
    week_of_repeats(frozen, 0.5)
    assert all(
        frozen.update(0.0, TICK_H, off=True, flagged=False) == 0.0 for _ in range(288)
    )
    assert frozen.run_h == 0.0
    new = Frozen()
    assert all(
        new.update(5.0, TICK_H, off=False, flagged=False) == 0.0 for _ in range(1000)
    )


def test_a_flagged_repeat_does_not_teach_that_repeats_are_usual() -> None:
    """Repeats learn the usual freely in week one, by 1.5 times after, not flagged."""
    frozen = Frozen()
    week_of_repeats(frozen, 0.5)
    for value in (1092.0,) * 48 + (1.0,):
        frozen.update(value, TICK_H, off=False, flagged=True)
    assert frozen.to_list()[2] == pytest.approx(1.0)
    for value in (1092.0,) * 48 + (1.0,):
        frozen.update(value, TICK_H, off=False, flagged=False)
    assert frozen.to_list()[2] == pytest.approx(1.5)


def test_frozen_state_round_trips_and_refuses_nonsense() -> None:
    """to_list/from_list restore exactly; negative or sub-floor lengths are refused."""
    frozen = Frozen()
    week_of_repeats(frozen, 2.0)
    restored = Frozen.from_list(json.loads(json.dumps(frozen.to_list())))
    assert restored.to_list() == frozen.to_list()
    assert Frozen.from_list([None, 0.0, 1.0, 0.0]).to_list() == Frozen().to_list()
    with pytest.raises(ValueError, match="below zero"):
        Frozen.from_list([1.0, -1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="floor"):
        Frozen.from_list([1.0, 0.0, 0.5, 0.0])
    with pytest.raises(ValueError, match=r"."):
        Frozen.from_list([1.0, 0.0, 1.0])


def test_a_meter_frozen_at_a_reading_is_flagged_still_and_stuck() -> None:
    """A jittering 1 kW load frozen at one of its own readings: flagged still.

    It is marked stuck and not learned from, and its stretch began when it froze.
    """
    feed = LevelFeed(counter=False)
    for i in range(10 * 288):
        when = MONDAY + timedelta(minutes=5 * i)
        feed.update(when, f"{1050.0 + 12 * (i % 4):.1f}")
        feed.tick(Conditions(when=when))
    frozen_at = MONDAY + timedelta(days=10)
    learned = []
    for i in range(12 * 12):
        when = frozen_at + timedelta(minutes=5 * i)
        feed.update(when, "1062.0")
        learned.append(feed.tick(Conditions(when=when)))
    assert feed.anomaly
    assert feed.reason == "still"
    assert feed.health.state == "stuck"
    assert not learned[-1]
    assert feed.began is not None
    assert abs(feed.began - frozen_at) <= timedelta(minutes=10)
    assert feed.since is not None
    assert feed.since - frozen_at <= timedelta(hours=6)
    assert feed.to_dict()["frozen"][1] >= 11.0  # hours repeated


def still_sensor(days: int, moving_hours: range) -> Stillness:
    """Return Stillness after days of a sensor moving every tick in moving_hours."""
    still = Stillness()
    for i in range(days * 288):
        when = MONDAY + timedelta(minutes=5 * i)
        moving = when.hour in moving_hours
        still.update(Conditions(when=when), float(i % 2) if moving else 0.0, TICK_H)
    return still


def test_stillness_costs_little_in_hours_that_are_usually_still() -> None:
    """A sensor still every night is not surprising at night; by day it is."""
    still = still_sensor(14, range(8, 20))  # it moves 08:00-20:00 only
    start = MONDAY + timedelta(days=14)  # Monday 00:00, still since Sunday 20:00
    midnight = still.surprise  # 20:00-21:00 usually moves (the step down to 0)
    surprise = 0.0
    for i in range(8 * 12):  # until 08:00: the usual quiet
        when = start + timedelta(minutes=5 * i)
        surprise = still.update(Conditions(when=when), 0.0, TICK_H)
    assert surprise - midnight == pytest.approx(0.53, abs=0.01)  # p ≈ 0.055 an hour
    for i in range(8 * 12, 12 * 12):  # 08:00-12:00 still: unusual
        when = start + timedelta(minutes=5 * i)
        surprise = still.update(Conditions(when=when), 0.0, TICK_H)
    assert surprise > 8.0
    moved = still.update(Conditions(when=start + timedelta(hours=12)), 5.0, TICK_H)
    assert moved == 0.0


def test_stillness_says_nothing_in_its_first_week() -> None:
    """Before a week of readings the surprise is kept but not reported."""
    still = still_sensor(6, range(24))
    when = MONDAY + timedelta(days=6)
    for minutes in (0, 5):  # the first is a move (from 1.0), the second is still
        moment = Conditions(when=when + timedelta(minutes=minutes))
        assert still.update(moment, 0.0, TICK_H) == 0.0
    assert still.surprise > 0.0


def test_stillness_state_round_trips_and_refuses_nonsense() -> None:
    """to_dict/from_dict restore exactly; negative numbers and bad habits are refused."""
    still = still_sensor(9, range(6, 22))
    data = json.loads(json.dumps(still.to_dict()))
    assert Stillness.from_dict(data).to_dict() == still.to_dict()
    with pytest.raises(ValueError, match="below zero"):
        Stillness.from_dict({**data, "surprise": -1.0})
    habit = data["habit"]
    with pytest.raises(ValueError, match="within"):
        Stillness.from_dict({**data, "habit": {**habit, "yes": [2.0] * 48}})
    with pytest.raises(TypeError, match="flag"):
        HourHabit.from_dict({**habit, "hour_seen": 1})
    with pytest.raises(ValueError, match="items"):
        HourHabit.from_dict({**habit, "hour": [1]})


def test_an_hour_habit_counts_days_and_fades_by_half_in_two_weeks() -> None:
    """Four weekend days of 09:00 seen: the cell holds sum(0.5^(k/14)), k < 4."""
    habit = HourHabit()
    for day in range(16):
        when = MONDAY + timedelta(days=day, hours=9)
        habit.observe(Conditions(when=when), True)
        habit.observe(Conditions(when=when + timedelta(hours=1)), False)
    workday_9 = 24 + 9
    # 11 workdays and 4 weekend days closed (Tuesday the 20th is still open).
    assert habit.days == 15
    assert habit.seen[workday_9] == pytest.approx(habit.yes[workday_9])
    assert habit.yes[9] == pytest.approx(
        1 + 0.5 ** (1 / 14) + 0.5 ** (2 / 14) + 0.5 ** (3 / 14)
    )
    assert habit.probability(9) == pytest.approx(0.894054, abs=1e-6)  # 4.22 / 4.72
    assert habit.probability(10) == pytest.approx(0.105946, abs=1e-6)  # 0.5 / 4.72


def test_a_version_1_feed_restores_with_its_expected_values() -> None:
    """The previous release's feed keeps what it learned: level plus profile."""
    data = json.loads(
        (Path(__file__).parent / "level_feed_v1.json").read_text(encoding="utf-8")
    )
    assert data["version"] == 1
    feed = LevelFeed.from_dict(data)
    at_eight = Conditions(when=MONDAY + timedelta(days=4, hours=8))
    assert feed.expected(at_eight) == pytest.approx(151.9375529627689, abs=1e-9)
    assert feed.to_dict()["version"] == 2
    assert feed.to_dict()["model"]["version"] == 2
    for i in range(288):
        when = MONDAY + timedelta(days=4, minutes=5 * i)
        feed.update(when, "150.0" if 7 <= when.hour < 9 else "100.0")
        assert feed.tick(Conditions(when=when))
    assert LevelFeed.from_dict(feed.to_dict()).to_dict() == feed.to_dict()
    model = LevelModel.from_dict(data["model"])
    assert model.expected(at_eight) == pytest.approx(151.9375529627689, abs=1e-9)


def test_a_tick_of_no_time_that_changes_side_adds_nothing() -> None:
    """A clock set back gives a zero-length tick: no evidence, and no error."""
    excursion = Excursion()
    week_of_excursions(excursion, 5.0, 2.0)
    assert excursion.update(-3.0, 0.0, flagged=False) == 0.0
    assert excursion.update(-3.0, TICK_H, flagged=False) == 0.0  # 0.1 of usual 2


def test_a_version_1_model_floors_its_range_at_its_lowest_cell() -> None:
    """Migrated, the lowest median is the floor: the usual range never inverts."""
    data = json.loads(
        (Path(__file__).parent / "level_feed_v1.json").read_text(encoding="utf-8")
    )
    model = LevelModel.from_dict(data["model"])
    state = model.to_dict()
    low = state["low"]
    seen = [m for m, n in zip(state["median"], state["n"], strict=True) if n]
    assert low == pytest.approx(min(seen), abs=1e-9)
    at_eight = Conditions(when=MONDAY + timedelta(days=4, hours=8))
    usual = model.usual(at_eight)
    assert usual is not None
    assert low <= usual[0] <= model.expected(at_eight) <= usual[1]
