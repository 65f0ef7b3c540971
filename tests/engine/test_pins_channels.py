"""Pins for behaviours that survived a mutation run after the restructure (issue 8).

Expectations are literal, never the modules' constants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math

import numpy as np
import pytest

from custom_components.cadence.engine import (
    Conditions,
    Reading,
    SetpointLearner,
    Source,
    ThermostatChannel,
    Zone,
    encode,
)
from custom_components.cadence.engine.channels import OccupancyChannel
from custom_components.cadence.engine.channels.habits import ZoneHabit
from custom_components.cadence.engine.channels.levels import ActivityWatchChannel
from custom_components.cadence.engine.features import N_FEATURES
from custom_components.cadence.engine.layout import HomeLayout

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday


def _x(minutes: float) -> Conditions:
    return Conditions(when=T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(("gap_minutes", "credited"), [(120, True), (150, False)])
def test_hold_time_is_credited_only_across_gaps_of_two_hours_at_most(
    gap_minutes: int, credited: bool
) -> None:
    """Two hours between looks is still watching; two and a half is not."""
    learner = SetpointLearner()
    assert learner.observe(_x(0), 21.0, Source.PERSON)
    before = learner.model.samples
    assert learner.hold(_x(gap_minutes))  # the choice, seen kept, is confirmed
    assert (learner.model.samples > before) is credited


def test_a_credited_hold_is_reported_as_learned() -> None:
    """The same setpoint seen again a slot later teaches, and the channel says so."""
    channel = ThermostatChannel.new("climate.t", ["temperature"])
    reading = Reading("heat", {"temperature": 21.0, "min_temp": 7, "max_temp": 30})
    cooler = Reading("heat", {"temperature": 19.0, "min_temp": 7, "max_temp": 30})
    assert channel.on_state(_x(0), "climate.t", reading, cooler, Source.PERSON).learned
    again = channel.on_state(_x(40), "climate.t", reading, reading, Source.DEVICE)
    assert again.learned


def test_the_feature_vector_is_pinned_value_by_value() -> None:
    """Sixteen entries: constant, three day harmonics, week, workday, outdoor, motion, year."""
    assert N_FEATURES == 16
    # Thursday 18:00 UTC: day fraction 3/4, week fraction (3 + 3/4)/7.
    when = datetime(2026, 1, 1, 18, tzinfo=UTC)
    weekday = encode(Conditions(when=when, outdoor_c=0.0, minutes_since_motion=30.0))
    week = (3 + 0.75) / 7 * 2 * math.pi
    groups = (
        (1.0,),
        (-1.0, 0.0, 0.0, -1.0, 1.0, 0.0),  # day harmonics k=1..3 at 3/4 of the day
        (math.sin(week), math.cos(week)),
        (1.0,),  # a Thursday is a workday by the calendar
        (1.0, -1.0),  # outdoor known, (0 - 10) / 10
        (1.0, math.exp(-1.0)),  # motion known, 30 minutes ago
        (0.0, 1.0),  # 1 January
    )
    expected = [value for group in groups for value in group]
    assert weekday.shape == (16,)
    assert weekday == pytest.approx(expected, abs=1e-12)
    holiday = encode(Conditions(when=when, workday=False))
    assert holiday[9] == 0.0
    assert np.array_equal(holiday[10:14], [0.0, 0.0, 0.0, 0.0])


def test_the_forecast_is_recomputed_once_five_minutes_have_passed() -> None:
    """Within five minutes the last forecast is reused; at five it is made anew."""
    zone = Zone(zone_id="z", name="Z", motion=("binary_sensor.z",))
    (channel,) = OccupancyChannel.for_zone(
        zone, HomeLayout(zones=(zone,)), {}, lambda e: None
    )
    start = datetime(2026, 11, 2, tzinfo=UTC)
    for step in range(3 * 24 * 12):
        when = start + timedelta(minutes=5 * step)
        on = "on" if 18 <= when.hour < 22 else "off"
        x = Conditions(when=when)
        channel.on_state(x, "binary_sensor.z", Reading(on, {}), None, Source.DEVICE)
        channel.on_tick(x)
    now = Conditions(when=start + timedelta(days=3))
    first = channel.status(now)["occupancy"].forecast[0][0]
    assert first == now.when + timedelta(minutes=30)
    soon = Conditions(when=now.when + timedelta(minutes=4, seconds=59))
    assert channel.status(soon)["occupancy"].forecast[0][0] == first
    later = Conditions(when=now.when + timedelta(minutes=5))
    assert channel.status(later)["occupancy"].forecast[0][0] == first + timedelta(
        minutes=5
    )


def test_a_zone_habit_predicts_use_soon() -> None:
    """ZoneHabit answers with its model's probability of use within 15 minutes."""
    habit = ZoneHabit()
    x = Conditions(when=T0)
    for _ in range(30):
        habit.learn(x, True)
    assert habit.predict(x) == habit.model.in_use_soon(x.when)
    assert habit.predict(x) > 0.5


def test_a_zone_without_motion_sensors_has_no_activity_watch() -> None:
    """Activity is watched only where there is motion to watch."""
    bare = Zone(zone_id="bare", name="Bare")
    assert (
        ActivityWatchChannel.for_zone(bare, HomeLayout(zones=(bare,)), {}, dict.get)
        == []
    )
