"""Cadence's learning core: pure numpy, no Home Assistant.

The shell feeds it `Conditions` and observed setpoints through `SetpointLearner`, and
asks `SetpointModel` for predictions, the next change and the weekly schedule.
"""

from __future__ import annotations

from .features import Conditions, encode, encode_context, slot_of
from .rls import RecursiveLeastSquares
from .setpoint import Change, Prediction, SetpointModel
from .thermostat import HOLD_WEIGHT_PER_HOUR, SetpointLearner, Source
from .validation import RejectedValue, Rejection, clean_setpoint

__all__ = [
    "HOLD_WEIGHT_PER_HOUR",
    "Change",
    "Conditions",
    "Prediction",
    "RecursiveLeastSquares",
    "RejectedValue",
    "Rejection",
    "SetpointLearner",
    "SetpointModel",
    "Source",
    "clean_setpoint",
    "encode",
    "encode_context",
    "slot_of",
]
