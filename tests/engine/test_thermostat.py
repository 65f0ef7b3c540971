"""Tests of SetpointLearner: who teaches, and how much holding a setpoint teaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

import household
from household import BERLIN
import pytest

from custom_components.cadence.engine import (
    HOLD_WEIGHT_PER_HOUR,
    Conditions,
    SetpointLearner,
    Source,
    slot_of,
)
from custom_components.cadence.engine.channels.setpoint_learner import PROVISIONAL_SHARE
from custom_components.cadence.engine.features import advance

MONDAY = datetime(2026, 1, 5, tzinfo=BERLIN)


class Spy(household.Spy):
    """A model that records what it is taught: (when, setpoint, weight)."""

    @property
    def lessons(self) -> list[tuple[datetime, float, float]]:  # type: ignore[override]
        """Return the lessons without the workday flag."""
        return [(when, value, weight) for when, _, value, weight in self.records]

    @property
    def weight(self) -> float:
        """Return the total weight taught."""
        return sum(weight for _, _, weight in self.lessons)


def at(hour: int, minute: int = 0, day: int = 0, **kwargs: Any) -> Conditions:
    """Return conditions at a local time on MONDAY (+ days)."""
    when = (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute)
    return Conditions(when=when, **kwargs)


def learner() -> tuple[SetpointLearner, Spy]:
    """Return a learner and the spy model it teaches."""
    spy = Spy()
    return SetpointLearner(spy), spy


@pytest.mark.parametrize("source", [Source.PERSON, Source.DEVICE])
def test_a_change_someone_made_is_learned_with_full_weight(source: Source) -> None:
    """A person or a hand on the knob teaches a twentieth at once, all once kept."""
    subject, spy = learner()
    assert subject.observe(at(7), 21.0, source)
    assert spy.lessons == [(at(7).when, 21.0, PROVISIONAL_SHARE)]
    assert not subject.hold(at(7, 9))  # not yet kept ten minutes
    assert subject.hold(at(7, 10))
    assert spy.lessons == [(at(7).when, 21.0, 1.0)]
    assert subject.held_c == 21.0
    assert subject.source is source
    assert subject.since == at(7).when


@pytest.mark.parametrize("source", [Source.AUTOMATION, Source.CADENCE])
def test_a_change_by_an_automation_or_cadence_is_not_learned(source: Source) -> None:
    """Automations and Cadence's own output teach nothing."""
    subject, spy = learner()
    assert not subject.observe(at(7), 21.0, source)
    assert spy.lessons == []
    assert spy.predict(at(7)) is None


def test_holding_credits_weight_in_proportion_to_time() -> None:
    """Three hours kept teach 0.75, in one piece per half-hour slot."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    for hour in (8, 9, 10):
        assert subject.hold(at(hour))
    holds = spy.lessons[1:]
    assert len(holds) == 6
    assert sum(w for _, _, w in holds) == pytest.approx(3 * HOLD_WEIGHT_PER_HOUR)
    assert [slot_of(when)[1] for when, _, _ in holds] == [14, 15, 16, 17, 18, 19]
    assert all(value == 21.0 for _, value, _ in holds)


def test_hold_credits_whole_slots_and_a_change_credits_the_rest() -> None:
    """The part of a slot before a change teaches the value held until then."""
    subject, spy = learner()
    subject.observe(at(7, 10), 21.0, Source.DEVICE)
    assert not subject.hold(at(7, 15))  # still within the first slot, not yet kept
    assert subject.hold(at(8, 5))  # credits 07:10-08:00
    assert spy.weight == pytest.approx(1.0 + HOLD_WEIGHT_PER_HOUR * 50 / 60)
    subject.observe(at(8, 20), 19.0, Source.PERSON)
    when, value, weight = spy.lessons[-2]
    assert (when, value) == (at(8).when, 21.0)
    assert weight == pytest.approx(HOLD_WEIGHT_PER_HOUR / 3)
    assert spy.lessons[-1] == (at(8, 20).when, 19.0, PROVISIONAL_SHARE)


def test_a_choice_changed_again_within_minutes_teaches_a_twentieth() -> None:
    """30 °C for 30 seconds, then back: the slip teaches little, the return all."""
    subject, spy = learner()
    subject.observe(at(7), 18.0, Source.PERSON)
    subject.hold(at(7, 40))
    subject.observe(at(7, 40), 30.0, Source.PERSON)
    back = Conditions(when=at(7, 40).when + timedelta(seconds=30))
    subject.observe(back, 18.0, Source.PERSON)
    subject.hold(at(8, 5))
    slip = [weight for when, value, weight in spy.lessons if value == 30.0]
    assert slip == [PROVISIONAL_SHARE, pytest.approx(HOLD_WEIGHT_PER_HOUR / 120)]
    assert (back.when, 18.0, 1.0) in spy.lessons
    assert spy.predict(at(7, 45)).value_c == pytest.approx(18.0, abs=0.05)


def test_holding_a_value_an_automation_set_credits_nothing() -> None:
    """Time kept at an automation's setpoint teaches nothing."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    subject.observe(at(8), 23.0, Source.AUTOMATION)
    lessons = len(spy.lessons)
    assert not subject.hold(at(12))
    assert len(spy.lessons) == lessons
    assert spy.weight == pytest.approx(1.0 + HOLD_WEIGHT_PER_HOUR)  # only 07:00-08:00


def test_holding_cadences_own_value_credits_nothing() -> None:
    """Cadence never confirms itself."""
    subject, spy = learner()
    subject.observe(at(7), 20.0, Source.CADENCE)
    assert not subject.hold(at(12))
    assert spy.lessons == []


def test_pause_stops_crediting_and_the_same_value_resumes_it() -> None:
    """Off from 09:00 to 12:00 is not credited; kept again afterwards, it is."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    subject.pause(at(9))
    assert spy.weight == pytest.approx(1.0 + 2 * HOLD_WEIGHT_PER_HOUR)
    assert not subject.hold(at(11))
    assert not subject.observe(at(12), 21.0, Source.DEVICE)  # back on, same value
    assert subject.hold(at(13))
    assert spy.weight == pytest.approx(1.0 + 3 * HOLD_WEIGHT_PER_HOUR)
    assert [when.hour for when, _, _ in spy.lessons[-2:]] == [12, 12]


def test_a_new_value_after_a_pause_is_a_change() -> None:
    """Coming back on at another setpoint is learned as a choice."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    subject.pause(at(8))
    assert subject.observe(at(9), 19.0, Source.DEVICE)
    assert spy.lessons[-1] == (at(9).when, 19.0, PROVISIONAL_SHARE)
    assert subject.hold(at(10))
    assert spy.lessons[-1][1] == 19.0
    assert (at(9).when, 19.0, 1.0) in spy.lessons


def test_repeating_the_held_value_is_not_a_new_change() -> None:
    """The same value reported again, by anyone, only counts as held."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    assert not subject.observe(at(8, 10), 21.0, Source.PERSON)
    assert not subject.observe(at(8, 40), 21.0, Source.DEVICE)
    assert subject.source is Source.PERSON
    assert [w for _, _, w in spy.lessons].count(1.0) == 1
    assert spy.weight == pytest.approx(1.0 + 1.5 * HOLD_WEIGHT_PER_HOUR)


def test_same_or_earlier_times_never_give_negative_weight() -> None:
    """Identical timestamps and time going backwards are absorbed."""
    subject, spy = learner()
    subject.observe(at(9), 21.0, Source.PERSON)
    assert not subject.hold(at(9))
    assert not subject.hold(at(8))
    subject.observe(at(8), 22.0, Source.PERSON)
    subject.observe(at(9), 22.0, Source.PERSON)
    subject.pause(at(7))
    subject.observe(at(6), 20.0, Source.PERSON)
    subject.hold(at(10))
    assert all(weight > 0.0 for _, _, weight in spy.lessons)
    # 21 °C was replaced "before" it was chosen (time went back): it stays a twentieth.
    assert spy.weight == pytest.approx(2.0 + PROVISIONAL_SHARE + HOLD_WEIGHT_PER_HOUR)


def test_a_long_unwatched_gap_is_not_credited() -> None:
    """After hours without a look (Home Assistant was down) that time teaches nothing."""
    subject, spy = learner()
    subject.observe(at(7), 21.0, Source.PERSON)
    subject.hold(at(12))  # seen kept: the choice is confirmed, the five hours not
    assert spy.weight == pytest.approx(1.0)
    assert subject.hold(at(13))
    assert spy.weight == pytest.approx(1.0 + HOLD_WEIGHT_PER_HOUR)


def test_hold_across_midnight_uses_the_calendar_for_yesterday() -> None:
    """A workday flag for Saturday does not relabel Friday's last half hour."""
    subject, spy = learner()
    subject.observe(at(23, 30, day=4), 17.0, Source.DEVICE)
    subject.hold(at(0, 30, day=5, workday=True))
    friday, saturday = spy.lessons[1], spy.lessons[2]
    assert friday[0].weekday() == 4
    assert saturday[0].weekday() == 5
    assert spy.predict(at(23, 45, day=4)) is not None


def test_hold_is_credited_in_real_time_across_dst() -> None:
    """The night the clocks go back, 02:00-03:00 is held twice as long."""
    subject, spy = learner()
    night = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    subject.observe(Conditions(when=night), 17.0, Source.DEVICE)
    for hours in range(1, 4):
        subject.hold(Conditions(when=advance(night, timedelta(hours=hours))))
    assert advance(night, timedelta(hours=3)).hour == 3
    assert spy.weight == pytest.approx(1.0 + 3 * HOLD_WEIGHT_PER_HOUR)
    assert all(weight > 0 for _, _, weight in spy.lessons)


def test_non_finite_setpoints_are_refused() -> None:
    """The shell must clean values first; NaN raises ValueError."""
    subject, _ = learner()
    with pytest.raises(ValueError, match="finite"):
        subject.observe(at(7), float("nan"), Source.PERSON)


def test_round_trip_keeps_the_model_and_what_is_held() -> None:
    """A restored learner goes on crediting the held value as the original would."""
    subject = SetpointLearner()
    subject.observe(at(7), 21.0, Source.PERSON)
    subject.hold(at(8, 10))
    data = json.loads(json.dumps(subject.to_dict()))
    restored = SetpointLearner.from_dict(data)
    assert restored.to_dict() == subject.to_dict()
    assert restored.since == at(7).when
    for copy in (subject, restored):
        copy.hold(at(9, 40))
        copy.observe(at(10), 22.0, Source.PERSON)
    assert restored.to_dict() == subject.to_dict()
    assert restored.model.predict(at(9)) == subject.model.predict(at(9))


def test_round_trip_of_a_fresh_learner() -> None:
    """A learner that saw nothing restores as one that saw nothing."""
    restored = SetpointLearner.from_dict(SetpointLearner().to_dict())
    assert restored.held_c is None
    assert restored.source is None
    assert restored.since is None


@pytest.mark.parametrize(
    "change",
    [
        {"version": 0},
        {"source": "robot"},
        {"held_c": "warm"},
        {"since": 12},
        {"since": "2026-01-05T07:00:00"},
        {"credited_until": "yesterday"},
        {"paused": "no"},
        {"model": None},
    ],
)
def test_from_dict_refuses_malformed_state(change: dict[str, Any]) -> None:
    """Malformed state raises ValueError, KeyError or TypeError."""
    subject = SetpointLearner()
    subject.observe(at(7), 21.0, Source.PERSON)
    with pytest.raises((ValueError, KeyError, TypeError)):
        SetpointLearner.from_dict(subject.to_dict() | change)


def test_times_are_kept_in_utc() -> None:
    """Saved times carry their zone; they compare correctly whatever it is."""
    subject = SetpointLearner()
    subject.observe(at(7), 21.0, Source.PERSON)
    since = subject.to_dict()["since"]
    assert datetime.fromisoformat(since) == at(7).when
    assert datetime.fromisoformat(since).tzinfo == UTC


def test_a_choice_turned_off_within_minutes_stays_provisional() -> None:
    """24 °C, then off two minutes later: being off is not keeping it."""
    subject, spy = learner()
    subject.observe(at(18), 24.0, Source.PERSON)
    subject.pause(at(18, 2))
    subject.hold(at(18, 30))  # the tick runs on while the thermostat is off
    kept_two_minutes = HOLD_WEIGHT_PER_HOUR * 2 / 60
    assert spy.lessons == [
        (at(18).when, 24.0, PROVISIONAL_SHARE),
        (at(18).when, 24.0, pytest.approx(kept_two_minutes)),
    ]


def test_a_choice_awaiting_confirmation_survives_a_restart() -> None:
    """Saved two minutes after a choice and restored, it is confirmed once kept.

    The rest of its weight goes to the conditions it was made under.
    """
    learner = SetpointLearner()
    learner.observe(at(7), 18.0, Source.PERSON)
    learner.hold(at(7, 30))
    learner.observe(at(7, 40, outdoor_c=3.0, workday=False), 21.0, Source.PERSON)
    data = json.loads(json.dumps(learner.to_dict()))
    assert data["unconfirmed"] == {
        "at": at(7, 40).when.isoformat(),
        "setpoint_c": 21.0,
        "before_c": 18.0,  # the schedule at 07:30 when the choice was made
        "workday": False,
        "outdoor_c": 3.0,
        "minutes_since_motion": None,
        "activity": None,
    }
    restored = SetpointLearner.from_dict(data)
    weight = restored.model.to_dict()["weight"]
    restored.hold(at(7, 55))
    assert restored.model.to_dict()["weight"] == pytest.approx(
        weight + 1.0 - PROVISIONAL_SHARE
    )
    assert restored.to_dict()["unconfirmed"] is None


@pytest.mark.parametrize(
    "unconfirmed",
    [
        "yes",
        {
            "at": "2026-01-05T07:40:00",
            "setpoint_c": 21.0,
            "workday": None,
            "outdoor_c": None,
            "minutes_since_motion": None,
            "activity": None,
        },
        {
            "at": 5,
            "setpoint_c": 21.0,
            "workday": None,
            "outdoor_c": None,
            "minutes_since_motion": None,
            "activity": None,
        },
        {
            "at": "2026-01-05T07:40:00+01:00",
            "setpoint_c": 21.0,
            "workday": "no",
            "outdoor_c": None,
            "minutes_since_motion": None,
            "activity": None,
        },
        {
            "at": "2026-01-05T07:40:00+01:00",
            "setpoint_c": "warm",
            "workday": None,
            "outdoor_c": None,
            "minutes_since_motion": None,
            "activity": None,
        },
    ],
)
def test_a_malformed_choice_awaiting_confirmation_is_refused(unconfirmed: Any) -> None:
    """Not an object, a time without a zone or of another type, bad values: raise."""
    data = SetpointLearner().to_dict()
    data["unconfirmed"] = unconfirmed
    with pytest.raises((TypeError, ValueError)):
        SetpointLearner.from_dict(data)


def test_a_learner_saved_before_choices_awaited_confirmation_loads() -> None:
    """No "unconfirmed" key: nothing awaits confirmation."""
    data = SetpointLearner().to_dict()
    del data["unconfirmed"]
    assert SetpointLearner.from_dict(data).to_dict()["unconfirmed"] is None


def test_a_confirmation_is_measured_against_the_schedule_before_the_choice() -> None:
    """Kept 10 minutes, the rest of a choice counts its real error, 3 °C, not 0.

    The schedule already holds the choice by then; measured against it the error
    would read as none and confidence would rise on a surprise.
    """
    learner = SetpointLearner()
    learner.observe(at(7), 18.0, Source.PERSON)
    learner.hold(at(7, 0, day=1))
    learner.hold(at(7, 40, day=1))
    before = learner.model.mean_abs_error_c
    assert before is not None
    assert before < 0.1
    learner.observe(at(7, 40, day=1), 21.0, Source.PERSON)
    learner.hold(at(7, 55, day=1))
    after = learner.model.mean_abs_error_c
    assert after is not None
    # About 2 % of the way from the old error to 3 °C: the confirmation's weight.
    assert after == pytest.approx(before + 0.019 * (3.0 - before), abs=0.01)
