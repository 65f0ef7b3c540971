"""Tests for learning from the recorder's history, through a real recorder."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import area_registry as ar, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.cadence.const import DOMAIN
from custom_components.cadence.engine import ThermostatChannel
from custom_components.cadence.history.run import HistoryRun

from .conftest import (
    MOTION,
    PERSON,
    STORAGE_KEY,
    THERMOSTAT,
    stored_file,
    zone_subentry,
)

POWER = "sensor.living_room_power"
STATUS = "sensor.living_room_learning_from_history"
SENSOR = "sensor.living_room_living_room_predicted_setpoint"
NOW = datetime.fromisoformat("2026-11-23T12:00:00+01:00")
AUTOMATION = Context(parent_id="01AUTOMATIONRUNCONTEXT0000")


def _thermostat(hass: HomeAssistant, setpoint: float, context: Context) -> None:
    """Write a thermostat state."""
    hass.states.async_set(
        THERMOSTAT,
        "heat",
        {
            "temperature": setpoint,
            "min_temp": 7,
            "max_temp": 30,
            "supported_features": 1,
        },
        context=context,
    )


async def _write_week(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> int:
    """Record a week of a household: 21 °C at 07:00, 17 °C at 22:00, by a person.

    An automation sets 30 °C at noon each day, which must not be learned. Return the
    number of thermostat states written.
    """
    written = 0
    for day in range(7, 0, -1):
        morning = (NOW - timedelta(days=day)).replace(hour=7, minute=0)
        for when, setpoint, context in (
            (morning, 21.0, PERSON),
            (morning.replace(hour=12), 30.0, AUTOMATION),
            (morning.replace(hour=13), 21.0, PERSON),
            (morning.replace(hour=22), 17.0, PERSON),
        ):
            freezer.move_to(when)
            _thermostat(hass, setpoint, context)
            hass.states.async_set(MOTION, "on" if setpoint > 20 else "off")
            written += 1
        await async_wait_recording_done(hass)
    freezer.move_to(NOW)
    return written


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and let its first learning from history finish."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_states_written_in_the_past_are_learned(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A week of history gives predictions the moment the zone is added."""
    freezer.move_to(NOW - timedelta(days=8))
    hass.states.async_set(MOTION, "off")
    written = await _write_week(hass, freezer)
    await _setup(hass, mock_config_entry)

    coordinator = mock_config_entry.runtime_data
    model = coordinator.thermostat(THERMOSTAT).learners["temperature"].model
    # The morning choice is predicted for mornings, the automation's 30 °C never.
    morning = coordinator.planning(coordinator.home.zones[0], NOW.replace(hour=8))
    prediction = model.predict(morning)
    assert prediction is not None
    assert prediction.value_c == pytest.approx(21.0, abs=0.3)
    night = coordinator.planning(coordinator.home.zones[0], NOW.replace(hour=23))
    assert model.predict(night).value_c == pytest.approx(17.0, abs=0.3)
    assert max(max(day) for day in model.schedule(NOW)) < 25
    state = hass.states.get(STATUS)
    assert state.state == "done"
    assert state.attributes["progress"] == 100
    assert state.attributes["states"] >= written
    # Learned from the oldest change found (8 days ago), not the 10-day window.
    found = datetime.fromisoformat(state.attributes["learned_from"])
    window = datetime.fromisoformat(state.attributes["window_from"])
    assert window == NOW - timedelta(days=10)
    assert NOW - timedelta(days=8, minutes=1) <= found <= NOW - timedelta(days=7)
    assert hass.states.get(SENSOR).state != "unavailable"


async def test_seam_learns_each_change_exactly_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A change just before the seam comes from history, one just after live."""
    freezer.move_to(NOW - timedelta(days=1))
    _thermostat(hass, 19.0, PERSON)
    freezer.move_to(NOW - timedelta(seconds=1))
    _thermostat(hass, 20.0, PERSON)  # just before the seam
    await async_wait_recording_done(hass)
    freezer.move_to(NOW)

    seen: list[tuple[datetime, Any]] = []
    original = ThermostatChannel.on_state

    def spy(
        self: ThermostatChannel, x: Any, entity_id: str, new: Any, *args: Any
    ) -> Any:
        if new is not None and new.attributes.get("temperature") is not None:
            seen.append((x.when, new.attributes["temperature"]))
        return original(self, x, entity_id, new, *args)

    with patch.object(ThermostatChannel, "on_state", spy):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        freezer.tick(1)
        _thermostat(hass, 22.0, PERSON)  # just after the seam, during the run
        await hass.async_block_till_done(wait_background_tasks=True)

    assert [value for _, value in seen] == [19.0, 20.0, 22.0]
    assert [when for when, _ in seen] == sorted(when for when, _ in seen)
    learner = mock_config_entry.runtime_data.thermostat(THERMOSTAT).learners[
        "temperature"
    ]
    assert learner.held_c == 22.0
    assert learner.since == NOW + timedelta(seconds=1)


async def test_statistics_are_read_for_numeric_sensors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    living_room: ar.AreaEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Power sensors read hourly statistics older than the state history."""
    freezer.move_to(NOW - timedelta(days=2))
    hass.states.async_set(POWER, "120", {"unit_of_measurement": "W"})
    _thermostat(hass, 20.0, PERSON)
    await async_wait_recording_done(hass)
    start = (NOW - timedelta(days=40)).replace(minute=0)
    async_import_statistics(
        hass,
        {
            "mean_type": StatisticMeanType.ARITHMETIC,
            "has_sum": False,
            "name": "Power",
            "source": "recorder",
            "statistic_id": POWER,
            "unit_class": "power",
            "unit_of_measurement": "W",
        },
        [
            {
                "start": start + timedelta(hours=h),
                "mean": 100.0,
                "min": 50.0,
                "max": 200.0,
            }
            for h in range(48)
        ],
    )
    await async_wait_recording_done(hass)
    freezer.move_to(NOW)
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={"learning": True},
        entry_id="01CADENCEENTRY",
        subentries_data=[zone_subentry(living_room.id, [THERMOSTAT], power=[POWER])],
    )
    await _setup(hass, entry)
    consumer = MagicMock()
    entry.runtime_data.history.statistics_consumer = consumer

    response = await hass.services.async_call(
        DOMAIN,
        "learn_from_history",
        {"zone": living_room.id, "days": 3, "statistics_days": 60},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    assert response["statistics"] == {POWER: 48}
    assert response["entities"] == {POWER: 1, THERMOSTAT: 1}
    # Hours arrive oldest first, a window of the database at a time.
    hours = [hour for call in consumer.call_args_list for hour in call.args[1]]
    assert {call.args[0] for call in consumer.call_args_list} == {POWER}
    assert len(hours) == 48
    assert hours == sorted(hours, key=lambda hour: hour.start)
    assert hours[0].start == start
    assert (hours[0].mean, hours[0].min, hours[0].max) == (100.0, 50.0, 200.0)
    assert response["seconds"] >= 0
    assert {**response, "seconds": "<seconds>"} == snapshot


@pytest.mark.parametrize("recorder_config", [{"exclude": {"entities": [MOTION]}}])
async def test_entities_without_history_raise_repair_issues(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    living_room: ar.AreaEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Excluded and never-recorded entities are reported; the rest is learned."""
    freezer.move_to(NOW - timedelta(days=1))
    hass.states.async_set(MOTION, "on")
    _thermostat(hass, 20.0, PERSON)
    freezer.move_to(NOW - timedelta(hours=20))
    _thermostat(hass, 21.0, PERSON)
    await async_wait_recording_done(hass)
    freezer.move_to(NOW)
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={"learning": True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(living_room.id, [THERMOSTAT], motion=[MOTION], power=[POWER])
        ],
    )
    await _setup(hass, entry)

    excluded = issue_registry.async_get_issue(DOMAIN, f"history_{MOTION}")
    assert excluded is not None
    assert excluded.translation_key == "excluded_from_recorder"
    assert excluded.translation_placeholders == {
        "entity_id": MOTION,
        "zone": "Living room",
    }
    missing = issue_registry.async_get_issue(DOMAIN, f"history_{POWER}")
    assert missing is not None
    assert missing.translation_key == "no_history"
    learner = entry.runtime_data.thermostat(THERMOSTAT).learners["temperature"]
    assert learner.held_c == 21.0
    assert learner.model.samples > 0
    assert hass.states.get(STATUS).attributes["without_history"] == [MOTION, POWER]

    # Once the entity has history, learning again clears its issue.
    hass.states.async_set(POWER, "100")
    await async_wait_recording_done(hass)
    await hass.services.async_call(
        DOMAIN, "learn_from_history", {}, blocking=True, return_response=True
    )
    assert issue_registry.async_get_issue(DOMAIN, f"history_{POWER}") is None


async def _never(self: HistoryRun) -> Any:
    """Stand in for a run that takes forever."""
    await asyncio.Event().wait()


async def test_unload_cancels_learning_and_keeps_state_consistent(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Unloading mid-run keeps what was learned before plus the live changes."""
    with patch.object(HistoryRun, "async_run", _never):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(STATUS).state == "learning"
        _thermostat(hass, 19.0, PERSON)
        await hass.async_block_till_done()
        _thermostat(hass, 21.5, PERSON)  # held back while the run is under way
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)

    assert mock_config_entry.state is ConfigEntryState.NOT_LOADED
    data = hass_storage[STORAGE_KEY]["data"]
    assert data["history"] == {
        "01ZONELIVING": {"until": None, "thermostats": [], "last": None}
    }
    learner = data["thermostats"][THERMOSTAT]["temperature"]
    assert learner["held_c"] == 21.5
    assert learner["source"] == "person"


async def test_stopping_home_assistant_cancels_learning(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Home Assistant stopping cancels a run before the recorder stops."""
    with patch.object(HistoryRun, "async_run", _never):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        coordinator = mock_config_entry.runtime_data
        assert coordinator.history.running
        hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
        await hass.async_block_till_done()
    assert not coordinator.history.running
    assert hass.states.get(STATUS).state == "pending"


async def test_saved_state_without_history_is_not_relearned(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A state saved before history learning existed counts as learned."""
    hass_storage[STORAGE_KEY] = stored_file({"thermostats": {}}, minor_version=1)
    with patch.object(HistoryRun, "async_run") as run:
        await _setup(hass, mock_config_entry)
    run.assert_not_called()
    state = hass.states.get(STATUS)
    assert state.state == "done"
    assert state.attributes["progress"] == 100  # done is 100 %, also after a restart


async def test_thermostat_added_to_a_learned_zone_learns_its_history(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    living_room: ar.AreaEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Only the thermostat new to the zone learns from history, and then counts as done."""
    freezer.move_to(NOW - timedelta(days=8))
    await _write_week(hass, freezer)
    hass_storage[STORAGE_KEY] = stored_file(
        {
            "thermostats": {},
            "history": {
                "01ZONELIVING": {
                    "until": (NOW - timedelta(days=30)).isoformat(),
                    "thermostats": ["climate.hall", "climate.removed"],
                }
            },
        },
        minor_version=3,
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        options={"learning": True},
        entry_id="01CADENCEENTRY",
        subentries_data=[
            zone_subentry(living_room.id, ["climate.hall", THERMOSTAT], motion=[MOTION])
        ],
    )
    await _setup(hass, entry)

    coordinator = entry.runtime_data
    history = coordinator.history.standing["01ZONELIVING"]
    assert history.last is not None
    assert THERMOSTAT in history.last["entities"]
    # Had the whole zone been relearned, the hall's missing history would show here.
    assert history.last["without_history"] == {}
    assert history.thermostats == {"climate.hall", THERMOSTAT}
    model = coordinator.thermostat(THERMOSTAT).learners["temperature"].model
    morning = coordinator.planning(coordinator.home.zones[0], NOW.replace(hour=8))
    assert model.predict(morning).value_c == pytest.approx(21.0, abs=0.3)

    await hass.config_entries.async_unload(entry.entry_id)
    saved = hass_storage[STORAGE_KEY]["data"]["history"]["01ZONELIVING"]
    assert saved["thermostats"] == sorted(["climate.hall", THERMOSTAT])
    with patch.object(HistoryRun, "async_run") as run:
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    run.assert_not_called()


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ({"01ZONELIVING": {"until": "2026-11-01T00:00:00+00:00"}}, "done"),
        ({"01ZONELIVING": {"until": "yesterday"}}, "unreadable"),
        (
            {"01ZONELIVING": {"until": "2026-11-01T00:00:00+00:00", "thermostats": 1}},
            "unreadable",
        ),
        (["not", "an", "object"], "unreadable"),
    ],
)
async def test_saved_history_is_read(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    history: Any,
    expected: str,
) -> None:
    """A zone learned from history is not learned again; a bad record is refused."""
    hass_storage[STORAGE_KEY] = stored_file(
        {"thermostats": {}, "history": history}, minor_version=2
    )
    await _setup(hass, mock_config_entry)
    unreadable = issue_registry.async_get_issue(
        DOMAIN, "unreadable_state_01CADENCEENTRY"
    )
    if expected == "done":
        assert hass.states.get(STATUS).state == "done"
        assert unreadable is None
        # Kept from before Cadence counted them: the zone's thermostats count as learned.
        history = mock_config_entry.runtime_data.history.standing["01ZONELIVING"]
        assert history.thermostats == {THERMOSTAT}
    else:
        assert unreadable is not None


@pytest.mark.parametrize(
    ("data", "key"),
    [({"zone": "no_such_area"}, "zone_not_found"), ({"days": 0}, None)],
)
async def test_learn_from_history_refuses_bad_input(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str | None,
) -> None:
    """A caller's mistake is a translated validation error."""
    await _setup(hass, mock_config_entry)
    with pytest.raises((ServiceValidationError, Exception)) as err:
        await hass.services.async_call(
            DOMAIN, "learn_from_history", data, blocking=True, return_response=True
        )
    if key is not None:
        assert isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == key


async def test_learn_from_history_when_learning_is_off(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """With learning off nothing is learned from history either."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={"learning": False}
    )
    with patch.object(HistoryRun, "async_run") as run:
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    run.assert_not_called()
    assert hass.states.get(STATUS).state == "pending"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "learn_from_history", {}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "learning_off"


async def test_learn_from_history_one_run_at_a_time(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A second run while one is under way is refused; a cancelled one is said so."""
    with patch.object(HistoryRun, "async_run", _never):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "learn_from_history", {}, blocking=True, return_response=True
            )
        assert err.value.translation_key == "already_learning"
        await mock_config_entry.runtime_data.history.async_stop()

        call = hass.async_create_task(
            hass.services.async_call(
                DOMAIN, "learn_from_history", {}, blocking=True, return_response=True
            )
        )
        coordinator = mock_config_entry.runtime_data
        for _ in range(10):  # the call reaches the coordinator within a few steps
            await asyncio.sleep(0)
        assert coordinator.history.running
        await coordinator.history.async_stop()
        with pytest.raises(HomeAssistantError) as cancelled:
            await call
        assert cancelled.value.translation_key == "learning_cancelled"


async def test_learn_from_history_failure_is_reported(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A failing run keeps what was learned and says why, in the log and the action."""
    with patch.object(HistoryRun, "async_run", side_effect=RuntimeError("disk gone")):
        await _setup(hass, mock_config_entry)
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                DOMAIN, "learn_from_history", {}, blocking=True, return_response=True
            )
    assert err.value.translation_key == "learning_failed"
    assert hass.states.get(STATUS).state == "pending"
