"""Replay tests run without Home Assistant: the replay drives the pure-numpy engine."""

from __future__ import annotations

from pathlib import Path
import sys

import pytest

_SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(_SCRIPTS) not in sys.path:
    sys.path.insert(0, str(_SCRIPTS))


@pytest.fixture(autouse=True)
def auto_enable() -> None:
    """Override the Home Assistant tests' autouse fixture: no hass for the replay."""
