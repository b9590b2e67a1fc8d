"""``/user/vehicles/{id}/status``: the big document, only blocks the car produces."""

from __future__ import annotations

from simulator.clock import iso_duration
from simulator.render.common import Json, link, snapshot_feature, stamp
from simulator.render.realworld import bend_status
from simulator.world.vehicle import Snapshot, Vehicle, delayed_charge_wait_s

DOORS = ("Driver", "Passenger", "RearLeft", "RearRight", "Trunk")
MISSING_IN_QUIRKS = ("kinetic", "environment", "battery", "doorsState", "safety")


def status_document(vehicle: Vehicle, api_base: str) -> Json:
    """The status as the API returns it (legacy duplicates included)."""
    snap = vehicle.current_snapshot()
    at = stamp(vehicle, snap.at)
    self_href = f"{api_base}/user/vehicles/{vehicle.id}"
    doc: Json = {
        "createdAt": at,
        "updatedAt": at,
        "_links": {"self": link(f"{self_href}/status"), "vehicle": link(self_href)},
        "ignition": {"createdAt": at, "type": snap.ignition},
    }
    position = snapshot_feature(vehicle, snap)
    if position is not None:
        doc["lastPosition"] = position
    energies = [e for e in (fuel_energy(vehicle, snap), electric_energy(vehicle, snap)) if e]
    doc["energies"] = energies
    doc["energy"] = legacy_energy(energies[0], vehicle, snap)
    precond = preconditioning(vehicle, snap)
    doc["preconditioning"] = precond
    doc["preconditionning"] = precond
    if vehicle.has_fuel:
        doc["engines"] = [engine(vehicle, snap)]
    doc["powertrain"] = {"createdAt": at, "status": "Running" if snap.moving else "Stopped"}
    doc["doorsState"] = doors(snap, at)
    doc["privacy"] = {"createdAt": at, "state": snap.privacy}
    doc["battery"] = {"createdAt": at, "voltage": snap.battery_12v}
    if vehicle.motorization in ("Electric", "Hybrid"):
        doc["service"] = {"createdAt": at, "type": vehicle.motorization}
    doc["safety"] = safety(at)
    doc["odometer"] = {"createdAt": at, "mileage": snap.odometer_km}
    doc["kinetic"] = {
        "createdAt": at,
        "moving": snap.moving,
        "speed": snap.speed_kmh,
        "acceleration": 0.0,
    }
    doc["environment"] = {
        "air": {"createdAt": at, "temp": snap.air_temp},
        "luminosity": {"createdAt": at, "day": snap.daylight},
    }
    doc["drivingBehavior"] = {"createdAt": at, "mode": "Eco" if vehicle.index % 2 else "Normal"}
    armed = snap.locked and not snap.moving
    doc["alarm"] = {"status": {"createdAt": at, "activation": "Active" if armed else "Inactive"}}
    if "missing_blocks" in vehicle.quirks:
        for key in MISSING_IN_QUIRKS:
            doc.pop(key, None)
    return bend_status(doc, vehicle, snap)


def fuel_energy(vehicle: Vehicle, snap: Snapshot) -> Json | None:
    """The ``Fuel`` item of ``energies``."""
    if snap.fuel_pct is None:
        return None
    consumption = vehicle.model.fuel_l_per_100km
    return {
        "createdAt": stamp(vehicle, snap.at),
        "type": "Fuel",
        "subType": "FossilEnergy",
        "level": snap.fuel_pct,
        "autonomy": snap.fuel_autonomy_km or 0,
        "extension": {
            "fuel": {
                "consumptions": {
                    "total": round(snap.odometer_km * consumption, 1),
                    "instant": consumption if snap.moving else 0.0,
                }
            }
        },
    }


def electric_energy(vehicle: Vehicle, snap: Snapshot) -> Json | None:
    """The ``Electric`` item of ``energies`` with battery and charging."""
    if snap.soc_pct is None:
        return None
    at = stamp(vehicle, snap.at)
    capacity_wh = int(vehicle.model.battery_kwh * 1000)
    return {
        "createdAt": at,
        "type": "Electric",
        "subType": "ElectricEnergy",
        "level": snap.soc_pct,
        "autonomy": snap.electric_autonomy_km or 0,
        "extension": {
            "electric": {
                "battery": {
                    "load": {
                        "createdAt": at,
                        "capacity": capacity_wh,
                        "residual": int(capacity_wh * snap.soc_pct / 100),
                    },
                    "health": {"createdAt": at, "capacity": 96, "resistance": 98},
                },
                "charging": charging(vehicle, snap),
            }
        },
    }


def charging(vehicle: Vehicle, snap: Snapshot) -> Json:
    """Charging block (``remainingTime`` an ISO 8601 duration, ``"0"`` in quirks)."""
    numbers_as_strings = "strings_for_numbers" in vehicle.quirks
    remaining = iso_duration(snap.charge_remaining_s)
    if numbers_as_strings and snap.charge_remaining_s == 0:
        remaining = "0"
    delayed_s = delayed_charge_wait_s(
        snap.at, snap.plugged, snap.charging_status, snap.delayed_charge_start
    )
    delayed = "0" if numbers_as_strings and delayed_s == 0 else iso_duration(delayed_s)
    return {
        "plugged": snap.plugged,
        "status": snap.charging_status,
        "remainingTime": remaining,
        "chargingRate": snap.charging_rate_kmh,
        "chargingMode": snap.charging_mode,
        "nextDelayedTime": delayed,
        "type": "Full",
    }


def legacy_energy(primary: Json, vehicle: Vehicle, snap: Snapshot) -> Json:
    """Deprecated ``energy``: the spec types it as ONE Energy object (see README)."""
    legacy = {key: value for key, value in primary.items() if key != "extension"}
    legacy["updatedAt"] = stamp(vehicle, snap.at)
    if primary["type"] == "Electric":
        legacy["charging"] = charging(vehicle, snap)
    return legacy


def preconditioning(vehicle: Vehicle, snap: Snapshot) -> Json:
    """Air-conditioning state and its programs (a factory one until a remote sets them)."""
    at = stamp(vehicle, snap.at)
    return {
        "airConditioning": {
            "createdAt": at,
            "updatedAt": at,
            "status": snap.precond_status,
            "programs": programs(vehicle),
        }
    }


def programs(vehicle: Vehicle) -> list[Json]:
    """The car's preconditioning programs, by slot."""
    if vehicle.precond_programs is None:
        return [
            {
                "enabled": vehicle.index % 2 == 1,
                "slot": 1,
                "recurrence": "Daily",
                "start": "PT7H30M",
                "occurence": {"day": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
            }
        ]
    return [vehicle.precond_programs[slot] for slot in sorted(vehicle.precond_programs)]


def engine(vehicle: Vehicle, snap: Snapshot) -> Json:
    """Thermic engine temperatures (215.0 is the car's own 'invalid' sentinel in quirks)."""
    coolant = 215.0 if "sentinel_values" in vehicle.quirks else snap.coolant_temp
    return {
        "createdAt": stamp(vehicle, snap.at),
        "type": "Thermic",
        "extension": {
            "thermic": {
                "coolant": {"temp": coolant},
                "oil": {"temp": snap.oil_temp, "level": 80},
                "air": {"temp": snap.air_temp},
            }
        },
    }


def doors(snap: Snapshot, at: str) -> Json:
    """Locks and openings."""
    return {
        "createdAt": at,
        "lockedStates": ["Locked"] if snap.locked else ["Unlocked"],
        "opening": [
            {"identifier": door, "state": "Open" if door in snap.open_doors else "Closed"}
            for door in DOORS
        ],
    }


def safety(at: str) -> Json:
    """Seat belts and eCall."""
    return {
        "createdAt": at,
        "beltStatus": [{"id": "Driver", "belt": "Normal"}, {"id": "Passenger", "belt": "Normal"}],
        "autoECallTriggering": "NotDetected",
    }
