"""Pins for model and pipeline behaviours that survived a mutation run.

Expectations are literal numbers or worked by hand, never the modules' constants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cadence.engine import (
    ActivityTracker,
    BinaryFeed,
    Conditions,
    HabitModel,
    HomeLayout,
    Pipeline,
    Reading,
    SetpointModel,
    Source,
    ThermostatChannel,
    Zone,
)
from custom_components.cadence.engine.channels.lights import LightChannel
from custom_components.cadence.engine.models.context import ContextCorrection
from custom_components.cadence.engine.models.slots import SlotMedians
from custom_components.cadence.engine.stats import fade_days

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday
LIMITS = {"min_temp": 7, "max_temp": 30}


def _x(minutes: float) -> Conditions:
    return Conditions(when=T0 + timedelta(minutes=minutes))


# Lights: what a person's change of brightness and colour teaches.


def test_a_colour_change_alone_teaches_colour_not_brightness() -> None:
    """Same brightness, new colour temperature: only the colour is learned."""
    light = LightChannel("light.l")
    first = Reading("on", {"brightness": 128, "color_temp_kelvin": 3000})
    light.on_state(_x(0), "light.l", first, Reading("off", {}), Source.PERSON)
    warmer = Reading("on", {"brightness": 128, "color_temp_kelvin": 4000})
    outcome = light.on_state(_x(10), "light.l", warmer, first, Source.PERSON)
    assert outcome.learned
    assert light.brightness.samples == 1
    assert light.color_temp.samples == 2


def test_turning_on_teaches_brightness_despite_a_stale_one_while_off() -> None:
    """A light that was off had no brightness, whatever its attributes still say."""
    light = LightChannel("light.l")
    off = Reading("off", {"brightness": 128})
    on = Reading("on", {"brightness": 128})
    assert light.on_state(_x(0), "light.l", on, off, Source.PERSON).learned
    assert light.brightness.samples == 1


def test_an_on_off_light_turned_on_learns_no_brightness() -> None:
    """No brightness reported, none learned, and nothing raised."""
    light = LightChannel("light.l")
    on = Reading("on", {})
    assert not light.on_state(_x(0), "light.l", on, None, Source.PERSON).learned
    assert light.brightness.samples == 0


# Thermostats.


def test_heat_cool_mode_pauses_the_single_setpoint() -> None:
    """In heat_cool there is no single setpoint: its hold time stops being credited."""
    channel = ThermostatChannel.new("climate.t", ["temperature", "target_temp_low"])
    heat = Reading("heat", {"temperature": 21.0, **LIMITS})
    cooler = Reading("heat", {"temperature": 19.0, **LIMITS})
    assert channel.on_state(_x(0), "climate.t", heat, cooler, Source.PERSON).learned
    attributes = {"target_temp_low": 19.0, "target_temp_high": 24.0, **LIMITS}
    channel.on_state(
        _x(10), "climate.t", Reading("heat_cool", attributes), heat, Source.PERSON
    )
    single = channel.learners["temperature"].model
    before = single.samples
    channel.on_tick(_x(120))
    assert single.samples == before


def test_setpoints_a_thermostat_lacks_are_dropped_while_untouched() -> None:
    """supported_features 1 (single setpoint only) drops the fresh range learners."""
    targets = ["temperature", "target_temp_low", "target_temp_high"]
    channel = ThermostatChannel.new("climate.t", targets)
    reading = Reading("heat", {"temperature": 21.0, "supported_features": 1, **LIMITS})
    channel.on_state(_x(0), "climate.t", reading, None, Source.PERSON)
    assert list(channel.learners) == ["temperature"]


# The binary feed.


def test_a_binary_feed_refuses_a_zero_step() -> None:
    """A zero step is a ValueError, not a division by zero."""
    with pytest.raises(ValueError, match="step must be positive"):
        BinaryFeed(step=timedelta(0))


def test_a_restored_feed_keeps_at_most_horizon_over_step_plus_two_samples() -> None:
    """Horizon 15 min, step 5 min: 15 // 5 + 2 = 5 samples wait, the newest."""
    data = BinaryFeed(horizon=timedelta(minutes=15)).to_dict()
    data["pending"] = [
        {
            "when": (T0 + timedelta(minutes=5 * i)).isoformat(),
            "workday": None,
            "outdoor_c": None,
            "minutes_since_motion": None,
            "activity": None,
        }
        for i in range(8)
    ]
    pending = BinaryFeed.from_dict(data).to_dict()["pending"]
    assert [item["when"] for item in pending] == [
        (T0 + timedelta(minutes=5 * i)).isoformat() for i in range(3, 8)
    ]


def test_a_binary_feed_ignores_repeated_and_out_of_order_states() -> None:
    """Only changes, in time order, are kept."""
    feed = BinaryFeed()
    feed.update(T0, "on")
    feed.update(T0 + timedelta(minutes=1), "on")
    feed.update(T0 + timedelta(minutes=5), "off")
    feed.update(T0 + timedelta(minutes=2), "on")
    changes = feed.to_dict()["changes"]
    assert [value for _, value in changes] == [True, False]


def test_with_no_sample_waiting_only_the_latest_change_is_kept() -> None:
    """Horizon 0: once the tick's sample is labelled, older changes are dropped."""
    feed = BinaryFeed()
    for minute, state in ((0, "on"), (1, "off"), (2, "on")):
        feed.update(T0 + timedelta(minutes=minute), state)
    assert feed.tick(_x(3))
    changes = feed.to_dict()["changes"]
    assert changes == [[(T0 + timedelta(minutes=2)).isoformat(), True]]


# Context correction, habit, setpoint and slot models.


def test_a_heavy_residual_replaces_the_error_averages_not_overshoots() -> None:
    """Weight 100 at a rate of 0.02 a unit is capped at replacing the average."""
    context = ContextCorrection()
    assert context.learn([1.0, 0.0, 0.0], 0.5, 100.0) == 0.0
    data = context.to_dict()
    assert data["error_without_c"] == pytest.approx(0.5)
    assert data["error_with_c"] == pytest.approx(0.5)


def test_the_habit_has_one_cell_per_hour_of_the_week() -> None:
    """168 cells; Sunday 23:00 is the last, cell 167."""
    model = HabitModel()
    assert len(model.to_dict()["on"]) == 168
    model.learn(Conditions(when=datetime(2026, 11, 29, 23, 30, tzinfo=UTC)), True)
    assert model.to_dict()["today"] == [[167, 1.0, 1.0]]


def test_a_pooled_habit_counts_each_hour_as_three_observations() -> None:
    """Pooled from a blank habit (1/2 everywhere): 1.5 on of 3 seen per hour."""
    data = HabitModel.pooled([HabitModel()]).to_dict()
    assert data["seen"] == [3.0] * 168
    assert data["on"] == [1.5] * 168


def test_a_stored_setpoint_sample_count_must_fit_in_63_bits() -> None:
    """2**63 - 1 samples restore; 2**63 is refused."""
    data = SetpointModel().to_dict()
    data["samples"] = 9_223_372_036_854_775_807
    assert SetpointModel.from_dict(data).samples == 9_223_372_036_854_775_807
    data["samples"] = 9_223_372_036_854_775_808
    with pytest.raises(ValueError, match="outside"):
        SetpointModel.from_dict(data)


def test_a_slot_votes_for_the_setpoint_kept_longest_and_a_tie_averages() -> None:
    """20 °C then 22 °C kept an hour each in one slot: a tie, 21 °C, weight 2.

    Then 22 °C kept half an hour more wins: the vote is 22 °C.
    """
    slots = SlotMedians()
    slots.learn(T0, True, 20.0, 1.0)
    slots.learn(T0, True, 22.0, 1.0)
    # Workday cells follow the 48 non-workday ones; 08:00 is slot 16.
    assert slots.to_dict()["today"] == [64, [2.0, 20.0, 1.0, 22.0, 1.0]]
    assert slots.value(0, 16, True) == (21.0, 1 / 14)
    slots.learn(T0, True, 22.0, 0.1, kept_h=0.5)
    assert slots.to_dict()["today"] == [64, [2.1, 20.0, 1.0, 22.0, 1.5]]
    assert slots.value(0, 16, True) == (22.0, 1 / 14)


def test_today_is_saved_from_its_first_cell_with_gaps_and_choices() -> None:
    """Cells 64 and 66 kept, 65 empty, 67 chosen but not kept yet; restored alike."""
    slots = SlotMedians()
    slots.learn(T0, True, 20.0, 0.25)
    slots.learn(T0 + timedelta(hours=1), True, 21.0, 0.25)
    slots.learn(T0 + timedelta(hours=1, minutes=30), True, 23.0, 1.0, kept_h=0.0)
    data = slots.to_dict()
    assert data["today"] == [
        64,
        [0.25, 20.0, 0.25],
        [],
        [0.25, 21.0, 0.25],
        [1.0, 23.0],
    ]
    restored = SlotMedians.from_dict(data)
    assert restored.to_dict() == data
    assert restored.value(0, 19, True) == (23.0, 1 / 14)


def test_a_pending_day_saved_before_hours_were_kept_apart_goes_on() -> None:
    """[cell, vote, weight] rows were means over time: the vote kept for its weight."""
    data = SlotMedians().to_dict()
    del data["today"]
    data["pending"] = [[64, 21.0, 2.0]]
    slots = SlotMedians.from_dict(data)
    assert slots.to_dict()["today"] == [64, [2.0, 21.0, 2.0]]
    slots.learn(T0, True, 19.0, 0.25, kept_h=1.0)
    assert slots.value(0, 16, True) == (21.0, 1 / 14)


@pytest.mark.parametrize(
    "today",
    [
        [64, [2.0]],  # a weight alone
        [64, [2.0, 21.0, 1.0, 22.0]],  # an unpaired setpoint
        [64, [2.0, 21.0, -1.0]],  # time kept below zero
        [64, [0.0, 21.0]],  # no weight
        [95, [1.0, 21.0], [1.0, 21.0]],  # past the day's last cell
        [96, [1.0, 21.0]],  # no such cell
    ],
)
def test_a_bad_row_of_today_is_refused(today: list[object]) -> None:
    """Malformed evidence of today raises ValueError."""
    data = SlotMedians().to_dict()
    data["today"] = today
    with pytest.raises(ValueError, match=r"today|outside"):
        SlotMedians.from_dict(data)


@pytest.mark.parametrize("run", [[0.5, 0.5], [-0.5], [0.3, 1.5]])
def test_stored_deviation_runs_of_one_sign_restore(run: list[float]) -> None:
    """Any run of deviations all above or all below zero is accepted."""
    data = SlotMedians().to_dict()
    data["deviations"] = [[5, *run]]
    assert SlotMedians.from_dict(data).to_dict()["deviations"] == [[5, *run]]


@pytest.mark.parametrize("run", [[0.5, -0.5], [-0.5, 0.5], [0.0]])
def test_stored_deviation_runs_of_mixed_sign_are_refused(run: list[float]) -> None:
    """A run that changes sign (or holds a zero) is damaged."""
    data = SlotMedians().to_dict()
    data["deviations"] = [[5, *run]]
    with pytest.raises(ValueError, match="bad run"):
        SlotMedians.from_dict(data)


def test_fading_counts_todays_counts_one_day_younger() -> None:
    """Two days, half-life one day: totals times 1/4, today's counts times 1/2."""
    totals = [8.0, 0.0]
    fade_days(totals, [(1, 2.0)], 2, 1.0)
    assert totals == [2.0, 1.0]


# The pipeline.

ZONE = Zone(zone_id="zone.a", name="A", power=("sensor.p",))
HOME = HomeLayout(zones=(ZONE,))


def _pipeline(**kwargs: dict[str, ActivityTracker]) -> Pipeline:
    return Pipeline(HOME, {}, lambda t: t, **kwargs)


def test_a_tick_with_nothing_to_learn_reports_nothing_learned() -> None:
    """No channels: on_tick is False."""
    assert _pipeline().on_tick(T0, lambda _: None) is False


@pytest.mark.parametrize(
    ("unit", "activity"), [("°C", None), ("%", None), ("W", 0.5), (None, 0.5)]
)
def test_sensors_in_climate_units_count_as_climate(
    unit: str | None, activity: float | None
) -> None:
    """A climate reading needs two looks to give a change; power reads at once (1/2)."""
    pipeline = _pipeline()
    reading = Reading("21.0", {"unit_of_measurement": unit})
    pipeline.on_tick(T0, lambda _: reading)
    assert pipeline.activity_now["zone.a"] == activity


def test_replacing_channels_takes_the_fresh_activity() -> None:
    """The fresh pipeline's activity trackers replace the old ones."""
    tracker = ActivityTracker()
    pipeline = _pipeline()
    pipeline.replace_channels(_pipeline(activity={"zone.a": tracker}))
    assert pipeline.activity["zone.a"] is tracker
