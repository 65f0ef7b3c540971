"""Unusual inactivity on the two real UCI ADL homes, with injected spells of nobody up.

Each home's PIR motion and pressure (bed, seat) sensors become motion sensors of
one zone each, and its resident a `person` entity, `not_home` inside the home's
"Leaving" activities. The home is replayed through Cadence (`scripts/replay`'s
pipeline, so `InactivityChannel` as the integration runs it); its
`unusual_inactivity` flag is read at every 15-minute tick. Judged after the 7-day
warm-up: OrdonezA 7 days, OrdonezB 14.

Faults, a run each (seeded): the resident at home but nobody moving for 12 hours
from a random moment between 08:00 and 20:00 (a fall), on a day after the warm-up
with no "Leaving" in the 12 hours; every sensor reports off at the start and
nothing until the end. A fault counts as found when the flag is raised between its
start and its end; the delay is from its start. A flag that starts outside every
fault while the resident is at home, on the clean data, is a false alarm.

Baselines, the automations a household might write: on after every sensor has
been off for 6 or 12 hours while the resident is home. Cadence, like them, takes a
sensor held on (a bed or seat occupied) as someone there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
import random
from statistics import median
from typing import Any

from cadence_tools.channels import Row

from .anomaly import alarms, replay_lines
from .realdata import MADRID, uci_adl

WARM_UP = timedelta(days=7)
FAULT = timedelta(hours=12)
FAULTS = 3
PERSON = "person.resident"
BASELINES = {"no motion for 6 h": 6.0, "no motion for 12 h": 12.0}

type Changes = list[tuple[datetime, str, str]]  # (moment, entity id, state)


def homes() -> dict[str, tuple[Changes, list[tuple[datetime, datetime]]]]:
    """Return each home's sensor and person changes, oldest first, and its absences."""
    out: dict[str, tuple[Changes, list[tuple[datetime, datetime]]]] = {}
    for series in uci_adl():
        home, zone = series.name.split("/")
        changes, absences = out.setdefault(home, ([], []))
        if zone == "home":
            left = None
            for when, on in series.events:
                if on is None:
                    continue
                changes.append((when, PERSON, "home" if on else "not_home"))
                if not on:
                    left = when
                elif left is not None:
                    absences.append((left, when))
                    left = None
            continue
        entity = f"binary_sensor.{zone}"
        changes.extend(
            (when, entity, "unavailable" if on is None else ("on" if on else "off"))
            for when, on in series.events
        )
    for changes, _ in out.values():
        changes.sort(key=lambda c: c[0])
    return out


def _home_yaml(changes: Changes) -> str:
    sensors = sorted({e for _, e, _ in changes if e.startswith("binary_sensor.")})
    zones = "".join(
        f"  - name: {s.split('.', 1)[1]}\n    motion: [{s}]\n" for s in sensors
    )
    return (
        f"timezone: {MADRID.key}\nunit_system: metric\npeople: [{PERSON}]\n"
        f"zones:\n{zones}"
    )


def inject(
    changes: Changes, absences: list[tuple[datetime, datetime]], seed: int
) -> tuple[Changes, tuple[datetime, datetime]]:
    """Return the changes with one spell of nobody moving for FAULT, and the spell."""
    rng = random.Random(seed)
    first, last = changes[0][0], changes[-1][0]
    days = (last - first).days
    while True:
        day = first.date() + timedelta(days=rng.randrange(WARM_UP.days, days - 1))
        start = datetime(day.year, day.month, day.day, tzinfo=MADRID) + timedelta(
            hours=8, minutes=rng.randrange(12 * 60)
        )
        end = start + FAULT
        if end < last and not any(a < end and b > start for a, b in absences):
            break
    sensors = sorted({e for _, e, _ in changes if e != PERSON})
    kept = [c for c in changes if not (start <= c[0] < end and c[1] != PERSON)]
    kept += [(start, e, "off") for e in sensors]
    kept.sort(key=lambda c: c[0])
    return kept, (start, end)


def replay(changes: Changes) -> list[tuple[datetime, bool]]:
    """Replay a home; return its unusual_inactivity flag at every 15-minute tick."""
    flags: dict[datetime, bool] = {}

    def write(when: datetime, row: Row) -> None:
        if row.quantity == "unusual_inactivity" and when.minute % 15 == 0:
            flags[when] = row.value > 0.5

    def lines() -> Iterator[str]:
        for when, entity, state in changes:
            yield f"{when.isoformat()},{entity},{state},{{}},\n"

    replay_lines(_home_yaml(changes), lines(), write)
    return sorted(flags.items())


def baseline(
    changes: Changes, hours: float, ticks: list[datetime]
) -> list[tuple[datetime, bool]]:
    """Return a fixed rule's flag at the ticks: every sensor off for hours.

    While someone is home: Home Assistant's state trigger "off for 6:00:00" on a
    group of the sensors.
    """
    out, i, last, home = [], 0, None, True
    on: set[str] = set()
    for tick in ticks:
        while i < len(changes) and changes[i][0] <= tick:
            when, entity, state = changes[i]
            if entity == PERSON:
                home = state == "home"
                last = when
            elif state == "on":
                on.add(entity)
                last = when
            else:
                on.discard(entity)
            i += 1
        if on:
            last = tick
        quiet = last is not None and tick - last >= timedelta(hours=hours)
        out.append((tick, home and quiet))
    return out


def _at_home(when: datetime, absences: list[tuple[datetime, datetime]]) -> bool:
    return not any(a <= when < b for a, b in absences)


def score(
    flags: list[tuple[datetime, bool]],
    faults: list[tuple[datetime, datetime]],
    absences: list[tuple[datetime, datetime]],
    first: datetime,
) -> tuple[int, list[float], int]:
    """Return (faults found, hours to each find, false alarms at home after first)."""
    found, delays = 0, []
    for a, b in faults:
        raised = [t for t, flag in flags if flag and a <= t <= b]
        if raised:
            found += 1
            delays.append((raised[0] - a).total_seconds() / 3600)
    false = sum(
        1
        for start in alarms([(t, f) for t, f in flags if t >= first])
        if _at_home(start, absences) and not any(a <= start <= b for a, b in faults)
    )
    return found, delays, false


def run_inactivity(seed: int = 1) -> dict[str, Any]:
    """Score Cadence and the fixed rules per home: faults found, false alarms."""
    results: dict[str, Any] = {}
    for home, (changes, absences) in homes().items():
        first = changes[0][0].replace(hour=0, minute=0, second=0) + WARM_UP
        days = (changes[-1][0] - first).total_seconds() / 86400
        clean = replay(changes)
        ticks = [t for t, _ in clean]
        methods: dict[str, Any] = {}
        flags_clean = {"Cadence": clean} | {
            name: baseline(changes, hours, ticks) for name, hours in BASELINES.items()
        }
        for name, flags in flags_clean.items():
            methods[name] = {
                "found": 0,
                "delays": [],
                "false": score(flags, [], absences, first)[2],
            }
        for number in range(FAULTS):
            faulty, spell = inject(changes, absences, seed + 10 * number)
            runs = {"Cadence": replay(faulty)} | {
                name: baseline(faulty, hours, ticks)
                for name, hours in BASELINES.items()
            }
            for name, flags in runs.items():
                found, delays, _ = score(flags, [spell], absences, first)
                methods[name]["found"] += found
                methods[name]["delays"] += delays
        for entry in methods.values():
            entry["false_per_30d"] = entry["false"] / days * 30
            entry["median_h"] = median(entry["delays"]) if entry["delays"] else None
        results[home] = {"days": days, "of": FAULTS, "methods": methods}
    return results


def inactivity_lines(results: dict[str, Any]) -> list[str]:
    """Return the markdown of the inactivity section."""
    lines = [
        "## Unusual inactivity on real homes (UCI ADL)",
        "",
        (__doc__ or "").split("\n", 2)[2].strip(),
        "",
        "| home | method | spells found | median hours to flag | false alarms | per 30 days |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for home, run in results.items():
        for name, m in run["methods"].items():
            delay = "-" if m["median_h"] is None else f"{m['median_h']:.1f}"
            lines.append(
                f"| {home} ({run['days']:.0f} days judged) | {name} | "
                f"{m['found']}/{run['of']} | {delay} | {m['false']} | "
                f"{m['false_per_30d']:.1f} |"
            )
    return [*lines, ""]
