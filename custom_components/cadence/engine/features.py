"""What the engine knows about a moment, and how it is turned into numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math

import numpy as np
import numpy.typing as npt

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
DAYS_PER_WEEK = 7
SATURDAY = 5
SLOT = timedelta(minutes=SLOT_MINUTES)

# Harmonics of the time of day; three resolve a morning and an evening edge.
DAY_HARMONICS = 3
# Outdoor temperatures are centred on a mild day and scaled to about unit size.
OUTDOOR_CENTRE_C = 10.0
OUTDOOR_SCALE_C = 10.0
OUTDOOR_LIMIT = 4.0
# Motion fades from 1 (just now) towards 0 over about this many minutes.
MOTION_FADE_MIN = 30.0
DAYS_PER_YEAR = 365.25

# constant, day harmonics, week harmonic, workday, outdoor, motion, season
N_FEATURES = 1 + 2 * DAY_HARMONICS + 2 + 1 + 2 + 2 + 2
# outdoor and occupancy, each 0 when unknown, after a constant
N_CONTEXT = 3

_TAU = 2.0 * math.pi

# The home's mode, which the household sets: living as usual, away (on holiday:
# nobody is expected) or with guests (habits are not the household's). Outside the
# normal mode no habit is learned.
NORMAL = "normal"
AWAY = "away"
GUESTS = "guests"
HOME_MODES = (NORMAL, AWAY, GUESTS)
# How readily a zone's detectors raise an alert, from 1 (only the plainest) to 5.
SENSITIVITIES = range(1, 6)
DEFAULT_SENSITIVITY = 3


@dataclass(frozen=True, kw_only=True, slots=True)
class Conditions:
    """What is known about the home at one moment."""

    when: datetime
    workday: bool | None = None
    outdoor_c: float | None = None
    minutes_since_motion: float | None = None
    # How active the zone looks from its power and climate sensors, 0 (quiet) to 1
    # (busy), None when unknown; see `habit.ActivityTracker`.
    activity: float | None = None
    mode: str = NORMAL
    sensitivity: int = DEFAULT_SENSITIVITY

    def __post_init__(self) -> None:
        """Refuse a time without a zone: a wall clock alone is ambiguous."""
        require_aware(self.when)

    @property
    def usual(self) -> bool:
        """Say whether the home lives as usual, so that habits may be learned."""
        return self.mode == NORMAL

    @property
    def is_workday(self) -> bool:
        """Say whether this is a workday, Monday to Friday when not known."""
        if self.workday is None:
            return calendar_workday(self.when.weekday())
        return self.workday

    @property
    def slot(self) -> tuple[int, int]:
        """Return (weekday 0=Monday, half-hour slot 0..47) of the local wall clock."""
        return wall_slot(self.when)


def calendar_workday(weekday: int) -> bool:
    """Say whether a weekday (0=Monday) is a workday by the calendar: Monday-Friday."""
    return weekday < SATURDAY


def require_aware(when: datetime) -> None:
    """Raise TypeError for a non-time, ValueError for a time without a zone."""
    if not isinstance(when, datetime):
        raise TypeError(f"expected a datetime, got {when!r}")
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"time must be timezone-aware: {when!r}")


def slot_of(when: datetime) -> tuple[int, int]:
    """Return (weekday 0=Monday, half-hour slot 0..47) of the local wall clock."""
    require_aware(when)
    return wall_slot(when)


def wall_slot(when: datetime) -> tuple[int, int]:
    """Return `slot_of` a time already known to be timezone-aware, unchecked."""
    return when.weekday(), (when.hour * 60 + when.minute) // SLOT_MINUTES


def advance(when: datetime, step: timedelta) -> datetime:
    """Return the moment a step after `when`, in its zone, counted in real time."""
    return (when.astimezone(UTC) + step).astimezone(when.tzinfo)


def slot_start(when: datetime) -> datetime:
    """Return the start of the local half-hour slot `when` falls in."""
    minute = when.minute - when.minute % SLOT_MINUTES
    return when.replace(minute=minute, second=0, microsecond=0)


def outdoor_features(outdoor_c: float | None) -> tuple[float, float]:
    """Return (known 1/0, outdoor temperature scaled to about unit size, 0 if unknown)."""
    if outdoor_c is None or not math.isfinite(outdoor_c):
        return 0.0, 0.0
    scaled = (outdoor_c - OUTDOOR_CENTRE_C) / OUTDOOR_SCALE_C
    return 1.0, max(-OUTDOOR_LIMIT, min(OUTDOOR_LIMIT, scaled))


def motion_features(minutes_since_motion: float | None) -> tuple[float, float]:
    """Return (known 1/0, recency of motion: 1 just now fading to 0, 0 if unknown).

    Infinity is known: motion was never seen.
    """
    if minutes_since_motion is None or math.isnan(minutes_since_motion):
        return 0.0, 0.0
    return 1.0, math.exp(-max(minutes_since_motion, 0.0) / MOTION_FADE_MIN)


def encode(x: Conditions) -> npt.NDArray[np.float64]:
    """Return the fixed-length feature vector of a moment, starting with constant 1."""
    when = x.when
    day_frac = (when.hour * 3600 + when.minute * 60 + when.second) / 86400.0
    week_frac = (when.weekday() + day_frac) / DAYS_PER_WEEK
    year_frac = (when.timetuple().tm_yday - 1) / DAYS_PER_YEAR
    values = [1.0]
    for k in range(1, DAY_HARMONICS + 1):
        values += (math.sin(_TAU * k * day_frac), math.cos(_TAU * k * day_frac))
    values += (
        math.sin(_TAU * week_frac),
        math.cos(_TAU * week_frac),
        1.0 if x.is_workday else 0.0,
        *outdoor_features(x.outdoor_c),
        *motion_features(x.minutes_since_motion),
        math.sin(_TAU * year_frac),
        math.cos(_TAU * year_frac),
    )
    return np.array(values, dtype=np.float64)


def encode_context(x: Conditions) -> tuple[float, float, float]:
    """Return what the setpoint may depend on besides the clock: [1, outdoor, motion].

    Time is left out on purpose: the clock belongs to the schedule, so these features
    stay the same along a planning horizon and one correction serves all of it.
    """
    _, outdoor = outdoor_features(x.outdoor_c)
    _, motion = motion_features(x.minutes_since_motion)
    return 1.0, outdoor, motion
