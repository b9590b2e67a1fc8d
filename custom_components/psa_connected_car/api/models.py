"""Immutable data models; every measured field names its unit in its suffix.

Personal data (VIN, e-mail, coordinates, webhook addresses and secrets) is kept
out of ``repr()`` so a model that reaches a log line does not leak it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class EnergyKind(StrEnum):
    """Energy types the API knows (other values are kept as raw strings)."""

    FUEL = "Fuel"
    ELECTRIC = "Electric"


@dataclass(frozen=True)
class User:
    """The signed-in account."""

    id: str | None
    email: str | None = field(repr=False)
    first_name: str | None = field(repr=False)
    last_name: str | None = field(repr=False)


@dataclass(frozen=True)
class Vehicle:
    """A vehicle of the account; ``id`` is the API identifier, not the VIN."""

    id: str
    vin: str = field(repr=False)
    brand: str | None
    label: str | None
    motorization: str | None
    pictures: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Position:
    """A GeoJSON point with its properties (coordinates in degrees)."""

    latitude: float = field(repr=False)
    longitude: float = field(repr=False)
    altitude_m: float | None = field(repr=False)
    heading_deg: float | None
    position_type: str | None
    signal_quality: float | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Charging:
    """Charging state of the traction battery."""

    plugged: bool | None
    status: str | None
    remaining_time: timedelta | None
    rate_kmh: float | None
    mode: str | None
    next_delayed_time: timedelta | None


@dataclass(frozen=True)
class Energy:
    """One energy of the vehicle (fuel tank or traction battery)."""

    kind: str
    level_pct: float | None
    autonomy_km: float | None
    charging: Charging | None
    battery_health_pct: float | None
    updated_at: datetime | None


@dataclass(frozen=True)
class VehicleStatus:
    """The latest known state of a vehicle."""

    updated_at: datetime | None
    fuel: Energy | None
    electric: Energy | None
    odometer_km: float | None
    position: Position | None
    moving: bool | None
    speed_kmh: float | None
    ignition: str | None
    doors_locked: bool | None
    battery_voltage: float | None
    outside_temperature_c: float | None
    preconditioning_status: str | None
    privacy_state: str | None
    alarm_active: bool | None
    engine_temperature_c: float | None
    service_type: str | None
    lock_states: tuple[str, ...] = ()
    open_doors: tuple[str, ...] = ()

    @property
    def total_autonomy_km(self) -> float | None:
        """Fuel plus electric autonomy, counting only the energies that report one."""
        values = [
            energy.autonomy_km
            for energy in (self.fuel, self.electric)
            if energy is not None and energy.autonomy_km is not None
        ]
        return sum(values) if values else None


@dataclass(frozen=True)
class Maintenance:
    """Distance and time left before the next service (negative: overdue)."""

    days_before_maintenance: int | None
    mileage_before_maintenance_km: float | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Alert:
    """A dashboard alert; unknown ``type`` and ``severity`` values are kept raw."""

    id: str
    type: str
    severity: str | None
    active: bool
    started_at: datetime | None
    ended_at: datetime | None
    message: str | None
    position: Position | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Callback:
    """A registered webhook target (its address and attributes may hold secrets)."""

    id: str
    target: str | None = field(repr=False)
    attributes: dict[str, str] = field(repr=False, hash=False)
    label: str | None
    status: str | None


@dataclass(frozen=True)
class Monitor:
    """A monitor that pushes vehicle events to a callback."""

    id: str
    label: str | None
    status: str | None
    extended_events: tuple[str, ...] = ()
    trigger_data: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
