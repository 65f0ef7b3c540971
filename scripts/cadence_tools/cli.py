"""`scripts/replay`: replay a home's events through Cadence's engine.

Writes PREDICTIONS.csv (time,entity_id,quantity,value,confidence): one row per entity
and quantity at every tick from the first event to the last, for which the model has
a prediction. Rows are left out, not written empty, while a model has learned nothing
(a thermostat nobody has set yet). Ticks fall on multiples of --every counted from
1970-01-01T00:00Z, and are written in the home's time zone.

Quantities now: setpoint (per thermostat, in the home's unit; setpoint_low and
setpoint_high for thermostats that hold a range). A change with user=1 is a person's
and teaches; user=0 or empty is taken as an automation's and does not (Cadence never
learns what automations set). The integration credits kept setpoints every five
minutes; so does the replay, every five minutes of event time.
light_on per light (learned from its state every five minutes while a person set
it, predicted from time, motion and the zone's activity, never from its own state);
brightness per dimmable light (in %, what people choose at that time of day; a
light is dimmable when its attributes say supported_color_modes other than onoff);
color_temp (K) where it has color_temp among them; and occupancy per zone with
motion sensors (zone.<name>: in use within the next 15 minutes). Lights follow the
same rule as thermostats: changes with user=1 teach, others do not. expected, anomaly and
anomaly_score are absent until the engine has their model; with them, per numeric
sensor, anomaly_hours (while flagged, how many hours ago the unusual stretch that
raised the flag began; else 0) and anomaly_reason (1 readings high, 2 low, 3 not
moving; 0 while not flagged). At lead 0 only: the
verdicts heating_fault and heating_fault_score per thermostat (heating or cooling that
does not move the room toward its setpoint), and unusual_activity and
unusual_activity_score per zone (motion at a time that rarely sees any), and
unusual_inactivity and unusual_inactivity_score under the id "home" (nobody moving
anywhere for far longer than usual). HOME.yaml may list the household's person
entities under people: (home / not_home events): while all are out, quiet means
nothing.

With --lead L, the value for tick t is what Cadence predicted at t - L for t: made
from events before t - L, with the outdoor temperature of t - L, the workday sensor
only when t is on the same date, and no occupancy (as the integration plans ahead).

Exit status 0 on success, 2 for malformed input (the message names the row or key).
"""

from __future__ import annotations

import argparse
import csv
from datetime import datetime, timedelta
from pathlib import Path
import re
import sys
import time
from typing import TextIO

from .channels import Row
from .events import read_events
from .home import InputError, load_home
from .replay import Replay, Summary

PROGRESS_EVENTS = 100_000
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_S = {"": 60.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def duration(text: str) -> timedelta:
    """Parse 90s, 15m, 24h, 1d, 1w or a bare number of minutes."""
    match = _DURATION.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration such as 30s, 15m, 24h or 1d"
        )
    return timedelta(seconds=float(match[1]) * _UNIT_S[match[2]])


def parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    args = argparse.ArgumentParser(
        prog="scripts/replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    args.add_argument("--home", type=Path, required=True, help="HOME.yaml")
    args.add_argument("--events", type=Path, required=True, help="EVENTS.csv")
    args.add_argument("--out", type=Path, required=True, help="PREDICTIONS.csv")
    args.add_argument(
        "--every", type=duration, default=timedelta(minutes=15), help="tick (15m)"
    )
    args.add_argument(
        "--lead", type=duration, default=timedelta(0), help="how far ahead (0)"
    )
    args.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return args


def run(
    home_path: Path,
    events_path: Path,
    out: TextIO,
    *,
    every: timedelta = timedelta(minutes=15),
    lead: timedelta = timedelta(0),
    progress: TextIO | None = None,
) -> Summary:
    """Replay a home's events into CSV text; raise InputError for malformed input."""
    home = load_home(home_path)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("time", "entity_id", "quantity", "value", "confidence"))
    zone = home.timezone
    stamps: dict[datetime, str] = {}

    def write(when: datetime, row: Row) -> None:
        stamp = stamps.get(when)
        if stamp is None:
            stamps.clear()
            stamp = stamps[when] = when.astimezone(zone).isoformat()
        writer.writerow(
            (
                stamp,
                row.entity_id,
                row.quantity,
                f"{row.value:.3f}",
                f"{row.confidence:.3f}",
            )
        )

    replay = Replay(home, write, every=every, lead=lead)
    started = time.perf_counter()
    for count, event in enumerate(read_events(events_path), 1):
        replay.step(event)
        if progress is not None and count % PROGRESS_EVENTS == 0:
            progress.write(
                f"replay: {count} events, at {event.time.isoformat()},"
                f" {time.perf_counter() - started:.1f} s\n"
            )
            progress.flush()
    return replay.finish()


def report(summary: Summary, seconds: float, stream: TextIO) -> None:
    """Print what the replay did, with the ignored entities."""
    stream.write(
        f"replay: {summary.events} events, {summary.ticks} ticks,"
        f" {summary.rows} prediction rows in {seconds:.1f} s\n"
    )
    if summary.ignored:
        total = sum(summary.ignored.values())
        stream.write(
            f"replay: ignored {total} events of {len(summary.ignored)} entities"
            " the home file does not mention:\n"
        )
        stream.writelines(
            f"  {entity_id}: {count}\n"
            for entity_id, count in summary.ignored.most_common()
        )
    if summary.skipped:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(summary.skipped.items()))
        stream.write(f"replay: thermostat readings not learned: {skipped}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit status."""
    args = parser().parse_args(argv)
    if args.every <= timedelta(0):
        print("replay: --every must be longer than 0", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        with args.out.open("w", encoding="utf-8", newline="") as out:
            summary = run(
                args.home,
                args.events,
                out,
                every=args.every,
                lead=args.lead,
                progress=None if args.quiet else sys.stderr,
            )
    except InputError as err:
        print(f"replay: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"replay: {args.out}: {err.strerror}", file=sys.stderr)
        return 2
    report(summary, time.perf_counter() - started, sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
