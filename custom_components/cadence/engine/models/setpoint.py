"""The setpoint a household prefers, learned from what it chooses and keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
from typing import Any, Self

from ..codec import check_version, integer, number
from ..features import (
    DAYS_PER_WEEK,
    SLOT,
    SLOTS_PER_DAY,
    Conditions,
    calendar_workday,
    encode_context,
    require_aware,
    slot_of,
    slot_start,
)
from .context import ContextCorrection
from .slots import SlotMedians

VERSION = 1

# Share of the recent-error average one unit of weight replaces: a few days' memory.
ERROR_RATE = 0.02
# Evidence weight at which confidence from the amount seen reaches one half.
EVIDENCE_WEIGHT = 5.0
# Mean absolute error that halves confidence.
ERROR_SCALE_C = 1.0
# A ring holding no day of its own still lends some confidence to what it borrows.
BORROWED_SLOT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Prediction:
    """A predicted setpoint and how much to trust it, 0 (not at all) to 1."""

    value_c: float
    confidence: float


@dataclass(frozen=True, slots=True)
class Change:
    """A predicted change of setpoint: the moment and the new value."""

    when: datetime
    value_c: float


class SetpointModel:
    """The setpoint a household prefers, by time of week and conditions.

    Two parts add up. `SlotMedians` is the schedule: per half-hour slot the median of
    recent days, which brief manual overrides cannot pull. `ContextCorrection` learns
    what the schedule leaves over from outdoor temperature and occupancy, from clipped
    residuals, and is applied only as far as it has lowered the recent error, so it
    can refine the schedule but never drag it. Season is not a feature: the medians
    of recent days follow it already.
    """

    __slots__ = ("_context", "_mae_c", "_samples", "_slots", "_weight")

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._slots = SlotMedians()
        self._context = ContextCorrection()
        self._samples = 0
        self._weight = 0.0
        self._mae_c: float | None = None

    @property
    def samples(self) -> int:
        """Return how many observations with weight were learned."""
        return self._samples

    @property
    def days(self) -> str:
        """Return how the schedule counts days: by kind of day or all alike."""
        return self._slots.days

    @property
    def day_errors(self) -> dict[str, float] | None:
        """Return each way of counting days' running day-ahead error in °C."""
        return self._slots.day_errors

    @property
    def mean_abs_error_c(self) -> float | None:
        """Return the recent error of predictions made just before learning, in °C."""
        return self._mae_c

    def learn(
        self,
        x: Conditions,
        setpoint_c: float,
        weight: float = 1.0,
        *,
        new_sample: bool = True,
        kept_h: float | None = None,
        before_c: float | None = None,
    ) -> None:
        """Learn that the household wanted `setpoint_c` under conditions x.

        new_sample False adds weight to evidence already counted (a choice confirmed
        by being kept) without counting another sample; its error and context
        residual are measured against `before_c`, the schedule when the choice was
        made (`schedule_value` then; None: there was none, nothing is measured), as
        the schedule now already holds the choice. `kept_h` is how long the setpoint
        was kept in x's slot: 0 for a choice, which speaks only for the time after it
        (None: `weight` hours).
        """
        # Plain floats: a numpy scalar must not leak into the saved state.
        setpoint_c, weight = float(setpoint_c), float(weight)
        if not math.isfinite(setpoint_c):
            raise ValueError(f"setpoint must be finite, got {setpoint_c}")
        if weight < 0.0 or not math.isfinite(weight):
            raise ValueError(f"weight must be finite and not negative, got {weight}")
        if kept_h is not None and not 0.0 <= kept_h < math.inf:
            raise ValueError(f"kept_h must be finite and not negative, got {kept_h}")
        if weight == 0.0:
            return
        workday = x.is_workday
        schedule_c = self.schedule_value(x) if new_sample else before_c
        if schedule_c is not None:
            correction_c = self._context.learn(
                encode_context(x), setpoint_c - schedule_c, weight
            )
            error_c = abs(schedule_c + correction_c - setpoint_c)
            if self._mae_c is None:
                self._mae_c = error_c
            else:
                self._mae_c += min(1.0, ERROR_RATE * weight) * (error_c - self._mae_c)
        self._slots.learn(x.when, workday, setpoint_c, weight, kept_h)
        self._samples += new_sample
        self._weight += weight

    def schedule_value(self, x: Conditions) -> float | None:
        """Return the schedule's setpoint at x, before any correction; None if empty."""
        weekday, slot = x.slot
        found = self._slots.value(weekday, slot, x.is_workday)
        return None if found is None else found[0]

    def predict(self, x: Conditions) -> Prediction | None:
        """Return the preferred setpoint under conditions x, None before learning."""
        weekday, slot = x.slot
        found = self._slots.estimate(weekday, slot, x.is_workday)
        if found is None:
            return None
        schedule_c, fullness, spread_c = found
        return Prediction(
            schedule_c + self._context.correction(encode_context(x)),
            self._confidence(fullness) / (1.0 + spread_c / ERROR_SCALE_C),
        )

    def next_change(
        self, x: Conditions, *, horizon_h: float = 24.0, min_delta_c: float = 0.3
    ) -> Change | None:
        """Return the next half-hour boundary where the prediction moves, if any.

        The boundary is the first within `horizon_h` whose prediction differs from the
        one now by at least `min_delta_c`; None when there is none. Later moments keep
        x's outdoor temperature and occupancy. Its workday flag speaks for its own date
        only; other dates count Monday to Friday as workdays.
        """
        now = self.predict(x)
        if now is None:
            return None
        correction_c = self._context.correction(encode_context(x))
        zone = x.when.tzinfo
        today = x.when.date()
        # Step and compare in UTC: aware times in one zone compare by wall clock, which
        # runs the same hour twice when DST ends.
        end = x.when.astimezone(UTC) + timedelta(hours=horizon_h)
        moment = slot_start(x.when).astimezone(UTC) + SLOT
        while moment <= end:
            when = moment.astimezone(zone)
            weekday, slot = slot_of(when)
            workday = x.workday if when.date() == today else None
            if workday is None:
                workday = calendar_workday(weekday)
            value_c = self._schedule_c(weekday, slot, workday) + correction_c
            if abs(value_c - now.value_c) >= min_delta_c:
                return Change(when, value_c)
            moment += SLOT
        return None

    def schedule(self, week_of: datetime) -> list[list[float]]:
        """Return the predicted setpoint of each half-hour of the week of `week_of`.

        Seven lists of 48 values in °C rounded to 0.1, Monday first, Monday to Friday
        taken as workdays, outdoor temperature and occupancy unknown.
        """
        require_aware(week_of)
        week: list[list[float]] = []
        correction_c = self._context.correction(
            encode_context(Conditions(when=week_of))
        )
        for weekday in range(DAYS_PER_WEEK):
            values = []
            workday = calendar_workday(weekday)
            for slot in range(SLOTS_PER_DAY):
                schedule_c = self._schedule_c(weekday, slot, workday)
                values.append(round(schedule_c + correction_c, 1))
            week.append(values)
        return week

    def _schedule_c(self, weekday: int, slot: int, workday: bool) -> float:
        """Return the schedule's setpoint for a slot, raising ValueError if empty."""
        found = self._slots.value(weekday, slot, workday)
        if found is None:
            raise ValueError("nothing learned yet")
        return found[0]

    def _confidence(self, fullness: float) -> float:
        """Return trust in a prediction from the evidence seen and the recent error.

        An error not yet measured counts as a 1 °C error.
        """
        slot_share = BORROWED_SLOT_SHARE + (1.0 - BORROWED_SLOT_SHARE) * fullness
        evidence = slot_share * self._weight / (self._weight + EVIDENCE_WEIGHT)
        mae_c = ERROR_SCALE_C if self._mae_c is None else self._mae_c
        return evidence / (1.0 + mae_c / ERROR_SCALE_C)

    def to_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe, with a schema version."""
        return {
            "version": VERSION,
            "samples": self._samples,
            "weight": self._weight,
            "mean_abs_error_c": self._mae_c,
            "slots": self._slots.to_dict(),
            "context": self._context.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a model from `to_dict` output.

        Raises ValueError, KeyError or TypeError when the data is malformed.
        """
        check_version(data, VERSION, "setpoint model")
        model = cls()
        model._samples = integer(data["samples"], 0, 2**63)
        model._weight = number(data["weight"])
        mae = data["mean_abs_error_c"]
        model._mae_c = None if mae is None else number(mae)
        model._slots = SlotMedians.from_dict(data["slots"])
        model._context = ContextCorrection.from_dict(data["context"])
        return model


__all__ = ["Change", "Prediction", "SetpointModel"]
