"""Fleet monitor messages (v3 webhook template) parsed into the consumer models."""

from __future__ import annotations

import pytest

from custom_components.psa_connected_car.api.fleet_push import (
    MalformedFleetPushError,
    parse_fleet_delivery,
)

VIN = "VF3AAAAA000000001"
STATUS = {"_links": {"self": {"href": "/s"}}, "createdAt": "2026-11-22T08:00:00Z", "vin": VIN}


def test_status_and_active_alerts_of_an_event() -> None:
    message = {
        "monitorId": "m1",
        "attributes": [],
        "events": [
            {
                "fleetId": "f1",
                "vin": VIN,
                "eventDate": "2026-11-22T08:00:05Z",
                "values": [{"data": "vehicle.alert"}, {"value": "no data name"}],
                "extensions": [
                    {"type": "vehicle.status", "body": {"status": STATUS}},
                    {
                        "type": "vehicle.alerts",
                        "body": [
                            {
                                "alerts": [
                                    {"id": "a1", "type": "OilLevelLow", "active": True},
                                    {"id": "a2", "type": "TyrePressure", "active": False},
                                    "not an alert",
                                ]
                            }
                        ],
                    },
                    {"type": "vehicle.position", "body": {"position": {}}},
                ],
            }
        ],
    }
    monitor_id, (event,) = parse_fleet_delivery(message)
    assert monitor_id == "m1"
    assert event.vin == VIN
    assert event.date is not None
    assert event.status is not None
    assert event.status.updated_at == event.date.replace(second=0)
    assert [alert.type for alert in event.alerts or ()] == ["OilLevelLow"]
    assert event.fired == frozenset({"vehicle.alert"})


def test_an_event_without_extensions_carries_no_data() -> None:
    _, (event,) = parse_fleet_delivery({"events": [{"vin": VIN}]})
    assert event.status is None
    assert event.alerts is None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"events": "none"},
        {"events": [{"no": "vin"}]},
        {"events": ["not an object"]},
        {
            "events": [
                {"vin": VIN, "extensions": [{"type": "vehicle.status", "body": {"status": 3}}]}
            ]
        },
    ],
)
def test_malformed_messages_are_refused(payload: object) -> None:
    with pytest.raises(MalformedFleetPushError):
        parse_fleet_delivery(payload)
