"""Diagnostics: what Cadence has learned and skipped, without the household's names."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from . import CadenceConfigEntry
from .const import CONF_AREA

TO_REDACT = {CONF_AREA, "title", "name"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CadenceConfigEntry
) -> dict[str, Any]:
    """Return options, zones and per-thermostat model statistics."""
    coordinator = entry.runtime_data
    thermostats: dict[str, Any] = {}
    for entity_id, feed in coordinator.thermostats.items():
        thermostats[entity_id] = {
            "skipped": dict(coordinator.rejections.get(entity_id, {})),
            "setpoints": {
                target: {
                    "samples": learner.model.samples,
                    "mean_abs_error_c": learner.model.mean_abs_error_c,
                    "state_bytes": len(json.dumps(learner.to_dict())),
                    "confidence": (
                        status.prediction.confidence
                        if (status := coordinator.status(entity_id, target))
                        and status.prediction
                        else None
                    ),
                }
                for target, learner in feed.learners.items()
            },
        }
    return {
        "options": dict(entry.options),
        "learning": coordinator.learning,
        "zones": [
            async_redact_data(
                {"name": zone.name, CONF_AREA: zone.area_id, **_entities(zone)},
                TO_REDACT,
            )
            for zone in coordinator.home.zones
        ],
        "thermostats": thermostats,
    }


def _entities(zone: Any) -> dict[str, list[str]]:
    """Return the entities of a zone by kind."""
    return {
        "climate": list(zone.climate),
        "lights": list(zone.lights),
        "motion": list(zone.motion),
        "power": list(zone.power),
    }
