"""Behaviours pinned before the engine is restructured (issue 8, part 0).

Expectations are literal numbers, never the modules' constants, so a changed
constant fails them as surely as changed code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import math
from typing import Any

from household import BERLIN, Spy
import pytest

from custom_components.cadence.engine import (
    ActivityTracker,
    ActivityWatch,
    BinaryFeed,
    Conditions,
    LevelFeed,
    Reading,
    SetpointLearner,
    SetpointModel,
    Source,
    ThermostatChannel,
    Verdict,
    encode,
    outdoor_c,
)
from custom_components.cadence.engine.inputs import (
    conditions_from,
    outdoor_from,
    planning_conditions,
)
from custom_components.cadence.engine.models.anomaly import elapsed
from custom_components.cadence.engine.models.evidence import Stillness
from custom_components.cadence.engine.models.slots import BY_KIND, SlotMedians

MONDAY = datetime(2026, 1, 5, tzinfo=BERLIN)  # a Monday


def at(day: int, hour: int, minute: int = 0, **kwargs: Any) -> Conditions:
    """Return conditions at a local time, `day` days after MONDAY."""
    when = (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute)
    return Conditions(when=when, **kwargs)


@dataclass
class FakeState:
    """A state as the engine's lookups read it."""

    state: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    last_changed: datetime = MONDAY


# ---------------------------------------------------------------- outdoor readings


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        (-12.0, "°C", -12.0),
        ("-12", "°C", -12.0),
        (-59.0, "°C", -59.0),
        (-60.0, "°C", -60.0),
        (-61.0, "°C", None),
        (59.0, "°C", 59.0),
        (60.0, "°C", 60.0),
        (61.0, "°C", None),
        (10.4, "°F", -12.0),
        (-76.0, "°F", -60.0),
        (-78.0, "°F", None),
        (140.0, "°F", 60.0),
        (142.0, "°F", None),
        (261.15, "K", -12.0),
    ],
)
def test_outdoor_readings_below_freezing_are_accepted_down_to_minus_60(
    raw: object, unit: str, expected: float | None
) -> None:
    """A frosty morning is weather; only beyond ±60 °C is a reading broken."""
    value = outdoor_c(raw, unit)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


def test_a_sub_zero_outdoor_sensor_reaches_the_conditions() -> None:
    """-12 °C from a sensor or a weather entity is what the engine is told."""
    states = {
        "sensor.outdoor": FakeState("-12", {"unit_of_measurement": "°C"}),
        "weather.home": FakeState(
            "snowy", {"temperature": 10.4, "temperature_unit": "°F"}
        ),
    }
    x = conditions_from(
        states.get,
        at(0, 8).when,
        motion=(),
        outdoor_entity="sensor.outdoor",
        workday_entity=None,
    )
    assert x.outdoor_c == pytest.approx(-12.0)
    assert outdoor_from(states.get, "weather.home") == pytest.approx(-12.0)


# ---------------------------------------------------------------- weekday offsets


def short_fridays() -> SlotMedians:
    """Return slots whose 16:00 is 20 °C on workdays but 18 °C on three Fridays."""
    slots = SlotMedians()
    for week in range(4):
        for weekday in range(5):
            when = (MONDAY + timedelta(days=7 * week + weekday)).replace(hour=16)
            slots.learn(when, True, 18.0 if weekday == 4 else 20.0, 1.0)
    slots.learn((MONDAY + timedelta(days=28)).replace(hour=3), True, 20.0, 1.0)
    return slots


def test_a_weekday_offset_applies_after_three_agreeing_weeks() -> None:
    """Three short Fridays make Fridays 18 °C while the other workdays stay 20 °C."""
    slots = short_fridays()
    friday = slots.value(4, 32, True)
    thursday = slots.value(3, 32, True)
    assert friday is not None
    assert thursday is not None
    assert friday[0] == pytest.approx(18.0)
    assert thursday[0] == pytest.approx(20.0)


def test_a_saved_schedule_with_a_weekday_offset_restores_it() -> None:
    """SlotMedians.from_dict(to_dict()) keeps the Friday offset and every prediction."""
    slots = short_fridays()
    data = json.loads(json.dumps(slots.to_dict()))
    assert data["deviations"] == [[4 * 48 + 32, -2.0, -2.0, -2.0]]
    restored = SlotMedians.from_dict(data)
    assert restored.to_dict() == slots.to_dict()
    for weekday in range(7):
        for slot in (0, 31, 32, 33, 47):
            for workday in (True, False):
                assert restored.value(weekday, slot, workday) == slots.value(
                    weekday, slot, workday
                )
    assert restored.value(4, 32, True)[0] == pytest.approx(18.0)  # type: ignore[index]


# ---------------------------------------------------------------- next change


def two_schedules(correction_c: float) -> SetpointModel:
    """Return a model: workdays 21 °C all day, other days 17 °C then 22 °C from 9:00.

    Its context correction is forced to a constant `correction_c`, fully used.
    """
    model = SetpointModel()
    model.learn(at(0, 0), 21.0)
    model.learn(at(5, 0), 17.0)
    model.learn(at(5, 9), 22.0)
    data = model.to_dict()
    data["slots"]["days"] = "by_kind_of_day"
    context = data["context"]
    context["fit"]["coef"] = [correction_c, 0.0, 0.0]
    context["error_without_c"] = 1.0
    context["error_with_c"] = 0.5
    return SetpointModel.from_dict(data)


def test_the_forced_correction_is_added_to_predictions() -> None:
    """The helper's correction of +0.5 °C shows in a prediction."""
    model = two_schedules(0.5)
    prediction = model.predict(at(4, 20))
    assert prediction is not None
    assert prediction.value_c == pytest.approx(21.5)


@pytest.mark.parametrize(
    ("now", "when", "value_c"),
    [
        # A Friday evening the sensor calls a workday: Saturday is not one.
        (at(4, 20, workday=True), at(5, 0).when, 17.5),
        # A Sunday evening: Monday is a workday by the calendar (21 °C all day).
        (at(6, 20), at(7, 0).when, 21.5),
        # A Sunday the sensor calls off (a holiday eve) says nothing about Monday.
        (at(6, 20, workday=False), at(7, 0).when, 21.5),
        # A Saturday: Sunday morning is not a workday either, so 22 °C at 9:00.
        (at(5, 20), at(6, 0).when, 17.5),
    ],
)
def test_next_change_on_a_later_day_uses_that_days_kind_and_the_correction(
    now: Conditions, when: datetime, value_c: float
) -> None:
    """The next change past midnight follows the next day's kind, corrected by +0.5."""
    change = two_schedules(0.5).next_change(now)
    assert change is not None
    assert change.when == when
    assert change.value_c == pytest.approx(value_c)


def test_next_change_subtracts_a_negative_correction() -> None:
    """A correction of -0.5 °C lowers the next change's value by 0.5."""
    change = two_schedules(-0.5).next_change(at(4, 20))
    assert change is not None
    assert change.when == at(5, 0).when
    assert change.value_c == pytest.approx(16.5)


def test_next_change_within_a_holiday_follows_the_non_workday_schedule() -> None:
    """On a Monday the sensor calls off, 22 °C comes at 9:00 as on a weekend."""
    change = two_schedules(0.0).next_change(at(7, 1, workday=False))
    assert change is not None
    assert change.when == at(7, 9).when
    assert change.value_c == pytest.approx(22.0)
    assert two_schedules(0.0).next_change(at(7, 1, workday=True)) is None


# ---------------------------------------------------------------- holds and choices


def _heat(value: float) -> Reading:
    return Reading("heat", {"temperature": value, "min_temp": 7, "max_temp": 30})


def _room(value: float, room: float) -> Reading:
    return Reading(
        "heat",
        {
            "temperature": value,
            "min_temp": 7,
            "max_temp": 30,
            "current_temperature": room,
        },
    )


def test_time_kept_on_a_holiday_is_credited_to_the_non_workday_schedule() -> None:
    """A Monday the workday sensor calls off teaches the weekend schedule only."""
    spy = Spy()
    feed = ThermostatChannel("climate.t", {"temperature": SetpointLearner(spy)})
    holiday = {"workday": False}
    feed.on_state(
        at(0, 8, **holiday), "climate.t", _heat(23.0), _heat(19.0), Source.PERSON
    )
    feed.on_state(
        at(0, 9, 10, **holiday),
        "climate.t",
        _room(23.0, 21.0),
        _heat(23.0),
        Source.DEVICE,
    )
    assert spy.lessons == [
        (at(0, 8).when, False, 23.0, 1.0),
        (at(0, 8).when, False, 23.0, 0.125),
        (at(0, 8, 30).when, False, 23.0, 0.125),
    ]
    model = spy
    assert model.predict(at(0, 8, 30, workday=False)).value_c == 23.0  # type: ignore[union-attr]


def test_time_the_thermostat_was_off_is_not_credited_when_it_returns() -> None:
    """Off from 9:00 to 10:30 then back at the same setpoint: only 8-9 and 10:30-11:30."""
    spy = Spy()
    feed = ThermostatChannel("climate.t", {"temperature": SetpointLearner(spy)})
    feed.on_state(at(0, 8), "climate.t", _heat(21.0), _heat(19.0), Source.PERSON)
    off = Reading("off", {"min_temp": 7, "max_temp": 30})
    feed.on_state(at(0, 9), "climate.t", off, _heat(21.0), Source.DEVICE)
    result = feed.on_state(at(0, 10, 30), "climate.t", _heat(21.0), off, Source.DEVICE)
    assert not result.learned  # the same setpoint is no new choice
    feed.on_state(
        at(0, 11, 30), "climate.t", _room(21.0, 20.0), _heat(21.0), Source.DEVICE
    )
    holds = [(when, weight) for when, _, _, weight in spy.lessons[1:]]
    assert holds == [
        (at(0, 8).when, 0.125),
        (at(0, 8, 30).when, 0.125),
        (at(0, 10, 30).when, 0.125),
        (at(0, 11).when, 0.125),
    ]
    assert sum(weight for _, weight in holds) == pytest.approx(0.5)


def test_holding_a_setpoint_weighs_a_quarter_per_hour() -> None:
    """Kept from 7:15, looked at 9:15: whole slots to 9:00 teach 0.25 per hour."""
    spy = Spy()
    learner = SetpointLearner(spy)
    learner.observe(at(0, 7, 15), 20.0, Source.DEVICE)
    assert learner.hold(at(0, 9, 15))
    holds = [(when, weight) for when, _, _, weight in spy.lessons[1:]]
    assert holds == [
        (at(0, 7, 15).when, pytest.approx(0.0625)),
        (at(0, 7, 30).when, pytest.approx(0.125)),
        (at(0, 8).when, pytest.approx(0.125)),
        (at(0, 8, 30).when, pytest.approx(0.125)),
    ]


@pytest.mark.parametrize(("chosen_at", "vote_c"), [(20, 20.0), (10, 23.0)])
def test_within_a_half_hour_the_setpoint_kept_longest_votes(
    chosen_at: int, vote_c: float
) -> None:
    """20 °C kept until 10:20 (or 10:10), then 23 °C chosen and kept to 10:30.

    A choice speaks for the time after it: the slot's vote is the setpoint kept
    longest in it, 20 °C (20 minutes against 10) or 23 °C (20 against 10), plus the
    context correction's small share (about 0.1 °C here: the choice's surprise).
    """
    learner = SetpointLearner()
    learner.observe(at(0, 9), 20.0, Source.PERSON)
    learner.observe(at(0, 10, chosen_at), 23.0, Source.PERSON)
    learner.hold(at(0, 10, 30))
    prediction = learner.model.predict(at(0, 10))
    assert prediction is not None
    assert prediction.value_c == pytest.approx(vote_c, abs=0.15)
    earlier = learner.model.predict(at(0, 9, 30))
    assert earlier is not None
    assert earlier.value_c == pytest.approx(20.0, abs=0.15)


# ---------------------------------------------------------------- anomaly state

START = datetime(2026, 3, 2, tzinfo=BERLIN)  # a Monday


def _moment(tick: int) -> datetime:
    return (START.astimezone(UTC) + timedelta(minutes=5 * tick)).astimezone(BERLIN)


def flagged_watch() -> tuple[ActivityWatch, int]:
    """Return a watch that learned busy mornings for nine days, then saw none."""
    watch = ActivityWatch()
    tick = 0
    while not watch.anomaly:
        when = _moment(tick)
        day, hour = tick // 288, when.hour
        busy = day < 9 and 7 <= hour < 11 and tick % 3 == 0
        watch.update(when, "on" if busy else "off")
        watch.tick(Conditions(when=when))
        tick += 1
        assert tick < 11 * 288, "the quiet morning was never flagged"
    return watch, tick


def test_a_raised_anomaly_flag_survives_a_save_and_restore() -> None:
    """A zone flagged before a restart is still flagged after it."""
    watch, _ = flagged_watch()
    data = json.loads(json.dumps(watch.to_dict()))
    assert data["verdict"][0] is True
    restored = ActivityWatch.from_dict(data)
    assert restored.anomaly
    assert restored.anomaly_score == watch.anomaly_score
    verdict = Verdict()
    verdict.update(1.0, timedelta(minutes=20))
    assert verdict.flag
    assert Verdict.from_list(json.loads(json.dumps(verdict.to_list()))).flag


@pytest.mark.parametrize(
    "flags", [[True, False, False], [False, True, False], [False, False, True]]
)
def test_a_zones_motion_flags_survive_a_save_and_restore(flags: list[bool]) -> None:
    """Motion seen (this hour, now, since the last tick) is not forgotten at restart."""
    watch, _ = flagged_watch()
    data = watch.to_dict()
    data["moved"] = list(flags)
    restored = ActivityWatch.from_dict(json.loads(json.dumps(data)))
    assert restored.to_dict()["moved"] == flags


def test_motion_seen_before_a_restart_counts_after_it() -> None:
    """Motion reported, saved and restored, then ticked: it resets the quiet spell."""
    watch, tick = flagged_watch()
    watch.update(_moment(tick), "on")
    restored = ActivityWatch.from_dict(json.loads(json.dumps(watch.to_dict())))
    for one in (watch, restored):
        one.update(_moment(tick), "off")
        one.tick(Conditions(when=_moment(tick)))
    assert restored.to_dict() == watch.to_dict()
    assert restored.to_dict()["surprise"][0] == 0.0


def _still_after_stuck(last: float, jitter: float) -> float:
    """Feed a sensor moving about 2 per reading for 8 days, then a stuck 12 hours."""
    still = Stillness()
    hours = 5 / 60
    for i in range(8 * 288):
        when = MONDAY + timedelta(minutes=5 * i)
        still.update(
            Conditions(when=when), 20.0 + (1.0 if i % 2 else -1.0) * (i % 3), hours
        )
    surprise = 0.0
    for i in range(12 * 12):
        when = MONDAY + timedelta(days=8, minutes=5 * i)
        value = last + (jitter if i % 2 else 0.0)
        surprise = still.update(Conditions(when=when), value, hours)
    return surprise


def test_a_stuck_sensor_whose_last_digit_jitters_is_still_stuck() -> None:
    """Readings flickering by 0.01 where real changes are about 2 are still."""
    exact = _still_after_stuck(20.0, 0.0)
    jittery = _still_after_stuck(20.0, 0.01)
    assert exact > 30.0
    assert jittery == pytest.approx(exact, abs=0.01)


def test_a_change_of_a_quarter_of_the_usual_is_a_move() -> None:
    """Moving by 0.5 where real changes are about 2 is a change, not jitter."""
    assert _still_after_stuck(20.0, 0.5) == 0.0


def test_a_still_hour_that_always_moved_costs_two_and_a_half_nats() -> None:
    """Six workdays seen, each moving: p = 0.92 by the 14-day fading, 2.53 nats/hour."""
    assert _still_after_stuck(20.0, 0.0) == pytest.approx(30.2318135, abs=1e-6)


# ---------------------------------------------------------------- planning


def test_planning_applies_the_workday_sensor_only_to_today() -> None:
    """A holiday today says nothing about tomorrow; occupancy now says nothing later."""
    states = {
        "binary_sensor.workday": FakeState("off"),
        "sensor.outdoor": FakeState("-3", {"unit_of_measurement": "°C"}),
    }
    today = planning_conditions(
        states.get,
        at(0, 18).when,
        today=True,
        outdoor_entity="sensor.outdoor",
        workday_entity="binary_sensor.workday",
    )
    later = planning_conditions(
        states.get,
        at(1, 7).when,
        today=False,
        outdoor_entity="sensor.outdoor",
        workday_entity="binary_sensor.workday",
    )
    assert today.workday is False
    assert not today.is_workday
    assert later.workday is None
    assert later.is_workday  # a Tuesday by the calendar
    assert today.outdoor_c == later.outdoor_c == pytest.approx(-3.0)
    assert today.minutes_since_motion is None
    assert later.minutes_since_motion is None


def test_a_gap_between_ticks_counts_at_most_an_hour() -> None:
    """Home Assistant stopped for three hours: the watch counts one."""
    t = START
    assert elapsed(None, t) == timedelta()
    assert elapsed(t, t + timedelta(minutes=5)) == timedelta(minutes=5)
    assert elapsed(t, t + timedelta(minutes=59)) == timedelta(minutes=59)
    assert elapsed(t, t + timedelta(hours=3)) == timedelta(hours=1)
    assert elapsed(t, t - timedelta(minutes=5)) == timedelta()


# ---------------------------------------------------------------- golden outputs
# Deterministic scenarios through each model, and what the engine answered when
# these pins were written (literal numbers): a restructuring must keep every one.
# The scenarios cover the tuning constants (rates, half-lives, thresholds) that no
# behaviour test states on its own.

G0 = datetime(2026, 3, 2, tzinfo=BERLIN)


def golden_moment(tick: int) -> datetime:
    """Return the local time `tick` five-minute steps after G0."""
    return (G0.astimezone(UTC) + timedelta(minutes=5 * tick)).astimezone(BERLIN)


def golden_activity() -> list[float | None]:
    """Return the activity of two power and two climate sensors over 2600 readings."""
    tracker = ActivityTracker()
    out = []
    for i in range(2600):
        power = {"a": 50.0 + 40.0 * math.sin(i / 7.0), "b": 5.0 + (i % 11)}
        climate = {"t": 20.0 + 0.1 * (i % 5), "h": 50.0 + (3.0 if i % 13 == 0 else 0.0)}
        if i >= 2500:
            power = {"a": 400.0, "b": 30.0}
            climate = {"t": 20.0 + (i % 2), "h": 60.0}
        value = tracker.update(power, climate if i % 2 else None)
        if i % 200 == 0 or i >= 2595:
            out.append(value)
    out.append(ActivityTracker().update({}, {"t": 20.0}))
    out.append(tracker.update({}, {"t": 25.0, "h": 50.0}))
    return out


def golden_watch() -> list[float]:
    """Return scores and flags of a motion watch: busy mornings, a quiet day, a night visit."""
    watch = ActivityWatch()
    out = []
    for tick in range(12 * 288):
        when = golden_moment(tick)
        day, hour = tick // 288, when.hour
        busy = (day < 9 and 7 <= hour < 11 and tick % 3 == 0) or (
            day == 10 and hour == 3 and tick % 2 == 0
        )
        watch.update(when, "on" if busy else "off")
        watch.tick(Conditions(when=when))
        if tick % 97 == 0:
            out += [watch.anomaly_score, float(watch.anomaly)]
    out.append(watch.probability(Conditions(when=golden_moment(8 * 288 + 100))))
    return out


def golden_level() -> list[float]:
    """Return scores and flags of a daily-shaped sensor with a spike and a stuck spell."""
    feed = LevelFeed()
    out = []
    for tick in range(7 * 288):
        when = golden_moment(tick)
        value = 100.0 + 30.0 * math.sin(2 * math.pi * when.hour / 24.0) + (tick % 7)
        if tick >= 5 * 288:
            value += 250.0 if tick < 5 * 288 + 72 else 0.0
            if tick >= 5 * 288 + 100:
                value = 77.0
        feed.update(when, f"{value:.3f}")
        feed.tick(Conditions(when=when))
        if tick % 61 == 0 or tick % 288 in (1, 30, 50, 70, 150):
            out += [feed.anomaly_score, float(feed.anomaly)]
    x = Conditions(when=golden_moment(7 * 288 + 10))
    out += [
        feed.expected(x) or 0.0,
        feed.model.deviation(x, 140.0) or 0.0,
        feed.model.score(x, 140.0),
    ]
    return out


def golden_counter() -> list[float]:
    """Return what a counter feed learns: counter detected, rate expected, score."""
    feed = LevelFeed()
    out = []
    total = 0.0
    for tick in range(2 * 288 + 40):
        when = golden_moment(tick)
        total += 0.5 + (tick % 3) * 0.25
        if tick == 2 * 288:
            total = 0.1
        feed.update(when, str(total))
        feed.tick(Conditions(when=when))
    out += [
        float(feed.counter),
        feed.expected(Conditions(when=golden_moment(2 * 288 + 40))) or 0.0,
        feed.anomaly_score,
    ]
    return out


def golden_habit() -> list[float]:
    """Return habit predictions and priors of an evening light after two weeks."""
    feed = BinaryFeed(horizon=timedelta(minutes=15))
    out = []
    for tick in range(15 * 288):
        when = golden_moment(tick)
        on = 18 <= when.hour < 23 and (when.weekday() < 5 or when.hour >= 20)
        feed.update(when, "on" if on else "off")
        feed.tick(
            Conditions(
                when=when,
                minutes_since_motion=5.0 if on else 90.0,
                activity=0.8 if on else 0.2,
                outdoor_c=5.0,
            )
        )
    for hour in (3, 12, 19, 21):
        for day in (15, 19):
            x = Conditions(
                when=golden_moment(day * 288 + hour * 12),
                minutes_since_motion=10.0,
                activity=0.6,
            )
            out += [feed.predict(x), feed.model.prior(x)]
    return out


def golden_encode() -> list[float]:
    """Return a moment's feature vector."""
    x = Conditions(
        when=datetime(2026, 7, 15, 13, 20, 30, tzinfo=BERLIN),
        outdoor_c=27.0,
        minutes_since_motion=12.0,
    )
    return [float(v) for v in encode(x)]


def golden_setpoint() -> list[float]:
    """Return predictions, next change, error and schedule after three weeks."""
    model = SetpointModel()
    out = []
    for tick in range(21 * 48):
        when = (G0.astimezone(UTC) + timedelta(minutes=30 * tick)).astimezone(BERLIN)
        outdoor = -5.0 + 15.0 * ((tick // 48) % 5) / 4.0
        target = 20.0 + (1.0 if 7 <= when.hour < 22 else -3.0) - 0.08 * outdoor
        if tick % 97 == 0:
            target += 4.0
        x = Conditions(
            when=when,
            outdoor_c=outdoor,
            minutes_since_motion=5.0 if 7 <= when.hour < 22 else 300.0,
        )
        model.learn(x, round(target, 1), 1.0 if tick % 5 == 0 else 0.125)
    for hour, outdoor in ((3, -5.0), (8, 0.0), (12, 10.0), (20, 20.0)):
        x = Conditions(
            when=golden_moment(21 * 288 + hour * 12),
            outdoor_c=outdoor,
            minutes_since_motion=5.0,
        )
        p = model.predict(x)
        out += [p.value_c, p.confidence]
    change = model.next_change(
        Conditions(when=golden_moment(21 * 288 + 12 * 12), outdoor_c=0.0)
    )
    out += [change.value_c, change.when.hour + change.when.minute / 60]
    out.append(model.mean_abs_error_c)
    out += model.schedule(G0)[2][::8]
    return out


GOLDEN: dict[str, list[float | None]] = {
    "activity": [
        0.5,
        0.4289258689782443,
        0.5450163930472517,
        0.45649183081760736,
        0.6343320975247262,
        0.46580616707618916,
        0.48409188486938204,
        0.37602701532294464,
        0.5717507193695369,
        0.5257195278408117,
        0.6099174547596704,
        0.4048780482660207,
        0.4214154510876887,
        0.7302390199224164,
        0.811748580440264,
        0.7290857474601374,
        0.8108545784559618,
        0.7279421595162162,
        None,
        0.8386095222035911,
    ],
    "watch": [
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.02386178726526082,
        0.0,
        9.173786445379309e-06,
        0.0,
        5.14938734173206e-05,
        0.0,
        0.0002258329893315881,
        0.0,
        9.377598879570496e-06,
        0.0,
        4.7280463048887877e-05,
        0.0,
        0.00017180100772026108,
        0.0,
        0.9999593889499482,
        1.0,
        0.999999385290602,
        1.0,
        0.9999998055979711,
        1.0,
        0.6159878108591124,
        0.0,
        0.9308633081768919,
        1.0,
        0.9745257469681295,
        1.0,
        0.9999992542663837,
        1.0,
        0.9999997714903965,
        1.0,
        0.6304003325050906,
    ],
    "level": [
        0.0,
        0.0,
        0.0,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        0.01098694263059318,
        0.0,
        103.22797376594355,
        9.465057095503644,
        0.9997247582960432,
    ],
    "counter": [1.0, 6.6517921485120866, 0.01098694263059318],
    "habit": [
        0.0006007376129508112,
        0.04646840148698885,
        0.000660159773853273,
        0.042459239130434784,
        0.0021722033111572616,
        0.04646840148698885,
        0.0024388887407422,
        0.042459239130434784,
        0.9930454693214561,
        0.9535315985130112,
        0.6262488662133726,
        0.2712296195652174,
        0.9976138235282164,
        0.9535315985130112,
        0.9979821691891662,
        0.9575407608695652,
    ],
    "encode": [
        1.0,
        -0.3440694190257766,
        -0.9389442128748995,
        0.6461239796429635,
        0.7632324697825291,
        -0.8692793239451434,
        -0.4943212082861452,
        0.7495749416186873,
        -0.6619194867182424,
        1.0,
        1.0,
        1.7,
        1.0,
        0.6703200460356393,
        -0.21127575558217973,
        -0.9774264960104054,
    ],
    "setpoint": [
        17.365036509779376,
        0.5147789190660204,
        20.96156768556733,
        0.622586022535344,
        20.154630037143242,
        0.622586022535344,
        19.347692388719153,
        0.622586022535344,
        16.96144141803225,
        22.0,
        0.15819421770143408,
        16.2,
        16.2,
        20.2,
        20.2,
        20.2,
        20.2,
    ],
}


SCENARIOS = {name: globals()[f"golden_{name}"] for name in GOLDEN}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_each_model_answers_a_fixed_scenario_as_when_pinned(name: str) -> None:
    """Activity, motion watch, levels, counters, habits, features and setpoints."""
    got = SCENARIOS[name]()
    want = GOLDEN[name]
    assert len(got) == len(want)
    for index, (value, expected) in enumerate(zip(got, want, strict=True)):
        if expected is None:
            assert value is None, index
        else:
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-12), index


def test_every_saved_model_says_its_schema_version() -> None:
    """Stores written today carry these versions; a bumped version needs a migration."""
    learner = SetpointLearner()
    learner.observe(at(0, 8), 21.0, Source.PERSON)
    saved = [
        learner.to_dict(),
        learner.model.to_dict(),
        learner.model.to_dict()["context"],
        learner.model.to_dict()["context"]["fit"],
        ActivityWatch().to_dict(),
        ActivityTracker().to_dict(),
        LevelFeed().to_dict(),
        LevelFeed().to_dict()["model"],
        BinaryFeed().to_dict(),
        BinaryFeed().to_dict()["model"],
        BinaryFeed().to_dict()["model"]["fit"],
    ]
    versions = [data["version"] for data in saved]
    # The level feed and its model moved to version 2 (a running median per cell,
    # excursions and stillness); both read version 1 (tests/engine/test_level.py).
    assert versions == [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1]


def test_a_slot_seen_for_exactly_0_05_votes() -> None:
    """About 12 minutes of a held setpoint (weight 0.05) is a day's vote."""
    slots = SlotMedians()
    slots.learn(at(0, 10).when, True, 20.0, 1.0)
    slots.learn(at(1, 10).when, True, 23.0, 0.05)
    assert slots.value(1, 20, True) == (21.5, 2 / 14)
    slots.learn(at(2, 10).when, True, 26.0, 0.049)
    assert slots.value(2, 20, True) == (21.5, 2 / 14)  # 0.049 is a glimpse


def test_a_weekday_deviating_by_exactly_0_2_makes_an_offset() -> None:
    """Fridays 0.2 °C warmer three weeks running are a habit, not rounding."""
    slots = SlotMedians(BY_KIND)  # offsets belong to counting by kind of day
    for week in range(4):
        for weekday in range(5):
            when = (MONDAY + timedelta(days=7 * week + weekday)).replace(hour=16)
            slots.learn(when, True, 20.2 if weekday == 4 else 20.0, 1.0)
    slots.learn((MONDAY + timedelta(days=28)).replace(hour=3), True, 20.0, 1.0)
    assert slots.value(4, 32, True)[0] == pytest.approx(20.2)  # type: ignore[index]
    assert slots.to_dict()["deviations"] == [[4 * 48 + 32, 0.2, 0.2, 0.2]]


def test_a_full_ring_drops_its_oldest_day() -> None:
    """Eleven workdays: the ring keeps the last ten, in order, to three decimals."""
    slots = SlotMedians()
    for day in range(12):
        when = (MONDAY + timedelta(days=day)).replace(hour=16)
        slots.learn(when, True, 19.0 + day + 0.123, 1.0)
    ring = slots.to_dict()["rings"][48 + 32]
    assert (
        ring
        == [value for day in range(1, 11) for value in (round(19.123 + day, 3), 1)][
            : len(ring)
        ]
    )
    assert len(ring) == 20


def test_a_new_learner_is_not_paused() -> None:
    """A learner that never saw its thermostat saves paused as false."""
    assert SetpointLearner().to_dict()["paused"] is False


def test_a_moment_has_sixteen_features_and_an_hour_cell_per_kind_of_day() -> None:
    """A moment encodes as 16 numbers; motion cells: 24 non-workday hours, then workdays."""
    from custom_components.cadence.engine.features import N_FEATURES
    from custom_components.cadence.engine.models.anomaly import cell_of

    assert N_FEATURES == 16
    assert len(encode(at(0, 10))) == 16
    assert cell_of(at(0, 10)) == 34  # a Monday, a workday
    assert cell_of(at(0, 10, workday=False)) == 10  # a holiday Monday
    assert cell_of(at(5, 10)) == 10  # a Saturday
    assert cell_of(at(5, 23, 59, workday=True)) == 47  # a working Saturday night
