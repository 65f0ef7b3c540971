"""Tests of the health of thermostats, lights and motion sensors, and of hiding them."""

from __future__ import annotations

from datetime import datetime, timedelta
import json

from household import BERLIN
import pytest

from custom_components.cadence.engine.models.entity_health import (
    CLIMATE,
    LIGHT,
    MOTION,
    EntityHealth,
)
from custom_components.cadence.engine.states import Reading

START = datetime(2026, 1, 5, tzinfo=BERLIN)  # a Monday
STEP = timedelta(minutes=5)


def _run(
    health: EntityHealth, start: datetime, hours: float, report: object
) -> list[str]:
    """Tick every five minutes for hours, reporting report(i) first; log states."""
    seen = []
    for i in range(int(hours * 12)):
        when = start + i * STEP
        state = report(i)  # type: ignore[operator]
        if state is not ...:
            health.update(when, state)
        health.tick(when)
        seen.append(health.state)
    return seen


def _motion(i: int) -> Reading:
    """A motion sensor on for ten minutes of every hour."""
    return Reading("on" if i % 12 < 2 else "off", {})


def test_a_motion_sensor_on_for_far_longer_than_ever_is_stuck() -> None:
    """Ten-minute motions all week; on for hours after it is stuck, not learned."""
    health = EntityHealth(MOTION)
    assert _run(health, START, 8 * 24, _motion)[-1] == "ok"
    after = START + timedelta(days=8)
    seen = _run(health, after, 6, lambda i: Reading("on", {}))
    assert seen[:36] == ["ok"] * 36  # three hours on: not yet four times the usual
    assert seen[-1] == "stuck"
    assert not health.healthy
    later = after + timedelta(hours=6)
    assert _run(health, later, 1, lambda i: Reading("off", {}))[-1] == "ok"
    # The stuck spell taught nothing: the usual longest on is still the floor.
    assert health.to_dict()["frozen"][2] == pytest.approx(1.0, abs=0.01)


def test_motion_off_for_days_is_nobody_there_not_a_fault() -> None:
    """Off repeats naturally: a week away is not stuck."""
    health = EntityHealth(MOTION)
    _run(health, START, 8 * 24, _motion)
    away = START + timedelta(days=8)
    assert set(_run(health, away, 7 * 24, lambda i: Reading("off", {}))) == {"ok"}


def test_a_thermostat_whose_room_temperature_froze_is_stuck() -> None:
    """A room that drifts a little every hour, then one value for a day: stuck."""
    health = EntityHealth(CLIMATE)

    def drifting(i: int) -> Reading:
        return Reading("heat", {"current_temperature": 20.0 + 0.5 * ((i // 6) % 3)})

    assert _run(health, START, 8 * 24, drifting)[-1] == "ok"
    frozen = START + timedelta(days=8)
    still = Reading("heat", {"current_temperature": 20.5})
    seen = _run(health, frozen, 30, lambda i: still)
    assert seen[23 * 12] == "ok"  # far longer than usual, but not yet a day
    assert seen[-1] == "stuck"
    # Without a room temperature there is nothing to freeze.
    bare = EntityHealth(CLIMATE)
    assert set(_run(bare, START, 10 * 24, lambda i: Reading("heat", {}))) == {"ok"}


@pytest.mark.parametrize("kind", [MOTION, CLIMATE, LIGHT])
def test_an_hour_unavailable_is_offline_and_dropping_out_is_flapping(
    kind: str,
) -> None:
    """Every kind: offline after an hour without a state, flapping when it drops."""
    health = EntityHealth(kind)
    _run(health, START, 2, lambda i: Reading("off", {}))
    gone = START + timedelta(hours=2)
    seen = _run(health, gone, 2, lambda i: None if i == 0 else ...)
    assert seen[0] == "ok"
    assert seen[-1] == "offline"
    back = gone + timedelta(hours=2)
    assert _run(health, back, 0.5, lambda i: Reading("off", {}))[-1] == "ok"
    flaps = back + timedelta(hours=1)
    seen = _run(
        health,
        flaps,
        1,
        lambda i: Reading("unavailable" if i % 2 else "on", {}),
    )
    assert seen[-1] == "flapping"


def test_a_light_left_on_for_days_stays_healthy() -> None:
    """A lamp on all week is the household's choice, not a fault of the lamp.

    Offline (switched off at the wall) it is offline, but worth no repair issue.
    """
    health = EntityHealth(LIGHT)
    assert set(_run(health, START, 10 * 24, lambda i: Reading("on", {}))) == {"ok"}
    assert health.worth_a_repair
    later = START + timedelta(days=10)
    assert _run(health, later, 2, lambda i: None if i == 0 else ...)[-1] == "offline"
    assert not health.worth_a_repair
    motion = EntityHealth(MOTION)
    _run(motion, START, 2, lambda i: None if i == 0 else ...)
    assert motion.state == "offline"
    assert motion.worth_a_repair


def test_entity_health_round_trips_and_refuses_nonsense() -> None:
    """to_dict/from_dict restore exactly; an unknown kind or a bad flag is refused."""
    health = EntityHealth(MOTION)
    _run(health, START, 30, _motion)
    restored = EntityHealth.from_dict(json.loads(json.dumps(health.to_dict())))
    assert restored.to_dict() == health.to_dict()
    with pytest.raises(ValueError, match="kind"):
        EntityHealth("door")
    with pytest.raises(TypeError, match="kind"):
        EntityHealth.from_dict({**health.to_dict(), "kind": 3})
    with pytest.raises(TypeError, match="available"):
        EntityHealth.from_dict({**health.to_dict(), "available": "yes"})
    with pytest.raises(ValueError, match="version"):
        EntityHealth.from_dict({**health.to_dict(), "version": 9})


def test_a_channel_restores_its_entitys_health_or_starts_afresh() -> None:
    """Stored health of the entity's kind is restored; of another kind, not."""
    from custom_components.cadence.engine.channels.health import HealthChannel
    from custom_components.cadence.engine.features import Conditions
    from custom_components.cadence.engine.layout import HomeLayout, Zone

    zone = Zone(zone_id="z", name="Z", motion=("binary_sensor.m",), lights=("light.l",))
    home = HomeLayout(zones=(zone,))
    moved = EntityHealth(MOTION)
    _run(moved, START, 30, _motion)
    stored = {"binary_sensor.m": moved.to_dict(), "light.l": moved.to_dict()}
    light, motion = HealthChannel.for_zone(zone, home, stored, lambda e: None)
    assert motion.to_dict() == moved.to_dict()
    assert light.health.kind == LIGHT
    assert light.to_dict() == EntityHealth(LIGHT).to_dict()
    assert light.forecast(Conditions(when=START), START) == {}
