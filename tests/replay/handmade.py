"""Hand-made homes and event traces for the replay tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import json
from pathlib import Path
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
HOME_YAML = """\
timezone: Europe/Berlin
unit_system: metric
outdoor_temperature: sensor.outdoor
workday: binary_sensor.workday
zones:
  - name: living
    thermostats: [climate.living]
    motion: [binary_sensor.living_motion]
    lights: [light.living]
    power: [sensor.living_power]
"""
HEADER = "time,entity_id,state,attributes,user\n"


def row(
    when: datetime,
    entity_id: str,
    state: str,
    attributes: dict | None = None,
    user: str = "",
) -> str:
    """Return one CSV line of an event."""
    text = "" if attributes is None else json.dumps(attributes)
    quoted = '"' + text.replace('"', '""') + '"' if text else ""
    return f"{when.isoformat()},{entity_id},{state},{quoted},{user}\n"


def three_days(start: date = date(2026, 3, 2)) -> list[str]:
    """Return a 3-day trace: a person sets 21 °C at 07:00 and 17 °C at 22:00 daily."""
    lines = [
        row(
            datetime.combine(start, time(0, 0), BERLIN),
            "climate.living",
            "heat",
            {"temperature": 17.0, "current_temperature": 18.0},
        )
    ]
    for day in range(3):
        today = start + timedelta(days=day)
        for hour, value in ((7, 21.0), (22, 17.0)):
            when = datetime.combine(today, time(hour, 0), BERLIN)
            lines.append(
                row(when, "sensor.outdoor", str(5 + day), {"unit_of_measurement": "°C"})
            )
            lines.append(
                row(
                    when + timedelta(seconds=1),
                    "climate.living",
                    "heat",
                    {"temperature": value, "current_temperature": 19.0},
                    "1",
                )
            )
    lines.append(
        row(
            datetime.combine(start + timedelta(days=3), time(0, 0), BERLIN),
            "climate.living",
            "heat",
            {"temperature": 17.0, "current_temperature": 18.5},
        )
    )
    return lines


def write_files(
    folder: Path, lines: list[str], home: str = HOME_YAML
) -> tuple[Path, Path]:
    """Write HOME.yaml and EVENTS.csv into folder; return their paths."""
    home_path = folder / "home.yaml"
    events_path = folder / "events.csv"
    home_path.write_text(home, encoding="utf-8")
    events_path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return home_path, events_path
