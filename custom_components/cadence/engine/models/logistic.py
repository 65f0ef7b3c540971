"""Online logistic regression: the probability of a yes, learned one event at a time."""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from ..codec import as_list, check_version, number

# A feature vector: a list of numbers, or a numpy vector.
type Features = Sequence[float] | npt.NDArray[np.float64]

VERSION = 1

# Features are meant to be about unit size; beyond this they are clipped so that no
# input, however absurd, can overflow a gradient or its running square.
FEATURE_LIMIT = 1e3
# Margins beyond this give probabilities 1 - 1e-15 or closer: far enough.
MARGIN_LIMIT = 35.0
_EPS = 1e-8


def sigmoid(margin: float) -> float:
    """Return the logistic function of a margin, without overflow."""
    margin = max(-MARGIN_LIMIT, min(MARGIN_LIMIT, margin))
    return 1.0 / (1.0 + math.exp(-margin))


def logit(p: float) -> float:
    """Return the log-odds of a probability, bounded by the margin limit."""
    p = max(sigmoid(-MARGIN_LIMIT), min(sigmoid(MARGIN_LIMIT), p))
    return math.log(p / (1.0 - p))


class OnlineLogistic:
    """Logistic regression fitted by AdaGrad on the log-loss with an L2 penalty.

    Each event takes one step down the gradient of its weighted log-loss
    `-w [y log p + (1 - y) log (1 - p)]` plus `l2 / 2 |coef|^2`, with a step per
    coefficient of `rate / sqrt(sum of its squared gradients)`. With `decay` 1 that sum
    only grows and the fit converges to the batch optimum (scikit-learn's with
    `C = 1 / (l2 n)`); with `decay` below 1 old gradients fade by that factor per
    unit of weight, so the steps stay large enough to follow a habit that changes.
    """

    __slots__ = ("_coef", "_g2", "decay", "l2", "rate")

    def __init__(
        self,
        n_features: int,
        *,
        rate: float = 0.1,
        l2: float = 1e-4,
        decay: float = 1.0,
        coef: Features | None = None,
    ) -> None:
        """Start from the given coefficients, zero (probability 1/2) by default."""
        if n_features < 1:
            raise ValueError(f"n_features must be positive, got {n_features}")
        if not (rate > 0.0 and math.isfinite(rate)):
            raise ValueError(f"rate must be positive, got {rate}")
        if not (l2 >= 0.0 and math.isfinite(l2)):
            raise ValueError(f"l2 must be finite and not negative, got {l2}")
        if not 0.0 < decay <= 1.0:
            raise ValueError(f"decay must be in (0, 1], got {decay}")
        self.rate = rate
        self.l2 = l2
        self.decay = decay
        # Plain lists: for the dozen features of a habit, Python's floats are
        # several times faster than numpy's per-call overhead.
        self._coef = [0.0] * n_features
        if coef is not None:
            start = _clean(coef)
            if len(start) != n_features:
                raise ValueError(
                    f"expected {n_features} coefficients, got {len(start)}"
                )
            self._coef = start
        self._g2 = [0.0] * n_features

    @property
    def coef(self) -> npt.NDArray[np.float64]:
        """Return the current coefficients (a copy)."""
        return np.array(self._coef, dtype=np.float64)

    @property
    def n_features(self) -> int:
        """Return the length of the feature vectors this model takes."""
        return len(self._coef)

    def predict_proba(self, x: Features) -> float:
        """Return the probability of a yes at x."""
        return sigmoid(math.sumprod(self._coef, _clean(x)))

    def predict(self, x: Features) -> float:
        """Return the probability of a yes at x (the estimator protocol's name)."""
        return self.predict_proba(x)

    def learn(self, x: Features, y: bool, weight: float = 1.0) -> None:
        """Take one step on the event (x, y), counted `weight` times."""
        if weight < 0.0 or not math.isfinite(weight):
            raise ValueError(f"weight must be finite and not negative, got {weight}")
        if weight == 0.0:
            return
        values = _clean(x)
        coef, g2 = self._coef, self._g2
        error = sigmoid(math.sumprod(coef, values)) - (1.0 if y else 0.0)
        scaled, shrink = weight * error, weight * self.l2
        keep = self.decay**weight
        rate = self.rate
        for i, value in enumerate(values):
            c = coef[i]
            grad = value * scaled + c * shrink
            square = g2[i] * keep + grad * grad
            g2[i] = square
            coef[i] = c - grad * rate / (math.sqrt(square) + _EPS)

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "rate": self.rate,
            "l2": self.l2,
            "decay": self.decay,
            "coef": list(self._coef),
            "g2": list(self._g2),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild a model from `to_dict` output; raise ValueError when malformed."""
        check_version(data, VERSION, "online logistic")
        coef = _vector(data["coef"])
        g2 = _vector(data["g2"])
        if len(g2) != len(coef) or min(g2) < 0.0:
            raise ValueError("g2 must be one sum of squares per coefficient")
        model = cls(
            len(coef),
            rate=number(data["rate"]),
            l2=number(data["l2"]),
            decay=number(data["decay"]),
            coef=coef,
        )
        model._g2 = g2
        return model


def _clean(x: Features) -> list[float]:
    """Return x as floats with NaN as 0 and every value within the feature limit."""
    values = x.tolist() if isinstance(x, np.ndarray) else [float(v) for v in x]
    # One cheap test passes the usual vector through; NaN and infinities fail it.
    total = sum(values)
    if (
        math.isfinite(total)
        and max(values) <= FEATURE_LIMIT
        and min(values) >= -FEATURE_LIMIT
    ):
        return values
    return [
        0.0 if math.isnan(v) else max(-FEATURE_LIMIT, min(FEATURE_LIMIT, v))
        for v in values
    ]


def _vector(values: object) -> list[float]:
    """Return a non-empty list of finite numbers, else raise."""
    items = as_list(values)
    if not items:
        raise ValueError("expected at least one number")
    return [number(v) for v in items]
