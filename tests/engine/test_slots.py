"""Tests of SlotMedians: one vote per day and slot, and the median of the votes."""

from __future__ import annotations

from datetime import datetime, timedelta

from household import BERLIN
import pytest

from custom_components.cadence.engine.models.slots import BY_KIND, SlotMedians

MONDAY = datetime(2026, 1, 5, 8, tzinfo=BERLIN)


def test_a_glimpse_of_a_slot_does_not_vote() -> None:
    """A setpoint seen for a moment in a slot does not outvote days of evidence."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 21.0, 1.0)
    slots.learn(MONDAY + timedelta(days=1), True, 25.0, 0.01)
    assert slots.value(1, 16, True) == (21.0, 1 / 14)  # one day of two weeks
    slots.learn(MONDAY + timedelta(days=2), True, 21.0, 1.0)
    assert slots.value(2, 16, True) == (21.0, 2 / 14)


def test_the_first_glimpse_is_better_than_nothing() -> None:
    """With nothing else known, even a glimpse predicts."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 25.0, 0.01)
    assert slots.value(0, 16, True) == (25.0, 1 / 14)


def test_a_day_votes_for_the_setpoint_kept_longest() -> None:
    """Within a day the setpoint kept longest is the vote, not a mean of both.

    A choice alone, before any time kept, votes by itself.
    """
    slots = SlotMedians()
    slots.learn(MONDAY, True, 17.0, 1.0, kept_h=0.0)
    assert slots.value(0, 16, True) == (17.0, 1 / 14)
    slots.learn(MONDAY, True, 17.0, 0.05, kept_h=0.2)
    slots.learn(MONDAY + timedelta(minutes=10), True, 21.0, 1.0, kept_h=0.0)
    assert slots.value(0, 16, True) == (17.0, 1 / 14)  # 21 °C kept no time yet
    slots.learn(MONDAY + timedelta(minutes=10), True, 21.0, 0.1, kept_h=0.3)
    assert slots.value(0, 16, True) == (21.0, 1 / 14)


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
    slots = SlotMedians(BY_KIND)
    for day in range(14):
        when = MONDAY + timedelta(days=day)
        slots.learn(when, when.weekday() < 5, 21.0 if day < 7 else 19.0, 1.0)
    slots.learn(MONDAY + timedelta(days=14), True, 19.0, 1.0)
    # Five days at 21 and five at 19 plus today's 19: 19 has the majority.
    assert slots.value(0, 16, True) == (19.0, 1.0)
    assert slots.value(5, 16, False) == (20.0, 4 / 6)


def _fortnight(
    slots: SlotMedians, weekend_c: float, days: int = 15, first: int = 0
) -> None:
    """Teach 08:00 of days first to days - 1: 21 °C on workdays, else `weekend_c`."""
    for day in range(first, days):
        when = MONDAY + timedelta(days=day)
        workday = when.weekday() < 5
        slots.learn(when, workday, 21.0 if workday else weekend_c, 1.0)


def test_a_home_with_one_schedule_every_day_pools_all_days() -> None:
    """Both ways predict alike: the schedule keeps pooling, with both errors kept."""
    slots = SlotMedians()
    _fortnight(slots, weekend_c=21.0)
    assert slots.days == "all_days"
    assert slots.day_errors == {"by_kind_of_day": 0.0, "all_days": 0.0}
    assert slots.value(5, 16, False) == (21.0, 14 / 14)


def test_a_home_whose_weekends_differ_splits_its_days_by_kind() -> None:
    """The first Sunday's close shows the split predicting it better: it switches.

    Before that, pooled, a Saturday takes the workdays' majority.
    """
    slots = SlotMedians()
    _fortnight(slots, weekend_c=17.0, days=6)  # Monday to Saturday
    assert slots.days == "all_days"
    assert slots.value(5, 16, False) == (21.0, 6 / 14)
    _fortnight(slots, weekend_c=17.0, days=8, first=6)  # Sunday closes on Monday
    assert slots.days == "by_kind_of_day"
    errors = slots.day_errors
    assert errors is not None
    assert errors["by_kind_of_day"] < 0.95 * errors["all_days"]
    assert slots.value(5, 16, False) == (17.0, 2 / 6)
    assert slots.value(0, 16, True) == (21.0, 0.6)  # five days and today's


def test_a_small_edge_does_not_switch_back_and_forth() -> None:
    """The other way must be 5 % better: a home in by-kind stays there on a tie."""
    slots = SlotMedians(BY_KIND)
    _fortnight(slots, weekend_c=21.0)
    assert slots.days == "by_kind_of_day"


def test_how_days_are_counted_survives_a_restart() -> None:
    """to_dict keeps the way and both errors; from_dict gives the same answers."""
    slots = SlotMedians()
    _fortnight(slots, weekend_c=17.0)
    data = slots.to_dict()
    assert data["days"] == "by_kind_of_day"
    restored = SlotMedians.from_dict(data)
    assert restored.days == "by_kind_of_day"
    assert restored.day_errors == slots.day_errors
    assert restored.value(6, 16, False) == slots.value(6, 16, False)


def test_a_schedule_saved_before_days_were_counted_two_ways_splits_them() -> None:
    """State without `days` was learned by kind of day: it goes on that way."""
    slots = SlotMedians()
    _fortnight(slots, weekend_c=17.0)
    data = slots.to_dict()
    del data["days"], data["day_errors"]
    restored = SlotMedians.from_dict(data)
    assert restored.days == "by_kind_of_day"
    assert restored.day_errors is None


@pytest.mark.parametrize(
    ("key", "value"),
    [("days", "weekly"), ("days", 1), ("day_errors", [0.1]), ("day_errors", 0.1)],
)
def test_a_bad_way_of_counting_days_is_refused(key: str, value: object) -> None:
    """An unknown way, or errors that are not one number per way, raise."""
    data = SlotMedians().to_dict()
    data[key] = value
    with pytest.raises((ValueError, TypeError)):
        SlotMedians.from_dict(data)


def test_pooled_spread_is_that_of_all_days() -> None:
    """Pooling, a slot's spread counts the weekend days' distance too."""
    slots = SlotMedians()
    for day in range(7):
        when = MONDAY + timedelta(days=day)
        slots.learn(when, when.weekday() < 5, 21.0 if day < 6 else 14.0, 1.0)
    assert slots.days == "all_days"  # Sunday is still today: not scored yet
    assert slots.spread(0, 16, True) == 1.0  # 7 °C from 21 over seven days


def test_pooling_an_empty_slot_borrows_the_pooled_neighbour() -> None:
    """All days alike, an unseen slot takes the pooled value of the one before it.

    Two workdays at 20 °C (today, Monday, one of them) and four other days at 23 °C
    at 08:00: pooled, 08:00 is 23 °C (the median of six), and so is 08:30 that
    nobody set, on any kind of day.
    """
    slots = SlotMedians()
    for day in range(6):
        when = MONDAY + timedelta(days=day + 2)  # Wednesday to Monday
        workday = when.weekday() < 5 and day >= 2  # Wednesday, Thursday off
        slots.learn(when, workday, 20.0 if workday else 23.0, 1.0)
    assert slots.days == "all_days"
    assert slots.value(0, 16, True) == (23.0, 6 / 14)
    assert slots.value(0, 17, True) == (23.0, 0.0)
    assert slots.value(5, 17, False) == (23.0, 0.0)


def test_a_moment_too_short_to_keep_leaves_a_choice_its_say() -> None:
    """0.1 s of 18 °C rounds to no time kept: the choice of 22 °C is the vote."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 18.0, 0.00001, kept_h=0.1 / 3600)
    slots.learn(MONDAY, True, 22.0, 1.0, kept_h=0.0)
    assert slots.value(0, 16, True) == (22.0, 1 / 14)


def test_no_weight_teaches_nothing() -> None:
    """A lesson of weight 0 leaves nothing behind, today or tomorrow."""
    slots = SlotMedians()
    slots.learn(MONDAY, True, 25.0, 0.0, kept_h=0.4)
    slots.learn(MONDAY, True, 25.0, 0.0, kept_h=0.0)
    assert slots.to_dict()["today"] == []
    assert slots.value(0, 16, True) is None


def test_errors_both_near_zero_do_not_switch() -> None:
    """0.014 °C against 0: all better as a share, but under the 0.02 °C margin."""
    data = SlotMedians().to_dict()
    data["day_errors"] = [0.0, 0.015]  # by kind, all days: pooled is behind
    slots = SlotMedians.from_dict({**data, "days": "all_days"})
    _fortnight(slots, weekend_c=21.0, days=3)  # a day scored: both exact
    errors = slots.day_errors
    assert errors is not None
    assert errors["all_days"] == pytest.approx(0.015 * 13 / 14, abs=1e-4)
    assert slots.days == "all_days"
