"""One path from what a home reports to what every channel learns and predicts.

The live coordinator, the history bootstrap and the offline replay each drive a
`Pipeline`: they hand it state changes in time order and tick it every five minutes
of (event) time, with a lookup of the entities' states at that moment. The pipeline
builds each zone's `Conditions` once per event or tick, keeps the zones' activity,
and passes them to the channels that watch the entity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from .channels.base import Channel, ChannelKind, Facts, Forecast, Outcome
from .channels.health import HealthChannel
from .channels.levels import LevelChannel
from .features import DEFAULT_SENSITIVITY, HOME_MODES, NORMAL, SENSITIVITIES, Conditions
from .inputs import StateLookup, conditions_from, planning_conditions
from .layout import HomeLayout, Zone
from .models.activity import ActivityTracker
from .models.health import OFFLINE, OK
from .states import Reading, Source, finite

# Readings in these units say "busy" by changing (climate), any other by their level.
CLIMATE_UNITS = ("°C", "°F", "K", "%")
ACTIVITY_KEY = "activity"
JUDGES = HealthChannel.judges

# Turns an aware moment into the home's local time.
type ToLocal = Callable[[datetime], datetime]


class Pipeline:
    """The channels of a home's zones, fed one state change or tick at a time."""

    def __init__(
        self,
        home: HomeLayout,
        channels: Mapping[str, Sequence[Channel]],
        to_local: ToLocal,
        activity: Mapping[str, ActivityTracker] | None = None,
    ) -> None:
        """Drive the channels of each zone (by zone id) of the home."""
        self.home = home
        self.to_local = to_local
        self.zones = {zone.zone_id: zone for zone in home.zones}
        self.channels: dict[str, list[Channel]] = {
            zone_id: list(channels.get(zone_id, ())) for zone_id in self.zones
        }
        self.activity: dict[str, ActivityTracker] = {
            zone_id: (activity or {}).get(zone_id) or ActivityTracker()
            for zone_id in self.zones
        }
        # The latest activity of each zone, None until its sensors were read.
        self.activity_now: dict[str, float | None] = {}
        # The home's mode and each zone's sensitivity, as the household set them.
        self.mode = NORMAL
        self.sensitivity: dict[str, int] = {}
        self._route: dict[str, list[tuple[Zone, Channel]]] = {}
        # Entities judged unhealthy at the last tick: no channel but those judging
        # health is given their states, and lookups see them as unavailable.
        self.unhealthy: frozenset[str] = frozenset()
        self._index()

    @classmethod
    def build(
        cls,
        home: HomeLayout,
        kinds: Iterable[ChannelKind],
        stored: Mapping[str, Any],
        facts: Facts,
        to_local: ToLocal,
    ) -> Pipeline:
        """Build every kind's channels for every zone, restoring what they learned.

        `stored` is what `to_dict` returned. Raises ValueError, KeyError or TypeError
        when any part of it is malformed.
        """
        channels: dict[str, list[Channel]] = {z.zone_id: [] for z in home.zones}
        for kind in kinds:
            saved = _object(stored.get(kind.kind, {}), kind.kind)
            for zone in home.zones:
                channels[zone.zone_id] += kind.for_zone(zone, home, saved, facts)
        activity = {
            zone_id: ActivityTracker.from_dict(item)
            for zone_id, item in _object(
                stored.get(ACTIVITY_KEY, {}), "activity"
            ).items()
            if zone_id in channels
        }
        return cls(home, channels, to_local, activity)

    def _index(self) -> None:
        """Route each watched entity to the channels (and zones) that learn from it."""
        self._route = {}
        for zone_id, channels in self.channels.items():
            zone = self.zones[zone_id]
            for channel in channels:
                for entity_id in channel.watches():
                    self._route.setdefault(entity_id, []).append((zone, channel))

    def watches(self) -> list[str]:
        """Return every entity a channel learns from."""
        return list(self._route)

    def all_channels(self) -> Iterator[Channel]:
        """Yield every channel, zone by zone."""
        for channels in self.channels.values():
            yield from channels

    def channel(self, kind: str, key: str) -> Channel | None:
        """Return the channel of a kind kept under key (an entity or zone id)."""
        for channel in self.all_channels():
            if channel.kind == kind and channel.key == key:
                return channel
        return None

    def keep(self, wanted: Callable[[str, Channel], bool]) -> None:
        """Keep only the channels wanted(zone id, channel) says to keep."""
        for zone_id, channels in self.channels.items():
            channels[:] = [c for c in channels if wanted(zone_id, c)]
        self._index()

    def replace_channels(self, fresh: Pipeline) -> None:
        """Swap in the channels (and activity) of another pipeline, by kind and key."""
        swapped = {(c.kind, c.key): c for c in fresh.all_channels()}
        for channels in self.channels.values():
            for index, channel in enumerate(channels):
                channels[index] = swapped.get((channel.kind, channel.key), channel)
        self.activity.update(fresh.activity)
        self._index()

    def set_mode(self, mode: str) -> None:
        """Set the home's mode (one of HOME_MODES); raise ValueError for another."""
        if mode not in HOME_MODES:
            raise ValueError(f"unknown home mode {mode!r}")
        self.mode = mode

    def set_sensitivity(self, zone_id: str, level: int) -> None:
        """Set a zone's sensitivity (1-5); raise ValueError for another level."""
        # Whole numbers only: True and 3.0 compare equal to 1 and 3, but are neither.
        if type(level) is not int or level not in SENSITIVITIES:
            raise ValueError(f"sensitivity must be 1 to 5, got {level!r}")
        self.sensitivity[zone_id] = level

    def conditions(self, zone: Zone, when: datetime, lookup: StateLookup) -> Conditions:
        """Return what is known about a zone at `when`, from the states then."""
        return conditions_from(
            lookup,
            self.to_local(when),
            motion=zone.motion,
            outdoor_entity=self.home.outdoor_entity,
            workday_entity=self.home.workday_entity,
            activity=self.activity_now.get(zone.zone_id),
            mode=self.mode,
            sensitivity=self.sensitivity.get(zone.zone_id, DEFAULT_SENSITIVITY),
        )

    def planning(
        self, zone: Zone, now: datetime, when: datetime, lookup: StateLookup
    ) -> Conditions:
        """Return what can be assumed at `now` about another moment `when`."""
        local = self.to_local(when)
        return planning_conditions(
            lookup,
            local,
            today=self.to_local(now).date() == local.date(),
            outdoor_entity=self.home.outdoor_entity,
            workday_entity=self.home.workday_entity,
        )

    def on_state(
        self,
        entity_id: str,
        when: datetime,
        new: Reading | None,
        old: Reading | None,
        source: Source,
        lookup: StateLookup,
    ) -> list[tuple[Channel, Outcome]]:
        """Pass one state change to every channel watching the entity.

        An unhealthy entity's state reaches only the channels judging its health;
        to the others it is unavailable.
        """
        outcomes = []
        built: dict[str, Conditions] = {}
        hidden = entity_id in self.unhealthy
        lookup = self._trusted(lookup)
        for zone, channel in self._route.get(entity_id, ()):
            x = built.get(zone.zone_id)
            if x is None:
                x = built[zone.zone_id] = self.conditions(zone, when, lookup)
            if hidden and channel.kind not in JUDGES:
                # Already told it is unavailable (see _judge_health): still so.
                outcome = channel.on_state(x, entity_id, None, None, source)
            else:
                outcome = channel.on_state(x, entity_id, new, old, source)
            outcomes.append((channel, outcome))
        return outcomes

    def _trusted(self, lookup: StateLookup) -> StateLookup:
        """Return a lookup that finds no state for an unhealthy entity."""
        unhealthy = self.unhealthy
        if not unhealthy:
            return lookup
        return lambda entity_id: None if entity_id in unhealthy else lookup(entity_id)

    def look_at_health(
        self,
        when: datetime,
        lookup: StateLookup,
        skip: Callable[[Channel], bool] | None = None,
    ) -> None:
        """Judge each thermostat's, light's and motion sensor's health now.

        On the state now, whether or not a change was reported (a learning from
        history that found no record of an entity ends without its state); then
        note which entities are not to be trusted. Channels skip(channel) says are
        busy elsewhere (learning their history) are left out.
        """
        for channel in self.all_channels():
            if isinstance(channel, HealthChannel) and (
                skip is None or not skip(channel)
            ):
                view = lookup(channel.key)
                now = None if view is None else Reading(view.state, view.attributes)
                channel.health.update(when, now)
                channel.health.tick(when)
        self._judge_health(when, lookup)

    def _judge_health(self, when: datetime, lookup: StateLookup) -> None:
        """Note which entities report but are not to be trusted, and tell the rest.

        Stuck, flapping or implausible, by the channels judging health. An offline
        one reports nothing to hide, and its first state back is passed on as is.
        The other channels watching an entity hear it become unavailable when it
        turns untrusted (a stuck sensor sends no event to say so), and find its
        state then, as at a start (not taught), when it is trusted again.
        """
        before = self.unhealthy
        self.unhealthy = frozenset(
            channel.key
            for channel in self.all_channels()
            if isinstance(channel, HealthChannel | LevelChannel)
            and channel.sensor_health.state not in (OK, OFFLINE)
        )
        trusted = self._trusted(lookup)
        for entity_id in before ^ self.unhealthy:
            view = None if entity_id in self.unhealthy else lookup(entity_id)
            found = None if view is None else Reading(view.state, view.attributes)
            for zone, channel in self._route.get(entity_id, ()):
                if channel.kind not in JUDGES:
                    x = self.conditions(zone, when, trusted)
                    channel.on_state(x, entity_id, found, None, Source.UNKNOWN)

    def on_tick(
        self,
        when: datetime,
        lookup: StateLookup,
        skip: Callable[[Channel], bool] | None = None,
    ) -> bool:
        """Read each zone's activity, then tick its channels; True if any learned.

        Channels skip(channel) says are busy elsewhere (learning their history) are
        left out.
        """
        learned = False
        self.look_at_health(when, lookup, skip)
        trusted = self._trusted(lookup)
        for zone_id, channels in self.channels.items():
            zone = self.zones[zone_id]
            self._read_activity(zone, trusted)
            x = self.conditions(zone, when, trusted)
            for channel in channels:
                if skip is None or not skip(channel):
                    learned |= channel.on_tick(x)
        self._judge_health(when, lookup)  # numeric sensors judged themselves
        return learned

    def _read_activity(self, zone: Zone, lookup: StateLookup) -> None:
        """Update the zone's activity from its power and climate sensors now."""
        if not zone.power and not zone.climate:
            return
        climate: dict[str, float | None] = {
            entity_id: finite(state.attributes.get("current_temperature"))
            for entity_id in zone.climate
            if (state := lookup(entity_id)) is not None
        }
        power: dict[str, float | None] = {}
        levels = {
            c.key: c for c in self.channels[zone.zone_id] if isinstance(c, LevelChannel)
        }
        for sensor in zone.power:
            if (state := lookup(sensor)) is not None:
                unit = state.attributes.get("unit_of_measurement")
                kind = climate if unit in CLIMATE_UNITS else power
                value = finite(state.state)
                # In the unit its feed learns in: a switch to kW is not a quiet zone.
                level = levels.get(sensor)
                if value is not None and level is not None:
                    value = level.in_learned_unit(value, state.attributes)
                kind[sensor] = value
        self.activity_now[zone.zone_id] = self.activity[zone.zone_id].update(
            power, climate
        )

    def status(
        self,
        when: datetime,
        lookup: StateLookup,
        only: Iterable[Channel] | None = None,
    ) -> dict[tuple[str, str], Mapping[str, Any]]:
        """Return the channels' status now by (kind, key), one Conditions a zone.

        Every channel's, or only those given.
        """
        wanted = None if only is None else {id(channel) for channel in only}
        result: dict[tuple[str, str], Mapping[str, Any]] = {}
        for zone_id, channels in self.channels.items():
            chosen = [c for c in channels if wanted is None or id(c) in wanted]
            if not chosen:
                continue
            x = self.conditions(self.zones[zone_id], when, lookup)
            for channel in chosen:
                result[(channel.kind, channel.key)] = channel.status(x)
        return result

    def zone_of(self, entity_id: str) -> Zone | None:
        """Return the zone of the first channel that watches an entity."""
        routes = self._route.get(entity_id)
        return routes[0][0] if routes else None

    def forecast(
        self, now: datetime, when: datetime, lookup: StateLookup
    ) -> Iterator[tuple[Channel, str, Forecast]]:
        """Yield what every channel predicts at `now` for the moment `when` >= now."""
        for zone_id, channels in self.channels.items():
            zone = self.zones[zone_id]
            if when == now:
                x = self.conditions(zone, now, lookup)
            else:
                x = self.planning(zone, now, when, lookup)
            for channel in channels:
                for quantity, forecast in channel.forecast(x, now).items():
                    yield channel, quantity, forecast

    def to_dict(self) -> dict[str, Any]:
        """Return what every channel learned by kind and key, and the zones' activity."""
        data: dict[str, Any] = {}
        for channel in self.all_channels():
            data.setdefault(channel.kind, {})[channel.key] = channel.to_dict()
        data[ACTIVITY_KEY] = {
            zone_id: tracker.to_dict() for zone_id, tracker in self.activity.items()
        }
        return data


def _object(value: object, what: str) -> dict[str, Any]:
    """Return a stored object, refusing anything else."""
    if not isinstance(value, dict):
        raise TypeError(f"{what}: expected an object, got {type(value).__name__}")
    return value
