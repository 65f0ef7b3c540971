"""Every model keeps the one estimator shape: learn, predict, to_dict, from_dict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.cadence.engine import Conditions
from custom_components.cadence.engine.models.habit import HabitModel
from custom_components.cadence.engine.models.level import LevelModel
from custom_components.cadence.engine.models.logistic import OnlineLogistic
from custom_components.cadence.engine.models.occupancy import OccupancyModel
from custom_components.cadence.engine.models.preference import PreferenceModel
from custom_components.cadence.engine.models.rls import RecursiveLeastSquares
from custom_components.cadence.engine.models.setpoint import SetpointModel

TZ = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 6, 0, tzinfo=TZ)


def moments(n: int) -> list[Conditions]:
    """Return n moments an hour and a quarter apart."""
    return [Conditions(when=START + timedelta(minutes=75 * i)) for i in range(n)]


def vectors(n: int) -> list[np.ndarray]:
    """Return n small feature vectors."""
    rng = np.random.default_rng(3)
    return [np.array([1.0, *rng.normal(size=2)]) for _ in range(n)]


# (make a model, inputs, label of an input)
CASES: dict[str, tuple[Callable[[], Any], list[Any], Callable[[Any], Any]]] = {
    "rls": (lambda: RecursiveLeastSquares(3), vectors(40), lambda x: 2 * x[1] - x[2]),
    "logistic": (lambda: OnlineLogistic(3), vectors(40), lambda x: bool(x[1] > 0)),
    "habit": (HabitModel, moments(60), lambda x: x.when.hour >= 18),
    "occupancy": (
        OccupancyModel,
        [x.when for x in moments(60)],
        lambda when: when.hour >= 18,
    ),
    "preference": (
        lambda: PreferenceModel(0.0, 100.0),
        moments(60),
        lambda x: 30.0 if x.when.hour >= 18 else 90.0,
    ),
    "level": (LevelModel, moments(60), lambda x: 100.0 + x.when.hour),
    "setpoint": (
        SetpointModel,
        moments(60),
        lambda x: 21.0 if x.when.hour < 22 else 17.0,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_model_learns_predicts_and_restores_the_same(name: str) -> None:
    """Learning changes the prediction; a restored model predicts the same.

    Saved state is rounded to keep it small, so a restored model agrees to within
    that rounding, and saves exactly what the original saves.
    """
    make, inputs, label = CASES[name]
    model = make()
    fresh = model.predict(inputs[-1])
    for x in inputs:
        model.learn(x, label(x))
    learned = model.predict(inputs[-1])
    assert learned != fresh
    restored = type(model).from_dict(model.to_dict())
    assert restored.to_dict() == model.to_dict()
    for x in inputs[-5:]:
        assert restored.predict(x) == pytest.approx(
            model.predict(x), rel=1e-3, abs=1e-3
        )
