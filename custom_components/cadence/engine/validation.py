"""Which reported setpoints are fit to learn from, and why the others are not."""

from __future__ import annotations

from enum import StrEnum
import math

# Whatever a thermostat claims as its range, no household heats or cools outside this.
SANE_MIN_C = 4.0
SANE_MAX_C = 35.0


class Rejection(StrEnum):
    """Why a reported setpoint was not learned from."""

    UNKNOWN = "unknown"
    UNAVAILABLE = "unavailable"
    NON_NUMERIC = "non_numeric"
    NOT_FINITE = "not_finite"
    OUT_OF_RANGE = "out_of_range"
    OFF = "off"
    MISSING = "missing"


class RejectedValue(ValueError):  # noqa: N818  # the name the shell knows
    """A reported setpoint that must not be learned from, with the reason."""

    def __init__(self, reason: Rejection, raw: object = None) -> None:
        """Record the reason; the raw value only goes into the message."""
        super().__init__(f"{reason}: {raw!r}")
        self.reason = reason


_TEXT_REJECTIONS = {
    Rejection.UNKNOWN.value: Rejection.UNKNOWN,
    Rejection.UNAVAILABLE.value: Rejection.UNAVAILABLE,
}


def clean_setpoint(raw: object, *, min_c: float | None, max_c: float | None) -> float:
    """Return a reported setpoint in °C as a float, or raise RejectedValue saying why.

    The device's own range (`min_c`, `max_c`) is applied when known, and the sane
    range 4-35 °C always.
    """
    if raw is None:
        raise RejectedValue(Rejection.MISSING, raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TEXT_REJECTIONS:
            raise RejectedValue(_TEXT_REJECTIONS[text], raw)
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        raise RejectedValue(Rejection.NON_NUMERIC, raw)
    try:
        value = float(raw)
    except ValueError:
        raise RejectedValue(Rejection.NON_NUMERIC, raw) from None
    except OverflowError:  # an integer too large for a float
        raise RejectedValue(Rejection.NOT_FINITE, raw) from None
    # "-1e309" parses to -inf and "nan" to nan; neither fails a plain comparison.
    if not math.isfinite(value):
        raise RejectedValue(Rejection.NOT_FINITE, raw)
    low = SANE_MIN_C if min_c is None else max(SANE_MIN_C, min_c)
    high = SANE_MAX_C if max_c is None else min(SANE_MAX_C, max_c)
    if not low <= value <= high:
        raise RejectedValue(Rejection.OUT_OF_RANGE, raw)
    return value
