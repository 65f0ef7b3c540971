"""What a home is made of, as the engine sees it: zones and home-wide inputs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class Zone:
    """One part of the home and the entities Cadence learns from in it."""

    # The id the zone's learned state is kept under (Home Assistant: its subentry).
    zone_id: str
    name: str
    area_id: str | None = None
    climate: tuple[str, ...] = ()
    lights: tuple[str, ...] = ()
    motion: tuple[str, ...] = ()
    power: tuple[str, ...] = ()

    def entities(self) -> tuple[str, ...]:
        """Return every entity of the zone, each once."""
        return tuple(
            dict.fromkeys((*self.climate, *self.lights, *self.motion, *self.power))
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class HomeLayout:
    """The zones of a home, its home-wide inputs and its unit of temperature."""

    zones: tuple[Zone, ...] = ()
    outdoor_entity: str | None = None
    workday_entity: str | None = None
    # The unit thermostats report in: the home's unit system.
    unit: str = "°C"
    # The household's `person` entities: whether anybody is home.
    people: tuple[str, ...] = ()

    def inputs(self) -> tuple[str, ...]:
        """Return the home-wide input entities that are configured."""
        return tuple(e for e in (self.outdoor_entity, self.workday_entity) if e)
