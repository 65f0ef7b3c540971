"""Anomalies on real, labelled temperature failures: two series of the Numenta benchmark.

NAB's `realKnownCause` holds two temperature series in °F with known failures: an
office's ambient temperature, hourly for ten months (two failure windows), and an
industrial machine's, every five minutes for two and a half months (four windows,
the last a catastrophic failure). Each is replayed as a `sensor` with
`unit_of_measurement` °F in a home on UTC; a window counts as found when the sensor
is flagged at any 15-minute tick from its start to an hour after its end, and a
flag that starts outside every window is a false alarm. NAB's windows are wide (a
tenth of the series around each labelled failure), so a flag anywhere in one counts.
Copy: github.com/numenta/NAB (data/realKnownCause, labels/combined_windows.json),
read from the cache folder as the other real data sets are (see realdata.py).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
import json
import math
from typing import Any

import numpy as np

from cadence_tools.channels import Row

from .anomaly import GRACE, STEP, alarms, detect_baselines, replay_lines
from .realdata import _obtain

SERIES = {
    "ambient temperature (office, hourly)": "ambient_temperature_system_failure",
    "machine temperature (5-minute)": "machine_temperature_system_failure",
}
FOLDER = "data/realKnownCause"
WINDOWS = "labels/combined_windows.json"
HOME_YAML = (
    "timezone: UTC\nunit_system: us_customary\nzones:\n  - name: plant\n"
    "    power: [sensor.temperature]\n"
)
ATTRIBUTES = '"{""unit_of_measurement"": ""°F"", ""device_class"": ""temperature""}"'
# A reading is held for at most this long on the baselines' 5-minute grid.
HOLD = timedelta(hours=2)
# The baselines' floors are in watts for the household; here 1 °F.
FLOOR_F = 1.0


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=UTC)


def load() -> dict[
    str, tuple[list[tuple[datetime, float]], list[tuple[datetime, datetime]]]
]:
    """Return per series its readings in time order and its failure windows."""
    names = [f"{FOLDER}/{file}.csv" for file in SERIES.values()]
    folder = _obtain("nab", "numenta/NAB", [*names, WINDOWS])
    windows = json.loads((folder / WINDOWS).read_text(encoding="utf-8"))
    out = {}
    for title, file in SERIES.items():
        with (folder / FOLDER / f"{file}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))[1:]
        # The machine series has a few rows out of order: keep the first of each time.
        seen: dict[datetime, float] = {}
        for text, value in rows:
            seen.setdefault(_parse(text), float(value))
        spans = [
            (_parse(a), _parse(b)) for a, b in windows[f"realKnownCause/{file}.csv"]
        ]
        out[title] = (sorted(seen.items()), spans)
    return out


def replay(readings: list[tuple[datetime, float]]) -> list[tuple[datetime, bool]]:
    """Replay one series through Cadence; return its flag at each 15-minute tick."""
    flags: list[tuple[datetime, bool]] = []

    def write(when: datetime, row: Row) -> None:
        if row.quantity == "anomaly":
            flags.append((when, row.value > 0.5))

    replay_lines(
        HOME_YAML,
        (
            f"{when.isoformat()},sensor.temperature,{value:.4f},{ATTRIBUTES},\n"
            for when, value in readings
        ),
        write,
    )
    return flags


def grid(readings: list[tuple[datetime, float]]) -> tuple[list[datetime], np.ndarray]:
    """Return the readings on a 5-minute grid, each held until the next (or HOLD)."""
    start = readings[0][0]
    steps = int((readings[-1][0] - start) / STEP) + 1
    times = [start + STEP * i for i in range(steps)]
    values = np.full(steps, math.nan)
    for (when, value), after in zip(readings, [*readings[1:], None], strict=True):
        until = min(after[0] if after else when + STEP, when + HOLD)
        first = int((when - start) / STEP)
        last = max(first + 1, math.ceil((until - start) / STEP))
        values[first:last] = value
    return times, values


def score(
    flags: list[tuple[datetime, bool]], windows: list[tuple[datetime, datetime]]
) -> dict[str, float]:
    """Return windows found, false alarms, and false alarms per 30 days outside."""
    found = sum(
        any(flag and a <= t <= b + GRACE for t, flag in flags) for a, b in windows
    )
    false = [
        start
        for start in alarms(flags)
        if not any(a <= start <= b + GRACE for a, b in windows)
    ]
    span = flags[-1][0] - flags[0][0]
    inside = sum((b + GRACE - a for a, b in windows), timedelta())
    days = max((span - inside).total_seconds() / 86400, 1.0)
    return {
        "found": found,
        "of": len(windows),
        "false": len(false),
        "false_per_30d": len(false) / days * 30,
    }


def run_nab() -> dict[str, Any]:
    """Score Cadence and the baselines on each NAB temperature series."""
    results: dict[str, Any] = {}
    for title, (readings, windows) in load().items():
        per = {"Cadence": score(replay(readings), windows)}
        times, values = grid(readings)
        for name, flags in detect_baselines(times, values, floor=FLOOR_F).items():
            per[name] = score(flags, windows)
        results[title] = per
    return results


def nab_section(results: dict[str, Any]) -> list[str]:
    """Return the markdown of the NAB comparison."""
    lines = [
        "## Anomalies on real labelled temperature failures (NAB)",
        "",
        __doc__.split("\n", 2)[2].strip(),
        "",
        "Windows found of labelled, false alarms outside them, and per 30 days:",
        "",
        "| series | method | windows found | false alarms | per 30 days |",
        "| --- | --- | --- | --- | --- |",
    ]
    for title, per in results.items():
        for name, r in per.items():
            lines.append(
                f"| {title} | {name} | {r['found']}/{r['of']} | {r['false']} "
                f"| {r['false_per_30d']:.1f} |"
            )
    return [*lines, ""]
