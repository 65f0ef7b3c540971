"""Constants for the Cadence integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "cadence"
LOGGER = logging.getLogger(__package__)
PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
]
# Fired when an anomaly binary sensor turns on ("started") and off ("ended").
EVENT_ANOMALY: Final = "cadence_anomaly"

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

# How often the coordinator credits held setpoints; history replay ticks the same way.
REFRESH_INTERVAL: Final = timedelta(minutes=5)
# A numeric sensor unhealthy this long is named in a repair issue.
UNHEALTHY_ISSUE_AFTER: Final = timedelta(days=1)

# Learning from history: days of long-term statistics numeric sensors learn from, and
# the bounds of the learn_from_history action's days.
DEFAULT_STATISTICS_DAYS: Final = 60
DEFAULT_HISTORY_DAYS: Final = 10
MAX_HISTORY_DAYS: Final = 365
