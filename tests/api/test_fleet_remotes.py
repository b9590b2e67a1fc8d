"""Fleet commands at the API layer: the fleet's remote callbacks, the fleet paths of the
commands (against the simulator's mTLS listener), and the v3 remote messages."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from custom_components.psa_connected_car.api import AccessDeniedError
from custom_components.psa_connected_car.api.fleet_remotes import (
    is_remote_message,
    parse_fleet_remote_message,
)
from custom_components.psa_connected_car.api.remotes import (
    RemoteCommand,
    RemoteKind,
    RemoteState,
)
from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator

from .test_fleet_client import _client

HEADERS = {"Authorization": "Bearer secret"}
TARGET = "https://ha.example/api/webhook/abc"


@pytest.fixture(name="sim_config")
def sim_config_fixture() -> SimulatorConfig:
    """One fleet of a thermic, an electric and a hybrid car, and one without cars."""
    return SimulatorConfig(vehicles=0, seed=7, time_scale=0, autonomous=False, fleets=(3, 0))


async def test_callback_and_command_through_the_fleet_paths(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    fleet_id = running.fleet_ids[0]
    client = _client(running, session, tmp_path, fleet_id=fleet_id)
    created = await client.create_callback(TARGET, HEADERS, label="ha test remotes")
    listed = await client.list_callbacks()
    assert [(c.id, c.label, c.target) for c in listed] == [(created.id, "ha test remotes", TARGET)]
    assert listed[0].attributes == HEADERS
    stored = running.b2b.callbacks.callbacks[created.id]
    assert stored.fleet_id == fleet_id
    assert {"Doors", "Horn", "WakeUp"} <= set(stored.remote_types)
    assert not {"Immobilization", "Stolen"} & set(stored.remote_types)

    car = running.fleet_vehicles(fleet_id)[0]
    sent = await client.send_remote(car, created.id, RemoteCommand.horn(), label="ha-1")
    assert sent.kind is RemoteKind.HORN
    assert sent.state is RemoteState.PENDING
    read = await client.get_remote(car, created.id, sent.remote_id)
    assert read is not None
    assert read.remote_id == sent.remote_id
    assert [(r.remote_id, r.label) for r in await client.list_remotes(car, created.id)] == [
        (sent.remote_id, "ha-1")
    ]
    stats = running.sim.stats()["requests"]
    assert stats["v3.sendRemoteToVhl"] == 1
    assert stats["v3.getRemoteRequestForVhlById"] == 1

    assert await client.delete_callback(created.id) is True
    assert await client.delete_callback(created.id) is False
    assert await client.list_callbacks() == []


async def test_a_car_of_another_fleet_is_refused(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """403: the translated missing-rights error comes from this ``AccessDeniedError``."""
    full, empty = running.fleet_ids
    client = _client(running, session, tmp_path, fleet_id=empty)
    created = await client.create_callback(TARGET, HEADERS, label="ha test remotes")
    other_fleets_car = running.fleet_vehicles(full)[0]
    with pytest.raises(AccessDeniedError):
        await client.send_remote(
            other_fleets_car, created.id, RemoteCommand.lock_doors(locked=True), label="ha-2"
        )


def test_remote_messages_are_told_from_monitor_messages() -> None:
    assert is_remote_message({"callbackId": "cb", "events": []})
    assert not is_remote_message({"monitorId": "m", "events": []})
    assert not is_remote_message({"callbackId": "cb", "monitorId": "m", "events": []})
    assert not is_remote_message(["callbackId"])
    assert not is_remote_message({"events": []})


def test_remote_message_events_become_progress(caplog: pytest.LogCaptureFixture) -> None:
    message = {
        "callbackId": "cb",
        "attributes": [],
        "events": [
            {
                "remoteActionId": "r1",
                "vin": "VF3AAAAAAAAAAAAAA",
                "eventDate": "2026-12-02T01:00:00Z",
                "remoteType": "Doors",
                "eventStatus": {"type": "Pending", "status": "WakingUpVehicle"},
            },
            {
                "remoteActionId": "r2",
                "vin": "VF3AAAAAAAAAAAAAA",
                "remoteType": "Horn",
                "eventStatus": {"type": "Done", "status": "Failed", "failureCause": "DoorsOpen"},
            },
            {"vin": "VF3AAAAAAAAAAAAAA", "remoteType": "Horn", "eventStatus": {}},
            {"remoteActionId": "r3", "remoteType": "Immobilization", "eventStatus": {}},
            "not an event",
        ],
    }
    progress = parse_fleet_remote_message(message)
    assert [(p.remote_id, p.kind, p.state, p.status, p.failure_cause) for p in progress] == [
        ("r1", RemoteKind.DOORS, RemoteState.PENDING, "WakingUpVehicle", None),
        ("r2", RemoteKind.HORN, RemoteState.FAILED, "Failed", "DoorsOpen"),
    ]
    assert "skipped" in caplog.text
    assert parse_fleet_remote_message({"callbackId": "cb", "events": "nope"}) == []
    assert parse_fleet_remote_message(None) == []
