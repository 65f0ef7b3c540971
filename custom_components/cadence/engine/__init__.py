"""Cadence's learning core: pure numpy, no Home Assistant.

The shell feeds it `Conditions` and observed setpoints through `SetpointLearner`, and
asks `SetpointModel` for predictions, the next change and the weekly schedule.
"""

from __future__ import annotations

from .activity import ActivityTracker
from .anomaly import ActivityWatch, Verdict
from .features import Conditions, encode, encode_context, slot_of
from .feed import (
    TARGETS,
    FeedResult,
    Reading,
    ThermostatFeed,
    finite,
    from_celsius,
    minutes_since_motion,
    outdoor_c,
    targets_for,
    to_celsius,
    workday,
)
from .habit import BinaryFeed, HabitModel
from .level import LevelFeed, LevelModel
from .logistic import OnlineLogistic
from .rls import RecursiveLeastSquares
from .setpoint import Change, Prediction, SetpointModel
from .thermostat import HOLD_WEIGHT_PER_HOUR, SetpointLearner, Source
from .validation import RejectedValue, Rejection, clean_setpoint

__all__ = [
    "HOLD_WEIGHT_PER_HOUR",
    "TARGETS",
    "ActivityTracker",
    "ActivityWatch",
    "BinaryFeed",
    "Change",
    "Conditions",
    "FeedResult",
    "HabitModel",
    "LevelFeed",
    "LevelModel",
    "OnlineLogistic",
    "Prediction",
    "Reading",
    "RecursiveLeastSquares",
    "RejectedValue",
    "Rejection",
    "SetpointLearner",
    "SetpointModel",
    "Source",
    "ThermostatFeed",
    "Verdict",
    "clean_setpoint",
    "encode",
    "encode_context",
    "finite",
    "from_celsius",
    "minutes_since_motion",
    "outdoor_c",
    "slot_of",
    "targets_for",
    "to_celsius",
    "workday",
]
