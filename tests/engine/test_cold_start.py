"""Tests for the cold start: a new zone or light starts from the home's others."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.cadence.engine import Conditions, Reading, Source, Zone
from custom_components.cadence.engine.channels import LightChannel, OccupancyChannel
from custom_components.cadence.engine.layout import HomeLayout
from custom_components.cadence.engine.models.habit import HabitModel
from custom_components.cadence.engine.models.occupancy import OccupancyModel

TZ = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 11, 2, 0, 0, tzinfo=TZ)
OLD = Zone(
    zone_id="old", name="Old", motion=("binary_sensor.old",), lights=("light.old",)
)
NEW = Zone(
    zone_id="new", name="New", motion=("binary_sensor.new",), lights=("light.new",)
)
HOME = HomeLayout(zones=(OLD, NEW))


def evenings(channel: Any, entity_id: str, days: int) -> None:
    """Use the thing 18:00-22:00 every day, ticking every five minutes."""
    state = None
    for step in range(days * 24 * 12):
        when = START + timedelta(minutes=5 * step)
        wanted = "on" if 18 <= when.hour < 22 else "off"
        x = Conditions(when=when)
        if wanted != state:
            channel.on_state(x, entity_id, Reading(wanted, {}), None, Source.PERSON)
            state = wanted
        channel.on_tick(x)


def at(days: float, hour: int) -> Conditions:
    """Return the conditions of an hour some days after the start."""
    return Conditions(when=START + timedelta(days=days, hours=hour))


def test_a_new_zone_forecasts_from_the_homes_habit_on_day_one() -> None:
    """The other zone's evenings are the new zone's first guess; alone it knows none."""
    (old,) = OccupancyChannel.for_zone(OLD, HOME, {}, lambda e: None)
    evenings(old, "binary_sensor.old", 7)
    stored = {"old": old.to_dict()}
    (new,) = OccupancyChannel.for_zone(NEW, HOME, stored, lambda e: None)
    evening, morning = at(7, 19), at(7, 9)
    # Lent as one label per hour of the week: the shape, held loosely.
    lent = new.forecast(evening, evening.when)["occupancy"].value
    assert lent > 0.2
    assert lent > 10 * new.forecast(morning, morning.when)["occupancy"].value
    assert new.feed.model.samples == 0
    # Nothing of the old zone's recent state is lent: only its habit.
    assert new.to_dict()["model"]["slot"] is None
    (alone,) = OccupancyChannel.for_zone(NEW, HomeLayout(zones=(NEW,)), {}, dict.get)
    assert alone.forecast(evening, evening.when) == {}


def test_a_zone_lends_only_when_it_learned_a_day() -> None:
    """Half a day of another zone, or a damaged entry, lends nothing and breaks nothing."""
    (young,) = OccupancyChannel.for_zone(OLD, HOME, {}, lambda e: None)
    evenings(young, "binary_sensor.old", 1)
    assert young.feed.model.samples < 24 * 12
    stored = {"old": young.to_dict(), "damaged": {"model": {"version": 9}}}
    (new,) = OccupancyChannel.for_zone(NEW, HOME, stored, lambda e: None)
    assert new.forecast(at(1, 19), at(1, 19).when) == {}


def test_a_new_light_starts_from_the_homes_lights() -> None:
    """The pooled habit predicts evenings on before the new light learned anything."""
    old = LightChannel("light.old")
    evenings(old, "light.old", 7)
    stored = {"light.old": old.to_dict(), "light.bad": {"habit": []}}
    (new,) = LightChannel.for_zone(NEW, HOME, stored, lambda e: None)
    assert new.feed.model.samples == 0
    evening, morning = at(7, 20), at(7, 9)
    on = new.forecast(evening, evening.when)["light_on"]
    assert on.value > 0.6 > new.forecast(morning, morning.when)["light_on"].value
    assert on.confidence == 0.0
    # Its own evidence takes over: a week of mornings instead.
    (alone,) = LightChannel.for_zone(NEW, HOME, {}, lambda e: None)
    assert alone.forecast(evening, evening.when) == {}


def test_pooling_needs_models_and_averages_them() -> None:
    """Pooled parameters are the average of the models given."""
    with pytest.raises(ValueError, match="need at least one model"):
        HabitModel.pooled([])
    with pytest.raises(ValueError, match="need at least one model"):
        OccupancyModel.pooled([])
    a, b = HabitModel(), HabitModel()
    x = at(0, 20)
    for _ in range(50):
        a.learn(x, True)
        b.learn(x, False)
    pooled = HabitModel.pooled([a, b])
    assert pooled.coefficients == pytest.approx((a.coefficients + b.coefficients) / 2)
    assert pooled.cell_probability(20) == pytest.approx(
        (a.cell_probability(20) + b.cell_probability(20)) / 2, abs=0.02
    )
    assert pooled.informed
    assert not HabitModel().informed


def test_forecast_crossings_treat_one_half_as_in_use() -> None:
    """Arrival is the first step at or above 1/2; vacancy the first below it."""
    from custom_components.cadence.engine.channels.habits import crossings

    t1, t2 = START + timedelta(minutes=30), START + timedelta(hours=1)
    assert crossings(0.4, [(t1, 0.5), (t2, 0.2)]) == (t1, t2)
    assert crossings(0.6, [(t1, 0.5), (t2, 0.7)]) == (None, None)
    assert crossings(0.2, [(t1, 0.3), (t2, 0.1)]) == (None, None)


def test_motion_now_makes_the_zone_in_use_now() -> None:
    """The channel passes each state to the model: motion on now is in use now."""
    (zone,) = OccupancyChannel.for_zone(NEW, HOME, {}, lambda e: None)
    evenings(zone, "binary_sensor.new", 2)
    x = at(2, 20)
    zone.on_state(x, "binary_sensor.new", Reading("on", {}), None, Source.DEVICE)
    assert zone.forecast(x, x.when)["occupancy"].value == 0.999
