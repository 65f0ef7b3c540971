"""Cadence's learning core: pure numpy and the standard library, no Home Assistant.

Every kind of watched entity is a channel (`channels/`) over the models in
`models/`; a `Pipeline` drives a home's channels the same way whether the states come
live, from the recorder's history or from a replayed file.
"""

from __future__ import annotations

from .channels import (
    ALL_KINDS,
    ActivityStatus,
    ActivityWatchChannel,
    Channel,
    ChannelKind,
    Facts,
    Forecast,
    HealthChannel,
    HealthStatus,
    HeatingChannel,
    HeatingStatus,
    InactivityChannel,
    InactivityStatus,
    LevelChannel,
    LightChannel,
    OccupancyChannel,
    OccupancyStatus,
    Outcome,
    ReadingStatus,
    SetpointStatus,
    ThermostatChannel,
    targets_for,
)
from .channels.quiet import HOME_KEY
from .channels.setpoint_learner import HOLD_WEIGHT_PER_HOUR, SetpointLearner, Taught
from .channels.thermostat import TARGETS
from .features import (
    AWAY,
    DEFAULT_SENSITIVITY,
    GUESTS,
    HOME_MODES,
    NORMAL,
    SENSITIVITIES,
    Conditions,
    encode,
    encode_context,
    slot_of,
)
from .inputs import StateLookup, StateView
from .layout import HomeLayout, Zone
from .models.activity import ActivityTracker
from .models.anomaly import ActivityWatch, Verdict
from .models.binary import BinaryFeed
from .models.entity_health import EntityHealth
from .models.feedback import Agreement, Alert
from .models.habit import HabitModel
from .models.health import STATES as HEALTH_STATES
from .models.level import LevelModel
from .models.level_feed import LevelFeed
from .models.logistic import OnlineLogistic
from .models.rls import RecursiveLeastSquares
from .models.setpoint import Change, Prediction, SetpointModel
from .pipeline import Pipeline
from .states import (
    Reading,
    Source,
    finite,
    from_celsius,
    minutes_since_motion,
    outdoor_c,
    to_celsius,
    workday,
)
from .validation import RejectedValue, Rejection, clean_setpoint

__all__ = [
    "ALL_KINDS",
    "AWAY",
    "DEFAULT_SENSITIVITY",
    "GUESTS",
    "HEALTH_STATES",
    "HOLD_WEIGHT_PER_HOUR",
    "HOME_KEY",
    "HOME_MODES",
    "NORMAL",
    "SENSITIVITIES",
    "TARGETS",
    "ActivityStatus",
    "ActivityTracker",
    "ActivityWatch",
    "ActivityWatchChannel",
    "Agreement",
    "Alert",
    "BinaryFeed",
    "Change",
    "Channel",
    "ChannelKind",
    "Conditions",
    "EntityHealth",
    "Facts",
    "Forecast",
    "HabitModel",
    "HealthChannel",
    "HealthStatus",
    "HeatingChannel",
    "HeatingStatus",
    "HomeLayout",
    "InactivityChannel",
    "InactivityStatus",
    "LevelChannel",
    "LevelFeed",
    "LevelModel",
    "LightChannel",
    "OccupancyChannel",
    "OccupancyStatus",
    "OnlineLogistic",
    "Outcome",
    "Pipeline",
    "Prediction",
    "Reading",
    "ReadingStatus",
    "RecursiveLeastSquares",
    "RejectedValue",
    "Rejection",
    "SetpointLearner",
    "SetpointModel",
    "SetpointStatus",
    "Source",
    "StateLookup",
    "StateView",
    "Taught",
    "ThermostatChannel",
    "Verdict",
    "Zone",
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
