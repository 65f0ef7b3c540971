"""Today at a glance, for the dashboard card.

`cadence/today` answers, for one thermostat:
- `learned`: today's learned setpoints as changes (as `cadence.get_schedule`);
- `actual`: the setpoints the thermostat actually had since local midnight, from
  the recorder (`null` where it was off or unavailable);
- `occupancy`: its zone's occupancy forecast for the next 24 h, half hour by half
  hour, from the current one (`null` until the zone has learned);
- `alerts`: the last week of the zone's anomaly binary sensors and the home's
  `unusual_inactivity`, as the stretches each was on.

Reading the recorder is database I/O: it runs in the recorder's executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
import math
from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import DOMAIN as BINARY_SENSOR_DOMAIN
from homeassistant.components.climate.const import HVACMode
from homeassistant.components.recorder import history
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util

from . import schedule
from .descriptions import UNUSUAL_INACTIVITY_SENSOR, percent
from .home import Zone
from .runtime import CadenceRuntime
from .services import DAYS, SLOT_MINUTES, round_temperature, setpoint_step

if TYPE_CHECKING:
    from . import CadenceConfigEntry

ALERT_DAYS = 7
FORECAST_SLOTS = 24 * 60 // SLOT_MINUTES


@dataclass(frozen=True, kw_only=True)
class Question:
    """What the card asks about: a thermostat, one of its setpoints, a zone."""

    entity_id: str
    setpoint: str
    area_id: str | None = None


async def async_today(
    hass: HomeAssistant, entry: CadenceConfigEntry, question: Question
) -> dict[str, Any]:
    """Return today's learned and actual setpoints, occupancy ahead, and alerts."""
    runtime = entry.runtime_data
    now = dt_util.now()
    midnight = dt_util.start_of_local_day(now)
    zone = _zone(runtime, question)
    alerts = _alert_entities(hass, entry.entry_id, zone)
    actual, on = await get_instance(hass).async_add_executor_job(
        _read, hass, question, midnight, now - timedelta(days=ALERT_DAYS), alerts
    )
    return {
        "entity_id": question.entity_id,
        "setpoint": question.setpoint,
        "unit": str(runtime.home.unit),
        "now": now.isoformat(),
        "learned": _learned(hass, runtime, question, now),
        "actual": [
            {"minute": _minute(state.last_updated, midnight), "setpoint": value}
            for state, value in _changes(actual, question.setpoint)
        ],
        "occupancy": None if zone is None else _occupancy(runtime, zone, now),
        "alerts_from": (now - timedelta(days=ALERT_DAYS)).isoformat(),
        "alerts": [
            {
                "entity_id": entity_id,
                "name": runtime.home.friendly_name(entity_id),
                "on": _on_periods(on.get(entity_id, []), now),
            }
            for entity_id in alerts
        ],
    }


def _zone(runtime: CadenceRuntime, question: Question) -> Zone | None:
    """Return the zone asked for, else the thermostat's own."""
    zones = runtime.home.zones
    if question.area_id is not None:
        return next((z for z in zones if z.area_id == question.area_id), None)
    return runtime.home.zone_of_thermostat(question.entity_id)


def _learned(
    hass: HomeAssistant, runtime: CadenceRuntime, question: Question, now: datetime
) -> list[dict[str, Any]] | None:
    """Return today's learned changes, None while nothing is learned."""
    model = runtime.setpoint_model(question.entity_id, question.setpoint)
    if model is None or model.samples == 0:
        return None
    home = runtime.home
    week = dict(zip(DAYS, model.schedule(now), strict=True))
    slots = [home.from_celsius(value) for value in week[DAYS[now.weekday()]]]
    return schedule.changes(slots, setpoint_step(hass, question.entity_id, home.unit))


def _alert_entities(hass: HomeAssistant, entry_id: str, zone: Zone | None) -> list[str]:
    """Return the enabled anomaly sensors of the zone, then the home's inactivity."""
    home_unique_id = f"{entry_id}_{UNUSUAL_INACTIVITY_SENSOR.key}"
    zone_sensors: list[str] = []
    home_sensors: list[str] = []
    registry = er.async_get(hass)
    for found in er.async_entries_for_config_entry(registry, entry_id):
        if found.domain != BINARY_SENSOR_DOMAIN or found.disabled_by is not None:
            continue
        if zone is not None and found.config_subentry_id == zone.zone_id:
            zone_sensors.append(found.entity_id)
        elif found.unique_id == home_unique_id:
            home_sensors.append(found.entity_id)
    return sorted(zone_sensors) + home_sensors


def _read(
    hass: HomeAssistant,
    question: Question,
    midnight: datetime,
    week_ago: datetime,
    alerts: list[str],
) -> tuple[list[State], dict[str, list[State]]]:
    """Read today's thermostat states and the week's alert states (database I/O).

    Every state, not only significant ones: a new setpoint changes an attribute.
    """
    actual = _states(hass, midnight, [question.entity_id], attributes=True)
    on = _states(hass, week_ago, alerts, attributes=False) if alerts else {}
    return actual.get(question.entity_id, []), on


def _states(
    hass: HomeAssistant, start: datetime, entity_ids: list[str], *, attributes: bool
) -> dict[str, list[State]]:
    """Return every recorded state of the entities since start (database I/O)."""
    found = history.get_significant_states(
        hass,
        start,
        entity_ids=entity_ids,
        significant_changes_only=False,
        no_attributes=not attributes,
    )
    return {
        entity_id: [state for state in states if isinstance(state, State)]
        for entity_id, states in found.items()
    }


def _changes(states: list[State], setpoint: str) -> list[tuple[State, float | None]]:
    """Return the states where the setpoint changed (None: off or unavailable)."""
    found: list[tuple[State, float | None]] = []
    for state in states:
        value = _setpoint(state, setpoint)
        if not found or found[-1][1] != value:
            found.append((state, value))
    return found


def _setpoint(state: State, setpoint: str) -> float | None:
    """Return a state's setpoint as shown, None when off, missing or not a number."""
    raw = state.attributes.get(setpoint)
    if state.state == HVACMode.OFF or isinstance(raw, bool):
        return None
    if not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    return round_temperature(float(raw))


def _minute(when: datetime, midnight: datetime) -> int:
    """Return the minute of the local day by the clock (a state from before: 0)."""
    local = dt_util.as_local(max(when, midnight))
    return local.hour * 60 + local.minute


def _occupancy(
    runtime: CadenceRuntime, zone: Zone, now: datetime
) -> list[dict[str, Any]] | None:
    """Return the zone's occupancy forecast per half hour for the next 24 h."""
    channel = runtime.pipeline.channel("occupancy", zone.zone_id)
    if channel is None:
        return None
    first = now.replace(
        minute=now.minute - now.minute % SLOT_MINUTES, second=0, microsecond=0
    )
    found: list[dict[str, Any]] = []
    for slot in range(FORECAST_SLOTS):
        # Whole half hours in absolute time: a DST change shifts the clock, not this.
        when = dt_util.as_local(
            dt_util.as_utc(first) + timedelta(minutes=slot * SLOT_MINUTES)
        )
        forecast = channel.forecast(runtime.planning(zone, when), now).get("occupancy")
        if forecast is None:
            return None
        found.append(
            {"start": when.isoformat(), "probability": percent(forecast.value)}
        )
    return found


def _on_periods(states: list[State], now: datetime) -> list[dict[str, Any]]:
    """Return the stretches a binary sensor was on (`end` None: still on)."""
    found: list[dict[str, Any]] = []
    for state in states:
        if state.state == STATE_ON and (not found or found[-1]["end"] is not None):
            start = max(state.last_changed, now - timedelta(days=ALERT_DAYS))
            found.append({"start": _local(start), "end": None})
        elif state.state != STATE_ON and found and found[-1]["end"] is None:
            found[-1]["end"] = _local(state.last_changed)
    return found


def _local(when: datetime) -> str:
    """Return a moment as the home's local time, ISO 8601."""
    return dt_util.as_local(when).isoformat()
