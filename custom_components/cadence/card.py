"""The dashboard card: served by Cadence itself and listed in the card picker."""

from __future__ import annotations

import hashlib
from pathlib import Path

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import DOMAIN

CARD_FILE = Path(__file__).parent / "www" / "cadence-schedule-card.js"
CARD_URL = f"/{DOMAIN}/cadence-schedule-card.js"


async def async_register_card(hass: HomeAssistant) -> str | None:
    """Serve the card and load it in every dashboard; return its URL.

    Nothing to do without the frontend (a headless setup): the card is only
    served where a dashboard can show it. The URL carries a digest of the file, so
    a browser takes the new card after an upgrade and caches it until then.
    """
    if hass.http is None or "frontend" not in hass.config.components:
        return None
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=True)]
    )
    digest = await hass.async_add_executor_job(_digest)
    url = f"{CARD_URL}?v={digest}"
    add_extra_js_url(hass, url)
    return url


def _digest() -> str:
    """Return a short digest of the card's file (read in an executor)."""
    return hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]
