"""The coordinator: feeds what the home does to the engine and pushes predictions."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    EVENT_HOMEASSISTANT_STOP,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .const import CONF_LEARNING, DOMAIN, LOGGER, REFRESH_INTERVAL
from .engine import (
    Change,
    Conditions,
    Prediction,
    Reading,
    Source,
    ThermostatFeed,
    targets_for,
)
from .history import HistoryRun, StatisticsConsumer
from .history_plan import HistoryPlan, HistorySummary, saved_history, unlearned_zones
from .home import Home, Zone, source_of
from .repairs import async_update_missing_entity_issue
from .store import CadenceStore, UnreadableStoreError

if TYPE_CHECKING:
    from . import CadenceConfigEntry


@dataclass(frozen=True, kw_only=True, slots=True)
class SetpointStatus:
    """What the entities show for one learned setpoint of one thermostat."""

    prediction: Prediction | None
    next_change: Change | None
    samples: int
    mean_abs_error_c: float | None
    unavailable_reason: str | None


type CadenceData = dict[tuple[str, str], SetpointStatus]
# A live state change of a thermostat, ready for ThermostatFeed.update.
type LiveChange = tuple[Conditions, Reading | None, Reading | None, Source]


class CadenceCoordinator(DataUpdateCoordinator[CadenceData]):
    """Learns from the configured thermostats and holds the current predictions."""

    config_entry: CadenceConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CadenceConfigEntry,
        store: CadenceStore,
        stored: dict[str, Any] | None,
    ) -> None:
        """Build a feed for every configured thermostat, restoring stored state.

        Raises UnreadableStoreError when the stored state cannot be used.
        """
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=REFRESH_INTERVAL,
            always_update=False,
        )
        self.home = Home(hass, entry)
        self.store = store
        self.learning = bool(entry.options.get(CONF_LEARNING, True))
        self.rejections: dict[str, Counter[str]] = {}
        saved = _saved_thermostats(stored)
        self.thermostats: dict[str, ThermostatFeed] = {}
        for zone in self.home.zones:
            for entity_id in zone.climate:
                try:
                    self.thermostats[entity_id] = ThermostatFeed.from_dict(
                        saved.get(entity_id, {}), self._targets_of(entity_id)
                    )
                except (ValueError, KeyError, TypeError, AttributeError) as err:
                    raise UnreadableStoreError(f"{entity_id}: {err!r}") from err
        self.history = saved_history(stored, self.home.zones)
        # Live changes of thermostats whose history is being learned, applied after.
        self._buffers: dict[str, list[tuple[datetime, LiveChange]]] = {}
        self._history_task: asyncio.Task[HistorySummary] | None = None
        # Numeric sensors' hourly statistics go here once a model of levels exists.
        self.statistics_consumer: StatisticsConsumer | None = None

    def _targets_of(self, entity_id: str) -> list[str]:
        """Return which setpoints of a thermostat to learn, from its features."""
        features: int | None = None
        if (state := self.hass.states.get(entity_id)) is not None:
            features = state.attributes.get(ATTR_SUPPORTED_FEATURES)
        elif (entry := er.async_get(self.hass).async_get(entity_id)) is not None:
            features = entry.supported_features
        return targets_for(features)

    @callback
    def async_start(self, history_days: float, statistics_days: float) -> None:
        """Subscribe to the thermostats; learn from history what was never learned.

        That is new zones, and thermostats added to a zone since its history was
        learned (for those alone). The subscription and the seam are made in the same
        step, so every state change is learned exactly once: from history before the
        seam, live from it on.
        """
        pending = unlearned_zones(self.home.zones, self.history)
        if pending and self.learning:
            self.async_learn_from_history(
                pending, history_days, statistics_days
            ).add_done_callback(_log_failure)
        self.config_entry.async_on_unload(
            async_track_state_change_event(
                self.hass, list(self.thermostats), self._async_on_thermostat_change
            )
        )
        self._async_take_current_states()
        # Entries are not unloaded at shutdown: stop reading before the recorder stops.
        self.config_entry.async_on_unload(
            self.hass.bus.async_listen_once(
                EVENT_HOMEASSISTANT_STOP, self._async_on_stop
            )
        )

    @callback
    def _async_take_current_states(self) -> None:
        """Bring restored learners up to the thermostats' states now.

        A thermostat that exists already sends no event; what it did while Cadence was
        not watching (a reload, a restart) was not seen being chosen, so it is taken
        in as found: held or paused, never taught.
        """
        if not self.learning:
            return
        now = dt_util.utcnow()
        for entity_id, feed in self.thermostats.items():
            if entity_id in self._buffers:
                continue  # learning from history ends at this moment; live follows
            x = self.home.conditions(self.home.zone_of(entity_id), now)
            if (state := self.hass.states.get(entity_id)) is None:
                for learner in feed.learners.values():
                    learner.pause(x)
            else:
                feed.update(x, _reading(state), None, Source.UNKNOWN, self.home.unit)

    async def _async_on_stop(self, event: Event) -> None:
        """Cancel learning from history when Home Assistant stops."""
        await self.async_stop_learning_from_history()

    @property
    def learning_from_history(self) -> bool:
        """Return whether a run of learning from history is under way."""
        return self._history_task is not None and not self._history_task.done()

    @callback
    def async_learn_from_history(
        self, zones: Sequence[Zone], days: float, statistics_days: float
    ) -> asyncio.Task[HistorySummary]:
        """Start learning the zones from the last days of history, up to now.

        Live changes of their thermostats are held back from now until the run ends,
        then applied: history covers everything before this moment, live the rest.
        """
        if self.learning_from_history:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="already_learning"
            )
        plan = HistoryPlan.ending(zones, dt_util.utcnow(), days, statistics_days)
        for zone in zones:
            for entity_id in zone.climate:
                self._buffers.setdefault(entity_id, [])
            self.history[zone.subentry_id].learning = True
            self.history[zone.subentry_id].progress = 0
        self._history_task = self.config_entry.async_create_background_task(
            self.hass, self._async_learn_from_history(plan), "cadence_learn_history"
        )
        self.async_update_listeners()
        return self._history_task

    async def _async_learn_from_history(self, plan: HistoryPlan) -> HistorySummary:
        """Learn into fresh feeds and swap them in whole: never half a run."""
        thermostats = [e for zone in plan.zones for e in zone.climate]
        fresh = {
            entity_id: ThermostatFeed.new(self.thermostats[entity_id].learners)
            for entity_id in thermostats
        }

        @callback
        def progress(percent: int) -> None:
            for zone in plan.zones:
                self.history[zone.subentry_id].progress = percent
            self.async_update_listeners()

        run = HistoryRun(
            self.hass,
            self.home,
            plan,
            fresh,
            on_progress=progress,
            statistics_consumer=self.statistics_consumer,
        )
        try:
            summary = await run.async_run()
        except BaseException:
            # Cancelled (unload, shutdown) or failed: keep what was learned before.
            self._end_learning(plan, thermostats, None)
            raise
        self.thermostats.update(fresh)
        self._end_learning(plan, thermostats, summary)
        return summary

    def _end_learning(
        self, plan: HistoryPlan, thermostats: list[str], summary: HistorySummary | None
    ) -> None:
        """Apply the held-back live changes and record how the run ended."""
        for entity_id in thermostats:
            for when, change in self._buffers.pop(entity_id, []):
                # A change from before the seam is in the history just learned.
                if summary is None or when >= plan.end:
                    self._learn(entity_id, change)
        for zone in plan.zones:
            history = self.history[zone.subentry_id]
            history.learning = False
            if summary is not None:
                history.thermostats |= set(zone.climate)
                history.until = plan.end
                history.progress = 100
                history.last = summary.as_dict()
        self.store.async_delay_save(self.as_dict)
        self._async_push(self._snapshot(dt_util.utcnow(), self.thermostats))

    async def async_stop_learning_from_history(self) -> None:
        """Cancel a run under way and wait until it has put everything back."""
        if (task := self._history_task) is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])

    @callback
    def async_check_entities(self, hass: HomeAssistant | None = None) -> None:
        """Raise a repair issue for each configured thermostat that does not exist."""
        for entity_id in self.thermostats:
            async_update_missing_entity_issue(
                self.hass,
                entity_id,
                self.home.zone_of(entity_id).name,
                missing=self.hass.states.get(entity_id) is None,
            )

    def as_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe, for the Store."""
        return {
            "thermostats": {
                entity_id: feed.to_dict()
                for entity_id, feed in self.thermostats.items()
            },
            "history": {
                zone_id: item.as_dict() for zone_id, item in self.history.items()
            },
        }

    async def _async_update_data(self) -> CadenceData:
        """Credit setpoints held since the last tick and refresh every prediction."""
        now = dt_util.utcnow()
        if self.learning:
            learned = False
            for entity_id, feed in self.thermostats.items():
                if entity_id in self._buffers:
                    continue  # its history is being learned; its live time comes after
                learned |= feed.hold(
                    self.home.conditions(self.home.zone_of(entity_id), now)
                )
            if learned:
                self.store.async_delay_save(self.as_dict)
        return self._snapshot(now, self.thermostats)

    def _snapshot(
        self, now: datetime, entity_ids: Iterable[str], base: CadenceData | None = None
    ) -> CadenceData:
        """Return the statuses of the given thermostats, on top of base."""
        data = dict(base or {})
        for entity_id in entity_ids:
            x = self.home.conditions(self.home.zone_of(entity_id), now)
            reason = _unavailable_reason(self.hass.states.get(entity_id))
            for target, learner in self.thermostats[entity_id].learners.items():
                model = learner.model
                prediction = model.predict(x)
                data[(entity_id, target)] = SetpointStatus(
                    prediction=prediction,
                    next_change=model.next_change(x) if prediction else None,
                    samples=model.samples,
                    mean_abs_error_c=model.mean_abs_error_c,
                    unavailable_reason=reason
                    or (None if prediction else "nothing learned yet"),
                )
        return data

    @callback
    def _async_on_thermostat_change(self, event: Event[EventStateChangedData]) -> None:
        """Learn from one state change of a thermostat; microseconds of work."""
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        old = event.data["old_state"]
        if new is None or old is None:
            async_update_missing_entity_issue(
                self.hass,
                entity_id,
                self.home.zone_of(entity_id).name,
                missing=new is None,
            )
        if self.learning:
            source = (
                Source.UNKNOWN
                if new is None
                else source_of(new.context, self.home.own_contexts)
            )
            change = (
                self.home.conditions(self.home.zone_of(entity_id), event.time_fired),
                _reading(new),
                _reading(old),
                source,
            )
            if (buffer := self._buffers.get(entity_id)) is not None:
                buffer.append((event.time_fired, change))
            else:
                self._learn(entity_id, change)
        self._async_push(self._snapshot(event.time_fired, (entity_id,), self.data))

    @callback
    def _async_push(self, data: CadenceData) -> None:
        """Show new statuses now, without moving the five-minute tick.

        async_set_updated_data would restart the tick's timer, and a thermostat that
        reports its room temperature every few minutes would then starve it.
        """
        self.data = data
        self.async_update_listeners()

    def _learn(self, entity_id: str, change: LiveChange) -> None:
        """Feed one live change to a thermostat's feed."""
        result = self.thermostats[entity_id].update(*change, self.home.unit)
        for reason in result.skipped:
            self.rejections.setdefault(entity_id, Counter())[reason] += 1
        if result.learned:
            self.store.async_delay_save(self.as_dict)

    def status(self, entity_id: str, target: str) -> SetpointStatus | None:
        """Return the current status of one learned setpoint."""
        return (self.data or {}).get((entity_id, target))


def _reading(state: State | None) -> Reading | None:
    """Return what the engine needs of a state."""
    return None if state is None else Reading(state.state, state.attributes)


def _unavailable_reason(state: State | None) -> str | None:
    """Say why predictions for a thermostat are not shown, None when they are."""
    if state is None:
        return "the thermostat does not exist"
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return f"the thermostat is {state.state}"
    return None


def _saved_thermostats(stored: dict[str, Any] | None) -> dict[str, Any]:
    """Return the stored feeds by thermostat, checking the layout."""
    saved = (stored or {}).get("thermostats", {})
    if not isinstance(saved, dict):
        raise UnreadableStoreError("thermostats: not an object")
    return saved


def _log_failure(task: asyncio.Task[HistorySummary]) -> None:
    """Log a failed run started in the background (its caller awaits nothing)."""
    if not task.cancelled() and (err := task.exception()) is not None:
        LOGGER.error("Learning from history failed: %r", err, exc_info=err)
