"""Benchmark: Cadence learning from history, through a real Home Assistant and recorder.

    .venv/bin/python scripts/bench_bootstrap.py [--days 7 30 60] [--out FILE]

For each number of days, a fresh Home Assistant (the test harness's core, real SQLite
recorder on disk) gets a synthetic home of 50 entities in 5 zones (10 thermostats,
15 motion sensors, 10 lights, 15 power sensors) with that many days of state
changes and 60 days of hourly statistics. A Cadence entry with those zones is then
set up, which learns from the history in the background, while a ticker measures how
late the event loop wakes (loop lag) and the kernel's peak RSS counter measures the
extra memory. Prints a markdown table; --out also writes it.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
import gc
import json
import logging
import os
from pathlib import Path
import random
import sqlite3
import sys
import tempfile
import time
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from homeassistant import loader  # noqa: E402
from homeassistant.components.recorder.models import StatisticMeanType  # noqa: E402
from homeassistant.components.recorder.statistics import async_import_statistics  # noqa: E402
from homeassistant.config_entries import ConfigSubentryData  # noqa: E402
from homeassistant.helpers import area_registry as ar  # noqa: E402
from homeassistant.helpers.recorder import async_initialize_recorder, get_instance  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
from homeassistant.util import dt as dt_util  # noqa: E402
from homeassistant.util.ulid import ulid_to_bytes  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

ZONES = 5
USER = bytes.fromhex("8a1c2b7e4f0d4c3b9e6a5d2f1c0b9a87")
PARENT = ulid_to_bytes("01JAUTOMATIONRUN0000000000")


def _zone_entities(zone: int) -> dict[str, list[str]]:
    """Return the 10 entities of one zone."""
    return {
        "climate": [f"climate.z{zone}_t{i}" for i in range(2)],
        "motion": [f"binary_sensor.z{zone}_m{i}" for i in range(3)],
        "lights": [f"light.z{zone}_l{i}" for i in range(2)],
        "power": [f"sensor.z{zone}_p{i}" for i in range(3)],
    }


def _rows(entity_id: str, start: float, end: float, rng: random.Random) -> list[Any]:
    """Return (ts, state, attributes, user, parent) of one entity, realistic churn.

    Thermostats report a room temperature every 10 minutes and get ~6 setpoint changes
    a day (mostly people, some automations); motion sensors ~40 on/off cycles a day;
    lights ~10 cycles; power sensors a reading every 2 minutes.
    """
    out: list[Any] = []
    domain = entity_id.partition(".")[0]
    ts = start
    if domain == "climate":
        setpoint, room = 20.0, 19.0
        while ts < end:
            ts += 600
            room = round(room + rng.uniform(-0.2, 0.2), 1)
            user, parent = None, None
            if rng.random() < 6 / 144:
                setpoint = rng.choice([17.0, 19.0, 20.5, 21.0, 22.0])
                user, parent = (USER, None) if rng.random() < 0.8 else (None, PARENT)
            attrs = json.dumps(
                {
                    "temperature": setpoint,
                    "current_temperature": room,
                    "min_temp": 7,
                    "max_temp": 30,
                    "supported_features": 1,
                }
            )
            out.append((ts, "heat", attrs, user, parent))
    elif domain in ("binary_sensor", "light"):
        per_day = 80 if domain == "binary_sensor" else 20
        on = False
        while ts < end:
            ts += rng.expovariate(per_day / 86400)
            on = not on
            out.append((ts, "on" if on else "off", "{}", None, None))
    else:
        while ts < end:
            ts += 120
            out.append((ts, str(round(rng.uniform(50, 900), 1)), "{}", None, None))
    return [row for row in out if row[0] < end]


def _fill_database(path: str, entity_ids: list[str], days: int, now: float) -> int:
    """Write the synthetic history straight into the recorder's tables."""
    rng = random.Random(days)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=OFF")
    attr_ids: dict[str, int] = {}
    next_state_id = (
        db.execute("SELECT MAX(state_id) FROM states").fetchone()[0] or 0
    ) + 1
    total = 0
    for entity_id in entity_ids:
        db.execute("INSERT INTO states_meta (entity_id) VALUES (?)", (entity_id,))
        metadata_id = db.execute(
            "SELECT metadata_id FROM states_meta WHERE entity_id = ?", (entity_id,)
        ).fetchone()[0]
        rows = _rows(entity_id, now - days * 86400, now - 60, rng)
        batch = []
        previous = None
        for ts, state, attrs, user, parent in rows:
            if attrs not in attr_ids:
                cursor = db.execute(
                    "INSERT INTO state_attributes (hash, shared_attrs) VALUES (?, ?)",
                    (hash(attrs) & 0xFFFFFFFF, attrs),
                )
                attr_ids[attrs] = cursor.lastrowid or 0
            batch.append(
                (
                    next_state_id,
                    state,
                    ts,
                    ts,
                    ts,
                    previous,
                    attr_ids[attrs],
                    metadata_id,
                    os.urandom(16),
                    user,
                    parent,
                )
            )
            previous = next_state_id
            next_state_id += 1
        db.executemany(
            "INSERT INTO states (state_id, state, last_updated_ts, last_changed_ts, "
            "last_reported_ts, old_state_id, attributes_id, metadata_id, "
            "context_id_bin, context_user_id_bin, context_parent_id_bin) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        total += len(batch)
    db.commit()
    db.close()
    return total


async def _bench(days: int, config_dir: str) -> dict[str, Any]:
    """Run one benchmark of learning `days` of history; return its measurements."""
    db_path = f"{config_dir}/home-assistant_v2-{days}.db"
    async with async_test_home_assistant(config_dir=config_dir) as hass:
        await hass.config.async_set_time_zone("Europe/Berlin")
        # The harness hides custom integrations unless asked, as its fixture does.
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        async_initialize_recorder(hass)
        recorder_ok = await async_setup_component(
            hass,
            "recorder",
            {
                "recorder": {
                    "db_url": f"sqlite:///{db_path}",
                    "purge_keep_days": days,
                    "auto_purge": False,
                    "commit_interval": 1,
                }
            },
        )
        if not recorder_ok:
            raise RuntimeError("the recorder did not set up")
        await hass.async_block_till_done()
        instance = get_instance(hass)
        await instance.async_db_ready
        zones = [_zone_entities(zone) for zone in range(ZONES)]
        entity_ids = [e for zone in zones for ids in zone.values() for e in ids]
        now = dt_util.utcnow()
        print(f"{days} days: writing the history", file=sys.stderr)
        rows = await hass.async_add_executor_job(
            _fill_database, db_path, entity_ids, days, now.timestamp()
        )
        start = (now - timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
        for zone in zones:
            for entity_id in zone["power"]:
                async_import_statistics(
                    hass,
                    {
                        "mean_type": StatisticMeanType.ARITHMETIC,
                        "has_sum": False,
                        "name": None,
                        "source": "recorder",
                        "statistic_id": entity_id,
                        "unit_class": "power",
                        "unit_of_measurement": "W",
                    },
                    [
                        {
                            "start": start + timedelta(hours=h),
                            "mean": 300.0,
                            "min": 50.0,
                            "max": 900.0,
                        }
                        for h in range(60 * 24 - 1)
                    ],
                )
        await instance.async_block_till_done()
        print(f"{days} days: {rows:,} states written; learning", file=sys.stderr)
        areas = ar.async_get(hass)
        entry = MockConfigEntry(
            domain="cadence",
            options={"learning": True},
            subentries_data=[
                ConfigSubentryData(
                    data={"area_id": areas.async_create(f"Zone {i}").id, **zone},
                    subentry_type="zone",
                    title=f"Zone {i}",
                    unique_id=f"zone{i}",
                )
                for i, zone in enumerate(zones)
            ],
        )
        entry.add_to_hass(hass)

        lag = 0.0
        # The largest lag of a tick during which no full garbage collection ran.
        lag_without_gc = 0.0
        stop = asyncio.Event()
        # Start from a clean heap: garbage from writing the history is not the run's.
        gc.collect()
        full_collections = _count_full_collections()

        async def ticker() -> None:
            nonlocal lag, lag_without_gc
            while not stop.is_set():
                before = time.perf_counter()
                collections = full_collections.count
                await asyncio.sleep(0.01)
                late = time.perf_counter() - before - 0.01
                lag = max(lag, late)
                if full_collections.count == collections:
                    lag_without_gc = max(lag_without_gc, late)

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0.05)
        baseline_kb = _rss_kb("VmRSS")
        _reset_peak_rss()
        started = time.perf_counter()
        if not await hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError("Cadence did not set up")
        # From here on only the run in the background.
        setup_lag, lag, lag_without_gc = lag, 0.0, 0.0
        await hass.async_block_till_done(wait_background_tasks=True)
        wall = time.perf_counter() - started
        peak_kb = _rss_kb("VmHWM")
        gc.callbacks.remove(full_collections)
        stop.set()
        await ticking
        standing = entry.runtime_data.history.standing
        summary = standing[next(iter(standing))]
        if summary.last is None:
            raise RuntimeError("learning from history did not finish")
        learned = sum(summary.last["entities"].values())
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop()
        result = {
            "setup_lag_ms": setup_lag * 1000,
            "full_gc": full_collections.count,
            "lag_without_gc_ms": lag_without_gc * 1000,
            "days": days,
            "entities": len(entity_ids),
            "rows": rows,
            "learned": learned,
            "seconds": wall,
            "lag_ms": lag * 1000,
            "memory_mb": max(0, peak_kb - baseline_kb) / 1024,
        }
    return result  # noqa: RET504  # after the harness has stopped Home Assistant


class _FullCollections:
    """Counts the garbage collector's full (generation 2) collections."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.count += 1


def _count_full_collections() -> _FullCollections:
    """Start counting full collections."""
    counter = _FullCollections()
    gc.callbacks.append(counter)
    return counter


def _reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS counter (VmHWM) of this process."""
    Path("/proc/self/clear_refs").write_text("5")


def _rss_kb(field: str) -> int:
    """Return a memory figure of this process from /proc, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    """Run the benchmarks and print the table."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[7, 30, 60])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as config_dir:
        # One configuration folder: Home Assistant's loader caches where it found us.
        (Path(config_dir) / "custom_components").symlink_to(REPO / "custom_components")
        results = [asyncio.run(_bench(days, config_dir)) for days in args.days]
    lines = [
        (
            "| Days | Entities | States in database | States learned | Time (s) "
            "| Max loop lag while learning (ms) | Max loop lag during entry setup (ms) "
            "| Max lag while learning, ticks without a full GC (ms) "
            "| Peak extra memory (MB) | Full GCs while learning |"
        ),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['days']} | {r['entities']} | {r['rows']:,} | {r['learned']:,} "
        f"| {r['seconds']:.1f} | {r['lag_ms']:.0f} | {r['setup_lag_ms']:.0f} "
        f"| {r['lag_without_gc_ms']:.0f} | {r['memory_mb']:.0f} | {r['full_gc']} |"
        for r in results
    ]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n")


if __name__ == "__main__":
    main()
