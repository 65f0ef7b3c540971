"""Tests of the occupancy forecast model (engine/models/occupancy.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
import json
import random
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.cadence.engine.models.occupancy import (
    OccupancyModel,
    _sgd,
    average,
)

BERLIN = ZoneInfo("Europe/Berlin")
STEP = timedelta(minutes=5)

# A tick: (local time, in use now, in use in [tick, tick + 15 min)).
Tick = tuple[datetime, bool, bool]


def _routine(
    days: int, seed: int = 0, start: datetime | None = None, extra: int = 0
) -> list[Tick]:
    """Yield (tick, in use in [tick, tick+15 min)) of a holding sensor, daily routine.

    In use 7:00-8:00 and 18:00-23:00 local with a little jitter, every day.
    """
    rng = random.Random(seed)
    start = start or datetime(2025, 3, 3, tzinfo=BERLIN)
    ticks: list[Tick] = []
    spans: dict[date, list[tuple[float, float]]] = {}
    t = start.astimezone(UTC)
    end = t + timedelta(days=days)
    while t < end:  # step in UTC: a clock change neither repeats nor skips ticks
        when = t.astimezone(BERLIN)
        day = when.date()
        if day not in spans:
            j1, j2 = rng.gauss(0, 0.25), rng.gauss(0, 0.25)
            spans[day] = [(7 + j1, 8 + j1), (18 + j2, 23 + j2)]
            for _ in range(extra):  # unplanned visits at random hours, 40 minutes
                a = rng.uniform(0, 23)
                spans[day].append((a, a + 2 / 3))
        h = when.hour + when.minute / 60.0
        on = any(a <= h < b for a, b in spans[day])
        soon = any(a <= h + 0.25 and h < b for a, b in spans[day])
        ticks.append((when, on, soon))
        t += STEP
    return ticks


def _drive(
    model: OccupancyModel,
    ticks: list[Tick],
    lead: timedelta = timedelta(0),
    score_from: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ticks through the model prequentially; return (forecasts, labels)."""
    preds: list[float] = []
    labels: list[float] = []
    index = {t[0].astimezone(UTC): i for i, t in enumerate(ticks)}
    out: dict[int, float] = {}
    for i, (when, on, _soon) in enumerate(ticks):
        model.observe(when, on)
        j = i - 3  # label of 15 minutes ago is now known
        if j >= 0:
            model.learn(ticks[j][0], ticks[j][2])
        target = when.astimezone(UTC) + lead  # aware + timedelta is wall-clock: use UTC
        k = index.get(target)
        if k is not None:
            out[k] = model.predict(when, ticks[k][0])
    for k, p in out.items():
        if k >= score_from:
            preds.append(p)
            labels.append(float(ticks[k][2]))
    return np.array(preds), np.array(labels)


def _histogram(
    ticks: list[Tick], lead: timedelta = timedelta(0), score_from: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Prequential weekday-hour histogram (Laplace) at a lead."""
    counts: dict[tuple[int, int], list[float]] = {}
    preds: list[float] = []
    labels: list[float] = []
    for k, (when, _on, soon) in enumerate(ticks):
        issue = k - lead // STEP
        known = issue - 3
        # learn labels known by the issue time, in order
        while _histogram.known < known:
            _histogram.known += 1
            t = ticks[_histogram.known]
            cell = counts.setdefault((t[0].weekday(), t[0].hour), [0.0, 0.0])
            cell[0] += t[2]
            cell[1] += 1
        if k >= score_from and issue >= 0:
            cell = counts.get((when.weekday(), when.hour), [0.0, 0.0])
            preds.append((cell[0] + 0.5) / (cell[1] + 1))
            labels.append(float(soon))
    return np.array(preds), np.array(labels)


def test_round_trip_and_size() -> None:
    """A model survives a JSON round trip and stays within 4 KiB."""
    m = OccupancyModel()
    ticks = _routine(10)
    _drive(m, ticks)
    data = m.to_dict()
    text = json.dumps(data, separators=(",", ":"))
    assert len(text) <= 4096
    back = OccupancyModel.from_dict(json.loads(text))
    now = ticks[-1][0]
    for lead in (0, 30, 60, 360, 1440):
        when = now + timedelta(minutes=lead)
        assert back.predict(now, when) == pytest.approx(m.predict(now, when), abs=2e-3)
    assert back.samples == m.samples
    assert back.to_dict()["version"] == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d.update(version=99), ValueError),
        (lambda d: d.pop("w"), KeyError),
        (lambda d: d.update(on=d["on"][:-1]), ValueError),
        (lambda d: d.update(on="x"), TypeError),
        (lambda d: d.update(samples=-1), ValueError),
        (lambda d: d.update(samples=1.5), TypeError),
        (lambda d: d.update(state="on"), TypeError),
        (lambda d: d.update(any="zz"), ValueError),
        (lambda d: d.update(w=[[float("nan")] * 8] * 6), ValueError),
        (lambda d: d["seen"].__setitem__(0, -1.0), ValueError),
        (lambda d: d.update(today=[[500, 1.0, 1.0]]), ValueError),
        (lambda d: d.update(today=[[0, 2.0, 1.0]]), ValueError),
        (lambda d: d.update(slot=None), ValueError),
        (lambda d: d.update(hours="f" * 15), ValueError),
        (lambda d: d.update(last_on="yesterday"), TypeError),
        (lambda d: d.update(end=""), ValueError),
        (lambda d: d.update(end="1" + "0" * 80), ValueError),
    ],
)
def test_bad_stored_data_refused(
    change: Callable[[dict[str, Any]], object], error: type[Exception]
) -> None:
    """Corrupt or inconsistent stored data is refused with the right error."""
    m = OccupancyModel()
    _drive(m, _routine(2))
    data = json.loads(json.dumps(m.to_dict()))
    change(data)
    with pytest.raises(error):
        OccupancyModel.from_dict(data)


def test_not_a_dict_refused() -> None:
    """Stored data that is not a dict is refused with TypeError."""
    with pytest.raises(TypeError):
        OccupancyModel.from_dict([])  # type: ignore[arg-type]


def test_naive_times_refused() -> None:
    """Observe, learn and predict refuse naive times, and observe a non-boolean."""
    m = OccupancyModel()
    with pytest.raises(TypeError, match="expected a datetime"):
        m.predict("2025-01-01 12:00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on must be a bool"):
        m.observe(datetime(2025, 1, 1, 12, tzinfo=BERLIN), "on")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timezone-aware"):
        m.observe(datetime(2025, 1, 1, 12), True)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        m.learn(datetime(2025, 1, 1, 12), True)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        m.predict(datetime(2025, 1, 1, 12))  # noqa: DTZ001


def test_learns_a_daily_routine() -> None:
    """A daily routine is learned: busy evenings, empty nights a day ahead."""
    m = OccupancyModel()
    ticks = _routine(21)
    _drive(m, ticks)
    day = datetime(2025, 3, 24, tzinfo=BERLIN)
    # With an unknown present (a day ahead), the habit speaks.
    evening = m.predict(day - timedelta(days=1), day.replace(hour=20))
    night = m.predict(day - timedelta(days=1), day.replace(hour=3))
    assert evening > 0.8
    assert night < 0.1


def test_dst_uses_local_wall_clock() -> None:
    """The habit follows the local wall clock across clock changes."""
    # The routine keeps its local hours across the spring change (Mar 30 2025).
    m = OccupancyModel()
    ticks = _routine(35, start=datetime(2025, 3, 10, tzinfo=BERLIN))
    _drive(m, ticks)
    after = datetime(2025, 4, 14, 20, 0, tzinfo=BERLIN)
    assert m.predict(after - timedelta(days=1), after) > 0.8
    assert m.predict(after - timedelta(days=1), after.replace(hour=3)) < 0.1
    # A repeated wall-clock hour in autumn does not break the state.
    m2 = OccupancyModel()
    t = datetime(2025, 10, 26, 1, 0, tzinfo=UTC)
    for k in range(48):
        when = (t + k * STEP).astimezone(BERLIN)
        m2.observe(when, k % 2 == 0)
        m2.learn(when - timedelta(minutes=15), True)
    assert 0.0 < m2.predict(t.astimezone(BERLIN)) < 1.0
    OccupancyModel.from_dict(json.loads(json.dumps(m2.to_dict())))


def test_state_matters_at_lead_zero_not_at_a_day() -> None:
    """The current state counts at lead 0 but not a day ahead."""
    m = OccupancyModel()
    ticks = _routine(21, extra=3)
    _drive(m, ticks)
    now = datetime(2025, 3, 24, 3, 0, tzinfo=BERLIN)  # night: habit says empty
    m.observe(now, True)  # but someone is there now
    assert m.in_use_soon(now) > 0.5
    assert m.predict(now, now + timedelta(hours=24)) < 0.2


def test_forecast_at_24h_no_worse_than_histogram() -> None:
    """At a 24 h lead the forecast is no worse than a weekday-hour histogram."""
    ticks = _routine(42, seed=3)
    lead = timedelta(hours=24)
    start = 7 * 288
    p, y = _drive(OccupancyModel(), ticks, lead, score_from=start)
    _histogram.known = -1
    h, yh = _histogram(ticks, lead, score_from=start)
    assert len(y) == len(yh)
    brier_new = float(np.mean((p - y) ** 2))
    brier_hist = float(np.mean((h - yh) ** 2))
    assert brier_new <= brier_hist


def test_motion_pulses_recency_raises_the_forecast() -> None:
    """Recent motion pulses raise the forecast above the habit alone."""
    m = OccupancyModel()
    rng = random.Random(5)
    t = datetime(2025, 5, 5, tzinfo=BERLIN)
    # A zone used in bursts at random times: only recency can tell.
    busy_until = t
    for k in range(288 * 14):
        when = t + k * STEP
        if rng.random() < 0.02:
            busy_until = when + timedelta(minutes=40)
        pulse = when < busy_until and rng.random() < 0.7
        if pulse:
            m.observe(when, True)
            m.observe(when + timedelta(seconds=30), False)
        j = when - timedelta(minutes=15)
        m.learn(
            j,
            bool(
                j + timedelta(minutes=15) <= busy_until + timedelta(minutes=15)
                and j < busy_until
            ),
        )
    now = t + 288 * 14 * STEP
    m.observe(now, True)
    m.observe(now + timedelta(seconds=30), False)
    soon = m.in_use_soon(now + timedelta(minutes=1))
    quiet = OccupancyModel.from_dict(m.to_dict())
    later = now + timedelta(hours=6)
    assert soon > quiet.predict(later, later) + 0.2


def test_logistic_agrees_with_sklearn() -> None:
    """The per-lead logistic converges near sklearn's on the same features."""
    sklearn = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    n = 6000
    x = rng.normal(size=(n, 2))
    true = np.array([-0.5, 1.5, -1.0])
    z = true[0] + x @ true[1:]
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    # Drive the lead-0 logistic through its learn code path with synthetic features.
    m = OccupancyModel()
    w, g2 = m._w[0], m._g2[0]
    for xi, yi in zip(x, y, strict=True):
        _sgd(w, g2, (1.0, xi[0], xi[1], 0.0, 0.0, 0.0, 0.0, 0.0), float(yi))
    ref = sklearn.LogisticRegression(C=1e4).fit(x, y)
    mine = np.array(w[:3])
    theirs = np.array([ref.intercept_[0], *ref.coef_[0]])
    assert np.max(np.abs(mine - theirs)) < 0.25
    p_mine = 1 / (1 + np.exp(-(mine[0] + x @ mine[1:])))
    p_ref = ref.predict_proba(x)[:, 1]
    assert np.mean(np.abs(p_mine - p_ref)) < 0.03


def test_average_pools_weights() -> None:
    """Average pools the per-lead weights and starts with no samples."""
    a, b = OccupancyModel(), OccupancyModel()
    _drive(a, _routine(5, seed=1))
    _drive(b, _routine(5, seed=2))
    pooled = OccupancyModel.from_dict(average([a, b]))
    assert pooled.samples == 0
    assert pooled._w[0][0] == pytest.approx((a._w[0][0] + b._w[0][0]) / 2, abs=1e-3)
    with pytest.raises(ValueError, match="need at least one model"):
        average([])


def test_on_now_is_in_use_now_and_only_now() -> None:
    """A sensor on now answers the window it is in; later windows stay forecasts."""
    from custom_components.cadence.engine.models.occupancy import CERTAIN

    m = OccupancyModel()
    _drive(m, _routine(3))
    now = datetime(2025, 3, 6, 3, 0, tzinfo=BERLIN)
    m.observe(now, True)
    assert m.in_use_soon(now) == CERTAIN
    assert m.predict(now, now - timedelta(minutes=10)) == CERTAIN
    assert m.predict(now, now - timedelta(minutes=15)) < CERTAIN
    assert m.predict(now, now + timedelta(minutes=1)) < CERTAIN
    m.observe(now + timedelta(minutes=1), False)
    assert m.in_use_soon(now + timedelta(minutes=1)) < CERTAIN
