"""A seeded household for the benchmarks, extending the engine tests' `Household`.

Assumptions, each drawn from the seed:
- Schedules: the engine tests' workday and weekend schedules (tests/engine/household.py),
  chosen by hand each day by a person, each change within about ±15 minutes.
- Workdays are Monday to Friday except holidays: one week-long holiday and about one
  loose holiday a month follow the weekend schedule, and the workday sensor says so.
- Seasonal drift: the whole schedule is 0.5 °C warmer in the coldest months (Dec-Feb).
- Manual overrides: about two a day, ±2-3 °C for 30-90 minutes, then set back
  (the base Household's overrides).
- Guests: about one evening in twenty, the evening setpoint is 1 °C warmer and the
  night setback an hour later.
- Sensor dropouts: about one every ten days the thermostat is unavailable for 0.5-4 h.
- Noise: the room temperature reading changes every ten minutes (attribute-only
  changes), the outdoor sensor reports every 30 minutes with noise and is now and then
  unavailable; motion pulses while someone is home.

A second scenario, `real-like`, makes the households look like the real homes of the
CityLearn data (where the setpoint changes in about 60 % of hours, most homes keep one
schedule every day, and choices barely follow the weather), on top of the above:
- Day kinds by household: odd seeds keep the workday schedule every day (weekends and
  holidays too), even seeds keep the weekend schedule apart.
- Drift: every 3 to 6 weeks the routine changes for good: each change of the day moves
  by about ±40 minutes and the whole schedule by -0.5, 0 or +0.5 °C.
- Overrides are the norm: about six a day, ±0.5-2 °C in half-degree steps, 10 to 120
  minutes long, instead of two larger ones.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import json
import math
from pathlib import Path
import random
import sys

from cadence_tools import REPO

sys.path.insert(0, str(REPO / "tests" / "engine"))
from household import WEEKEND, WORKDAY, Household, _poisson

TICK = timedelta(minutes=10)
ROUTINE = "routine"
REAL_LIKE = "real-like"
SCENARIOS = (ROUTINE, REAL_LIKE)
HOME_YAML = """\
timezone: Europe/Berlin
unit_system: metric
outdoor_temperature: sensor.outdoor
workday: binary_sensor.workday
zones:
  - name: living
    thermostats: [climate.living]
    motion: [binary_sensor.living_motion]
"""


@dataclass
class SimulatedHome(Household):
    """A household with holidays, drift, guests, jittered changes and dropouts."""

    scenario: str = ROUTINE
    holidays: set[date] = field(default_factory=set)
    guests: set[date] = field(default_factory=set)
    dropouts: list[tuple[datetime, datetime]] = field(default_factory=list)
    edges: list[tuple[datetime, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Draw the overrides, then the calendar, the changes and the dropouts."""
        super().__post_init__()
        rng = random.Random(self.seed * 7919 + 1)
        first = self.start.date()
        days = [first + timedelta(days=d) for d in range(self.days)]
        block = rng.randrange(20, max(21, self.days - 10))
        self.holidays = {d for d in days[block : block + 7] if d.weekday() < 5}
        self.holidays |= {d for d in days if d.weekday() < 5 and rng.random() < 0.04}
        self.guests = {d for d in days if rng.random() < 0.05}
        # Real-like draws from its own generator: the routine households stay as they were.
        regimes = self._real_like(days) if self.scenario == REAL_LIKE else {}
        for day in days:
            schedule = WEEKEND if self.is_day_off(day) else WORKDAY
            if self.scenario == REAL_LIKE and self.seed % 2:
                schedule = WORKDAY
            shifts, level = regimes.get(day, ((0.0,) * len(schedule), 0.0))
            drift = (0.5 if day.month in (12, 1, 2) else 0.0) + level
            for i, (hour, value) in enumerate(schedule):
                late = 1.0 if day in self.guests and i == len(schedule) - 1 else 0.0
                bump = 1.0 if day in self.guests and value > 20 and hour >= 12 else 0.0
                minutes = (hour + late) * 60 + shifts[i] + rng.gauss(0, 8)
                when = self._local(day, minutes)
                self.edges.append((when, value + drift + bump))
        self.edges.sort()
        for day in days:
            if rng.random() < 0.1:
                begin = self._local(day, rng.uniform(0, 24 * 60))
                self.dropouts.append(
                    (begin, begin + timedelta(minutes=rng.uniform(30, 240)))
                )

    def _real_like(
        self, days: list[date]
    ) -> dict[date, tuple[tuple[float, ...], float]]:
        """Draw frequent small overrides and drifting routines; return the routines.

        Each day maps to its regime: minutes each change of the day moves, and a level.
        """
        # Two generators: the routines must not depend on how many days are drawn.
        rng = random.Random(self.seed * 104729 + 3)
        self.overrides = []
        for day in days:
            for _ in range(_poisson(rng, 6.0)):
                begin = self._local(day, rng.uniform(6 * 60, 24 * 60))
                length = timedelta(minutes=rng.uniform(10, 120))
                delta = rng.choice((-1, 1)) * rng.choice((0.5, 1.0, 1.5, 2.0))
                self.overrides.append((begin, begin + length, delta))
        self.overrides.sort()
        rng = random.Random(self.seed * 104729 + 5)
        regimes: dict[date, tuple[tuple[float, ...], float]] = {}
        regime = ((0.0,) * 4, 0.0)
        change = rng.randrange(21, 43)
        for index, day in enumerate(days):
            if index == change:
                change += rng.randrange(21, 43)
                regime = (
                    tuple(rng.gauss(0, 40) for _ in range(4)),
                    rng.choice((-0.5, 0.0, 0.5)),
                )
            regimes[day] = regime
        return regimes

    def _local(self, day: date, minutes: float) -> datetime:
        """Return a local moment of a day, minutes after its midnight."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.start.tzinfo)
        return (midnight.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(
            self.start.tzinfo
        )

    def is_day_off(self, day: date) -> bool:
        """Say whether a day follows the weekend schedule."""
        return day.weekday() >= 5 or day in self.holidays

    def preferred_c(self, when: datetime) -> float:
        """Return what the household chose, overrides aside."""
        i = bisect_right(self.edges, (when, math.inf)) - 1
        return self.edges[max(i, 0)][1]

    def actual_c(self, when: datetime) -> float:
        """Return the setpoint the thermostat really has."""
        value = self.preferred_c(when)
        for begin, end, delta in self.overrides:
            if begin > when:
                break
            if when < end and self.preferred_c(begin) == value:
                value += delta
        return value

    def available(self, when: datetime) -> bool:
        """Say whether the thermostat reports at a moment."""
        return not any(begin <= when < end for begin, end in self.dropouts)

    def setpoint_changes(self) -> list[datetime]:
        """Return every moment the setpoint may change, in order."""
        moments = {when for when, _ in self.edges}
        moments |= {t for begin, end, _ in self.overrides for t in (begin, end)}
        return sorted(m for m in moments if m >= self.start)

    def outdoor_c(self, when: datetime, rng: random.Random) -> float:
        """Return the outdoor temperature: season, day and noise."""
        season = 10.0 - 9.0 * math.cos(
            2 * math.pi * (when.timetuple().tm_yday - 20) / 365
        )
        hours = when.hour + when.minute / 60
        return season + 4.0 * math.sin(2 * math.pi * (hours - 9) / 24) + rng.gauss(0, 1)

    def at_home(self, when: datetime) -> bool:
        """Say whether someone is home and awake."""
        hours = when.hour + when.minute / 60
        if self.is_day_off(when.date()):
            return 8.5 <= hours < 23.5
        return 6.5 <= hours < 8.0 or 17.0 <= hours < 23.0


def write_events(home: SimulatedHome, folder: Path) -> tuple[Path, Path]:
    """Write the household's HOME.yaml and EVENTS.csv; return their paths."""
    rng = random.Random(home.seed)
    rows: list[tuple[datetime, str, str, str, str]] = []
    changes = home.setpoint_changes()
    end = home.start + timedelta(days=home.days)
    when, index, value = home.start, 0, home.actual_c(home.start)
    available = True
    while when < end:
        while index < len(changes) and changes[index] <= when:
            moment = changes[index]
            index += 1
            new = home.actual_c(moment)
            if new != value and home.available(moment):
                rows.append((moment, "climate.living", "heat", _attrs(new, rng), "1"))
            value = new
        now_available = home.available(when)
        if not now_available:
            if available:
                rows.append((when, "climate.living", "unavailable", "", ""))
        else:
            rows.append((when, "climate.living", "heat", _attrs(value, rng), ""))
        available = now_available
        if when.minute % 30 == 0:
            state = (
                "unavailable"
                if rng.random() < 0.01
                else f"{home.outdoor_c(when, rng):.1f}"
            )
            rows.append(
                (when, "sensor.outdoor", state, '{"unit_of_measurement": "°C"}', "")
            )
        if when.hour == 0 and when.minute == 0:
            off = home.is_day_off(when.date())
            rows.append((when, "binary_sensor.workday", "off" if off else "on", "", ""))
        if home.at_home(when) and rng.random() < 0.6:
            pulse = when + timedelta(minutes=rng.uniform(0, 7))
            rows.append((pulse, "binary_sensor.living_motion", "on", "", ""))
            rows.append(
                (
                    pulse + timedelta(minutes=2),
                    "binary_sensor.living_motion",
                    "off",
                    "",
                    "",
                )
            )
        when = (when.astimezone(UTC) + TICK).astimezone(home.start.tzinfo)
    rows.sort(key=lambda r: r[0].astimezone(UTC))
    home_path, events_path = folder / "home.yaml", folder / "events.csv"
    home_path.write_text(HOME_YAML, encoding="utf-8")
    with events_path.open("w", encoding="utf-8") as out:
        out.write("time,entity_id,state,attributes,user\n")
        for moment, entity_id, state, attributes, user in rows:
            quoted = '"' + attributes.replace('"', '""') + '"' if attributes else ""
            out.write(f"{moment.isoformat()},{entity_id},{state},{quoted},{user}\n")
    return home_path, events_path


def _attrs(setpoint_c: float | None, rng: random.Random) -> str:
    """Return a thermostat's attributes with a noisy room reading."""
    room = round(19.5 + rng.gauss(0, 0.4), 1)
    return json.dumps({"temperature": setpoint_c, "current_temperature": room})
