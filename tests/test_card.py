"""Tests for the dashboard card: served by Cadence and loaded in every dashboard."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.cadence.card import CARD_URL
from custom_components.cadence.const import DOMAIN

from .conftest import THERMOSTAT
from .test_sensor import set_temperature

WEBSOCKET = "custom_components.cadence.websocket"


async def test_the_card_is_served_and_loaded_with_the_frontend(
    hass: HomeAssistant,
    thermostat: str,
    mock_config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """With the frontend, the card's file is served and every dashboard loads it."""
    assert await async_setup_component(hass, "frontend", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    urls = [u for u in hass.data[DATA_EXTRA_MODULE_URL].urls if u.startswith(CARD_URL)]
    assert len(urls) == 1
    assert urls[0].startswith(f"{CARD_URL}?v=")
    client = await hass_client()
    response = await client.get(urls[0])
    assert response.status == 200
    body = await response.text()
    assert "customElements.define(CARD, CadenceScheduleCard)" in body
    assert "cadence/schedule" in body


async def test_without_the_frontend_no_card_is_served(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A headless Home Assistant (no frontend) sets Cadence up without the card."""
    assert "frontend" not in hass.config.components
    assert DATA_EXTRA_MODULE_URL not in hass.data
    assert hass.config_entries.async_entries(DOMAIN)[0].runtime_data is not None


async def test_the_cards_command_answers_the_week_or_why_not(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """cadence/schedule: the week once learned; before, null and the reason."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "cadence/schedule", "entity_id": THERMOSTAT}
    )
    answer = await client.receive_json()
    assert answer["success"]
    assert answer["result"]["schedule"] is None
    assert answer["result"]["reason"] == "nothing_learned"
    assert "not learned" in answer["result"]["message"]

    # In the card's language when it says one; the server's when that has none.
    asked = {"type": "cadence/schedule", "entity_id": THERMOSTAT}
    await client.send_json_auto_id({**asked, "language": "de"})
    answer = await client.receive_json()
    assert answer["result"]["message"] == (
        f"Cadence hat noch keinen Sollwert temperature von {THERMOSTAT} gelernt; "
        "ändere das Thermostat einmal und versuche es erneut"
    )
    await client.send_json_auto_id({**asked, "language": "xx"})
    english = (await client.receive_json())["result"]["message"]
    assert english.startswith("Cadence has not learned any temperature setpoint")
    broken = {f"component.{DOMAIN}.exceptions.nothing_learned.message": "{oops}"}
    with patch(f"{WEBSOCKET}.async_get_translations", return_value=broken):
        await client.send_json_auto_id({**asked, "language": "nl"})
        assert (await client.receive_json())["result"]["message"] == english
    with patch(f"{WEBSOCKET}.async_get_translations", return_value={}):
        await client.send_json_auto_id({**asked, "language": "nl"})
        assert (await client.receive_json())["result"]["message"] == english

    await set_temperature(hass, 20.5)
    await client.send_json_auto_id(
        {"type": "cadence/schedule", "entity_id": THERMOSTAT, "format": "slots"}
    )
    answer = await client.receive_json()
    assert answer["success"]
    week = answer["result"]["schedule"]
    assert week["format"] == "slots"
    assert week["days"]["monday"][14] == 20.5

    await client.send_json_auto_id({"type": "cadence/schedule"})
    answer = await client.receive_json()
    assert not answer["success"]
    assert answer["error"]["code"] == "invalid_format"
