"""Lights: when each is on, and the brightness and colour temperature people choose.

People teach, machines do not. A light turned on or off by a person (a user's
context, or at the switch) teaches its on/off habit; while an automation or Cadence
holds it, or after it came back from unavailable, the habit learns nothing. A person
undoing what a machine did within a few minutes is the strongest label of all, for
on/off and for brightness alike. Changes of brightness or colour alone (adaptive
lighting) never touch the on/off habit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

from ..codec import check_version
from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..models.binary import BinaryFeed
from ..models.habit import HabitModel
from ..models.preference import PreferenceModel
from ..states import (
    TEACHING_SOURCES,
    Reading,
    Source,
    back_from_no_value,
    finite,
    is_on,
)
from .base import POOL_SAMPLES, Facts, Forecast, Outcome, sample_confidence

VERSION = 1
# A person's change this soon after a machine's is a correction of it.
CORRECTION_WINDOW = timedelta(minutes=5)
CORRECTION_WEIGHT = 3.0
MACHINES = frozenset({Source.AUTOMATION, Source.CADENCE})
# Home Assistant's colour modes: any but onoff dims; color_temp also tunes white.
ONOFF = "onoff"
COLOR_TEMP_MODE = "color_temp"
# Brightness in % of full; colour temperatures in kelvin outside this are not a light.
KELVIN_RANGE = (1000.0, 20000.0)
BRIGHTNESS = "brightness"
COLOR_TEMP = "color_temp"


@dataclass(frozen=True, slots=True)
class _MachineChange:
    """What an automation or Cadence last did to the light, and when."""

    when: datetime
    on: bool | None
    brightness: float | None


def brightness_pct(attributes: Mapping[str, Any]) -> float | None:
    """Return a light's brightness (0-255 in Home Assistant) in %, None if unknown."""
    value = finite(attributes.get("brightness"))
    if value is None or not 0.0 <= value <= 255.0:
        return None
    return round(100.0 * value / 255.0, 1)


def color_temp_k(attributes: Mapping[str, Any]) -> float | None:
    """Return a light's colour temperature in kelvin, None when it reports none."""
    value = finite(attributes.get("color_temp_kelvin"))
    low, high = KELVIN_RANGE
    return value if value is not None and low <= value <= high else None


def color_modes(facts: Mapping[str, Any] | None) -> tuple[bool, bool] | None:
    """Return (dimmable, tunable white) from supported_color_modes, None if unsaid."""
    modes = (facts or {}).get("supported_color_modes")
    if not isinstance(modes, list | tuple | set | frozenset):
        return None
    names = {str(mode) for mode in modes}
    return bool(names - {ONOFF}), COLOR_TEMP_MODE in names


class LightChannel:
    """The on/off habit of one light and its preferred brightness and colour."""

    kind: ClassVar[str] = "lights"

    def __init__(
        self,
        entity_id: str,
        feed: BinaryFeed | None = None,
        *,
        brightness: PreferenceModel | None = None,
        color_temp: PreferenceModel | None = None,
        dimmable: bool = False,
        tunable: bool = False,
    ) -> None:
        """Learn one light; a new one knows nothing."""
        self.key = entity_id
        self.feed: BinaryFeed = feed or BinaryFeed()
        self.brightness = brightness or PreferenceModel(1.0, 100.0)
        self.color_temp = color_temp or PreferenceModel(*KELVIN_RANGE)
        self.dimmable = dimmable
        self.tunable = tunable
        # The last on/off state passed to the habit, and a machine's last change.
        self._state: str | None = None
        self._machine: _MachineChange | None = None

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return a channel per light of the zone, restoring what each learned."""
        channels = []
        lent: list[HabitModel] | None = None
        for entity_id in zone.lights:
            saved = stored.get(entity_id)
            if saved is not None:
                channel = cls.from_dict(entity_id, saved)
            else:
                # A new light starts from the habits of the home's other lights.
                if lent is None:
                    lent = _lent_habits(stored)
                start = HabitModel.pooled(lent) if lent else None
                channel = cls(entity_id, BinaryFeed(start))
            if (modes := color_modes(facts(entity_id))) is not None:
                channel.dimmable, channel.tunable = modes
            channels.append(channel)
        return channels

    def watches(self) -> tuple[str, ...]:
        """Return the light."""
        return (self.key,)

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Learn from a change of the light, by who made it."""
        if back_from_no_value(old) or not x.usual:
            # Back from unavailable (power restored): found, not chosen; and what
            # guests do, or what happens while away, is not the household's habit.
            source = Source.UNKNOWN
        state = "unavailable" if new is None else new.state
        if new is not None and (modes := color_modes(new.attributes)) is not None:
            self.dimmable, self.tunable = modes
        machine = self._machine
        correcting = (
            source in TEACHING_SOURCES
            and machine is not None
            and x.when - machine.when <= CORRECTION_WINDOW
        )
        learned = False
        if state != self._state:
            on = is_on(state)
            self.feed.update(
                x.when, state if source in TEACHING_SOURCES or on is None else "unknown"
            )
            if correcting and on is not None and machine and on is not machine.on:
                self.feed.model.learn(x, on, CORRECTION_WEIGHT)
                learned = True
            self._state = state
        if correcting:
            self._machine = None
        if source in MACHINES:
            self._machine = _MachineChange(
                x.when,
                is_on(state),
                None if new is None else brightness_pct(new.attributes),
            )
        elif source in TEACHING_SOURCES and new is not None and state == "on":
            learned |= self._learn_choice(x, new, old, machine if correcting else None)
        return Outcome(learned=learned)

    def _learn_choice(
        self,
        x: Conditions,
        new: Reading,
        old: Reading | None,
        corrected: _MachineChange | None,
    ) -> bool:
        """Learn a person's brightness and colour; True when anything was learned."""
        learned = False
        before = {} if old is None or old.state != "on" else old.attributes
        value = brightness_pct(new.attributes)
        if value is not None and value != brightness_pct(before):
            weight = 1.0
            if corrected is not None and corrected.brightness not in (None, value):
                weight = CORRECTION_WEIGHT
            self.brightness.learn(x, value, weight)
            learned = True
        kelvin = color_temp_k(new.attributes)
        if kelvin is not None and kelvin != color_temp_k(before):
            self.color_temp.learn(x, kelvin, CORRECTION_WEIGHT if corrected else 1.0)
            learned = True
        return learned

    def on_tick(self, x: Conditions) -> bool:
        """Sample the light's on/off state at x, unless away or with guests."""
        return x.usual and self.feed.tick(x)

    def status(self, x: Conditions) -> dict[str, Forecast]:
        """Return what is learned of the light now."""
        return self.forecast(x, x.when)

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the probability the light is on at x.when, and what people choose."""
        model = self.feed.model
        result: dict[str, Forecast] = {}
        if model.informed:
            result["light_on"] = Forecast(
                model.predict(x), sample_confidence(model.samples)
            )
        for quantity, preference, applies in (
            (BRIGHTNESS, self.brightness, self.dimmable),
            (COLOR_TEMP, self.color_temp, self.tunable),
        ):
            if applies and (value := preference.predict(x)) is not None:
                result[quantity] = Forecast(value, preference.confidence(x))
        return result

    def to_dict(self) -> dict[str, Any]:
        """Return what the light learned, JSON-safe."""
        return {
            "version": VERSION,
            "habit": self.feed.to_dict(),
            "brightness": self.brightness.to_dict(),
            "color_temp": self.color_temp.to_dict(),
            "dimmable": self.dimmable,
            "tunable": self.tunable,
        }

    @classmethod
    def from_dict(cls, entity_id: str, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError.

        Only the habit is required: a light stored before preferences were learned
        (store 1.4, migrated) starts them afresh.
        """
        check_version(data, VERSION, "light")
        flags = data.get("dimmable", False), data.get("tunable", False)
        if not all(isinstance(flag, bool) for flag in flags):
            raise TypeError("light: dimmable and tunable must be true or false")
        preferences = {
            name: PreferenceModel.from_dict(data[name])
            for name in (BRIGHTNESS, COLOR_TEMP)
            if name in data
        }
        return cls(
            entity_id,
            BinaryFeed.from_dict(data["habit"]),
            brightness=preferences.get(BRIGHTNESS),
            color_temp=preferences.get(COLOR_TEMP),
            dimmable=flags[0],
            tunable=flags[1],
        )


def _lent_habits(stored: Mapping[str, Any]) -> list[HabitModel]:
    """Return the habits of the stored lights that learned enough to lend them.

    A damaged entry is its own light's to report; here it is just not lent.
    """
    habits = []
    for data in stored.values():
        try:
            model = HabitModel.from_dict(data["habit"]["model"])
        except (ValueError, TypeError, KeyError):
            continue
        if model.samples >= POOL_SAMPLES:
            habits.append(model)
    return habits
