"""Offline tools around Cadence's engine: the replay command and the benchmarks.

They drive the very engine the integration runs, `custom_components.cadence.engine`,
without Home Assistant: importing the engine alone must not import the integration's
shell (which needs Home Assistant), so `load_engine` stands in for the package.
"""

from __future__ import annotations

import importlib
from pathlib import Path
import sys
import types

REPO = Path(__file__).resolve().parents[2]


def load_engine() -> types.ModuleType:
    """Return `custom_components.cadence.engine`, importing no Home Assistant code."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    if "custom_components.cadence" not in sys.modules:
        shell = types.ModuleType("custom_components.cadence")
        shell.__path__ = [str(REPO / "custom_components" / "cadence")]
        sys.modules["custom_components.cadence"] = shell
    return importlib.import_module("custom_components.cadence.engine")


load_engine()
