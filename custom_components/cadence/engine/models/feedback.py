"""Feedback on alerts: how likely the household is to agree that an alert is real.

A detector's alert has a kind ("high", "still", "heat", ...) and a moment: the kind
of day and the hour it was raised. `Agreement` is a logistic regression on those,
trained on the household's labels with the log-loss (the cost of the review's
logistic regression): `p = sigmoid(PRIOR + w . x)`, one weight per kind, kind of day
and three-hour block, with neighbouring blocks and the other kind of day sharing
part of each example. The prior margin is fixed, so with no labels p is about 0.88
and every alert fires as the detector says; three "false alarm" labels on one
recurring pattern bring its p below one half while other kinds and hours keep
theirs (an alert in the next block still fires). A plain gradient step per label
(LEARNING_RATE) keeps that count exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from ..codec import as_list, bounded, check_version, integer
from .logistic import sigmoid

VERSION = 1
PRIOR = 2.0
LEARNING_RATE = 0.6
L2 = 0.01
BLOCK_HOURS = 3
BLOCKS = 24 // BLOCK_HOURS
# How much of an example the neighbouring blocks and the other kind of day share.
NEIGHBOUR = 0.5
OTHER_DAY = 0.25
# Weights stay within this, so that no run of labels silences a kind for good.
WEIGHT_LIMIT = 10.0
# An alert fires while the household would agree with it at least this likely.
AGREE = 0.5


@dataclass(frozen=True, slots=True)
class Alert:
    """What an alert is, for feedback: its kind, kind of day and hour when raised."""

    kind: str
    workday: bool
    hour: int

    @classmethod
    def raised(cls, kind: str, when: datetime) -> Self:
        """Return the alert of a kind raised at a local moment (Monday-Friday work)."""
        return cls(kind, when.weekday() < 5, when.hour)

    def to_list(self) -> list[Any]:
        """Return [kind, workday, hour]."""
        return [self.kind, self.workday, self.hour]

    @classmethod
    def from_list(cls, data: object) -> Self:
        """Rebuild from `to_list` output; raise ValueError or TypeError if malformed."""
        kind, workday, hour = as_list(data, 3)
        if not isinstance(kind, str) or not isinstance(workday, bool):
            raise TypeError(f"alert: expected a kind and a flag, got {data!r}")
        return cls(kind, workday, integer(hour, 0, 24))


class Agreement:
    """The probability the household agrees with an alert of a detector."""

    __slots__ = ("kinds", "labels", "last", "weights")

    def __init__(self, kinds: tuple[str, ...]) -> None:
        """Know no labels for alerts of the given kinds."""
        self.kinds = kinds
        # weights[kind][day kind: 0 other day, 1 workday][block]
        self.weights = {k: [[0.0] * BLOCKS, [0.0] * BLOCKS] for k in kinds}
        self.labels = {"false_alarm": 0, "confirmed": 0}
        # The alert raised last, which a label without a moment is about.
        self.last: Alert | None = None

    def _features(self, alert: Alert) -> list[tuple[list[float], int, float]]:
        """Return (weights row, block, share) of every weight the alert touches."""
        rows = self.weights.get(alert.kind)
        if rows is None:
            return []
        block = alert.hour // BLOCK_HOURS
        own, other = rows[int(alert.workday)], rows[1 - int(alert.workday)]
        return [
            (own, block, 1.0),
            (other, block, OTHER_DAY),
            (own, (block - 1) % BLOCKS, NEIGHBOUR),
            (own, (block + 1) % BLOCKS, NEIGHBOUR),
        ]

    def predict(self, alert: Alert) -> float:
        """Return how likely the household is to agree with this alert."""
        margin = PRIOR + sum(row[b] * share for row, b, share in self._features(alert))
        return sigmoid(margin)

    def agrees(self, alert: Alert) -> bool:
        """Return whether the alert is likely enough to be agreed with to fire."""
        return self.predict(alert) >= AGREE

    def learn(self, alert: Alert, confirmed: bool) -> None:
        """Take one label: the household confirmed the alert, or called it false."""
        error = self.predict(alert) - (1.0 if confirmed else 0.0)
        for row, b, share in self._features(alert):
            step = LEARNING_RATE * (error * share + L2 * row[b])
            row[b] = max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, row[b] - step))
        self.labels["confirmed" if confirmed else "false_alarm"] += 1

    def to_dict(self) -> dict[str, Any]:
        """Return the weights and counts, JSON-safe."""
        return {
            "version": VERSION,
            "weights": {k: [list(r) for r in rows] for k, rows in self.weights.items()},
            "labels": dict(self.labels),
            "last": None if self.last is None else self.last.to_list(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], kinds: tuple[str, ...]) -> Self:
        """Rebuild for the given kinds; kinds not stored start with no labels.

        Raises ValueError, TypeError or KeyError when the data is malformed.
        """
        check_version(data, VERSION, "agreement")
        model = cls(kinds)
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise TypeError("agreement: expected weights by kind")
        for kind, rows in weights.items():
            if kind in model.weights:
                model.weights[kind] = [
                    [
                        bounded(w, -WEIGHT_LIMIT, WEIGHT_LIMIT)
                        for w in as_list(r, BLOCKS)
                    ]
                    for r in as_list(rows, 2)
                ]
        labels = data["labels"]
        for name in model.labels:
            model.labels[name] = integer(labels[name], 0, 2**53)
        last = data["last"]
        model.last = None if last is None else Alert.from_list(last)
        return model
