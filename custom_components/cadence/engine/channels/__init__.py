"""Channels: one per kind of watched entity, all driven through one pipeline."""

from __future__ import annotations

from .base import (
    NOTHING,
    Channel,
    ChannelKind,
    Facts,
    Forecast,
    Outcome,
    sample_confidence,
)
from .habits import OccupancyChannel, OccupancyStatus
from .health import HealthChannel
from .heating import HeatingChannel, HeatingStatus
from .levels import (
    ActivityStatus,
    ActivityWatchChannel,
    HealthStatus,
    LevelChannel,
    ReadingStatus,
)
from .lights import LightChannel
from .quiet import HOME_KEY, InactivityChannel, InactivityStatus
from .thermostat import SetpointStatus, ThermostatChannel, targets_for

# Every kind the engine has, in the order a zone's channels are driven.
ALL_KINDS: tuple[ChannelKind, ...] = (
    HealthChannel,
    ThermostatChannel,
    OccupancyChannel,
    LightChannel,
    LevelChannel,
    ActivityWatchChannel,
    HeatingChannel,
    InactivityChannel,
)

__all__ = [
    "ALL_KINDS",
    "HOME_KEY",
    "NOTHING",
    "ActivityStatus",
    "ActivityWatchChannel",
    "Channel",
    "ChannelKind",
    "Facts",
    "Forecast",
    "HealthChannel",
    "HealthStatus",
    "HeatingChannel",
    "HeatingStatus",
    "InactivityChannel",
    "InactivityStatus",
    "LevelChannel",
    "LightChannel",
    "OccupancyChannel",
    "OccupancyStatus",
    "Outcome",
    "ReadingStatus",
    "SetpointStatus",
    "ThermostatChannel",
    "sample_confidence",
    "targets_for",
]
