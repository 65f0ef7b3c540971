"""A year of minute data for the replay's speed test: every kind of entity, busy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import math
from pathlib import Path
import random
from zoneinfo import ZoneInfo

HOME_YAML = """\
timezone: Europe/Brussels
unit_system: metric
outdoor_temperature: sensor.outdoor
workday: binary_sensor.workday
zones:
  - name: living
    thermostats: [climate.living]
    lights: [light.living]
    motion: [binary_sensor.living_motion]
    power: [sensor.appliances]
"""


def write_year(folder: Path, events: int = 500_000, seed: int = 1) -> tuple[Path, Path]:
    """Write HOME.yaml and about `events` events over a year; return their paths.

    Each minute the power sensor reports; every third minute the thermostat reports
    its room temperature; every ten the outdoor sensor; motion and light follow a
    daily rhythm, and a person changes the setpoint morning and evening.
    """
    rng = random.Random(seed)
    zone = ZoneInfo("Europe/Brussels")
    start_utc = datetime(2025, 1, 1, tzinfo=zone).astimezone(UTC)
    home_path, events_path = folder / "home.yaml", folder / "events.csv"
    home_path.write_text(HOME_YAML, encoding="utf-8")
    count = 0
    setpoint = 17.0
    motion = "off"
    with events_path.open("w", encoding="utf-8") as out:
        out.write("time,entity_id,state,attributes,user\n")
        minute = 0
        while count < events:
            when = (start_utc + timedelta(minutes=minute)).astimezone(zone)
            stamp = when.isoformat()
            hour = when.hour + when.minute / 60
            out.write(f"{stamp},sensor.appliances,{50 + rng.random() * 400:.0f},,\n")
            count += 1
            if minute % 3 == 0:
                wanted = 21.0 if 7 <= hour < 22 else 17.0
                user = ""
                if wanted != setpoint:
                    setpoint, user = wanted, "1"
                attributes = json.dumps(
                    {
                        "temperature": setpoint,
                        "current_temperature": round(19 + rng.random(), 1),
                    }
                ).replace('"', '""')
                out.write(f'{stamp},climate.living,heat,"{attributes}",{user}\n')
                count += 1
            if minute % 10 == 0:
                outdoor = 8 + 6 * math.sin(2 * math.pi * (hour - 9) / 24)
                out.write(f"{stamp},sensor.outdoor,{outdoor:.1f},,\n")
                count += 1
            if minute % 7 == 0:
                moving = "on" if 7 <= hour < 23 and rng.random() < 0.5 else "off"
                if moving != motion:
                    motion = moving
                    out.write(f"{stamp},binary_sensor.living_motion,{motion},,\n")
                    out.write(f"{stamp},light.living,{motion},,1\n")
                    count += 2
            minute += 1
    return home_path, events_path
