"""The engine stays pure: numpy and the standard library only, in small modules."""

from __future__ import annotations

import ast
from pathlib import Path
import sys

import pytest

ENGINE = (
    Path(__file__).resolve().parents[2] / "custom_components" / "cadence" / "engine"
)
MODULES = sorted(ENGINE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_engine_imports_only_numpy_and_the_standard_library(path: Path) -> None:
    """No Home Assistant, no scikit-learn: the engine must run anywhere numpy does."""
    allowed = set(sys.stdlib_module_names) | {"numpy"}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_engine_modules_stay_small(path: Path) -> None:
    """No engine module grows past about 400 lines."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
