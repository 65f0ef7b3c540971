"""The dashboard card's questions: the learned week, and today at a glance.

`cadence/schedule` answers what `cadence.get_schedule` answers. A thermostat or
zone that has learned nothing yet is an ordinary answer here (`schedule: null`
with the reason), not an error: a card asks every quarter of an hour, and the
action's refusals would fill the log with errors. `cadence/today` answers what
`today.py` says; its parts are null while nothing is learned.
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
from homeassistant.helpers.translation import async_get_translations
import voluptuous as vol

from .const import DOMAIN
from .services import (
    ATTR_FORMAT,
    ATTR_SETPOINT,
    ATTR_ZONE,
    FORMATS,
    GET_SCHEDULE_SCHEMA,
    SERVICE_GET_SCHEDULE,
    SETPOINT_FIELD,
    async_get_schedule,
    loaded_entry,
)
from .today import Question, async_today

FIELDS = (ATTR_ENTITY_ID, ATTR_ZONE, ATTR_SETPOINT, ATTR_FORMAT)


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the card's command."""
    async_register_command(hass, _ws_schedule)
    async_register_command(hass, _ws_today)


@websocket_command(
    {
        vol.Required("type"): f"{DOMAIN}/schedule",
        vol.Optional(ATTR_ENTITY_ID): str,
        vol.Optional(ATTR_ZONE): str,
        vol.Optional(ATTR_SETPOINT): str,
        vol.Optional(ATTR_FORMAT): vol.In(FORMATS),
        # The card's language, for the message of a refusal (default: the server's).
        vol.Optional("language"): str,
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
        message = await _message(hass, msg.get("language"), err)
        connection.send_result(
            msg["id"],
            {"schedule": None, "reason": err.translation_key, "message": message},
        )
        return
    connection.send_result(msg["id"], {"schedule": schedule})


async def _message(
    hass: HomeAssistant, language: str | None, err: ServiceValidationError
) -> str:
    """Return a refusal's message in the language asked for, else as raised."""
    if language is None:
        return str(err)
    found = await async_get_translations(hass, language, "exceptions", [DOMAIN])
    key = f"component.{DOMAIN}.exceptions.{err.translation_key}.message"
    if (template := found.get(key)) is None:
        return str(err)
    try:  # as Home Assistant words its own: without the closing full stop
        return template.rstrip(".").format(**(err.translation_placeholders or {}))
    except (KeyError, IndexError, ValueError):  # a translation's broken placeholder
        return str(err)


@websocket_command(
    {
        vol.Required("type"): f"{DOMAIN}/today",
        vol.Required(ATTR_ENTITY_ID): str,
        **SETPOINT_FIELD,
        vol.Optional(ATTR_ZONE): str,
    }
)
@async_response
async def _ws_today(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Answer today's setpoints, the next day's occupancy and the week's alerts."""
    try:
        entry = loaded_entry(hass)
    except ServiceValidationError as err:
        connection.send_error(msg["id"], str(err.translation_key), str(err))
        return
    question = Question(
        entity_id=msg[ATTR_ENTITY_ID],
        setpoint=msg[ATTR_SETPOINT],
        area_id=msg.get(ATTR_ZONE),
    )
    connection.send_result(msg["id"], await async_today(hass, entry, question))
