"""Setpoint quality on the simulated household: Cadence beside naive and batch baselines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
import io
from itertools import pairwise
import math
from pathlib import Path
from statistics import median
import tempfile
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge

from cadence_tools import load_engine
from cadence_tools.channels import Row, SetpointChannel
from cadence_tools.cli import run
from cadence_tools.events import read_events
from cadence_tools.home import load_home
from cadence_tools.replay import Replay
from cadence_tools.state import EntityState, HomeState

from .simulator import ROUTINE, SimulatedHome, write_events

engine = load_engine()
BERLIN = ZoneInfo("Europe/Berlin")
EVERY = timedelta(minutes=15)
WARM_UP_DAYS = 21
EWMA_ALPHA = 0.3
METHODS = (
    "Cadence",
    "same slot yesterday",
    "same slot last week",
    "14-day same-slot median",
    "14-day same-slot median, by kind of day",
    "time-of-week histogram (mode)",
    "time-of-week histogram (mean)",
    "EWMA per slot (alpha 0.3)",
    "sklearn Ridge (daily refit)",
    "sklearn HistGradientBoosting (weekly refit, 28 days)",
    "persistence (current setpoint)",
)


class Recorder:
    """A channel that records the Conditions each prediction was made with.

    At lead 0 it also asks the thermostat's model, as the sensor does, when it
    expects the next change (None: none within 24 hours).
    """

    def __init__(self, zone: Any, setpoints: Any) -> None:
        """Record for one zone, whose first thermostat's model it asks."""
        self.zone = zone
        self.seen: dict[datetime, object] = {}
        self.next_change: dict[datetime, datetime | None] = {}
        self._channel = setpoints.pipeline.channel("thermostats", zone.thermostats[0])

    def watches(self) -> set[str]:
        """Watch nothing."""
        return set()

    def on_event(self, event: object, old: EntityState | None, home: HomeState) -> None:
        """Learn nothing."""

    def on_tick(self, now: datetime, home: HomeState) -> None:
        """Do nothing."""

    def predict(self, now: datetime, when: datetime, home: HomeState) -> Iterator[Row]:
        """Record the conditions (and at lead 0 the next change), predict nothing."""
        if now != when:
            self.seen[when] = home.conditions_at(self.zone, now, when)
            return iter(())
        x = self.seen[when] = home.conditions(self.zone, now)
        learner = self._channel.learners.get("temperature")
        if learner is not None and learner.model.samples:
            change = learner.model.next_change(x)
            self.next_change[when] = None if change is None else change.when
        return iter(())


def replay_household(
    seed: int, days: int, lead: timedelta, scenario: str = ROUTINE
) -> dict[str, object]:
    """Replay one simulated household; return ticks, Cadence, features and truth."""
    home = SimulatedHome(
        seed=seed,
        start=datetime(2025, 9, 1, tzinfo=BERLIN),
        days=days,
        scenario=scenario,
    )
    with tempfile.TemporaryDirectory() as folder:
        home_path, events_path = write_events(home, Path(folder))
        config = load_home(home_path)
        setpoints = SetpointChannel(config)
        recorder = Recorder(config.zones[0], setpoints)
        cadence: dict[datetime, float] = {}
        confidence: dict[datetime, float] = {}

        def write(when: datetime, row: Row) -> None:
            cadence[when] = row.value
            confidence[when] = row.confidence

        replay = Replay(
            config, write, every=EVERY, lead=lead, channels=[setpoints, recorder]
        )
        summary = replay.feed(read_events(events_path))
        csv_text = io.StringIO()
        run(home_path, events_path, csv_text, every=EVERY, lead=lead)
    ticks = sorted(t for t in recorder.seen if summary.first <= t <= summary.last)
    return {
        "seed": seed,
        "lead_h": lead.total_seconds() / 3600,
        "ticks": ticks,
        "cadence": [cadence.get(t, math.nan) for t in ticks],
        "confidence": [confidence.get(t, math.nan) for t in ticks],
        "next_change": [recorder.next_change.get(t) for t in ticks],
        "features": np.array([engine.encode(recorder.seen[t]) for t in ticks]),
        "actual": [home.actual_c(t) if home.available(t) else math.nan for t in ticks],
        "preferred": [home.preferred_c(t) for t in ticks],
        "state_bytes": max(setpoints.state_bytes().values()),
        "events": summary.events,
        "same_as_cli": len(csv_text.getvalue().splitlines()) - 1 == len(cadence),
        "household": home,
    }


def baselines(result: dict[str, object]) -> dict[str, list[float]]:
    """Return every baseline's prediction per tick, using only what was known then."""
    ticks: list[datetime] = result["ticks"]  # type: ignore[assignment]
    actual: list[float] = result["actual"]  # type: ignore[assignment]
    features: np.ndarray = result["features"]  # type: ignore[assignment]
    lead = timedelta(hours=float(result["lead_h"]))  # type: ignore[arg-type]
    day_off = result["household"].is_day_off  # type: ignore[attr-defined]
    local = [t.astimezone(BERLIN) for t in ticks]
    slot = [(t.date(), t.hour * 60 + t.minute) for t in local]
    seen: dict[tuple[date, int], float] = {}
    by_week: dict[tuple[int, int], Counter[float]] = {}
    ewma: dict[int, float] = {}
    out: dict[str, list[float]] = {name: [] for name in METHODS[1:]}
    known = 0  # ticks[:known] are known
    ridge: Ridge | None = None
    boost: HistGradientBoostingRegressor | None = None
    fitted_for: date | None = None
    last_value = math.nan
    for i, when in enumerate(ticks):
        while known < len(ticks) and ticks[known] <= when - lead:
            value = actual[known]
            if not math.isnan(value):
                day, minute = slot[known]
                seen[day, minute] = value
                by_week.setdefault((day.weekday(), minute), Counter())[value] += 1
                before = ewma.get(minute)
                ewma[minute] = (
                    value if before is None else before + EWMA_ALPHA * (value - before)
                )
                last_value = value
            known += 1
        day, minute = slot[i]
        history = [seen.get((day - timedelta(days=k), minute)) for k in range(1, 15)]
        past = [v for v in history if v is not None]
        counts = by_week.get((day.weekday(), minute))
        out["same slot yesterday"].append(_or_nan(history[0]))
        out["same slot last week"].append(_or_nan(history[6]))
        out["14-day same-slot median"].append(median(past) if past else math.nan)
        # Two weeks of the same kind as the workday sensor told it: ten workdays or
        # four days off, from the last four weeks. The sensor tells only today's kind,
        # so a day ahead the target's kind is the calendar's, as for Cadence.
        kind = day_off(day) if lead < timedelta(hours=1) else day.weekday() >= 5
        same_kind = [
            v
            for k in range(1, 29)
            if day_off(day - timedelta(days=k)) == kind
            and (v := seen.get((day - timedelta(days=k), minute))) is not None
        ][: 4 if kind else 10]
        out["14-day same-slot median, by kind of day"].append(
            median(same_kind) if same_kind else math.nan
        )
        out["time-of-week histogram (mode)"].append(
            counts.most_common(1)[0][0] if counts else math.nan
        )
        out["time-of-week histogram (mean)"].append(
            sum(v * n for v, n in counts.items()) / counts.total()
            if counts
            else math.nan
        )
        out["EWMA per slot (alpha 0.3)"].append(ewma.get(minute, math.nan))
        out["persistence (current setpoint)"].append(
            last_value if lead == timedelta(0) else math.nan
        )
        if fitted_for != day:
            fitted_for = day
            rows = np.array([j for j in range(known) if not math.isnan(actual[j])])
            if len(rows) > 96:
                target = np.asarray(actual)[rows]
                ridge = Ridge(alpha=1.0).fit(features[rows], target)
                if boost is None or day.weekday() == 0:
                    recent = rows[-28 * 96 :]
                    boost = HistGradientBoostingRegressor(max_iter=60, random_state=0)
                    boost.fit(features[recent], np.asarray(actual)[recent])
        row = features[i : i + 1]
        out["sklearn Ridge (daily refit)"].append(
            float(ridge.predict(row)[0]) if ridge is not None else math.nan
        )
        out["sklearn HistGradientBoosting (weekly refit, 28 days)"].append(
            float(boost.predict(row)[0]) if boost is not None else math.nan
        )
    return out


def _or_nan(value: float | None) -> float:
    """Return value, NaN for None."""
    return math.nan if value is None else value


def score(result: dict[str, object]) -> dict[str, dict[str, float]]:
    """Return MAE per method against the actual and the preferred setpoint."""
    predicted = {"Cadence": result["cadence"], **baselines(result)}
    ticks: list[datetime] = result["ticks"]  # type: ignore[assignment]
    first = ticks[0] + timedelta(days=WARM_UP_DAYS)
    actual = np.asarray(result["actual"])
    preferred = np.asarray(result["preferred"])
    lead0 = float(result["lead_h"]) == 0  # type: ignore[arg-type]
    mask = np.array([t >= first for t in ticks]) & ~np.isnan(actual)
    for name, values in predicted.items():
        if name.startswith("persistence") and not lead0:
            continue
        mask &= ~np.isnan(np.asarray(values, dtype=float))
    scores = {}
    for name, values in predicted.items():
        guess = np.asarray(values, dtype=float)[mask]
        if guess.size == 0 or np.isnan(guess).any():
            continue
        scores[name] = {
            "actual": float(np.mean(np.abs(guess - actual[mask]))),
            "preferred": float(np.mean(np.abs(guess - preferred[mask]))),
            "ticks": int(mask.sum()),
        }
    return scores


# Confidence buckets: the sensor's levels (low below 30 %, medium, high from 50 %),
# and how near a predicted next change must fall to count.
BUCKETS = (0.0, 0.3, 0.5, 1.01)
CHANGE_WINDOW = timedelta(minutes=30)
CHANGE_MIN_C = 0.3  # as next_change: a move of at least 0.3 °C
DAY_TICKS = int(timedelta(days=1) / EVERY)


def by_confidence(result: dict[str, object]) -> list[dict[str, float]]:
    """Return Cadence's MAE (against the actual setpoint) per confidence bucket."""
    ticks: list[datetime] = result["ticks"]  # type: ignore[assignment]
    first = ticks[0] + timedelta(days=WARM_UP_DAYS)
    guess = np.asarray(result["cadence"], dtype=float)
    sure = np.asarray(result["confidence"], dtype=float)
    actual = np.asarray(result["actual"], dtype=float)
    usable = np.array([t >= first for t in ticks]) & ~np.isnan(guess + actual + sure)
    rows = []
    for low, high in pairwise(BUCKETS):
        mask = usable & (sure >= low) & (sure < high)
        errors = np.abs(guess[mask] - actual[mask])
        rows.append(
            {
                "from": low,
                "ticks": int(mask.sum()),
                "abs_error_sum": float(errors.sum()),
            }
        )
    return rows


def _real_changes(
    ticks: list[datetime], actual: list[float], per_day: int
) -> list[datetime | None]:
    """Return, per tick, when the actual setpoint next moved by 0.3 °C within 24 h."""
    found: list[datetime | None] = []
    for i, value in enumerate(actual):
        nxt = None
        if not math.isnan(value):
            for j in range(i + 1, min(len(ticks), i + per_day + 1)):
                if not math.isnan(actual[j]) and abs(actual[j] - value) >= CHANGE_MIN_C:
                    nxt = ticks[j]
                    break
        found.append(nxt)
    return found


def next_change_hits(result: dict[str, object]) -> dict[str, int]:
    """Count ticks whose real next change (within 24 h) was foretold within 30 min.

    Cadence's is its model's `next_change`; the naive baseline expects the change
    yesterday's same moment saw next, a day later.
    """
    ticks: list[datetime] = result["ticks"]  # type: ignore[assignment]
    return count_change_hits(
        ticks,
        result["actual"],  # type: ignore[arg-type]
        result["next_change"],  # type: ignore[arg-type]
        ticks[0] + timedelta(days=WARM_UP_DAYS),
    )


def count_change_hits(
    ticks: list[datetime],
    actual: list[float],
    predicted: list[datetime | None],
    first: datetime,
    per_day: int = DAY_TICKS,
) -> dict[str, int]:
    """Count ticks from `first` whose real next change was foretold within 30 min.

    `predicted` holds, per tick, when `next_change` said the setpoint would move
    (None: not within 24 hours); `per_day` is the ticks in a day.
    """
    real = _real_changes(ticks, actual, per_day)
    counts = {"ticks": 0, "cadence": 0, "yesterday": 0}
    for i, when in enumerate(ticks):
        if when < first or real[i] is None or i < per_day:
            continue
        counts["ticks"] += 1
        truth = real[i]
        guess = predicted[i]
        if guess is not None and abs(guess - truth) <= CHANGE_WINDOW:
            counts["cadence"] += 1
        before = real[i - per_day]
        if (
            before is not None
            and abs(before + timedelta(days=1) - truth) <= CHANGE_WINDOW
        ):
            counts["yesterday"] += 1
    return counts


def run_one(
    seed: int, days: int, lead_h: float, scenario: str = ROUTINE
) -> dict[str, object]:
    """Replay and score one household at one lead; JSON-safe plus a plot sample."""
    result = replay_household(seed, days, timedelta(hours=lead_h), scenario)
    scores = score(result)
    ticks = result["ticks"]
    week = slice(len(ticks) - 7 * 96, len(ticks))
    return {
        "seed": seed,
        "scenario": scenario,
        "lead_h": lead_h,
        "scores": scores,
        "buckets": by_confidence(result),
        "next_change": next_change_hits(result) if lead_h == 0 else None,
        "events": result["events"],
        "state_bytes": result["state_bytes"],
        "same_as_cli": result["same_as_cli"],
        "plot": {
            "ticks": [t.isoformat() for t in ticks[week]],
            "cadence": result["cadence"][week],
            "actual": result["actual"][week],
            "preferred": result["preferred"][week],
        },
    }
