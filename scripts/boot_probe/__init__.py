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
from datetime import datetime, time, timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
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


def _teach_a_fortnight(hass: HomeAssistant) -> int:
    """Feed past choices through the pipeline as the history bootstrap does.

    Returns how many were fed. The pipeline's `on_state` is the one entry every
    source of states uses (live events, the recorder's history, the replay).
    """
    from custom_components.cadence.engine import Reading, Source  # noqa: PLC0415

    entry = hass.config_entries.async_entries(PROBED)[0]
    pipeline = entry.runtime_data.pipeline
    found = hass.states.get(TAUGHT)
    if found is None:
        return 0
    today = dt_util.now().date()
    choices: list[tuple[datetime, float]] = []
    for back in range(14, 0, -1):
        day = today - timedelta(days=back)
        for workday, at, setpoint in ROUTINE:
            if workday == (day.weekday() < 5):
                when = datetime.combine(day, at, tzinfo=dt_util.get_default_time_zone())
                choices.append((when, setpoint))
    old = Reading(found.state, dict(found.attributes))
    for when, setpoint in choices:
        new = Reading(found.state, {**found.attributes, "temperature": setpoint})
        pipeline.on_state(
            TAUGHT, dt_util.as_utc(when), new, old, Source.PERSON, hass.states.get
        )
        old = new
    entry.runtime_data.coordinator.async_update_listeners()
    return len(choices)


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
