"""Boot the real Home Assistant headless with the develop configuration and Cadence.

Run through `scripts/boot_check` (after scripts/setup). Steps:

1. Copy config/configuration.yaml into a temporary directory, move `http:
   server_port` to a free loopback port and add the `boot_probe` integration
   (scripts/boot_probe), which reports once Home Assistant has started.
2. Copy custom_components/cadence beside it and pre-seed `.storage/
   core.config_entries` with one Cadence entry, so the integration is set up as if
   a user had added it in the UI.
3. Start `python -m homeassistant -c TMP --skip-pip` and wait (BOOT_CHECK_TIMEOUT,
   default 120 s) for the probe's report, written on `homeassistant_started`.
4. Pass when: the Cadence entry is `loaded`; its actions have descriptions (what
   `/api/services` serves); the REST API answers 200 with the probe's token on
   `/api/`, `/api/services`, `/api/states` (which must hold the develop
   thermostats) and `/` serves the frontend; Home Assistant stops on SIGTERM with
   exit code 0; and the log has no ERROR or CRITICAL record that names Cadence,
   and no integration that failed to set up.
5. Before it stops: the dashboard card in a real browser (scripts/browser_check.py:
   Debian's Chromium driven by Playwright, English and German); screenshots go to
   $BOOT_CHECK_SCREENSHOTS (default: the temporary directory).

BOOT_CHECK_KEEP=1 keeps the temporary directory for a look at the log.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
import urllib.error
import urllib.request

from browser_check import BrowserCheckError, check_card, seed_dashboard

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
DOMAIN = "cadence"
TIMEOUT_S = float(os.environ.get("BOOT_CHECK_TIMEOUT", "120"))
STOP_TIMEOUT_S = 60.0
EXPECTED_ENTITIES = ("climate.living_room_thermostat", "climate.bedroom_thermostat")

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? "
    r"(?P<level>[A-Z]+) \((?P<thread>[^)]*)\) \[(?P<logger>[^\]]+)\] (?P<msg>.*)$"
)
FATAL_MARKERS = (
    f"Setup failed for custom integration '{DOMAIN}'",
    f"Integration '{DOMAIN}' not found",
    "Setup failed for ",
    "Unable to prepare setup for platform",
    "Invalid config for",
    "recovery mode",
)


def say(message: str) -> None:
    """Print one progress line."""
    print(f"boot_check: {message}", flush=True)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(config_dir: Path, port: int) -> None:
    """Copy the develop configuration with its port moved and the probe added."""
    text = (REPO / "config" / "configuration.yaml").read_text(encoding="utf-8")
    text, count = re.subn(
        r"^(\s+server_port:\s*)\d+\s*$", rf"\g<1>{port}", text, flags=re.MULTILINE
    )
    if count != 1:
        msg = "config/configuration.yaml must set http: server_port exactly once"
        raise SystemExit(f"boot_check: {msg}")
    text += "\n# Added by scripts/boot_check.\nboot_probe:\n"
    (config_dir / "configuration.yaml").write_text(text, encoding="utf-8")
    # The files configuration.yaml includes, empty as scripts/develop makes them.
    for made, empty in (("automations", "[]"), ("scenes", "[]"), ("scripts", "{}")):
        (config_dir / f"{made}.yaml").write_text(f"{empty}\n", encoding="utf-8")

    custom = config_dir / "custom_components"
    custom.mkdir()
    (custom / "__init__.py").write_text("", encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "custom_components" / DOMAIN, custom / DOMAIN, ignore=ignore)
    shutil.copytree(
        REPO / "scripts" / "boot_probe", custom / "boot_probe", ignore=ignore
    )


def seed_config_entry(config_dir: Path) -> None:
    """Write .storage/core.config_entries as Home Assistant 2026.2 saves it.

    Layout from homeassistant/config_entries.py: the store is version 1.5 and each
    entry is `ConfigEntry.as_dict()`; subentries are stored as a list.
    """
    now = datetime.now(UTC).isoformat()
    entry: dict[str, Any] = {
        "created_at": now,
        "data": {},
        "discovery_keys": {},
        "disabled_by": None,
        "domain": DOMAIN,
        "entry_id": "01JBOOTCHECK0000000000CADENCE",
        "minor_version": 1,
        "modified_at": now,
        "options": {"learning": True},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        # One zone with the develop thermostats, so that Cadence's entities load too.
        "subentries": [
            {
                "data": {
                    "area_id": "living_room",
                    "climate": [
                        "climate.living_room_thermostat",
                        "climate.bedroom_thermostat",
                    ],
                    "lights": [],
                    "motion": ["binary_sensor.living_room_motion"],
                    "power": [],
                },
                "subentry_id": "01JBOOTCHECK00000000000ZONE",
                "subentry_type": "zone",
                "title": "Living room",
                "unique_id": "living_room",
            }
        ],
        "title": "Cadence",
        "unique_id": None,
        "version": 1,
    }
    store = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [entry]},
    }
    storage = config_dir / ".storage"
    storage.mkdir()
    (storage / "core.config_entries").write_text(json.dumps(store, indent=2))


def wait_for_report(proc: subprocess.Popen[bytes], report: Path) -> dict[str, Any]:
    """Wait for the probe's report; fail if Home Assistant exits or time runs out."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if report.exists():
            data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
            return data
        if proc.poll() is not None:
            msg = f"Home Assistant exited with code {proc.returncode} before it started"
            raise CheckError(msg)
        time.sleep(0.5)
    msg = f"Home Assistant did not finish starting within {TIMEOUT_S:.0f} s"
    raise CheckError(msg)


class CheckError(Exception):
    """One of the boot checks failed."""


def http_get(port: int, path: str, token: str | None) -> tuple[int, bytes]:
    """GET a path from the instance; return the status and the body."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def check_report(report: dict[str, Any]) -> None:
    """Check what the probe saw inside Home Assistant."""
    if "probe_error" in report:
        msg = f"the probe failed: {report['probe_error']}"
        raise CheckError(msg)
    if report["recovery_mode"]:
        msg = "Home Assistant started in recovery mode"
        raise CheckError(msg)
    entries = report["entries"]
    if len(entries) != 1:
        msg = f"expected one {DOMAIN} config entry, found {len(entries)}"
        raise CheckError(msg)
    entry = entries[0]
    if entry["state"] != "loaded":
        msg = f"{DOMAIN} config entry is {entry['state']!r} ({entry['reason']})"
        raise CheckError(msg)
    if len(entry["entities"]) < 2:
        msg = f"expected a predicted-setpoint sensor per develop thermostat: {entry}"
        raise CheckError(msg)
    say(
        f"{DOMAIN} config entry loaded with {len(entry['entities'])} entities: "
        + (", ".join(f"{k}={v}" for k, v in sorted(entry["entities"].items())) or "-")
    )
    if report["descriptions_error"] or report["undescribed_services"]:
        msg = (
            f"action descriptions missing for {report['undescribed_services']} "
            f"({report['descriptions_error']}); is services.yaml complete?"
        )
        raise CheckError(msg)
    say(f"{DOMAIN} actions described: {', '.join(report['services']) or '-'}")


def check_http(port: int, token: str) -> None:
    """Check the REST API and the frontend as a logged-in client."""
    for path in ("/api/", "/api/services", "/api/states", "/"):
        status, body = http_get(port, path, None if path == "/" else token)
        if status != 200:
            snippet = body[:300].decode("utf-8", "replace")
            msg = f"GET {path} answered {status}: {snippet}"
            raise CheckError(msg)
        if path == "/api/states":
            ids = {state["entity_id"] for state in json.loads(body)}
            missing = [e for e in EXPECTED_ENTITIES if e not in ids]
            if missing:
                msg = f"develop entities missing from /api/states: {missing}"
                raise CheckError(msg)
            say(f"GET {path}: 200 ({len(ids)} entities)")
        else:
            say(f"GET {path}: 200")


def stop(proc: subprocess.Popen[bytes]) -> int:
    """Stop Home Assistant with SIGTERM as a service manager would; return its code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            say(
                f"Home Assistant did not stop within {STOP_TIMEOUT_S:.0f} s; killing it"
            )
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def log_records(log: Path) -> list[tuple[str, str, str]]:
    """Return (level, logger, text with traceback) for each record in the log."""
    records: list[tuple[str, str, str]] = []
    if not log.exists():
        return records
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if match := RECORD.match(line):
            records.append((match["level"], match["logger"], line))
        elif records:
            level, logger, text = records[-1]
            records[-1] = (level, logger, f"{text}\n{line}")
    return records


def check_log(log: Path) -> None:
    """Fail on errors that name Cadence and on integrations that failed to set up."""
    bad: list[str] = []
    for level, logger, text in log_records(log):
        if level not in {"WARNING", "ERROR", "CRITICAL"}:
            continue
        first_line = text.splitlines()[0]
        names_us = DOMAIN in text.lower() and "boot_probe" not in logger
        if level != "WARNING" and (names_us or any(m in text for m in FATAL_MARKERS)):
            bad.append(text)
        elif names_us and "has not been tested by Home Assistant" not in text:
            say(f"note: {first_line}")
        elif level != "WARNING":
            say(f"note (not Cadence): {first_line}")
    if bad:
        for text in bad:
            print(text, file=sys.stderr)
        msg = f"{len(bad)} error record(s) in the log name Cadence or a failed setup"
        raise CheckError(msg)


def main() -> int:
    """Run the boot check; return the exit code."""
    if not VENV_PYTHON.exists():
        say("no .venv: run scripts/setup first")
        return 1
    if not (REPO / "custom_components" / DOMAIN / "__init__.py").exists():
        say(f"custom_components/{DOMAIN}/__init__.py does not exist")
        return 1
    config_dir = Path(tempfile.mkdtemp(prefix="cadence-boot-"))
    port = free_port()
    write_config(config_dir, port)
    seed_config_entry(config_dir)
    seed_dashboard(config_dir)
    shots_dir = Path(os.environ.get("BOOT_CHECK_SCREENSHOTS") or config_dir / "shots")
    log = config_dir / "home-assistant.log"
    output = config_dir / "stdout.log"
    say(f"starting Home Assistant in {config_dir} on 127.0.0.1:{port}")
    started = time.monotonic()
    failure: str | None = None
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [
                *(str(VENV_PYTHON), "-m", "homeassistant", "-c", str(config_dir)),
                *("--skip-pip", "--log-no-color"),
            ],
            cwd=config_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            report = wait_for_report(proc, config_dir / "boot_probe.json")
            say(f"Home Assistant started in {time.monotonic() - started:.1f} s")
            check_report(report)
            check_http(port, report["token"])
            for shot in check_card(port, report["token"], shots_dir):
                say(f"screenshot: {shot}")
        except (CheckError, BrowserCheckError) as err:
            failure = str(err)
        finally:
            code = stop(proc)
    if failure is None and code != 0:
        failure = f"Home Assistant exited with code {code} after SIGTERM"
    elif failure is None:
        say("Home Assistant stopped cleanly (exit code 0)")
    try:
        check_log(log)
    except CheckError as err:
        failure = failure or str(err)
    if failure is not None:
        tail = output.read_text(encoding="utf-8", errors="replace").splitlines()[-60:]
        print("\n".join(["----- last lines of Home Assistant's output -----", *tail]))
        say(f"FAILED: {failure}")
    else:
        say("passed")
    if os.environ.get("BOOT_CHECK_KEEP"):
        say(f"kept {config_dir}")
    else:
        shutil.rmtree(config_dir, ignore_errors=True)
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
