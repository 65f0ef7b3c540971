"""Literal pins of the long-memory constants of LevelModel.

Each number was computed once from the model as it is; a change of CELL_MEMORY,
STEP_SHARE, SPREAD_MEMORY, SPREAD_FLOOR_SHARE or MAD_TO_SD moves one of them. The
streams are long enough (8000 samples) for every memory to be full.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
import random
from zoneinfo import ZoneInfo

import pytest

from custom_components.cadence.engine import Conditions
from custom_components.cadence.engine.models.level import LevelModel

TZ = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 1, 5, tzinfo=TZ)


def level_stream() -> tuple[LevelModel, Conditions]:
    """Return a model after a daily sine with noise, spikes and a drift."""
    rng = random.Random(11)
    model = LevelModel()
    for i in range(8000):
        when = T0 + timedelta(minutes=5 * i)
        value = 100 + 30 * math.sin(2 * math.pi * when.hour / 24) + rng.gauss(0, 5)
        value += (400 if i % 97 == 0 else 0) + i / 400.0
        model.learn(Conditions(when=when), value)
    return model, Conditions(when=T0 + timedelta(minutes=5 * 8000))


def test_level_model_after_a_long_stream() -> None:
    """Expected value, deviation and score of a full-memory model, as literals."""
    model, x = level_stream()
    assert model.predict(x) == pytest.approx(88.088010, abs=1e-5)
    assert model.deviation(x, 150.0) == pytest.approx(9.730505, abs=1e-5)
    assert model.score(x, 150.0) == pytest.approx(0.99981515, abs=1e-7)


def test_a_quiet_hour_borrows_the_sensors_overall_spread() -> None:
    """An hour that never changes is judged by a quarter of the overall spread."""
    rng = random.Random(5)
    model = LevelModel()
    for i in range(8000):
        when = T0 + timedelta(minutes=5 * i)
        value = 50.0 if when.hour == 3 else 200 + rng.gauss(0, 40)
        model.learn(Conditions(when=when), value)
    x = Conditions(when=(T0 + timedelta(days=40)).replace(hour=3))
    assert model.deviation(x, 60.0) == pytest.approx(1.0125233, abs=1e-6)
