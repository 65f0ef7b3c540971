"""Malformed input stops the replay with a message naming the row or key."""

from __future__ import annotations

from datetime import datetime
import io
from pathlib import Path
import re

from cadence_tools.cli import main, run
from cadence_tools.home import InputError, parse_home
from handmade import BERLIN, HEADER, HOME_YAML, three_days, write_files
import pytest

GOOD = three_days()
WHEN = datetime(2026, 3, 2, 9, tzinfo=BERLIN)


def replay_lines(tmp_path: Path, lines: list[str], header: str = HEADER) -> None:
    """Replay raw CSV lines after a header."""
    home_path, events_path = write_files(tmp_path, [])
    events_path.write_text(header + "".join(lines), encoding="utf-8")
    run(home_path, events_path, io.StringIO())


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "yesterday,climate.living,heat,,1\n",
            "row 4: time 'yesterday' is not ISO 8601",
        ),
        (
            "2026-03-02T09:00:00,climate.living,heat,,1\n",
            "row 4: time '2026-03-02T09:00:00' has no UTC offset",
        ),
        (
            "2026-03-01T09:00:00+01:00,climate.living,heat,,1\n",
            "row 4: time 2026-03-01T09:00:00+01:00 is before the row above",
        ),
        (
            f"{WHEN.isoformat()},climate.living,heat,{{temperature: 20}},1\n",
            "row 4: attributes are not valid JSON",
        ),
        (
            f'{WHEN.isoformat()},climate.living,heat,"[1, 2]",1\n',
            "row 4: attributes must be a JSON object",
        ),
        (
            f"{WHEN.isoformat()},climate.living,heat,,yes\n",
            "row 4: user must be 1, 0 or empty",
        ),
        (
            f"{WHEN.isoformat()},climate.living,heat\n",
            "row 4: expected 5 columns, got 3",
        ),
        (
            f"{WHEN.isoformat()},living,heat,,\n",
            "row 4: entity_id 'living' is not an entity id",
        ),
    ],
)
def test_bad_event_rows_are_named(tmp_path: Path, bad: str, message: str) -> None:
    """Each kind of bad row stops the replay and names its row (the header is 1)."""
    with pytest.raises(InputError, match=re.escape(message)):
        replay_lines(tmp_path, [*GOOD[:2], bad, *GOOD[2:]])


def test_bad_header_is_named(tmp_path: Path) -> None:
    """A file without the contract's header names row 1."""
    with pytest.raises(InputError, match="row 1: the header must be"):
        replay_lines(tmp_path, GOOD, header="when,entity,state\n")


def test_blank_lines_are_allowed(tmp_path: Path) -> None:
    """An empty line (a trailing newline) is not an event."""
    replay_lines(tmp_path, [*GOOD[:2], "\n", *GOOD[2:]])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("metric", "imperial"),
            "unit_system: expected 'metric' or 'us_customary', got 'imperial'",
        ),
        (
            ("Europe/Berlin", "Europe/Atlantis"),
            "timezone: 'Europe/Atlantis' is not an IANA time zone name",
        ),
        (("workday:", "workdays:"), "unknown key 'workdays'"),
        (("    motion:", "    motions:"), r"zones\[0\]: unknown key 'motions'"),
        (
            ("[climate.living]", "climate.living"),
            r"zones\[0\].thermostats: expected a list",
        ),
        (
            ("[climate.living]", "[living]"),
            r"zones\[0\].thermostats\[0\]: 'living' is not an entity id",
        ),
        (
            ("  - name: living\n", "  - thermostats: [climate.x]\n"),
            r"zones\[0\]: missing key 'name'",
        ),
        (("timezone: Europe/Berlin\n", ""), "missing key 'timezone'"),
        (("sensor.outdoor", "7"), "outdoor_temperature: expected text, got 7"),
        (("zones:\n", "zones: 3\n"), "zones: expected a list"),
    ],
)
def test_bad_home_files_name_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    """Each mistake in HOME.yaml names its key."""
    home = HOME_YAML.replace(*change)
    if change[0] == "zones:\n":
        home = home.split("zones: 3\n")[0] + "zones: 3\n"
    home_path, events_path = write_files(tmp_path, GOOD, home)
    with pytest.raises(InputError, match=message):
        run(home_path, events_path, io.StringIO())


def test_home_shapes_are_checked() -> None:
    """Non-mappings, repeated zone names and non-mapping zones are refused."""
    with pytest.raises(InputError, match="expected a mapping at the top level"):
        parse_home([1, 2])
    base = {"timezone": "UTC", "unit_system": "metric"}
    with pytest.raises(InputError, match=r"zones\[1\].name: 'a' is repeated"):
        parse_home({**base, "zones": [{"name": "a"}, {"name": "a"}]})
    with pytest.raises(InputError, match=r"zones\[0\]: expected a mapping"):
        parse_home({**base, "zones": ["a"]})
    home = parse_home({**base, "zones": [{"name": "a", "lights": None}]})
    assert home.zones[0].lights == ()
    assert home.zones[0].entity_id == "zone.a"


def test_command_reports_errors_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malformed input exits 2 with one line naming the problem."""
    home_path, events_path = write_files(
        tmp_path, [*GOOD[:2], "x,climate.living,heat,,1\n"]
    )
    out = str(tmp_path / "o.csv")
    assert (
        main(["--home", str(home_path), "--events", str(events_path), "--out", out])
        == 2
    )
    err = capsys.readouterr().err
    assert "row 4: time 'x' is not ISO 8601" in err
    assert "Traceback" not in err
    home_path.write_text("zones: [\n", encoding="utf-8")
    assert (
        main(["--home", str(home_path), "--events", str(events_path), "--out", out])
        == 2
    )
    assert "not valid YAML" in capsys.readouterr().err
    missing = str(tmp_path / "missing.yaml")
    assert main(["--home", missing, "--events", str(events_path), "--out", out]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert (
        main(
            [
                "--home",
                str(tmp_path / "home.yaml"),
                "--events",
                str(events_path),
                "--out",
                str(tmp_path / "no" / "o.csv"),
            ]
        )
        == 2
    )


def test_people_are_person_entities() -> None:
    """people: a list of person.<name>; anything else is named."""
    base = {"timezone": "UTC", "unit_system": "metric", "zones": []}
    home = parse_home({**base, "people": ["person.alex", "person.sam"]})
    assert home.people == ("person.alex", "person.sam")
    assert "person.alex" in home.watched()
    assert parse_home(base).people == ()
    with pytest.raises(InputError, match="people: expected a list"):
        parse_home({**base, "people": "person.alex"})
    with pytest.raises(InputError, match=r"people\[0\]: expected person.<name>"):
        parse_home({**base, "people": ["sensor.alex"]})
    with pytest.raises(InputError, match=r"people\[1\]: 'alex' is not an entity id"):
        parse_home({**base, "people": ["person.sam", "alex"]})
