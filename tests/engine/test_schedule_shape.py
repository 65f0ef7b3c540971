"""Tests for the readable week: setpoint changes and likely stretches."""

from __future__ import annotations

from custom_components.cadence import schedule


def test_changes_merge_slots_within_a_step() -> None:
    """A wavering value is one setpoint; a whole step starts a change."""
    day = [17.0] * 14 + [20.4, 20.6, 20.45] + [20.5] * 27 + [17.2] * 4
    assert schedule.changes(day, 0.5) == [
        {"start": "00:00", "setpoint": 17.0},
        {"start": "07:00", "setpoint": 20.5},
        {"start": "22:00", "setpoint": 17.0},
    ]


def test_blocks_are_the_likely_stretches() -> None:
    """Blocks cover the slots at 50 % or more, with their mean and brightness."""
    day = [10.0] * 14 + [60.0, 80.0] + [5.0] * 30 + [90.0, 70.0]
    light = [None] * 14 + [40.0, None] + [None] * 30 + [20.0, 30.0]
    assert schedule.blocks(day, light) == [
        {"start": "07:00", "end": "08:00", "probability": 70.0, "brightness": 40.0},
        {"start": "23:00", "end": "24:00", "probability": 80.0, "brightness": 25.0},
    ]
    assert schedule.blocks(day, [None] * 48)[0] == {
        "start": "07:00",
        "end": "08:00",
        "probability": 70.0,
    }
    assert schedule.blocks([0.0] * 48) == []


def test_one_step_of_a_tenth_is_a_change() -> None:
    """20.2 - 20.1 is a whole 0.1 step, whatever floats make of it."""
    assert schedule.changes([20.1] * 10 + [20.2] * 38, 0.1) == [
        {"start": "00:00", "setpoint": 20.1},
        {"start": "05:00", "setpoint": 20.2},
    ]
