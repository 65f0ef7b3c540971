"""Tests for reading the recorder's states, windows and attributes."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.cadence.history.reader import _attributes, read_states


async def test_a_window_of_entities_never_recorded_is_empty(
    hass: HomeAssistant,
) -> None:
    """Entities the recorder has no rows of give an empty window, not an error."""
    now = dt_util.utcnow().timestamp()
    rows = await get_instance(hass).async_add_executor_job(
        read_states, hass, ["sensor.never_seen"], frozenset(), now - 3600, now
    )
    assert rows == []


async def test_recorded_attributes_are_read_with_the_state(hass: HomeAssistant) -> None:
    """A detailed entity's attributes come back; a plain one's are left empty."""
    start = dt_util.utcnow().timestamp() - 1
    hass.states.async_set("sensor.power", "40", {"unit_of_measurement": "W"})
    hass.states.async_set("binary_sensor.motion", "on", {"device_class": "motion"})
    await async_wait_recording_done(hass)
    end = dt_util.utcnow().timestamp() + 1
    rows = await get_instance(hass).async_add_executor_job(
        read_states,
        hass,
        ["sensor.power", "binary_sensor.motion"],
        frozenset({"sensor.power"}),
        start,
        end,
    )
    by_id = {row[0]: row for row in rows}
    assert by_id["sensor.power"][2] == {"unit_of_measurement": "W"}
    assert by_id["binary_sensor.motion"][2] == {}


def test_stored_attributes_that_are_not_json_are_empty_and_decoded_once() -> None:
    """A damaged attributes row reads as no attributes; each text is decoded once."""
    cache: dict[str, Any] = {}
    assert _attributes("{not json", cache) == {}
    assert _attributes('{"a": 1}', cache) == {"a": 1}
    assert _attributes('{"a": 1}', cache) is cache['{"a": 1}']
    assert _attributes(None, cache) == {}
