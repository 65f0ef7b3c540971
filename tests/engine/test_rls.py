"""Tests of RecursiveLeastSquares against batch ridge regression and itself."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest
from sklearn.linear_model import Ridge  # type: ignore[import-untyped]

from custom_components.cadence.engine import RecursiveLeastSquares

values = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
weights = st.floats(0.0, 5.0, allow_nan=False, allow_infinity=False)


@st.composite
def observations(
    draw: st.DrawFn,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Draw a design matrix with a constant column, targets, weights and a ridge."""
    n_features = draw(st.integers(1, 5))
    n_rows = draw(st.integers(1, 30))
    x = np.array(
        [
            [1.0, *draw(st.lists(values, min_size=n_features, max_size=n_features))]
            for _ in range(n_rows)
        ]
    )
    y = np.array(draw(st.lists(values, min_size=n_rows, max_size=n_rows)))
    w = np.array(draw(st.lists(weights, min_size=n_rows, max_size=n_rows)))
    ridge = draw(st.floats(0.1, 10.0))
    return x, y, w, ridge


def fitted(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, **kwargs: Any
) -> RecursiveLeastSquares:
    """Return a model that learned the rows one at a time."""
    model = RecursiveLeastSquares(x.shape[1], **kwargs)
    for row, target, weight in zip(x, y, w, strict=True):
        model.learn(row, float(target), float(weight))
    return model


def test_rls_equals_sklearn_weighted_ridge() -> None:
    """With no forgetting, RLS is exactly the batch weighted ridge fit."""
    rng = np.random.default_rng(7)
    x = np.column_stack([np.ones(200), rng.normal(size=(200, 6))])
    y = x @ rng.normal(size=7) + rng.normal(scale=0.5, size=200)
    w = rng.uniform(0.0, 3.0, size=200)
    model = fitted(x, y, w, ridge=0.7)
    oracle = Ridge(alpha=0.7, fit_intercept=False).fit(x, y, sample_weight=w)
    np.testing.assert_allclose(model.coef, oracle.coef_, rtol=0, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(observations())
def test_rls_equals_batch_ridge_on_any_data(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, float],
) -> None:
    """Whatever the data, RLS agrees with solving the weighted ridge equations."""
    x, y, w, ridge = data
    model = fitted(x, y, w, ridge=ridge)
    gram = x.T @ (w[:, None] * x) + ridge * np.eye(x.shape[1])
    expected = np.linalg.solve(gram, x.T @ (w * y))
    np.testing.assert_allclose(model.coef, expected, rtol=1e-7, atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(observations(), st.floats(0.8, 1.0))
def test_rls_covariance_stays_exactly_symmetric(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, float], forgetting: float
) -> None:
    """P is symmetric to the last bit after any sequence of updates."""
    x, y, w, ridge = data
    model = fitted(x, y, w, ridge=ridge, forgetting=forgetting)
    p = model.covariance
    assert np.array_equal(p, p.T)


@settings(max_examples=40, deadline=None)
@given(observations(), st.floats(0.8, 1.0))
def test_rls_round_trip_through_json_is_exact(
    data: tuple[np.ndarray, np.ndarray, np.ndarray, float], forgetting: float
) -> None:
    """A restored model predicts, and goes on learning, exactly like the original."""
    x, y, w, ridge = data
    model = fitted(x, y, w, ridge=ridge, forgetting=forgetting)
    restored = RecursiveLeastSquares.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.array_equal(restored.coef, model.coef)
    for original in (model, restored):
        original.learn(x[0], 1.5, 0.5)
    assert np.array_equal(restored.coef, model.coef)
    assert restored.predict(x[-1]) == model.predict(x[-1])
    assert restored.to_dict() == model.to_dict()


def test_rls_with_forgetting_tracks_a_changed_relationship() -> None:
    """After the relationship flips, a forgetting fit follows; a plain fit lags."""
    rng = np.random.default_rng(3)
    forgetting = RecursiveLeastSquares(2, forgetting=0.95)
    remembering = RecursiveLeastSquares(2)
    for slope in (2.0, -1.0):
        for _ in range(300):
            row = np.array([1.0, rng.normal()])
            for model in (forgetting, remembering):
                model.learn(row, slope * row[1])
    assert forgetting.coef[1] == pytest.approx(-1.0, abs=0.01)
    assert remembering.coef[1] > -0.2


def test_rls_forgetting_is_per_unit_of_weight() -> None:
    """Many light observations fade the past exactly as much as one heavy one."""
    heavy = RecursiveLeastSquares(1, forgetting=0.9)
    light = RecursiveLeastSquares(1, forgetting=0.9)
    for model in (heavy, light):
        model.learn(np.array([1.0]), 10.0, 5.0)
    # A zero feature vector carries no information: only the forgetting acts.
    heavy.learn(np.array([0.0]), 0.0, 4.0)
    for _ in range(8):
        light.learn(np.array([0.0]), 0.0, 0.5)
    assert light.covariance[0, 0] == pytest.approx(heavy.covariance[0, 0], rel=1e-12)
    assert heavy.covariance[0, 0] == pytest.approx(1 / (0.9**5 + 5) / 0.9**4, rel=1e-12)


def test_rls_does_not_wind_up_in_directions_never_seen() -> None:
    """A feature that stays 0 keeps its prior uncertainty however long we forget."""
    model = RecursiveLeastSquares(2, forgetting=0.9, ridge=2.0)
    for _ in range(2000):
        model.learn(np.array([1.0, 0.0]), 3.0)
    assert float(np.trace(model.covariance)) <= 2 / 2.0 + 1e-12
    model.learn(np.array([1.0, 1.0]), 3.0)
    assert abs(model.coef[1]) < 0.1


def test_rls_zero_weight_changes_nothing() -> None:
    """An observation of weight 0 is ignored."""
    model = RecursiveLeastSquares(2)
    model.learn(np.array([1.0, 2.0]), 5.0, 0.0)
    assert model.to_dict() == RecursiveLeastSquares(2).to_dict()


@pytest.mark.parametrize(
    ("y", "weight"), [(1.0, -0.1), (1.0, float("nan")), (float("inf"), 1.0)]
)
def test_rls_refuses_bad_observations(y: float, weight: float) -> None:
    """Negative or non-finite weights and non-finite targets raise ValueError."""
    with pytest.raises(ValueError, match="must be finite"):
        RecursiveLeastSquares(1).learn(np.array([1.0]), y, weight)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_features": 0},
        {"n_features": 2, "forgetting": 0.0},
        {"n_features": 2, "forgetting": 1.1},
        {"n_features": 2, "ridge": 0.0},
    ],
)
def test_rls_refuses_bad_settings(kwargs: dict[str, Any]) -> None:
    """Settings outside their range raise ValueError."""
    with pytest.raises(ValueError, match="must be"):
        RecursiveLeastSquares(**kwargs)


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"coef": []},
        {"coef": "abc"},
        {"coef": [1.0, True]},
        {"coef": [1.0, float("nan")]},
        {"p_upper": [1.0]},
        {"forgetting": 2.0},
        {"ridge": "1.0"},
    ],
)
def test_rls_from_dict_refuses_malformed_state(change: dict[str, Any]) -> None:
    """Malformed state raises ValueError or TypeError, never half-loads."""
    data = RecursiveLeastSquares(2).to_dict() | change
    with pytest.raises((ValueError, TypeError)):
        RecursiveLeastSquares.from_dict(data)


def test_rls_takes_plain_floats_and_numpy_alike() -> None:
    """Plain floats and numpy numbers fit the same, and the state stays plain floats."""
    rng = np.random.default_rng(11)
    rows = rng.normal(size=(50, 3))
    plain = RecursiveLeastSquares(3, forgetting=0.97)
    vectors = RecursiveLeastSquares(3, forgetting=0.97)
    for row in rows:
        target = float(row.sum())
        plain.learn(tuple(row.tolist()), target, 0.5)
        # numpy numbers inside a plain sequence, and as the target, too.
        vectors.learn(list(row), np.float64(target), np.float64(0.5))
    assert plain.to_dict() == vectors.to_dict()
    assert plain.predict(rows[0]) == vectors.predict(tuple(rows[0].tolist()))
    state = vectors.to_dict()
    assert {type(v) for v in [*state["coef"], *state["p_upper"]]} == {float}
