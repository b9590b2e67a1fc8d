"""Remote commands without Home Assistant: scopes, bodies, and what the API says of them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from custom_components.psa_connected_car.api.errors import InvalidResponseError
from custom_components.psa_connected_car.api.remotes import (
    REMOTE_SCOPES,
    RemoteCommand,
    RemoteKind,
    RemoteState,
    granted_kinds,
    parse_remote,
    parse_remote_event,
    parse_remote_post,
    parse_remotes,
)
from simulator.remotes.validate import validate_remote


def test_granted_kinds_read_the_token_scope() -> None:
    assert granted_kinds(None) == frozenset()
    assert granted_kinds("openid profile") == frozenset()
    assert granted_kinds("openid remote:door:write remote:horn:write") == {
        RemoteKind.DOORS,
        RemoteKind.HORN,
    }
    assert granted_kinds(" ".join(REMOTE_SCOPES.values())) == set(RemoteKind)


@pytest.mark.parametrize(
    ("command", "member"),
    [
        (RemoteCommand.lock_doors(locked=True), {"door": {"state": "Locked"}}),
        (RemoteCommand.charge_now(start=False), {"charging": {"immediate": False}}),
        (
            RemoteCommand.precondition_now(on=True),
            {"preconditioning": {"airConditioning": {"immediate": True}}},
        ),
        (RemoteCommand.horn(), {"horn": {"state": "Activated"}}),
        (RemoteCommand.lights(), {"lights": {"on": True}}),
        (RemoteCommand.wake_up(), {"wakeUp": {"action": "WakeUp"}}),
    ],
)
def test_bodies_are_spec_remotes(command: RemoteCommand, member: dict[str, object]) -> None:
    body = command.to_body("ha-1")
    assert body == {"label": "ha-1", **member}
    validate_remote(body)  # the simulator's check against the specification


def test_program_delayed_charge_and_navigation_bodies() -> None:
    program = RemoteCommand.precondition_program(2, ["Sun", "Mon"], time(7, 5), enabled=True)
    slot = program.body["airConditioning"]["programs"][0]
    assert slot["start"] == "PT7H5M"
    assert slot["occurence"] == {"day": ["Mon", "Sun"]}
    validate_remote(program.to_body("x"))
    paris = timezone(timedelta(hours=1))
    delayed = RemoteCommand.delayed_charge(datetime(2026, 11, 22, 23, 30, tzinfo=paris))
    assert delayed.body == {"schedule": {"nextDelayedTime": "2026-11-22T22:30:00Z"}}
    nav = RemoteCommand.navigation([(48.85, 2.35)], driver_approval=True)
    assert nav.body["positions"] == [{"type": "Point", "coordinates": [2.35, 48.85]}]
    assert nav.wakes_car is False
    validate_remote(nav.to_body("x"))
    with pytest.raises(ValueError, match="slot"):
        RemoteCommand.precondition_program(5, ["Mon"], time(7), enabled=True)
    with pytest.raises(ValueError, match="days"):
        RemoteCommand.precondition_program(1, ["Funday"], time(7), enabled=True)
    with pytest.raises(ValueError, match="points"):
        RemoteCommand.navigation([(0.0, 0.0)] * 11, driver_approval=False)
    with pytest.raises(ValueError, match="latitude"):
        RemoteCommand.navigation([(91.0, 0.0)], driver_approval=False)
    with pytest.raises(ValueError, match="time zone"):
        RemoteCommand.delayed_charge(datetime(2026, 1, 1, 8, 0))  # noqa: DTZ001
    assert datetime.now(UTC)


def test_post_answer_and_remote_documents() -> None:
    sent = parse_remote_post({"remoteActionId": "r1", "type": "Doors"}, RemoteKind.DOORS)
    assert (sent.remote_id, sent.state, sent.status) == ("r1", RemoteState.PENDING, "Accepted")
    with pytest.raises(InvalidResponseError):
        parse_remote_post({"type": "Doors"}, RemoteKind.DOORS)
    failed = parse_remote(
        {"remoteActionId": "r2", "type": "Horn", "status": "Failed", "failureCause": "DoorsOpen"}
    )
    assert failed is not None
    assert (failed.state, failed.failure_cause) == (RemoteState.FAILED, "DoorsOpen")
    refused = parse_remote(
        {"remoteActionId": "r3", "type": "WakeUp", "status": "TooManyWakeUpsOverMonth"}
    )
    assert refused is not None
    assert (refused.state, refused.failure_cause) == (RemoteState.FAILED, "TooManyWakeUpsOverMonth")
    page = {
        "_embedded": {
            "remoteActions": [
                {
                    "remoteActionId": "a",
                    "status": "AlreadyDone",
                    "remote": {"label": "ha-x", "lights": {"on": True}},
                },
                {"remoteActionId": "b", "type": "Teleport"},
                "junk",
            ]
        }
    }
    [only] = parse_remotes(page)
    assert (only.kind, only.state, only.label) == (
        RemoteKind.LIGHTS,
        RemoteState.ALREADY_DONE,
        "ha-x",
    )
    assert parse_remote("junk") is None


def test_webhook_events_and_unknown_values(caplog: pytest.LogCaptureFixture) -> None:
    def event(kind: str, status: str, **extra: str) -> dict[str, object]:
        return {
            "type": "Remote",
            "remoteEvent": {
                "remoteActionId": "r",
                "remoteType": kind,
                "eventStatus": {"type": kind and "Done", "status": status, **extra},
            },
        }

    done = parse_remote_event(event("Doors", "Success"))
    assert done is not None
    assert done.state is RemoteState.SUCCESS
    odd = parse_remote_event(event("Doors", "Exploded"))
    assert odd is not None
    assert odd.state is RemoteState.FAILED  # a final event we cannot read is not a success
    assert "Unknown remote command status" in caplog.text
    assert parse_remote_event(event("ChargingState", "Success")) is None
    assert parse_remote_event({"type": "Remote"}) is None
