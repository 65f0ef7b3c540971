"""Is a watched entity that is not a numeric sensor to be trusted: motion, climate, light.

`EntityHealth` keeps a `SensorHealth` for an entity whose state is not itself a
reading. It is `offline` after an hour unavailable, `flapping` when it drops out
again and again, and `stuck` when what it reports has not changed for far longer
than it ever usually does (see `evidence.Frozen`): a motion sensor on for a whole
day, a thermostat whose room temperature has read one value since yesterday.
Lights are judged offline and flapping only: a lamp left on is not a fault of the
lamp, and one offline (switched off at the wall) is named in no repair issue.
Readings of an unhealthy entity are not learned (the pipeline hides them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from ..codec import check_version, iso, number
from ..states import NO_VALUE_STATES, Reading, finite
from .anomaly import aware_time, elapsed
from .evidence import Frozen
from .health import OFFLINE, OK, SensorHealth
from .level_feed import FROZEN_STUCK

VERSION = 1
MOTION = "motion"
CLIMATE = "climate"
LIGHT = "light"
KINDS = (MOTION, CLIMATE, LIGHT)

# A thermostat's room temperature, in half-degree steps, may hold one value for
# many hours at its setpoint: it is stuck only after a whole day of it as well.
MIN_STUCK_H = {CLIMATE: 24.0}


class EntityHealth:
    """Whether a motion sensor, thermostat or light is to be trusted, since when not."""

    __slots__ = (
        "_available",
        "_frozen",
        "_last_tick",
        "_reading",
        "health",
        "kind",
        "stuck",
    )

    def __init__(self, kind: str) -> None:
        """Trust an entity of the kind (MOTION, CLIMATE or LIGHT) until it says not."""
        if kind not in KINDS:
            raise ValueError(f"entity health: unknown kind {kind!r}")
        self.kind = kind
        self.health = SensorHealth()
        self._frozen = Frozen()
        # What the entity reports that could freeze: motion on (1) or off (0), a
        # thermostat's room temperature; None while unavailable or not given.
        self._reading: float | None = None
        self._available = False  # whether the last report had a state
        self._last_tick: datetime | None = None
        self.stuck = 0.0  # the frozen evidence at the last tick

    @property
    def state(self) -> str:
        """Return ok, offline, flapping or stuck."""
        return self.health.state

    @property
    def worth_a_repair(self) -> bool:
        """Return whether being unhealthy for long is worth a repair issue.

        Not a light that is offline: bulbs switched off at the wall are, for days.
        """
        return not (self.kind == LIGHT and self.health.state == OFFLINE)

    @property
    def healthy(self) -> bool:
        """Return whether the entity's reports are to be learned from."""
        return self.health.state == OK

    def update(self, when: datetime, new: Reading | None) -> None:
        """Take a reported state (None: the entity is gone)."""
        available = new is not None and new.state not in NO_VALUE_STATES
        self.health.reading(when, 1.0 if available else None, self._available)
        self._available = available
        self._reading = None if new is None or not available else self._value(new)

    def _value(self, new: Reading) -> float | None:
        """Return what could freeze in a report, None if nothing does."""
        if self.kind == MOTION:
            return {"on": 1.0, "off": 0.0}.get(new.state)
        if self.kind == CLIMATE:
            return finite(new.attributes.get("current_temperature"))
        return None

    def tick(self, when: datetime) -> None:
        """Judge the entity at a tick."""
        hours = elapsed(self._last_tick, when).total_seconds() / 3600.0
        self._last_tick = when
        value = self._reading
        if value is not None:
            # Motion off repeats naturally (nobody there); on for a day does not.
            off = self.kind == MOTION and value == 0.0
            self.stuck = self._frozen.update(value, hours, off, not self.healthy)
        still = (
            value is not None
            and self.stuck >= FROZEN_STUCK
            and self._frozen.run_h >= MIN_STUCK_H.get(self.kind, 0.0)
        )
        available = 1.0 if self._available else None
        self.health.judge(when, available, hours, still, ranged=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the state, JSON-safe."""
        return {
            "version": VERSION,
            "kind": self.kind,
            "health": self.health.to_list(),
            "frozen": self._frozen.to_list(),
            "reading": self._reading,
            "available": self._available,
            "last_tick": iso(self._last_tick),
            "stuck": self.stuck,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `to_dict` output; raise ValueError, TypeError or KeyError."""
        check_version(data, VERSION, "entity health")
        kind = data["kind"]
        if not isinstance(kind, str):
            raise TypeError(f"entity health: kind must be text, got {kind!r}")
        health = cls(kind)
        health.health = SensorHealth.from_list(data["health"])
        health._frozen = Frozen.from_list(data["frozen"])
        reading = data["reading"]
        health._reading = None if reading is None else number(reading)
        available = data["available"]
        if not isinstance(available, bool):
            raise TypeError("entity health: available must be a flag")
        health._available = available
        health._last_tick = aware_time(data["last_tick"])
        health.stuck = max(0.0, number(data["stuck"]))
        return health
