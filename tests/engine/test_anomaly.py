"""Tests of Verdict (hysteresis, hold, cooldown) and ActivityWatch (zone motion)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import random

from household import BERLIN
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.anomaly import ActivityWatch, Verdict

START = datetime(2026, 1, 5, tzinfo=BERLIN)  # a Monday
STEP = timedelta(minutes=5)


def moment(i: int) -> datetime:
    """Return the i-th 5-minute tick after START, on Berlin's clock."""
    return (START.astimezone(UTC) + i * STEP).astimezone(BERLIN)


def test_verdict_needs_a_held_high_score_and_a_held_low_one() -> None:
    """One high sample never flags; a dip between the thresholds keeps the flag."""
    verdict = Verdict()
    assert not verdict.update(0.99, STEP)
    assert not verdict.update(0.1, STEP)
    for _ in range(2):
        assert not verdict.update(0.9, STEP)
    assert verdict.update(0.9, STEP)  # 15 minutes held
    for _ in range(20):
        assert verdict.update(0.6, STEP)  # between OFF and ON: kept
    for _ in range(5):
        assert verdict.update(0.2, STEP)
    assert not verdict.update(0.2, STEP)  # 30 minutes low
    assert Verdict.from_list(json.loads(json.dumps(verdict.to_list()))).to_list() == (
        verdict.to_list()
    )


def test_a_cleared_flag_cools_down_for_an_hour_before_it_can_rise_again() -> None:
    """After clearing, an hour of high scores raises nothing; then 15 minutes do."""
    verdict = Verdict()
    for _ in range(3):
        verdict.update(0.9, STEP)
    assert verdict.flag
    for _ in range(6):
        verdict.update(0.1, STEP)
    assert not verdict.flag  # cleared after 30 minutes low
    cooling = [verdict.update(0.99, STEP) for _ in range(12)]
    assert not any(cooling)  # the hour of cooldown
    restored = Verdict.from_list(json.loads(json.dumps(verdict.to_list())))
    for one in (verdict, restored):
        assert [one.update(0.99, STEP) for _ in range(3)] == [False, False, True]


def busy_mornings(
    days: int, skip_day: int | None = None, night_owl: int | None = None
) -> tuple[ActivityWatch, list[datetime]]:
    """Run a watch over a zone busy 07:00-12:00 and 17:00-22:00; return flagged ticks.

    On `skip_day` nobody moves before noon; on `night_owl` someone moves 02:00-04:00.
    """
    rng = random.Random(3)
    watch = ActivityWatch()
    flagged = []
    for i in range(days * 288):
        when = moment(i)
        day = i // 288
        busy = 7 <= when.hour < 12 or 17 <= when.hour < 22
        if day == skip_day and when.hour < 12:
            busy = False
        if day == night_owl and 2 <= when.hour < 4:
            busy = True
        if busy and rng.random() < 0.8:
            watch.update(when, "on")
            watch.update(when + timedelta(minutes=1), "off")
        assert watch.tick(Conditions(when=when))
        if watch.anomaly:
            flagged.append(when)
    return watch, flagged


def test_usual_days_raise_no_activity_flag() -> None:
    """Five weeks of the usual rhythm never alarm."""
    _, flagged = busy_mornings(35)
    assert flagged == []


def test_no_motion_all_morning_is_flagged_before_noon() -> None:
    """Usually up by seven; unseen at eleven is flagged, until motion is seen again."""
    _, flagged = busy_mornings(24, skip_day=22)
    day = (START + timedelta(days=22)).replace(hour=7)
    assert flagged
    assert day + timedelta(hours=1) <= flagged[0] <= day + timedelta(hours=4)
    assert flagged[-1] <= day.replace(hour=18)


def test_motion_in_the_small_hours_is_flagged() -> None:
    """Two hours of movement at 02:00, when the zone is always quiet, alarm."""
    _, flagged = busy_mornings(24, night_owl=22)
    night = (START + timedelta(days=22)).replace(hour=2)
    assert flagged
    assert night <= flagged[0] <= night + timedelta(hours=2)


def test_the_watch_says_nothing_during_its_first_week() -> None:
    """Without habit, a silent zone is not an anomaly."""
    watch = ActivityWatch()
    for i in range(5 * 288):
        watch.tick(Conditions(when=moment(i)))
    assert watch.anomaly_score == 0.0
    assert not watch.anomaly


def test_states_other_than_on_and_off_are_skipped_and_counted() -> None:
    """unknown, unavailable and anything else are counted and taught nothing."""
    watch = ActivityWatch()
    for state in ("unknown", "unavailable", "detected", "unknown"):
        watch.update(START, state)
    assert watch.skipped == {"unknown": 2, "unavailable": 1, "other": 1}


def test_json_round_trip_is_exact() -> None:
    """A restored watch saves the same state and goes on exactly alike."""
    watch, _ = busy_mornings(9)
    watch.update(moment(9 * 288), "unknown")
    text = json.dumps(watch.to_dict(), separators=(",", ":"))
    assert len(text) <= 4096
    restored = ActivityWatch.from_dict(json.loads(text))
    assert restored.to_dict() == watch.to_dict()
    for i in range(9 * 288, 10 * 288):
        for one in (watch, restored):
            one.update(moment(i), "on" if i % 7 == 0 else "off")
            one.tick(Conditions(when=moment(i)))
    assert restored.to_dict() == watch.to_dict()
    fresh = ActivityWatch()
    assert ActivityWatch.from_dict(fresh.to_dict()).to_dict() == fresh.to_dict()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"version": 0}, ValueError),
        ({"yes": [0.0] * 47}, ValueError),
        ({"yes": [2.0] * 48, "seen": [1.0] * 48}, ValueError),
        ({"moved": [True, 1, False]}, TypeError),
        ({"hour": [1, 48]}, ValueError),
        ({"skipped": {"unknown": -1}}, ValueError),
    ],
)
def test_malformed_state_is_refused(
    change: dict[str, object], error: type[Exception]
) -> None:
    """Edited or foreign state raises instead of restoring nonsense."""
    with pytest.raises(error):
        ActivityWatch.from_dict({**ActivityWatch().to_dict(), **change})


@settings(max_examples=40, deadline=None)
@given(
    states=st.lists(
        st.tuples(st.integers(0, 300), st.sampled_from(["on", "off", "unknown"])),
        max_size=60,
    )
)
def test_the_score_stays_in_the_unit_interval(states: list[tuple[int, str]]) -> None:
    """Any sequence of motion states gives scores in [0, 1]."""
    watch = ActivityWatch()
    i = 0
    for gap, state in states:
        i += gap
        watch.update(moment(i), state)
        watch.tick(Conditions(when=moment(i)))
        assert 0.0 <= watch.anomaly_score <= 1.0


def test_motion_in_the_small_hours_is_also_unusual_activity_with_its_time() -> None:
    """Moving from midnight raises the visit verdict with its time; a late morning not."""
    late, _ = busy_mornings(23, skip_day=22)
    assert not late.unusual_activity
    assert late.present_score < 0.5
    owl, _ = busy_mornings(22)
    midnight = moment(22 * 288)
    for i in range(22 * 288, 22 * 288 + 4 * 12):
        when = moment(i)
        owl.update(when, "on")
        owl.update(when + timedelta(minutes=1), "off")
        owl.tick(Conditions(when=when))
    assert owl.unusual_activity
    assert owl.present_since is not None
    assert (
        midnight + timedelta(hours=1)
        <= owl.present_since
        <= midnight + timedelta(hours=2)
    )
    restored = ActivityWatch.from_dict(json.loads(json.dumps(owl.to_dict())))
    assert restored.unusual_activity
    assert restored.present_since == owl.present_since
    for i in range(22 * 288 + 4 * 12, 22 * 288 + 10 * 12):  # quiet until 10:00
        owl.tick(Conditions(when=moment(i)))
    assert not owl.unusual_activity
    assert owl.present_since is None


def test_a_watch_saved_before_visits_had_their_verdict_restores_unflagged() -> None:
    """A stored watch without "visit" (the previous release) reads as not flagged."""
    watch, _ = busy_mornings(8)
    data = watch.to_dict()
    del data["visit"]
    restored = ActivityWatch.from_dict(data)
    assert not restored.unusual_activity
    assert restored.present_since is None
    with pytest.raises(ValueError, match="items"):
        ActivityWatch.from_dict({**watch.to_dict(), "visit": [0.0, [False, 0.0]]})
