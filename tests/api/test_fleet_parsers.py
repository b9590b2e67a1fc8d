"""The v3 (fleet) shapes the parsers read into the consumer models."""

from __future__ import annotations

import ssl

import aiohttp

from custom_components.psa_connected_car.api import parse_vehicles
from custom_components.psa_connected_car.api.fleet import parse_fleets
from custom_components.psa_connected_car.api.fleet_batch import (
    BatchKind,
    BatchPage,
    parse_batch_page,
    vehicle_id_of,
)
from custom_components.psa_connected_car.api.fleet_tls import refusal_alert


def test_v3_vehicle_items_carry_brand_and_pictures_under_embedded_extension() -> None:
    page = {
        "_embedded": {
            "vehicles": [
                {
                    "id": "v1",
                    "vin": "VF3AAAAA000000001",
                    "motorization": "Hybrid",
                    "_links": {"self": {"href": "/fleets/f/vehicles/v1"}},
                    "_embedded": {
                        "extension": {
                            "branding": {"brand": "Opel"},
                            "pictures": ["https://pictures.example/1.png"],
                        }
                    },
                },
                {"id": "no-vin", "_links": {"self": {"href": "/x"}}},
            ]
        }
    }
    (vehicle,) = parse_vehicles(page)
    assert vehicle.brand == "Opel"
    assert vehicle.pictures == ("https://pictures.example/1.png",)
    assert vehicle.motorization == "Hybrid"


def test_fleets_without_id_are_skipped_and_a_nameless_fleet_shows_its_id() -> None:
    fleets = parse_fleets({"_embedded": {"fleets": [{"id": "f1"}, {"name": "no id"}]}})
    assert [(fleet.id, fleet.title) for fleet in fleets] == [("f1", "f1")]


def test_batch_items_are_grouped_by_vehicle_link_else_vin() -> None:
    doc = {
        "_embedded": {
            "maintenances": [
                {
                    "vin": "VF3AAAAA000000001",
                    "daysBeforeMaintenance": 10,
                    "_links": {"vehicle": {"href": "/connectedcar/v3/fleets/f/vehicles/v1"}},
                },
                {"vin": "vf3aaaaa000000002", "daysBeforeMaintenance": 20},
                {"daysBeforeMaintenance": 30},
            ]
        }
    }
    page = BatchPage(BatchKind.MAINTENANCE)
    assert len(parse_batch_page(doc, page)) == 3
    assert [m.days_before_maintenance for m in page.items_of("v1", None)] == [10]
    assert [m.days_before_maintenance for m in page.items_of("v2", "VF3AAAAA000000002")] == [20]
    assert page.items_of("v3", "VF3AAAAA000000003") == []


def test_vehicle_link_must_end_in_a_car_id() -> None:
    assert vehicle_id_of({"_links": {"vehicle": {"href": "/fleets/f/vehicles/v9?x=1"}}}) == "v9"
    assert vehicle_id_of({"_links": {"vehicle": {"href": "/fleets/f"}}}) is None
    assert vehicle_id_of({}) is None


def test_tls_alerts_that_refuse_the_certificate_are_recognised() -> None:
    alert = ssl.SSLError(1, "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca")
    wrapped = aiohttp.ClientOSError(1, "handshake")
    wrapped.__cause__ = alert
    assert refusal_alert(wrapped) == "ALERT_UNKNOWN_CA"
    assert refusal_alert(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version")) is None
    assert refusal_alert(aiohttp.ServerDisconnectedError()) is None
