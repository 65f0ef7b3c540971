"""Tests for the home's quiet (unusual inactivity), engine side."""

from __future__ import annotations

from datetime import datetime, timedelta
import random

from household import BERLIN
import pytest

from custom_components.cadence.engine import (
    AWAY,
    GUESTS,
    HOME_KEY,
    Conditions,
    InactivityChannel,
    InactivityStatus,
    Reading,
    Source,
)
from custom_components.cadence.engine.layout import HomeLayout, Zone
from custom_components.cadence.engine.models.quiet import QuietWatch

START = datetime(2026, 3, 2, tzinfo=BERLIN)
STEP = timedelta(minutes=5)
MOTION = ("binary_sensor.hall", "binary_sensor.kitchen")
PERSON = "person.alex"
HOME = HomeLayout(
    zones=(
        Zone(zone_id="z1", name="Hall", motion=(MOTION[0],)),
        Zone(zone_id="z2", name="Kitchen", motion=(MOTION[1],), lights=("light.k",)),
    ),
    people=(PERSON,),
)


def moment(i: int) -> datetime:
    """Return the i-th five-minute tick after START, on Berlin's clock."""
    return START + i * STEP


def awake(when: datetime) -> bool:
    """Return whether the household is up: 07:00 to 23:00."""
    return 7 <= when.hour < 23


def live(
    channel: InactivityChannel,
    first: int,
    last: int,
    moving: object = awake,
    mode: str = "normal",
) -> list[int]:
    """Tick from tick `first` to `last`, motion now and then while `moving`.

    Return the ticks flagged.
    """
    rng = random.Random(first)
    flagged = []
    for i in range(first, last):
        when = moment(i)
        x = Conditions(when=when, mode=mode)
        if moving(when) and rng.random() < 0.3:  # type: ignore[operator]
            sensor = MOTION[i % 2]
            channel.on_state(x, sensor, Reading("on", {}), None, Source.DEVICE)
            channel.on_state(x, sensor, Reading("off", {}), None, Source.DEVICE)
        channel.on_tick(x)
        if channel.feed.flag:
            flagged.append(i)
    return flagged


def status(channel: InactivityChannel, i: int) -> InactivityStatus:
    """Return the channel's verdict at tick i."""
    found = channel.status(Conditions(when=moment(i)))["unusual_inactivity"]
    assert isinstance(found, InactivityStatus)
    return found


def learned(days: int = 14) -> InactivityChannel:
    """Return the home's channel after some usual days."""
    (channel,) = InactivityChannel.for_zone(HOME.zones[0], HOME, {}, lambda e: None)
    assert live(channel, 0, days * 288) == []
    return channel


def test_one_channel_for_the_home_watching_every_zone() -> None:
    """The first zone carries it; it watches all motion, lights and people."""
    assert InactivityChannel.for_zone(HOME.zones[1], HOME, {}, lambda e: None) == []
    (channel,) = InactivityChannel.for_zone(HOME.zones[0], HOME, {}, lambda e: None)
    assert channel.key == HOME_KEY
    assert set(channel.watches()) == {*MOTION, "light.k", PERSON}
    still = HomeLayout(zones=(Zone(zone_id="z", name="Z", lights=("light.a",)),))
    assert InactivityChannel.for_zone(still.zones[0], still, {}, lambda e: None) == []


def test_a_silent_afternoon_is_unusual_and_a_long_night_is_not() -> None:
    """Quiet from 10:00 flags in the early afternoon; sleeping in until 10:00 does not."""
    channel = learned()
    day = 14 * 288
    # Sleeping in: nobody up until 10:00 (usually 07:00) raises nothing.
    assert live(channel, day, day + 288, lambda w: 10 <= w.hour < 23) == []
    day += 288
    flagged = live(channel, day, day + 16 * 12, lambda w: 7 <= w.hour < 10)
    assert flagged
    first = moment(flagged[0])
    assert 12 <= first.hour < 17, first  # 1.5 times the longest night, plus an hour
    now = status(channel, flagged[-1])
    assert now.flag
    assert now.usual_h is not None
    assert now.limit_h is not None
    assert now.quiet_h >= now.limit_h > now.usual_h
    assert now.since == first
    assert now.last_activity is not None
    assert now.last_activity.astimezone(BERLIN).hour == 9
    assert now.began == now.last_activity
    # Someone moves again: the flag clears after half an hour of it, and while it
    # does, the alert is still known by when its quiet began.
    after = flagged[-1] + 1
    cleared = live(channel, after, after + 3, lambda w: True)
    assert cleared == list(range(after, after + 3))
    still = status(channel, after + 2)
    assert still.began == now.began
    assert still.last_activity != now.began
    cleared = live(channel, after + 3, after + 12, lambda w: True)
    assert cleared == list(range(after + 3, after + 6))
    assert status(channel, after + 12).began is None


def test_a_week_is_needed_and_days_are_learned() -> None:
    """Nothing is judged before a week; then each day is kept, four weeks at most."""
    (channel,) = InactivityChannel.for_zone(HOME.zones[0], HOME, {}, lambda e: None)
    assert live(channel, 0, 6 * 288 + 150, lambda w: w.hour < 1) == []
    assert status(channel, 6 * 288 + 150).limit_h is None
    assert channel.feed.days == 6
    live(channel, 6 * 288 + 150, 40 * 288)
    assert channel.feed.days == 28


def test_quiet_while_nobody_is_home_or_away_or_unseen_is_not_judged() -> None:
    """Everyone out, the home away, or every motion sensor gone: nothing raised."""
    channel = learned()
    day = 14 * 288
    out = Conditions(when=moment(day))
    channel.on_state(out, PERSON, Reading("not_home", {}), None, Source.DEVICE)
    assert not channel.watched()
    assert live(channel, day, day + 288, lambda w: False) == []
    back = Conditions(when=moment(day + 288))
    channel.on_state(back, PERSON, Reading("home", {}), None, Source.DEVICE)
    assert channel.feed.last_activity == back.when  # coming home is activity
    assert channel.watched()
    day += 288
    assert live(channel, day, day + 288, lambda w: False, mode=AWAY) == []
    day += 288
    for sensor in MOTION:
        channel.on_state(
            Conditions(when=moment(day)), sensor, None, None, Source.DEVICE
        )
    assert not channel.watched()
    assert live(channel, day, day + 288, lambda w: False) == []
    assert not status(channel, day + 287).watched


def test_a_light_switched_by_a_person_is_activity() -> None:
    """A person's light switch counts; an automation's does not."""
    channel = learned()
    when = moment(14 * 288 + 13 * 12)
    x = Conditions(when=when)
    off, on = Reading("off", {}), Reading("on", {})
    channel.on_state(x, "light.k", on, off, Source.AUTOMATION)
    assert channel.feed.last_activity != when
    channel.on_state(x, "light.k", on, off, Source.PERSON)
    assert channel.feed.last_activity == when


def test_a_sensor_held_on_is_someone_there_until_it_turns_off() -> None:
    """A seat or presence sensor on all afternoon is activity at every tick."""
    channel = learned()
    day = 14 * 288
    sit = day + 10 * 12
    x = Conditions(when=moment(sit))
    channel.on_state(x, MOTION[0], Reading("on", {}), None, Source.DEVICE)
    assert live(channel, sit, day + 18 * 12, moving=lambda when: False) == []
    assert channel.feed.last_activity == moment(day + 18 * 12 - 1)
    up = day + 18 * 12
    channel.on_state(
        Conditions(when=moment(up)), MOTION[0], Reading("off", {}), None, Source.DEVICE
    )
    flagged = live(channel, up, day + 24 * 12, moving=lambda when: False)
    assert flagged  # quiet from 18:00 to midnight, far longer than usual
    assert channel.feed.last_activity == moment(up - 1)


def test_guests_are_judged_but_not_learned() -> None:
    """With guests a quiet afternoon is still unusual, and their days are not kept."""
    channel = learned()
    days = channel.feed.to_dict()["days"]
    day = 14 * 288
    flagged = live(channel, day, day + 288, lambda w: 7 <= w.hour < 10, mode=GUESTS)
    assert flagged
    live(channel, day + 288, day + 289, mode=GUESTS)
    # The last usual day was kept when the guests' day began; theirs is not.
    assert len(channel.feed.to_dict()["days"]) == len(days) + 1


def test_round_trip_and_damage() -> None:
    """The watch is stored as JSON and restored exactly; damage is refused."""
    channel = learned()
    data = channel.to_dict()
    again = QuietWatch.from_dict(data)
    assert again.to_dict() == data
    (restored,) = InactivityChannel.for_zone(
        HOME.zones[0], HOME, {HOME_KEY: data}, lambda e: None
    )
    assert restored.to_dict() == data
    with pytest.raises(ValueError, match="negative"):
        QuietWatch.from_dict({**data, "today": [-2.0] * 24})
    with pytest.raises(ValueError, match="24 items"):
        QuietWatch.from_dict({**data, "days": [[1.0] * 23]})
    with pytest.raises(KeyError):
        QuietWatch.from_dict({"version": 1})


def test_nights_are_long_but_not_endless() -> None:
    """Up at 03:00, sleeping in until 10:00: usual. Nobody up by noon: unusual."""
    channel = learned()
    day = 14 * 288
    up = live(channel, day, day + 288, lambda w: w.hour == 3 or 10 <= w.hour < 23)
    assert up == []
    day += 288
    flagged = live(channel, day, day + 288, lambda w: False)
    first = moment(flagged[0])
    assert 12 <= first.hour < 17, first  # 1.5 times the longest night, plus an hour
