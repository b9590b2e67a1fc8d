"""Hand-written API documents shaped after the v4 specification (values invented)."""

from __future__ import annotations

from typing import Any

VEHICLE_ID = "7f3c9a01b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b4"
VIN = "VR3UHZKXZLT123456"


def position_doc(lon: float = 2.2945, lat: float = 48.8584, alt: float = 35.0) -> dict[str, Any]:
    """A GeoJSON Feature as the API sends it."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat, alt]},
        "properties": {
            "createdAt": "2024-05-02T07:30:12Z",
            "heading": 271,
            "type": "Acquire",
            "signalQuality": 3,
            "fixStatus": "3D",
        },
    }


def status_doc() -> dict[str, Any]:
    """A complete status of a plug-in hybrid, with the modern blocks only."""
    return {
        "_links": {"self": {"href": "/connectedcar/v4/user/vehicles/x/status"}},
        "createdAt": "2024-05-02T07:31:00.123Z",
        "updatedAt": "2024-05-02T07:31:05.000+0000",
        "energies": [
            {
                "type": "Fuel",
                "subType": "FossilEnergy",
                "level": 42.5,
                "autonomy": 310,
                "createdAt": "2024-05-02T07:30:00Z",
                "extension": {"fuel": {"consumptions": {"total": 812.5}}},
            },
            {
                "type": "Electric",
                "level": 81,
                "autonomy": 44,
                "createdAt": "2024-05-02T07:30:00Z",
                "extension": {
                    "electric": {
                        "charging": {
                            "plugged": True,
                            "status": "InProgress",
                            "remainingTime": "PT2H55M",
                            "chargingRate": 20,
                            "chargingMode": "Slow",
                            "nextDelayedTime": "PT0S",
                        },
                        "battery": {
                            "load": {"createdAt": "2024-05-02T07:30:00Z", "capacity": 10500},
                            "health": {"createdAt": "2024-05-02T07:30:00Z", "capacity": 97},
                        },
                    }
                },
            },
        ],
        "odometer": {"createdAt": "2024-05-02T07:30:00Z", "mileage": 12978.9},
        "lastPosition": position_doc(),
        "kinetic": {"createdAt": "2024-05-02T07:30:00Z", "moving": False, "speed": 0},
        "ignition": {"createdAt": "2024-05-02T07:30:00Z", "type": "Stop"},
        "doorsState": {
            "createdAt": "2024-05-02T07:30:00Z",
            "lockedStates": ["Locked"],
            "opening": [
                {"identifier": "Driver", "state": "Closed"},
                {"identifier": "Trunk", "state": "Open"},
            ],
        },
        "battery": {"createdAt": "2024-05-02T07:30:00Z", "voltage": 87.5},
        "environment": {
            "air": {"createdAt": "2024-05-02T07:30:00Z", "temp": 14.5},
            "luminosity": {"day": True},
        },
        "preconditioning": {
            "airConditioning": {"createdAt": "2024-05-02T07:30:00Z", "status": "Disabled"}
        },
        "privacy": {"createdAt": "2024-05-02T07:30:00Z", "state": "None"},
        "alarm": {"status": {"createdAt": "2024-05-02T07:30:00Z", "activation": "Active"}},
        "engines": [
            {
                "createdAt": "2024-05-02T07:30:00Z",
                "type": "Thermic",
                "extension": {"thermic": {"coolant": {"temp": 88.0, "level": 90}}},
            }
        ],
        "service": {"createdAt": "2024-05-02T07:30:00Z", "type": "Hybrid"},
    }


def legacy_status_doc() -> dict[str, Any]:
    """An older-looking status: legacy ``energy[]``, misspelled preconditioning, sentinels."""
    return {
        "_links": {"self": {"href": "/status"}},
        "createdAt": "Mon Jun 03 08:35:36 GMT 2019",
        "energy": [
            {
                "type": "Electric",
                "level": "64",
                "autonomy": "180",
                "updatedAt": "2019-06-03T08:35:00",
                "charging": {
                    "plugged": "true",
                    "status": "Disconnected",
                    "remainingTime": "PT0S",
                    "chargingRate": 0,
                    "chargingMode": "No",
                },
                "battery": {"health": {"capacity": 93, "resistance": 100}},
            }
        ],
        "preconditionning": {"airConditioning": {"status": "Enabled"}},
        "engines": [{"type": "Thermic", "oil": {"temp": 215.0}}],
        "doorsState": {"lockedStates": ["Unlocked", "DriverDoorUnlocked"]},
        "alarm": {"status": {"activation": "Inactive"}},
    }


def vehicle_doc(index: int = 0) -> dict[str, Any]:
    """One item of ``/user/vehicles``."""
    return {
        "id": f"{index:02d}{VEHICLE_ID[2:]}",
        "vin": VIN[:-2] + f"{index:02d}",
        "brand": "Peugeot",
        "label": "e-208",
        "motorization": "Electric",
        "pictures": ["https://example.invalid/v.png", {"href": "https://example.invalid/2.png"}],
        "_links": {"self": {"href": f"/user/vehicles/{index}"}},
    }


def vehicles_page(items: list[Any], **links: str) -> dict[str, Any]:
    """A HAL collection page of vehicles."""
    return {
        "_links": {name: {"href": href} for name, href in links.items()},
        "total": len(items),
        "currentPage": 1,
        "totalPage": 1,
        "_embedded": {"vehicles": items},
    }


def alert_doc(alert_id: str = "a1", *, active: bool = True) -> dict[str, Any]:
    """One item of ``/alerts``."""
    doc: dict[str, Any] = {
        "id": alert_id,
        "type": "LowFuelLevel",
        "severity": "Warning",
        "active": active,
        "startedAt": "2024-05-01T10:00:00Z",
        "updatedAt": "2024-05-01T10:00:00Z",
        "startPosition": position_doc(),
        "_links": {"self": {"href": f"/alerts/{alert_id}"}},
    }
    if not active:
        doc["endAt"] = "2024-05-01T12:00:00Z"
    return doc


def alerts_page(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A HAL collection page of alerts."""
    return {
        "_links": {"self": {"href": "/alerts"}},
        "total": len(items),
        "_embedded": {"alerts": items},
    }


def user_doc() -> dict[str, Any]:
    """``GET /user``."""
    return {
        "id": "u-123",
        "email": "jane.doe@example.invalid",
        "firstName": "Jane",
        "lastName": "Doe",
        "_links": {"self": {"href": "/user"}},
    }


def maintenance_doc() -> dict[str, Any]:
    """``GET /maintenance``."""
    return {
        "createdAt": "2024-05-02T07:30:00Z",
        "daysBeforeMaintenance": 45,
        "mileageBeforeMaintenance": "1239,6",
        "_links": {"self": {"href": "/maintenance"}},
    }


def callbacks_page() -> dict[str, Any]:
    """``GET /user/callbacks``."""
    return {
        "_links": {"self": {"href": "/user/callbacks"}},
        "total": 1,
        "_embedded": {
            "callbacks": [
                {
                    "id": "cb-1",
                    "status": "Running",
                    "label": "home-assistant",
                    "subscribe": {
                        "label": "home-assistant",
                        "type": ["Monitor"],
                        "callback": {
                            "webhook": {
                                "name": "ha",
                                "target": "https://ha.example.invalid/api/webhook/secret",
                                "attributes": [
                                    {"type": "Header", "key": "Authorization", "value": "t0k"},
                                    {"type": "Header", "key": "broken"},
                                ],
                            }
                        },
                    },
                    "_links": {"self": {"href": "/user/callbacks/cb-1"}},
                },
                {"status": "Running"},
            ]
        },
    }


def monitors_page() -> dict[str, Any]:
    """``GET .../monitors``."""
    return {
        "_links": {"self": {"href": "/monitors"}},
        "total": 1,
        "_embedded": {
            "monitors": [
                {
                    "monitorId": "m-1",
                    "status": "Running",
                    "createdAt": "2024-05-01T10:00:00Z",
                    "updatedAt": "2024-05-01T10:00:00Z",
                    "monitor": {
                        "label": "alerts",
                        "extendedEventParam": ["vehicle.alerts"],
                        "triggerParam": {
                            "triggers": [
                                {"name": "a", "data": {"data": "vehicle.alert", "op": "onChange"}}
                            ],
                            "boolExp": "a",
                        },
                    },
                    "_links": {"self": {"href": "/monitors/m-1"}},
                },
                {"status": "Running"},
            ]
        },
    }
