"""Report, once Home Assistant has started, how the Cadence config entry fared.

scripts/boot_check copies this directory into the custom_components folder of a
throw-away configuration. When Home Assistant fires `homeassistant_started`, the
probe writes `boot_probe.json` next to configuration.yaml: the state of every
Cadence config entry, its entities and their states (after a fortnight of
choices on the living-room thermostat has been fed to Cadence), whether the action
descriptions that `/api/services` serves can be built, and a short-lived access
token so that boot_check can query the REST API as a logged-in user would.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.typing import ConfigType
from homeassistant.loader import async_get_integration
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict

DOMAIN = "boot_probe"
PROBED = "cadence"
REPORT = "boot_probe.json"


def _services_yaml(path: Path) -> set[str]:
    """Return the actions that services.yaml describes (none if it is missing)."""
    if not path.is_file():
        return set()
    return set(load_yaml_dict(path))


async def _report(hass: HomeAssistant) -> dict[str, Any]:
    """Collect what boot_check asserts on."""
    registry = er.async_get(hass)
    entries = []
    for entry in hass.config_entries.async_entries(PROBED):
        entities = er.async_entries_for_config_entry(registry, entry.entry_id)
        entries.append(
            {
                "entry_id": entry.entry_id,
                "state": entry.state.value,
                "reason": entry.reason,
                "entities": {
                    item.entity_id: getattr(
                        hass.states.get(item.entity_id), "state", None
                    )
                    for item in entities
                },
            }
        )
    services = sorted(hass.services.async_services_for_domain(PROBED))
    try:
        # What /api/services serves; it logs an error if services.yaml is missing.
        await async_get_all_descriptions(hass)
        integration = await async_get_integration(hass, PROBED)
        described = await hass.async_add_executor_job(
            _services_yaml, integration.file_path / "services.yaml"
        )
        undescribed = [name for name in services if name not in described]
        descriptions_error = None
    except Exception as err:  # noqa: BLE001 - reported, boot_check fails on it
        undescribed = services
        descriptions_error = repr(err)

    user = await hass.auth.async_create_user("Boot check", group_ids=[GROUP_ID_ADMIN])
    refresh = await hass.auth.async_create_refresh_token(
        user,
        client_name="boot_check",
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(hours=1),
    )
    return {
        "recovery_mode": hass.config.recovery_mode,
        "loaded": PROBED in hass.config.components,
        "entries": entries,
        "services": services,
        "undescribed_services": undescribed,
        "descriptions_error": descriptions_error,
        "token": hass.auth.async_create_access_token(refresh),
    }


def _write(path: Path, text: str) -> None:
    """Write the report whole, so that a reader never sees half of it."""
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


# A fortnight of a household's choices on the living-room thermostat, so that the
# dashboard card has a week to draw: (weekday?, local time, setpoint in °C).
TAUGHT = "climate.living_room_thermostat"
ROUTINE = (
    (True, time(6, 30), 21.0),
    (True, time(8, 30), 18.0),
    (True, time(17, 30), 21.5),
    (True, time(22, 30), 17.0),
    (False, time(8, 0), 21.0),
    (False, time(23, 0), 17.0),
)
# And the living room's motion sensor, which sees someone every ten minutes of
# each evening, so that the card has an occupancy forecast to draw.
MOTION = "binary_sensor.living_room_motion"
EVENINGS = (time(18, 0), time(22, 30))
TICK = timedelta(minutes=5)  # Cadence's own tick, as the history bootstrap runs it

Change = tuple[datetime, str, str, dict[str, Any]]


def _fortnight(thermostat: State, today: date) -> list[Change]:
    """Return the fortnight's changes, oldest first: setpoints and motion."""
    zone = dt_util.get_default_time_zone()
    events: list[Change] = []
    for back in range(14, 0, -1):
        day = today - timedelta(days=back)
        for workday, at, setpoint in ROUTINE:
            if workday == (day.weekday() < 5):
                attributes = {**thermostat.attributes, "temperature": setpoint}
                when = datetime.combine(day, at, tzinfo=zone)
                events.append((when, TAUGHT, thermostat.state, attributes))
        seen = datetime.combine(day, EVENINGS[0], tzinfo=zone)
        while seen.time() < EVENINGS[1]:
            events.append((seen, MOTION, "on", {"device_class": "motion"}))
            gone = seen + timedelta(minutes=1)
            events.append((gone, MOTION, "off", {"device_class": "motion"}))
            seen += timedelta(minutes=10)
    return sorted(events, key=lambda event: event[0])


def _teach_a_fortnight(hass: HomeAssistant) -> int:
    """Feed past changes and ticks through the pipeline as the history bootstrap does.

    Returns how many changes were fed. The pipeline's `on_state` is the one entry
    every source of states uses (live events, the recorder's history, the replay).
    """
    from custom_components.cadence.engine import Reading, Source  # noqa: PLC0415

    entry = hass.config_entries.async_entries(PROBED)[0]
    runtime = entry.runtime_data
    # Into a fresh pipeline swapped in after, as the bootstrap does: the live one
    # has sampled the present, and its feeds take no older moments after that.
    pipeline = runtime.history._build(runtime.home.zones)  # noqa: SLF001
    found = hass.states.get(TAUGHT)
    if found is None:
        return 0
    events = _fortnight(found, dt_util.now().date())
    # What each entity was at the moment being fed; the rest as they are now.
    tick = dt_util.as_utc(events[0][0].replace(hour=0, minute=0))
    quiet = State(MOTION, "off", {"device_class": "motion"}, last_changed=tick)
    then: dict[str, State] = {MOTION: quiet, TAUGHT: found}

    def lookup(entity_id: str) -> State | None:
        return then.get(entity_id) or hass.states.get(entity_id)

    for when, entity_id, state, attributes in [*events, (dt_util.now(), "", "", {})]:
        while tick <= when:
            pipeline.on_tick(tick, lookup)
            tick += TICK
        if not entity_id:
            break
        old = then[entity_id]
        at = dt_util.as_utc(when)
        then[entity_id] = State(
            entity_id, state, attributes, last_changed=at, last_updated=at
        )
        source = Source.PERSON if entity_id == TAUGHT else Source.DEVICE
        pipeline.on_state(
            entity_id,
            dt_util.as_utc(when),
            Reading(state, attributes),
            Reading(old.state, dict(old.attributes)),
            source,
            lookup,
        )
    runtime.pipeline.replace_channels(pipeline)
    runtime.coordinator.async_update_listeners()
    return len(events)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Write the report when Home Assistant has started."""

    async def _started(_event: Event) -> None:
        try:
            # The first learning from history replaces what a thermostat learned.
            for _ in range(120):
                learning = hass.states.get("sensor.living_room_learning_from_history")
                if learning is None or learning.state != "learning":
                    break
                await asyncio.sleep(0.5)
            taught = _teach_a_fortnight(hass)
            report = await _report(hass) | {"taught": taught}
        except Exception as err:  # noqa: BLE001 - reported, boot_check fails on it
            report = {"probe_error": repr(err)}
        await hass.async_add_executor_job(
            _write, Path(hass.config.path(REPORT)), json.dumps(report, indent=2)
        )

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, _started)
    return True
