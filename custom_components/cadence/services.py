"""Actions: ask Cadence for its schedule or a prediction, or to learn from history."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    ATTR_TIME,
    UnitOfTemperature,
)
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from . import schedule
from .const import (
    CONF_AREA,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_STATISTICS_DAYS,
    DOMAIN,
    MAX_HISTORY_DAYS,
)
from .descriptions import percent

if TYPE_CHECKING:
    from . import CadenceConfigEntry
    from .engine import Agreement, Channel, SetpointModel
    from .home import Zone
    from .runtime import CadenceRuntime

SERVICE_GET_SCHEDULE = "get_schedule"
SERVICE_PREDICT = "predict"
SERVICE_LEARN_FROM_HISTORY = "learn_from_history"
SERVICE_FEEDBACK = "feedback"
ATTR_LABEL = "label"
LABELS = ("false_alarm", "confirmed")
ATTR_ZONE = "zone"
ATTR_DAYS = "days"
ATTR_STATISTICS_DAYS = "statistics_days"
ATTR_SETPOINT = "setpoint"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SLOT_MINUTES = schedule.SLOT_MINUTES
ATTR_FORMAT = "format"
FORMATS = ("changes", "slots")
ATTR_TARGET_TEMP_STEP = "target_temp_step"
# What a light adds to its on-probability: the brightness and colour people choose.
PREFERENCES = (("brightness", "%"), ("color_temp", "K"))

# What an action is about: a thermostat (and which setpoint), a light, or a zone.
# Which of a thermostat's setpoints is meant: one, or either end of a range.
SETPOINT_FIELD: dict[str | vol.Marker, Any] = {
    vol.Optional(ATTR_SETPOINT, default=ATTR_TEMPERATURE): vol.In(
        (ATTR_TEMPERATURE, ATTR_TARGET_TEMP_LOW, ATTR_TARGET_TEMP_HIGH)
    ),
}
_SUBJECT = {
    vol.Exclusive(ATTR_ENTITY_ID, "what"): cv.entity_domain(["climate", "light"]),
    vol.Exclusive(ATTR_ZONE, "what"): cv.string,
    **SETPOINT_FIELD,
}
_HAS_SUBJECT = cv.has_at_least_one_key(ATTR_ENTITY_ID, ATTR_ZONE)
GET_SCHEDULE_SCHEMA = vol.All(
    vol.Schema(
        {**_SUBJECT, vol.Optional(ATTR_FORMAT, default=FORMATS[0]): vol.In(FORMATS)}
    ),
    _HAS_SUBJECT,
)
PREDICT_SCHEMA = vol.All(
    vol.Schema({**_SUBJECT, vol.Optional(ATTR_TIME): cv.datetime}), _HAS_SUBJECT
)
LEARN_FROM_HISTORY_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_ZONE): cv.string,
        vol.Optional(ATTR_DAYS, default=DEFAULT_HISTORY_DAYS): vol.All(
            vol.Coerce(int), vol.Range(min=1, max=MAX_HISTORY_DAYS)
        ),
        vol.Optional(ATTR_STATISTICS_DAYS, default=DEFAULT_STATISTICS_DAYS): vol.All(
            vol.Coerce(int), vol.Range(min=0, max=10 * MAX_HISTORY_DAYS)
        ),
    }
)
FEEDBACK_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_ENTITY_ID): cv.entity_ids,
        vol.Required(ATTR_LABEL): vol.In(LABELS),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register Cadence's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_SCHEDULE,
        async_get_schedule,
        schema=GET_SCHEDULE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_PREDICT,
        _async_predict,
        schema=PREDICT_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LEARN_FROM_HISTORY,
        _async_learn_from_history,
        schema=LEARN_FROM_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_FEEDBACK, _async_feedback, schema=FEEDBACK_SCHEMA
    )


def loaded_entry(hass: HomeAssistant) -> CadenceConfigEntry:
    """Return the loaded Cadence entry, refusing when there is none."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            loaded: CadenceConfigEntry = entry
            return loaded
    raise ServiceValidationError(
        translation_domain=DOMAIN, translation_key="not_loaded"
    )


def _runtime(hass: HomeAssistant) -> CadenceRuntime:
    """Return the runtime of the loaded Cadence entry."""
    return loaded_entry(hass).runtime_data


async def _async_feedback(call: ServiceCall) -> None:
    """Teach each targeted anomaly sensor whether its latest alert was real."""
    confirmed = call.data[ATTR_LABEL] == "confirmed"
    found = []
    for entity_id in call.data[ATTR_ENTITY_ID]:
        runtime, agreement = _detector(call.hass, entity_id)
        if (alert := agreement.last) is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_alert_yet",
                translation_placeholders={"entity_id": entity_id},
            )
        found.append((runtime, agreement, alert))
    # Nothing is learned unless every target can take the label.
    for runtime, agreement, alert in found:
        agreement.learn(alert, confirmed)
        runtime.store.async_delay_save(runtime.as_dict)
        if runtime.coordinator is not None:
            runtime.coordinator.async_update_listeners()


def _detector(hass: HomeAssistant, entity_id: str) -> tuple[CadenceRuntime, Agreement]:
    """Return the loaded runtime and feedback model behind an anomaly sensor."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            runtime: CadenceRuntime = entry.runtime_data
            if (agreement := runtime.detectors.get(entity_id)) is not None:
                return runtime, agreement
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_a_detector",
        translation_placeholders={"entity_id": entity_id},
    )


def _model(runtime: CadenceRuntime, entity_id: str, setpoint: str) -> SetpointModel:
    """Return the model of one setpoint of one thermostat, refusing what is unknown."""
    placeholders = {"entity_id": entity_id, "setpoint": setpoint}
    if runtime.thermostat(entity_id) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_learned",
            translation_placeholders=placeholders,
        )
    if (model := runtime.setpoint_model(entity_id, setpoint)) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="setpoint_not_learned",
            translation_placeholders=placeholders,
        )
    if model.samples == 0:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="nothing_learned",
            translation_placeholders=placeholders,
        )
    return model


def round_temperature(value: float) -> float:
    """Round a presented temperature as thermostats show it."""
    return round(value, 1)


async def async_get_schedule(call: ServiceCall) -> ServiceResponse:
    """Return the learned week of a thermostat, a zone's occupancy or a light."""
    runtime = _runtime(call.hass)
    if _asks_habit(call):
        return _habit_schedule(runtime, call)
    entity_id: str = call.data[ATTR_ENTITY_ID]
    setpoint: str = call.data[ATTR_SETPOINT]
    model = _model(runtime, entity_id, setpoint)
    home = runtime.home
    week = [
        [home.from_celsius(value) for value in slots]
        for slots in model.schedule(dt_util.now())
    ]
    answer: dict[str, Any] = {
        "entity_id": entity_id,
        "setpoint": setpoint,
        "unit": str(home.unit),
        ATTR_FORMAT: call.data[ATTR_FORMAT],
    }
    if call.data[ATTR_FORMAT] == "slots":
        answer["slot_minutes"] = SLOT_MINUTES
        answer["days"] = {
            day: [round_temperature(value) for value in slots]
            for day, slots in zip(DAYS, week, strict=True)
        }
        return answer
    step = setpoint_step(call.hass, entity_id, home.unit)
    answer["step"] = step
    answer["days"] = {
        day: schedule.changes(slots, step)
        for day, slots in zip(DAYS, week, strict=True)
    }
    return answer


def setpoint_step(hass: HomeAssistant, entity_id: str, unit: str) -> float:
    """Return the thermostat's setpoint step: its own, else 0.5 °C or 1 °F."""
    state = hass.states.get(entity_id)
    step = None if state is None else state.attributes.get(ATTR_TARGET_TEMP_STEP)
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        return float(step)
    return 1.0 if unit == UnitOfTemperature.FAHRENHEIT else 0.5


async def _async_predict(call: ServiceCall) -> ServiceResponse:
    """Return a prediction at a time (default now): setpoint, light on, occupancy."""
    runtime = _runtime(call.hass)
    if _asks_habit(call):
        return _habit_prediction(runtime, call)
    entity_id: str = call.data[ATTR_ENTITY_ID]
    setpoint: str = call.data[ATTR_SETPOINT]
    model = _model(runtime, entity_id, setpoint)
    home = runtime.home
    when = _aware(call.data.get(ATTR_TIME))
    zone = home.zone_of_thermostat(entity_id)
    assert zone is not None  # noqa: S101  # _model found its channel
    x = runtime.planning(zone, when)
    prediction = model.predict(x)
    change = model.next_change(x)
    result: dict[str, Any] = {
        "entity_id": entity_id,
        "setpoint": setpoint,
        "time": x.when.isoformat(),
        "unit": str(home.unit),
        "value": None,
        "confidence": 0.0,
        "next_change": change.when.isoformat() if change else None,
        "next_value": round_temperature(home.from_celsius(change.value_c))
        if change
        else None,
    }
    if prediction is not None:
        result["value"] = round_temperature(home.from_celsius(prediction.value_c))
        result["confidence"] = percent(prediction.confidence)
    return result


async def _async_learn_from_history(call: ServiceCall) -> ServiceResponse:
    """Relearn a zone (or every zone) from the recorder's history; say what was used."""
    runtime = _runtime(call.hass)
    area_id: str | None = call.data.get(ATTR_ZONE)
    zones = [
        zone
        for zone in runtime.home.zones
        if area_id is None or zone.area_id == area_id
    ]
    if not zones:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="zone_not_found",
            translation_placeholders={CONF_AREA: area_id or "-"},
        )
    if not runtime.learning:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="learning_off"
        )
    task = runtime.history.async_start(
        zones, call.data[ATTR_DAYS], call.data[ATTR_STATISTICS_DAYS]
    )
    await asyncio.wait([task])
    if task.cancelled():
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="learning_cancelled"
        )
    if (err := task.exception()) is not None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="learning_failed",
            translation_placeholders={"error": repr(err)},
        ) from err
    return task.result().as_dict()


def _asks_habit(call: ServiceCall) -> bool:
    """Say whether an action is about a zone or a light rather than a thermostat."""
    return ATTR_ZONE in call.data or call.data[ATTR_ENTITY_ID].startswith("light.")


def _habit_channel(
    runtime: CadenceRuntime, call: ServiceCall
) -> tuple[Zone, Channel, str, str]:
    """Return the zone, channel, quantity and name of the zone or light asked for."""
    if (area_id := call.data.get(ATTR_ZONE)) is not None:
        zone = next((z for z in runtime.home.zones if z.area_id == area_id), None)
        if zone is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="zone_not_found",
                translation_placeholders={CONF_AREA: area_id},
            )
        kind, key, quantity, subject = "occupancy", zone.zone_id, "occupancy", area_id
    else:
        key = subject = call.data[ATTR_ENTITY_ID]
        zone = next((z for z in runtime.home.zones if key in z.lights), None)
        kind, quantity = "lights", "light_on"
    channel = None if zone is None else runtime.pipeline.channel(kind, key)
    if zone is None or channel is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_learned",
            translation_placeholders={ATTR_ENTITY_ID: subject},
        )
    return zone, channel, quantity, subject


def _nothing_learned(subject: str) -> ServiceValidationError:
    """Return the error for a zone or light that has learned nothing yet."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="nothing_learned_yet",
        translation_placeholders={"subject": subject},
    )


def _subject_key(quantity: str) -> str:
    """Return the response key naming what was asked for: zone or entity_id."""
    return "zone" if quantity == "occupancy" else ATTR_ENTITY_ID


def _habit_prediction(runtime: CadenceRuntime, call: ServiceCall) -> dict[str, Any]:
    """Return a zone's occupancy or a light's on-probability at a time, in %."""
    when = _aware(call.data.get(ATTR_TIME))
    zone, channel, quantity, subject = _habit_channel(runtime, call)
    x = runtime.planning(zone, when)
    forecasts = channel.forecast(x, dt_util.utcnow())
    forecast = forecasts.get(quantity)
    if forecast is None:
        raise _nothing_learned(subject)
    answer: dict[str, Any] = {
        _subject_key(quantity): subject,
        "quantity": quantity,
        "time": x.when.isoformat(),
        "unit": "%",
        "value": percent(forecast.value),
        "confidence": percent(forecast.confidence),
    }
    # A light also says the brightness and colour people would choose then.
    for name, unit in PREFERENCES:
        if (preference := forecasts.get(name)) is not None:
            answer[name] = {
                "value": round(preference.value, 1),
                "unit": unit,
                "confidence": percent(preference.confidence),
            }
    return answer


def _habit_schedule(runtime: CadenceRuntime, call: ServiceCall) -> dict[str, Any]:
    """Return a zone's occupancy or a light's habit for each half hour of the week.

    The week is the typical one: each slot as forecast a week ahead, where the
    learned habit speaks and what happens today does not.
    """
    zone, channel, quantity, subject = _habit_channel(runtime, call)
    now = dt_util.now()
    first = now.date() + timedelta(days=7)
    days: dict[str, list[float]] = {}
    preferences: dict[str, dict[str, list[float | None]]] = {}
    for offset in range(7):
        day = first + timedelta(days=offset)
        name = DAYS[day.weekday()]
        days[name] = []
        for slot in range(24 * 60 // SLOT_MINUTES):
            minutes = slot * SLOT_MINUTES
            when = datetime.combine(
                day, time(minutes // 60, minutes % 60), tzinfo=now.tzinfo
            )
            forecasts = channel.forecast(runtime.planning(zone, when), now)
            if (forecast := forecasts.get(quantity)) is None:
                raise _nothing_learned(subject)
            days[name].append(percent(forecast.value))
            for preference, _ in PREFERENCES:
                found = forecasts.get(preference)
                preferences.setdefault(preference, {}).setdefault(name, []).append(
                    None if found is None else round(found.value, 1)
                )
    answer: dict[str, Any] = {
        _subject_key(quantity): subject,
        "quantity": quantity,
        "unit": "%",
        ATTR_FORMAT: call.data[ATTR_FORMAT],
    }
    if call.data[ATTR_FORMAT] == "changes":
        brightness = preferences.get("brightness", {})
        answer["likely_from"] = schedule.LIKELY
        answer["days"] = {d: schedule.blocks(days[d], brightness.get(d)) for d in DAYS}
        return answer
    answer["slot_minutes"] = SLOT_MINUTES
    answer["days"] = {name: days[name] for name in DAYS}
    for name, unit in PREFERENCES:
        week = preferences.get(name, {})
        if any(v is not None for values in week.values() for v in values):
            answer[name] = {"unit": unit, "days": {d: week[d] for d in DAYS}}
    return answer


def _aware(when: datetime | None) -> datetime:
    """Return a time as an aware local time; a time without zone is the home's."""
    if when is None:
        return dt_util.now()
    if when.tzinfo is None:
        return when.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_local(when)
