"""Diagnostics: what Cadence has learned and skipped, without the household's names."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from . import CadenceConfigEntry
from .const import CONF_AREA
from .engine import (
    DEFAULT_SENSITIVITY,
    Channel,
    LightChannel,
    OccupancyChannel,
    ThermostatChannel,
    Zone,
)
from .runtime import CadenceRuntime

TO_REDACT = {CONF_AREA, "title", "name"}


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
    return {
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
    }


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
        setpoints[target] = {
            "samples": learner.model.samples,
            "mean_abs_error_c": learner.model.mean_abs_error_c,
            "state_bytes": len(json.dumps(learner.to_dict())),
            "confidence": status.prediction.confidence
            if status is not None and status.prediction
            else None,
        }
    return {
        "skipped": dict(runtime.rejections.get(feed.key, {})),
        "setpoints": setpoints,
    }


def _entities(zone: Zone) -> dict[str, list[str]]:
    """Return the entities of a zone by kind."""
    return {
        "climate": list(zone.climate),
        "lights": list(zone.lights),
        "motion": list(zone.motion),
        "power": list(zone.power),
    }
