"""What Cadence costs, measured beside scikit-learn in the same run."""

from __future__ import annotations

from datetime import datetime, timedelta
import importlib
import json
import statistics
import subprocess
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sklearn.linear_model import SGDRegressor

from cadence_tools import REPO, load_engine

from .simulator import SimulatedHome

engine = load_engine()
BERLIN = ZoneInfo("Europe/Berlin")
EVENTS = 20_000
ENTITIES = 100
_IMPORT = """
import sys, time
sys.path[:0] = [{repo!r}, {repo!r} + "/scripts"]
def kib(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key))
{prelude}
before = kib("VmRSS:")
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
print(seconds, before, kib("VmHWM:"))
"""


def stream(count: int) -> tuple[list[Any], list[float]]:
    """Return conditions and setpoints of a simulated household, one per 10 minutes."""
    home = SimulatedHome(
        seed=5, start=datetime(2025, 9, 1, tzinfo=BERLIN), days=count // 144 + 2
    )
    xs, ys = [], []
    when = home.start
    for i in range(count):
        xs.append(
            engine.Conditions(
                when=when, outdoor_c=5.0 + i % 7, minutes_since_motion=float(i % 90)
            )
        )
        ys.append(home.actual_c(when))
        when = when + timedelta(minutes=10)
    return xs, ys


PASSES = 5


def per_event_us() -> dict[str, float]:
    """Return median µs per event, learn + predict, of the engine and of SGDRegressor.

    Each pass learns the whole stream from scratch and takes the median over its
    events; engine and scikit-learn passes alternate, so both meet the same state of
    this shared machine, whose speed drifts by half between minutes. The figure kept
    is the best pass (as `timeit` does: slower passes measure the interference, not
    the code), and the slowest pass is reported beside it.
    """
    xs, ys = stream(EVENTS)
    features = [engine.encode(x).reshape(1, -1) for x in xs]
    engine_passes, sgd_passes = [], []
    for _ in range(PASSES):
        engine_passes.append(_engine_pass(xs, ys))
        sgd_passes.append(_sgd_pass(features[: EVENTS // 4], ys))
    encode_ns = []
    for x in xs[:5000]:
        start = time.perf_counter_ns()
        engine.encode(x)
        encode_ns.append(time.perf_counter_ns() - start)
    return {
        "engine_us": min(engine_passes),
        "engine_worst_us": max(engine_passes),
        "sgd_us": min(sgd_passes),
        "sgd_worst_us": max(sgd_passes),
        "encode_us": statistics.median(encode_ns) / 1000,
    }


def _engine_pass(xs: list[Any], ys: list[float]) -> float:
    """Return the median µs per event of a new `SetpointModel` learning the stream."""
    model = engine.SetpointModel()
    spent = []
    for x, y in zip(xs, ys, strict=True):
        start = time.perf_counter_ns()
        model.learn(x, y)
        model.predict(x)
        spent.append(time.perf_counter_ns() - start)
    return statistics.median(spent) / 1000


def _sgd_pass(features: list[Any], ys: list[float]) -> float:
    """Return the median µs per event of a new `SGDRegressor` on the same stream."""
    sgd = SGDRegressor(random_state=0)
    spent = []
    for row, y in zip(features, ys, strict=False):
        target = np.array([y])
        start = time.perf_counter_ns()
        sgd.partial_fit(row, target)
        sgd.predict(row)
        spent.append(time.perf_counter_ns() - start)
    return statistics.median(spent) / 1000


def save_load(state: dict[str, Any]) -> dict[str, float]:
    """Return ms to save and to load the learned state of 100 thermostats."""
    feeds = {
        f"climate.t{i}": engine.ThermostatChannel.from_dict(f"climate.t{i}", state)
        for i in range(ENTITIES)
    }
    saves, loads = [], []
    for _ in range(5):
        start = time.perf_counter()
        text = json.dumps(
            {k: f.to_dict() for k, f in feeds.items()}, separators=(",", ":")
        )
        saves.append(time.perf_counter() - start)
        start = time.perf_counter()
        data = json.loads(text)
        restored = {
            k: engine.ThermostatChannel.from_dict(k, v) for k, v in data.items()
        }
        loads.append(time.perf_counter() - start)
    assert len(restored) == ENTITIES  # noqa: S101
    return {
        "save_ms": statistics.median(saves) * 1000,
        "load_ms": statistics.median(loads) * 1000,
        "bytes": len(text),
    }


# What Home Assistant has imported before it loads Cadence.
HA_PRELUDE = (
    "import homeassistant.config_entries, homeassistant.helpers.config_validation,"
    " homeassistant.helpers.update_coordinator, homeassistant.helpers.event,"
    " homeassistant.components.sensor, homeassistant.components.repairs"
)


def import_cost(module: str, prelude: str = "") -> dict[str, float]:
    """Return seconds and MiB of RSS to import a module in a fresh interpreter (median of 3).

    Memory is read from /proc: the resident set before the import and its peak after
    (getrusage's peak would carry over the parent's through exec).
    """
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _IMPORT.format(repo=str(REPO), module=module, prelude=prelude),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        seconds, before, after = done.stdout.split()
        runs.append((float(seconds), int(before) / 1024, int(after) / 1024))
    seconds, before, after = sorted(runs)[1]
    return {"seconds": seconds, "rss_mib": after, "added_mib": after - before}


def learned_state() -> dict[str, Any]:
    """Return a thermostat feed that learned 120 days of the simulated household."""
    feed = engine.ThermostatChannel.new("climate.t", ["temperature"])
    home = SimulatedHome(seed=6, start=datetime(2025, 9, 1, tzinfo=BERLIN), days=120)
    when, end = home.start, home.start + timedelta(days=120)
    previous = None
    while when < end:
        reading = engine.Reading("heat", {"temperature": home.actual_c(when)})
        feed.on_state(
            engine.Conditions(when=when),
            "climate.t",
            reading,
            previous,
            engine.Source.PERSON,
        )
        previous = reading
        when = when + timedelta(minutes=30)
    return feed.to_dict()


def _no_facts(entity_id: str) -> None:
    """Know nothing of an entity but its states."""


def _routine(name: str, when: datetime) -> engine.Reading:
    """Return what a channel's entity reports at `when` in the benchmark's routine."""
    busy = 18 <= when.hour < 22
    if name == "levels":  # a power sensor: 60 W, 900 W busy, a little jitter
        watts = 60.0 + 840.0 * busy + 3.0 * (when.minute % 7)
        return engine.Reading(f"{watts:.1f}", {"unit_of_measurement": "W"})
    if name == "heating":  # a thermostat holding 21 °C when busy, 17 °C else
        target = 21.0 if busy else 17.0
        room = target - 0.3 + 0.1 * (when.minute % 5)
        attributes = {
            "current_temperature": round(room, 1),
            "temperature": target,
            "hvac_action": "heating" if room < target else "idle",
        }
        return engine.Reading("heat", attributes)
    on = busy and (name == "light" or when.minute % 10 == 0)
    attributes = {"supported_color_modes": ["color_temp"]} if name == "light" else {}
    if on and name == "light":
        attributes |= {
            "brightness": 60 + 8 * when.hour,
            "color_temp_kelvin": 2200 + 50 * when.hour,
        }
    return engine.Reading("on" if on else "off", attributes)


def channel_cost(days: int = 28) -> dict[str, dict[str, float]]:
    """Return median µs per state change and per tick, and state bytes, per channel.

    A zone with one motion sensor and one light lives a routine for `days`: motion
    pulses every ten minutes in the evening, the light on with it, dimmable and
    tunable, at a brightness and colour that change every hour. The detectors of
    unusual activity (the zone's) and inactivity (the home's) watch the motion, and
    so does its health (a tick of it is the pipeline's look at its state then). In
    another zone a power sensor (unusual readings) and a thermostat (heating
    faults) follow the same evenings.
    """
    channels = importlib.import_module("custom_components.cadence.engine.channels")
    zone = engine.Zone(
        zone_id="zone", name="zone", motion=("binary_sensor.m",), lights=("light.l",)
    )
    home = engine.HomeLayout(zones=(zone,))
    other = engine.Zone(
        zone_id="other", name="other", power=("sensor.p",), climate=("climate.t",)
    )
    apart = engine.HomeLayout(zones=(other,))
    made = {
        "occupancy": channels.OccupancyChannel.for_zone(zone, home, {}, _no_facts)[0],
        "light": channels.LightChannel.for_zone(zone, home, {}, _no_facts)[0],
        "activity_watch": channels.ActivityWatchChannel.for_zone(
            zone, home, {}, _no_facts
        )[0],
        "inactivity": channels.InactivityChannel.for_zone(zone, home, {}, _no_facts)[0],
        "health": channels.HealthChannel.for_zone(zone, home, {}, _no_facts)[1],
        "levels": channels.LevelChannel.for_zone(other, apart, {}, _no_facts)[0],
        "heating": channels.HeatingChannel.for_zone(other, apart, {}, _no_facts)[0],
    }
    result = {}
    for name, channel in made.items():
        entity = channel.watches()[0]
        events, ticks = [], []
        when = datetime(2025, 9, 1, tzinfo=BERLIN)
        previous = None
        for _ in range(days * 288):
            reading = _routine(name, when)
            x = engine.Conditions(when=when)
            start = time.perf_counter_ns()
            channel.on_state(x, entity, reading, previous, engine.Source.PERSON)
            events.append(time.perf_counter_ns() - start)
            start = time.perf_counter_ns()
            if name == "health":
                channel.health.update(when, reading)
                channel.health.tick(when)
            else:
                channel.on_tick(x)
            ticks.append(time.perf_counter_ns() - start)
            previous = reading
            when += timedelta(minutes=5)
        result[name] = {
            "event_us": statistics.median(events) / 1000,
            "tick_us": statistics.median(ticks) / 1000,
            "state_bytes": len(json.dumps(channel.to_dict(), separators=(",", ":"))),
        }
    return result


def run_cost() -> dict[str, Any]:
    """Measure everything; JSON-safe."""
    state = learned_state()
    speed = per_event_us()
    return {
        **speed,
        "passes": PASSES,
        "ratio": speed["sgd_us"] / speed["engine_us"],
        "state_bytes": len(json.dumps(state, separators=(",", ":"))),
        "save_load": save_load(state),
        "import_integration": import_cost("custom_components.cadence"),
        "import_in_ha": import_cost("custom_components.cadence", HA_PRELUDE),
        "channels": channel_cost(),
        "import_engine": import_cost("cadence_tools"),
        "import_nothing": import_cost("json"),
    }
