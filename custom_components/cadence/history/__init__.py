"""Learning from the recorder's history: runs, their plan, and each zone's standing.

`HistoryLearning` starts and ends runs for the live coordinator: a run learns into a
fresh pipeline for the zones it covers and, when it completes, that pipeline's
channels are swapped in whole; live changes of the entities it learns are held back
meanwhile and applied after, so each state change is learned exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..engine import (
    InactivityChannel,
    Pipeline,
    Reading,
    Source,
    StateLookup,
    ThermostatChannel,
    Zone,
)
from ..home import Home
from .plan import (
    HistoryPlan,
    HistorySummary,
    ZoneHistory,
    saved_history,
    unlearned_zones,
)
from .run import HistoryRun, StatisticsConsumer

if TYPE_CHECKING:
    from .. import CadenceConfigEntry

__all__ = [
    "HistoryLearning",
    "HistoryPlan",
    "HistorySummary",
    "StatisticsConsumer",
    "ZoneHistory",
    "saved_history",
    "unlearned_zones",
]


@dataclass(frozen=True, slots=True)
class HeldChange:
    """A live state change held back while its entity's history is learned."""

    entity_id: str
    when: datetime
    new: Reading | None
    old: Reading | None
    source: Source
    # The states its conditions were read from, as they were at that moment.
    lookup: StateLookup


class HistoryLearning:
    """Runs learning from history for one entry and holds live changes meanwhile."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CadenceConfigEntry,
        home: Home,
        pipeline: Pipeline,
        standing: dict[str, ZoneHistory],
        build: Callable[[Sequence[Zone]], Pipeline],
    ) -> None:
        """Learn into fresh pipelines made by build, swapped into pipeline after."""
        self._hass = hass
        self._entry = entry
        self._home = home
        self._pipeline = pipeline
        self._build = build
        self.standing = standing
        # Live changes of entities whose history is being learned, applied after.
        self._held: dict[str, list[HeldChange]] | None = None
        self._task: asyncio.Task[HistorySummary] | None = None
        # Numeric sensors' hourly statistics go here once a model of levels takes them.
        self.statistics_consumer: StatisticsConsumer | None = None
        # Called with each held change when the run ends, and after every run.
        self.on_learn: Callable[[HeldChange], object] = lambda change: None
        self.on_done: Callable[[], None] = lambda: None
        self.on_progress: Callable[[], None] = lambda: None

    @property
    def running(self) -> bool:
        """Return whether a run is under way."""
        return self._task is not None and not self._task.done()

    def holds(self, entity_id: str) -> bool:
        """Return whether live changes of an entity are held back now."""
        return self._held is not None and entity_id in self._held

    def hold(self, change: HeldChange) -> None:
        """Keep a live change until the run ends."""
        if self._held is not None:  # pragma: no branch
            self._held[change.entity_id].append(change)

    @callback
    def async_start(
        self,
        zones: Sequence[Zone],
        days: float,
        statistics_days: float,
        *,
        relearn: bool = True,
    ) -> asyncio.Task[HistorySummary]:
        """Start learning the zones from the last days of history, up to now.

        Live changes of what the run learns are held back from now until it ends,
        then applied: history covers everything before this moment, live the rest.
        With relearn False, a zone that learned before relearns only the thermostats
        its plan holds (those added since); relearn replaces all the zone learned.
        """
        if self.running:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="already_learning"
            )
        plan = HistoryPlan.ending(zones, dt_util.utcnow(), days, statistics_days)
        fresh = self._build(plan.zones)
        # Of a zone that learned before, only the thermostats added since (the plan's
        # zone holds only those) relearn; its other entities still give conditions.
        partial = {
            zone.zone_id
            for zone in plan.zones
            if not relearn and self.standing[zone.zone_id].until is not None
        }
        # The home's inactivity watch, built with the first zone learned, covers
        # every zone: a run over some zones leaves the live one in place.
        some = {zone.zone_id for zone in plan.zones} != set(self.standing)
        fresh.keep(
            lambda zone_id, channel: (
                (zone_id not in partial or channel.kind == ThermostatChannel.kind)
                and not (some and channel.kind == InactivityChannel.kind)
            )
        )
        self._held = {entity_id: [] for entity_id in fresh.watches()}
        for zone in zones:
            self.standing[zone.zone_id].learning = True
            self.standing[zone.zone_id].progress = 0
        self._task = self._entry.async_create_background_task(
            self._hass, self._async_run(plan, fresh), "cadence_learn_history"
        )
        return self._task

    async def _async_run(self, plan: HistoryPlan, fresh: Pipeline) -> HistorySummary:
        """Learn into the fresh pipeline and swap it in whole: never half a run."""

        @callback
        def progress(percent: int) -> None:
            for zone in plan.zones:
                self.standing[zone.zone_id].progress = percent
            self.on_progress()

        run = HistoryRun(
            self._hass,
            self._home,
            plan,
            fresh,
            on_progress=progress,
            statistics_consumer=self.statistics_consumer,
        )
        try:
            summary = await run.async_run()
        except BaseException:
            # Cancelled (unload, shutdown) or failed: keep what was learned before.
            self._end(plan, None)
            raise
        self._pipeline.replace_channels(fresh)
        self._end(plan, summary)
        return summary

    def _end(self, plan: HistoryPlan, summary: HistorySummary | None) -> None:
        """Apply the held-back live changes and record how the run ended."""
        held, self._held = self._held or {}, None
        for changes in held.values():
            for change in changes:
                # A change from before the seam is in the history just learned.
                if summary is None or change.when >= plan.end:
                    self.on_learn(change)
        for zone in plan.zones:
            standing = self.standing[zone.zone_id]
            standing.learning = False
            if summary is not None:
                standing.thermostats |= set(zone.climate)
                standing.until = plan.end
                standing.progress = 100
                standing.last = summary.as_dict()
        self.on_done()

    async def async_stop(self) -> None:
        """Cancel a run under way and wait until it has put everything back."""
        if (task := self._task) is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])

    def as_dict(self) -> dict[str, Any]:
        """Return each zone's standing, JSON-safe, for the Store."""
        return {zone_id: item.as_dict() for zone_id, item in self.standing.items()}


def log_failure(task: asyncio.Task[HistorySummary]) -> None:
    """Log a failed run started in the background (its caller awaits nothing)."""
    if not task.cancelled() and (err := task.exception()) is not None:
        LOGGER.error("Learning from history failed: %r", err, exc_info=err)
