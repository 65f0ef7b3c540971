"""Setpoints of six real homes, a day ahead, beside the median baselines.

Data: the CityLearn 2023 challenge buildings (`citylearn==2.1.2` wheel, MIT, read
from the bench cache and never committed): six single-family homes, hourly,
June to August (92 days), cooling. Their setpoints vary from day to day like a
thermostat's log (most are whole °F), but the data set does not say where they
come from; indoor temperature and loads are simulated. Times are local wall-clock
hours without a zone (`Hour` 1-24 ends the hour; the year follows from `Day Type`
of June 1st); outdoor temperature from the same folder's weather.csv.

Each home is fed hour by hour to a `SetpointLearner` (a different setpoint than the
hour before is a person's choice; the same one is kept), exactly as the engine
learns live, with a tick half an hour into each hour as the live coordinator ticks.
Then Cadence predicts hour i + 24 from what it knows (lead 24 h, as
`scripts/replay --lead 24h`). Baselines see setpoints up to hour i, as Cadence.
Scored after a 14-day warm-up. Besides the issue's baselines, 7- and 21-day medians
show how much a per-home choice of window could give at best (picked in hindsight).
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
import io
from itertools import pairwise
import math
from statistics import median
import zipfile

from cadence_tools import load_engine

from .data import fetch_wheel
from .setpoint import count_change_hits

engine = load_engine()
SPEC = "citylearn==2.1.2"
FOLDER = "citylearn/data/citylearn_challenge_2023_phase_3_1/"
HOMES = 6
SLOT = timedelta(minutes=30)
LEAD = 24  # hours
WARM_UP = 14 * 24
METHODS = (
    "Cadence",
    "14-day same-hour median",
    "14-day same-hour median, by kind of day",
    "same hour yesterday",
    "same hour last week",
)
# Same-hour medians by window length, pooling all days; the 7- and 21-day ones show
# the best window per home in hindsight.
MEDIANS = {
    "7-day same-hour median": 7,
    "14-day same-hour median": 14,
    "21-day same-hour median": 21,
}
WINDOWS = tuple(name for name in MEDIANS if name not in METHODS)


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    """Return the rows of one CSV of the folder."""
    text = archive.read(FOLDER + name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def homes() -> dict[str, list[tuple[datetime, float, float]]]:
    """Return each home's hours: (local wall-clock time, setpoint °C, outdoor °C)."""
    with zipfile.ZipFile(fetch_wheel(SPEC)) as archive:
        weather = [
            float(r["Outdoor Drybulb Temperature (C)"])
            for r in _rows(archive, "weather.csv")
        ]
        found = {}
        for number in range(1, HOMES + 1):
            rows = _rows(archive, f"Building_{number}.csv")
            weekday = int(rows[0]["Day Type"])  # 1 Monday .. 7 Sunday
            year = next(
                y for y in range(2016, 2030) if date(y, 6, 1).isoweekday() == weekday
            )
            # Hour 1 ends at 01:00: the first row is the hour from midnight.
            start = datetime(year, int(rows[0]["Month"]), 1, tzinfo=UTC)
            found[f"Building_{number}"] = [
                (
                    start + timedelta(hours=i),
                    float(row["Temperature Set Point (C)"]),
                    weather[i],
                )
                for i, row in enumerate(rows)
            ]
    return found


def _workday(when: datetime) -> bool:
    return when.weekday() < 5


def predict_home(hours: list[tuple[datetime, float, float]]) -> dict[str, list[float]]:
    """Return every method's prediction of each hour, made LEAD hours before."""
    n = len(hours)
    setpoints = [value for _, value, _ in hours]
    out: dict[str, list[float]] = {
        name: [math.nan] * n for name in (*METHODS, *WINDOWS)
    }
    confidence = [math.nan] * n
    pooled = [math.nan] * n
    # When `next_change`, asked half an hour into hour i, said the setpoint moves.
    foretold: list[datetime | None] = [None] * n
    learner = engine.SetpointLearner()
    for i, (when, value, outdoor) in enumerate(hours):
        source = (
            engine.Source.PERSON
            if i and value != setpoints[i - 1]
            else engine.Source.DEVICE
        )
        learner.observe(engine.Conditions(when=when, outdoor_c=outdoor), value, source)
        # A tick half an hour in credits the setpoint kept in hour i's first slot, as
        # the live tick does: the baselines know hour i's setpoint too.
        now = engine.Conditions(when=when + SLOT, outdoor_c=outdoor)
        learner.hold(now)
        if (change := learner.model.next_change(now)) is not None:
            foretold[i] = change.when
        target = i + LEAD
        if target < n:
            ahead = engine.Conditions(when=hours[target][0], outdoor_c=outdoor)
            if (p := learner.model.predict(ahead)) is not None:
                out["Cadence"][target] = p.value_c
                confidence[target] = p.confidence
                pooled[target] = float(learner.model.days == "all_days")
    for j in range(n):
        known = j - LEAD  # setpoints up to here are known when predicting hour j
        kind = _workday(hours[j][0])
        same_kind = [
            setpoints[j - 24 * k]
            for k in range(1, 29)
            if 0 <= j - 24 * k <= known and _workday(hours[j - 24 * k][0]) == kind
        ][
            : 10 if kind else 4
        ]  # two weeks of that kind: ten workdays or four weekend days
        for name, days in MEDIANS.items():
            window = [
                setpoints[j - 24 * k]
                for k in range(1, days + 1)
                if 0 <= j - 24 * k <= known
            ]
            out[name][j] = median(window) if window else math.nan
        out["14-day same-hour median, by kind of day"][j] = (
            median(same_kind) if same_kind else math.nan
        )
        out["same hour yesterday"][j] = setpoints[j - 24] if j >= 24 else math.nan
        out["same hour last week"][j] = setpoints[j - 168] if j >= 168 else math.nan
    out["confidence"] = confidence
    out["pooled"] = pooled
    out["foretold"] = foretold  # type: ignore[assignment]
    return out


def run_real_setpoints() -> dict[str, object]:
    """Score every home; MAE per method and home, and Cadence's by confidence level."""
    per_home: dict[str, dict[str, float]] = {}
    levels = {"low": [0, 0.0], "medium": [0, 0.0], "high": [0, 0.0]}
    changes = 0
    hits = {"ticks": 0, "cadence": 0, "yesterday": 0}
    found = homes()
    for name, hours in found.items():
        predicted = predict_home(hours)
        actual = [value for _, value, _ in hours]
        changes += sum(a != b for a, b in pairwise(actual))
        times = [when for when, _, _ in hours]
        for key, count in count_change_hits(
            times, actual, predicted["foretold"], times[WARM_UP], per_day=24
        ).items():
            hits[key] += count
        scored = [
            j
            for j in range(WARM_UP, len(hours))
            if all(not math.isnan(predicted[m][j]) for m in METHODS)
        ]
        per_home[name] = {
            m: sum(abs(predicted[m][j] - actual[j]) for j in scored) / len(scored)
            for m in (*METHODS, *WINDOWS)
        }
        per_home[name]["hours"] = len(scored)
        # Share of the scored hours whose schedule pooled all days alike.
        per_home[name]["pooled"] = sum(predicted["pooled"][j] for j in scored) / len(
            scored
        )
        for j in scored:
            sure = predicted["confidence"][j]
            level = "low" if sure < 0.3 else ("medium" if sure < 0.5 else "high")
            levels[level][0] += 1
            levels[level][1] += abs(predicted["Cadence"][j] - actual[j])
    total_hours = sum(len(h) for h in found.values())
    return {
        "homes": per_home,
        "levels": {
            k: {"hours": v[0], "abs_error_sum": v[1]} for k, v in levels.items()
        },
        "changed_share": changes / max(1, total_hours - HOMES),
        "next_change": hits,
    }
