"""Cold start: a zone added to a home that already learned, with and without its prior.

For each home of several zones, every zone in turn is the newcomer: the others learn
from the start until the join day, then the newcomer's `OccupancyChannel` is built
the way Home Assistant builds it (from the store, where the other zones are: it
starts from their pooled habit) or alone (nothing stored: it starts from nothing).
Both then learn the newcomer's own sensor for a week; that first week is scored
(Brier every 15 minutes, leads 0 and 24 h) beside a time-of-week histogram and
persistence that also start at the join.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from cadence_tools.channels import channels_module, engine

from .occupancy_leads import BERLIN, baselines, labels, simulated
from .realdata import Series, all_series

TICK = timedelta(minutes=5)
EVERY = timedelta(minutes=15)
LEADS_H = (0.0, 24.0)
WEEK = timedelta(days=7)
MADRID = ZoneInfo("Europe/Madrid")
Occupancy = channels_module.OccupancyChannel


def _zone(series: Series) -> Any:
    """Return the engine zone of one series: its sensor, named after it."""
    name = series.name.replace("/", "_")
    return engine.Zone(zone_id=name, name=name, motion=(f"binary_sensor.{name}",))


def _from(series: Series, start: datetime, end: datetime) -> Series:
    """Return the series between start and end, opening with its state at start."""
    times = [when for when, _ in series.events]
    i = bisect_right(times, start) - 1
    before = series.events[i][1] if i >= 0 else None
    events = [(start, before)] + [e for e in series.events if start < e[0] < end]
    return Series(series.name, series.kind, events)


def _drive(
    channel: Any,
    series: Series,
    zone: ZoneInfo,
    end: datetime,
    record: Callable[[datetime], None] | None = None,
) -> None:
    """Feed the series to the channel with a tick every five minutes until end."""
    sensor = channel.watches()[0]
    events: Iterator[tuple[datetime, bool | None]] = iter(series.events)
    pending = next(events, None)
    t = series.events[0][0].astimezone(UTC)
    while t < end:
        while pending is not None and pending[0] <= t:
            when, value = pending
            state = "unavailable" if value is None else ("on" if value else "off")
            x = engine.Conditions(when=when.astimezone(zone))
            channel.on_state(
                x, sensor, engine.Reading(state, {}), None, engine.Source.DEVICE
            )
            pending = next(events, None)
        channel.on_tick(engine.Conditions(when=t.astimezone(zone)))
        if record is not None and (t - series.events[0][0]) % EVERY == timedelta(0):
            record(t)
        t += TICK


def _first_week(
    channel: Any, series: Series, zone: ZoneInfo, join: datetime
) -> dict[float, dict[datetime, float]]:
    """Return the channel's forecasts per lead during its first week, from the join."""
    out: dict[float, dict[datetime, float]] = {lead: {} for lead in LEADS_H}

    def record(now: datetime) -> None:
        for lead in LEADS_H:
            t = now + timedelta(hours=lead)
            x = engine.Conditions(when=t.astimezone(zone))
            forecast = channel.forecast(x, now.astimezone(zone)).get("occupancy")
            out[lead][t] = 0.5 if forecast is None else forecast.value

    _drive(channel, series, zone, join + WEEK, record)
    return out


def score_home(
    home: str, members: list[Series], zone: ZoneInfo, join_day: int
) -> list[dict[str, Any]]:
    """Return each zone's first-week Brier as a newcomer, with and without a prior."""
    start = min(s.events[0][0] for s in members).astimezone(UTC)
    join = start + timedelta(days=join_day)
    layout = engine.HomeLayout(zones=tuple(_zone(s) for s in members))
    stored = {}
    for series in members:
        (channel,) = Occupancy.for_zone(_zone(series), layout, {}, lambda e: None)
        _drive(channel, _from(series, start, join), zone, join)
        stored[channel.key] = channel.to_dict()
    rows = []
    for series in members:
        newcomer = _zone(series)
        others = {k: v for k, v in stored.items() if k != newcomer.zone_id}
        week = _from(series, join, join + WEEK)
        runs = {
            "with prior": Occupancy.for_zone(newcomer, layout, others, dict.get)[0],
            "alone": Occupancy.for_zone(newcomer, layout, {}, dict.get)[0],
        }
        forecasts = {
            name: _first_week(ch, week, zone, join) for name, ch in runs.items()
        }
        row: dict[str, Any] = {"name": series.name, "join_day": join_day, "leads": {}}
        for lead in LEADS_H:
            ticks = sorted(
                t for t in forecasts["alone"][lead] if join <= t < join + WEEK
            )
            used, known = labels(series, ticks)
            naive = baselines(week, zone, ticks, used, known, timedelta(hours=lead))
            scores = {
                name: np.array([f[lead][t] for t in ticks])
                for name, f in forecasts.items()
            } | naive
            row["leads"][lead] = {
                name: float(np.mean((p[known] - used[known]) ** 2))
                for name, p in scores.items()
            } | {"ticks": int(known.sum())}
        rows.append(row)
    return rows


def run_cold_start() -> dict[str, Any]:
    """Score the simulated home and each real home of several zones, if cached."""
    sim = [
        Series(f"sim/{s.name.split('/')[-1]}", s.kind, s.events) for s in simulated()
    ]
    result: dict[str, Any] = {"simulated": score_home("sim", sim, BERLIN, 28)}
    try:
        real = all_series()
    except FileNotFoundError as err:
        return result | {"real": [], "missing": str(err)}
    rows = []
    for home, join_day in (("OrdonezA", 7), ("OrdonezB", 14)):
        members = [s for s in real if s.name.startswith(home + "/")]
        rows += score_home(home, members, MADRID, join_day)
    return result | {"real": rows, "missing": None}


if __name__ == "__main__":
    import json

    print(json.dumps(run_cold_start(), indent=1, default=str))
