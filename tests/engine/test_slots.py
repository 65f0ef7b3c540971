"""Tests of SlotMedians: one vote per day and slot, and the median of the votes."""

from __future__ import annotations

from datetime import datetime, timedelta

from household import BERLIN

from custom_components.cadence.engine.models.slots import SlotMedians

MONDAY = datetime(2026, 1, 5, 8, tzinfo=BERLIN)


def test_a_glimpse_of_a_slot_does_not_vote() -> None:
    """A setpoint seen for a moment in a slot does not outvote days of evidence."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 21.0, 1.0)
    slots.learn(MONDAY + timedelta(days=1), True, 25.0, 0.01)
    assert slots.value(1, 16, True) == (21.0, 0.1)
    slots.learn(MONDAY + timedelta(days=2), True, 21.0, 1.0)
    assert slots.value(2, 16, True) == (21.0, 0.2)


def test_the_first_glimpse_is_better_than_nothing() -> None:
    """With nothing else known, even a glimpse predicts."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 25.0, 0.01)
    assert slots.value(0, 16, True) == (25.0, 0.1)


def test_a_day_votes_with_its_weighted_mean() -> None:
    """Within a day a chosen setpoint outweighs time held at another."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 17.0, 0.05)
    slots.learn(MONDAY + timedelta(minutes=10), True, 21.0, 1.0)
    value = slots.value(0, 16, True)
    assert value is not None
    assert 20.7 < value[0] < 21.0


def test_an_empty_slot_borrows_the_setpoint_kept_from_before() -> None:
    """A slot never seen takes the nearest earlier slot's value, else the later one.

    Back past midnight only days already over count: on the first morning, today's
    08:00 is no setpoint kept from before 06:00. Then the other kind of day's.
    """
    slots = SlotMedians()
    slots.learn(MONDAY, True, 21.0, 1.0)  # 08:00
    slots.learn(MONDAY.replace(hour=9), True, 19.0, 1.0)
    assert slots.value(0, 12, True) == (21.0, 0.0)  # 06:00 today: the next, 08:00
    slots.learn(MONDAY.replace(hour=22), True, 17.0, 1.0)
    assert slots.value(0, 30, True) == (19.0, 0.0)  # 15:00
    assert slots.value(0, 12, True) == (21.0, 0.0)  # still today: 22:00 is later
    slots.learn(MONDAY + timedelta(days=1), True, 21.0, 1.0)  # Tuesday 08:00
    assert slots.value(0, 2, True) == (17.0, 0.0)  # 01:00, after last night
    assert slots.value(5, 20, False) == (
        19.0,
        0.0,
    )  # a weekend borrows 09:00 of workdays


def test_ten_workdays_and_six_weekend_days_are_remembered() -> None:
    """The ring of a workday slot keeps two weeks of workdays: the majority rules."""
    slots = SlotMedians()
    for day in range(14):
        when = MONDAY + timedelta(days=day)
        slots.learn(when, when.weekday() < 5, 21.0 if day < 7 else 19.0, 1.0)
    slots.learn(MONDAY + timedelta(days=14), True, 19.0, 1.0)
    # Five days at 21 and five at 19 plus today's 19: 19 has the majority.
    assert slots.value(0, 16, True) == (19.0, 1.0)
    assert slots.value(5, 16, False) == (20.0, 4 / 6)
