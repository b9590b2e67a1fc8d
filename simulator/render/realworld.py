"""Shapes real cars send that the specification does not describe (``realworld`` scenario).

Each quirk flag below is one shape seen in bodies captured from real cars by open-source
clients; a car of the scenario carries some of them. The spec-shaped document is built
first, then bent here, so every other scenario stays on the specification.
"""

from __future__ import annotations

from typing import Any

from simulator.world.vehicle import Snapshot, Vehicle

Json = dict[str, Any]

TIMED_ODOMETER = "timed_odometer"
"""The odometer under a flat key named ``timed.odometer`` (a dot inside the key)."""
ZERO_ODOMETER_PARKED = "zero_odometer_parked"
"""``odometer.mileage`` 0.0 while the ignition is off."""
PLACEHOLDER_FUEL = "placeholder_fuel"
"""An electric car also lists an empty ``Fuel`` energy, and the legacy ``energy`` as a list."""
IMPLAUSIBLE_LOAD = "implausible_battery_load"
"""Battery ``load`` capacity/residual that contradict the level."""
BRANDING_ONLY = "branding_only"
"""Brand (a one-letter code) and label only under ``vehicleExtension.vehicleBranding``."""
POSITION_AQUIRE = "position_aquire"
"""Position ``type`` spelled ``Aquire``."""
POSITION_ESTIMATED_2D = "position_estimated_2d"
"""Position ``type`` ``Estimated`` with two coordinates (no altitude)."""
POSITION_NULL_ISLAND = "position_null_island"
"""Coordinates ``[0, 0]``: the car has no fix."""
POSITION_DESPITE_PRIVACY = "position_despite_privacy"
"""The answer carries a position although privacy mode is on."""
USER_WITHOUT_ID = "user_without_id"
"""``/user`` carries no ``id``, and its cars under ``_embedded.vehicles`` (lower case)."""
UPPER_CASE_ENUMS = "upper_case_enums"
"""Enum values (ignition, privacy, alarm, charging, locks, doors, severity) in capitals."""
REAL_TRIPS = "real_trips"
"""Trips in the shape real cars send (see ``simulator.render.trips``)."""

IMPLAUSIBLE_CAPACITY_WH = 46_000
IMPLAUSIBLE_RESIDUAL_WH = 2_048
BRAND_CODES = {"peugeot": "P", "citroen": "C", "ds": "D", "opel": "O", "vauxhall": "V"}


def position_type(vehicle: Vehicle) -> str:
    """The ``properties.type`` of this car's positions."""
    if POSITION_AQUIRE in vehicle.quirks:
        return "Aquire"
    if vehicle.quirks & {POSITION_ESTIMATED_2D, POSITION_NULL_ISLAND}:
        return "Estimated"
    return "Acquire"


def coordinates(vehicle: Vehicle, point: tuple[float, float, float]) -> list[float]:
    """GeoJSON coordinates as this car's backend writes them."""
    if POSITION_NULL_ISLAND in vehicle.quirks:
        return [0, 0]
    if POSITION_ESTIMATED_2D in vehicle.quirks:
        return [point[0], point[1]]
    return list(point)


def shows_position(vehicle: Vehicle, snap: Snapshot) -> bool:
    """Whether the answer carries a position (privacy mode hides it on the spec's backend)."""
    return snap.privacy == "None" or POSITION_DESPITE_PRIVACY in vehicle.quirks


def bend_status(doc: Json, vehicle: Vehicle, snap: Snapshot) -> Json:
    """The status document with this car's real-world shapes."""
    quirks = vehicle.quirks
    if ZERO_ODOMETER_PARKED in quirks and snap.ignition == "Stop":
        doc["odometer"]["mileage"] = 0.0
    if TIMED_ODOMETER in quirks:
        doc["timed.odometer"] = {"createdAt": None, "mileage": doc.pop("odometer")["mileage"]}
    if PLACEHOLDER_FUEL in quirks:
        _add_placeholder_fuel(doc)
    if IMPLAUSIBLE_LOAD in quirks:
        for energy in doc["energies"]:
            load = _dig(energy, "extension", "electric", "battery", "load")
            if load is not None:
                load.update(capacity=IMPLAUSIBLE_CAPACITY_WH, residual=IMPLAUSIBLE_RESIDUAL_WH)
    if UPPER_CASE_ENUMS in quirks:
        _upper_enums(doc)
    return doc


def bend_vehicle(doc: Json, vehicle: Vehicle) -> Json:
    """A vehicle document with brand and label only where real answers put them."""
    if BRANDING_ONLY not in vehicle.quirks:
        return doc
    pictures = doc.pop("pictures", [])
    label = doc.pop("label", None)
    doc.pop("brand", None)
    doc.pop("motorization", None)
    doc["vehicleExtension"] = {
        "vehicleBranding": {"brand": BRAND_CODES[vehicle.brand.key], "label": label},
        "vehiclePictures": {"pictures": pictures},
    }
    return doc


def bend_user(doc: Json, vehicles: list[Vehicle]) -> Json:
    """``/user`` as real accounts answer it when one of their cars is of that kind."""
    if not any(USER_WITHOUT_ID in vehicle.quirks for vehicle in vehicles):
        return doc
    doc.pop("id", None)
    doc.pop("createdAt", None)
    doc.pop("updatedAt", None)
    embedded = doc.get("_embedded", {})
    embedded["vehicles"] = embedded.pop("Vehicles", [])
    return doc


def bend_severity(severity: str, vehicle: Vehicle) -> str:
    """An alert's severity as this car's backend writes it."""
    return severity.upper() if UPPER_CASE_ENUMS in vehicle.quirks else severity


def _add_placeholder_fuel(doc: Json) -> None:
    first = doc["energies"][0] if doc["energies"] else {}
    placeholder = {"createdAt": first.get("createdAt"), "type": "Fuel", "level": 0}
    doc["energies"].insert(0, {**placeholder, "subType": "FossilEnergy"})
    legacy = doc.get("energy")
    doc["energy"] = [placeholder, legacy] if isinstance(legacy, dict) else [placeholder]


def _upper_enums(doc: Json) -> None:
    paths = (("ignition", "type"), ("privacy", "state"), ("service", "type"))
    for path in (*paths, ("alarm", "status", "activation")):
        block = _dig(doc, *path[:-1])
        if block is not None and isinstance(block.get(path[-1]), str):
            block[path[-1]] = block[path[-1]].upper()
    doors = doc.get("doorsState")
    if doors is not None:
        doors["lockedStates"] = [state.upper() for state in doors.get("lockedStates", [])]
        for opening in doors.get("opening", []):
            opening["state"] = opening["state"].upper()
    for energy in [*doc.get("energies", []), *_as_list(doc.get("energy"))]:
        charging = _dig(energy, "extension", "electric", "charging") or energy.get("charging")
        if charging is not None:
            charging["status"] = charging["status"].upper()
            charging["chargingMode"] = charging["chargingMode"].upper()


def _dig(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []
