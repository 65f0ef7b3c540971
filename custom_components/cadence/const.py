"""Constants for the Cadence integration."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "cadence"
LOGGER = logging.getLogger(__package__)
PLATFORMS: Final = [Platform.SENSOR]

# The one place that names the project's home; manifest.json repeats it for hassfest.
REPOSITORY_URL: Final = "https://github.com/cadence-home/cadence"

# Home-wide options (config entry options).
CONF_OUTDOOR_ENTITY: Final = "outdoor_entity"
CONF_WORKDAY_ENTITY: Final = "workday_entity"
CONF_LEARNING: Final = "learning"

# Zone subentries: one Home Assistant area and the entities learned from in it.
SUBENTRY_ZONE: Final = "zone"
CONF_AREA: Final = "area_id"
CONF_CLIMATE: Final = "climate"
CONF_LIGHTS: Final = "lights"
CONF_MOTION: Final = "motion"
CONF_POWER: Final = "power"
ZONE_ENTITY_KEYS: Final = (CONF_CLIMATE, CONF_LIGHTS, CONF_MOTION, CONF_POWER)
