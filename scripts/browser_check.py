"""Check Cadence's dashboard card in a real browser against a running Home Assistant.

scripts/boot_check calls `check_card` once Home Assistant has started with the
develop configuration, a Cadence entry and the dashboard `seed_dashboard` wrote.
Debian's Chromium (/usr/bin/chromium, or $CADENCE_CHROMIUM) is driven headless by
Playwright (from PyPI; no browser download). Steps:

1. A person chooses a setpoint on the living-room thermostat (through the REST API,
   so the change carries a user) and `cadence.get_schedule` answers the week.
2. For English and German (the browser's language, which Home Assistant follows):
   the dashboard is opened as the logged-in user; the card picker's list
   (`window.customCards`) offers the card under its translated name; the card for
   the living room draws seven days whose changes are exactly the action's answer
   and whose day names are in that language; the card for the bedroom thermostat,
   which has learned nothing, says so in that language. Today's part draws the
   learned and the actual curve, 48 half hours of occupancy ahead and a row per
   alert sensor; axis times are 12-hour in English, 24-hour in German; a clicked
   bar is told in the detail line. Then the card is added as
   a person adds it: edit the dashboard, Add card, search "Cadence", pick the card
   (its translated name), save; the new card must draw a week. Screenshots of each
   card, the picker and the editor are written to the screenshot folder.
3. On a phone-width (390 px) touch screen in the dark theme: the card fits and is
   dark, and a tapped half hour is told in the detail line; a screenshot.
4. Cadence's page under Settings offers "Add zone"; a screenshot.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import os
from pathlib import Path
import tempfile
import time
from typing import Any
import urllib.error
import urllib.request

CARD = "cadence-schedule-card"
LEARNED = "climate.living_room_thermostat"
UNLEARNED = "climate.bedroom_thermostat"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# What each language must show: the card picker's name, Monday's short name, the
# message of a thermostat that has learned nothing, and the editor's save button.
LANGUAGES = {
    "en": ("Cadence schedule", "Mon", "Nothing learned yet", "Save"),
    "de": ("Cadence-Zeitplan", "Mo", "Noch nichts gelernt", "Speichern"),
}
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
TIMEOUT_MS = 60_000


class BrowserCheckError(Exception):
    """The card did not show what it must."""


def seed_dashboard(config_dir: Path) -> None:
    """Write onboarding as done and a default dashboard with two Cadence cards."""
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    onboarding = {
        "version": 4,
        "minor_version": 1,
        "key": "onboarding",
        "data": {"done": ["user", "core_config", "analytics", "integration"]},
    }
    (storage / "onboarding").write_text(json.dumps(onboarding), encoding="utf-8")
    cards = [
        {"type": f"custom:{CARD}", "entity": LEARNED, "zone": "living_room"},
        {"type": f"custom:{CARD}", "entity": UNLEARNED},
    ]
    lovelace = {
        "version": 1,
        "minor_version": 1,
        "key": "lovelace",
        "data": {"config": {"views": [{"title": "Home", "cards": cards}]}},
    }
    (storage / "lovelace").write_text(json.dumps(lovelace), encoding="utf-8")


def _api(port: int, token: str, path: str, data: dict[str, Any] | None = None) -> Any:
    """Ask the REST API as the logged-in user (POST with data, else GET); return JSON."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=None if data is None else json.dumps(data).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        method="GET" if data is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def _learned_week(port: int, token: str) -> dict[str, Any]:
    """Choose a setpoint as a person; return the week get_schedule answers then."""
    _api(
        port,
        token,
        "/api/services/climate/set_temperature",
        {"entity_id": LEARNED, "temperature": 21.5},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            answer = _api(
                port,
                token,
                "/api/services/cadence/get_schedule?return_response",
                {"entity_id": LEARNED},
            )
        except urllib.error.HTTPError as err:
            if time.monotonic() > deadline:
                msg = f"get_schedule kept failing after a person's change: {err}"
                raise BrowserCheckError(msg) from err
            time.sleep(0.5)
        else:
            week: dict[str, Any] = answer["service_response"]
            return week


def _login_script(token: str) -> str:
    """Return a script that stores the access token as the frontend keeps it."""
    tokens = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "",
    }
    return (
        "const t = " + json.dumps(tokens) + ";"
        "t.hassUrl = location.origin; t.clientId = location.origin + '/';"
        "t.expires = Date.now() + 3600 * 1000;"
        "localStorage.setItem('hassTokens', JSON.stringify(t));"
    )


# Reads what every Cadence card on the page draws: its thermostat, text, days.
CARDS = (
    "() => [...deepAll(document, '" + CARD + "')].filter(c => c.isConnected"
    " && c.offsetParent !== null).map(card => { const root = card.shadowRoot;"
    " return {entity: card._config && card._config.entity, text: root.textContent,"
    "  days: [...root.querySelectorAll('.day[data-day]')].map(d => ({"
    "   day: d.dataset.day, name: d.querySelector('.name').textContent,"
    "   changes: [...d.querySelectorAll('.segment')].map(s => ({"
    "    start: s.dataset.start, setpoint: Number(s.dataset.setpoint)}))})),"
    "  occupancy: root.querySelectorAll('.presence').length,"
    "  curve: ['learned', 'actual'].filter(k => (root.querySelector("
    "   '.curve path.' + k) || {getAttribute: () => ''}).getAttribute('d')),"
    "  slots: root.querySelectorAll('.next-day .slot').length,"
    "  alerts: root.querySelectorAll('.alert-row').length,"
    "  ticks: [...root.querySelectorAll('.week .ticks span')].map(t => t.textContent),"
    "  detail: (root.querySelector('.detail') || {}).textContent}; })"
)
# 12-hour clocks in English (the language's own), 24-hour in German.
TWELVE_HOUR = {"en": True, "de": False}


def _card_of(page: Any, entity_id: str) -> dict[str, Any] | None:
    """Return what the first shown card of a thermostat draws, None if none."""
    cards: list[dict[str, Any]] = page.evaluate(CARDS)
    return next((card for card in cards if card["entity"] == entity_id), None)


# Finds elements through every open shadow root (Home Assistant nests many).
DEEP_ALL = """
window.deepAll = function* (root, selector) {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    const scope = node.shadowRoot || node;
    for (const found of scope.querySelectorAll(selector)) yield found;
    for (const child of scope.querySelectorAll('*')) {
      if (child.shadowRoot) stack.push(child);
    }
  }
};
"""


def _wait(page: Any, probe: Callable[[], Any], what: str) -> Any:
    """Poll a check on the page until it returns something truthy."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        page.wait_for_timeout(250)
    shot = Path(tempfile.gettempdir()) / "browser_check-failure.png"
    page.screenshot(path=str(shot))
    msg = f"timed out waiting for {what} (the page as it was: {shot})"
    raise BrowserCheckError(msg)


def _check_language(
    browser: Any, port: int, token: str, language: str, week: dict[str, Any], out: Path
) -> list[Path]:
    """Open the dashboard in one language and check both cards; return screenshots."""
    picker_name, monday, nothing, save = LANGUAGES[language]
    context = browser.new_context(
        locale=language, viewport={"width": 1100, "height": 900}
    )
    context.add_init_script(_login_script(token) + DEEP_ALL)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"http://127.0.0.1:{port}/lovelace/0", wait_until="load")
    learned = _wait(
        page,
        lambda: (s := _card_of(page, LEARNED)) and s["days"] and s["slots"] and s,
        f"the living-room card to draw the week and today ({language})",
    )
    _wait(
        page,
        lambda: (s := _card_of(page, UNLEARNED)) and nothing in s["text"] and s,
        f"the bedroom card to say it has learned nothing ({language})",
    )
    if errors:
        msg = f"the page raised errors ({language}): {errors}"
        raise BrowserCheckError(msg)
    drawn = {d["day"]: d["changes"] for d in learned["days"]}
    if sum(len(changes) for changes in drawn.values()) < 14:
        msg = f"a fortnight of routine should draw changes on each day: {drawn}"
        raise BrowserCheckError(msg)
    expected = {
        day: [
            {"start": c["start"], "setpoint": c["setpoint"]} for c in week["days"][day]
        ]
        for day in DAYS
    }
    if drawn != expected:
        msg = f"the card draws {drawn}, get_schedule answers {expected}"
        raise BrowserCheckError(msg)
    _check_today(page, learned, language)
    names = [d["name"] for d in learned["days"]]
    if names[0].rstrip(".") != monday:
        msg = f"day names are not in {language}: {names}"
        raise BrowserCheckError(msg)
    picker = page.evaluate(
        "() => (window.customCards || []).map(c => [c.type, c.name])"
    )
    if [CARD, picker_name] not in picker:
        msg = f"the card picker does not offer {picker_name!r} ({language}): {picker}"
        raise BrowserCheckError(msg)
    shots = []
    for index, entity_id in enumerate((LEARNED, UNLEARNED)):
        path = out / f"card-{language}-{index + 1}.png"
        page.locator(f"{CARD}[data-entity='{entity_id}']").first.screenshot(
            path=str(path)
        )
        shots.append(path)
    shots += _add_from_the_picker(page, (picker_name, save), language, out)
    print(
        f"browser_check: {language}: card picker offers {picker_name!r}; the week "
        f"({sum(len(c) for c in drawn.values())} changes, days {names[0]}..{names[-1]}) "
        f"matches get_schedule; the unlearned thermostat says {nothing!r}; "
        f"occupancy strips: {learned['occupancy']}; today: curves {learned['curve']}, "
        f"{learned['slots']} half hours ahead, {learned['alerts']} alert rows; "
        f"clock {learned['ticks'][1]!r}",
        flush=True,
    )
    context.close()
    return shots


def _check_today(page: Any, card: dict[str, Any], language: str) -> None:
    """Today's curves, 48 half hours ahead, the alert rows; clocks; tap details."""
    if card["curve"] != ["learned", "actual"] or card["slots"] != 48:
        msg = f"today should draw both curves and 48 half hours ({language}): {card}"
        raise BrowserCheckError(msg)
    if card["alerts"] < 2:
        msg = f"the zone's alert sensors and the home's should have rows: {card}"
        raise BrowserCheckError(msg)
    twelve = any("AM" in t or "PM" in t for t in card["ticks"])
    if twelve != TWELVE_HOUR[language]:
        msg = f"clock times in {language} read {card['ticks']}"
        raise BrowserCheckError(msg)
    _tap(page, ".segment", 1, touch=False)


def _tap(page: Any, selector: str, index: int, *, touch: bool) -> str:
    """Tap (or click) a part of the living-room card; its detail line must tell it."""
    shown = page.locator(f"{CARD}[data-entity='{LEARNED}']").first
    part = shown.locator(selector).nth(index)
    if touch:
        part.tap()
    else:
        part.click()
    told: str = part.get_attribute("data-detail")
    _wait(
        page,
        lambda: (_card_of(page, LEARNED) or {}).get("detail") == told,
        f"the detail line to say {told!r} after a tap on {selector}",
    )
    return told


def check_phone(browser: Any, token: str, port: int, out: Path) -> Path:
    """Open the card on a phone-width touch screen in the dark theme; tap; shoot."""
    context = browser.new_context(
        locale="en",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        color_scheme="dark",
    )
    context.add_init_script(
        _login_script(token) + DEEP_ALL + "localStorage.setItem('selectedTheme',"
        " JSON.stringify({theme: 'default', dark: true}));"
    )
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/lovelace/0", wait_until="load")
    _wait(
        page,
        lambda: (s := _card_of(page, LEARNED)) and s["slots"] and s,
        "the card to draw on a phone",
    )
    told = _tap(page, ".next-day .slot", 38, touch=True)
    looks = page.evaluate(
        "() => { const card = [...deepAll(document, '" + CARD + "')][0];"
        " const box = card.getBoundingClientRect();"
        " const bg = getComputedStyle(card.shadowRoot.querySelector('ha-card'))"
        ".backgroundColor.match(/[0-9.]+/g).map(Number);"
        " return {right: box.right, light: (bg[0] + bg[1] + bg[2]) / 765}; }"
    )
    if looks["right"] > 390 or looks["light"] > 0.35:
        msg = f"on a dark phone the card should fit 390 px and be dark: {looks}"
        raise BrowserCheckError(msg)
    path = out / "card-phone-dark-en.png"
    page.locator(f"{CARD}[data-entity='{LEARNED}']").first.screenshot(path=str(path))
    print(
        f"browser_check: phone (390 px, touch, dark theme): the card fits "
        f"(right edge {looks['right']:.0f} px, background lightness "
        f"{looks['light']:.2f}); a tapped half hour says {told!r}",
        flush=True,
    )
    context.close()
    return path


def _add_from_the_picker(
    page: Any, names: tuple[str, str], language: str, out: Path
) -> list[Path]:
    """Add the card as a person does: edit, Add card, search, pick, save.

    Passes when the dashboard then holds one more Cadence card, which draws the
    week of the thermostat the picker chose for it.
    """
    picker_name, save = names
    cards_before = page.evaluate(CARDS)
    before = len(cards_before)
    drawing = sum(bool(card["days"]) for card in cards_before)
    page.goto(page.url.split("?")[0] + "?edit=1", wait_until="load")
    page.locator("ha-fab").first.click()
    page.locator("hui-card-picker input").first.fill("Cadence")
    choice = page.locator("hui-card-picker .card", has_text=picker_name).first
    choice.wait_for(timeout=TIMEOUT_MS)
    picker_shot = out / f"card-picker-{language}.png"
    page.wait_for_timeout(500)  # let the preview draw
    page.screenshot(path=str(picker_shot))
    choice.click()
    save_button = page.get_by_role("button", name=save, exact=True)
    save_button.wait_for(timeout=TIMEOUT_MS)
    editor_shot = out / f"card-editor-{language}.png"
    page.wait_for_timeout(500)
    page.screenshot(path=str(editor_shot))
    save_button.click()
    save_button.wait_for(state="detached", timeout=TIMEOUT_MS)
    # Read the saved dashboard afresh, out of edit mode and without the dialogs.
    page.goto(page.url.split("?")[0], wait_until="load")
    _wait(
        page,
        # The new card (the picker chose the living room) draws a week too.
        lambda: (
            len(cards := page.evaluate(CARDS)) == before + 1
            and sum(bool(card["days"]) for card in cards) == drawing + 1
        ),
        f"the card added from the picker to draw a week ({language})",
    )
    print(
        f"browser_check: {language}: added from the card picker (search 'Cadence', "
        f"pick {picker_name!r}, {save!r}): {before} -> {before + 1} cards",
        flush=True,
    )
    return [picker_shot, editor_shot]


# What onboarding's "Home location" step sends (the frontend's own call, with the
# values a US-English browser without location detection gets).
ONBOARDING_HOME = (
    "() => document.querySelector('home-assistant').hass.callWS({"
    " type: 'config/core/update', location_name: 'Home', latitude: 40.7,"
    " longitude: -74.0, elevation: 0, unit_system: 'us_customary',"
    " time_zone: 'UTC', currency: 'USD', country: 'US', language: 'en'})"
)


def _check_home_kept(browser: Any, port: int, token: str) -> None:
    """Store a home location as onboarding does; the demo must keep its own."""
    context = browser.new_context(locale="en-US")
    context.add_init_script(_login_script(token))
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/lovelace/0", wait_until="load")
    _wait(
        page,
        lambda: page.evaluate(
            "() => !!(document.querySelector('home-assistant')||{}).hass"
        ),
        "the frontend to connect",
    )
    page.evaluate(ONBOARDING_HOME)
    context.close()
    deadline = time.monotonic() + 15
    while True:
        config = _api(port, token, "/api/config")
        kept = (
            config["unit_system"]["temperature"],
            config["time_zone"],
            config["country"],
        )
        if kept == ("°C", "Europe/Berlin", "DE"):
            break
        if time.monotonic() > deadline:
            msg = f"after onboarding's location step the demo home is {kept}"
            raise BrowserCheckError(msg)
        time.sleep(0.3)
    print(
        "browser_check: onboarding's location step stored °F/UTC/US;"
        " the demo home stayed °C, Europe/Berlin, DE",
        flush=True,
    )


def shoot_integration_page(browser: Any, port: int, token: str, out: Path) -> Path:
    """Open Cadence's page under Settings as a person does; it must offer Add zone."""
    context = browser.new_context(locale="en", viewport={"width": 1100, "height": 800})
    context.add_init_script(_login_script(token) + DEEP_ALL)
    page = context.new_page()
    page.goto(
        f"http://127.0.0.1:{port}/config/integrations/integration/cadence",
        wait_until="load",
    )
    _wait(
        page,
        lambda: page.evaluate(
            "() => [...deepAll(document, 'ha-button')].some("
            "b => b.textContent.includes('Add zone'))"
        ),
        "Cadence's integration page to offer Add zone",
    )
    page.wait_for_timeout(500)
    path = out / "integration-page-en.png"
    page.screenshot(path=str(path))
    print("browser_check: Cadence's integration page offers 'Add zone'", flush=True)
    context.close()
    return path


def check_card(port: int, token: str, out: Path) -> list[Path]:
    """Run the browser check; return the screenshots written."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    chromium = os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        msg = f"no Chromium at {chromium} (apt-get install chromium, or set CADENCE_CHROMIUM)"
        raise BrowserCheckError(msg)
    out.mkdir(parents=True, exist_ok=True)
    week = _learned_week(port, token)
    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS)
        )
        try:
            for language in LANGUAGES:
                shots += _check_language(browser, port, token, language, week, out)
            shots.append(check_phone(browser, token, port, out))
            shots.append(shoot_integration_page(browser, port, token, out))
            _check_home_kept(browser, port, token)
        finally:
            browser.close()
    return shots
