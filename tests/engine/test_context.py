"""Tests of ContextCorrection: it refines the schedule only where it helps."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import random
from typing import Any

from household import BERLIN
import pytest

from custom_components.cadence.engine import Conditions, SetpointModel, encode_context
from custom_components.cadence.engine.models.context import ContextCorrection


def test_an_outdoor_effect_is_learned_and_applied() -> None:
    """A household that heats more on cold days is predicted better with context."""
    rng = random.Random(1)
    with_context, errors = SetpointModel(), []
    when = datetime(2026, 1, 5, tzinfo=BERLIN)
    outdoor_c = 5.0
    for step in range(48 * 28):
        if step % 48 == 0:
            outdoor_c = rng.gauss(5.0, 5.0)
        x = Conditions(when=when, outdoor_c=outdoor_c + rng.gauss(0.0, 1.0))
        assert x.outdoor_c is not None
        setpoint_c = 20.0 - 0.1 * (x.outdoor_c - 5.0)
        prediction = with_context.predict(x)
        if prediction is not None and step > 48 * 14:
            errors.append(abs(prediction.value_c - setpoint_c))
        with_context.learn(x, setpoint_c, 0.125)
        when += timedelta(minutes=30)
    assert with_context._context.use == 1.0
    assert sum(errors) / len(errors) < 0.3


def test_residuals_that_are_noise_are_not_applied() -> None:
    """Random overrides teach the fit noise, and noise is not applied."""
    rng = random.Random(2)
    context = ContextCorrection()
    for _ in range(2000):
        x = Conditions(
            when=datetime(2026, 1, 5, tzinfo=BERLIN), outdoor_c=rng.uniform(-5, 15)
        )
        residual_c = rng.choice((0.0, 0.0, 0.0, 0.0, 2.5, -2.5))
        context.learn(encode_context(x), residual_c, rng.choice((0.125, 1.0)))
    assert context.use == 0.0
    assert context.correction(encode_context(x)) == 0.0


def test_an_override_pulls_the_fit_no_more_than_the_clip() -> None:
    """However far an override is from the schedule, it counts as 1 °C at most."""
    one = ContextCorrection()
    far = ContextCorrection()
    x = encode_context(Conditions(when=datetime(2026, 1, 5, tzinfo=BERLIN)))
    one.learn(x, 1.0, 1.0)
    far.learn(x, 15.0, 1.0)
    assert one.to_dict() == far.to_dict()


def test_round_trip_is_exact() -> None:
    """A restored correction is the same correction."""
    context = ContextCorrection()
    for k in range(50):
        x = Conditions(when=datetime(2026, 1, 5, tzinfo=BERLIN), outdoor_c=k - 10.0)
        context.learn(encode_context(x), 0.05 * (k - 10.0), 1.0)
    restored = ContextCorrection.from_dict(json.loads(json.dumps(context.to_dict())))
    assert restored.to_dict() == context.to_dict()
    assert restored.correction(encode_context(x)) == context.correction(
        encode_context(x)
    )
    assert context.correction(encode_context(x)) != 0.0


@pytest.mark.parametrize(
    "change",
    [{"version": 2}, {"error_with_c": "x"}, {"fit": {"version": 1}}],
)
def test_from_dict_refuses_malformed_state(change: dict[str, Any]) -> None:
    """Malformed state raises ValueError, KeyError or TypeError."""
    with pytest.raises((ValueError, KeyError, TypeError)):
        ContextCorrection.from_dict(ContextCorrection().to_dict() | change)


def test_from_dict_refuses_a_fit_of_the_wrong_size() -> None:
    """A fit with another number of features cannot be the context fit."""
    data = ContextCorrection().to_dict()
    data["fit"]["coef"] = [0.0, 0.0]
    data["fit"]["p_upper"] = [1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="features"):
        ContextCorrection.from_dict(data)
