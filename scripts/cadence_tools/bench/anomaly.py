"""expected and anomalies on the UCI household's sub-meters, with injected faults.

A 120-day window of the French household's three sub-meters, as 5-minute mean power
(W) per sensor; a 5-minute block with no reading is `unavailable`. Four kinds of
fault are injected, four times each, after a 28-day warm-up and at least three days
apart (seeded): an appliance left on (kitchen +2 kW for 6 h), a fridge failure
(laundry/fridge circuit at 0 W for 24 h), a stuck sensor (water heater/AC circuit
frozen at its last reading for 12 h) and heating that does not heat (water heater/AC
circuit at 0 W for 24 h). Added loads wobble by the meters' 12 W steps, as a real
appliance's readings do (only the stuck sensor repeats one value). A fault counts as found when the sensor is flagged at any
tick from its start to an hour after its end; a flag that starts outside every such
window is a false alarm, counted per 30 days on the clean data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
import math
from pathlib import Path
import random
from statistics import median
import tempfile
from typing import Any

import numpy as np

from cadence_tools.channels import Row
from cadence_tools.events import read_events
from cadence_tools.home import load_home
from cadence_tools.replay import Replay, Writer

from .data import household_power

FRANCE = timezone(timedelta(hours=1))
START = datetime(2008, 1, 1)  # noqa: DTZ001  # the data's own naive clock
DAYS = 120
STEP = timedelta(minutes=5)
EVERY = timedelta(minutes=15)
WARM_UP_DAYS = 28
GRACE = timedelta(hours=1)
SENSORS = {
    "sensor.kitchen": "Sub_metering_1",
    "sensor.laundry_fridge": "Sub_metering_2",
    "sensor.water_heater_ac": "Sub_metering_3",
}
HOME_YAML = (
    "timezone: Etc/GMT-1\nunit_system: metric\nzones:\n  - name: house\n"
    f"    power: [{', '.join(SENSORS)}]\n"
)
# name: (sensor, hours, how the readings change)
FAULTS: dict[str, tuple[str, float, Callable[[np.ndarray, slice], None]]] = {}


def jitter(span: slice, seed: int) -> np.ndarray:
    """Return a real load's wobble over a span, seeded.

    The sub-meters count 1 Wh a minute, 12 W steps in a five-minute mean: -1, 0 or
    +1 step at random.
    """
    rng = np.random.default_rng(seed)
    return 12.0 * rng.integers(-1, 2, size=span.stop - span.start)


def _left_on(values: np.ndarray, span: slice) -> None:
    values[span] += 2000.0 + jitter(span, span.start)


def _zero(values: np.ndarray, span: slice) -> None:
    values[span] = 0.0


def _stuck(values: np.ndarray, span: slice) -> None:
    values[span] = values[span.start - 1]


FAULTS.update(
    {
        "appliance left on": ("sensor.kitchen", 6, _left_on),
        "fridge failure": ("sensor.laundry_fridge", 24, _zero),
        "stuck sensor": ("sensor.water_heater_ac", 12, _stuck),
        "HVAC not heating": ("sensor.water_heater_ac", 24, _zero),
    }
)


def load() -> tuple[list[datetime], dict[str, np.ndarray]]:
    """Return 5-minute times and mean power per sensor, NaN where nothing was read."""
    times, columns = household_power()
    first = times.index(START)
    minutes = DAYS * 1440
    out = {}
    for sensor, column in SENSORS.items():
        watts = np.asarray(columns[column][first : first + minutes], dtype=float) * 60.0
        blocks = watts.reshape(-1, 5)
        counts = np.sum(~np.isnan(blocks), axis=1)
        sums = np.nansum(blocks, axis=1)
        out[sensor] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    stamps = [(START + STEP * i).replace(tzinfo=FRANCE) for i in range(minutes // 5)]
    return stamps, out


def inject(
    values: dict[str, np.ndarray], kind: str, seed: int
) -> tuple[dict[str, np.ndarray], list[slice]]:
    """Return a copy of the readings with four faults of one kind, and where they are."""
    sensor, hours, change = FAULTS[kind]
    rng = random.Random(seed)
    out = {k: v.copy() for k, v in values.items()}
    per_day = 288
    spans = []
    day = WARM_UP_DAYS + rng.randrange(3)
    while len(spans) < 4 and day < DAYS - 2:
        start = day * per_day + rng.randrange(per_day)
        span = slice(start, start + int(hours * 12))
        change(out[sensor], span)
        spans.append(span)
        day += rng.randrange(8, 20)
    return out, spans


def replay(
    times: list[datetime], values: dict[str, np.ndarray]
) -> dict[str, dict[datetime, dict[str, float]]]:
    """Replay the readings; return per sensor, per tick, Cadence's quantities."""
    out: dict[str, dict[datetime, dict[str, float]]] = {s: {} for s in SENSORS}

    def write(when: datetime, row: Row) -> None:
        if row.entity_id in out:
            out[row.entity_id].setdefault(when, {})[row.quantity] = row.value

    def lines() -> Iterator[str]:
        for i, when in enumerate(times):
            stamp = when.isoformat()
            for sensor, series in values.items():
                value = series[i]
                state = "unavailable" if math.isnan(value) else f"{value:.1f}"
                yield f'{stamp},{sensor},{state},"{{""unit_of_measurement"": ""W""}}",\n'

    replay_lines(HOME_YAML, lines(), write)
    return out


def replay_lines(home_yaml: str, lines: Iterable[str], write: Writer) -> None:
    """Replay events given as CSV lines (without the header) in a home's YAML."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "home.yaml").write_text(home_yaml, encoding="utf-8")
        events = folder / "events.csv"
        with events.open("w", encoding="utf-8") as handle:
            handle.write("time,entity_id,state,attributes,user\n")
            handle.writelines(lines)
        Replay(load_home(folder / "home.yaml"), write, every=EVERY).feed(
            read_events(events)
        )


def alarms(flags: list[tuple[datetime, bool]]) -> list[datetime]:
    """Return the start of each run of raised flags."""
    starts, before = [], False
    for when, flag in flags:
        if flag and not before:
            starts.append(when)
        before = flag
    return starts


def detect_baselines(
    times: list[datetime], series: np.ndarray, floor: float = 50.0
) -> dict[str, list[tuple[datetime, bool]]]:
    """Return each baseline detector's flag per 15-minute tick, from past readings only.

    14-day same-slot median: the reading is more than 5 MADs (at least 50 W) from
    the median of the same 5 minutes on the 14 days before, for 30 minutes running.
    Time-of-week histogram: more than 4 standard deviations from the mean of all
    earlier readings of the same hour of the week (at least 50 W), for 30 minutes.
    EWMA, a running z-score: more than 4 deviations from an exponentially weighted
    mean and spread (alpha 0.05), for 30 minutes. `floor` (50 W) is in the
    series' unit.
    """
    out: dict[str, list[tuple[datetime, bool]]] = {
        "14-day same-slot median": [],
        "time-of-week histogram": [],
        "EWMA (alpha 0.05)": [],
    }
    run = dict.fromkeys(out, 0)
    hour_sums: dict[tuple[int, int], list[float]] = {}
    mean, var = None, 0.0
    for i, when in enumerate(times):
        value = series[i]
        known = not math.isnan(value)
        past = [series[i - 288 * k] for k in range(1, 15) if i - 288 * k >= 0]
        past = [v for v in past if not math.isnan(v)]
        far = {}
        if past and known:
            med = median(past)
            mad = median(abs(v - med) for v in past)
            far["14-day same-slot median"] = abs(value - med) > max(5 * mad, floor)
        cell = (when.weekday(), when.hour)
        sums = hour_sums.get(cell)
        if sums and sums[0] > 10 and known:
            m = sums[1] / sums[0]
            sd = math.sqrt(max(sums[2] / sums[0] - m * m, 0.0))
            far["time-of-week histogram"] = abs(value - m) > max(4 * sd, floor)
        if mean is not None and known:
            far["EWMA (alpha 0.05)"] = abs(value - mean) > max(
                4 * math.sqrt(var), floor
            )
        for name, is_far in far.items():
            run[name] = run[name] + 1 if is_far else 0
        if known:
            hour_sums.setdefault(cell, [0.0, 0.0, 0.0])
            hour_sums[cell][0] += 1
            hour_sums[cell][1] += value
            hour_sums[cell][2] += value * value
            if mean is None:
                mean = value
            else:
                delta = value - mean
                mean += 0.05 * delta
                var = 0.95 * (var + 0.05 * delta * delta)
        if when.minute % 15 == 0:
            for name, flags in out.items():
                flags.append((when, run[name] >= 6))
    return out


def expected_baselines(
    times: list[datetime], series: np.ndarray
) -> dict[str, np.ndarray]:
    """Return each baseline's expected value per reading, from earlier readings only."""
    n = len(series)
    names = (
        "same slot yesterday",
        "same slot last week",
        "14-day same-slot median",
        "time-of-week histogram (hour mean)",
        "EWMA per slot (alpha 0.3)",
    )
    out = {name: np.full(n, np.nan) for name in names}
    hour_sums: dict[tuple[int, int], list[float]] = {}
    ewma: dict[int, float] = {}
    for i, when in enumerate(times):
        past = np.array(
            [series[i - 288 * k] if i - 288 * k >= 0 else np.nan for k in range(1, 15)]
        )
        out[names[0]][i] = past[0]
        out[names[1]][i] = past[6]
        if not np.isnan(past).all():
            out[names[2]][i] = float(np.nanmedian(past))
        cell = (when.weekday(), when.hour)
        sums = hour_sums.setdefault(cell, [0.0, 0.0])
        if sums[0]:
            out[names[3]][i] = sums[1] / sums[0]
        slot = i % 288
        out[names[4]][i] = ewma.get(slot, np.nan)
        value = series[i]
        if not math.isnan(value):
            sums[0] += 1
            sums[1] += value
            before = ewma.get(slot)
            ewma[slot] = value if before is None else before + 0.3 * (value - before)
    return out


def score_flags(
    flags: list[tuple[datetime, bool]],
    windows: list[tuple[datetime, datetime]],
    first: datetime,
) -> tuple[int, int]:
    """Return (faults found, alarms outside every fault window) after `first`."""
    found = sum(
        any(flag and a <= t <= b + GRACE for t, flag in flags) for a, b in windows
    )
    false = sum(
        1
        for start in alarms([(t, f) for t, f in flags if t >= first])
        if not any(a <= start <= b + GRACE for a, b in windows)
    )
    return found, false


def run_anomaly(seed: int = 1) -> dict[str, Any]:
    """Score Cadence and the baselines: expected MAE, faults found, false alarms."""
    times, clean = load()
    first = times[0] + timedelta(days=WARM_UP_DAYS)
    clean_days = (times[-1] - first).total_seconds() / 86400
    methods = (
        "Cadence",
        "14-day same-slot median",
        "time-of-week histogram",
        "EWMA (alpha 0.05)",
    )
    results: dict[str, Any] = {"faults": {}, "false_per_30d": {}, "expected_mae": {}}
    cadence = replay(times, clean)
    index = {t: i for i, t in enumerate(times)}
    false = dict.fromkeys(methods, 0)
    errors: dict[str, list[float]] = {"Cadence": []}
    baselines = {
        sensor: expected_baselines(times, series) for sensor, series in clean.items()
    }
    for sensor, series in clean.items():
        ticks = sorted(cadence[sensor])
        flags = [(t, cadence[sensor][t].get("anomaly", 0.0) > 0.5) for t in ticks]
        false["Cadence"] += score_flags(flags, [], first)[1]
        for name, base in detect_baselines(times, series).items():
            false[name] += score_flags(base, [], first)[1]
        for t in ticks:
            actual = series[index[t]]
            if t >= first and not math.isnan(actual):
                errors["Cadence"].append(abs(cadence[sensor][t]["expected"] - actual))
                for name, guess in baselines[sensor].items():
                    errors.setdefault(name, []).append(abs(guess[index[t]] - actual))
    results["false_per_30d"] = {
        m: false[m] / len(SENSORS) / clean_days * 30 for m in methods
    }
    # A baseline without a value yet (NaN) is left out of its own mean.
    results["expected_mae"] = {m: float(np.nanmean(e)) for m, e in errors.items()}
    for number, kind in enumerate(FAULTS):
        sensor = FAULTS[kind][0]
        faulty, spans = inject(clean, kind, seed + number)
        windows = [(times[s.start], times[s.stop - 1]) for s in spans]
        cadence = replay(times, faulty)
        ticks = sorted(cadence[sensor])
        flags = [(t, cadence[sensor][t].get("anomaly", 0.0) > 0.5) for t in ticks]
        found = {"Cadence": score_flags(flags, windows, first)}
        for name, base in detect_baselines(times, faulty[sensor]).items():
            found[name] = score_flags(base, windows, first)
        results["faults"][kind] = {
            m: {"found": f, "of": len(spans), "false": x} for m, (f, x) in found.items()
        }
    return results
