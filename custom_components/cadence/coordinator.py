"""The live driver: feeds what the home does to the pipeline and pushes statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import (
    async_track_entity_registry_updated_event,
    async_track_state_change_event,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import (
    CONF_OUTDOOR_ENTITY,
    CONF_WORKDAY_ENTITY,
    DOMAIN,
    LOGGER,
    REFRESH_INTERVAL,
    UNHEALTHY_ISSUE_AFTER,
)
from .engine import Channel, HealthChannel, LevelChannel, Reading, Source, StateView
from .history import HeldChange, log_failure, unlearned_zones
from .home import source_of
from .repairs import async_update_missing_entity_issue, async_update_sensor_health_issue

if TYPE_CHECKING:
    from . import CadenceConfigEntry
    from .runtime import CadenceRuntime

# What the entities show, by (kind of channel, key) and then by name.
type CadenceData = dict[tuple[str, str], Mapping[str, Any]]


class CadenceCoordinator(DataUpdateCoordinator[CadenceData]):
    """Learns live from the zones' entities and holds what the entities show."""

    config_entry: CadenceConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: CadenceConfigEntry, runtime: CadenceRuntime
    ) -> None:
        """Drive the runtime's pipeline."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=REFRESH_INTERVAL,
            always_update=False,
        )
        self.runtime = runtime
        self.pipeline = runtime.pipeline
        history = runtime.history
        history.on_learn = self._learn
        history.on_done = self._async_on_history_done
        history.on_progress = self.async_update_listeners

    @callback
    def async_start(self, history_days: float, statistics_days: float) -> None:
        """Subscribe to the watched entities; learn from history what never learned.

        That is new zones, and thermostats added to a zone since its history was
        learned (for those alone). The subscription and the seam are made in the same
        step, so every state change is learned exactly once: from history before the
        seam, live from it on.
        """
        runtime = self.runtime
        pending = unlearned_zones(runtime.home.zones, runtime.history.standing)
        if pending and runtime.learning:
            runtime.history.async_start(
                pending, history_days, statistics_days, relearn=False
            ).add_done_callback(log_failure)
        entry = self.config_entry
        watched = self.pipeline.watches()
        entry.async_on_unload(
            async_track_state_change_event(self.hass, watched, self._async_on_change)
        )
        home = runtime.home
        inputs = [e for e in (home.outdoor_entity, home.workday_entity) if e]
        entry.async_on_unload(
            async_track_entity_registry_updated_event(
                self.hass, [*watched, *inputs], self._async_on_registry_update
            )
        )
        self._async_take_current_states()
        # Entries are not unloaded at shutdown: stop reading before the recorder stops.
        entry.async_on_unload(
            self.hass.bus.async_listen_once(
                EVENT_HOMEASSISTANT_STOP, self._async_on_stop
            )
        )

    @callback
    def _async_take_current_states(self) -> None:
        """Bring restored channels up to the entities' states now.

        An entity that exists already sends no event; what it did while Cadence was
        not watching (a reload, a restart) was not seen being chosen, so it is taken
        in as found: held or paused, never taught.
        """
        if not self.runtime.learning:
            return
        now = dt_util.utcnow()
        history = self.runtime.history
        for entity_id in self.pipeline.watches():
            if history.holds(entity_id):
                continue  # learning from history ends at this moment; live follows
            state = self.hass.states.get(entity_id)
            self.pipeline.on_state(
                entity_id,
                now,
                _reading(state),
                None,
                Source.UNKNOWN,
                self.hass.states.get,
            )

    async def _async_on_stop(self, event: Event) -> None:
        """Cancel learning from history when Home Assistant stops."""
        await self.runtime.history.async_stop()

    @callback
    def async_check_entities(self, hass: HomeAssistant | None = None) -> None:
        """Raise a repair issue for each configured thermostat that does not exist."""
        for zone in self.runtime.home.zones:
            for entity_id in zone.climate:
                async_update_missing_entity_issue(
                    self.hass,
                    entity_id,
                    zone.name,
                    missing=self.hass.states.get(entity_id) is None,
                )

    async def _async_update_data(self) -> CadenceData:
        """Tick every channel (credit held setpoints, sample habits); refresh all."""
        now = dt_util.utcnow()
        runtime = self.runtime
        if runtime.learning:
            history = runtime.history
            learned = self.pipeline.on_tick(
                now,
                self.hass.states.get,
                skip=lambda channel: any(map(history.holds, channel.watches())),
            )
            if learned:
                runtime.store.async_delay_save(runtime.as_dict)
        self._async_check_health(now)
        return self.pipeline.status(now, self.hass.states.get)

    @callback
    def _async_check_health(self, now: datetime) -> None:
        """Name in a repair issue each watched entity unhealthy for a day, or clear it."""
        for zone in self.runtime.home.zones:
            for channel in self.pipeline.channels[zone.zone_id]:
                if isinstance(channel, LevelChannel | HealthChannel):
                    health = channel.sensor_health
                    since = health.since
                    long_unhealthy = (
                        health.state != "ok"
                        and since is not None
                        and now - since >= UNHEALTHY_ISSUE_AFTER
                        and (
                            isinstance(channel, LevelChannel)
                            or channel.health.worth_a_repair
                        )
                    )
                    async_update_sensor_health_issue(
                        self.hass,
                        channel.key,
                        zone.name,
                        health.state if long_unhealthy else None,
                    )

    @callback
    def _async_on_change(self, event: Event[EventStateChangedData]) -> None:
        """Learn from one state change of a watched entity; microseconds of work."""
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        old = event.data["old_state"]
        runtime = self.runtime
        if (new is None or old is None) and (
            zone := runtime.home.zone_of_thermostat(entity_id)
        ):
            async_update_missing_entity_issue(
                self.hass, entity_id, zone.name, missing=new is None
            )
        if not runtime.learning:
            # Nothing is learned; the entities still show whether their source is there.
            self.async_update_listeners()
            return
        change = HeldChange(
            entity_id,
            event.time_fired,
            _reading(new),
            _reading(old),
            Source.UNKNOWN
            if new is None
            else source_of(new.context, runtime.home.own_contexts),
            self.hass.states.get,
        )
        if runtime.history.holds(entity_id):
            # Applied when the run ends: keep the states its conditions read now.
            runtime.history.hold(_frozen(change, self._inputs(entity_id)))
            self.async_update_listeners()
            return
        channels = self._learn(change)
        self._async_push(
            self.pipeline.status(event.time_fired, change.lookup, channels)
        )

    def _inputs(self, entity_id: str) -> Iterable[str]:
        """Return the entities whose states the conditions of an entity's zone read."""
        zone = self.pipeline.zone_of(entity_id)
        inputs = self.pipeline.home.inputs()
        return inputs if zone is None else (*inputs, *zone.motion)

    def _learn(self, change: HeldChange) -> list[Channel]:
        """Feed one live change to the pipeline; return the channels it reached."""
        runtime = self.runtime
        outcomes = self.pipeline.on_state(
            change.entity_id,
            change.when,
            change.new,
            change.old,
            change.source,
            change.lookup,
        )
        learned = False
        for channel, outcome in outcomes:
            learned |= outcome.learned
            if outcome.skipped:
                counts = runtime.rejections.setdefault(channel.key, Counter())
                counts.update(outcome.skipped)
        if learned:
            runtime.store.async_delay_save(runtime.as_dict)
        return [channel for channel, _ in outcomes]

    @callback
    def _async_on_history_done(self) -> None:
        """Save and show everything once a run of learning from history ended."""
        now = dt_util.utcnow()
        self.runtime.store.async_delay_save(self.runtime.as_dict)
        self.pipeline.look_at_health(now, self.hass.states.get)
        self._async_push(self.pipeline.status(now, self.hass.states.get))

    @callback
    def _async_on_registry_update(
        self, event: Event[er.EventEntityRegistryUpdatedData]
    ) -> None:
        """Keep what a renamed entity learned: the zone then reloads with the new id."""
        data = event.data
        if data["action"] != "update" or "old_entity_id" not in data:
            return
        self.async_follow(data["old_entity_id"], data["entity_id"])

    @callback
    def async_follow(self, old: str, new: str | None) -> None:
        """Put an entity in the place of another everywhere, with what it learned.

        new None removes the old one from its zones (what it learned is dropped).
        The zones then reload.
        """
        if new is not None:
            self.runtime.renames[old] = new
        entry = self.config_entry
        for subentry in entry.subentries.values():
            changed = {
                key: [e for e in (new if e == old else e for e in value) if e]
                for key, value in subentry.data.items()
                if isinstance(value, list) and old in value
            }
            if changed:
                self.hass.config_entries.async_update_subentry(
                    entry, subentry, data={**subentry.data, **changed}
                )
        # The home-wide inputs (outdoor temperature, workday sensor) follow too.
        options = {
            key: new
            for key in (CONF_OUTDOOR_ENTITY, CONF_WORKDAY_ENTITY)
            if entry.options.get(key) == old
        }
        if options:
            self.hass.config_entries.async_update_entry(
                entry, options={**entry.options, **options}
            )

    @callback
    def _async_push(self, data: CadenceData) -> None:
        """Show new statuses now, without moving the five-minute tick.

        async_set_updated_data would restart the tick's timer, and a thermostat that
        reports its room temperature every few minutes would then starve it.
        """
        self.data = {**(self.data or {}), **data}
        self.async_update_listeners()

    def status(self, kind: str, key: str) -> Mapping[str, Any]:
        """Return what one channel shows now (empty before the first refresh)."""
        return (self.data or {}).get((kind, key), {})


def _reading(state: State | None) -> Reading | None:
    """Return what the engine needs of a state."""
    return None if state is None else Reading(state.state, state.attributes)


def _frozen(change: HeldChange, entity_ids: Iterable[str]) -> HeldChange:
    """Return a held change whose lookup keeps the given states as they are now."""
    states: dict[str, StateView | None] = {e: change.lookup(e) for e in entity_ids}
    return HeldChange(
        change.entity_id,
        change.when,
        change.new,
        change.old,
        change.source,
        states.get,
    )
