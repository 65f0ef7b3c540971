"""Diagnostics: what Cadence has learned and skipped, without the household's names.

Zone names and areas are redacted, and every entity id (which often spells a room
or a person) is replaced by its domain and a number, the same throughout the
file, so that a shared download still tells which thermostat is which.
"""

from __future__ import annotations

import json
import re
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from . import CadenceConfigEntry
from .const import CONF_AREA
from .engine import (
    DEFAULT_SENSITIVITY,
    Channel,
    LightChannel,
    OccupancyChannel,
    Taught,
    ThermostatChannel,
    Zone,
)
from .runtime import CadenceRuntime
from .schedule import changes

TO_REDACT = {CONF_AREA, "title", "name"}
# What an entity id looks like (domain.object_id).
ENTITY_ID = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+")
# A history summary names the zones it covered.
HISTORY_REDACT = {"zones"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CadenceConfigEntry
) -> dict[str, Any]:
    """Return options, zones and what each thermostat, light and zone learned."""
    runtime = entry.runtime_data
    thermostats: dict[str, Any] = {}
    lights: dict[str, Any] = {}
    occupancy: list[dict[str, Any]] = []
    for channel in runtime.pipeline.all_channels():
        if isinstance(channel, ThermostatChannel):
            thermostats[channel.key] = _thermostat(runtime, channel)
        elif isinstance(channel, LightChannel):
            lights[channel.key] = {
                "samples": channel.feed.model.samples,
                "brightness_choices": channel.brightness.samples,
                "color_temp_choices": channel.color_temp.samples,
                "dimmable": channel.dimmable,
                "tunable": channel.tunable,
                "state_bytes": _bytes(channel),
            }
        elif isinstance(channel, OccupancyChannel):
            # Zones are listed by position: their ids are not for sharing.
            occupancy.append(
                {
                    "samples": channel.feed.model.samples,
                    "sensors": len(channel.watches()),
                    "state_bytes": _bytes(channel),
                }
            )
    found = {
        "options": dict(entry.options),
        "learning": runtime.learning,
        "home_mode": runtime.pipeline.mode,
        "zones": [
            async_redact_data(
                {
                    "name": zone.name,
                    CONF_AREA: zone.area_id,
                    "sensitivity": runtime.pipeline.sensitivity.get(
                        zone.zone_id, DEFAULT_SENSITIVITY
                    ),
                    **_entities(zone),
                },
                TO_REDACT,
            )
            for zone in runtime.home.zones
        ],
        "thermostats": thermostats,
        "lights": lights,
        "occupancy": occupancy,
        # The last learning from history of each zone, by position.
        "history": async_redact_data(
            list(runtime.history.as_dict().values()), HISTORY_REDACT
        ),
    }
    return _pseudonymous(found, runtime, dict(entry.options))


def _pseudonymous(
    found: dict[str, Any], runtime: CadenceRuntime, options: dict[str, Any]
) -> dict[str, Any]:
    """Return the diagnostics with each entity id replaced by domain.entity_N.

    Every key and string that reads as an entity id is replaced, also ids kept
    from before a rename or a zone change (history summaries hold those).
    """
    ids: list[str] = []
    for zone in runtime.home.zones:
        ids += [e for kind in _entities(zone).values() for e in kind if e not in ids]
    ids += [v for v in options.values() if isinstance(v, str) and v not in ids]
    aliases: dict[str, str] = {}

    def alias(text: str) -> str:
        if not ENTITY_ID.fullmatch(text):
            return text
        if text not in aliases:
            aliases[text] = (
                f"{text.split('.', maxsplit=1)[0]}.entity_{len(aliases) + 1}"
            )
        return aliases[text]

    for entity_id in ids:  # the zones' own first, in their order
        alias(entity_id)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                alias(k) if isinstance(k, str) else k: walk(v) for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return alias(node) if isinstance(node, str) else node

    result: dict[str, Any] = walk(found)
    return result


def _bytes(channel: Channel) -> int:
    """Return the size of a channel's saved state."""
    return len(json.dumps(channel.to_dict()))


def _thermostat(runtime: CadenceRuntime, feed: ThermostatChannel) -> dict[str, Any]:
    """Return what a thermostat's setpoints learned and skipped."""
    coordinator = runtime.coordinator
    statuses = coordinator.status(feed.kind, feed.key) if coordinator else {}
    setpoints = {}
    for target, learner in feed.learners.items():
        status = statuses.get(target)
        prediction = status.prediction if status is not None else None
        change = status.next_change if status is not None else None
        model = learner.model
        setpoints[target] = {
            "samples": model.samples,
            "mean_abs_error_c": model.mean_abs_error_c,
            # How the schedule counts days, and each way's running day-ahead error.
            "schedule_days": model.days,
            "day_errors_c": model.day_errors,
            "state_bytes": len(json.dumps(learner.to_dict())),
            "confidence": prediction.confidence if prediction else None,
            "predicted_c": prediction.value_c if prediction else None,
            "next_change": {"at": change.when.isoformat(), "value_c": change.value_c}
            if change
            else None,
            # The learned week as cadence.get_schedule tells it (°C, half-degree steps).
            "schedule_c": [changes(day, 0.5) for day in model.schedule(dt_util.now())]
            if model.samples
            else None,
            # The setpoint held now and who set it (a person, a device, an automation,
            # Cadence, or unknown: found at start-up), and the last change that taught.
            "held": {
                "setpoint_c": learner.held_c,
                "since": learner.since.isoformat() if learner.since else None,
                "by": learner.source.value if learner.source else None,
            },
            "last_taught": _taught(learner.last_taught),
            # Changes that taught nothing, by who made them.
            "ignored_changes": dict(learner.ignored),
        }
    return {
        "skipped": dict(runtime.rejections.get(feed.key, {})),
        "setpoints": setpoints,
    }


def _taught(taught: Taught | None) -> dict[str, Any] | None:
    """Return the last change that taught, or None before any."""
    if taught is None:
        return None
    return {
        "at": taught.when.isoformat(),
        "setpoint_c": taught.setpoint_c,
        "by": taught.source.value,
    }


def _entities(zone: Zone) -> dict[str, list[str]]:
    """Return the entities of a zone by kind."""
    return {
        "climate": list(zone.climate),
        "lights": list(zone.lights),
        "motion": list(zone.motion),
        "power": list(zone.power),
    }
