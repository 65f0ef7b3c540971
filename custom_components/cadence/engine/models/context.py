"""What the schedule leaves over, explained by outdoor temperature and occupancy."""

from __future__ import annotations

from typing import Any, Self

from ..codec import check_version, number
from ..features import N_CONTEXT
from .rls import RecursiveLeastSquares, Vector

VERSION = 1

# Residuals beyond this are overrides, not context: each may pull the fit by this much
# and no more (a Huber-style clip).
HUBER_C = 1.0
# Forgetting per unit of weight (one chosen setpoint): a memory of about a hundred
# choices, or two weeks of held setpoints, however often the model is fed.
FORGETTING = 0.99
RIDGE = 1.0
MAX_CORRECTION_C = 1.5
# Share of the error averages one unit of weight replaces: a few days' memory.
ERROR_RATE = 0.02
# Lowering the recent error by this share earns the correction full use.
FULL_USE_GAIN = 0.25


class ContextCorrection:
    """A correction to the schedule from conditions, used only as far as it helps.

    A recursive least squares fit of clipped residuals on [1, outdoor, occupancy]. A
    fit of noise would move every prediction, so two recent averages are kept: the
    error of the schedule alone and the error with the fit's correction, both on
    residuals before the fit learned them. The correction is applied in proportion to
    how much it has lowered that error, and not at all while it has not.
    """

    __slots__ = ("_error_with_c", "_error_without_c", "_fit")

    def __init__(self) -> None:
        """Start with no correction."""
        self._fit = RecursiveLeastSquares(N_CONTEXT, forgetting=FORGETTING, ridge=RIDGE)
        self._error_without_c = 0.0
        self._error_with_c = 0.0

    @property
    def use(self) -> float:
        """Return the share of the fitted correction applied, 0 to 1."""
        without, gain = (
            self._error_without_c,
            self._error_without_c - self._error_with_c,
        )
        if without <= 0.0 or gain <= 0.0:
            return 0.0
        return min(1.0, gain / (FULL_USE_GAIN * without))

    def correction(self, context: Vector) -> float:
        """Return the correction in °C to add to the schedule under a context."""
        use = self.use
        if use == 0.0:
            return 0.0
        return use * self._bounded(context)

    def learn(self, context: Vector, residual_c: float, weight: float) -> float:
        """Learn that the schedule was off by `residual_c` under a context.

        Return the correction that applied under it before learning, in °C.
        """
        fitted_c = self._bounded(context)
        use = self.use
        clipped_c = max(-HUBER_C, min(HUBER_C, residual_c))
        rate = min(1.0, ERROR_RATE * weight)
        self._error_without_c += rate * (abs(clipped_c) - self._error_without_c)
        self._error_with_c += rate * (abs(clipped_c - fitted_c) - self._error_with_c)
        self._fit.learn(context, clipped_c, weight)
        return use * fitted_c

    def _bounded(self, context: Vector) -> float:
        """Return the fitted correction, bounded."""
        fitted_c = self._fit.predict(context)
        return max(-MAX_CORRECTION_C, min(MAX_CORRECTION_C, fitted_c))

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe, with a schema version."""
        return {
            "version": VERSION,
            "fit": self._fit.to_dict(),
            "error_without_c": self._error_without_c,
            "error_with_c": self._error_with_c,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, KeyError or TypeError."""
        check_version(data, VERSION, "context correction")
        context = cls()
        fit = RecursiveLeastSquares.from_dict(data["fit"])
        if fit.n_features != N_CONTEXT:
            raise ValueError("context fit has the wrong number of features")
        context._fit = fit
        context._error_without_c = number(data["error_without_c"])
        context._error_with_c = number(data["error_with_c"])
        return context
