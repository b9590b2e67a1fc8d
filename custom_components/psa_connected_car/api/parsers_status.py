"""Parse ``GET /user/vehicles/{id}/status`` into a ``VehicleStatus``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import Charging, Energy, EnergyKind, VehicleStatus
from .parsers import block_time, parse_position, require_mapping
from .parsing import (
    ENGINE_TEMPERATURE_INVALID_C,
    as_list,
    as_mapping,
    dig,
    parse_duration,
    parse_timestamp,
    to_bool,
    to_float,
    to_str,
)


def _percentage(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and 0 <= number <= 100 else None


def _non_negative(value: object) -> float | None:
    number = to_float(value)
    return number if number is not None and number >= 0 else None


def _parse_charging(block: object) -> Charging | None:
    data = as_mapping(block)
    if not data:
        return None
    mode = data.get("chargingMode")
    return Charging(
        plugged=to_bool(data.get("plugged")),
        status=to_str(data.get("status")),
        remaining_time=parse_duration(data.get("remainingTime")),
        rate_kmh=_non_negative(data.get("chargingRate")),
        mode="No" if mode is False else to_str(mode),
        next_delayed_time=parse_duration(data.get("nextDelayedTime")),
    )


def _parse_energy(data: Mapping[str, Any]) -> Energy | None:
    kind = to_str(data.get("type"))
    if kind is None:
        return None
    electric = as_mapping(dig(data, "extension", "electric")) or {}
    charging = electric.get("charging", data.get("charging"))
    battery = electric.get("battery", data.get("battery"))
    health = dig(battery, "health")
    health_pct = dig(health, "capacity") if isinstance(health, Mapping) else health
    return Energy(
        kind=kind,
        level_pct=_percentage(data.get("level")),
        autonomy_km=_non_negative(data.get("autonomy")),
        charging=_parse_charging(charging),
        battery_health_pct=_percentage(health_pct),
        updated_at=parse_timestamp(block_time(data)),
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


def _open_doors(block: object) -> tuple[str, ...]:
    return tuple(
        name
        for item in as_list(dig(block, "opening"))
        if (name := to_str(dig(item, "identifier"))) and to_str(dig(item, "state")) == "Open"
    )


def _engine_temperature(data: Mapping[str, Any]) -> float | None:
    sentinels = (ENGINE_TEMPERATURE_INVALID_C,)
    for engine in as_list(data.get("engines")):
        for path in (("extension", "thermic", "coolant", "temp"), ("oil", "temp")):
            temperature = to_float(dig(engine, *path), sentinels=sentinels)
            if temperature is not None:
                return temperature
    return None


def _preconditioning_status(data: Mapping[str, Any]) -> str | None:
    for key in ("preconditioning", "preconditionning"):
        status = to_str(dig(data, key, "airConditioning", "status"))
        if status is not None:
            return status
    return None


def _alarm_active(data: Mapping[str, Any]) -> bool | None:
    activation = to_str(dig(data, "alarm", "status", "activation"))
    if activation is None:
        return None
    return {"active": True, "inactive": False}.get(activation.lower())


def parse_status(doc: object) -> VehicleStatus:
    """The status document; every missing or odd block becomes ``None``."""
    data = require_mapping(doc, "status")
    energies = _energies(data)
    lock_states = tuple(
        state for state in map(to_str, as_list(dig(data, "doorsState", "lockedStates"))) if state
    )
    return VehicleStatus(
        updated_at=parse_timestamp(block_time(data)),
        fuel=energies.get(EnergyKind.FUEL.lower()),
        electric=energies.get(EnergyKind.ELECTRIC.lower()),
        odometer_km=_non_negative(dig(data, "odometer", "mileage")),
        position=parse_position(data.get("lastPosition")),
        moving=to_bool(dig(data, "kinetic", "moving")),
        speed_kmh=_non_negative(dig(data, "kinetic", "speed")),
        ignition=to_str(dig(data, "ignition", "type")),
        doors_locked=_doors_locked(lock_states),
        battery_voltage=to_float(dig(data, "battery", "voltage")),
        outside_temperature_c=to_float(dig(data, "environment", "air", "temp")),
        preconditioning_status=_preconditioning_status(data),
        privacy_state=to_str(dig(data, "privacy", "state")),
        alarm_active=_alarm_active(data),
        engine_temperature_c=_engine_temperature(data),
        service_type=to_str(dig(data, "service", "type")),
        lock_states=lock_states,
        open_doors=_open_doors(data.get("doorsState")),
    )
