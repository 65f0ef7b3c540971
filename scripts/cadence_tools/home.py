"""HOME.yaml: the home a replay runs, validated strictly so mistakes are named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

UNIT_SYSTEMS = {"metric": "°C", "us_customary": "°F"}
TOP_KEYS = {
    "timezone",
    "unit_system",
    "outdoor_temperature",
    "workday",
    "people",
    "zones",
}
REQUIRED_KEYS = ("timezone", "unit_system", "zones")
ZONE_LISTS = ("thermostats", "lights", "motion", "power")
ZONE_KEYS = {"name", *ZONE_LISTS}


class InputError(ValueError):
    """A replay input is malformed; the message names the file and the row or key."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Zone:
    """One zone of the home and the entities Cadence watches in it."""

    name: str
    thermostats: tuple[str, ...] = ()
    lights: tuple[str, ...] = ()
    motion: tuple[str, ...] = ()
    power: tuple[str, ...] = ()

    @property
    def entity_id(self) -> str:
        """Return the id zone-wide quantities are reported under."""
        return f"zone.{self.name}"


@dataclass(frozen=True, kw_only=True, slots=True)
class HomeConfig:
    """The home: its time zone, unit, home-wide inputs and zones."""

    timezone: ZoneInfo
    unit: str
    outdoor_temperature: str | None = None
    workday: str | None = None
    # The household's person entities (home / not_home): someone is home or not.
    people: tuple[str, ...] = ()
    zones: tuple[Zone, ...] = ()

    def watched(self) -> set[str]:
        """Return every entity id the home file mentions."""
        ids = {self.outdoor_temperature, self.workday, *self.people} - {None}
        for zone in self.zones:
            for key in ZONE_LISTS:
                ids.update(getattr(zone, key))
        return {i for i in ids if i is not None}


def load_home(path: Path) -> HomeConfig:
    """Read and validate a home file; raise InputError naming the offending key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from err
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML: {err}") from err
    return parse_home(data, str(path))


def parse_home(data: Any, where: str = "home") -> HomeConfig:
    """Validate a parsed home file; raise InputError naming the offending key."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping at the top level")
    unknown = sorted(set(map(str, data)) - TOP_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise InputError(f"{where}: missing key {key!r}")
    name = _text(data["timezone"], where, "timezone")
    try:
        zone_info = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InputError(
            f"{where}: timezone: {name!r} is not an IANA time zone name"
        ) from err
    unit_system = data["unit_system"]
    if unit_system not in UNIT_SYSTEMS:
        raise InputError(
            f"{where}: unit_system: expected 'metric' or 'us_customary',"
            f" got {unit_system!r}"
        )
    zones = data["zones"]
    if not isinstance(zones, list):
        raise InputError(f"{where}: zones: expected a list")
    parsed = tuple(_zone(item, where, i) for i, item in enumerate(zones))
    names = [zone.name for zone in parsed]
    for i, zone_name in enumerate(names):
        if zone_name in names[:i]:
            raise InputError(f"{where}: zones[{i}].name: {zone_name!r} is repeated")
    return HomeConfig(
        timezone=zone_info,
        unit=UNIT_SYSTEMS[unit_system],
        outdoor_temperature=_entity(
            data.get("outdoor_temperature"), where, "outdoor_temperature"
        ),
        workday=_entity(data.get("workday"), where, "workday"),
        people=_people(data.get("people"), where),
        zones=parsed,
    )


def _people(value: Any, where: str) -> tuple[str, ...]:
    """Validate the list of person entities (person.<name>)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(f"{where}: people: expected a list of person entity ids")
    people = tuple(_entity(item, where, f"people[{i}]") for i, item in enumerate(value))
    for i, person in enumerate(people):
        if person is None or not person.startswith("person."):
            raise InputError(f"{where}: people[{i}]: expected person.<name>")
    return tuple(p for p in people if p is not None)


def _zone(item: Any, where: str, index: int) -> Zone:
    """Validate one zone."""
    key = f"zones[{index}]"
    if not isinstance(item, dict):
        raise InputError(f"{where}: {key}: expected a mapping")
    unknown = sorted(set(map(str, item)) - ZONE_KEYS)
    if unknown:
        raise InputError(f"{where}: {key}: unknown key {unknown[0]!r}")
    if "name" not in item:
        raise InputError(f"{where}: {key}: missing key 'name'")
    name = _text(item["name"], where, f"{key}.name")
    lists: dict[str, tuple[str, ...]] = {}
    for field in ZONE_LISTS:
        value = item.get(field)
        if value is None:
            lists[field] = ()
            continue
        if not isinstance(value, list):
            raise InputError(f"{where}: {key}.{field}: expected a list of entity ids")
        lists[field] = tuple(
            _entity(entity, where, f"{key}.{field}[{i}]") or ""
            for i, entity in enumerate(value)
        )
    return Zone(name=name, **lists)


def _text(value: Any, where: str, key: str) -> str:
    """Return a non-empty string or raise."""
    if not isinstance(value, str) or not value:
        raise InputError(f"{where}: {key}: expected text, got {value!r}")
    return value


def _entity(value: Any, where: str, key: str) -> str | None:
    """Return an entity id (domain.object_id), None when absent, or raise."""
    if value is None:
        return None
    text = _text(value, where, key)
    domain, dot, object_id = text.partition(".")
    if not dot or not domain or not object_id:
        raise InputError(f"{where}: {key}: {text!r} is not an entity id")
    return text
