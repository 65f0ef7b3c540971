"""Tests of which reported setpoints are fit to learn from."""

from __future__ import annotations

import pytest

from custom_components.cadence.engine import RejectedValue, Rejection, clean_setpoint


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(21, 21.0), (20.5, 20.5), ("19.5", 19.5), (" 22 ", 22.0), (4, 4.0), ("35", 35.0)],
)
def test_numbers_and_numeric_text_are_accepted(raw: object, expected: float) -> None:
    """Integers, floats and numeric text in range come back as floats."""
    value = clean_setpoint(raw, min_c=None, max_c=None)
    assert value == expected
    assert isinstance(value, float)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, Rejection.MISSING),
        ("unknown", Rejection.UNKNOWN),
        ("unavailable", Rejection.UNAVAILABLE),
        ("Unavailable", Rejection.UNAVAILABLE),
        ("abc", Rejection.NON_NUMERIC),
        ("", Rejection.NON_NUMERIC),
        (True, Rejection.NON_NUMERIC),
        ([21.0], Rejection.NON_NUMERIC),
        ({"temperature": 21.0}, Rejection.NON_NUMERIC),
        ("nan", Rejection.NOT_FINITE),
        (float("nan"), Rejection.NOT_FINITE),
        ("inf", Rejection.NOT_FINITE),
        ("-1e309", Rejection.NOT_FINITE),
        (float("-inf"), Rejection.NOT_FINITE),
        (10**400, Rejection.NOT_FINITE),
        (3.9, Rejection.OUT_OF_RANGE),
        (35.5, Rejection.OUT_OF_RANGE),
        ("-5", Rejection.OUT_OF_RANGE),
    ],
)
def test_unfit_values_are_rejected_with_their_reason(
    raw: object, reason: Rejection
) -> None:
    """Every kind of bad value raises RejectedValue naming why."""
    with pytest.raises(RejectedValue) as caught:
        clean_setpoint(raw, min_c=None, max_c=None)
    assert caught.value.reason is reason
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("raw", "fits"), [(6.9, False), (7.0, True), (30.0, True), (30.5, False)]
)
def test_the_devices_own_range_applies(raw: float, fits: bool) -> None:
    """Values outside the thermostat's min/max are out of range."""
    if fits:
        assert clean_setpoint(raw, min_c=7.0, max_c=30.0) == raw
    else:
        with pytest.raises(RejectedValue) as caught:
            clean_setpoint(raw, min_c=7.0, max_c=30.0)
        assert caught.value.reason is Rejection.OUT_OF_RANGE


def test_sane_range_applies_whatever_the_device_claims() -> None:
    """A device range wider than 4-35 °C does not let absurd values through."""
    for raw in (2.0, 40.0):
        with pytest.raises(RejectedValue) as caught:
            clean_setpoint(raw, min_c=-10.0, max_c=60.0)
        assert caught.value.reason is Rejection.OUT_OF_RANGE


def test_off_is_a_reason_the_shell_can_use() -> None:
    """OFF exists for a thermostat that is switched off."""
    assert RejectedValue(Rejection.OFF).reason == "off"
