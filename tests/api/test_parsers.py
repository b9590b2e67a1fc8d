"""Parsers of the vehicle, user, position, maintenance, alert, callback and monitor documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.psa_connected_car.api import (
    InvalidResponseError,
    parse_alert,
    parse_alerts,
    parse_callbacks,
    parse_maintenance,
    parse_monitor,
    parse_monitors,
    parse_position,
    parse_user,
    parse_vehicle,
    parse_vehicles,
)
from custom_components.psa_connected_car.api.parsers import embedded_items, parse_callback_ref

from .documents import (
    VIN,
    alert_doc,
    alerts_page,
    callbacks_page,
    maintenance_doc,
    monitors_page,
    position_doc,
    user_doc,
    vehicle_doc,
    vehicles_page,
)


def test_user() -> None:
    user = parse_user(user_doc())
    assert user.id == "u-123"
    assert user.email == "jane.doe@example.invalid"
    assert (user.first_name, user.last_name) == ("Jane", "Doe")
    assert "jane" not in repr(user).lower()
    assert parse_user({}).email is None


def test_vehicle_and_pages() -> None:
    vehicle = parse_vehicle(vehicle_doc(3))
    assert vehicle.id.startswith("03")
    assert vehicle.vin.endswith("03")
    assert vehicle.motorization == "Electric"
    assert vehicle.pictures == ("https://example.invalid/v.png", "https://example.invalid/2.png")
    assert VIN[:-2] not in repr(vehicle)
    page = vehicles_page([vehicle_doc(0), {"vin": "x"}, {"id": "no-vin"}, "junk", vehicle_doc(1)])
    assert [v.vin[-2:] for v in parse_vehicles(page)] == ["00", "01"]


@pytest.mark.parametrize("doc", [{}, {"id": "x"}, {"vin": VIN}])
def test_vehicle_without_identity_is_invalid(doc: dict[str, str]) -> None:
    with pytest.raises(InvalidResponseError):
        parse_vehicle(doc)


@pytest.mark.parametrize("doc", [None, [], "text", 3])
def test_non_objects_raise_invalid_response(doc: object) -> None:
    for parser in (parse_user, parse_vehicle, parse_vehicles, parse_alerts, parse_maintenance):
        with pytest.raises(InvalidResponseError):
            parser(doc)


def test_embedded_key_is_case_insensitive() -> None:
    assert embedded_items({"_embedded": {"Vehicles": [{"a": 1}, 2]}}, "vehicles") == [{"a": 1}]
    assert embedded_items({"_embedded": []}, "vehicles") == []


def test_position_is_longitude_first() -> None:
    position = parse_position(position_doc(lon=2.5, lat=48.1, alt=120))
    assert position is not None
    assert (position.latitude, position.longitude, position.altitude_m) == (48.1, 2.5, 120)
    assert position.heading_deg == 271
    assert position.updated_at == datetime(2024, 5, 2, 7, 30, 12, tzinfo=UTC)
    assert "48.1" not in repr(position)


@pytest.mark.parametrize(
    "coordinates", [[], [2.5], [2.5, 95.0], [190.0, 48.0], ["a", "b"], None, "2.5,48.1"]
)
def test_position_without_valid_fix_is_none(coordinates: object) -> None:
    doc = position_doc()
    doc["geometry"]["coordinates"] = coordinates
    assert parse_position(doc) is None


def test_position_tolerates_missing_parts() -> None:
    doc = {"geometry": {"coordinates": ["2.5", "48.1"]}, "properties": {"heading": 400}}
    position = parse_position(doc)
    assert position is not None
    assert position.altitude_m is None
    assert position.heading_deg is None
    assert parse_position("nope") is None
    assert parse_position({"geometry": {}}) is None


def test_maintenance_and_misspelling() -> None:
    maintenance = parse_maintenance(maintenance_doc())
    assert maintenance.days_before_maintenance == 45
    assert maintenance.mileage_before_maintenance_km == pytest.approx(1239.6)
    assert maintenance.updated_at == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)
    overdue = parse_maintenance({"daysBeforeMaintenace": -3, "mileageBeforeMaintenance": -150})
    assert overdue.days_before_maintenance == -3
    assert overdue.mileage_before_maintenance_km == -150


def test_alerts() -> None:
    alerts = parse_alerts(
        alerts_page(
            [
                alert_doc("a1"),
                alert_doc("a2", active=False),
                {"type": "NewType", "startedAt": "unknown", "severity": "Extreme"},
                {"severity": "Warning"},
                {"id": "a4", "endAt": "2024-05-01T12:00:00Z", "message": "Check oil"},
            ]
        )
    )
    assert [a.id for a in alerts] == ["a1", "a2", "NewType@unknown", "a4"]
    first, ended, unknown, fourth = alerts
    assert first.active
    assert first.type == "LowFuelLevel"
    assert first.position is not None
    assert not ended.active
    assert ended.ended_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert unknown.type == "NewType"
    assert unknown.severity == "Extreme"
    assert unknown.started_at is None
    assert unknown.active
    assert fourth.type == "Unknown"
    assert not fourth.active
    assert fourth.message == "Check oil"
    assert parse_alert({}) is None


def test_callbacks() -> None:
    callbacks = parse_callbacks(callbacks_page())
    assert len(callbacks) == 1
    callback = callbacks[0]
    assert callback.id == "cb-1"
    assert callback.attributes == {"Authorization": "t0k"}
    assert callback.target == "https://ha.example.invalid/api/webhook/secret"
    assert callback.status == "Running"
    assert "secret" not in repr(callback)
    assert "t0k" not in repr(callback)
    assert parse_callback_ref({"callbackId": "cb-9", "status": "Running"}) == ("cb-9", "Running")
    with pytest.raises(InvalidResponseError):
        parse_callback_ref({"status": "Running"})


def test_monitors() -> None:
    monitors = parse_monitors(monitors_page())
    assert len(monitors) == 1
    monitor = monitors[0]
    assert monitor.id == "m-1"
    assert monitor.label == "alerts"
    assert monitor.extended_events == ("vehicle.alerts",)
    assert monitor.trigger_data == ("vehicle.alert",)
    assert monitor.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_monitor({"monitorId": "m-2", "status": "Created"}).status == "Created"
    with pytest.raises(InvalidResponseError):
        parse_monitor({"status": "Created"})
