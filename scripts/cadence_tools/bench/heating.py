"""Heating faults on a simulated room: heating that runs and does not warm.

Generated data only (no labelled real heating faults were found in a package or
public repository). One room as a first-order RC model, stepped every five minutes
for WINTER_DAYS from 1 November in Berlin:
- Losses to outdoors with a time constant of 30 h; outdoor temperature a random walk
  between -12 and 12 °C with a daily swing of ±4 °C; sunny days add up to 0.8 °C/h
  around noon.
- Radiators give up to 2.2 °C/h, reaching their output with a 20-minute lag.
- A thermostat holds 21 °C from 06:30 (08:00 at weekends) to 22:30 and 17 °C at
  night with ±0.2 °C hysteresis, plus a +1.5 °C override for 1-3 h every third day;
  on half of the days a window is aired for 15 minutes (the room drops 1-2 °C).
- It reports every five minutes: hvac_action (heating or idle), the room (0.1 °C,
  noise 0.05 °C) and the setpoint. A second run omits hvac_action (Cadence infers it).
- Faults, one every ten days, 06:00-09:00 for eight hours: "heating dead" (no
  output) or "heating weak" (a quarter of it), alternately.

A fault counts as found when the thermostat is flagged from its start to an hour
after its end; a flag raised outside every fault (or the three hours of recovery
after one) is a false alarm. Baselines: "on 2 h", an automation a household might
write (heating for two hours and the room still 0.5 °C below the setpoint), and
"not warming in 1 h" (heating the whole last hour and the room no warmer than an
hour ago).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
import math
import random
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.cadence.engine import Conditions, HeatingChannel, Reading, Source

BERLIN = ZoneInfo("Europe/Berlin")
STEP = timedelta(minutes=5)
DT_H = STEP.total_seconds() / 3600
WINTER_DAYS = 120
SEEDS = (1, 2, 3)
TAU_H = 30.0
GAIN = 2.2
LAG_H = 1 / 3
FAULT_EVERY_DAYS = 10
FAULT_LENGTH = timedelta(hours=8)
GRACE = timedelta(hours=1)
RECOVERY = timedelta(hours=3)
KINDS = {"heating dead": 0.0, "heating weak": 0.25}


@dataclass(frozen=True, slots=True)
class Sample:
    """What the thermostat reports at one step."""

    when: datetime
    heating: bool
    room: float
    setpoint: float


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault."""

    kind: str
    start: datetime
    end: datetime


def _setpoint(when: datetime, overrides: set[tuple[datetime, datetime]]) -> float:
    """Return the schedule's setpoint at a moment, with any override."""
    morning = 8.0 if when.weekday() >= 5 else 6.5
    hour = when.hour + when.minute / 60
    base = 21.0 if morning <= hour < 22.5 else 17.0
    bump = any(start <= when < end for start, end in overrides)
    return base + (1.5 if bump else 0.0)


def simulate(seed: int) -> tuple[list[Sample], list[Fault]]:
    """Return five-minute reports of one winter and the faults injected into it."""
    rng = random.Random(seed)
    start = datetime(2025, 11, 1, tzinfo=BERLIN)
    faults: list[Fault] = []
    overrides: set[tuple[datetime, datetime]] = set()
    airings: list[tuple[datetime, datetime]] = []
    sunny: list[float] = []
    for day in range(WINTER_DAYS):
        midnight = start + timedelta(days=day)
        sunny.append(rng.random() ** 2)
        if day % 3 == 2:
            at = midnight + timedelta(hours=rng.uniform(8, 20))
            overrides.add((at, at + timedelta(hours=rng.uniform(1, 3))))
        if rng.random() < 0.5:
            at = midnight + timedelta(hours=rng.uniform(7, 21))
            airings.append((at, at + timedelta(minutes=15)))
        if day % FAULT_EVERY_DAYS == FAULT_EVERY_DAYS // 2:
            at = midnight + timedelta(hours=rng.uniform(6, 9))
            kind = list(KINDS)[len(faults) % len(KINDS)]
            faults.append(Fault(kind, at, at + FAULT_LENGTH))
    samples = []
    outdoor_base, room, output, heating = 3.0, 19.0, 0.0, False
    when = start
    while when < start + timedelta(days=WINTER_DAYS):
        local = when.astimezone(BERLIN)
        hour = local.hour + local.minute / 60
        if local.hour == 0 and local.minute == 0:
            outdoor_base = min(12.0, max(-12.0, outdoor_base + rng.gauss(0, 2.0)))
        outdoor = outdoor_base + 4 * math.sin(2 * math.pi * (hour - 9) / 24)
        setpoint = _setpoint(local, overrides)
        if room < setpoint - 0.2:
            heating = True
        elif room > setpoint + 0.2:
            heating = False
        capacity = next((KINDS[f.kind] for f in faults if f.start <= when < f.end), 1.0)
        output += ((capacity if heating else 0.0) - output) * DT_H / LAG_H
        sun = sunny[(local.date() - start.date()).days] * 0.8
        solar = (
            sun * max(0.0, math.sin(math.pi * (hour - 8) / 8))
            if 8 <= hour < 16
            else 0.0
        )
        aired = any(a <= when < b for a, b in airings)
        loss = (room - outdoor) / TAU_H * (8.0 if aired else 1.0)
        room += (GAIN * output + solar - loss) * DT_H
        reading = round(room + rng.gauss(0, 0.05), 1)
        samples.append(Sample(when, heating, reading, setpoint))
        when += STEP
    return samples, faults


def cadence(
    samples: list[Sample], *, action: bool = True
) -> Iterator[tuple[datetime, bool]]:
    """Yield Cadence's heating_fault flag at every step."""
    channel = HeatingChannel("climate.room")
    for s in samples:
        x = Conditions(when=s.when)
        attributes: dict[str, Any] = {
            "current_temperature": s.room,
            "temperature": s.setpoint,
        }
        if action:
            attributes["hvac_action"] = "heating" if s.heating else "idle"
        channel.on_state(
            x, "climate.room", Reading("heat", attributes), None, Source.DEVICE
        )
        channel.on_tick(x)
        yield s.when, channel.watch.flag


def on_two_hours(samples: list[Sample]) -> Iterator[tuple[datetime, bool]]:
    """Yield a flag while heating has run two hours and the room is still 0.5 °C short."""
    since: datetime | None = None
    for s in samples:
        since = (since or s.when) if s.heating else None
        short = s.room < s.setpoint - 0.5
        yield (
            s.when,
            since is not None and s.when - since >= timedelta(hours=2) and short,
        )


def not_warming(samples: list[Sample]) -> Iterator[tuple[datetime, bool]]:
    """Yield a flag while heating ran the last hour and the room is no warmer."""
    hour = deque[Sample](maxlen=13)
    for s in samples:
        hour.append(s)
        full = len(hour) == hour.maxlen and all(h.heating for h in hour)
        yield s.when, full and s.room <= hour[0].room


METHODS: dict[str, Callable[[list[Sample]], Iterator[tuple[datetime, bool]]]] = {
    "Cadence": cadence,
    "Cadence, no hvac_action": lambda s: cadence(s, action=False),
    "on 2 h": on_two_hours,
    "not warming in 1 h": not_warming,
}


def score(
    flags: Iterator[tuple[datetime, bool]], faults: list[Fault]
) -> dict[str, Any]:
    """Return faults found by kind, minutes to find them, and false alarms."""
    found: dict[str, list[float]] = {kind: [] for kind in KINDS}
    of = {kind: sum(f.kind == kind for f in faults) for kind in KINDS}
    hit: set[int] = set()
    false = 0
    before = False
    for when, flag in flags:
        rising = flag and not before
        before = flag
        if not flag:
            continue
        inside = [i for i, f in enumerate(faults) if f.start <= when <= f.end + GRACE]
        for i in inside:
            if i not in hit:
                hit.add(i)
                found[faults[i].kind].append(
                    (when - faults[i].start) / timedelta(minutes=1)
                )
        near = any(f.start <= when <= f.end + RECOVERY for f in faults)
        if rising and not near:
            false += 1
    return {"found": found, "of": of, "false": false}


def run_heating() -> dict[str, Any]:
    """Run every method over every seed's winter; totals per method."""
    totals: dict[str, dict[str, Any]] = {}
    days = 0.0
    for seed in SEEDS:
        samples, faults = simulate(seed)
        days += WINTER_DAYS - len(faults) * (FAULT_LENGTH + RECOVERY) / timedelta(
            days=1
        )
        for name, method in METHODS.items():
            result = score(method(samples), faults)
            total = totals.setdefault(
                name,
                {
                    "found": {k: [] for k in KINDS},
                    "of": dict.fromkeys(KINDS, 0),
                    "false": 0,
                },
            )
            for kind in KINDS:
                total["found"][kind] += result["found"][kind]
                total["of"][kind] += result["of"][kind]
            total["false"] += result["false"]
    for total in totals.values():
        total["false_per_30d"] = 30.0 * total["false"] / days
    return totals


def heating_section(results: dict[str, Any]) -> list[str]:
    """Return the markdown of the heating-fault comparison."""
    kinds = list(KINDS)
    lines = [
        "## Heating faults (simulated room)",
        "",
        __doc__.split("\n", 2)[2].strip(),
        "",
        (
            f"Seeds {', '.join(map(str, SEEDS))}, {WINTER_DAYS} days each. Faults "
            "found (median minutes from the fault's start to the flag), false alarms "
            "per 30 days:"
        ),
        "",
        "| method | " + " | ".join(kinds) + " | recall | false alarms / 30 d |",
        "| --- " * (len(kinds) + 3) + "|",
    ]
    for name, r in results.items():
        cells = []
        for kind in kinds:
            times = r["found"][kind]
            late = f" ({median(times):.0f} min)" if times else ""
            cells.append(f"{len(times)}/{r['of'][kind]}{late}")
        recall = sum(len(r["found"][k]) for k in kinds) / max(1, sum(r["of"].values()))
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {100 * recall:.0f} % | {r['false_per_30d']:.2f} |"
        )
    return [*lines, ""]
