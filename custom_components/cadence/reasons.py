"""The `reason` sentences of the problem sensors, in the home's language.

Each sentence is a template in the translations, under the sensor's
`state_attributes.reason.state`, one per variant ("still", "heat", ...), with
placeholders for the values. Templates are read once per sensor when it is added
(Home Assistant's language then; English where a language lacks one).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN

ENGLISH = "en"


class Reasons:
    """The sentence templates of one detector, by variant, and English ones."""

    def __init__(
        self, templates: dict[str, str], english: dict[str, str] | None = None
    ) -> None:
        """Keep the templates by variant, and English ones to fall back on."""
        self._templates = templates
        self._english = english or {}

    def say(self, variant: str, **values: object) -> str | None:
        """Return the sentence of a variant with its values; None if unknown.

        A template that does not fit the values (a broken translation) gives way
        to the English one.
        """
        given = {k: str(v) for k, v in values.items()}
        for templates in (self._templates, self._english):
            template = templates.get(variant)
            if template is None:
                continue
            try:
                text = template.format(**given)
            except (KeyError, IndexError, ValueError):
                continue
            return " ".join(text.split())  # an empty value (no unit) leaves no gap
        return None


async def async_reasons(hass: HomeAssistant, detector: str) -> Reasons:
    """Return a detector's sentences in Home Assistant's language (English else)."""
    prefix = (
        f"component.{DOMAIN}.entity.binary_sensor.{detector}"
        ".state_attributes.reason.state."
    )
    found: dict[str, dict[str, str]] = {}
    for language in dict.fromkeys((ENGLISH, hass.config.language)):
        strings = await async_get_translations(hass, language, "entity", [DOMAIN])
        found[language] = {
            key.removeprefix(prefix): text
            for key, text in strings.items()
            if key.startswith(prefix)
        }
    return Reasons(found[hass.config.language], found[ENGLISH])
