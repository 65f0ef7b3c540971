"""Learning from the recorder's history: the same engine path as live, oldest first.

A run reads the recorded states of the entities a pipeline's channels use and the
home-wide inputs in windows of a few hours (in the recorder's executor) and replays
them in time order through `Pipeline.on_state`, exactly as live events are fed, with
the coordinator's five-minute tick in between. Conditions for a past moment come from
the recorded states as they were then, never from Home Assistant's current states.
Replay runs on the event loop in slices of a few milliseconds; numeric sensors read
their hourly long-term statistics for the time before the state history, when a
model takes them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
import math
import time
from typing import Protocol

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util

from ..const import LOGGER, REFRESH_INTERVAL
from ..engine import Pipeline, Reading, Source
from ..home import Home, StateView, source_of
from ..repairs import async_update_history_issue
from .plan import HistoryPlan, HistorySummary
from .reader import (
    HourlyStatistic,
    RawState,
    RecordedState,
    read_states,
    read_states_before,
    read_statistics,
    recorded_entities,
)

# One database read: three hours of states, a week of hourly statistics. Short state
# windows keep few rows alive at once, so the run's allocations do not set off full
# garbage collections of the whole process (~200 ms each with day-long windows).
STATE_WINDOW = timedelta(hours=3)
STATISTICS_WINDOW = timedelta(days=7)
# Event-loop time one slice of replay may take before it yields.
SLICE_BUDGET_S = 0.008
# Rows between looks at the clock.
SLICE_CHECK_EVERY = 64

EXCLUDED = "excluded_from_recorder"
NO_HISTORY = "no_history"


class StatisticsConsumer(Protocol):
    """Learns from a numeric sensor's hourly statistics (a model of levels)."""

    def __call__(self, entity_id: str, hours: Sequence[HourlyStatistic]) -> None:
        """Take in consecutive hours of one sensor, oldest first."""


class HistoryReplay:
    """Feeds recorded states to a pipeline as if they were happening live."""

    def __init__(self, home: Home, pipeline: Pipeline, start: datetime) -> None:
        """Replay into the given pipeline, ticking from start on."""
        self._home = home
        self._pipeline = pipeline
        # Every entity's state as it was at the moment being replayed.
        self._view: dict[str, RecordedState] = {}
        self.events: Counter[str] = Counter()
        # When the oldest state change replayed happened (oldest first: the first).
        self.first_ts: float | None = None
        self.skipped: Counter[str] = Counter()
        tick_s = REFRESH_INTERVAL.total_seconds()
        self._tick_s = tick_s
        self._next_tick_ts = math.ceil(start.timestamp() / tick_s) * tick_s

    def lookup(self, entity_id: str) -> StateView | None:
        """Return an entity's state at the moment being replayed."""
        return self._view.get(entity_id)

    def begin(self, states: Iterable[RecordedState], start: datetime) -> None:
        """Take the states entities were in when the replay starts, teaching nothing.

        As at a live start, each channel takes its entities' states as found.
        """
        states = list(states)
        for state in states:
            self._view[state.entity_id] = state
        for state in states:
            self._pipeline.on_state(
                state.entity_id,
                start,
                _reading(state),
                None,
                Source.UNKNOWN,
                self.lookup,
            )

    def apply(self, raw: RawState) -> None:
        """Replay one recorded state change."""
        state = RecordedState._make(raw)
        self.tick_until(state.last_updated_ts)
        entity_id = state.entity_id
        self.events[entity_id] += 1
        if self.first_ts is None:
            self.first_ts = state.last_updated_ts
        # The recorder keeps no old state for the first state after a restart or for
        # a new entity: live, that change also arrives without an old state.
        old = None if state.first else self._view.get(entity_id)
        source = source_of(
            Context(
                user_id=state.user_id,
                parent_id=state.parent_id,
                id=state.context_id or "",
            ),
            self._home.own_contexts,
        )
        self._view[entity_id] = state
        for _, outcome in self._pipeline.on_state(
            entity_id,
            _utc(state.last_updated_ts),
            _reading(state),
            _reading(old),
            source,
            self.lookup,
        ):
            for reason in outcome.skipped:
                self.skipped[reason] += 1

    def tick_until(self, ts: float) -> None:
        """Run the coordinator's periodic tick for every tick time up to ts."""
        while self._next_tick_ts <= ts:
            self._pipeline.on_tick(_utc(self._next_tick_ts), self.lookup)
            self._next_tick_ts += self._tick_s


class HistoryRun:
    """One run of learning from history, from the database to the feeds."""

    def __init__(
        self,
        hass: HomeAssistant,
        home: Home,
        plan: HistoryPlan,
        pipeline: Pipeline,
        *,
        on_progress: Callable[[int], None] | None = None,
        statistics_consumer: StatisticsConsumer | None = None,
    ) -> None:
        """Prepare a run that learns into a pipeline (a fresh one, swapped in after)."""
        self._hass = hass
        self._home = home
        self.plan = plan
        self._pipeline = pipeline
        self._on_progress = on_progress
        self._statistics_consumer = statistics_consumer
        self._replay = HistoryReplay(home, pipeline, plan.start)
        self.summary = HistorySummary(plan=plan)

    def _entities(self) -> list[str]:
        """Return every entity whose history the run reads: what the models use.

        The channels' own entities, the zones' sensors their activity is read from
        and the home-wide inputs.
        """
        entity_ids = list(self._pipeline.watches())
        for zone in self.plan.zones:
            entity_ids += [*zone.climate, *zone.power, *zone.motion]
        entity_ids += self._pipeline.home.inputs()
        return list(dict.fromkeys(entity_ids))

    async def async_run(self) -> HistorySummary:
        """Learn from the planned history; the caller swaps the feeds in when done."""
        started = time.perf_counter()
        plan = self.plan
        instance = get_instance(self._hass)
        await instance.async_db_ready
        # What happened just before the seam must be in the database before it is read.
        await instance.async_block_till_done()
        entity_ids = self._entities()
        LOGGER.info(
            "Learning from history of %s: %d entities, %s to %s",
            ", ".join(zone.name for zone in plan.zones),
            len(entity_ids),
            plan.start.isoformat(),
            plan.end.isoformat(),
        )
        recorded = await instance.async_add_executor_job(
            recorded_entities, self._hass, entity_ids
        )
        self._report_missing(entity_ids, recorded)
        entity_ids = [entity_id for entity_id in entity_ids if entity_id in recorded]
        if self._statistics_consumer is not None:
            await self._async_statistics(
                [e for zone in plan.zones for e in zone.power if e in recorded]
            )
        await self._async_states(entity_ids)
        self.summary.events = {
            entity_id: self._replay.events[entity_id] for entity_id in entity_ids
        }
        self.summary.seconds = time.perf_counter() - started
        if (first_ts := self._replay.first_ts) is not None:
            self.summary.first = _utc(first_ts)
        LOGGER.info(
            "Learned from history of %s: %d states, %d hours of statistics, %.1f s",
            ", ".join(zone.name for zone in plan.zones),
            sum(self.summary.events.values()),
            sum(self.summary.statistics.values()),
            self.summary.seconds,
        )
        return self.summary

    def _report_missing(self, entity_ids: Iterable[str], recorded: set[str]) -> None:
        """Raise a repair issue for each entity without history, clear the others."""
        entity_filter = get_instance(self._hass).entity_filter
        zone_names = {
            entity_id: zone.name
            for zone in self.plan.zones
            for entity_id in zone.entities()
        }
        for entity_id in entity_ids:
            reason: str | None = None
            if entity_filter is not None and not entity_filter(entity_id):
                reason = EXCLUDED
            elif entity_id not in recorded:
                reason = NO_HISTORY
            if reason is not None:
                self.summary.without_history[entity_id] = reason
                LOGGER.warning("No history to learn from for %s: %s", entity_id, reason)
            async_update_history_issue(
                self._hass, entity_id, zone_names.get(entity_id, "-"), reason
            )

    async def _async_statistics(self, statistic_ids: list[str]) -> None:
        """Read the hourly statistics of numeric sensors older than the states."""
        plan = self.plan
        if not statistic_ids or plan.statistics_start >= plan.start:
            return
        counts: Counter[str] = Counter(dict.fromkeys(statistic_ids, 0))
        instance = get_instance(self._hass)
        start = plan.statistics_start
        while start < plan.start:
            end = min(start + STATISTICS_WINDOW, plan.start)
            hours_by_id = await instance.async_add_executor_job(
                read_statistics, self._hass, set(statistic_ids), start, end
            )
            for entity_id, hours in hours_by_id.items():
                counts[entity_id] += len(hours)
                if self._statistics_consumer is not None:  # pragma: no branch
                    self._statistics_consumer(entity_id, hours)
            start = end
            await asyncio.sleep(0)
        self.summary.statistics = dict(counts)

    async def _async_states(self, entity_ids: list[str]) -> None:
        """Replay the states in day windows, reading the next while applying one."""
        plan = self.plan
        if not entity_ids:
            return
        instance = get_instance(self._hass)
        # Attributes matter for all but on/off sensors and the workday sensor.
        plain = {e for zone in plan.zones for e in zone.motion}
        plain.add(self._pipeline.home.workday_entity or "")
        detailed = frozenset(set(entity_ids) - plain)
        start_ts = plan.start.timestamp()
        end_ts = plan.end.timestamp()
        self._replay.begin(
            await instance.async_add_executor_job(
                read_states_before, self._hass, entity_ids, detailed, start_ts
            ),
            plan.start,
        )
        step = STATE_WINDOW.total_seconds()
        windows = [
            (ts, min(ts + step, end_ts)) for ts in _frange(start_ts, end_ts, step)
        ]

        def read(window: tuple[float, float]) -> asyncio.Future[list[RawState]]:
            return instance.async_add_executor_job(
                read_states, self._hass, entity_ids, detailed, *window
            )

        pending = read(windows[0]) if windows else None
        for index in range(len(windows)):
            assert pending is not None  # noqa: S101
            rows = await pending
            pending = read(windows[index + 1]) if index + 1 < len(windows) else None
            await self._async_apply(rows)
            if self._on_progress is not None:
                self._on_progress(round(100 * (index + 1) / len(windows)))
        self._replay.tick_until(end_ts - 1e-6)

    async def _async_apply(self, rows: Sequence[RawState]) -> None:
        """Replay rows on the event loop, yielding whenever a slice's budget is used."""
        deadline = time.perf_counter() + SLICE_BUDGET_S
        apply = self._replay.apply
        for index, row in enumerate(rows):
            apply(row)
            if index % SLICE_CHECK_EVERY == 0 and time.perf_counter() > deadline:
                await asyncio.sleep(0)
                deadline = time.perf_counter() + SLICE_BUDGET_S
        await asyncio.sleep(0)


def _utc(ts: float) -> datetime:
    """Return a timestamp as an aware UTC time."""
    return dt_util.utc_from_timestamp(ts)


def _frange(start: float, stop: float, step: float) -> list[float]:
    """Return start, start + step, ... below stop."""
    count = max(0, math.ceil((stop - start) / step))
    return [start + i * step for i in range(count)]


def _reading(state: RecordedState | None) -> Reading | None:
    """Return what the engine needs of a recorded state (None: the entity was gone)."""
    if state is None or not state.state:
        return None
    return Reading(state.state, state.attributes)
