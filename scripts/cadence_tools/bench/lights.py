"""light_on on the UCI appliances house: the habit model beside prequential baselines.

A light is on in a 10-minute reading when its energy (`lights`, Wh) is above zero.
Every method predicts each reading from the readings before it only, and never from
the light's own recent state; scores are over the last three quarters of the data.
The timestamps carry no zone; they are read as UTC+1 (Belgian winter time).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
import itertools
import math
from pathlib import Path
import tempfile
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from cadence_tools import load_engine
from cadence_tools.channels import Row, engine_module
from cadence_tools.events import read_events
from cadence_tools.home import load_home
from cadence_tools.replay import Replay

from .data import appliances

engine = load_engine()
BELGIUM = timezone(timedelta(hours=1))
STEP = timedelta(minutes=10)
CLIMATE = [f"{kind}{room}" for room in range(1, 10) for kind in ("T", "RH_")]


def brier_auc(p: np.ndarray, on: np.ndarray) -> tuple[float, float]:
    """Return the Brier score and ROC AUC."""
    return float(np.mean((p - on) ** 2)), float(roc_auc_score(on, p))


def load() -> dict[str, Any]:
    """Return times, on/off, outdoor and the context readings, gaps marked missing."""
    columns = appliances()
    times = [t.replace(tzinfo=BELGIUM) for t in columns["date"]]
    missing = sum(round((b - a) / STEP) - 1 for a, b in itertools.pairwise(times))
    lights = np.asarray(columns["lights"], dtype=float)
    return {
        "times": times,
        "on": (lights > 0).astype(float),
        "known": ~np.isnan(lights),
        "outdoor": columns["T_out"],
        "power": columns["Appliances"],
        "climate": {name: columns[name] for name in CLIMATE},
        "missing": missing,
    }


def baselines(house: dict[str, Any]) -> dict[str, np.ndarray]:
    """Return each baseline's prequential probability per reading."""
    times: list[datetime] = house["times"]
    on: np.ndarray = house["on"]
    n = len(times)
    out = {
        name: np.full(n, np.nan)
        for name in (
            "time-of-week histogram (hour, Laplace)",
            "same slot yesterday",
            "same slot last week",
            "14-day same-slot mean",
            "EWMA per slot (alpha 0.3)",
            "sklearn LogisticRegression (daily refit)",
        )
    }
    counts: dict[tuple[int, int], list[float]] = {}
    by_slot: dict[datetime, float] = {}
    ewma: dict[int, float] = {}
    features = np.array(
        [
            engine.encode(engine.Conditions(when=t, outdoor_c=o))
            for t, o in zip(times, house["outdoor"], strict=True)
        ]
    )
    model: LogisticRegression | None = None
    day = None
    for i, when in enumerate(times):
        key = (when.weekday(), when.hour)
        seen = counts.get(key, [0.0, 0.0])
        out["time-of-week histogram (hour, Laplace)"][i] = (seen[0] + 0.5) / (
            seen[1] + 1
        )
        past = [by_slot.get(when - timedelta(days=k)) for k in range(1, 15)]
        out["same slot yesterday"][i] = 0.5 if past[0] is None else past[0]
        out["same slot last week"][i] = 0.5 if past[6] is None else past[6]
        values = [v for v in past if v is not None]
        out["14-day same-slot mean"][i] = np.mean(values) if values else 0.5
        minute = when.hour * 60 + when.minute
        out["EWMA per slot (alpha 0.3)"][i] = ewma.get(minute, 0.5)
        if when.date() != day:
            day = when.date()
            if i > 144 and 0 < on[:i].sum() < i:
                model = LogisticRegression(max_iter=500).fit(features[:i], on[:i])
        out["sklearn LogisticRegression (daily refit)"][i] = (
            0.5 if model is None else model.predict_proba(features[i : i + 1])[0, 1]
        )
        if house["known"][i]:
            seen[0] += on[i]
            seen[1] += 1
            counts[key] = seen
            by_slot[when] = on[i]
            before = ewma.get(minute)
            ewma[minute] = on[i] if before is None else before + 0.3 * (on[i] - before)
    return out


def cadence(house: dict[str, Any]) -> dict[str, np.ndarray] | None:
    """Return the engine's HabitModel probabilities, None when it does not exist."""
    habit = engine_module("habit", "HabitModel")
    activity = engine_module("activity", "ActivityTracker")
    if habit is None or activity is None:
        return None
    times = house["times"]
    out = {}
    for name, use_activity in (
        ("Cadence HabitModel, time only", False),
        ("Cadence HabitModel, time + activity", True),
    ):
        model = habit.HabitModel()
        tracker = activity.ActivityTracker()
        p = np.empty(len(times))
        for i, when in enumerate(times):
            level = tracker.update(
                {"appliances": house["power"][i]},
                {k: v[i] for k, v in house["climate"].items()},
            )
            x = engine.Conditions(when=when, activity=level if use_activity else None)
            p[i] = model.predict(x)
            if house["known"][i]:
                model.learn(x, bool(house["on"][i]))
        out[name] = p
    return out


def run_lights() -> dict[str, Any]:
    """Score every method on the last three quarters; JSON-safe."""
    house = load()
    on = house["on"]
    start = len(on) // 4
    methods = baselines(house)
    models = cadence(house)
    if models:
        via_replay = {
            "Cadence light_on via scripts/replay (10-minute ticks)": replay_light_on(
                house
            )
        }
        methods = {**via_replay, **models, **methods}
    evaluate = np.arange(len(on)) >= start
    evaluate &= house["known"]
    scores = {
        name: dict(
            zip(("brier", "auc"), brier_auc(p[evaluate], on[evaluate]), strict=True)
        )
        for name, p in methods.items()
    }
    return {
        "readings": len(on),
        "missing": house["missing"],
        "share_on": float(on.mean()),
        "first": house["times"][0].isoformat(),
        "last": house["times"][-1].isoformat(),
        "scores": scores,
        "cadence_missing": models is None,
        "nan": any(math.isnan(v["brier"]) for v in scores.values()),
    }


def replay_light_on(house: dict[str, Any]) -> np.ndarray:
    """Return `light_on` as scripts/replay predicts it at each reading (10-minute ticks).

    The house becomes one zone: the light, the appliance power and the nine rooms'
    temperature and humidity sensors (as `power` sensors, units included), and the
    outdoor temperature; each reading is one event per entity. The light's readings
    are marked a person's (user 1): nothing in that house switched lights but people,
    and only people teach a light's habit.
    """
    rows = []
    sensors = {"sensor.appliances": ("W", house["power"])}
    for name, values in house["climate"].items():
        unit = "%" if name.startswith("RH") else "°C"
        sensors[f"sensor.{name.lower()}"] = (unit, values)
    for i, when in enumerate(house["times"]):
        stamp = when.isoformat()
        light = "on" if house["on"][i] else "off"
        rows.append(f"{stamp},light.house,{light},,1\n")
        rows.append(f"{stamp},sensor.outdoor,{house['outdoor'][i]},,\n")
        for entity_id, (unit, values) in sensors.items():
            value = values[i]
            state = "unavailable" if math.isnan(value) else f"{value}"
            rows.append(
                f'{stamp},{entity_id},{state},"{{""unit_of_measurement"": ""{unit}""}}",\n'
            )
    home = (
        "timezone: Etc/GMT-1\nunit_system: metric\noutdoor_temperature: sensor.outdoor\n"
        "zones:\n  - name: house\n    lights: [light.house]\n"
        f"    power: [{', '.join(sensors)}]\n"
    )
    index = {t: i for i, t in enumerate(house["times"])}
    p = np.full(len(index), 0.5)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "home.yaml").write_text(home, encoding="utf-8")
        events = folder / "events.csv"
        events.write_text(
            "time,entity_id,state,attributes,user\n" + "".join(rows), encoding="utf-8"
        )

        def write(when: datetime, row: Row) -> None:
            if row.quantity == "light_on" and (i := index.get(when)) is not None:
                p[i] = row.value

        Replay(load_home(folder / "home.yaml"), write, every=STEP).feed(
            read_events(events)
        )
    return p
