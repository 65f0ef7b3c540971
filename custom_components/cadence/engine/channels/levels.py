"""Numeric sensors and zone activity: the value expected, and what looks unusual.

Each numeric sensor (power, energy, temperature, humidity) has a `LevelFeed`: the
value expected by time of week and an anomaly verdict. Each zone with motion sensors
has an `ActivityWatch` for motion unusually absent or present. `expected` is a
forecast at any lead; the verdicts speak only of the present moment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from ..features import Conditions
from ..layout import HomeLayout, Zone
from ..models.anomaly import ActivityWatch
from ..models.health import SensorHealth
from ..models.level_feed import LevelFeed
from ..states import Reading, Source, convert, finite
from .base import NOTHING, Facts, Forecast, Outcome, sample_confidence
from .feed import EntityFeedChannel


@dataclass(frozen=True, slots=True)
class ReadingStatus:
    """Whether a numeric sensor's readings are unusual now, and what says so.

    Values are in the sensor's unit (a counter's: per hour). `reason` is "high",
    "low" or "still" while flagged; `since` is when the flag was raised, `began`
    when the unusual stretch that raised it began (feedback knows an alert by it).
    """

    flag: bool
    score: float
    actual: float | None
    expected: float | None
    usual: tuple[float, float] | None
    since: datetime | None
    reason: str | None
    counter: bool
    began: datetime | None = None
    # The unit the values are in ("" for none; None before any reading said).
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """Whether a sensor is to be trusted (see `models.health`), and since when not."""

    state: str
    since: datetime | None

    @classmethod
    def of(cls, health: SensorHealth) -> Self:
        """Return what a sensor's health says now."""
        return cls(health.state, health.since)


@dataclass(frozen=True, slots=True)
class ActivityStatus:
    """Whether a zone sees motion at a time that rarely sees any, and how rarely.

    `probability` is the share of days this hour of the week sees motion.
    """

    flag: bool
    score: float
    probability: float
    since: datetime | None


class LevelChannel(EntityFeedChannel[LevelFeed]):
    """The expected value and anomaly verdict of one numeric sensor.

    The feed learns in the unit of the sensor's first readings. Readings in another
    unit of the same quantity (kW for W, °F for °C) are converted into it, and what
    is shown is converted to the unit the sensor reports now; a unit that does not
    convert (W to °C) means the sensor measures something else, and it is relearned.
    """

    kind: ClassVar[str] = "levels"

    def __init__(self, entity_id: str, feed: LevelFeed) -> None:
        """Learn one numeric sensor into feed."""
        super().__init__(entity_id, feed)
        # The unit the sensor reports in now, None until it reports a number.
        self.unit: str | None = None

    def on_state(
        self,
        x: Conditions,
        entity_id: str,
        new: Reading | None,
        old: Reading | None,
        source: Source,
    ) -> Outcome:
        """Pass the reported state on, in the unit the feed learns in."""
        value = None if new is None else finite(new.state)
        if new is None or value is None:
            return super().on_state(x, entity_id, new, old, source)
        unit = self.unit = self._unit_of(new.attributes)
        state = new.state
        if self.feed.unit is None:
            self.feed.unit = unit
        elif unit != self.feed.unit:
            converted = convert(value, unit, self.feed.unit)
            if converted is None:  # another quantity: another sensor, learned anew
                self.feed = self.new_feed(new.attributes)
                self.feed.unit = unit
            else:
                state = repr(converted)
        self.feed.update(x.when, state)
        return NOTHING

    def _unit_of(self, attributes: Mapping[str, Any]) -> str:
        """Return the unit a reading is in; one without keeps the unit learned."""
        said = attributes.get("unit_of_measurement")
        if said is None and self.feed.unit:
            return self.feed.unit  # an attribute dropped for one report
        return str(said or "")

    def in_learned_unit(self, value: float, attributes: Mapping[str, Any]) -> float:
        """Return a reading with these attributes in the unit the feed learns in.

        As it is while the feed knows no unit, or the units do not convert.
        """
        learned = convert(value, self._unit_of(attributes), self.feed.unit)
        return value if self.feed.unit is None or learned is None else learned

    @property
    def shown_unit(self) -> str | None:
        """Return the unit values are shown in: the sensor's now, else the learned."""
        return self.feed.unit if self.unit is None else self.unit

    def _shown(self, value: float) -> float:
        """Return a value the feed learned in its unit, in the sensor's unit now."""
        shown = convert(value, self.feed.unit, self.shown_unit)
        return value if shown is None else shown

    @staticmethod
    def entities_of(zone: Zone) -> tuple[str, ...]:
        """Return the zone's numeric sensors."""
        return zone.power

    @staticmethod
    def new_feed(attributes: Mapping[str, Any]) -> LevelFeed:
        """Return a fresh level feed; one that counts a total learns rates.

        Home Assistant's state_class total_increasing says a sensor counts (energy
        meters); otherwise the feed finds out from the readings.
        """
        counts = attributes.get("state_class") == "total_increasing"
        return LevelFeed(counter=True if counts else None)

    @staticmethod
    def feed_from_dict(data: dict[str, Any]) -> LevelFeed:
        """Restore a sensor's feed."""
        return LevelFeed.from_dict(data)

    @property
    def sensor_health(self) -> SensorHealth:
        """Return the sensor's health, judged by its feed."""
        return self.feed.health

    def status(self, x: Conditions) -> dict[str, Any]:
        """Return the expected value, whether readings are unusual, sensor health."""
        feed = self.feed
        health = HealthStatus.of(feed.health)
        expected = feed.expected(x)
        if expected is None:
            return {"sensor_health": health}
        usual = feed.model.usual(x)
        expected = self._shown(expected)
        return {
            "sensor_health": health,
            "expected": Forecast(expected, sample_confidence(feed.model.samples)),
            "unusual_reading": ReadingStatus(
                flag=feed.anomaly,
                score=feed.anomaly_score,
                actual=None if feed.actual is None else self._shown(feed.actual),
                expected=expected,
                usual=None
                if usual is None
                else (self._shown(usual[0]), self._shown(usual[1])),
                since=feed.since,
                reason=feed.reason,
                counter=feed.counter is True,
                began=feed.began,
                unit=self.shown_unit,
            ),
        }

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the value expected at x.when; the verdicts too for the present."""
        feed = self.feed
        value = feed.expected(x)
        if value is None:
            return {}
        trust = sample_confidence(feed.model.samples)
        result = {"expected": Forecast(self._shown(value), trust)}
        if now == x.when:
            result["anomaly"] = Forecast(float(feed.anomaly), trust)
            result["anomaly_score"] = Forecast(feed.anomaly_score, trust)
            began = feed.began if feed.anomaly else None
            hours = (
                0.0
                if began is None  # in real time, not wall-clock (a clock change)
                else (x.when.astimezone(UTC) - began.astimezone(UTC)).total_seconds()
                / 3600
            )
            result["anomaly_hours"] = Forecast(hours, trust)
            reason = LevelFeed.reasons.index(feed.reason) if feed.anomaly else 0
            result["anomaly_reason"] = Forecast(float(reason), trust)
        return result


class ActivityWatchChannel(EntityFeedChannel[ActivityWatch]):
    """Whether a zone's motion is unusually absent or present for the time of week.

    Kept under the zone's id; every motion sensor of the zone feeds its one watch.
    """

    kind: ClassVar[str] = "activity_watch"

    def __init__(self, zone: Zone, watch: ActivityWatch | None = None) -> None:
        """Watch the zone's motion sensors."""
        super().__init__(zone.zone_id, watch or ActivityWatch())
        self.motion = zone.motion

    @classmethod
    def for_zone(
        cls, zone: Zone, home: HomeLayout, stored: Mapping[str, Any], facts: Facts
    ) -> list[Self]:
        """Return the zone's watch when it has motion sensors."""
        if not zone.motion:
            return []
        saved = stored.get(zone.zone_id)
        return [cls(zone, None if saved is None else ActivityWatch.from_dict(saved))]

    def watches(self) -> tuple[str, ...]:
        """Return the zone's motion sensors."""
        return self.motion

    def status(self, x: Conditions) -> dict[str, Any]:
        """Return the verdicts now, and whether the zone's motion is unusual."""
        watch = self.feed
        return {
            **self.forecast(x, x.when),
            "unusual_activity": ActivityStatus(
                flag=watch.unusual_activity,
                score=watch.present_score,
                probability=watch.probability(x),
                since=watch.present_since,
            ),
        }

    def forecast(self, x: Conditions, now: datetime) -> dict[str, Forecast]:
        """Return the verdicts, for the present only: unusual is not forecast."""
        if now != x.when:
            return {}
        watch = self.feed
        return {
            "anomaly": Forecast(float(watch.anomaly), 1.0),
            "anomaly_score": Forecast(watch.anomaly_score, 1.0),
            "unusual_activity": Forecast(float(watch.unusual_activity), 1.0),
            "unusual_activity_score": Forecast(watch.present_score, 1.0),
        }
