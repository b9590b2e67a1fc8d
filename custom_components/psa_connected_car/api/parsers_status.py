"""Parse ``GET /user/vehicles/{id}/status`` into a ``VehicleStatus``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from .models import (
    AlarmActivation,
    Charging,
    ChargingMode,
    ChargingStatus,
    Door,
    DoorOpening,
    Energy,
    EnergyKind,
    Ignition,
    Motorization,
    PrivacyState,
    VehicleStatus,
)
from .parsers import block_time, parse_position, require_mapping
from .parsing import (
    ENGINE_TEMPERATURE_UNKNOWN,
    as_list,
    as_mapping,
    dig,
    parse_duration,
    parse_timestamp,
    to_bool,
    to_canonical,
    to_float,
    to_str,
)

ODOMETER_KEYS = ("odometer", "timed.odometer")
"""Where the odometer is: older cars send it under a flat key with a dot in its name."""


def _percentage(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and 0 <= number <= 100 else None


def _non_negative(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and number >= 0 else None


ENGINE_TEMPERATURE_RANGE_C = (-50.0, 200.0)
"""Coolant and oil temperatures a running or parked engine can have."""


def _engine_temperature(value: object) -> float | None:
    number = to_float(value, sentinels=(ENGINE_TEMPERATURE_UNKNOWN,))
    low, high = ENGINE_TEMPERATURE_RANGE_C
    return number if number is not None and low <= number <= high else None


def _next_delayed_in(value: object) -> timedelta | None:
    """The wait before a delayed charge; zero (``PT0S``) means none is scheduled."""
    delay = parse_duration(value)
    return delay if delay is not None and delay > timedelta(0) else None


def _parse_charging(block: object) -> Charging | None:
    data = as_mapping(block)
    if not data:
        return None
    return Charging(
        plugged=to_bool(data.get("plugged")),
        status=to_canonical(data.get("status"), ChargingStatus),
        remaining_time=parse_duration(data.get("remainingTime")),
        rate_kmh=_non_negative(data.get("chargingRate")),
        mode=to_canonical(data.get("chargingMode"), ChargingMode),
        next_delayed_in=_next_delayed_in(data.get("nextDelayedTime")),
    )


def _parse_energy(data: Mapping[str, Any]) -> Energy | None:
    kind = to_str(data.get("type"))
    if kind is None:
        return None
    # Battery ``load`` (capacity/residual) is not read: real cars send figures that
    # contradict the level (33280/4096 Wh at 43 %), and the level is what is shown.
    charging = dig(data, "extension", "electric", "charging") or data.get("charging")
    battery = dig(data, "extension", "electric", "battery") or data.get("battery")
    return Energy(
        kind=to_canonical(kind, EnergyKind) or kind,
        level_pct=_percentage(data.get("level")),
        autonomy_km=_non_negative(data.get("autonomy")),
        charging=_parse_charging(charging),
        updated_at=parse_timestamp(block_time(data)),
        health_pct=_percentage(dig(battery, "health", "capacity")),
    )


def _energies(data: Mapping[str, Any]) -> dict[str, Energy]:
    """Energies by kind: ``energies[]`` first, the legacy ``energy[]`` as fallback."""
    result: dict[str, Energy] = {}
    for source in ("energies", "energy"):
        for item in as_list(data.get(source)):
            energy = _parse_energy(item) if isinstance(item, Mapping) else None
            if energy is not None:
                result.setdefault(energy.kind.lower(), energy)
    return result


def _doors_locked(lock_states: tuple[str, ...]) -> bool | None:
    lowered = [state.lower() for state in lock_states]
    if any(state.endswith("unlocked") for state in lowered):
        return False
    if any(state.endswith("locked") for state in lowered):
        return True
    return None


def _door_openings(data: Mapping[str, Any]) -> tuple[tuple[str, bool], ...]:
    """Each door the car reports with whether it is open (odd items are skipped)."""
    openings: dict[str, bool] = {}
    for item in as_list(dig(data, "doorsState", "opening")):
        door = to_canonical(dig(item, "identifier"), Door)
        state = to_canonical(dig(item, "state"), DoorOpening)
        if door is not None and state in (DoorOpening.OPEN, DoorOpening.CLOSED):
            openings.setdefault(door, state == DoorOpening.OPEN)
    return tuple(openings.items())


def _alarm_active(data: Mapping[str, Any]) -> bool | None:
    state = to_canonical(dig(data, "alarm", "status", "activation"), AlarmActivation)
    if state in (AlarmActivation.ACTIVE, AlarmActivation.INACTIVE):
        return state == AlarmActivation.ACTIVE
    return None


def _thermic(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The thermic engine's block (``engines[]``, the deprecated ``engine`` as fallback)."""
    for source in ("engines", "engine"):
        for item in as_list(data.get(source)):
            thermic = as_mapping(dig(item, "extension", "thermic"))
            if thermic is not None:
                return thermic
    return {}


def _preconditioning_status(data: Mapping[str, Any]) -> str | None:
    for key in ("preconditioning", "preconditionning"):
        status = to_str(dig(data, key, "airConditioning", "status"))
        if status is not None:
            return status
    return None


def _odometer(data: Mapping[str, Any]) -> float | None:
    for key in ODOMETER_KEYS:
        mileage = _non_negative(dig(data.get(key), "mileage"))
        if mileage is not None:
            return mileage
    return None


def _without_placeholder(
    fuel: Energy | None, electric: Energy | None, service: str | None
) -> Energy | None:
    """The fuel energy, unless it is the empty ``Fuel`` item electric cars carry.

    ``service.type`` decides when the car sends it; otherwise a fuel energy with no
    level and no autonomy beside an electric one is a placeholder.
    """
    if fuel is None or service == Motorization.ELECTRIC:
        return None
    if service in Motorization:
        return fuel
    placeholder = not fuel.level_pct and fuel.autonomy_km is None and electric is not None
    return None if placeholder else fuel


def parse_status(doc: object) -> VehicleStatus:
    """The status document; every missing or odd block becomes ``None``."""
    data = require_mapping(doc, "status")
    energies = _energies(data)
    lock_states = tuple(
        state for state in map(to_str, as_list(dig(data, "doorsState", "lockedStates"))) if state
    )
    service_type = to_canonical(dig(data, "service", "type"), Motorization)
    electric = energies.get(EnergyKind.ELECTRIC.lower())
    thermic = _thermic(data)
    return VehicleStatus(
        updated_at=parse_timestamp(block_time(data)),
        fuel=_without_placeholder(energies.get(EnergyKind.FUEL.lower()), electric, service_type),
        electric=electric,
        odometer_km=_odometer(data),
        position=parse_position(data.get("lastPosition")),
        moving=to_bool(dig(data, "kinetic", "moving")),
        speed_kmh=_non_negative(dig(data, "kinetic", "speed")),
        ignition=to_canonical(dig(data, "ignition", "type"), Ignition),
        doors_locked=_doors_locked(lock_states),
        battery_12v_pct=_percentage(dig(data, "battery", "voltage")),
        outside_temperature_c=to_float(dig(data, "environment", "air", "temp")),
        preconditioning_status=_preconditioning_status(data),
        privacy_state=to_canonical(dig(data, "privacy", "state"), PrivacyState),
        service_type=service_type,
        door_openings=_door_openings(data),
        alarm_active=_alarm_active(data),
        coolant_temperature_c=_engine_temperature(dig(thermic, "coolant", "temp")),
        oil_temperature_c=_engine_temperature(dig(thermic, "oil", "temp")),
    )
