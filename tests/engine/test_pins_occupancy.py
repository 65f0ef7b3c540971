"""Pins of the occupancy forecast, its weekly habit and the preference model.

Expectations are literal numbers or hand computations, never the modules'
constants, so a changed constant fails them as surely as changed code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from household import BERLIN
import pytest

from custom_components.cadence.engine import Conditions
from custom_components.cadence.engine.models.occupancy import OccupancyModel, _sgd
from custom_components.cadence.engine.models.preference import PreferenceModel

MONDAY = datetime(2026, 1, 5, 12, 0, tzinfo=BERLIN)  # a Monday, on a slot boundary
MIN = timedelta(minutes=1)
START = [0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
# The per-lead biases of a model built by `_biased` (leads 0, 20, 60, 180, 480, 1440).
BIASES = [0.0, 1.0, 2.0, -1.0, 0.5, -2.0]


def _model(**changes: Any) -> OccupancyModel:
    """Return a model rebuilt from a fresh one's state with some keys replaced."""
    data = OccupancyModel().to_dict()
    data.update(changes)
    return OccupancyModel.from_dict(data)


def _biased() -> OccupancyModel:
    """Return a model with a bias per lead and weight 1 on every state feature."""
    return _model(w=[[b, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0] for b in BIASES])


# -- occupancy: leads ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lead_min", "expected"),
    [
        (-30.0, 0.5),  # a past window counts as lead 0
        (0.0, 0.5),
        (5.0, 0.6430252761405622),  # t = ln 6 / ln 21 of the way to 20 min
        (20.0, 0.7310585786300049),
        (60.0, 0.8807970779778823),
        (120.0, 0.5276688645008402),  # t = ln(121/61) / ln(181/61) from 1 h to 3 h
        (1440.0, 0.11920292202211755),
        (2000.0, 0.11920292202211755),  # past a day: the 24 h bucket
    ],
)
def test_lead_interpolates_bucket_log_odds_in_log1p_minutes(
    lead_min: float, expected: float
) -> None:
    """A lead between buckets mixes their log-odds linearly in log(1 + minutes)."""
    m = _biased()
    assert m.predict(MONDAY, MONDAY + lead_min * MIN) == pytest.approx(expected, 1e-9)


def test_without_state_history_state_features_are_zero() -> None:
    """Before anything is observed, weights on state features add nothing."""
    m = _biased()
    assert m.predict(MONDAY, MONDAY + 20 * MIN) == pytest.approx(0.7310585786300049)


def test_fresh_weights_forecast_the_saturated_habit_whatever_the_state() -> None:
    """Fresh weights: bias 0, half on each habit logit, nothing on the state."""
    m = _model(on=[1000.0] * 168, seen=[1000.0] * 168)
    now = MONDAY
    m.observe(now - 30 * MIN, True)  # on now: every state feature is nonzero
    # Both habit logits clip at 6: sigmoid(0.5 * 6 + 0.5 * 6).
    assert m.predict(now, now + 24 * 60 * MIN) == pytest.approx(0.9975273768433653)
    assert m.predict(now, now + 90 * MIN) == pytest.approx(0.9975273768433653)


def test_fresh_model_without_habit_says_one_half() -> None:
    """No habit, no weights learned: every lead forecasts 1/2."""
    m = OccupancyModel()
    m.observe(MONDAY - 30 * MIN, True)
    assert m.predict(MONDAY, MONDAY + 60 * MIN) == pytest.approx(0.5, abs=1e-12)


# -- occupancy: learning ------------------------------------------------------


def test_first_adagrad_step_size() -> None:
    """One label from 1/2: the bias moves by 0.1 * 0.5 / sqrt(1 + 0.25)."""
    m = OccupancyModel()
    m.learn(MONDAY, True)
    d = m.to_dict()
    for ws, gs in zip(d["w"], d["g2"], strict=True):
        assert ws == [0.0447, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
        assert gs == [1.25, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_twenty_minute_bucket_learns_from_the_state_twenty_minutes_before() -> None:
    """On at 20 min before the window but off at 15: the 20-min bucket saw 'on'."""
    m = OccupancyModel()
    m.observe(MONDAY - 60 * MIN, True)
    m.observe(MONDAY - 17 * MIN, False)
    m.learn(MONDAY, False)
    # err = 1/2 on feature 'on' = 1: -0.1 * 0.5 / sqrt(1.25).
    assert m.to_dict()["w"][1][3] == -0.0447


def test_l2_pulls_toward_the_start_weights() -> None:
    """With no error, L2 leaves START alone and pulls others toward it."""
    w = list(START)
    g2 = [1.0] * 8
    _sgd(w, g2, (0.0,) * 8, 0.5)
    assert w == START
    assert g2 == [1.0] * 8
    w = [0.0, 1.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    _sgd(w, g2, (0.0,) * 8, 0.5)
    # g = 1e-4 * (1.5 - 0.5): w -= 0.1 * 1e-4 / sqrt(1 + 1e-8).
    assert w[1] == pytest.approx(1.49999000000005, abs=1e-12)
    assert w[2] == 0.5


def test_samples_bound_in_stored_state() -> None:
    """Stored samples up to 2**62 are read back; one more is refused."""
    assert _model(samples=2**62).samples == 2**62
    with pytest.raises(ValueError, match="is outside"):
        _model(samples=2**62 + 1)


# -- week habit -----------------------------------------------------------------


def test_same_day_labels_do_not_join_the_habit() -> None:
    """Labels of today stay out of the habit until the local day ends."""
    m = OccupancyModel()
    m.learn(MONDAY, True)
    m.learn(MONDAY + 5 * MIN, True)
    assert m.confidence(MONDAY) == 0.0
    assert m.prior(MONDAY) == 0.5
    m.learn(MONDAY + timedelta(days=1), True)
    assert m.confidence(MONDAY) > 0.0


def test_label_splits_between_the_hours_around_the_window_centre() -> None:
    """10:05-10:20 is centred at 10:12.5: 0.2917 to the 9:00 cell, 0.7083 to 10:00."""
    m = OccupancyModel()
    when = MONDAY.replace(hour=10, minute=5)
    m.learn(when, True)
    m.learn(when + timedelta(days=1), False)  # the next day: Monday's counts join
    d = m.to_dict()
    assert d["on"][9] == 0.29
    assert d["seen"][9] == 0.29
    assert d["on"][10] == 0.71
    assert d["seen"][10] == 0.71
    assert sum(d["seen"]) == 1.0


def test_stored_day_bound() -> None:
    """A stored habit day up to 10**7 is read back; one more is refused."""
    _model(day=10**7)
    with pytest.raises(ValueError, match="is outside"):
        _model(day=10**7 + 1)


def test_stored_on_may_exceed_seen_by_rounding_only() -> None:
    """On may exceed seen by 0.02 (rounding), not by more."""
    on, seen = [0.0] * 168, [0.0] * 168
    on[5], seen[5] = 1.02, 1.0
    _model(on=on, seen=seen)
    on[5] = 1.5
    with pytest.raises(ValueError, match="within counts seen"):
        _model(on=on, seen=seen)


# -- preference ---------------------------------------------------------------


def _at(day: int, hour: int) -> Conditions:
    return Conditions(when=(MONDAY + timedelta(days=day)).replace(hour=hour))


def test_preference_stores_weights_to_three_decimals() -> None:
    """Stored weights keep three decimals."""
    p = PreferenceModel(0.0, 100.0)
    p.learn(_at(0, 8), 40.0, weight=1.23456)
    assert p.to_dict()["weight"][8] == 1.235


def test_preference_stored_day_bound() -> None:
    """A stored preference day below 10**7 is read back; 10**7 is refused."""
    data = PreferenceModel(0.0, 1.0).to_dict()
    PreferenceModel.from_dict({**data, "day": 10**7 - 1})
    with pytest.raises(ValueError, match="is outside"):
        PreferenceModel.from_dict({**data, "day": 10**7})
