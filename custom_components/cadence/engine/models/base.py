"""The one shape of every model: learn one example, predict one, save and restore.

In the spirit of river's `learn_one`/`predict_one`: hyper-parameters go to the
constructor, `learn(x, y)` takes one labelled example (most also take a weight),
`predict(x)` answers for one input, and `to_dict`/`from_dict` round-trip the state
through JSON. Channels and tests rely on nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from datetime import datetime

    from ..features import Conditions
    from .habit import HabitModel
    from .heating import WarmingRate
    from .level import LevelModel
    from .logistic import OnlineLogistic
    from .occupancy import OccupancyModel
    from .preference import PreferenceModel
    from .rls import RecursiveLeastSquares, Vector
    from .setpoint import Prediction, SetpointModel


class Estimator[X, Y, P](Protocol):
    """A model learning from examples (x, y) one at a time, predicting P from x."""

    def learn(self, x: X, y: Y, /) -> None:
        """Learn one example."""
        ...

    def predict(self, x: X, /) -> P:
        """Return what is predicted for x."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe and versioned."""
        ...

    @classmethod
    def from_dict(cls, data: dict[str, Any], /) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        ...


if TYPE_CHECKING:
    # Checked by mypy: every model is an Estimator.
    import numpy as np
    import numpy.typing as npt

    def _every_model_is_an_estimator(
        rls: RecursiveLeastSquares,
        logistic: OnlineLogistic,
        habit: HabitModel,
        occupancy: OccupancyModel,
        preference: PreferenceModel,
        level: LevelModel,
        setpoint: SetpointModel,
        warming: WarmingRate,
    ) -> tuple[Any, ...]:
        checked: tuple[
            Estimator[Vector, float, float],
            Estimator[npt.NDArray[np.float64], bool, float],
            Estimator[Conditions, bool, float],
            Estimator[datetime, bool, float],
            Estimator[Conditions, float, float | None],
            Estimator[Conditions, float, float | None],
            Estimator[Conditions, float, Prediction | None],
            Estimator[str, float, float],
        ] = (rls, logistic, habit, occupancy, preference, level, setpoint, warming)
        return checked
