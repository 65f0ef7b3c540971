"""The replay follows its contract: known answers, prequential, units, summary."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
import io
from pathlib import Path
import random
import subprocess

from cadence_tools.cli import duration, main, run
from cadence_tools.home import parse_home
from cadence_tools.replay import Replay, grid_after
from handmade import BERLIN, HOME_YAML, row, three_days, write_files
import pytest

REPO = Path(__file__).resolve().parents[2]
DAY3 = date(2026, 3, 4)


def predictions(
    tmp_path: Path,
    lines: list[str],
    home: str = HOME_YAML,
    quantities: tuple[str, ...] = ("setpoint", "setpoint_low", "setpoint_high"),
    **options: timedelta,
) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Replay in-process; return {(time, entity_id, quantity): (value, confidence)}."""
    home_path, events_path = write_files(tmp_path, lines, home)
    out = io.StringIO()
    run(home_path, events_path, out, **options)
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert reader.fieldnames == ["time", "entity_id", "quantity", "value", "confidence"]
    return {
        (r["time"], r["entity_id"], r["quantity"]): (
            float(r["value"]),
            float(r["confidence"]),
        )
        for r in reader
        if r["quantity"] in quantities
    }


def at(day: date, hour: int, minute: int = 0) -> str:
    """Return a tick's time as the replay writes it, in Berlin."""
    return datetime.combine(day, time(hour, minute), BERLIN).isoformat()


def test_setpoint_chosen_each_morning_is_predicted_at_noon(tmp_path: Path) -> None:
    """A person sets 21 at 07:00 and 17 at 22:00: noon on day 3 predicts 21."""
    rows = predictions(tmp_path, three_days())
    value, confidence = rows[at(DAY3, 12), "climate.living", "setpoint"]
    assert value == pytest.approx(21.0, abs=0.1)
    assert 0.0 < confidence <= 1.0
    assert rows[at(DAY3, 23), "climate.living", "setpoint"][0] == pytest.approx(17.0)


def test_day_ahead_prediction_is_the_learned_schedule(tmp_path: Path) -> None:
    """With --lead 24h, day 3 at 07:30 is what day 2 at 07:30 predicted: 21."""
    rows = predictions(tmp_path, three_days(), lead=timedelta(hours=24))
    assert rows[at(DAY3, 7, 30), "climate.living", "setpoint"][0] == pytest.approx(21)
    assert rows[at(DAY3, 23), "climate.living", "setpoint"][0] == pytest.approx(17)
    # A day ahead of the first choice nothing had been learned: no rows.
    assert not [key for key in rows if key[0] < at(date(2026, 3, 3), 7)]


def test_ticks_run_from_the_first_event_to_the_last(tmp_path: Path) -> None:
    """Every tick between the first and last event has its rows, none outside."""
    rows = predictions(tmp_path, three_days(), every=timedelta(hours=1))
    times = sorted({key[0] for key in rows})
    assert times[0] == at(date(2026, 3, 2), 8)  # the first choice was at 07:00:01
    assert times[-1] == at(date(2026, 3, 5), 0)
    assert len(times) == 24 * 3 - 7


def test_ticks_fall_on_the_grid() -> None:
    """Ticks are multiples of --every from the Unix epoch."""
    when = datetime(2026, 3, 2, 7, 7, tzinfo=BERLIN)
    assert grid_after(when, timedelta(minutes=15)) == datetime(
        2026, 3, 2, 7, 15, tzinfo=BERLIN
    )
    assert grid_after(when.replace(minute=15), timedelta(minutes=15)).minute == 15


def _random_trace(seed: int, days: int = 6) -> list[tuple[datetime, str]]:
    """Return (time, line) pairs of a busy random home."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    events = []
    for step in range(days * 24 * 6):
        when = start + timedelta(minutes=10 * step, seconds=rng.randrange(600))
        kind = rng.random()
        if kind < 0.3:
            line = row(
                when,
                "climate.living",
                "heat",
                {
                    "temperature": rng.choice([17, 19, 21, 22]),
                    "current_temperature": 20,
                },
                rng.choice(["1", "0", ""]),
            )
        elif kind < 0.6:
            line = row(when, "binary_sensor.living_motion", rng.choice(["on", "off"]))
        elif kind < 0.65:
            line = row(when, "light.living", rng.choice(["on", "off"]))
        elif kind < 0.7:
            line = row(
                when,
                "sensor.living_power",
                f"{rng.uniform(0, 900):.0f}",
                {"unit_of_measurement": "W"},
            )
        elif kind < 0.8:
            line = row(
                when,
                "sensor.outdoor",
                f"{rng.uniform(-5, 20):.1f}",
                {"unit_of_measurement": "°C"},
            )
        else:
            line = row(when, "binary_sensor.workday", rng.choice(["on", "off"]))
        events.append((when, line))
    return events


def _shuffled(lines: list[str], seed: int) -> list[str]:
    """Return the rows with their times kept in order and everything else shuffled."""
    times = [line.split(",", 1)[0] for line in lines]
    rests = [line.split(",", 1)[1] for line in lines]
    random.Random(seed).shuffle(rests)
    return [f"{when},{rest}" for when, rest in zip(times, rests, strict=True)]


@pytest.mark.parametrize("future", ["shuffled", "replaced"])
@pytest.mark.parametrize("lead", [timedelta(0), timedelta(hours=24)])
def test_no_prediction_sees_the_future(
    tmp_path: Path, lead: timedelta, future: str
) -> None:
    """Shuffling or replacing the events after T changes no prediction up to T + lead."""
    events = _random_trace(seed=3)
    cut = events[len(events) // 2][0]
    past = [line for when, line in events if when < cut]
    if future == "shuffled":
        other = _shuffled([line for when, line in events if when >= cut], seed=5)
    else:
        other = [line for when, line in _random_trace(seed=4) if when >= cut]
    every = (
        "setpoint",
        "light_on",
        "occupancy",
        "expected",
        "anomaly",
        "anomaly_score",
    )
    first = predictions(
        tmp_path, [line for _, line in events], quantities=every, lead=lead
    )
    second = predictions(tmp_path, past + other, quantities=every, lead=lead)
    horizon = (cut + lead).isoformat()
    seen = {key: value for key, value in first.items() if key[0] <= horizon}
    assert len(seen) > 100
    assert seen == {key: value for key, value in second.items() if key[0] <= horizon}
    assert first != second


def test_fahrenheit_home_predicts_in_fahrenheit(tmp_path: Path) -> None:
    """A us_customary home's thermostats report and are predicted in °F."""
    lines = [
        line.replace('"temperature"": 21.0', '"temperature"": 70.0').replace(
            '"temperature"": 17.0', '"temperature"": 62.0'
        )
        for line in three_days()
    ]
    home = HOME_YAML.replace("metric", "us_customary")
    rows = predictions(tmp_path, lines, home)
    assert rows[at(DAY3, 12), "climate.living", "setpoint"][0] == pytest.approx(
        70.0, abs=0.05
    )


def test_range_thermostat_learns_both_ends(tmp_path: Path) -> None:
    """A heat/cool thermostat gives setpoint_low and setpoint_high."""
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    features = {"supported_features": 2, "target_temp_low": 19, "target_temp_high": 24}
    lines = [row(start, "climate.living", "heat_cool", features)]
    changed = {**features, "target_temp_low": 20, "target_temp_high": 25}
    lines.append(
        row(start + timedelta(hours=1), "climate.living", "heat_cool", changed, "1")
    )
    lines.append(row(start + timedelta(hours=5), "sensor.outdoor", "3"))
    rows = predictions(tmp_path, lines)
    assert rows[at(date(2026, 3, 2), 3), "climate.living", "setpoint_low"][0] == 20
    assert rows[at(date(2026, 3, 2), 3), "climate.living", "setpoint_high"][0] == 25
    assert not [key for key in rows if key[2] == "setpoint"]


def test_automation_changes_do_not_teach(tmp_path: Path) -> None:
    """user=0 or empty is not a person: nothing is learned, nothing predicted."""
    lines = [line.replace(",1\n", ",0\n") for line in three_days()]
    assert predictions(tmp_path, lines) == {}


def test_unknown_entities_are_ignored_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Events of entities the home does not mention are counted in the summary."""
    extra = row(datetime(2026, 3, 2, 9, tzinfo=BERLIN), "light.kitchen", "on")
    lines = three_days()
    home_path, events_path = write_files(
        tmp_path, [*lines[:3], extra, extra, *lines[3:]]
    )
    out_path = tmp_path / "out.csv"
    code = main(
        [
            "--home",
            str(home_path),
            "--events",
            str(events_path),
            "--out",
            str(out_path),
            "--quiet",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "ignored 2 events of 1 entities" in err
    assert "light.kitchen: 2" in err
    with_extra = out_path.read_text(encoding="utf-8")
    home_path, events_path = write_files(tmp_path, lines)
    assert (
        main(
            [
                "--home",
                str(home_path),
                "--events",
                str(events_path),
                "--out",
                str(out_path),
                "--quiet",
            ]
        )
        == 0
    )
    assert out_path.read_text(encoding="utf-8") == with_extra


def test_command_line_contract(tmp_path: Path) -> None:
    """scripts/replay runs as a command and writes PREDICTIONS.csv."""
    home_path, events_path = write_files(tmp_path, three_days())
    out_path = tmp_path / "predictions.csv"
    done = subprocess.run(  # noqa: S603  # our own command, our own arguments
        [
            REPO / "scripts" / "replay",
            "--home",
            home_path,
            "--events",
            events_path,
            "--out",
            out_path,
            "--every",
            "1h",
            "--lead",
            "24h",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "replay: 14 events" in done.stderr
    lines = out_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "time,entity_id,quantity,value,confidence"
    assert f"{at(DAY3, 8)},climate.living,setpoint,21.000," in "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("24h", timedelta(hours=24)),
        ("0", timedelta(0)),
        ("1d", timedelta(days=1)),
        ("30s", timedelta(seconds=30)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    """--every and --lead take 30s, 15m, 24h, 1d or 0."""
    assert duration(text) == expected


def test_bad_duration_and_zero_tick_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad duration is a usage error; --every 0 is refused with exit 2."""
    home_path, events_path = write_files(tmp_path, three_days())
    args = [
        "--home",
        str(home_path),
        "--events",
        str(events_path),
        "--out",
        str(tmp_path / "o.csv"),
    ]
    with pytest.raises(SystemExit):
        main([*args, "--every", "soon"])
    assert main([*args, "--every", "0"]) == 2
    assert "--every" in capsys.readouterr().err


def test_progress_on_long_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress lines go to the given stream every so many events."""
    monkeypatch.setattr("cadence_tools.cli.PROGRESS_EVENTS", 5)
    home_path, events_path = write_files(tmp_path, three_days())
    progress = io.StringIO()
    run(home_path, events_path, io.StringIO(), progress=progress)
    assert progress.getvalue().count("replay: ") == 2


def test_light_habit_and_occupancy_are_predicted(tmp_path: Path) -> None:
    """A light on every evening is predicted on in the evening, not at night."""
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    lines = []
    for day in range(6):
        evening = start + timedelta(days=day, hours=18)
        lines += [
            row(evening, "binary_sensor.living_motion", "on"),
            row(evening + timedelta(minutes=1), "binary_sensor.living_motion", "off"),
            row(evening + timedelta(minutes=2), "light.living", "on", user="1"),
            row(evening + timedelta(hours=5), "light.living", "off", user="1"),
        ]
    rows = predictions(tmp_path, lines, quantities=("light_on", "occupancy"))
    last = date(2026, 3, 7)
    evening = rows[at(last, 20), "light.living", "light_on"][0]
    night = rows[at(last, 3), "light.living", "light_on"][0]
    assert evening > 0.5 > night
    soon = rows[at(last, 17, 45), "zone.living", "occupancy"][0]
    assert soon > rows[at(last, 3), "zone.living", "occupancy"][0]


def test_brightness_is_what_people_choose_and_automations_teach_nothing(
    tmp_path: Path,
) -> None:
    """A person dims the lamp to 25 % each evening: brightness 25 %, in the replay."""
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    dimmable = {"supported_color_modes": ["brightness"]}
    lines = []
    for day in range(4):
        evening = start + timedelta(days=day, hours=19)
        later = evening + timedelta(hours=3)
        lines += [
            row(evening, "light.living", "on", dimmable | {"brightness": 64}, user="1"),
            # The other lamp is an automation's: it teaches nothing.
            row(evening, "light.hall", "on", dimmable | {"brightness": 255}),
            row(later, "light.living", "off", dimmable, user="1"),
            row(later, "light.hall", "off", dimmable),
        ]
    home = HOME_YAML.replace(
        "lights: [light.living]", "lights: [light.living, light.hall]"
    )
    assert home != HOME_YAML
    rows = predictions(tmp_path, lines, home, quantities=("light_on", "brightness"))
    last = date(2026, 3, 5)
    value, confidence = rows[at(last, 20), "light.living", "brightness"]
    assert value == pytest.approx(25.1, abs=0.1)
    assert 0.0 < confidence < 1.0
    assert not [key for key in rows if key[1] == "light.hall"]


def test_power_sensor_expected_and_anomaly(tmp_path: Path) -> None:
    """A power sensor gets expected at every lead, anomaly rows only at lead 0."""
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    lines = []
    for step in range(4 * 24 * 12):
        when = start + timedelta(minutes=5 * step)
        watts = 800 if 18 <= when.hour < 22 else 100
        lines.append(
            row(when, "sensor.living_power", str(watts), {"unit_of_measurement": "W"})
        )
    quantities = ("expected", "anomaly", "anomaly_score")
    now = predictions(tmp_path, lines, quantities=quantities)
    last = date(2026, 3, 5)
    assert now[at(last, 20), "sensor.living_power", "expected"][0] == pytest.approx(
        800, rel=0.1
    )
    assert now[at(last, 3), "sensor.living_power", "expected"][0] == pytest.approx(
        100, rel=0.1
    )
    assert now[at(last, 20), "sensor.living_power", "anomaly"][0] in (0.0, 1.0)
    ahead = predictions(
        tmp_path, lines, quantities=quantities, lead=timedelta(hours=24)
    )
    assert {key[2] for key in ahead} == {"expected"}


def test_an_unusual_reading_says_why_and_since_when_its_stretch_began(
    tmp_path: Path,
) -> None:
    """An appliance left on from 01:00 is flagged with a reason and a start.

    While flagged, anomaly_reason is 1 (high) and anomaly_hours counts from about
    01:00; while not, both are 0.
    """
    rng = random.Random(2)
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    fault = datetime(2026, 3, 12, 1, 0, tzinfo=BERLIN)
    lines = []
    for step in range(11 * 24 * 12):
        when = start + timedelta(minutes=5 * step)
        watts = 100 + (300 if 18 <= when.hour < 22 else 0) + rng.gauss(0, 10)
        if fault <= when < fault + timedelta(hours=6):
            watts += 1000
        lines.append(
            row(
                when,
                "sensor.living_power",
                f"{watts:.1f}",
                {"unit_of_measurement": "W"},
            )
        )
    quantities = ("anomaly", "anomaly_hours", "anomaly_reason")
    rows = predictions(tmp_path, lines, quantities=quantities)
    ticks: dict[str, dict[str, float]] = {}
    for (when, entity_id, quantity), (value, _) in rows.items():
        if entity_id == "sensor.living_power":
            ticks.setdefault(when, {})[quantity] = value
    flagged = [t for t, row in ticks.items() if row["anomaly"] == 1.0]
    assert flagged
    for when, one in ticks.items():
        if one["anomaly"] == 0.0:
            assert one["anomaly_hours"] == one["anomaly_reason"] == 0.0
            continue
        assert one["anomaly_reason"] == 1.0
        began = datetime.fromisoformat(when) - timedelta(hours=one["anomaly_hours"])
        assert abs(began - fault) <= timedelta(minutes=30)
    assert min(ticks[t]["anomaly_hours"] for t in flagged) >= 0.5


def test_replay_refuses_a_zero_tick_or_a_negative_lead() -> None:
    """Ticks must advance and predictions cannot be made after their moment."""
    home = parse_home({"timezone": "UTC", "unit_system": "metric", "zones": []})
    with pytest.raises(ValueError, match="every"):
        Replay(home, print, every=timedelta(0))
    with pytest.raises(ValueError, match="lead"):
        Replay(home, print, lead=timedelta(hours=-1))


def test_a_thermostat_heating_a_room_that_stays_cold_is_a_heating_fault(
    tmp_path: Path,
) -> None:
    """heating_fault rows at lead 0: 0 while the room warms, 1 once it stalls."""
    start = datetime(2026, 3, 2, 6, 0, tzinfo=BERLIN)
    lines = []
    for step in range(6 * 12):
        when = start + timedelta(minutes=5 * step)
        room = 17.0 + min(step, 24) / 12  # warms 1 °C an hour for two hours, then not
        attributes = {
            "hvac_action": "heating",
            "current_temperature": round(room, 1),
            "temperature": 22.0,
        }
        lines.append(row(when, "climate.living", "heat", attributes))
    quantities = ("heating_fault", "heating_fault_score")
    now = predictions(tmp_path, lines, quantities=quantities)
    day = date(2026, 3, 2)
    assert now[at(day, 7, 30), "climate.living", "heating_fault"][0] == 0.0
    assert now[at(day, 10, 45), "climate.living", "heating_fault"][0] == 1.0
    assert now[at(day, 10, 45), "climate.living", "heating_fault_score"][0] == 1.0
    ahead = predictions(tmp_path, lines, quantities=quantities, lead=timedelta(hours=1))
    assert ahead == {}


def test_people_of_the_home_file_say_when_quiet_means_nothing(tmp_path: Path) -> None:
    """A day without motion flags unusual_inactivity, unless the person is out."""
    start = datetime(2026, 3, 2, tzinfo=BERLIN)
    lines = []
    for step in range(9 * 24 * 12):
        when = start + timedelta(minutes=5 * step)
        if 7 <= when.hour < 23 and step % 3 == 0 and when.day != 11:
            lines.append(row(when, "binary_sensor.living_motion", "on"))
            lines.append(
                row(when + timedelta(minutes=1), "binary_sensor.living_motion", "off")
            )
    out = datetime(2026, 3, 11, 6, 0, tzinfo=BERLIN)
    home = HOME_YAML.replace("zones:", "people: [person.alex]\nzones:")
    quiet = ("unusual_inactivity",)
    left = sorted(
        [*lines, row(start, "person.alex", "home"), row(out, "person.alex", "not_home")]
    )
    flagged_home = [
        key
        for key, (value, _) in predictions(
            tmp_path, lines, home, quantities=quiet
        ).items()
        if value == 1.0
    ]
    flagged_out = [
        key
        for key, (value, _) in predictions(
            tmp_path, left, home, quantities=quiet
        ).items()
        if value == 1.0
    ]
    assert flagged_home
    assert all(key[1] == "home" for key in flagged_home)
    assert flagged_out == []
