"""A simulated household: a weekly thermostat schedule, overridden by hand now and then.

The thermostat runs its own schedule (changes without a user: the device) and the
people in the home often override it for a while (changes with a user: a person),
then set it back. Used to check that the learned schedule is robust to overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import math
import random
from statistics import median
from zoneinfo import ZoneInfo

from custom_components.cadence.engine import (
    Conditions,
    RecursiveLeastSquares,
    SetpointLearner,
    SetpointModel,
    Source,
    encode,
    slot_of,
)
from custom_components.cadence.engine.features import N_FEATURES, advance

BERLIN = ZoneInfo("Europe/Berlin")
# (start hour, setpoint °C) pairs; each holds until the next, the last past midnight.
WORKDAY = ((6.5, 21.0), (8.0, 17.5), (17.0, 21.0), (22.5, 17.0))
WEEKEND = ((8.5, 21.5), (23.0, 17.0))


def day_schedule(when: datetime) -> tuple[tuple[float, float], ...]:
    """Return the schedule of the day `when` falls on."""
    return WORKDAY if when.weekday() < 5 else WEEKEND


def scheduled_c(when: datetime) -> float:
    """Return what the household's schedule says at a local time."""
    hours = when.hour + when.minute / 60
    for start, value in reversed(day_schedule(when)):
        if hours >= start:
            return value
    # Before the first change of a day, the previous day's last setpoint holds.
    return day_schedule(when - timedelta(days=1))[-1][1]


@dataclass
class Household:
    """Scheduled setpoints with brief manual overrides, as thermostat events."""

    seed: int
    start: datetime
    days: int
    overrides_per_day: float = 2.0
    # (start, end, delta °C) of each override, in time order.
    overrides: list[tuple[datetime, datetime, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Draw the overrides."""
        rng = random.Random(self.seed)
        for day in range(self.days):
            midnight = self.start + timedelta(days=day)
            for _ in range(_poisson(rng, self.overrides_per_day)):
                begin = midnight + timedelta(minutes=rng.uniform(6 * 60, 23 * 60))
                length = timedelta(minutes=rng.uniform(30, 90))
                delta = rng.choice((-1, 1)) * rng.uniform(2.0, 3.0)
                self.overrides.append((begin, begin + length, delta))
        self.overrides.sort()

    def actual_c(self, when: datetime) -> float:
        """Return the setpoint the thermostat really has at a moment."""
        value = scheduled_c(when)
        for begin, end, delta in self.overrides:
            # A schedule change on the device ends an override early.
            if begin <= when < end and scheduled_c(begin) == value:
                value += delta
        return value

    def events(self) -> Iterator[tuple[datetime, float, Source]]:
        """Yield each change of the setpoint in time order, with who made it."""
        edges = {
            self.start + timedelta(days=day, hours=start)
            for day in range(self.days)
            for start, _ in day_schedule(self.start + timedelta(days=day))
        }
        moments = sorted(
            edges | {t for begin, end, _ in self.overrides for t in (begin, end)}
        )
        previous = self.actual_c(self.start)
        yield self.start, previous, Source.DEVICE
        for when in moments:
            value = self.actual_c(when)
            if value != previous:
                yield when, value, Source.DEVICE if when in edges else Source.PERSON
                previous = value


def outdoor_c(when: datetime) -> float:
    """Return an outdoor temperature with a daily cycle, for the context features."""
    hours = when.hour + when.minute / 60
    return 4.0 + 5.0 * math.sin(2 * math.pi * (hours - 9) / 24) + (when.day % 5)


def _poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson-distributed count."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def same_slot_median(
    history: dict[tuple[date, int], float], when: datetime, days: int, same_kind: bool
) -> float | None:
    """Return the median of the values at the same local time on the days before.

    `history` maps (local date, minute of day) to the setpoint sampled then; only the
    `days` days before `when` are looked at, as seen a day ahead. With `same_kind`,
    only days of the same kind (Monday-Friday or weekend) as `when` count.
    """
    minute = when.hour * 60 + when.minute
    today = when.date()
    workday = today.weekday() < 5
    values = []
    for back in range(1, days + 1):
        then = today - timedelta(days=back)
        if same_kind and (then.weekday() < 5) != workday:
            continue
        if (then, minute) in history:
            values.append(history[then, minute])
    return median(values) if values else None


def mean_abs(errors: list[float]) -> float:
    """Return the mean of absolute errors."""
    return sum(abs(e) for e in errors) / len(errors)


# The plain comparators: least squares on the time features, and per-slot means.
RLS_FORGETTING = 0.99
MEAN_FORGETTING = 0.9


class Spy(SetpointModel):
    """A model that records each lesson: (when, workday, setpoint, weight).

    The rest of a choice, taught once it is kept (`new_sample` False), joins the
    lesson of the choice itself.
    """

    def __init__(self) -> None:
        """Start with nothing recorded."""
        super().__init__()
        self.records: list[tuple[datetime, bool, float, float]] = []

    @property
    def lessons(self) -> list[tuple[datetime, bool, float, float]]:
        """Return the lessons, oldest first."""
        return self.records

    def learn(
        self,
        x: Conditions,
        setpoint_c: float,
        weight: float = 1.0,
        *,
        new_sample: bool = True,
        **how: float | None,
    ) -> None:
        """Record, then learn (`how`: the model's other keyword arguments)."""
        key = (x.when, x.is_workday, setpoint_c)
        if new_sample:
            self.records.append((*key, weight))
        else:
            index = next(i for i, kept in enumerate(self.records) if kept[:3] == key)
            self.records[index] = (*key, round(self.records[index][3] + weight, 9))
        super().learn(x, setpoint_c, weight, new_sample=new_sample, **how)  # type: ignore[arg-type]


class Recording(SetpointModel):
    """A SetpointModel that also feeds every observation to the plain comparators."""

    def __init__(self) -> None:
        """Start the model and the comparators."""
        super().__init__()
        self.rls = RecursiveLeastSquares(N_FEATURES, forgetting=RLS_FORGETTING)
        # Per (workday, slot): forgetting sums of weight*value and of weight.
        self.sums: dict[tuple[bool, int], list[float]] = {}

    def learn(
        self,
        x: Conditions,
        setpoint_c: float,
        weight: float = 1.0,
        **how: float | bool | None,
    ) -> None:
        """Learn, and let the comparators learn the same."""
        super().learn(x, setpoint_c, weight, **how)  # type: ignore[arg-type]
        self.rls.learn(encode(x), setpoint_c, weight)
        sums = self.sums.setdefault((x.is_workday, slot_of(x.when)[1]), [0.0, 0.0])
        fade = MEAN_FORGETTING**weight
        sums[0] = fade * sums[0] + weight * setpoint_c
        sums[1] = fade * sums[1] + weight

    def running_mean(self, x: Conditions) -> float | None:
        """Return the running mean of the slot, None when never seen."""
        sums = self.sums.get((x.is_workday, slot_of(x.when)[1]))
        return sums[0] / sums[1] if sums else None


def simulate(
    household: Household, evaluate_days: int, tick: timedelta = timedelta(minutes=30)
) -> dict[str, dict[str, float]]:
    """Run the household through a learner and score predictions made a day ahead.

    Returns, per predictor, the mean absolute error against the schedule and against
    the setpoint the thermostat really had, over the last `evaluate_days` days.
    """
    model = Recording()
    learner = SetpointLearner(model)
    history: dict[tuple[date, int], float] = {}
    predictions: dict[datetime, dict[str, float | None]] = {}
    events = list(household.events())
    end = household.start + timedelta(days=household.days)
    when = household.start
    index = 0
    while when < end:
        while index < len(events) and events[index][0] <= when:
            moment, value, source = events[index]
            learner.observe(conditions(moment), value, source)
            index += 1
        learner.hold(conditions(when))
        history[when.date(), when.hour * 60 + when.minute] = household.actual_c(when)
        later = when + timedelta(days=1)
        x = conditions(later)
        prediction = model.predict(x)
        predictions[later] = {
            "model": None if prediction is None else prediction.value_c,
            "median_14d": same_slot_median(history, later, 14, same_kind=False),
            "median_14d_kind": same_slot_median(history, later, 14, same_kind=True),
            "rls": model.rls.predict(encode(x)),
            "running_mean": model.running_mean(x),
        }
        when += tick
    scores: dict[str, dict[str, float]] = {}
    first = end - timedelta(days=evaluate_days)
    for name in predictions[end]:
        against_schedule, against_actual = [], []
        for moment, predicted in predictions.items():
            guess = predicted[name]
            if first <= moment < end and guess is not None:
                against_schedule.append(guess - scheduled_c(moment))
                against_actual.append(guess - household.actual_c(moment))
        scores[name] = {
            "schedule": mean_abs(against_schedule),
            "actual": mean_abs(against_actual),
        }
    return scores


def conditions(when: datetime) -> Conditions:
    """Return the conditions of the simulated home at a moment."""
    return Conditions(when=when, outdoor_c=outdoor_c(when))


def follow(
    learner: SetpointLearner,
    start: datetime,
    days: int,
    setpoint_c: Callable[[datetime], float],
    source: Source = Source.DEVICE,
) -> datetime:
    """Report `setpoint_c(t)` to a learner every half hour for some days; return the end.

    Local times step in real time, so DST changes are crossed correctly.
    """
    when = start
    end = start + timedelta(days=days)
    while when < end:
        learner.observe(conditions(when), setpoint_c(when), source)
        when = advance(when, timedelta(minutes=30))
    return when
