"""Tests for heating faults: the learned warming rate, the watch and its channel."""

from __future__ import annotations

from datetime import datetime, timedelta
import json
import random
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from custom_components.cadence.engine import (
    Conditions,
    HeatingChannel,
    HomeLayout,
    Reading,
    Source,
    Zone,
)
from custom_components.cadence.engine.channels.heating import driven
from custom_components.cadence.engine.models.anomaly import COOLDOWN
from custom_components.cadence.engine.models.heating import (
    COOL,
    HEAT,
    RATE_RANGE,
    HeatingWatch,
    WarmingRate,
)

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 1, 12, 6, 0, tzinfo=BERLIN)
STEP = timedelta(minutes=5)


def run(
    watch: HeatingWatch,
    start: datetime,
    hours: float,
    room: float,
    *,
    rise_per_h: float = 0.0,
    target: float = 21.0,
    direction: str | None = HEAT,
) -> list[bool]:
    """Report and judge every five minutes; return the flags."""
    flags = []
    for step in range(1, int(hours * 12) + 1):
        watch.update(direction, room + rise_per_h * step / 12, target)
        watch.tick(start + step * STEP)
        flags.append(watch.flag)
    return flags


def test_the_warming_rate_tracks_the_median_of_what_it_sees() -> None:
    """The online rate agrees with the batch median of the same rates (log space)."""
    rng = random.Random(4)
    rates = [rng.lognormvariate(np.log(0.7), 0.4) for _ in range(600)]
    model = WarmingRate()
    for rate in rates:
        model.learn(HEAT, rate)
    assert model.predict(HEAT) == pytest.approx(float(np.median(rates)), rel=0.12)
    assert model.predict(COOL) == 1.0  # the other direction keeps its prior
    assert model.samples == {HEAT: 600, COOL: 0}


def test_one_odd_rate_moves_the_rate_a_tenth_at_most_and_rates_stay_bounded() -> None:
    """A sunny hour's 50 °C/h is one step; the step never jumps past the sample."""
    model = WarmingRate()
    model.learn(HEAT, 50.0)
    assert model.predict(HEAT) == pytest.approx(1.1)
    model.learn(HEAT, 1.05)
    assert model.predict(HEAT) == pytest.approx(1.05)
    for _ in range(200):
        model.learn(COOL, 0.001)
    assert model.predict(COOL) == pytest.approx(RATE_RANGE[0])


def test_a_dead_heater_is_flagged_only_after_the_stall_lasts() -> None:
    """Heating, the room stuck 4 °C short: off for an hour, on by two."""
    watch = HeatingWatch()
    flags = run(watch, START, 3, 17.0)
    assert flags[:12] == [False] * 12
    assert True in flags
    assert flags.index(True) / 12 <= 1.6
    assert watch.since == START + (flags.index(True) + 1) * STEP
    assert watch.stall_since == START + STEP  # the first judged moment
    assert watch.score == 1.0
    assert watch.expected_c() == pytest.approx(20.0, abs=0.1)  # 1 °C/h for ~3 h


def test_a_repaired_heater_clears_after_the_room_moves_and_cools_down() -> None:
    """The room warms: cleared half an hour later; the next stall waits an hour."""
    watch = HeatingWatch()
    run(watch, START, 3, 17.0)
    later = START + timedelta(hours=3)
    flags = run(watch, later, 1, 17.0, rise_per_h=1.2)
    assert flags[-1] is False
    cleared = later + (flags.index(False) + 1) * STEP
    assert watch.since is None
    # Stalls right after: held back until the cooldown ends.
    again = run(watch, later + timedelta(hours=1), 3, 18.2)
    first = later + timedelta(hours=1) + (again.index(True) + 1) * STEP
    assert first >= cleared + COOLDOWN


def test_an_aired_room_and_a_room_near_its_setpoint_are_no_fault() -> None:
    """A 2 °C drop for 15 minutes, then warming; a cycling room at its setpoint."""
    watch = HeatingWatch()
    flags = run(watch, START, 0.25, 17.0)
    flags += run(watch, START + timedelta(minutes=15), 3, 17.0, rise_per_h=1.0)
    assert not any(flags)
    assert not any(run(watch, START + timedelta(hours=4), 6, 20.7))
    assert watch.stalled == timedelta()


def test_slow_warming_is_no_progress_and_a_new_setpoint_starts_afresh() -> None:
    """0.2 °C/h against a learned 1 °C/h flags; a changed setpoint resets the stall."""
    watch = HeatingWatch()
    assert any(run(watch, START, 3, 17.0, rise_per_h=0.2))
    fresh = HeatingWatch()
    run(fresh, START, 1, 17.0)
    stalled = fresh.stalled
    assert stalled > timedelta()
    fresh.update(HEAT, 17.0, 22.0)
    assert fresh.stalled == timedelta()


def test_short_pauses_keep_the_stall_and_long_ones_end_it() -> None:
    """A thermostat that idles ten minutes still stalls; half an hour of idle ends it."""
    watch = HeatingWatch()
    run(watch, START, 1, 17.0)
    before = watch.stalled
    run(watch, START + timedelta(hours=1), 10 / 60, 17.0, direction=None)
    assert watch.stalled == before
    run(watch, START + timedelta(minutes=70), 5 / 60, 17.0)
    assert watch.stalled == before + STEP
    run(watch, START + timedelta(minutes=75), 0.5, 17.0, direction=None)
    assert watch.stalled == timedelta()


def test_cooling_that_does_not_cool_is_a_fault_too() -> None:
    """Cooling with the room 3 °C above its setpoint and not falling."""
    watch = HeatingWatch()
    assert any(run(watch, START, 3, 27.0, target=24.0, direction=COOL))
    assert watch.direction == COOL
    assert watch.expected_c() < 27.0


def test_a_gap_in_ticks_counts_an_hour_at_most() -> None:
    """Home Assistant stopped for a day: the stall grows by an hour, not a day."""
    watch = HeatingWatch()
    run(watch, START, 0.5, 17.0)
    before = watch.stalled
    watch.tick(START + timedelta(days=1))
    assert watch.stalled == before + timedelta(hours=1)


def test_a_watch_round_trips_mid_stall_and_refuses_damage() -> None:
    """JSON in, JSON out: same stall and flag; a bad direction or rate is refused."""
    watch = HeatingWatch()
    run(watch, START, 3, 17.0)
    data = json.loads(json.dumps(watch.to_dict()))
    again = HeatingWatch.from_dict(data)
    assert again.to_dict() == watch.to_dict()
    assert again.flag
    later = START + timedelta(hours=3, minutes=5)
    again.update(HEAT, 17.0, 21.0)
    watch.update(HEAT, 17.0, 21.0)
    again.tick(later)
    watch.tick(later)
    assert again.to_dict() == watch.to_dict()
    for key, value in (
        ("now", ["sideways", 17.0, 21.0]),
        ("run", ["sideways", 21.0]),
        ("stall", [None, 0.0]),
        ("version", 2),
    ):
        with pytest.raises((ValueError, TypeError)):
            HeatingWatch.from_dict({**data, key: value})
    with pytest.raises(ValueError, match="outside"):
        HeatingWatch.from_dict({**data, "rate": {**data["rate"], "rates": [0, 1]}})


@pytest.mark.parametrize(
    ("state", "attributes", "unit", "expected"),
    [
        ("heat", {"hvac_action": "heating", "current_temperature": 18, "temperature": 21}, "°C", ("heat", 18.0, 21.0)),
        ("heat", {"hvac_action": "idle", "current_temperature": 21, "temperature": 21}, "°C", (None, 21.0, None)),
        ("cool", {"hvac_action": "cooling", "current_temperature": 27, "temperature": 24}, "°C", ("cool", 27.0, 24.0)),
        ("heat_cool", {"hvac_action": "heating", "current_temperature": 18, "target_temp_low": 20, "target_temp_high": 25}, "°C", ("heat", 18.0, 20.0)),
        ("heat_cool", {"current_temperature": 27, "target_temp_low": 20, "target_temp_high": 25}, "°C", ("cool", 27.0, 25.0)),
        ("heat", {"current_temperature": 62, "temperature": 70}, "°F", ("heat", pytest.approx(16.667, abs=0.01), pytest.approx(21.111, abs=0.01))),
        ("heat", {"current_temperature": 22, "temperature": 21}, "°C", (None, 22.0, None)),
        ("heat", {"hvac_action": "heating", "current_temperature": "nan", "temperature": 21}, "°C", ("heat", None, 21.0)),
        ("off", {"current_temperature": 18, "temperature": 21}, "°C", (None, None, None)),
        ("unavailable", {}, "°C", (None, None, None)),
    ],
)  # fmt: skip
def test_how_a_thermostat_drives_its_room(
    state: str, attributes: dict[str, object], unit: str, expected: tuple[object, ...]
) -> None:
    """hvac_action first; otherwise the mode and which side of the setpoint the room is."""
    assert driven(Reading(state, attributes), unit) == expected
    assert driven(None, unit) == (None, None, None)


def test_the_channel_judges_at_ticks_and_speaks_of_the_present_only() -> None:
    """States reach the watch; the verdict is a present-only forecast; it restores."""
    channel = HeatingChannel("climate.hall")
    reading = Reading(
        "heat",
        {"hvac_action": "heating", "current_temperature": 17.0, "temperature": 21.0},
    )
    when = START
    for _ in range(36):
        when += STEP
        x = Conditions(when=when)
        channel.on_state(x, "climate.hall", reading, reading, Source.DEVICE)
        assert channel.on_tick(x) is False  # nothing moved: no rate learned
    status = channel.status(Conditions(when=when))["heating_fault"]
    assert status.flag
    assert status.room_c == 17.0
    assert status.target_c == 21.0
    assert status.rate_c_per_h == 1.0
    now = channel.forecast(Conditions(when=when), when)
    assert set(now) == {"heating_fault", "heating_fault_score"}
    assert now["heating_fault"].value == 1.0
    assert now["heating_fault_score"].value == 1.0
    assert channel.forecast(Conditions(when=when + STEP), when) == {}
    assert channel.watches() == ("climate.hall",)
    zone = Zone(zone_id="z", name="Hall", climate=("climate.hall", "climate.new"))
    layout = HomeLayout(zones=(zone,), unit="°F")
    restored, new = HeatingChannel.for_zone(
        zone, layout, {"climate.hall": channel.to_dict()}, lambda _: None
    )
    assert restored.watch.to_dict() == channel.watch.to_dict()
    assert new.unit == "°F"
    assert new.watch.to_dict() == HeatingWatch().to_dict()
