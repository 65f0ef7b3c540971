"""Tests of OnlineLogistic against scikit-learn's batch fit and itself."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from custom_components.cadence.engine import OnlineLogistic
from custom_components.cadence.engine.models.logistic import (
    FEATURE_LIMIT,
    logit,
    sigmoid,
)


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Return the mean log-loss of probabilities p for labels y."""
    p = np.clip(p, 1e-15, 1.0 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def test_online_logistic_agrees_with_sklearn_after_several_epochs() -> None:
    """AdaGrad without decay converges to the same fit as the batch L2 optimum."""
    rng = np.random.default_rng(3)
    n = 600
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 4))])
    true = np.array([-0.5, 1.5, -2.0, 0.7, 0.0])
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-x @ true))
    l2 = 1e-3
    model = OnlineLogistic(5, rate=0.5, l2=l2)
    for _ in range(40):
        for i in rng.permutation(n):
            model.learn(x[i], bool(y[i]))
    oracle = LogisticRegression(C=1.0 / (l2 * n), fit_intercept=False, tol=1e-10)
    oracle.fit(x, y)
    online = np.array([model.predict_proba(row) for row in x])
    batch = oracle.predict_proba(x)[:, 1]
    assert np.corrcoef(online, batch)[0, 1] > 0.999
    assert np.array_equal(np.sign(model.coef[:4]), np.sign(oracle.coef_[0][:4]))
    yy = y.astype(float)
    assert log_loss(online, yy) <= log_loss(batch, yy) * 1.02
    np.testing.assert_allclose(model.coef, oracle.coef_[0], atol=0.1)


def test_weight_counts_an_event_more_than_once() -> None:
    """A weight of zero teaches nothing; a weight moves the fit further."""
    x = np.array([1.0, 2.0])
    light, heavy = OnlineLogistic(2, l2=0.0), OnlineLogistic(2, l2=0.0)
    light.learn(x, True, 0.0)
    assert light.coef.tolist() == [0.0, 0.0]
    light.learn(x, True, 1.0)
    heavy.learn(x, True, 1.0)
    heavy.learn(x, True, 3.0)
    assert heavy.predict_proba(x) > light.predict_proba(x) > 0.5


def test_decay_keeps_the_steps_large_enough_to_follow_a_change() -> None:
    """With decay the fit turns to a flipped habit faster than without."""
    x = np.array([1.0])
    fading, lasting = OnlineLogistic(1, decay=0.99), OnlineLogistic(1)
    for _ in range(2000):
        fading.learn(x, True)
        lasting.learn(x, True)
    before = fading.coef[0], lasting.coef[0]
    for _ in range(100):
        fading.learn(x, False)
        lasting.learn(x, False)
    assert before[0] - fading.coef[0] > 1.2 * (before[1] - lasting.coef[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_features": 0}, "n_features"),
        ({"n_features": 2, "rate": 0.0}, "rate"),
        ({"n_features": 2, "l2": -1.0}, "l2"),
        ({"n_features": 2, "decay": 0.0}, "decay"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, float], message: str) -> None:
    """Settings that make no sense raise at construction."""
    with pytest.raises(ValueError, match=message):
        OnlineLogistic(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", [-1.0, math.inf, math.nan])
def test_bad_weights_are_refused(weight: float) -> None:
    """A weight must be finite and not negative."""
    with pytest.raises(ValueError, match="weight"):
        OnlineLogistic(1).learn(np.array([1.0]), True, weight)


features = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-1e300, 1e300),
    ),
    min_size=3,
    max_size=3,
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(features, st.booleans()), min_size=1, max_size=20))
def test_probabilities_stay_in_range_whatever_the_input(
    events: list[tuple[list[float], bool]],
) -> None:
    """NaN, infinite and huge features never make a NaN or leave [0, 1]."""
    model = OnlineLogistic(3, rate=1.0, decay=0.9)
    for values, on in events:
        x = np.array(values, dtype=np.float64)
        model.learn(x, on)
        p = model.predict_proba(x)
        assert 0.0 <= p <= 1.0
        assert np.isfinite(model.coef).all()
    assert np.abs(model.coef).max() < 1e9 * FEATURE_LIMIT


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(features, st.booleans()), max_size=10))
def test_round_trip_through_json_is_exact(
    events: list[tuple[list[float], bool]],
) -> None:
    """to_dict survives JSON and from_dict rebuilds the same model, to the bit."""
    model = OnlineLogistic(3, l2=0.01, decay=0.95)
    for values, on in events:
        model.learn(np.array(values, dtype=np.float64), on)
    data = json.loads(json.dumps(model.to_dict(), allow_nan=False))
    again = OnlineLogistic.from_dict(data)
    assert again.to_dict() == model.to_dict()
    x = np.array([1.0, -0.5, 2.0])
    assert again.predict_proba(x) == model.predict_proba(x)


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"coef": []},
        {"coef": [1.0, "a"]},
        {"g2": [1.0]},
        {"g2": [1.0, -1.0]},
        {"rate": -1.0},
    ],
)
def test_malformed_state_is_refused(change: dict[str, object]) -> None:
    """Stored state that cannot be right raises instead of loading."""
    data = {**OnlineLogistic(2).to_dict(), **change}
    with pytest.raises((ValueError, TypeError)):
        OnlineLogistic.from_dict(data)


def test_sigmoid_and_logit_are_inverse_and_bounded() -> None:
    """The link functions never overflow and undo each other."""
    assert sigmoid(1e308) < 1.0
    assert sigmoid(-1e308) > 0.0
    assert logit(0.0) < -30.0 < 30.0 < logit(1.0)
    assert logit(sigmoid(1.25)) == pytest.approx(1.25)
