"""Recursive least squares: a ridge regression that learns one observation at a time."""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from .serial import as_list, check_version, number

VERSION = 1


class RecursiveLeastSquares:
    """Weighted ridge regression updated one observation at a time.

    With forgetting 1 the coefficients equal the batch ridge fit of everything seen
    (penalty `ridge` on every coefficient, the constant column included). With
    forgetting below 1 older observations fade geometrically, by `forgetting` per unit
    of weight (many light observations fade the past as much as one heavy one), so the
    fit follows a relationship that changes; the trace of P is then capped at its
    prior value so that directions the data never excites cannot wind up.
    """

    __slots__ = ("_coef", "_max_trace", "_p", "forgetting", "ridge")

    def __init__(
        self, n_features: int, *, forgetting: float = 1.0, ridge: float = 1.0
    ) -> None:
        """Start from the ridge prior: coefficients 0, covariance I / ridge."""
        if n_features < 1:
            raise ValueError(f"n_features must be positive, got {n_features}")
        if not 0.0 < forgetting <= 1.0:
            raise ValueError(f"forgetting must be in (0, 1], got {forgetting}")
        if not (ridge > 0.0 and math.isfinite(ridge)):
            raise ValueError(f"ridge must be positive, got {ridge}")
        self.forgetting = forgetting
        self.ridge = ridge
        self._coef = np.zeros(n_features, dtype=np.float64)
        self._p = np.eye(n_features, dtype=np.float64) / ridge
        self._max_trace = n_features / ridge

    @property
    def coef(self) -> npt.NDArray[np.float64]:
        """Return the current coefficients (a copy)."""
        return self._coef.copy()

    @property
    def n_features(self) -> int:
        """Return the length of the feature vectors this model takes."""
        return len(self._coef)

    def learn(self, x: npt.NDArray[np.float64], y: float, weight: float = 1.0) -> None:
        """Fold one observation into the fit, counted `weight` times."""
        if weight < 0.0 or not math.isfinite(weight):
            raise ValueError(f"weight must be finite and not negative, got {weight}")
        if not math.isfinite(y):
            raise ValueError(f"y must be finite, got {y}")
        if weight == 0.0:
            return
        p = self._p
        px = p.dot(x)
        lam = self.forgetting**weight
        # x'Px is never negative in exact arithmetic; rounding must not make it so.
        scale = weight / (lam + weight * max(0.0, float(x.dot(px))))
        self._coef += px * (scale * (y - float(x.dot(self._coef))))
        # Sherman-Morrison: P -= scale * px px'. Written as the outer product of one
        # vector with itself (v_i v_j == v_j v_i exactly), P stays exactly symmetric,
        # so rounding cannot grow an asymmetric part and no symmetrising is needed.
        v = px * math.sqrt(scale)
        p -= np.multiply.outer(v, v)
        if lam < 1.0:
            p *= 1.0 / lam
            trace = sum(p.diagonal().tolist())
            if trace > self._max_trace:
                p *= self._max_trace / trace

    def predict(self, x: npt.NDArray[np.float64]) -> float:
        """Return the fitted value at x."""
        return float(x.dot(self._coef))

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe; P is symmetric, so its upper triangle does."""
        upper = self._p[np.triu_indices(self.n_features)]
        return {
            "version": VERSION,
            "forgetting": self.forgetting,
            "ridge": self.ridge,
            "coef": self._coef.tolist(),
            "p_upper": upper.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a model from `to_dict` output; raises ValueError when malformed."""
        check_version(data, VERSION, "recursive least squares")
        coef = _finite_vector(data["coef"])
        n = len(coef)
        model = cls(
            n, forgetting=number(data["forgetting"]), ridge=number(data["ridge"])
        )
        upper = _finite_vector(data["p_upper"])
        if len(upper) != n * (n + 1) // 2:
            raise ValueError("p_upper does not match the number of coefficients")
        p = np.zeros((n, n), dtype=np.float64)
        p[np.triu_indices(n)] = upper
        p.T[np.triu_indices(n)] = upper
        model._coef = coef
        model._p = p
        return model


def _finite_vector(values: object) -> npt.NDArray[np.float64]:
    """Return a non-empty list of finite numbers as a vector, else raise."""
    items = as_list(values)
    if not items:
        raise ValueError("expected at least one number")
    return np.array([number(v) for v in items], dtype=np.float64)
