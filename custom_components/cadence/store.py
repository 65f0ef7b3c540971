"""Persistence of what Cadence learned: versioned JSON through Home Assistant's Store."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
# 1.2 added "history", 1.3 the thermostats its runs covered, 1.4 the channels of
# lights, occupancy and numeric sensors and the zones' activity, 1.5 a light's
# preferred brightness and colour beside its on/off habit, 1.6 version 2 of a
# numeric sensor's feed (a running median, excursions, stillness, its verdict's
# time and reason; the engine reads version 1 feeds), 1.7 "heating": each
# thermostat's heating-fault watch, and "feedback": the household's labels on
# alerts, by detector and then by entity or zone id, 1.8 "settings": the home's
# mode and each zone's sensitivity, and "inactivity": the home's quiet watch, 1.9
# "health": the health of each thermostat, light and motion sensor (numeric
# sensors keep theirs in their feed, which now also keeps its unit), 1.10 in each
# setpoint's schedule how it counts days and the hours each setpoint was kept today
# ("today" in place of "pending"; the engine reads both).
# Minor versions add keys, which readers treat as optional, and otherwise
# migrate forward here.
STORAGE_MINOR_VERSION = 10
# Since 1.5 a light's entry holds its habit under "habit", beside its preferences.
LIGHT_VERSION = 1
SAVE_DELAY = timedelta(minutes=2)

# The layout: each top-level key holds an object keyed by entity id (thermostats:
# a learner per setpoint attribute; heating: a watch; lights and levels: a feed;
# health: an entity's health)
# or by zone id (occupancy and activity_watch: a feed; activity: a tracker; history:
# its standing); inactivity holds the one watch of the whole home, under "home".
ENTITY_KEYS = ("thermostats", "heating", "lights", "levels", "health")
ZONE_KEYS = ("occupancy", "activity_watch", "activity", "history")
FEEDBACK_KEY = "feedback"
# What the household set: {"home_mode": a mode, "sensitivity": {zone id: 1-5}}.
SETTINGS_KEY = "settings"
HOME_KEYS = ("inactivity",)
LAYOUT_KEYS = (*ENTITY_KEYS, *ZONE_KEYS, *HOME_KEYS, FEEDBACK_KEY, SETTINGS_KEY)


class UnreadableStoreError(HomeAssistantError):
    """The stored state exists but cannot be used."""


class _VersionedStore(Store[dict[str, Any]]):
    """A Store that migrates older layouts forward and refuses newer ones."""

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        """Bring stored data written by another version of Cadence up to date."""
        if old_major_version > STORAGE_VERSION:
            # Written by a newer Cadence (a downgrade): its layout is unknown to us.
            raise NotImplementedError
        if old_minor_version < 5:
            old_data = migrate_lights(old_data)
        return old_data


class CadenceStore:
    """Loads and saves the learned state of one Cadence entry."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store for one config entry."""
        self._hass = hass
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )
        # When the state was last handed to Home Assistant to write (None: never).
        self.last_save: datetime | None = None

    @property
    def path(self) -> str:
        """Return the file the state lives in."""
        return str(self._store.path)

    async def async_load(self) -> dict[str, Any] | None:
        """Return the stored state, None when there is none.

        Raises UnreadableStoreError when a file exists but cannot be used; Home
        Assistant's Store itself already moves aside files that are not JSON at all.
        """
        try:
            data = await self._store.async_load()
        except (HomeAssistantError, NotImplementedError, KeyError, TypeError) as err:
            raise UnreadableStoreError(repr(err)) from err
        if data is not None:
            check_layout(data)
        return data

    async def async_move_aside(self) -> str | None:
        """Rename an unusable file so it is kept for inspection; return its new path."""
        stamp = dt_util.utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = f"{self.path}.corrupt-{stamp}"
        moved = await self._hass.async_add_executor_job(
            _rename_if_exists, self.path, target
        )
        return target if moved else None

    def async_delay_save(self, data_func: Any) -> None:
        """Save soon, coalescing bursts of learning into one write."""

        def data() -> Any:
            self.last_save = dt_util.utcnow()
            return data_func()

        self._store.async_delay_save(data, SAVE_DELAY.total_seconds())

    async def async_save(self, data: dict[str, Any]) -> None:
        """Save now."""
        self.last_save = dt_util.utcnow()
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the stored state (the entry was removed)."""
        await self._store.async_remove()


def check_layout(data: object) -> None:
    """Raise UnreadableStoreError unless data has Cadence's layout.

    A file of the right format whose content is not what Cadence writes (another
    program's, or damaged) must not be silently overwritten: it is set aside.
    """
    if not isinstance(data, dict):
        raise UnreadableStoreError(f"expected an object, got {type(data).__name__}")
    if data and not any(key in data for key in LAYOUT_KEYS):
        raise UnreadableStoreError(
            f"none of the expected keys, found {sorted(map(str, data))[:5]}"
        )
    for key in LAYOUT_KEYS:
        if key in data and not isinstance(data[key], dict):
            raise UnreadableStoreError(f"{key}: not an object")


def migrate_lights(data: dict[str, Any]) -> dict[str, Any]:
    """Move each light's habit (its whole entry up to 1.4) under "habit" (1.5)."""
    lights = data.get("lights") if isinstance(data, dict) else None
    if not isinstance(lights, dict):
        return data  # check_layout says what is wrong with it
    return {
        **data,
        "lights": {
            entity_id: {"version": LIGHT_VERSION, "habit": habit}
            for entity_id, habit in lights.items()
        },
    }


def renamed(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """Return the stored state with an entity's id changed wherever it is a key."""
    result = dict(data)
    for key in ENTITY_KEYS:
        items = data.get(key)
        if isinstance(items, dict) and old in items:
            result[key] = {new if k == old else k: v for k, v in items.items()}
    feedback = data.get(FEEDBACK_KEY)
    if isinstance(feedback, dict):
        result[FEEDBACK_KEY] = {
            detector: {new if k == old else k: v for k, v in items.items()}
            if isinstance(items, dict)
            else items
            for detector, items in feedback.items()
        }
    history = data.get("history")
    if isinstance(history, dict):
        result["history"] = {
            zone_id: _renamed_history(item, old, new)
            for zone_id, item in history.items()
        }
    return result


def _renamed_history(item: Any, old: str, new: str) -> Any:
    """Return a zone's history standing with a thermostat's id changed."""
    if not isinstance(item, dict) or not isinstance(item.get("thermostats"), list):
        return item
    return {
        **item,
        "thermostats": [new if e == old else e for e in item["thermostats"]],
    }


def _rename_if_exists(source: str, target: str) -> bool:
    """Rename source to target; False when there is no source file."""
    try:
        Path(source).replace(target)
    except FileNotFoundError:
        return False
    LOGGER.warning("Moved unreadable Cadence state %s to %s", source, target)
    return True
