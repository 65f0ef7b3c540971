"""Benchmark: the cost of importing Cadence inside a running Home Assistant.

    .venv/bin/python scripts/bench_import.py [--runs 9]

Each run is a fresh interpreter that first imports what a running Home Assistant
has already imported when it loads a custom integration (core, config entries,
entity platforms, the coordinator helper, storage, repairs, the sensor, binary
sensor, select, number and climate components, recorder, http, websocket API and
frontend), then times `import custom_components.cadence` with the platforms and
the config flow Home Assistant imports beside it, and reads the resident memory
it added (/proc/self/statm). Prints a markdown table: median and range of the
runs, and how many modules Cadence brought (numpy's among them).
Target (issue 12): <= 150 ms and <= 20 MB.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import statistics
import subprocess
import sys

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0
TARGET_MB = 20.0

PROBE = r"""
import json, os, sys, time
import homeassistant.config_entries, homeassistant.core
import homeassistant.helpers.entity_platform, homeassistant.helpers.issue_registry
import homeassistant.helpers.storage, homeassistant.helpers.update_coordinator
import homeassistant.components.binary_sensor, homeassistant.components.climate
import homeassistant.components.frontend, homeassistant.components.http
import homeassistant.components.number, homeassistant.components.recorder
import homeassistant.components.repairs, homeassistant.components.select
import homeassistant.components.sensor, homeassistant.components.websocket_api

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

before = set(sys.modules)
start_rss, start = rss(), time.perf_counter()
import custom_components.cadence
import custom_components.cadence.binary_sensor, custom_components.cadence.config_flow
import custom_components.cadence.number, custom_components.cadence.select
import custom_components.cadence.sensor
seconds = time.perf_counter() - start
new = set(sys.modules) - before
print(json.dumps({"ms": 1000 * seconds, "mb": (rss() - start_rss) / 1e6,
                  "modules": len(new),
                  "numpy": sum(1 for m in new if m.split(".")[0] == "numpy")}))
"""


def measure(runs: int) -> list[dict[str, float]]:
    """Return one measurement per fresh interpreter."""
    found = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        ).stdout
        found.append(json.loads(out))
    return found


def table(found: list[dict[str, float]]) -> str:
    """Return the markdown table of the runs."""
    ms = [run["ms"] for run in found]
    mb = [run["mb"] for run in found]
    median_ms, median_mb = statistics.median(ms), statistics.median(mb)
    ok_ms = "met" if median_ms <= TARGET_MS else "not met"
    ok_mb = "met" if median_mb <= TARGET_MB else "not met"
    time_row = (
        f"| import time | {median_ms:.0f} ms | {min(ms):.0f} to {max(ms):.0f} ms "
        f"| ≤ {TARGET_MS:.0f} ms | {ok_ms} |"
    )
    memory_row = (
        f"| added memory (RSS) | {median_mb:.1f} MB | {min(mb):.1f} to {max(mb):.1f} MB "
        f"| ≤ {TARGET_MB:.0f} MB | {ok_mb} |"
    )
    modules_row = (
        f"| modules imported | {found[0]['modules']:.0f} (numpy's: "
        f"{found[0]['numpy']:.0f}) | | | |"
    )
    return "\n".join(
        [
            "| measure | median | range | target | |",
            "| --- | --- | --- | --- | --- |",
            time_row,
            memory_row,
            modules_row,
            "",
            f"{len(found)} fresh interpreters.",
        ]
    )


def main() -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(table(measure(args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
