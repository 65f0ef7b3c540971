"""Tests for the thermostat channel: reported states turned into evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cadence.engine import (
    Conditions,
    Reading,
    Rejection,
    Source,
    ThermostatChannel,
    finite,
    from_celsius,
    minutes_since_motion,
    outdoor_c,
    targets_for,
    to_celsius,
    workday,
)

T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def _x(minutes: float = 0) -> Conditions:
    return Conditions(when=T0 + timedelta(minutes=minutes))


def _heat(value: object, **more: object) -> Reading:
    return Reading(
        "heat", {"temperature": value, "min_temp": 7, "max_temp": 30, **more}
    )


def test_person_change_teaches_and_a_room_reading_only_holds() -> None:
    """A changed setpoint is learned; the same setpoint with a new room reading is not."""
    feed = ThermostatChannel.new("climate.t", ["temperature"])
    model = feed.learners["temperature"].model
    assert feed.on_state(
        _x(), "climate.t", _heat(21.0), _heat(19.0), Source.PERSON
    ).learned
    result = feed.on_state(
        _x(5),
        "climate.t",
        _heat(21.0, current_temperature=20),
        _heat(21.0),
        Source.DEVICE,
    )
    assert not result.learned
    assert model.samples == 1


@pytest.mark.parametrize(
    "old", [None, Reading("unavailable", {}), Reading("unknown", {})]
)
def test_setpoint_found_rather_than_chosen_does_not_teach(old: Reading | None) -> None:
    """At start-up or on return from unavailable, nobody was seen choosing."""
    feed = ThermostatChannel.new("climate.t", ["temperature"])
    assert not feed.on_state(_x(), "climate.t", _heat(23.0), old, Source.PERSON).learned
    assert feed.learners["temperature"].held_c == 23.0


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (None, Rejection.MISSING),
        (Reading("off", {"temperature": 20}), Rejection.OFF),
        (Reading("unavailable", {}), Rejection.UNAVAILABLE),
        (Reading("unknown", {}), Rejection.UNKNOWN),
        (_heat("warm"), Rejection.NON_NUMERIC),
        (_heat(float("nan")), Rejection.NOT_FINITE),
        (_heat(31), Rejection.OUT_OF_RANGE),
        (_heat(None), Rejection.MISSING),
    ],
)
def test_states_without_a_usable_setpoint_are_skipped(
    new: Reading | None, reason: Rejection
) -> None:
    """Each kind of bad state is skipped with its reason and teaches nothing."""
    feed = ThermostatChannel.new("climate.t", ["temperature"])
    result = feed.on_state(_x(), "climate.t", new, _heat(20.0), Source.PERSON)
    assert result == type(result)(learned=False, skipped=(reason,))
    assert feed.learners["temperature"].model.samples == 0


def test_fahrenheit_setpoints_are_learned_in_celsius() -> None:
    """A °F thermostat's setpoint and range are converted before validation."""
    feed = ThermostatChannel.new("climate.t", ["temperature"], "°F")
    reading = Reading("heat", {"temperature": 68, "min_temp": 45, "max_temp": 86})
    assert feed.on_state(_x(), "climate.t", reading, _heat(19.0), Source.PERSON).learned
    assert feed.learners["temperature"].held_c == pytest.approx(20.0)


def test_range_thermostat_in_heat_cool_pauses_the_single_setpoint() -> None:
    """In heat_cool mode both ends are learned; the single setpoint has none."""
    feed = ThermostatChannel.new("climate.t", targets_for(3))
    new = Reading(
        "heat_cool",
        {"temperature": None, "target_temp_low": 19, "target_temp_high": 24},
    )
    old = Reading(
        "heat_cool",
        {"temperature": None, "target_temp_low": 18, "target_temp_high": 25},
    )
    assert feed.on_state(_x(), "climate.t", new, old, Source.PERSON).skipped == ()
    assert feed.learners["target_temp_low"].held_c == 19
    assert feed.learners["target_temp_high"].held_c == 24
    assert feed.learners["temperature"].held_c is None


def test_round_trip_keeps_learners_and_adds_new_targets() -> None:
    """A restored feed predicts as before; setpoints it never had start fresh."""
    feed = ThermostatChannel.new("climate.t", ["temperature"])
    feed.on_state(_x(), "climate.t", _heat(21.5), _heat(19.0), Source.PERSON)
    assert feed.on_tick(_x(120))
    restored = ThermostatChannel.from_dict(
        "climate.t", feed.to_dict(), ["temperature", "target_temp_low"]
    )
    assert list(restored.learners) == ["temperature", "target_temp_low"]
    assert restored.learners["temperature"].model.predict(_x(200)) == feed.learners[
        "temperature"
    ].model.predict(_x(200))
    with pytest.raises(TypeError):
        ThermostatChannel.from_dict("climate.t", ["not", "a", "mapping"])  # type: ignore[arg-type]


def test_reading_helpers() -> None:
    """Units, outdoor readings, workday and motion are read the same everywhere."""
    assert finite("2.5") == 2.5
    assert finite("1e999") is None
    assert finite(True) is None
    assert to_celsius(212, "°F") == pytest.approx(100)
    assert to_celsius(300, "K") == pytest.approx(26.85)
    assert to_celsius("x", "°F") == "x"
    assert from_celsius(100, "°F") == pytest.approx(212)
    assert from_celsius(0, "K") == pytest.approx(273.15)
    assert from_celsius(5, "°C") == 5
    assert outdoor_c("50", "°F") == pytest.approx(10)
    assert outdoor_c("500", "°F") is None
    assert workday("on") is True
    assert workday("off") is False
    assert workday("unavailable") is None
    assert targets_for(None) == ["temperature"]
    assert targets_for(0) == []
    motions = [("off", T0), ("unavailable", T0 + timedelta(hours=1))]
    assert minutes_since_motion(motions, T0 + timedelta(minutes=15)) == 15
    assert minutes_since_motion([("on", T0)], T0) == 0
    assert minutes_since_motion([], T0) is None
