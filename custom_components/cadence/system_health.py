"""What Home Assistant's system health page says of Cadence."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components import system_health
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN


@callback
def async_register(
    hass: HomeAssistant, register: system_health.SystemHealthRegistration
) -> None:
    """Register the info callback."""
    register.async_register_info(system_health_info)


def _size(data: dict[str, Any]) -> int:
    """Return the size of the learned state as saved (compact JSON), in bytes."""
    return len(json.dumps(data, separators=(",", ":")).encode())


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """Return what Cadence learns from, how much it keeps, and when it last saved."""
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        return {"loaded": False}
    runtime = entries[0].runtime_data
    size = await hass.async_add_executor_job(_size, runtime.as_dict())
    ends = [
        standing.until
        for standing in runtime.history.standing.values()
        if standing.until is not None
    ]
    return {
        "zones": len(runtime.home.zones),
        "learned_entities": len(runtime.pipeline.watches()),
        "learning": runtime.learning,
        "home_mode": runtime.pipeline.mode,
        "store_size": f"{size / 1024:.1f} KiB",
        "last_save": runtime.store.last_save or "not since start",
        "history_learned_until": max(ends) if ends else "never",
    }
