"""Tests of SetpointModel: predictions, confidence, schedule, next change, state."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
import json
import math
from typing import Any

from household import BERLIN, Household, conditions, follow
import numpy as np
import pytest

from custom_components.cadence.engine import Conditions, SetpointLearner, SetpointModel

MONDAY = datetime(2026, 1, 5, tzinfo=BERLIN)


def office(when: datetime) -> float:
    """Return 21 °C from 07:00 and 17 °C from 22:00, every day."""
    return 21.0 if 7 <= when.hour < 22 else 17.0


def week_and_weekend(when: datetime) -> float:
    """Return 21 °C from 06:30 on workdays and from 09:00 at weekends, 17 at night."""
    hours = when.hour + when.minute / 60
    start = 6.5 if when.weekday() < 5 else 9.0
    return 21.0 if start <= hours < 22 else 17.0


def trained(setpoint_c: Any = office, days: int = 21) -> SetpointModel:
    """Return a model that followed a schedule for some days from MONDAY."""
    learner = SetpointLearner()
    follow(learner, MONDAY, days, setpoint_c)
    return learner.model


def at(day: int, hour: int, minute: int = 0, **kwargs: Any) -> Conditions:
    """Return conditions at a local time, `day` days after MONDAY."""
    when = (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute)
    return Conditions(when=when, **kwargs)


def value_at(model: SetpointModel, x: Conditions) -> float:
    """Return the predicted value, failing when there is none."""
    prediction = model.predict(x)
    assert prediction is not None
    return prediction.value_c


def test_nothing_is_predicted_before_learning() -> None:
    """Before any learning: no prediction, no change, no schedule, no error."""
    model = SetpointModel()
    assert model.predict(at(0, 8)) is None
    assert model.next_change(at(0, 8)) is None
    with pytest.raises(ValueError, match="nothing learned"):
        model.schedule(MONDAY)
    assert model.samples == 0
    assert model.mean_abs_error_c is None


def test_a_prediction_exists_after_the_first_learn() -> None:
    """One observation is enough to predict, everywhere, with low confidence."""
    model = SetpointModel()
    model.learn(at(0, 8), 20.5)
    here = model.predict(at(0, 8))
    elsewhere = model.predict(at(3, 19))
    assert here is not None
    assert elsewhere is not None
    assert here.value_c == elsewhere.value_c == 20.5
    assert 0.0 < elsewhere.confidence < here.confidence < 0.2
    assert model.samples == 1
    assert len(model.schedule(MONDAY)) == 7


def test_confidence_rises_with_evidence() -> None:
    """The more days it has seen, the more it trusts its predictions."""
    confidences = []
    for days in (1, 4, 14):
        prediction = trained(days=days).predict(at(days, 12))
        assert prediction is not None
        confidences.append(prediction.confidence)
    assert confidences == sorted(confidences)
    assert confidences[-1] > 0.8
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_confidence_falls_with_error() -> None:
    """A household that keeps changing its mind gets less confident predictions."""

    def erratic(when: datetime) -> float:
        return office(when) + (3.0 if (when.day + when.hour) % 3 == 0 else 0.0)

    steady, noisy = trained(office), trained(erratic)
    assert steady.mean_abs_error_c is not None
    assert noisy.mean_abs_error_c is not None
    assert noisy.mean_abs_error_c > steady.mean_abs_error_c
    steady_now, noisy_now = steady.predict(at(21, 12)), noisy.predict(at(21, 12))
    assert steady_now is not None
    assert noisy_now is not None
    assert noisy_now.confidence < steady_now.confidence


def test_error_is_measured_just_before_each_learn() -> None:
    """The first error is the miss of the first prediction; it then decays."""
    model = SetpointModel()
    errors = []
    for day, setpoint_c in ((0, 20.0), (0, 22.0), (1, 22.0)):
        model.learn(at(day, 8), setpoint_c)
        errors.append(model.mean_abs_error_c)
    assert errors[0] is None
    assert errors[1] == pytest.approx(2.0)
    assert errors[2] is not None
    assert errors[2] < 2.0


def test_only_weighted_learning_counts() -> None:
    """Weight 0 teaches nothing; a negative weight or NaN setpoint is refused."""
    model = SetpointModel()
    model.learn(at(0, 8), 20.0, weight=0.0)
    assert model.samples == 0
    assert model.predict(at(0, 8)) is None
    with pytest.raises(ValueError, match="weight"):
        model.learn(at(0, 8), 20.0, weight=-1.0)
    with pytest.raises(ValueError, match="finite"):
        model.learn(at(0, 8), float("nan"))


def test_schedule_is_seven_days_of_48_half_hours_rounded() -> None:
    """The schedule is Monday first, 48 values a day, to 0.1 °C."""
    model = trained(lambda when: week_and_weekend(when) + 0.04)
    week = model.schedule(MONDAY + timedelta(days=30, hours=15))
    assert len(week) == 7
    assert all(len(day) == 48 for day in week)
    assert week[0][13] == 21.0  # Monday 06:30
    assert week[0][12] == 17.0  # Monday 06:00
    assert week[5][13] == 17.0  # Saturday 06:30
    assert week[5][18] == 21.0  # Saturday 09:00
    assert week[6][44] == 17.0  # Sunday 22:00


def test_next_change_finds_the_next_schedule_edge() -> None:
    """From midday the next change is 17 °C at 22:00, then 21 °C at 07:00."""
    model = trained()
    change = model.next_change(at(21, 12, 10))
    assert change is not None
    assert change.when == at(21, 22).when
    assert change.value_c == pytest.approx(17.0, abs=0.05)
    change = model.next_change(at(21, 22, 0))
    assert change is not None
    assert change.when == at(22, 7).when
    assert change.value_c == pytest.approx(21.0, abs=0.05)


def test_next_change_is_none_beyond_the_horizon_or_below_the_threshold() -> None:
    """No change within the horizon, or none big enough, gives None."""
    model = trained()
    assert model.next_change(at(21, 12), horizon_h=5.0) is None
    assert model.next_change(at(21, 12), min_delta_c=5.0) is None


def test_next_change_keeps_a_workday_flag_for_its_own_date_only() -> None:
    """A working Saturday wakes at 06:30; the flag of Friday does not carry over."""
    model = trained(week_and_weekend)
    saturday = model.next_change(at(26, 1, workday=True))
    assert saturday is not None
    assert saturday.when == at(26, 6, 30).when
    friday_night = model.next_change(at(25, 23, workday=True))
    assert friday_night is not None
    assert friday_night.when == at(26, 9).when


def test_a_holiday_follows_the_non_workday_schedule() -> None:
    """A Monday the workday sensor calls off is predicted like a weekend day."""
    model = trained(week_and_weekend)
    assert value_at(model, at(28, 7)) == pytest.approx(21.0, abs=0.05)
    assert value_at(model, at(28, 7, workday=False)) == pytest.approx(17.0, abs=0.05)


def test_a_weekday_that_keeps_differing_gets_its_own_schedule() -> None:
    """Fridays at 19 °C in the evening are learned; Thursdays stay at 21 °C."""

    def short_friday(when: datetime) -> float:
        if when.weekday() == 4 and when.hour >= 18:
            return 19.0
        return week_and_weekend(when)

    model = trained(short_friday, days=28)
    assert value_at(model, at(31, 20)) == pytest.approx(21.0, abs=0.05)  # Thursday
    assert value_at(model, at(32, 20)) == pytest.approx(19.0, abs=0.05)  # Friday


def test_one_odd_day_does_not_change_the_schedule() -> None:
    """A single Friday evening at 19 °C is not a new habit."""
    learner = SetpointLearner()
    end = follow(learner, MONDAY, 25, week_and_weekend)  # to Friday morning
    end = follow(
        learner, end, 1, lambda w: 19.0 if w.hour >= 18 else week_and_weekend(w)
    )
    follow(learner, end, 6, week_and_weekend)
    assert value_at(learner.model, at(32, 20)) == pytest.approx(21.0, abs=0.05)


def test_a_changed_routine_takes_over_within_two_weeks() -> None:
    """Waking at 06:00 instead of 07:00 on workdays is adopted once it is the habit."""
    learner = SetpointLearner()
    end = follow(learner, MONDAY, 21, office)
    follow(learner, end, 12, lambda w: 21.0 if 6 <= w.hour < 22 else 17.0)
    assert value_at(learner.model, at(35, 6, 15)) == pytest.approx(21.0, abs=0.05)


def test_a_brief_override_does_not_move_the_schedule() -> None:
    """An hour at 24 °C by hand leaves tomorrow's prediction where it was."""

    def overridden(when: datetime) -> float:
        if (
            when.date() == at(21, 0).when.date()
            and 9.5 <= when.hour + when.minute / 60 < 10.5
        ):
            return 24.0
        return office(when)

    learner = SetpointLearner()
    follow(learner, MONDAY, 22, overridden)
    assert learner.model.mean_abs_error_c is not None
    for hour, minute in ((9, 30), (10, 0), (10, 30)):
        tomorrow = at(22, hour, minute)
        assert value_at(learner.model, tomorrow) == pytest.approx(21.0, abs=0.05)


def test_learning_backwards_in_time_is_absorbed() -> None:
    """Evidence dated before earlier evidence neither crashes nor corrupts."""
    model = SetpointModel()
    model.learn(at(3, 8), 20.0)
    model.learn(at(1, 8), 20.0)
    model.learn(at(3, 8), 20.0)
    assert value_at(model, at(4, 8)) == 20.0


def test_round_trip_is_exact_and_json_safe() -> None:
    """A model restored from JSON predicts and learns exactly like the original."""
    household = Household(seed=5, start=MONDAY, days=16)
    learner = SetpointLearner()
    for when, value, source in household.events():
        learner.hold(conditions(when))
        learner.observe(conditions(when), value, source)
    model = learner.model
    text = json.dumps(model.to_dict(), allow_nan=False)
    restored = SetpointModel.from_dict(json.loads(text))
    assert restored.to_dict() == model.to_dict()
    assert restored.samples == model.samples
    assert restored.mean_abs_error_c == model.mean_abs_error_c
    moments = [
        conditions(MONDAY + timedelta(days=16, minutes=37 * k)) for k in range(80)
    ]
    for x in moments:
        assert restored.predict(x) == model.predict(x)
        assert restored.next_change(x) == model.next_change(x)
    assert restored.schedule(MONDAY) == model.schedule(MONDAY)
    for copy in (model, restored):
        for k, x in enumerate(moments):
            copy.learn(x, 18.0 + k % 5, 0.3)
    assert restored.to_dict() == model.to_dict()


@cache
def _saved() -> str:
    """Return the saved state of a model that has seen a few weeks, as JSON."""
    return json.dumps(trained(week_and_weekend, days=24).to_dict())


def test_saved_state_holds_only_plain_json_types() -> None:
    """Numpy scalars never reach the saved state, even when numpy values are learned."""
    model = trained(days=3)
    model.learn(at(3, 9), np.float64(20.5), np.float64(0.5))

    def walk(node: object) -> None:
        assert type(node) in {dict, list, str, int, float, bool, type(None)}
        if isinstance(node, dict):
            assert all(type(key) is str for key in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(model.to_dict())


def _state() -> dict[str, Any]:
    """Return a fresh copy of the state of a model that has seen a few weeks."""
    state: dict[str, Any] = json.loads(_saved())
    return state


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return data with the value at a slash-separated path replaced."""
    *parents, last = path.split("/")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is KeyError:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("version", 2),
        ("samples", -1),
        ("samples", "many"),
        ("weight", float("nan")),
        ("mean_abs_error_c", "small"),
        ("slots", None),
        ("slots/day", 0),
        ("slots/day", True),
        ("slots/rings", []),
        ("slots/rings/0", [21.0, 7]),
        ("slots/rings/0", [21.0, 11]),
        ("slots/rings/0", [21.0]),
        ("slots/rings/0", [21.0, 0]),
        ("slots/rings/0", {"a": 1}),
        ("slots/today", [0, [0.0, 20.0]]),
        ("slots/today", [96, [1.0, 20.0]]),
        ("slots/today", [0, [1.0]]),
        ("slots/today", [0, "x"]),
        ("slots/deviations", [[0, 1.0, -1.0]]),
        ("slots/deviations", [[0, 1.0, 1.0, 1.0, 1.0]]),
        ("slots/deviations", [[0]]),
        ("slots/deviations", [[400, 1.0]]),
        ("context/version", 0),
        ("context/fit/coef", [0.0]),
        ("context/fit/p_upper", [1.0]),
        ("context/error_with_c", None),
        ("context", KeyError),
    ],
)
def test_from_dict_refuses_malformed_state(path: str, value: Any) -> None:
    """Malformed or edited state raises ValueError, KeyError or TypeError."""
    data = _set(_state(), path, value)
    with pytest.raises((ValueError, KeyError, TypeError)):
        SetpointModel.from_dict(data)


@pytest.mark.parametrize("garbage", [None, [], "model", {}, {"version": 1}])
def test_from_dict_refuses_garbage(garbage: Any) -> None:
    """Anything that is not a saved model raises ValueError, KeyError or TypeError."""
    with pytest.raises((ValueError, KeyError, TypeError)):
        SetpointModel.from_dict(garbage)


def test_a_half_hour_whose_days_disagree_is_less_sure() -> None:
    """Same evidence, but one slot's days disagree: lower confidence, same median."""
    model = SetpointModel()
    start = datetime(2026, 1, 5, 8, 0, tzinfo=BERLIN)  # a Monday
    for day in range(10):
        when = start + timedelta(days=7 * (day // 5) + day % 5)
        model.learn(Conditions(when=when), 21.0)  # 08:00: always 21
        wobble = 21.0 + (2.0 if day % 2 else -2.0)
        model.learn(Conditions(when=when + timedelta(hours=4)), wobble)  # 12:00
    monday = start + timedelta(days=14)
    steady = model.predict(Conditions(when=monday))
    unsure = model.predict(Conditions(when=monday + timedelta(hours=4)))
    assert steady is not None
    assert unsure is not None
    assert unsure.confidence < 0.5 * steady.confidence


@pytest.mark.parametrize("kept_h", [-0.1, math.nan, math.inf])
def test_time_kept_must_be_a_finite_amount(kept_h: float) -> None:
    """A negative, NaN or endless time kept is refused before anything is learned."""
    model = SetpointModel()
    with pytest.raises(ValueError, match="kept_h"):
        model.learn(
            Conditions(when=datetime(2026, 1, 5, 8, tzinfo=BERLIN)),
            21.0,
            1.0,
            kept_h=kept_h,
        )
    assert model.samples == 0
