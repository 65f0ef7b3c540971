"""Literal pins of the long-memory constants of LevelModel and Flatness.

Each number was computed once from the model as it is; a change of CELL_MEMORY,
LEVEL_MEMORY, SPREAD_MEMORY, CLIP, MAD_TO_SD or RUN_HALF_LIFE_H moves one of them.
The streams are long enough (8000 samples, 60 days of hours) for every memory to
be full.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import math
import random
from zoneinfo import ZoneInfo

import pytest

from custom_components.cadence.engine import Conditions
from custom_components.cadence.engine.models.anomaly import Flatness
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


def flat_stream() -> tuple[Flatness, list[float]]:
    """Return Flatness after 40 days of steps every 7 hours, then 20 days flat."""
    flatness, out = Flatness(), []
    for i in range(24 * 60):
        value = 20.0 + (0.0 if (i // 7) % 2 else 0.5) if i < 24 * 40 else 20.0
        out.append(flatness.update(value, 1.0, False))
    return flatness, out


def test_level_model_after_a_long_stream() -> None:
    """Expected value, deviation and score of a full-memory model, as literals."""
    model, x = level_stream()
    assert model.predict(x) == pytest.approx(89.311308, abs=1e-5)
    assert model.deviation(x, 150.0) == pytest.approx(10.212823, abs=1e-5)
    assert model.score(x, 150.0) == pytest.approx(0.99991033, abs=1e-7)


def test_flatness_after_a_long_stream() -> None:
    """The usual longest run fades by half in 30 days; flat for 20 days scores 7."""
    flatness, scores = flat_stream()
    assert scores[-1] == pytest.approx(6.988595, abs=1e-5)
    assert scores[24 * 50] == pytest.approx(5.662649, abs=1e-5)
    start, run_h, usual_h, change, learned_h = flatness.to_list()
    assert (start, run_h, learned_h) == (20.0, 480.0, 1440.0)
    assert usual_h == pytest.approx(3.779763, abs=1e-5)
    assert change == pytest.approx(0.493544, abs=1e-5)


def test_a_quiet_hour_borrows_the_sensors_overall_spread() -> None:
    """An hour that never changes is judged by a quarter of the overall spread."""
    rng = random.Random(5)
    model = LevelModel()
    for i in range(8000):
        when = T0 + timedelta(minutes=5 * i)
        value = 50.0 if when.hour == 3 else 200 + rng.gauss(0, 40)
        model.learn(Conditions(when=when), value)
    x = Conditions(when=(T0 + timedelta(days=40)).replace(hour=3))
    assert model.deviation(x, 60.0) == pytest.approx(1.0585517, abs=1e-6)
