"""Tests of SensorHealth, and that a feed does not learn from an unhealthy sensor."""

from __future__ import annotations

from datetime import datetime, timedelta
import json

from household import BERLIN
import pytest

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.health import SensorHealth
from custom_components.cadence.engine.models.level_feed import LevelFeed

START = datetime(2026, 1, 5, tzinfo=BERLIN)
TICK = timedelta(minutes=5)
TICK_H = 5 / 60


def ticks(
    health: SensorHealth, start: datetime, count: int, value: float | None
) -> str:
    """Report value and judge at each of count ticks from start; return the last."""
    state = health.state
    for i in range(count):
        when = start + i * TICK
        health.reading(when, value, had_number=True)
        state = health.judge(when, value, TICK_H, still=False)
    return state


def ranged(health: SensorHealth, low: float, high: float) -> datetime:
    """Feed a week and an hour of readings alternating low and high; return the end."""
    for i in range(2028):
        ticks(health, START + i * TICK, 1, low if i % 2 else high)
    return START + 2028 * TICK


def test_no_number_for_an_hour_is_offline_and_a_number_is_ok_again() -> None:
    """Fifty-five minutes since the last number is still ok; sixty is offline."""
    health = SensorHealth()
    assert ticks(health, START, 24, 20.0) == "ok"
    gone = START + 24 * TICK
    health.reading(gone, None, had_number=True)
    # The last number came a tick before `gone`.
    assert health.judge(gone + timedelta(minutes=50), None, TICK_H, False) == "ok"
    assert health.judge(gone + timedelta(minutes=55), None, TICK_H, False) == "offline"
    assert health.since == gone + timedelta(minutes=55)
    back = gone + timedelta(minutes=65)
    health.reading(back, 20.5, had_number=False)
    assert health.judge(back, 20.5, TICK_H, False) == "ok"


def test_dropping_out_six_times_in_an_hour_is_flapping_until_it_settles() -> None:
    """Six drop-outs within the hour flap; an hour of steady readings clears it."""
    health = SensorHealth()
    ticks(health, START, 12, 20.0)
    when = START + 12 * TICK
    for _ in range(6):
        health.reading(when, None, had_number=True)
        health.reading(when + timedelta(seconds=30), 20.0, had_number=False)
        when += timedelta(minutes=1)
    assert health.judge(when, 20.0, 1 / 60, False) == "flapping"
    assert ticks(health, when + TICK, 10, 20.0) == "flapping"  # 55 minutes on
    assert ticks(health, when + 11 * TICK, 1, 20.0) == "ok"  # the first is an hour old


def test_a_reading_far_outside_the_learned_range_is_implausible() -> None:
    """17-25 °C for a week: 34 °C is beyond it by more than the range; 33 widens it."""
    health = SensorHealth()
    later = ranged(health, 17.0, 25.0)
    assert not health.plausible(33.5)
    assert not health.plausible(8.5)
    assert ticks(health, later, 1, 33.0) == "ok"  # 25 + 8: just within, and kept
    assert health.plausible(49.0)
    assert ticks(health, later + TICK, 1, 49.5) == "implausible"
    assert ticks(health, later + 2 * TICK, 1, 21.0) == "ok"


def test_implausible_readings_for_a_day_become_the_new_range() -> None:
    """A sensor switched to °F reads 68 for a day: that becomes its range."""
    health = SensorHealth()
    moved = ranged(health, 19.0, 21.0)
    assert ticks(health, moved, 288, 68.0) == "implausible"
    assert ticks(health, moved + timedelta(days=1), 1, 68.0) == "ok"
    assert ticks(health, moved + timedelta(days=1, minutes=5), 1, 69.0) == "ok"


def test_a_sensor_that_read_one_value_all_week_is_not_judged_implausible() -> None:
    """A kitchen at 0 W all week may draw 2 kW: a single value is no range."""
    health = SensorHealth()
    ticks(health, START, 2028, 0.0)
    assert health.plausible(2000.0)


def test_a_still_sensor_is_stuck_and_the_state_round_trips() -> None:
    """still=True marks it stuck; saved and restored it says the same."""
    health = SensorHealth()
    ticks(health, START, 3, 20.0)
    assert health.judge(START + 3 * TICK, 20.0, TICK_H, still=True) == "stuck"
    restored = SensorHealth.from_list(json.loads(json.dumps(health.to_list())))
    assert restored.to_list() == health.to_list()
    with pytest.raises(ValueError, match="unknown state"):
        SensorHealth.from_list(["broken", None, None, None, None, 0.0, 0.0])


def test_a_feed_does_not_learn_an_implausible_reading() -> None:
    """A week of 20 °C, then 90 °C: judged, counted, not learned."""
    feed = LevelFeed(counter=False)
    for i in range(8 * 288):
        when = START + i * TICK
        feed.update(when, "20.0" if i % 2 else "20.4")
        assert feed.tick(Conditions(when=when))
    samples = feed.model.samples
    when = START + timedelta(days=8)
    feed.update(when, "90.0")
    assert not feed.tick(Conditions(when=when))
    assert feed.health.state == "implausible"
    assert feed.model.samples == samples
    assert feed.skipped["sensor_implausible"] == 1


def test_a_meter_reset_to_zero_is_not_implausible() -> None:
    """An energy meter at 1000-1050 kWh for a week, reset to 0 by a reboot: ok."""
    feed = LevelFeed(counter=True)
    total = 1000.0
    for i in range(8 * 288):
        when = START + i * TICK
        total += 0.0025
        feed.update(when, f"{total:.4f}")
        feed.tick(Conditions(when=when))
    when = START + timedelta(days=8)
    feed.update(when, "0.0")
    feed.tick(Conditions(when=when))
    assert feed.health.state == "ok"
    assert not feed.health.plausible(0.0)  # as a value it is far off; as a reset, fine


def test_near_lowest_is_within_a_share_of_the_range_above_the_lowest() -> None:
    """Readings 0-1000 W: up to 20 W is near the lowest at 2 %; none before any."""
    health = SensorHealth()
    assert not health.near_lowest(0.0, 0.02)
    when = datetime(2026, 1, 5, tzinfo=BERLIN)
    for value in (0.0, 1000.0):
        health.reading(when, value, True)
    assert health.near_lowest(20.0, 0.02)
    assert not health.near_lowest(20.5, 0.02)
