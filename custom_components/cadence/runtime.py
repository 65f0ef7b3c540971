"""What a loaded Cadence entry holds, and the questions actions and diagnostics ask."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .const import CONF_LEARNING, LOGGER
from .engine import (
    ALL_KINDS,
    NORMAL,
    Agreement,
    Conditions,
    Pipeline,
    SetpointModel,
    StateLookup,
    ThermostatChannel,
    Zone,
)
from .history import HistoryLearning, saved_history
from .home import Home
from .store import (
    FEEDBACK_KEY,
    SETTINGS_KEY,
    CadenceStore,
    UnreadableStoreError,
    renamed,
)

if TYPE_CHECKING:
    from . import CadenceConfigEntry
    from .coordinator import CadenceCoordinator

# The kinds of channel Home Assistant drives, in the order they are fed: the
# engine's, as the replay and the history bootstrap drive them.
KINDS = ALL_KINDS


@dataclass(kw_only=True)
class CadenceRuntime:
    """The home, what it learned, where that is kept, and the live driver."""

    home: Home
    store: CadenceStore
    pipeline: Pipeline
    history: HistoryLearning
    learning: bool
    # Home Assistant's current state of an entity.
    lookup: StateLookup
    coordinator: CadenceCoordinator | None = None
    # Reasons readings were skipped, by entity, for diagnostics.
    rejections: dict[str, Counter[str]] = field(default_factory=dict)
    # Entities renamed in the registry since loading: old id to new id.
    renames: dict[str, str] = field(default_factory=dict)
    # The household's feedback on each detector's alerts, by detector and source,
    # and what was stored of it (read when a detector's entity first asks).
    agreements: dict[tuple[str, str], Agreement] = field(default_factory=dict)
    stored_feedback: dict[str, Any] = field(default_factory=dict)
    # The agreement behind each anomaly entity, by entity id, for the feedback action.
    detectors: dict[str, Agreement] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        hass: HomeAssistant,
        entry: CadenceConfigEntry,
        store: CadenceStore,
        stored: dict[str, Any] | None,
    ) -> CadenceRuntime:
        """Restore what was learned into a pipeline for the entry's zones.

        Raises UnreadableStoreError when the stored state cannot be used.
        """
        home = Home(hass, entry)
        layout = home.layout()

        def build(zones: Sequence[Zone], data: dict[str, Any]) -> Pipeline:
            return Pipeline.build(
                replace(layout, zones=tuple(zones)),
                KINDS,
                data,
                home.facts,
                dt_util.as_local,
            )

        try:
            pipeline = build(home.zones, stored or {})
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise UnreadableStoreError(repr(err)) from err
        history = HistoryLearning(
            hass,
            entry,
            home,
            pipeline,
            saved_history(stored, home.zones),
            lambda zones: build(zones, {}),
        )
        feedback = (stored or {}).get(FEEDBACK_KEY, {})
        restore_settings(pipeline, (stored or {}).get(SETTINGS_KEY))
        return cls(
            home=home,
            store=store,
            pipeline=pipeline,
            history=history,
            learning=bool(entry.options.get(CONF_LEARNING, True)),
            lookup=hass.states.get,
            stored_feedback=feedback if isinstance(feedback, dict) else {},
        )

    def agreement(self, detector: str, key: str, kinds: tuple[str, ...]) -> Agreement:
        """Return the feedback model of one detector of one source, made once.

        What was stored is restored; a damaged entry starts again with no labels.
        """
        found = self.agreements.get((detector, key))
        if found is not None:
            return found
        saved = self.stored_feedback.get(detector, {})
        item = saved.get(key) if isinstance(saved, dict) else None
        try:
            made = (
                Agreement(kinds) if item is None else Agreement.from_dict(item, kinds)
            )
        except (ValueError, KeyError, TypeError) as err:
            LOGGER.warning("Forgetting unreadable feedback on %s (%r)", key, err)
            made = Agreement(kinds)
        self.agreements[(detector, key)] = made
        return made

    def feedback_dict(self) -> dict[str, Any]:
        """Return the feedback on every detector, stored and live, JSON-safe."""
        data: dict[str, Any] = {
            detector: dict(items) if isinstance(items, dict) else {}
            for detector, items in self.stored_feedback.items()
        }
        for (detector, key), agreement in self.agreements.items():
            data.setdefault(detector, {})[key] = agreement.to_dict()
        return data

    def as_dict(self) -> dict[str, Any]:
        """Return the learned state, JSON-safe, in the store's layout."""
        data = {
            **self.pipeline.to_dict(),
            "history": self.history.as_dict(),
            FEEDBACK_KEY: self.feedback_dict(),
            SETTINGS_KEY: {
                "home_mode": self.pipeline.mode,
                "sensitivity": {
                    zone_id: level
                    for zone_id, level in self.pipeline.sensitivity.items()
                    if zone_id in self.pipeline.zones
                },
            },
        }
        for old, new in self.renames.items():
            data = renamed(data, old, new)
        return data

    async def async_set_home_mode(self, mode: str) -> None:
        """Set the home's mode and keep it at once: it is the household's choice."""
        self.pipeline.set_mode(mode)
        await self.store.async_save(self.as_dict())

    async def async_set_sensitivity(self, zone_id: str, level: int) -> None:
        """Set a zone's sensitivity (1-5) and keep it at once."""
        self.pipeline.set_sensitivity(zone_id, level)
        await self.store.async_save(self.as_dict())

    def thermostat(self, entity_id: str) -> ThermostatChannel | None:
        """Return the channel of a thermostat, None when no zone has it."""
        channel = self.pipeline.channel(ThermostatChannel.kind, entity_id)
        return channel if isinstance(channel, ThermostatChannel) else None

    def setpoint_model(self, entity_id: str, target: str) -> SetpointModel | None:
        """Return the model of one setpoint of a thermostat, None when not learned."""
        channel = self.thermostat(entity_id)
        if channel is None or (learner := channel.learners.get(target)) is None:
            return None
        return learner.model

    def planning(self, zone: Zone, when: datetime) -> Conditions:
        """Return what can be assumed now about a moment, for a zone."""
        return self.pipeline.planning(zone, dt_util.utcnow(), when, self.lookup)


def restore_settings(pipeline: Pipeline, settings: Any) -> None:
    """Set the stored home mode and sensitivities; a damaged value is left default.

    Settings are the household's, not learned: one bad value costs only itself.
    """
    if not isinstance(settings, dict):
        return
    try:
        pipeline.set_mode(settings.get("home_mode", NORMAL))
    except ValueError as err:
        LOGGER.warning("Ignoring the stored home mode (%s)", err)
    levels = settings.get("sensitivity")
    for zone_id, level in (levels if isinstance(levels, dict) else {}).items():
        try:
            pipeline.set_sensitivity(zone_id, level)
        except ValueError as err:
            LOGGER.warning("Ignoring the stored sensitivity of %s (%s)", zone_id, err)
