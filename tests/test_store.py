"""Tests for moving an unreadable state file aside, with and without a file."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant

from custom_components.cadence.store import CadenceStore


async def test_move_aside_keeps_the_unreadable_file(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """An unreadable file is renamed next to itself, not deleted."""
    hass.config.config_dir = str(tmp_path)
    store = CadenceStore(hass, "entry")
    path = Path(store.path)
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 99}')

    moved_to = await store.async_move_aside()

    assert moved_to is not None
    assert not path.exists()
    assert Path(moved_to).read_text() == '{"version": 99}'
    assert Path(moved_to).name.startswith("cadence.entry.corrupt-")


async def test_move_aside_without_a_file(hass: HomeAssistant, tmp_path: Path) -> None:
    """With nothing on disk there is nothing to move, and no error."""
    hass.config.config_dir = str(tmp_path)
    assert await CadenceStore(hass, "entry").async_move_aside() is None
