"""Tests of Conditions, slots and the feature vector, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.cadence.engine import (
    Conditions,
    SetpointLearner,
    SetpointModel,
    Source,
    encode,
    encode_context,
    slot_of,
)
from custom_components.cadence.engine.features import (
    N_CONTEXT,
    N_FEATURES,
    advance,
    slot_start,
)

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = datetime(2026, 3, 29, tzinfo=BERLIN)  # 02:00 -> 03:00
AUTUMN = datetime(2026, 10, 25, tzinfo=BERLIN)  # 03:00 -> 02:00


@pytest.mark.parametrize("switch", [SPRING, AUTUMN])
def test_seven_oclock_is_the_same_slot_either_side_of_dst(switch: datetime) -> None:
    """07:00 local is slot 14 the day before and the day after a DST change."""
    before = (switch - timedelta(days=1)).replace(hour=7)
    after = (switch + timedelta(days=1)).replace(hour=7)
    assert before.utcoffset() != after.utcoffset()
    assert slot_of(before)[1] == slot_of(after)[1] == 14
    assert slot_of(after)[0] == (slot_of(before)[0] + 2) % 7


def test_slot_of_reads_the_wall_clock() -> None:
    """Weekday and slot come from local time, not UTC."""
    when = datetime(2026, 1, 5, 0, 15, tzinfo=BERLIN)  # Sunday 23:15 in UTC
    assert slot_of(when) == (0, 0)
    assert slot_of(when.astimezone(UTC)) == (6, 46)
    assert slot_of(datetime(2026, 1, 11, 23, 59, tzinfo=BERLIN)) == (6, 47)


def test_naive_times_are_refused() -> None:
    """A time without a zone is ambiguous and raises ValueError."""
    with pytest.raises(ValueError, match="timezone-aware"):
        slot_of(datetime(2026, 1, 5, 7, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        Conditions(when=datetime(2026, 1, 5, 7, 0))  # noqa: DTZ001


def test_advance_counts_real_time_across_dst() -> None:
    """An hour after 01:30 on the spring change is 03:30 local; slots start on :00/:30."""
    start = SPRING.replace(hour=1, minute=30)
    assert advance(start, timedelta(hours=1)) == SPRING.replace(hour=3, minute=30)
    assert advance(start, timedelta(hours=1)).hour == 3
    assert slot_start(SPRING.replace(hour=9, minute=47, second=12)) == SPRING.replace(
        hour=9, minute=30
    )


def test_encode_has_a_fixed_length_and_a_constant() -> None:
    """The vector has N_FEATURES entries, starting with 1, all finite."""
    x = Conditions(
        when=datetime(2026, 6, 1, 12, tzinfo=BERLIN),
        workday=True,
        outdoor_c=25.0,
        minutes_since_motion=5.0,
    )
    vector = encode(x)
    assert vector.shape == (N_FEATURES,)
    assert vector[0] == 1.0
    assert np.all(np.isfinite(vector))


def test_unknown_inputs_encode_as_zero_with_their_known_flag_off() -> None:
    """Unknown outdoor temperature or motion gives 0 and a 0 'known' indicator."""
    when = datetime(2026, 1, 5, 8, tzinfo=BERLIN)
    unknown = encode(Conditions(when=when))
    garbled = encode(
        Conditions(when=when, outdoor_c=float("nan"), minutes_since_motion=float("nan"))
    )
    known = encode(Conditions(when=when, outdoor_c=10.0, minutes_since_motion=0.0))
    assert np.array_equal(unknown, garbled)
    assert np.array_equal(unknown[-6:-2], [0.0, 0.0, 0.0, 0.0])
    # known, scaled outdoor (10 °C is the centre), known, motion just now
    assert np.array_equal(known[-6:-2], [1.0, 0.0, 1.0, 1.0])


def test_extreme_inputs_stay_bounded() -> None:
    """A freak outdoor reading or negative motion age cannot blow up a feature."""
    when = datetime(2026, 1, 5, 8, tzinfo=BERLIN)
    vector = encode(Conditions(when=when, outdoor_c=1e6, minutes_since_motion=-5.0))
    assert np.all(np.abs(vector) <= 4.0)
    assert encode_context(Conditions(when=when, outdoor_c=-1e6))[1] == -4.0


def test_workday_follows_the_calendar_unless_told() -> None:
    """Without a workday sensor Monday-Friday are workdays; a sensor overrides."""
    monday = datetime(2026, 1, 5, 8, tzinfo=BERLIN)
    saturday = monday + timedelta(days=5)
    assert Conditions(when=monday).is_workday
    assert not Conditions(when=saturday).is_workday
    assert not Conditions(when=monday, workday=False).is_workday
    assert encode(Conditions(when=saturday, workday=True))[9] == 1.0


@pytest.mark.parametrize("switch", [SPRING, AUTUMN])
def test_time_features_follow_the_wall_clock_across_dst(switch: datetime) -> None:
    """07:00 before and after a DST change encode the same time of day."""
    before = encode(Conditions(when=(switch - timedelta(days=7)).replace(hour=7)))
    after = encode(Conditions(when=(switch + timedelta(days=7)).replace(hour=7)))
    assert np.allclose(before[1:9], after[1:9])


def test_context_is_constant_one_outdoor_and_motion() -> None:
    """The context vector has a constant, scaled outdoor and fading motion."""
    when = datetime(2026, 1, 5, 8, tzinfo=BERLIN)
    context = encode_context(
        Conditions(when=when, outdoor_c=0.0, minutes_since_motion=30.0)
    )
    assert len(context) == N_CONTEXT
    assert list(context) == pytest.approx([1.0, -1.0, np.exp(-1.0)])


@pytest.mark.parametrize("switch", [SPRING, AUTUMN])
def test_setpoint_follows_the_wall_clock_schedule_after_dst(switch: datetime) -> None:
    """Trained on '21 °C from 07:00, 17 °C from 22:00', it predicts 21 at 07:30 after DST."""
    learner = SetpointLearner()
    when = switch - timedelta(days=21)
    end = switch + timedelta(days=2)
    while when < end:
        value = 21.0 if 7 <= when.hour < 22 else 17.0
        learner.observe(Conditions(when=when), value, Source.DEVICE)
        when = advance(when, timedelta(minutes=30))
    model: SetpointModel = learner.model
    morning = (switch + timedelta(days=3)).replace(hour=7, minute=30)
    prediction = model.predict(Conditions(when=morning))
    assert prediction is not None
    assert prediction.value_c == pytest.approx(21.0, abs=0.05)
    early = model.predict(Conditions(when=morning.replace(hour=6, minute=30)))
    assert early is not None
    assert early.value_c == pytest.approx(17.0, abs=0.05)
    change = model.next_change(Conditions(when=morning.replace(hour=5)))
    assert change is not None
    assert (change.when.hour, change.when.minute) == (7, 0)
