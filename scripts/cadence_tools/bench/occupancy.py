"""Occupancy on the simulated household: motion within the next 15 minutes.

Cadence's `occupancy` comes from scripts/replay's own code at 15-minute ticks. The
baselines learn the same label (any motion in the next 15 minutes) from ticks whose
label was already known at the time, i.e. at least 15 minutes old.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
from pathlib import Path
import tempfile
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from cadence_tools.channels import Row
from cadence_tools.events import read_events
from cadence_tools.home import load_home
from cadence_tools.replay import Replay

from .lights import brier_auc
from .simulator import SimulatedHome, write_events

BERLIN = ZoneInfo("Europe/Berlin")
EVERY = timedelta(minutes=15)
WARM_UP_DAYS = 14


def run_occupancy(seed: int = 1, days: int = 90) -> dict[str, Any]:
    """Replay one household at lead 0 and score occupancy beside the baselines."""
    home = SimulatedHome(
        seed=seed, start=datetime(2025, 9, 1, tzinfo=BERLIN), days=days
    )
    cadence: dict[datetime, float] = {}
    with tempfile.TemporaryDirectory() as name:
        home_path, events_path = write_events(home, Path(name))
        motion = [
            e.time
            for e in read_events(events_path)
            if e.entity_id == "binary_sensor.living_motion" and e.state == "on"
        ]

        def write(when: datetime, row: Row) -> None:
            if row.quantity == "occupancy":
                cadence[when] = row.value

        summary = Replay(load_home(home_path), write, every=EVERY).feed(
            read_events(events_path)
        )
    ticks = sorted(cadence)
    label = np.array(
        [bisect_right(motion, t + EVERY) > bisect_right(motion, t) for t in ticks],
        dtype=float,
    )
    methods: dict[str, np.ndarray] = {
        "Cadence occupancy via scripts/replay": np.array([cadence[t] for t in ticks])
    }
    methods.update(_baselines(ticks, label))
    first = summary.first + timedelta(days=WARM_UP_DAYS)
    mask = np.array([t >= first for t in ticks])
    return {
        "ticks": int(mask.sum()),
        "share": float(label[mask].mean()),
        "scores": {
            name: dict(
                zip(("brier", "auc"), brier_auc(p[mask], label[mask]), strict=True)
            )
            for name, p in methods.items()
        },
    }


def _baselines(ticks: list[datetime], label: np.ndarray) -> dict[str, np.ndarray]:
    """Return prequential baselines, each learning a label once it is known."""
    names = (
        "time-of-week histogram (hour, Laplace)",
        "same slot yesterday",
        "14-day same-slot mean",
        "EWMA per slot (alpha 0.3)",
    )
    out = {name: np.full(len(ticks), 0.5) for name in names}
    counts: dict[tuple[int, int], list[float]] = {}
    seen: dict[tuple[object, int], float] = {}
    ewma: dict[int, float] = {}
    known = 0
    for i, when in enumerate(ticks):
        while ticks[known] + EVERY <= when:
            then = ticks[known].astimezone(BERLIN)
            value = label[known]
            cell = counts.setdefault((then.weekday(), then.hour), [0.0, 0.0])
            cell[0] += value
            cell[1] += 1
            minute = then.hour * 60 + then.minute
            seen[then.date(), minute] = value
            before = ewma.get(minute)
            ewma[minute] = value if before is None else before + 0.3 * (value - before)
            known += 1
        local = when.astimezone(BERLIN)
        minute = local.hour * 60 + local.minute
        cell = counts.get((local.weekday(), local.hour), [0.0, 0.0])
        out[names[0]][i] = (cell[0] + 0.5) / (cell[1] + 1)
        past = [
            seen.get((local.date() - timedelta(days=k), minute)) for k in range(1, 15)
        ]
        out[names[1]][i] = 0.5 if past[0] is None else past[0]
        values = [v for v in past if v is not None]
        out[names[2]][i] = float(np.mean(values)) if values else 0.5
        out[names[3]][i] = ewma.get(minute, 0.5)
    return out
