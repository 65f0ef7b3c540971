"""Tests for the pipeline that drives every channel, and the channels' saved state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.cadence.engine import (
    ALL_KINDS,
    Conditions,
    HealthStatus,
    HomeLayout,
    LevelChannel,
    Pipeline,
    Reading,
    Source,
    Zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
ZONE = Zone(
    zone_id="zone.living",
    name="Living",
    climate=("climate.t",),
    lights=("light.l",),
    motion=("binary_sensor.m",),
    power=("sensor.p",),
)
HOME = HomeLayout(zones=(ZONE,))


def _pipeline(stored: dict[str, Any] | None = None) -> Pipeline:
    return Pipeline.build(
        HOME, ALL_KINDS, stored or {}, lambda _: None, lambda t: t.astimezone(BERLIN)
    )


def _live(pipeline: Pipeline, days: int) -> dict[str, Reading]:
    """Drive a routine through the pipeline: evenings busy, the power sensor up."""
    states: dict[str, Reading] = {}
    when = datetime(2026, 3, 2, tzinfo=BERLIN)
    for _ in range(days * 288):
        busy = 18 <= when.hour < 22
        new = {
            "binary_sensor.m": Reading("on" if busy else "off", {}),
            "light.l": Reading("on" if busy else "off", {}),
            "sensor.p": Reading("900" if busy else "60", {"unit_of_measurement": "W"}),
        }
        for entity_id, reading in new.items():
            old = states.get(entity_id)
            if old != reading:
                states[entity_id] = reading
                pipeline.on_state(
                    entity_id, when, reading, old, Source.PERSON, _lookup(states, when)
                )
        pipeline.on_tick(when, _lookup(states, when))
        when += timedelta(minutes=5)
    return states


def _lookup(states: dict[str, Reading], when: datetime) -> Any:
    class View:
        def __init__(self, reading: Reading) -> None:
            self.state = reading.state
            self.attributes = reading.attributes
            self.last_changed = when

    return lambda entity_id: View(states[entity_id]) if entity_id in states else None


def test_every_channel_of_a_zone_learns_and_restores_from_its_store_key() -> None:
    """What each kind learned comes back from to_dict: same statuses, same forecasts."""
    pipeline = _pipeline()
    states = _live(pipeline, 8)
    stored = pipeline.to_dict()
    assert set(stored) == {
        "health",
        "thermostats",
        "heating",
        "occupancy",
        "lights",
        "levels",
        "activity_watch",
        "inactivity",
        "activity",
    }
    restored = _pipeline(stored)
    when = datetime(2026, 3, 10, 19, 0, tzinfo=BERLIN)
    lookup = _lookup(states, when)
    before = pipeline.status(when, lookup)
    after = restored.status(when, lookup)
    assert before.keys() == after.keys()
    assert before[("levels", "sensor.p")] == after[("levels", "sensor.p")]
    assert (
        before[("activity_watch", "zone.living")]
        == after[("activity_watch", "zone.living")]
    )
    assert before[("inactivity", "home")] == after[("inactivity", "home")]
    assert before[("health", "light.l")] == after[("health", "light.l")]
    assert before[("health", "light.l")]["sensor_health"].state == "ok"
    assert before[("lights", "light.l")]["light_on"].value > 0.5  # evenings
    expected = before[("levels", "sensor.p")]["expected"].value
    assert expected > 300  # the evening level, not the daytime one
    later = when + timedelta(hours=12)
    forecasts = {
        (channel.kind, quantity)
        for channel, quantity, _ in restored.forecast(when, later, lookup)
    }
    # Verdicts speak of the present only; forecasts of any moment.
    assert ("levels", "expected") in forecasts
    assert ("levels", "anomaly") not in forecasts
    assert ("activity_watch", "anomaly") not in forecasts
    assert ("occupancy", "occupancy") in forecasts


def test_a_change_reaches_only_the_channels_watching_it() -> None:
    """A light's change goes to its channel and the home's quiet; unknown ones to none."""
    pipeline = _pipeline()
    when = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)
    outcomes = pipeline.on_state(
        "light.l", when, Reading("on", {}), None, Source.PERSON, lambda _: None
    )
    kinds = [channel.kind for channel, _ in outcomes]
    assert kinds == ["health", "lights", "inactivity"]
    assert (
        pipeline.on_state(
            "light.other", when, Reading("on", {}), None, Source.PERSON, lambda _: None
        )
        == []
    )
    assert pipeline.zone_of("light.l") == ZONE
    assert pipeline.zone_of("light.other") is None


def test_a_gone_entity_pauses_its_channels() -> None:
    """An entity removed from Home Assistant (new state None) is unknown, not off."""
    pipeline = _pipeline()
    when = datetime(2026, 3, 2, 8, 0, tzinfo=BERLIN)
    for entity_id in ("sensor.p", "binary_sensor.m", "light.l"):
        pipeline.on_state(entity_id, when, None, None, Source.UNKNOWN, lambda _: None)
    occupancy = pipeline.channel("occupancy", "zone.living")
    assert occupancy is not None
    assert occupancy.to_dict()["changes"][-1][1] is None


def test_a_total_increasing_sensor_is_a_counter_from_the_first_reading() -> None:
    """Home Assistant's state_class says an energy meter counts; others are found out."""
    zone = Zone(zone_id="z", name="Z", power=("sensor.meter", "sensor.plug"))
    facts = {"sensor.meter": {"state_class": "total_increasing"}}
    meter, plug = LevelChannel.for_zone(zone, HomeLayout(zones=(zone,)), {}, facts.get)
    assert meter.feed.counter is True
    assert plug.feed.counter is None
    x = Conditions(when=datetime(2026, 1, 5, 12, tzinfo=BERLIN))
    # Nothing learned: no expected value or verdict yet, but the health is known.
    assert meter.status(x) == {"sensor_health": HealthStatus("ok", None)}


def test_a_motion_sensor_stuck_on_is_hidden_from_every_other_channel() -> None:
    """On for far longer than its evenings: unhealthy, and no channel learns it."""
    pipeline = _pipeline()
    states = _live(pipeline, 8)
    # The thermostat never reported: offline, with nothing to hide.
    assert pipeline.unhealthy == frozenset()
    status = pipeline.status(datetime(2026, 3, 10, tzinfo=BERLIN), lambda _: None)
    assert status[("health", "climate.t")]["sensor_health"].state == "offline"
    when = datetime(2026, 3, 10, 18, 0, tzinfo=BERLIN)
    states["binary_sensor.m"] = Reading("on", {})
    pipeline.on_state(
        "binary_sensor.m",
        when,
        states["binary_sensor.m"],
        None,
        Source.DEVICE,
        _lookup(states, when),
    )
    for _ in range(20 * 12):  # on from 18:00 to 14:00 the next day
        pipeline.on_tick(when, _lookup(states, when))
        when += timedelta(minutes=5)
    assert pipeline.unhealthy == frozenset({"binary_sensor.m"})
    status = pipeline.status(when, _lookup(states, when))
    assert status[("health", "binary_sensor.m")]["sensor_health"].state == "stuck"
    # No event came (a stuck sensor sends none), yet the others were told.
    occupancy = pipeline.channel("occupancy", "zone.living")
    inactivity = pipeline.channel("inactivity", "home")
    assert occupancy is not None
    assert inactivity is not None
    assert occupancy.to_dict()["changes"][-1][1] is None  # seen as unavailable
    # Its only motion sensor unavailable, the home's quiet means nothing now
    # (held on, it would have been activity at every tick).
    assert not inactivity.watched()
    outcomes = pipeline.on_state(
        "binary_sensor.m",
        when,
        Reading("on", {"moved": True}),
        states["binary_sensor.m"],
        Source.DEVICE,
        _lookup(states, when),
    )
    assert [c.kind for c, _ in outcomes] == [
        "health",
        "occupancy",
        "activity_watch",
        "inactivity",
    ]
    assert occupancy.to_dict()["changes"][-1][1] is None

    # Off again: trusted from the next tick, and passed on as it is.
    states["binary_sensor.m"] = Reading("off", {})
    pipeline.on_state(
        "binary_sensor.m",
        when,
        states["binary_sensor.m"],
        None,
        Source.DEVICE,
        _lookup(states, when),
    )
    pipeline.on_tick(when, _lookup(states, when))
    assert pipeline.unhealthy == frozenset()
    # Trusted again: the others find its state as at a start.
    assert occupancy.to_dict()["changes"][-1][1] is not None
