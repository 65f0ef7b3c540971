"""Repair issues Cadence raises, and the flows that fix or dismiss them."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
import voluptuous as vol

from .config_flow import used_thermostats
from .const import DOMAIN
from .services import loaded_entry

ISSUE_UNREADABLE_STATE = "unreadable_state"
ISSUE_MISSING_ENTITY = "missing_entity"
ISSUE_NO_HISTORY = "history"
ISSUE_SENSOR_UNHEALTHY = "sensor_unhealthy"
# What a fix flow's step returns: typed by context from Home Assistant 2026.11 on
# (RepairsFlowResult), which older releases do not have.
type StepResult = FlowResult[Any, str]
# The fix flow's field: the thermostat that takes a missing one's place.
REPLACEMENT = "replacement"


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
        fixable=True,
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
    *,
    fixable: bool = False,
    **placeholders: str,
) -> None:
    """Raise an issue about one entity of a zone, or clear it when key is None.

    A fixable one hands its fix flow the entity and the zone.
    """
    if translation_key is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=fixable,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders={"entity_id": entity_id, "zone": zone} | placeholders,
        data={"entity_id": entity_id, "zone": zone} if fixable else None,
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
    """Return the flow that fixes an issue, or that acknowledges it.

    A missing thermostat is replaced or removed; an unreadable state file is only
    acknowledged (Cadence is already relearning).
    """
    if issue_id.startswith(f"{ISSUE_MISSING_ENTITY}_") and data is not None:
        return MissingThermostatFlow(str(data["entity_id"]), str(data["zone"]))
    return ConfirmRepairFlow()


class MissingThermostatFlow(RepairsFlow):
    """Put another thermostat in a missing one's place, or remove it from the zone."""

    def __init__(self, entity_id: str, zone: str) -> None:
        """Fix the issue of one missing thermostat of a zone."""
        self._entity_id = entity_id
        self._zone = zone

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> StepResult:
        """Start with the question (the issue's data arrives here, not an answer)."""
        return await self.async_step_replace()

    async def async_step_replace(
        self, user_input: dict[str, Any] | None = None
    ) -> StepResult:
        """Ask for the thermostat that replaced it; none removes it."""
        try:
            entry = loaded_entry(self.hass)
        except ServiceValidationError:
            return self.async_abort(reason="not_loaded")
        if user_input is not None:
            runtime = entry.runtime_data
            assert runtime.coordinator is not None  # noqa: S101  # made at setup
            # An emptied field may come back as "": that is no replacement either.
            runtime.coordinator.async_follow(
                self._entity_id, user_input.get(REPLACEMENT) or None
            )
            return self.async_create_entry(data={})
        used = used_thermostats(entry, None)
        config = EntitySelectorConfig(domain="climate", exclude_entities=used)
        return self.async_show_form(
            step_id="replace",
            data_schema=vol.Schema({vol.Optional(REPLACEMENT): EntitySelector(config)}),
            description_placeholders={"entity_id": self._entity_id, "zone": self._zone},
        )
