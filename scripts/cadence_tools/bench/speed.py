"""The replay command's speed on a year of minute data, synthetic and real."""

from __future__ import annotations

from datetime import timedelta, timezone
import math
from pathlib import Path
import resource
import subprocess
import tempfile
import time
from typing import Any

from cadence_tools import REPO

from .data import household_power
from .synthetic import write_year

PARIS_WINTER = timezone(timedelta(hours=1))
HOME_YAML = """\
timezone: Europe/Paris
unit_system: metric
zones:
  - name: house
    power: [sensor.global_active_power]
"""


def replay_seconds(home: Path, events: Path, out: Path) -> tuple[float, float]:
    """Return the wall and CPU seconds of `scripts/replay` on a file."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            REPO / "scripts" / "replay",
            "--home",
            home,
            "--events",
            events,
            "--out",
            out,
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return time.perf_counter() - start, cpu


def run_speed() -> dict[str, Any]:
    """Time the replay on 500 000 synthetic events and on a year of UCI minutes."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        home, events = write_year(folder)
        synthetic, synthetic_cpu = replay_seconds(home, events, folder / "p.csv")
        times, columns = household_power()
        power = columns["Global_active_power"]
        year = min(len(times), 365 * 1440)
        missing = sum(1 for v in power[:year] if math.isnan(v))
        real = folder / "real.csv"
        with real.open("w", encoding="utf-8") as out:
            out.write("time,entity_id,state,attributes,user\n")
            for when, value in zip(times[:year], power[:year], strict=True):
                state = "unavailable" if math.isnan(value) else f"{value * 1000:.0f}"
                stamp = when.replace(tzinfo=PARIS_WINTER).isoformat()
                out.write(f"{stamp},sensor.global_active_power,{state},,\n")
        (folder / "real.yaml").write_text(HOME_YAML, encoding="utf-8")
        uci, uci_cpu = replay_seconds(folder / "real.yaml", real, folder / "q.csv")
    return {
        "synthetic_events": 500_000,
        "synthetic_s": synthetic,
        "synthetic_cpu_s": synthetic_cpu,
        "uci_events": year,
        "uci_missing": missing,
        "uci_rows_total": len(times),
        "uci_missing_total": sum(1 for v in power if math.isnan(v)),
        "uci_s": uci,
        "uci_cpu_s": uci_cpu,
    }
