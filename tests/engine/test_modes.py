"""Tests for the home's mode (normal, away, guests) and a zone's sensitivity."""

from __future__ import annotations

from datetime import datetime, timedelta
import random

from household import BERLIN
import pytest
from test_anomaly import busy_mornings, moment
from test_pipeline import _lookup, _pipeline

from custom_components.cadence.engine import (
    AWAY,
    GUESTS,
    NORMAL,
    ActivityWatch,
    Conditions,
    LevelFeed,
    Pipeline,
    Reading,
    Source,
    Verdict,
)

STEP = timedelta(minutes=5)


@pytest.mark.parametrize(
    ("score", "raised_after"),
    [
        (0.97, {1: 9, 2: 6, 3: 3, 4: 2, 5: 1}),
        (0.85, {3: 3, 4: 2, 5: 1}),
        (0.65, {5: 1}),
        (0.55, {}),
    ],
)
def test_sensitivity_sets_the_score_and_the_time_that_raise_a_flag(
    score: float, raised_after: dict[int, int]
) -> None:
    """A score held long enough raises the flag at the sensitivities it reaches.

    Five-minute steps: 45 minutes at 1, 15 at 3 and 5 at 5.
    """
    raised = {}
    for level in range(1, 6):
        verdict = Verdict()
        for step in range(1, 13):
            if verdict.update(score, STEP, level):
                raised[level] = step
                break
    assert raised == raised_after


def _learned(pipeline: Pipeline) -> dict[str, int]:
    """Return how many samples each habit of the test zone learned."""
    occupancy = pipeline.channel("occupancy", "zone.living")
    light = pipeline.channel("lights", "light.l")
    level = pipeline.channel("levels", "sensor.p")
    thermostat = pipeline.channel("thermostats", "climate.t")
    return {
        "occupancy": occupancy.feed.model.samples,  # type: ignore[union-attr]
        "light": light.feed.model.samples,  # type: ignore[union-attr]
        "level": level.feed.model.samples,  # type: ignore[union-attr]
        "setpoint": thermostat.learners["temperature"].model.samples,  # type: ignore[union-attr]
    }


def _day(pipeline: Pipeline, start: datetime, setpoint: float) -> None:
    """Live one day of evenings busy; a person sets the thermostat at 07:00."""
    states: dict[str, Reading] = {}
    when = start
    for _ in range(288):
        busy = 18 <= when.hour < 22
        new = {
            "binary_sensor.m": Reading("on" if busy else "off", {}),
            "light.l": Reading("on" if busy else "off", {}),
            "sensor.p": Reading("900" if busy else "60", {"unit_of_measurement": "W"}),
            "climate.t": Reading(
                "heat",
                {
                    "temperature": setpoint if when.hour >= 7 else 17.0,
                    "current_temperature": 20.0,
                    "supported_features": 1,
                },
            ),
        }
        for entity_id, reading in new.items():
            old = states.get(entity_id)
            if old != reading:
                states[entity_id] = reading
                pipeline.on_state(
                    entity_id, when, reading, old, Source.PERSON, _lookup(states, when)
                )
        pipeline.on_tick(when, _lookup(states, when))
        when += STEP


@pytest.mark.parametrize("mode", [AWAY, GUESTS])
def test_no_habit_is_learned_away_or_with_guests(mode: str) -> None:
    """Occupancy, lights, levels and setpoints learn in normal mode only."""
    pipeline = _pipeline()
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    for day in range(3):
        _day(pipeline, start + timedelta(days=day), 21.0)
    pipeline.set_mode(mode)
    # The setpoint kept until the change of mode is still credited, once.
    pipeline.on_tick(start + timedelta(days=3), lambda entity_id: None)
    before = _learned(pipeline)
    assert all(before.values())
    _day(pipeline, start + timedelta(days=3), 24.0)
    assert _learned(pipeline) == before
    pipeline.set_mode(NORMAL)
    _day(pipeline, start + timedelta(days=4), 21.0)
    after = _learned(pipeline)
    assert all(after[key] > before[key] for key in before)


def test_modes_and_sensitivities_outside_the_lists_are_refused() -> None:
    """Only the three modes and levels 1 to 5 are accepted."""
    pipeline = _pipeline()
    with pytest.raises(ValueError, match="home mode"):
        pipeline.set_mode("party")
    with pytest.raises(ValueError, match="1 to 5"):
        pipeline.set_sensitivity("zone.living", 0)
    pipeline.set_sensitivity("zone.living", 5)
    x = pipeline.conditions(
        pipeline.zones["zone.living"], moment(0), lambda entity_id: None
    )
    assert (x.mode, x.sensitivity) == (NORMAL, 5)


def _visit(watch: ActivityWatch, start: int, ticks: int, mode: str) -> bool:
    """Move in the zone for some ticks from tick `start`; return if flagged then.

    The watch is first kept ticking, quiet, from the end of `busy_mornings(22)`.
    """
    for i in range(min(start, 22 * 288), start):
        watch.tick(Conditions(when=moment(i), mode=mode))
    for i in range(start, start + ticks):
        when = moment(i)
        watch.update(when, "on")
        watch.update(when + timedelta(minutes=1), "off")
        watch.tick(Conditions(when=when, mode=mode))
    return watch.unusual_activity


def test_away_any_motion_is_unusual_and_quiet_is_not() -> None:
    """Away, motion at a usually busy hour flags within the hour; a silent day not."""
    watch, _ = busy_mornings(22)
    morning = 22 * 288 + 9 * 12  # 09:00, a busy hour
    assert not _visit(watch, morning, 3, AWAY)  # 15 minutes
    watch, _ = busy_mornings(22)
    assert _visit(watch, morning, 12, AWAY)
    quiet, _ = busy_mornings(22)
    habit = quiet.to_dict()["yes"]
    for i in range(22 * 288, 23 * 288):
        quiet.tick(Conditions(when=moment(i), mode=AWAY))
    assert not quiet.anomaly
    assert quiet.to_dict()["yes"] == habit  # a day away teaches nothing
    # A new home knows nothing yet, and still flags motion while away.
    fresh = ActivityWatch()
    assert not _visit(fresh, 0, 3, AWAY)
    assert _visit(ActivityWatch(), 0, 12, AWAY)


def test_guests_widen_what_is_usual() -> None:
    """Two hours of motion at 02:00 flag as usual, but not with guests."""
    night = 22 * 288 + 2 * 12
    usual, _ = busy_mornings(22)
    assert _visit(usual, night, 24, NORMAL)
    guests, _ = busy_mornings(22)
    assert not _visit(guests, night, 24, GUESTS)
    assert guests.present_score < 0.5


def _fridge(days: int) -> LevelFeed:
    """Return a feed that learned a sensor around 100 W for some days."""
    rng = random.Random(5)
    feed = LevelFeed(counter=False)
    for i in range(days * 288):
        when = moment(i)
        feed.update(when, f"{100 + rng.gauss(0, 5):.1f}")
        feed.tick(Conditions(when=when))
    return feed


@pytest.mark.parametrize(
    ("mode", "watts", "flagged"),
    [
        (NORMAL, 0.0, "low"),
        (AWAY, 0.0, None),
        (AWAY, 400.0, "high"),
        (GUESTS, 400.0, "high"),
    ],
)
def test_away_a_level_below_usual_is_expected(
    mode: str, watts: float, flagged: str | None
) -> None:
    """Away, only more than usual is unusual; no mode learns the odd level."""
    feed = _fridge(14)
    samples = feed.model.samples
    start = 14 * 288
    for i in range(start, start + 12 * 12):
        when = moment(i)
        feed.update(when, f"{watts + (i % 2):.1f}")  # moving: not a stuck sensor
        feed.tick(Conditions(when=when, mode=mode))
    assert feed.reason == flagged
    if mode != NORMAL:
        assert feed.model.samples == samples


def test_surprise_gathered_away_is_dropped_back_home() -> None:
    """Back to normal, the flag raised away clears within the hour though people move.

    The mode the surprise was gathered in is kept over a restart; watches stored
    before modes existed gathered theirs in normal mode.
    """
    watch, _ = busy_mornings(22)
    morning = 22 * 288 + 9 * 12
    assert _visit(watch, morning, 12, AWAY)
    stored = watch.to_dict()
    assert stored["mode"] == AWAY
    watch = ActivityWatch.from_dict(stored)
    assert not _visit(watch, morning + 12, 12, NORMAL)
    del stored["mode"]
    assert ActivityWatch.from_dict(stored).to_dict()["mode"] == NORMAL
    with pytest.raises(ValueError, match="home mode"):
        ActivityWatch.from_dict({**stored, "mode": "party"})
