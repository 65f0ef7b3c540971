"""The dashboard card's question: the learned week, or why there is none yet.

`cadence/schedule` answers what `cadence.get_schedule` answers. A thermostat or
zone that has learned nothing yet is an ordinary answer here (`schedule: null`
with the reason), not an error: a card asks every quarter of an hour, and the
action's refusals would fill the log with errors.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_INVALID_FORMAT
from homeassistant.components.websocket_api.decorators import (
    async_response,
    websocket_command,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
import voluptuous as vol

from .const import DOMAIN
from .services import (
    ATTR_FORMAT,
    ATTR_SETPOINT,
    ATTR_ZONE,
    FORMATS,
    GET_SCHEDULE_SCHEMA,
    SERVICE_GET_SCHEDULE,
    async_get_schedule,
)

FIELDS = (ATTR_ENTITY_ID, ATTR_ZONE, ATTR_SETPOINT, ATTR_FORMAT)


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the card's command."""
    async_register_command(hass, _ws_schedule)


@websocket_command(
    {
        vol.Required("type"): f"{DOMAIN}/schedule",
        vol.Optional(ATTR_ENTITY_ID): str,
        vol.Optional(ATTR_ZONE): str,
        vol.Optional(ATTR_SETPOINT): str,
        vol.Optional(ATTR_FORMAT): vol.In(FORMATS),
    }
)
@async_response
async def _ws_schedule(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer the learned week, or null and why."""
    try:
        data = GET_SCHEDULE_SCHEMA({k: msg[k] for k in FIELDS if k in msg})
    except vol.Invalid as err:
        connection.send_error(msg["id"], ERR_INVALID_FORMAT, str(err))
        return
    call = ServiceCall(
        hass, DOMAIN, SERVICE_GET_SCHEDULE, data, connection.context(msg)
    )
    try:
        schedule = await async_get_schedule(call)
    except ServiceValidationError as err:
        connection.send_result(
            msg["id"],
            {"schedule": None, "reason": err.translation_key, "message": str(err)},
        )
        return
    connection.send_result(msg["id"], {"schedule": schedule})
