"""Tests of unit changes: a numeric sensor switched to another unit mid-stream."""

from __future__ import annotations

from datetime import datetime, timedelta

from household import BERLIN
import pytest

from custom_components.cadence.engine import Conditions, LevelChannel, LevelFeed
from custom_components.cadence.engine.layout import HomeLayout, Zone
from custom_components.cadence.engine.states import Reading, Source, convert

START = datetime(2026, 1, 5, tzinfo=BERLIN)  # a Monday
SENSOR = "sensor.plug"


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        (1500.0, "W", "kW", 1.5),
        (2.0, "kWh", "Wh", 2000.0),
        (1.0, "MW", "W", 1e6),
        (1.0, "m³", "L", 1000.0),
        (68.0, "°F", "°C", 20.0),
        (293.15, "K", "°F", 68.0),
        (20.0, "°C", "K", 293.15),
        (7.0, "%", "%", 7.0),
        (7.0, "", "", 7.0),
    ],
)
def test_units_of_one_quantity_convert(
    value: float, unit: str, to: str, expected: float
) -> None:
    """Scales for power, energy and volume; offsets too for temperatures."""
    assert convert(value, unit, to) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("unit", "to"), [("W", "°C"), ("kWh", "kW"), ("W", ""), ("%", "°C"), ("lx", "W")]
)
def test_units_of_other_quantities_do_not_convert(unit: str, to: str) -> None:
    """Nothing converts across quantities, or from or to an unknown unit."""
    assert convert(1.0, unit, to) is None


def _channel(stored: dict[str, object] | None = None) -> LevelChannel:
    zone = Zone(zone_id="z", name="Z", power=(SENSOR,))
    saved = {} if stored is None else {SENSOR: stored}
    (channel,) = LevelChannel.for_zone(zone, HomeLayout(zones=(zone,)), saved, {}.get)
    return channel


def _feed(channel: LevelChannel, days: float, unit: str, scale: float = 1.0) -> None:
    """Report a plug drawing 100-130 W for days from START, in unit (times scale)."""
    for i in range(int(days * 288)):
        when = START + timedelta(minutes=5 * i)
        x = Conditions(when=when)
        watts = 100.0 + 10.0 * (i % 4)
        state = Reading(f"{watts * scale:.4f}", {"unit_of_measurement": unit})
        channel.on_state(x, SENSOR, state, None, Source.DEVICE)
        channel.on_tick(x)


def test_readings_in_kw_are_learned_in_w_and_shown_in_kw() -> None:
    """After eight days in W, a day in kW teaches the same model and raises nothing."""
    channel = _channel()
    _feed(channel, 8, "W")
    feed = channel.feed
    samples = feed.model.samples
    for i in range(288):
        when = START + timedelta(days=8, minutes=5 * i)
        x = Conditions(when=when)
        kw = (100.0 + 10.0 * (i % 4)) / 1000
        channel.on_state(
            x,
            SENSOR,
            Reading(f"{kw}", {"unit_of_measurement": "kW"}),
            None,
            Source.DEVICE,
        )
        channel.on_tick(x)
        assert not feed.anomaly
    assert channel.feed is feed
    assert feed.unit == "W"
    assert feed.model.samples > samples
    assert feed.health.state == "ok"
    status = channel.status(Conditions(when=START + timedelta(days=9)))
    assert 0.1 <= status["expected"].value <= 0.13
    reading = status["unusual_reading"]
    assert reading.actual == pytest.approx(feed.actual / 1000)
    assert reading.usual[1] < 1.0
    assert feed.to_dict()["unit"] == "W"


def test_a_unit_of_another_quantity_means_another_sensor_relearned() -> None:
    """From W to °C the sensor measures something else: a fresh feed in °C."""
    channel = _channel()
    _feed(channel, 8, "W")
    x = Conditions(when=START + timedelta(days=8))
    reading = Reading("21.5", {"unit_of_measurement": "°C"})
    channel.on_state(x, SENSOR, reading, None, Source.DEVICE)
    assert channel.feed.unit == "°C"
    assert channel.feed.model.samples == 0
    assert channel.unit == "°C"


def test_a_number_without_a_unit_keeps_the_unit_learned() -> None:
    """An attribute dropped for one report does not start the sensor afresh."""
    channel = _channel()
    _feed(channel, 1, "W")
    feed = channel.feed
    x = Conditions(when=START + timedelta(days=1))
    channel.on_state(x, SENSOR, Reading("110.0", {}), None, Source.DEVICE)
    channel.on_state(x, SENSOR, Reading("unavailable", {}), None, Source.DEVICE)
    channel.on_state(x, SENSOR, None, None, Source.DEVICE)
    assert channel.feed is feed
    assert channel.unit == "W"


def test_a_feed_stored_without_its_unit_takes_the_first_it_reads() -> None:
    """Stored before units were kept: the first reading's unit is the one learned."""
    data = LevelFeed(counter=False).to_dict()
    del data["unit"]
    channel = _channel(data)
    assert channel.feed.unit is None
    status = channel.status(Conditions(when=START))
    assert "expected" not in status  # nothing learned, nothing to show
    _feed(channel, 1, "kW", scale=1e-3)
    assert channel.feed.unit == "kW"
    with pytest.raises(TypeError, match="unit"):
        LevelFeed.from_dict({**LevelFeed().to_dict(), "unit": 3})


def test_a_restored_sensor_shows_the_unit_learned_until_it_reports() -> None:
    """Before its first report after a restart, values and unit are the learned."""
    channel = _channel()
    _feed(channel, 8, "W")
    _feed(channel, 0.1, "kW", scale=1e-3)  # then shown in kW
    when = Conditions(when=START + timedelta(days=8))
    assert channel.status(when)["unusual_reading"].unit == "kW"
    restored = _channel(channel.feed.to_dict())
    assert restored.unit is None
    status = restored.status(when)
    assert 100 <= status["expected"].value <= 130
    assert status["unusual_reading"].unit == "W"
    _feed(restored, 0.1, "kW", scale=1e-3)
    status = restored.status(when)
    assert 0.1 <= status["expected"].value <= 0.13
    assert status["unusual_reading"].unit == "kW"


def test_hours_since_a_stretch_began_are_real_hours_across_a_clock_change() -> None:
    """Begun at 22:00 before summer time starts, flagged at 08:00: 9 hours, not 10."""
    channel = _channel()
    _feed(channel, 8, "W")
    feed = channel.feed
    feed.began = datetime(2026, 3, 28, 22, 0, tzinfo=BERLIN)
    feed._verdict.flag = True  # flagged, as a fault would have it
    feed.reason = "high"
    now = datetime(2026, 3, 29, 8, 0, tzinfo=BERLIN)
    rows = channel.forecast(Conditions(when=now), now)
    assert rows["anomaly_hours"].value == pytest.approx(9.0)
    assert rows["anomaly_reason"].value == 1.0


def test_the_zones_activity_reads_power_in_the_unit_learned() -> None:
    """A sensor switched to kW feeds the zone's activity the same watts."""
    from custom_components.cadence.engine import ALL_KINDS, Pipeline, StateView

    zone = Zone(zone_id="z", name="Z", power=(SENSOR,))

    def activity(unit: str, scale: float) -> list[float | None]:
        pipeline = Pipeline.build(
            HomeLayout(zones=(zone,)), ALL_KINDS, {}, {}.get, lambda t: t
        )
        first = Reading("500.0", {"unit_of_measurement": "W"})
        pipeline.on_state(SENSOR, START, first, None, Source.DEVICE, lambda e: None)
        out = []
        for i in range(24):
            watts = 100.0 + 400.0 * (i % 3)
            now = Reading(f"{watts * scale}", {"unit_of_measurement": unit})

            def lookup(entity_id: str, now: Reading = now) -> StateView:
                return now  # type: ignore[return-value]

            pipeline.on_tick(START + timedelta(minutes=5 * i), lookup)
            out.append(pipeline.activity_now["z"])
        return out

    in_watts = activity("W", 1.0)
    assert activity("kW", 1e-3) == pytest.approx(in_watts)
    assert activity("", 1.0) == pytest.approx(in_watts)  # no unit now: as learned
