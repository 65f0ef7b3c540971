"""Repair issues Cadence raises, and the flows that let a person dismiss them."""

from __future__ import annotations

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

ISSUE_UNREADABLE_STATE = "unreadable_state"
ISSUE_MISSING_ENTITY = "missing_entity"
ISSUE_NO_HISTORY = "history"
ISSUE_SENSOR_UNHEALTHY = "sensor_unhealthy"


def async_create_unreadable_state_issue(
    hass: HomeAssistant, entry_id: str, moved_to: str | None, error: str
) -> None:
    """Tell the user the learned state could not be read and is being relearned."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"{ISSUE_UNREADABLE_STATE}_{entry_id}",
        is_fixable=True,
        is_persistent=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_UNREADABLE_STATE,
        translation_placeholders={
            "moved_to": moved_to or "(no file)",
            "error": error,
        },
    )


def async_update_missing_entity_issue(
    hass: HomeAssistant, entity_id: str, zone: str, *, missing: bool
) -> None:
    """Raise or clear the issue for a configured entity that no longer exists."""
    _async_update_entity_issue(
        hass,
        f"{ISSUE_MISSING_ENTITY}_{entity_id}",
        ISSUE_MISSING_ENTITY if missing else None,
        entity_id,
        zone,
    )


def async_update_history_issue(
    hass: HomeAssistant, entity_id: str, zone: str, reason: str | None
) -> None:
    """Raise or clear the issue for an entity Cadence finds no history of.

    reason is the issue's translation key: "excluded_from_recorder" (the recorder is
    told not to record it) or "no_history"; None clears the issue.
    """
    _async_update_entity_issue(
        hass, f"{ISSUE_NO_HISTORY}_{entity_id}", reason, entity_id, zone
    )


def async_update_sensor_health_issue(
    hass: HomeAssistant, entity_id: str, zone: str, state: str | None
) -> None:
    """Raise or clear the issue for a sensor unhealthy for a day (state: which)."""
    _async_update_entity_issue(
        hass,
        f"{ISSUE_SENSOR_UNHEALTHY}_{entity_id}",
        None if state is None else ISSUE_SENSOR_UNHEALTHY,
        entity_id,
        zone,
        state=state or "",
    )


def _async_update_entity_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str | None,
    entity_id: str,
    zone: str,
    **placeholders: str,
) -> None:
    """Raise an issue about one entity of a zone, or clear it when key is None."""
    if translation_key is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders={"entity_id": entity_id, "zone": zone} | placeholders,
    )


def async_delete_all_issues(hass: HomeAssistant) -> None:
    """Remove every issue Cadence raised (the entry is being deleted)."""
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Let the user acknowledge an unreadable state file (it is already relearning)."""
    return ConfirmRepairFlow()
