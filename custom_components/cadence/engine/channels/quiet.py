"""The home's quiet: no activity anywhere for far longer than usual at this hour.

One channel for the whole home, kept under HOME_KEY and driven with the first
zone's conditions (the mode and clock are the home's). Activity is motion in any
zone, a light switched by a person, or a person coming home. While the home's
`person` entities all say away, or no motion sensor reports, quiet is not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar, Self

from ..features import DEFAULT_SENSITIVITY, Conditions
from ..layout import HomeLayout, Zone
from ..models.quiet import QuietWatch
from ..states import Reading, Source
from .base import NOTHING, Facts, Forecast, Outcome, present_verdict

HOME_KEY = "home"
# States a motion sensor reports while it works, and a person's state at home.
MOTION_STATES = ("on", "off")
HOME = "home"


@dataclass(frozen=True, slots=True)
class InactivityStatus:
    """Whether the home has been quiet for far longer than usual at this hour.

    Hours of quiet now, the usual longest at this hour and the limit past which it
    is unusual (None before a week of learning). `last_activity` and `since` (when
    the flag was raised) are moments; so is `began`, while flagged, when the quiet
    that raised the flag began (feedback knows the alert by it).
    """

    flag: bool
    score: float
    quiet_h: float
    usual_h: float | None
    limit_h: float | None
    last_activity: datetime | None
    since: datetime | None
    watched: bool
    began: datetime | None = None


class InactivityChannel:
    """Every motion sensor, light and person of the home, into one `QuietWatch`."""

    kind: ClassVar[str] = "inactivity"

    def __init__(self, home: HomeLayout, watch: QuietWatch | None = None) -> None:
        """Watch the whole home."""
        self.key = HOME_KEY
        self.feed = watch or QuietWatch()
        self.motion = tuple(m for zone in home.zones for m in zone.motion)
        self.lights = tuple(light for zone in home.zones for light in zone.lights)
        self.people = home.people
        # What each motion sensor and person reports now: working, and at home;
        # and the motion sensors on now (an occupancy sensor held on is someone).
        self._working: dict[str, bool] = {}
        self._home: dict[str, bool] = {}
        self._on: set[str] = set()

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return the home's one channel with the first zone, when any has motion."""
        if zone != home.zones[0] or not any(z.motion for z in home.zones):
            return []
        saved = stored.get(HOME_KEY)
        return [cls(home, None if saved is None else QuietWatch.from_dict(saved))]

    def watches(self) -> tuple[str, ...]:
        """Return the home's motion sensors, lights and people."""
        return (*self.motion, *self.lights, *self.people)

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Take activity: motion, a person's light switch, someone coming home."""
        state = None if new is None else new.state
        if entity_id in self.motion:
            self._working[entity_id] = state in MOTION_STATES
            moved = state == "on"
            if moved:
                self._on.add(entity_id)
            else:
                self._on.discard(entity_id)
        elif entity_id in self.people:
            at_home = self._home.get(entity_id)
            self._home[entity_id] = state == HOME
            moved = state == HOME and at_home is False
        else:
            moved = source is Source.PERSON and old is not None and state != old.state
        if moved:
            self.feed.active(x.when)
        return NOTHING

    def watched(self) -> bool:
        """Return whether quiet means something: someone home, a sensor working.

        People never reported count as home; so does a home with no `person`.
        """
        working = any(self._working.get(m, True) for m in self.motion)
        known = [self._home[p] for p in self.people if p in self._home]
        return working and (not known or any(known))

    def on_tick(self, x: Conditions) -> bool:
        """Judge the quiet now, with the home's own sensitivity.

        A motion sensor still on (presence, a bed or seat sensor) is activity now.
        """
        if self._on:
            self.feed.active(x.when)
        home = replace(x, sensitivity=DEFAULT_SENSITIVITY)
        return self.feed.tick(home, self.watched())

    def status(self, x: Conditions) -> dict[str, Any]:
        """Return the verdict on the home's quiet."""
        watch = self.feed
        return {
            **self.forecast(x, x.when),
            "unusual_inactivity": InactivityStatus(
                flag=watch.flag,
                score=watch.score,
                quiet_h=watch.quiet_at(x),
                usual_h=watch.usual_h(x),
                limit_h=watch.limit_h(x),
                last_activity=watch.last_activity,
                since=watch.since,
                watched=self.watched(),
                began=watch.began,
            ),
        }

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the verdict, for the present only."""
        watch = self.feed
        return present_verdict(x, now, "unusual_inactivity", watch.flag, watch.score)

    def to_dict(self) -> dict[str, Any]:
        """Return the home's quiet watch, JSON-safe."""
        return self.feed.to_dict()
