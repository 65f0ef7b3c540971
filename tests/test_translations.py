"""Tests that every translation matches the English source string for string.

English (en.json) is the only source of truth: every other translation file must
have exactly its keys, the same placeholders in every string, and no empty value.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

TRANSLATIONS = (
    Path(__file__).parent.parent / "custom_components" / "cadence" / "translations"
)
ENGLISH = TRANSLATIONS / "en.json"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The languages Cadence ships besides English, each complete.
EXPECTED_LANGUAGES = ("de", "fr", "nl", "es")


def _translation_files() -> list[Path]:
    """Return every translation file other than the English source, by name."""
    return sorted(path for path in TRANSLATIONS.glob("*.json") if path != ENGLISH)


def _load(path: Path) -> dict[str, Any]:
    """Read one translation file as JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a JSON object"
    return data


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Map every leaf of a nested translation to its dotted key path."""
    if not isinstance(node, dict):
        return {prefix: node}
    flat: dict[str, Any] = {}
    for key, value in node.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else key))
    return flat


def _placeholders(text: str) -> set[str]:
    """Return the names of the {placeholders} in one string."""
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(name="english", scope="module")
def english_fixture() -> dict[str, Any]:
    """Return the English source, flattened to key paths."""
    return _flatten(_load(ENGLISH))


def test_translation_files_exist() -> None:
    """The English source exists, and so does at least one translation."""
    assert ENGLISH.is_file()
    assert _translation_files(), "no translation besides en.json"


@pytest.mark.parametrize("language", EXPECTED_LANGUAGES)
def test_every_shipped_language_is_there(language: str) -> None:
    """German, French, Dutch and Spanish each have a file, a JSON object."""
    path = TRANSLATIONS / f"{language}.json"
    assert path.is_file(), f"{path.name} is missing"
    assert _load(path)


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.stem)
def test_keys_match_english(path: Path, english: dict[str, Any]) -> None:
    """A translation has exactly the key paths of the English source."""
    translated = _flatten(_load(path))
    missing = sorted(english.keys() - translated.keys())
    extra = sorted(translated.keys() - english.keys())
    assert (missing, extra) == ([], []), (
        f"{path.name}: missing {missing or 'none'}; extra {extra or 'none'}"
    )


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.stem)
def test_strings_are_translated(path: Path, english: dict[str, Any]) -> None:
    """Where English has a string, a translation has a non-empty string."""
    translated = _flatten(_load(path))
    problems = [
        key
        for key, source in english.items()
        if isinstance(source, str)
        and key in translated
        and not (isinstance(translated[key], str) and translated[key].strip())
    ]
    assert not problems, f"{path.name}: empty or non-string values at {problems}"


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.stem)
def test_placeholders_match_english(path: Path, english: dict[str, Any]) -> None:
    """Every translated string has the same placeholders as its English string."""
    translated = _flatten(_load(path))
    problems = [
        f"{key}: expected {sorted(_placeholders(source))}, "
        f"got {sorted(_placeholders(translated[key]))}"
        for key, source in english.items()
        if isinstance(source, str)
        and isinstance(translated.get(key), str)
        and _placeholders(source) != _placeholders(translated[key])
    ]
    assert not problems, f"{path.name}: placeholders differ: {problems}"
