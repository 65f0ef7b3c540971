"""Tests for feedback on alerts: the household's labels as a logistic regression."""

from __future__ import annotations

from datetime import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from custom_components.cadence.engine import Agreement, Alert
from custom_components.cadence.engine.models.feedback import WEIGHT_LIMIT
from custom_components.cadence.engine.models.logistic import sigmoid

KINDS = ("high", "low", "still")
SAUNA = Alert("high", workday=False, hour=10)


def test_with_no_labels_every_alert_fires() -> None:
    """The prior alone: about 0.88 for any kind, day and hour."""
    agreement = Agreement(KINDS)
    for alert in (SAUNA, Alert("still", True, 3), Alert("other", True, 23)):
        assert agreement.predict(alert) == pytest.approx(sigmoid(2.0))
        assert agreement.agrees(alert)


def test_three_false_alarms_silence_one_pattern_and_no_other() -> None:
    """The same kind at the same hours stops firing after three labels, not two."""
    agreement = Agreement(KINDS)
    fired = []
    for _ in range(3):
        agreement.learn(SAUNA, confirmed=False)
        fired.append(agreement.agrees(SAUNA))
    assert fired == [True, True, False]
    assert not agreement.agrees(Alert("high", workday=False, hour=11))  # same block
    assert not agreement.agrees(Alert("high", workday=False, hour=9))
    assert agreement.agrees(Alert("high", workday=False, hour=13))  # next block
    assert agreement.agrees(Alert("high", workday=True, hour=10))  # a workday
    assert agreement.agrees(Alert("still", workday=False, hour=10))  # another kind
    assert agreement.agrees(Alert("high", workday=False, hour=22))
    assert agreement.labels == {"false_alarm": 3, "confirmed": 0}


def test_confirmations_bring_a_silenced_pattern_back_and_weights_stay_bounded() -> None:
    """Confirmed alerts raise the agreement; a thousand labels stay within bounds."""
    agreement = Agreement(KINDS)
    for _ in range(3):
        agreement.learn(SAUNA, confirmed=False)
    agreement.learn(SAUNA, confirmed=True)
    assert agreement.agrees(SAUNA)
    for _ in range(1000):
        agreement.learn(SAUNA, confirmed=False)
    rows = agreement.weights["high"]
    assert min(min(row) for row in rows) >= -WEIGHT_LIMIT
    assert agreement.predict(SAUNA) < 0.05  # the L2 pull keeps it from zero
    agreement.learn(Alert("other", True, 1), confirmed=False)  # not a kind: counted
    assert agreement.labels["false_alarm"] == 1004


def test_an_alert_knows_its_day_and_hour() -> None:
    """Monday to Friday are workdays; the hour is the local one."""
    berlin = ZoneInfo("Europe/Berlin")
    assert Alert.raised("still", datetime(2026, 11, 20, 14, 5, tzinfo=berlin)) == Alert(
        "still", True, 14
    )
    assert Alert.raised("high", datetime(2026, 11, 21, 0, 0, tzinfo=berlin)) == Alert(
        "high", False, 0
    )


def test_agreement_round_trips_and_refuses_damage() -> None:
    """JSON in, JSON out; stored kinds no longer raised are dropped, new ones fresh."""
    agreement = Agreement(KINDS)
    agreement.learn(SAUNA, confirmed=False)
    agreement.last = SAUNA
    data = json.loads(json.dumps(agreement.to_dict()))
    again = Agreement.from_dict(data, KINDS)
    assert again.to_dict() == agreement.to_dict()
    assert again.last == SAUNA
    fewer = Agreement.from_dict(data, ("high", "new"))
    assert set(fewer.weights) == {"high", "new"}
    assert fewer.predict(SAUNA) == agreement.predict(SAUNA)
    for key, value in (
        ("weights", []),
        ("weights", {"high": [[0.0] * 8]}),
        ("weights", {"high": [[99.0] * 8, [0.0] * 8]}),
        ("labels", {"false_alarm": -1, "confirmed": 0}),
        ("last", ["high", "yes", 10]),
        ("last", ["high", True, 24]),
        ("version", 0),
    ):
        with pytest.raises((ValueError, TypeError)):
            Agreement.from_dict({**data, key: value}, KINDS)
