"""Heating faults: each thermostat's calls for heat (or cold), and whether they work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..models.heating import COOL, HEAT, HeatingWatch
from ..states import CELSIUS, Reading, Source, finite, to_celsius
from .base import NOTHING, Facts, Forecast, Outcome, present_verdict

# Home Assistant's hvac_action values that drive the room.
ACTIONS = {"heating": HEAT, "preheating": HEAT, "cooling": COOL}
# Without an hvac_action, the modes that may heat or cool.
HEAT_MODES = ("heat", "heat_cool", "auto")
COOL_MODES = ("cool", "heat_cool", "auto")
# The setpoint each direction aims at, for a range thermostat first.
TARGET_OF = {
    HEAT: ("target_temp_low", "temperature"),
    COOL: ("target_temp_high", "temperature"),
}


@dataclass(frozen=True, slots=True)
class HeatingStatus:
    """Whether a thermostat's heating (or cooling) fails to move its room, in °C.

    `direction` is "heat", "cool" or None (neither now); `expected_c` is where the
    room should be by now at the learned rate; `stall_since` is when the room last
    moved toward the setpoint while driven; `since` is when the flag was raised.
    """

    flag: bool
    score: float
    direction: str | None
    room_c: float | None
    target_c: float | None
    expected_c: float | None
    rate_c_per_h: float
    stall_since: datetime | None
    since: datetime | None


def driven(
    reading: Reading | None, unit: str
) -> tuple[str | None, float | None, float | None]:
    """Return how a thermostat drives its room now: direction, room and setpoint in °C.

    hvac_action says whether it heats or cools; a thermostat that does not report it
    is taken to heat (cool) in a heating (cooling) mode while the room is below
    (above) the setpoint. Off, unavailable or unknown drives nothing.
    """
    if reading is None or reading.state in ("off", "unavailable", "unknown"):
        return None, None, None
    attributes = reading.attributes
    room = finite(to_celsius(attributes.get("current_temperature"), unit))
    action = attributes.get("hvac_action")
    if action is not None:
        direction = ACTIONS.get(str(action))
        return direction, room, _target(attributes, direction, unit)
    for direction, modes, sign in ((HEAT, HEAT_MODES, 1.0), (COOL, COOL_MODES, -1.0)):
        target = _target(attributes, direction, unit)
        if (
            reading.state in modes
            and room is not None
            and target is not None
            and sign * (target - room) > 0
        ):
            return direction, room, target
    return None, room, None


def _target(
    attributes: Mapping[str, Any], direction: str | None, unit: str
) -> float | None:
    """Return the setpoint a direction aims at, in °C, None when there is none."""
    if direction is None:
        return None
    for name in TARGET_OF[direction]:
        if (value := finite(to_celsius(attributes.get(name), unit))) is not None:
            return value
    return None


class HeatingChannel:
    """Watches one thermostat for heating or cooling that does not work."""

    kind: ClassVar[str] = "heating"

    def __init__(
        self, entity_id: str, watch: HeatingWatch | None = None, unit: str = CELSIUS
    ) -> None:
        """Watch a thermostat reporting in the home's unit."""
        self.key = entity_id
        self.watch = watch or HeatingWatch()
        self.unit = unit

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return a channel per thermostat of the zone, restoring what each learned."""
        return [
            cls(
                entity_id,
                HeatingWatch.from_dict(stored[entity_id])
                if entity_id in stored
                else None,
                home.unit,
            )
            for entity_id in zone.climate
        ]

    def watches(self) -> tuple[str, ...]:
        """Return the thermostat."""
        return (self.key,)

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Take in whether the thermostat heats or cools, and the room temperature."""
        self.watch.update(*driven(new, self.unit))
        return NOTHING

    def on_tick(self, x: Conditions) -> bool:
        """Judge the room; True when its rate was learned."""
        return self.watch.tick(x.when, x.sensitivity)

    def status(self, x: Conditions) -> dict[str, HeatingStatus]:
        """Return whether the heating (or cooling) fails now, and what says so."""
        watch = self.watch
        return {
            "heating_fault": HeatingStatus(
                flag=watch.flag,
                score=watch.score,
                direction=watch.direction,
                room_c=watch.room_c,
                target_c=watch.target_c,
                expected_c=watch.expected_c(),
                rate_c_per_h=watch.rate.predict(watch.direction or HEAT),
                stall_since=watch.stall_since,
                since=watch.since,
            )
        }

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the verdict, for the present only."""
        watch = self.watch
        return present_verdict(x, now, "heating_fault", watch.flag, watch.score)

    def to_dict(self) -> dict[str, Any]:
        """Return the watch, JSON-safe."""
        return self.watch.to_dict()
