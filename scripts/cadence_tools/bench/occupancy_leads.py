"""Occupancy forecasts at leads 0, 1 h, 6 h and 24 h, on simulated and real zones.

Each zone's sensor is replayed through `scripts/replay`'s own loop and the engine's
`OccupancyChannel` (the channel Home Assistant runs), which says at t - lead how
likely the zone is in use in [t, t + 15 min). Beside it, prequential baselines that
know only what was known at t - lead: a time-of-week histogram (weekday x hour,
Laplace) of the labels known by then, and persistence (any "on" in the 15 minutes
before t - lead). Brier scores after a 3-day warm-up, every 15 minutes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime, timedelta
import random
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from cadence_tools.channels import PipelineChannel, Row, channels_module
from cadence_tools.events import Event
from cadence_tools.home import HomeConfig, Zone
from cadence_tools.replay import Replay

from .realdata import Series, all_series

EVERY = timedelta(minutes=15)
WINDOW = timedelta(minutes=15)
LEADS_H = (0.0, 1.0, 6.0, 24.0)
WARM_UP = timedelta(days=3)
BERLIN = ZoneInfo("Europe/Berlin")
SENSOR = "binary_sensor.zone"


def _state(value: bool | None) -> str:
    return "unavailable" if value is None else ("on" if value else "off")


def cadence(series: Series, zone: ZoneInfo, lead: timedelta) -> dict[datetime, float]:
    """Return Cadence's forecast for each tick t, made at t - lead."""
    home = HomeConfig(
        timezone=zone, unit="°C", zones=(Zone(name="zone", motion=(SENSOR,)),)
    )
    channel = PipelineChannel(home, (channels_module.OccupancyChannel,))
    out: dict[datetime, float] = {}

    def write(when: datetime, row: Row) -> None:
        if row.quantity == "occupancy":
            out[when.astimezone(UTC)] = row.value

    events = (
        Event(when, SENSOR, _state(value), {}, user=False)
        for when, value in series.events
    )
    Replay(home, write, every=EVERY, lead=lead, channels=[channel]).feed(events)
    return out


def labels(series: Series, ticks: list[datetime]) -> tuple[np.ndarray, np.ndarray]:
    """Return whether the zone was in use in [t, t + 15 min), and whether it is known."""
    times = [when.astimezone(UTC) for when, _ in series.events]
    values = [value for _, value in series.events]
    used = np.zeros(len(ticks))
    known = np.zeros(len(ticks), dtype=bool)
    for k, t in enumerate(ticks):
        i = bisect_right(times, t) - 1
        j = bisect_left(times, t + WINDOW)
        states = [values[i] if i >= 0 else None, *values[i + 1 : j]]
        used[k] = float(any(s is True for s in states))
        known[k] = bool(used[k]) or all(s is not None for s in states)
    return used, known


def baselines(
    series: Series,
    zone: ZoneInfo,
    ticks: list[datetime],
    used: np.ndarray,
    known: np.ndarray,
    lead: timedelta,
) -> dict[str, np.ndarray]:
    """Return the histogram and persistence forecasts for each tick, made at t - lead."""
    times = [when.astimezone(UTC) for when, _ in series.events]
    values = [value for _, value in series.events]
    histogram = np.full(len(ticks), 0.5)
    persistence = np.zeros(len(ticks))
    counts: dict[tuple[int, int], list[float]] = {}
    learned = 0
    for k, t in enumerate(ticks):
        made = t - lead
        while learned < len(ticks) and ticks[learned] + WINDOW <= made:
            if known[learned]:
                local = ticks[learned].astimezone(zone)
                cell = counts.setdefault((local.weekday(), local.hour), [0.0, 0.0])
                cell[0] += used[learned]
                cell[1] += 1.0
            learned += 1
        local = t.astimezone(zone)
        on, seen = counts.get((local.weekday(), local.hour), (0.0, 0.0))
        histogram[k] = (on + 0.5) / (seen + 1.0)
        i = bisect_right(times, made - WINDOW) - 1
        j = bisect_right(times, made)
        persistence[k] = float(any(v is True for v in values[max(i, 0) : j]))
    return {"histogram": histogram, "persistence": persistence}


def score(series: Series, zone: ZoneInfo) -> dict[str, Any]:
    """Return Brier scores per lead for Cadence and the baselines on one zone."""
    result: dict[str, Any] = {"name": series.name, "kind": series.kind, "leads": {}}
    start = series.events[0][0].astimezone(UTC) + WARM_UP
    for lead_h in LEADS_H:
        lead = timedelta(hours=lead_h)
        forecasts = cadence(series, zone, lead)
        ticks = sorted(t for t in forecasts if t >= start)
        used, known = labels(series, ticks)
        others = baselines(series, zone, ticks, used, known, lead)
        ours = np.array([forecasts[t] for t in ticks])
        mask = known
        result["leads"][lead_h] = {
            "cadence": float(np.mean((ours[mask] - used[mask]) ** 2)),
            **{
                name: float(np.mean((p[mask] - used[mask]) ** 2))
                for name, p in others.items()
            },
            "ticks": int(mask.sum()),
        }
    result["share"] = float(used[known].mean())
    return result


def simulated(seed: int = 1, days: int = 56) -> list[Series]:
    """Return a simulated household's living-room motion (pulses) and presence (holds).

    Workdays out 07:45-17:30, weekends home or out for an afternoon, four days
    away; pulses every ~4 minutes while in the living room, rare elsewhere at home.
    Generated data: it agrees with Cadence's assumptions by construction.
    """
    rng = random.Random(seed)
    start = datetime(2025, 3, 3, tzinfo=BERLIN)
    living: list[tuple[datetime, datetime]] = []
    home: list[tuple[datetime, datetime]] = []
    for d in range(days):
        if 30 <= d < 34:
            continue
        day = start + timedelta(days=d)

        def at(hours: float, day: datetime = day) -> datetime:
            naive = day.replace(tzinfo=None) + timedelta(hours=hours)
            return naive.replace(tzinfo=BERLIN)

        workday = day.weekday() < 5
        wake = (6.5 if workday else 8.5) + rng.gauss(0, 0.4 if workday else 0.8)
        bed = 23.0 + rng.gauss(0, 0.5)
        if workday:
            leave, back = 7.75 + rng.gauss(0, 0.3), 17.5 + rng.gauss(0, 0.8)
            home += [(at(0), at(leave)), (at(back), at(24))]
            living += [(at(wake), at(leave - 0.1)), (at(back + 0.3), at(bed))]
        elif rng.random() < 0.5:
            out = 14 + rng.gauss(0, 1)
            back = out + 2 + rng.random() * 2
            home += [(at(0), at(out)), (at(back), at(24))]
            living += [(at(wake + 0.3), at(out)), (at(back), at(bed))]
        else:
            home.append((at(0), at(24)))
            living.append((at(wake + 0.3), at(bed)))
    pulses = []
    for intervals, gap_min, night in ((living, 4.0, False), (home, 90.0, True)):
        for a, b in intervals:
            t = a
            while (t := t + timedelta(minutes=rng.expovariate(1 / gap_min))) < b:
                if not (night and 1 <= t.hour < 6):
                    pulses.append((t, t + timedelta(seconds=40)))
    end = start + timedelta(days=days)
    return [
        Series("sim/living_motion", "motion", _events(pulses, start, end)),
        Series("sim/presence", "occupancy", _events(home, start, end)),
    ]


def _events(
    intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, bool | None]]:
    """Return the state changes of merged on-intervals, ending unknown."""
    merged: list[list[datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(b, merged[-1][1])
        else:
            merged.append([a, b])
    events: list[tuple[datetime, bool | None]] = [(start, False)]
    for a, b in merged:
        events += [(a, True), (b, False)]
    events.append((end, None))
    return events


def run_occupancy_leads() -> dict[str, Any]:
    """Score every simulated and real zone; real ones only when their data is cached."""
    rows = [score(series, BERLIN) for series in simulated()]
    try:
        real = all_series()
    except FileNotFoundError as err:
        return {"rows": rows, "missing": str(err)}
    zones = {"UCI-office": ZoneInfo("Europe/Brussels")}
    for series in real:
        zone = zones.get(series.name.split("/")[0], ZoneInfo("Europe/Madrid"))
        rows.append(score(series, zone))
    return {"rows": rows, "missing": None}


if __name__ == "__main__":
    import json

    print(json.dumps(run_occupancy_leads(), indent=1))
