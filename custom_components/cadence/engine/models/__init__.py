"""The engine's models: each learns one sample at a time and predicts one moment.

They share one estimator shape (river's learn-one/predict-one): `learn`, `predict`,
and `to_dict`/`from_dict` for versioned JSON; hyper-parameters live in constructors.
See `base.Estimator`.
"""

from __future__ import annotations

from .base import Estimator

__all__ = ["Estimator"]
