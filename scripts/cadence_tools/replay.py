"""The replay loop: events in time order through the channels, predictions at ticks.

Strictly prequential. Before an event at time e is learned, every five-minute hold
tick and every prediction due at or before e has been made, so a prediction for tick
t uses only events before t - lead. The prediction for t is made when event time
reaches t - lead, with what is known then (see `HomeState.conditions_at`) but for
the moment t.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import math

from .channels import Channel, Row, build_channels
from .events import Event
from .home import HomeConfig
from .state import HomeState

HOLD_TICK = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

type Writer = Callable[[datetime, Row], None]


@dataclass(slots=True)
class Summary:
    """What a replay did."""

    events: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    ticks: int = 0
    rows: int = 0
    first: datetime | None = None
    last: datetime | None = None
    skipped: dict[str, int] = field(default_factory=dict)


def grid_after(when: datetime, step: timedelta) -> datetime:
    """Return the first multiple of step since the Unix epoch at or after `when`."""
    seconds = step.total_seconds()
    count = math.ceil((when - _EPOCH).total_seconds() / seconds)
    return _EPOCH + timedelta(seconds=count * seconds)


class Replay:
    """Drives channels through a home's events; see the module docstring."""

    def __init__(
        self,
        home: HomeConfig,
        write: Writer,
        *,
        every: timedelta = timedelta(minutes=15),
        lead: timedelta = timedelta(0),
        channels: list[Channel] | None = None,
    ) -> None:
        """Replay into `write(tick time, row)`, ticks every `every`, made `lead` early."""
        if every <= timedelta(0):
            raise ValueError("every must be positive")
        if lead < timedelta(0):
            raise ValueError("lead must not be negative")
        self.home = home
        self.state = HomeState(home)
        self.channels = build_channels(home) if channels is None else channels
        self.route: dict[str, list[Channel]] = {}
        for channel in self.channels:
            for entity_id in channel.watches():
                self.route.setdefault(entity_id, []).append(channel)
        self.watched = home.watched()
        self.write = write
        self.every = every
        self.lead = lead
        self.summary = Summary()
        self._next_hold: datetime | None = None
        self._next_tick: datetime | None = None
        # Predictions made ahead for ticks not yet known to be inside the events.
        self._pending: deque[tuple[datetime, list[Row]]] = deque()
        # The first moment at which a hold tick or a prediction is due.
        self._due: datetime | None = None

    def feed(self, events: Iterable[Event]) -> Summary:
        """Replay events (in time order) and flush; return the summary."""
        for event in events:
            self.step(event)
        return self.finish()

    def step(self, event: Event) -> None:
        """Advance to one event's time, then learn from it."""
        summary = self.summary
        if summary.first is None:
            summary.first = event.time
            self._next_hold = grid_after(event.time, HOLD_TICK)
            self._next_tick = grid_after(event.time, self.every)
        if self._due is None or event.time >= self._due:
            self._advance(event.time)
        summary.last = event.time
        if self._pending and self._pending[0][0] <= event.time:
            self._flush(event.time)
        summary.events += 1
        if event.entity_id not in self.watched:
            summary.ignored[event.entity_id] += 1
            return
        old = self.state.apply(event)
        for channel in self.route.get(event.entity_id, ()):
            channel.on_event(event, old, self.state)

    def finish(self) -> Summary:
        """Write the predictions of ticks up to the last event; return the summary."""
        if self.summary.last is not None:
            self._flush(self.summary.last)
        self._pending.clear()
        for channel in self.channels:
            self.summary.skipped.update(getattr(channel, "skipped", {}))
        return self.summary

    def _advance(self, until: datetime) -> None:
        """Make every hold tick and prediction due at or before `until`, in order."""
        assert self._next_hold is not None  # noqa: S101  # set by the first event
        assert self._next_tick is not None  # noqa: S101
        while True:
            made_at = self._next_tick - self.lead
            if self._next_hold <= until and self._next_hold <= made_at:
                for channel in self.channels:
                    channel.on_tick(self._next_hold, self.state)
                self._next_hold += HOLD_TICK
            elif made_at <= until:
                when = self._next_tick
                rows = [
                    row
                    for channel in self.channels
                    for row in channel.predict(made_at, when, self.state)
                ]
                self._pending.append((when, rows))
                self._next_tick += self.every
            else:
                self._due = min(self._next_hold, made_at)
                return

    def _flush(self, last: datetime) -> None:
        """Write the predictions of ticks at or before `last` (an event time)."""
        pending = self._pending
        while pending and pending[0][0] <= last:
            when, rows = pending.popleft()
            for row in rows:
                self.write(when, row)
            self.summary.rows += len(rows)
            self.summary.ticks += 1
