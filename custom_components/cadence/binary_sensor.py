"""Binary sensors: what Cadence finds unusual, with a sentence saying why."""

from __future__ import annotations

from typing import Any, ClassVar

from homeassistant.components.binary_sensor import (
    DOMAIN as BINARY_SENSOR_DOMAIN,
    BinarySensorEntity,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from . import CadenceConfigEntry
from .const import EVENT_ANOMALY
from .coordinator import CadenceCoordinator
from .descriptions import (
    HEATING_FAULT_SENSOR,
    UNUSUAL_ACTIVITY_SENSOR,
    UNUSUAL_INACTIVITY_SENSOR,
    UNUSUAL_READING_SENSOR,
    CadenceBinarySensorEntityDescription,
    as_text,
    duration_text,
    rate_unit,
    rounded,
)
from .engine import (
    ActivityStatus,
    ActivityWatchChannel,
    Alert,
    HeatingChannel,
    HeatingStatus,
    InactivityChannel,
    InactivityStatus,
    LevelChannel,
    ReadingStatus,
)
from .engine.codec import iso
from .entity import CadenceEntity, async_remove_stale, home_device_info, short_name
from .home import Home, Zone
from .reasons import Reasons, async_reasons

# Verdicts are pushed by the coordinator; nothing is polled.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CadenceConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the anomaly sensors: per numeric sensor, per thermostat and per zone."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    assert coordinator is not None  # noqa: S101  # made before the platforms
    expected: set[str] = set()
    for zone in runtime.home.zones:
        sensors: list[CadenceAnomalySensor[Any]] = []
        for channel in runtime.pipeline.channels[zone.zone_id]:
            if isinstance(channel, LevelChannel):
                sensors.append(
                    CadenceUnusualReadingSensor(
                        coordinator, zone, channel, UNUSUAL_READING_SENSOR
                    )
                )
            elif isinstance(channel, HeatingChannel):
                sensors.append(
                    CadenceHeatingFaultSensor(
                        coordinator, zone, channel, HEATING_FAULT_SENSOR
                    )
                )
            elif isinstance(channel, ActivityWatchChannel):
                sensors.append(
                    CadenceUnusualActivitySensor(
                        coordinator, zone, channel, UNUSUAL_ACTIVITY_SENSOR
                    )
                )
            elif isinstance(channel, InactivityChannel):
                # The home's, on the home's device: not one zone's.
                home = CadenceUnusualInactivitySensor(
                    coordinator, zone, channel, UNUSUAL_INACTIVITY_SENSOR
                )
                expected.add(str(home.unique_id))
                async_add_entities([home])
        expected.update(sensor.unique_id for sensor in sensors if sensor.unique_id)
        async_add_entities(sensors, config_subentry_id=zone.zone_id)
    async_remove_stale(hass, entry, BINARY_SENSOR_DOMAIN, expected)


class CadenceAnomalySensor[
    S: (ReadingStatus, ActivityStatus, HeatingStatus, InactivityStatus)
](CadenceEntity, BinarySensorEntity):
    """On while one channel's detector finds something unusual; announces changes.

    Subclasses say which status they read and what their attributes are.
    """

    entity_description: CadenceBinarySensorEntityDescription[S]
    status_type: type[S]
    # Whether the verdict is on one entity (named after it) or on the whole zone.
    per_entity: ClassVar[bool] = True

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        channel: LevelChannel
        | ActivityWatchChannel
        | HeatingChannel
        | InactivityChannel,
        description: CadenceBinarySensorEntityDescription[S],
    ) -> None:
        """Describe the verdict of one channel."""
        super().__init__(coordinator, zone)
        self.entity_description = description
        self.source = channel.key
        if self.per_entity:
            self._attr_unique_id = f"{zone.zone_id}_{channel.key}_{description.key}"
            name = coordinator.runtime.home.friendly_name(channel.key)
            self._attr_translation_placeholders = {"entity": short_name(name, zone)}
        else:
            self._attr_unique_id = f"{zone.zone_id}_{description.key}"
        self._channel_id = (channel.kind, channel.key)
        # The household's feedback on this detector's alerts.
        self.agreement = coordinator.runtime.agreement(
            description.key, channel.key, description.alert_kinds
        )
        self._status: S | None = self._read_status()
        # What was last announced: no "started" event for a flag restored as raised.
        self._announced = bool(self.is_on)
        # The reason sentences, in Home Assistant's language once added.
        self._reasons = Reasons({})

    async def async_added_to_hass(self) -> None:
        """Read the reason sentences; be found by the feedback action."""
        self._reasons = await async_reasons(self.hass, self.entity_description.key)
        await super().async_added_to_hass()
        detectors = self.coordinator.runtime.detectors
        entity_id = self.entity_id
        detectors[entity_id] = self.agreement

        @callback
        def forget() -> None:
            detectors.pop(entity_id, None)

        self.async_on_remove(forget)

    def _alert(self, status: S) -> Alert | None:
        """Return the raised alert as feedback knows it, None while none is raised."""
        description = self.entity_description
        began = description.alert_began_fn(status)
        if not status.flag or began is None:
            return None
        return Alert.raised(description.alert_kind_fn(status), dt_util.as_local(began))

    def _read_status(self) -> S | None:
        """Return the channel's verdict, None before it has one."""
        status = self.coordinator.status(*self._channel_id).get(
            self.entity_description.status_name
        )
        return status if isinstance(status, self.status_type) else None

    @property
    def available(self) -> bool:
        """Return whether its source is there; a detector yet to learn is unknown.

        A verdict on one entity is unavailable while that entity is missing or
        unavailable; one on the whole zone or home only when Cadence is.
        """
        if not self.per_entity:
            return super().available
        state = self.hass.states.get(self.source)
        there = state is not None and state.state != STATE_UNAVAILABLE
        return super().available and there

    @property
    def is_on(self) -> bool | None:
        """Return whether something is unusual now that the household would agree with.

        The detector raises; feedback on alerts like this one can keep it off.
        """
        status = self._status
        if status is None:
            return None
        if not self.entity_description.is_on_fn(status):
            return False
        alert = self._alert(status)
        return alert is None or self.agreement.agrees(alert)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the verdict's attributes, none before there is a verdict.

        `agreement` is how likely the household is to agree with the raised alert.
        """
        status = self._status
        if status is None:
            return {}
        alert = self._alert(status)
        attributes = self.attributes(status)
        if not self.is_on:
            attributes["reason"] = None
        attributes["agreement"] = (
            None if alert is None else round(self.agreement.predict(alert), 2)
        )
        return attributes

    def attributes(self, status: S) -> dict[str, Any]:
        """Return the score, since when, and why."""
        raise NotImplementedError

    @callback
    def _handle_coordinator_update(self) -> None:
        """Read the verdict once, announce a start or an end, then write the state."""
        status = self._status = self._read_status()
        alert = None if status is None else self._alert(status)
        if alert is not None and alert != self.agreement.last:
            self.agreement.last = alert  # what a label is about from now on
            runtime = self.coordinator.runtime
            runtime.store.async_delay_save(runtime.as_dict)
        flag = bool(self.is_on)
        if flag != self._announced:
            self._announced = flag
            self.hass.bus.async_fire(
                EVENT_ANOMALY,
                {
                    "entity_id": self.entity_id,
                    "source": self.source,
                    "detector": self.entity_description.key,
                    "state": "started" if flag else "ended",
                    **self.extra_state_attributes,
                },
            )
        super()._handle_coordinator_update()


class CadenceUnusualActivitySensor(CadenceAnomalySensor[ActivityStatus]):
    """On while a zone sees motion at a time of the week that rarely sees any."""

    status_type = ActivityStatus
    per_entity = False
    _unrecorded_attributes = frozenset({"score", "usual_share"})

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        channel: ActivityWatchChannel,
        description: CadenceBinarySensorEntityDescription[ActivityStatus],
    ) -> None:
        """Describe the verdict on one zone's motion."""
        super().__init__(coordinator, zone, channel, description)
        self._zone_name = zone.name

    def attributes(self, status: ActivityStatus) -> dict[str, Any]:
        """Return the score, how often this hour sees motion, since when, and why."""
        share = round(100.0 * status.probability)
        since = status.since
        reason = (
            self._reasons.say(
                "present",
                zone=self._zone_name,
                since=f"{dt_util.as_local(since):%H:%M}",
                share=share,
            )
            if status.flag and since is not None
            else None
        )
        return {
            "score": round(status.score, 3),
            "usual_share": share,
            "since": since.isoformat() if since else None,
            "reason": reason,
        }


class CadenceUnusualInactivitySensor(CadenceAnomalySensor[InactivityStatus]):
    """On while someone is home and nothing has moved anywhere for far too long."""

    status_type = InactivityStatus
    per_entity = False
    _unrecorded_attributes = frozenset({"score", "actual", "reason"})

    def __init__(
        self,
        coordinator: CadenceCoordinator,
        zone: Zone,
        channel: InactivityChannel,
        description: CadenceBinarySensorEntityDescription[InactivityStatus],
    ) -> None:
        """Describe the verdict on the whole home's quiet, on the home's device."""
        super().__init__(coordinator, zone, channel, description)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = home_device_info(entry)

    def attributes(self, status: InactivityStatus) -> dict[str, Any]:
        """Return the hours of quiet now and usually, since when, and why."""
        usual = status.usual_h
        last = status.last_activity
        reason = (
            self._reasons.say(
                "quiet",
                quiet=duration_text(status.quiet_h),
                since=f"{dt_util.as_local(last):%H:%M}",
                usual=duration_text(usual),
            )
            if status.flag and last is not None and usual is not None
            else None
        )
        return {
            "score": round(status.score, 3),
            "expected": None if usual is None else round(usual, 1),
            "actual": round(status.quiet_h, 1),
            "limit": None if status.limit_h is None else round(status.limit_h, 1),
            "last_activity": iso(last),
            "watched": status.watched,
            "since": iso(status.since),
            "reason": reason,
        }


class CadenceHeatingFaultSensor(CadenceAnomalySensor[HeatingStatus]):
    """On while a thermostat heats (or cools) and its room does not follow."""

    status_type = HeatingStatus
    _unrecorded_attributes = frozenset(
        {"score", "expected", "actual", "rate", "reason"}
    )

    def attributes(self, status: HeatingStatus) -> dict[str, Any]:
        """Return the room and setpoint in the home's unit, the rate, and why."""
        home = self.coordinator.runtime.home

        def shown(value_c: float | None) -> float | None:
            return None if value_c is None else round(home.from_celsius(value_c), 1)

        rate = _per_hour(home, status.rate_c_per_h)
        return {
            "score": round(status.score, 3),
            "expected": shown(status.expected_c),
            "actual": shown(status.room_c),
            "target": shown(status.target_c),
            "rate": round(rate, 2),
            "direction": status.direction,
            "stalled_since": iso(status.stall_since),
            "since": iso(status.since),
            "reason": self._sentence(status),
        }

    def _sentence(self, status: HeatingStatus) -> str | None:
        """Say in a sentence what the heating does and the room does not."""
        room, target = status.room_c, status.target_c
        start = status.stall_since
        if not status.flag or room is None or target is None or start is None:
            return None
        home = self.coordinator.runtime.home
        unit = home.unit
        name = home.friendly_name(self.source)
        took = duration_text((dt_util.utcnow() - start).total_seconds() / 3600)
        gap = abs(home.from_celsius(target) - home.from_celsius(room))
        rate = _per_hour(home, status.rate_c_per_h)
        return self._reasons.say(
            "cool" if status.direction == "cool" else "heat",
            name=name,
            took=took,
            room=as_text(home.from_celsius(room)),
            unit=unit,
            gap=as_text(gap),
            target=as_text(home.from_celsius(target)),
            rate=f"{rate:.1f}",
        )


def _per_hour(home: Home, rate_c: float) -> float:
    """Return a rate in °C an hour in the home's unit an hour (°F: 1.8 times)."""
    return home.from_celsius(rate_c) - home.from_celsius(0.0)


class CadenceUnusualReadingSensor(CadenceAnomalySensor[ReadingStatus]):
    """On while a numeric sensor reads far from its usual, or has stopped moving."""

    status_type = ReadingStatus
    # The sentence quotes the latest reading: it changes every tick, as they do.
    _unrecorded_attributes = frozenset(
        {"score", "expected", "actual", "usual_low", "usual_high", "reason"}
    )

    def attributes(self, status: ReadingStatus) -> dict[str, Any]:
        """Return the score, what was expected and read, since when, and why."""
        usual = status.usual
        return {
            "score": round(status.score, 3),
            "expected": rounded(status.expected),
            "actual": rounded(status.actual),
            "usual_low": rounded(usual[0]) if usual else None,
            "usual_high": rounded(usual[1]) if usual else None,
            "since": status.since.isoformat() if status.since else None,
            "kind": status.reason,
            "reason": self._sentence(status),
        }

    def _unit(self, status: ReadingStatus) -> str:
        """Return the unit the values are in, per hour for a counter (kWh: kW)."""
        unit = status.unit
        if unit is None:
            state = self.hass.states.get(self.source) if self.hass else None
            said = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) if state else None
            unit = "" if said is None else str(said)
        return rate_unit(unit) if status.counter else unit

    def _sentence(self, status: ReadingStatus) -> str | None:
        """Say in a sentence why the readings are unusual, None when they are not."""
        if not status.flag or status.reason is None or status.actual is None:
            return None
        unit = self._unit(status)
        name = self.coordinator.runtime.home.friendly_name(self.source)
        values: dict[str, object] = {
            "name": name[:1].upper() + name[1:],
            "actual": f"{as_text(status.actual)} {unit}".strip(),
            "since": f"{dt_util.as_local(status.since or dt_util.utcnow()):%H:%M}",
        }
        if status.reason == "still" or status.usual is None:
            return self._reasons.say(status.reason, **values)
        low, high = (as_text(v) for v in status.usual)
        return self._reasons.say("outside", low=low, high=high, unit=unit, **values)
