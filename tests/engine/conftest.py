"""Engine tests run without Home Assistant: the engine is pure numpy."""

from __future__ import annotations

import importlib.util
from pathlib import Path
import sys
import types

import pytest

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]
# The repository root for `custom_components`, this folder for the household helper.
for _path in (str(_REPO), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

if importlib.util.find_spec("homeassistant") is None:
    # The integration's __init__ imports Home Assistant; the engine below it does not,
    # so stand in for the package and import only the engine.
    _shell = types.ModuleType("custom_components.cadence")
    _shell.__path__ = [str(_REPO / "custom_components" / "cadence")]
    sys.modules.setdefault("custom_components.cadence", _shell)


@pytest.fixture(autouse=True)
def auto_enable() -> None:
    """Override the Home Assistant tests' autouse fixture: no hass for the engine."""
