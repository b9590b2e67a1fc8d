"""User, vehicles, maintenance, alerts, collisions and telemetry documents."""

from __future__ import annotations

from datetime import datetime

from simulator.identities import Account
from simulator.render.common import Json, feature, link, snapshot_feature, stamp
from simulator.render.realworld import bend_severity, bend_user, bend_vehicle
from simulator.world.alerts import AlertRecord, alert_message
from simulator.world.vehicle import Collision, Snapshot, Vehicle

VEHICLE_LINKS = ("status", "lastPosition", "maintenance", "alerts", "telemetry", "collisions")


def vehicle_href(api_base: str, vehicle: Vehicle) -> str:
    """Absolute URL of a vehicle."""
    return f"{api_base}/user/vehicles/{vehicle.id}"


def vehicle_document(vehicle: Vehicle, api_base: str, extensions: tuple[str, ...] = ()) -> Json:
    """A vehicle as listed in ``/user/vehicles`` and served by ``/user/vehicles/{id}``."""
    href = vehicle_href(api_base, vehicle)
    links: Json = {"self": link(href), "user": link(f"{api_base}/user")}
    for name in VEHICLE_LINKS:
        links[name] = link(f"{href}/{name}")
    pictures = [
        f"https://visuel3d.example.invalid/{vehicle.brand.key}/{vehicle.index}/view{n:03d}.png"
        for n in (1, 2)
    ]
    doc: Json = {
        "id": vehicle.id,
        "vin": vehicle.vin,
        "brand": vehicle.brand.name,
        "label": vehicle.model.label,
        "motorization": vehicle.motorization,
        "pictures": pictures,
        "createdAt": stamp(vehicle, vehicle.created_at),
        "updatedAt": stamp(vehicle, vehicle.created_at),
        "_links": links,
    }
    embedded: Json = {}
    if "branding" in extensions:
        embedded["branding"] = {"brand": vehicle.brand.name, "label": vehicle.model.label}
    if "pictures" in extensions:
        embedded["pictures"] = pictures
    if "onboardCapabilities" in extensions:
        embedded["onboardCapabilities"] = {
            "data": ["data:telemetry", "data:position", "data:alert", "data:collision"]
        }
    if embedded:
        doc["_embedded"] = {"extension": embedded}
    return bend_vehicle(doc, vehicle)


def user_document(account: Account, vehicles: list[Vehicle], api_base: str, now: datetime) -> Json:
    """``/user``: the account and its cars."""
    created = now.replace(year=now.year - 3, month=1, day=15, hour=9, minute=0, second=0)
    doc: Json = {
        "id": account.id,
        "email": account.email,
        "firstName": account.first_name,
        "lastName": account.last_name,
        "createdAt": stamp(None, created),
        "updatedAt": stamp(None, created),
        "_links": {"self": link(f"{api_base}/user"), "vehicles": link(f"{api_base}/user/vehicles")},
        "_embedded": {"Vehicles": [vehicle_document(v, api_base) for v in vehicles]},
    }
    return bend_user(doc, vehicles)


def last_position(vehicle: Vehicle) -> Json | None:
    """``/lastPosition`` (None when privacy hides it)."""
    return snapshot_feature(vehicle, vehicle.current_snapshot())


def maintenance_document(vehicle: Vehicle, api_base: str) -> Json:
    """Days and km before the next service (negative when overdue)."""
    snap = vehicle.current_snapshot()
    href = vehicle_href(api_base, vehicle)
    return {
        "createdAt": stamp(vehicle, snap.at),
        "updatedAt": stamp(vehicle, snap.at),
        "daysBeforeMaintenance": snap.maintenance_days,
        "mileageBeforeMaintenance": snap.maintenance_km,
        "_links": {
            "self": link(f"{href}/maintenance"),
            "vehicle": link(href),
            "alerts": link(f"{href}/alerts"),
        },
    }


def alert_document(vehicle: Vehicle, alert: AlertRecord, api_base: str, locale: str | None) -> Json:
    """One alert, with a ``message`` in the requested locale (an extra field)."""
    href = vehicle_href(api_base, vehicle)
    doc: Json = {
        "id": alert.id,
        "active": alert.active,
        "type": alert.type,
        "severity": bend_severity(alert.severity, vehicle),
        "message": alert_message(alert.type, locale),
        "startedAt": stamp(vehicle, alert.started_at),
        "createdAt": stamp(vehicle, alert.started_at),
        "updatedAt": stamp(vehicle, alert.updated_at),
        "_links": {"self": link(f"{href}/alerts/{alert.id}"), "vehicle": link(href)},
    }
    hidden = vehicle.current_snapshot().privacy != "None"
    if alert.start_position is not None and not hidden:
        doc["startPosition"] = feature(vehicle, alert.start_position, alert.started_at)
    if alert.ended_at is not None:
        doc["endAt"] = stamp(vehicle, alert.ended_at)
        if alert.end_position is not None and not hidden:
            doc["endPosition"] = feature(vehicle, alert.end_position, alert.ended_at)
    return doc


def collision_document(vehicle: Vehicle, collision: Collision, api_base: str) -> Json:
    """One collision."""
    href = vehicle_href(api_base, vehicle)
    return {
        "id": collision.id,
        "createdAt": stamp(vehicle, collision.at),
        "updatedAt": stamp(vehicle, collision.at),
        "details": [{"side": collision.side, "severity": collision.severity}],
        "_links": {"self": link(f"{href}/collisions/{collision.id}"), "vehicle": link(href)},
    }


def telemetry_document(
    vehicle: Vehicle, snap: Snapshot, api_base: str, with_location: bool
) -> Json:
    """One telemetry message (deprecated endpoint, kept for old clients)."""
    href = vehicle_href(api_base, vehicle)
    energies: list[Json] = []
    if snap.fuel_pct is not None:
        energies.append(
            {"type": "Fuel", "level": snap.fuel_pct, "autonomy": snap.fuel_autonomy_km or 0}
        )
    if snap.soc_pct is not None:
        energies.append(
            {"type": "Electric", "level": snap.soc_pct, "autonomy": snap.electric_autonomy_km or 0}
        )
    doc: Json = {
        "createdAt": stamp(vehicle, snap.at),
        "_links": {"self": link(f"{href}/telemetry"), "vehicle": link(href)},
        "privacy": {"state": snap.privacy},
        "vehicle": {
            "energies": energies,
            "odometer": {"mileage": snap.odometer_km},
            "kinetic": {"moving": snap.moving, "speed": snap.speed_kmh},
            "ignition": {"type": snap.ignition, "createdAt": stamp(vehicle, snap.at)},
            "battery": {"voltage": snap.battery_12v},
        },
        "environment": {"air": {"temp": snap.air_temp}, "luminosity": {"day": snap.daylight}},
    }
    if with_location and snap.privacy == "None":
        doc["_embedded"] = {
            "extension": {
                "location": {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [snap.lon, snap.lat, snap.alt]},
                    "properties": {"heading": snap.heading, "type": "Acquire"},
                }
            }
        }
    return doc
