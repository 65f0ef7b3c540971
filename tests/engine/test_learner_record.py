"""What a setpoint learner keeps for troubleshooting: who taught last, what was ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from household import BERLIN
import pytest

from custom_components.cadence.engine import Conditions, SetpointLearner, Source, Taught

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=BERLIN)


def _at(hours: float) -> Conditions:
    """Return the conditions some hours after Monday 07:00 in Berlin."""
    return Conditions(when=MONDAY + timedelta(hours=hours))


def _lived() -> SetpointLearner:
    """A person's change, then an automation's, Cadence's and one found at start-up."""
    learner = SetpointLearner()
    learner.observe(_at(0), 21.0, Source.PERSON)
    learner.observe(_at(1), 18.0, Source.AUTOMATION)
    learner.observe(_at(1.5), 18.0, Source.AUTOMATION)  # the same again: no change
    learner.observe(_at(2), 19.0, Source.CADENCE)
    learner.observe(_at(3), 20.0, Source.AUTOMATION)
    learner.observe(_at(4), 20.5, Source.UNKNOWN)
    return learner


def test_the_last_change_that_taught_and_the_ignored_ones_are_kept() -> None:
    """Only people's changes teach; the others are counted by who made them."""
    learner = _lived()
    assert learner.last_taught == Taught(MONDAY.astimezone(UTC), 21.0, Source.PERSON)
    assert learner.ignored == {"automation": 2, "cadence": 1, "unknown": 1}

    learner.observe(_at(5), 22.0, Source.DEVICE)  # a hand on the device teaches
    assert learner.last_taught == Taught(
        (MONDAY + timedelta(hours=5)).astimezone(UTC), 22.0, Source.DEVICE
    )


def test_the_record_survives_a_restart_and_older_state_has_none() -> None:
    """Saved and read back the same; state saved before these fields reads as none."""
    learner = _lived()
    saved = json.loads(json.dumps(learner.to_dict(), allow_nan=False))
    again = SetpointLearner.from_dict(saved)
    assert again.last_taught == learner.last_taught
    assert again.ignored == learner.ignored

    older = {k: v for k, v in saved.items() if k not in ("last_taught", "ignored")}
    before = SetpointLearner.from_dict(older)
    assert before.last_taught is None
    assert before.ignored == {}


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("ignored", ["automation"], TypeError),
        ("ignored", {"somebody": 1}, ValueError),
        ("ignored", {"automation": "many"}, TypeError),
        (
            "last_taught",
            {"at": None, "setpoint_c": 20.0, "source": "person"},
            TypeError,
        ),
        (
            "last_taught",
            {"at": "2026-11-23T06:00:00+00:00", "setpoint_c": 20.0},
            KeyError,
        ),
        (
            "last_taught",
            {"at": "2026-11-23T06:00:00+00:00", "setpoint_c": 20.0, "source": "ghost"},
            ValueError,
        ),
    ],
)
def test_a_damaged_record_is_refused(key: str, value: Any, error: type) -> None:
    """Nonsense in the record is refused like any damaged state, to be relearned."""
    saved = _lived().to_dict()
    saved[key] = value
    with pytest.raises(error):
        SetpointLearner.from_dict(saved)
