"""`scripts/bench`: run every benchmark and write docs/benchmarks.md with its plots."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import os
from pathlib import Path
import platform
import subprocess
import sys
import time

from joblib import Parallel, delayed

from cadence_tools import REPO

from .anomaly import run_anomaly
from .anomaly_nab import run_nab
from .cold_start import run_cold_start
from .cost import run_cost
from .feedback import run_feedback
from .heating import run_heating
from .inactivity import run_inactivity
from .lights import run_lights
from .occupancy import run_occupancy
from .occupancy_leads import run_occupancy_leads
from .real_setpoints import run_real_setpoints
from .report import write
from .setpoint import WARM_UP_DAYS, run_one
from .simulator import REAL_LIKE, ROUTINE, SCENARIOS
from .speed import run_speed

SEEDS = (1, 2, 3)


def _task(kind: str, *args: float) -> tuple[str, object]:
    """Run one benchmark in a worker; single-threaded maths, two workers at a time."""
    os.environ["OMP_NUM_THREADS"] = "1"
    if kind == "setpoint":
        return kind, run_one(
            int(args[0]), int(args[1]), args[2], SCENARIOS[int(args[3])]
        )
    if kind == "lights":
        return kind, run_lights()
    if kind == "anomaly":
        return kind, run_anomaly()
    if kind == "nab":
        return kind, run_nab()
    if kind == "heating":
        return kind, run_heating()
    if kind == "feedback":
        return kind, run_feedback()
    if kind == "inactivity":
        return kind, run_inactivity()
    if kind == "occupancy_leads":
        return kind, run_occupancy_leads()
    if kind == "cold_start":
        return kind, run_cold_start()
    if kind == "real_setpoints":
        return kind, run_real_setpoints()
    return kind, run_occupancy()


def run_script(name: str) -> str:
    """Run a stand-alone benchmark script alone (it measures time); its table."""
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / name)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the exit status."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--days", type=int, default=150, help="simulated days (150)")
    parser.add_argument("--docs", type=Path, default=REPO / "docs")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tasks = [
        delayed(_task)("setpoint", seed, args.days, lead, scenario)
        for scenario in range(len(SCENARIOS))
        for seed in SEEDS
        for lead in (0.0, 24.0)
    ]
    tasks += [
        delayed(_task)(kind)
        for kind in (
            "anomaly",
            "feedback",
            "inactivity",
            "nab",
            "heating",
            "lights",
            "occupancy",
            "occupancy_leads",
            "cold_start",
            "real_setpoints",
        )
    ]
    print(f"bench: {len(tasks)} tasks on 2 workers", file=sys.stderr)
    done = Parallel(n_jobs=2, verbose=5)(tasks)
    runs = [r for k, r in done if k == "setpoint"]
    results: dict[str, object] = {
        "setpoint": [r for r in runs if r["scenario"] == ROUTINE],
        "setpoint_real_like": [r for r in runs if r["scenario"] == REAL_LIKE],
    }
    results.update({k: r for k, r in done if k != "setpoint"})
    print(
        "bench: cost and speed, alone so that timings are not shared", file=sys.stderr
    )
    results["cost"] = run_cost()
    results["speed"] = run_speed()
    print("bench: learning from history (scripts/bench_bootstrap.py)", file=sys.stderr)
    results["bootstrap"] = run_script("bench_bootstrap.py")
    print("bench: importing Cadence (scripts/bench_import.py)", file=sys.stderr)
    results["import"] = run_script("bench_import.py")
    results["days"] = args.days
    results["warm_up"] = WARM_UP_DAYS
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["machine"] = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    args.docs.mkdir(exist_ok=True)
    write(results, args.docs)
    print(
        f"bench: wrote {args.docs / 'benchmarks.md'} in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
