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


class Motorization(StrEnum):
    """What drives a car (``motorization`` of a vehicle, ``service.type`` of a status)."""

    THERMIC = "Thermic"
    ELECTRIC = "Electric"
    HYBRID = "Hybrid"
    HYDROGEN = "Hydrogen"


class Ignition(StrEnum):
    """``ignition.type`` of a status."""

    STOP = "Stop"
    START_UP = "StartUp"
    START = "Start"
    FREE = "Free"


class ChargingStatus(StrEnum):
    """``charging.status`` of the traction battery."""

    DISCONNECTED = "Disconnected"
    IN_PROGRESS = "InProgress"
    FAILURE = "Failure"
    STOPPED = "Stopped"
    FINISHED = "Finished"


class ChargingMode(StrEnum):
    """``charging.chargingMode``: how fast the battery charges (``No`` while it does not)."""

    NO = "No"
    SLOW = "Slow"
    QUICK = "Quick"


class DoorOpening(StrEnum):
    """``state`` of a ``doorsState.opening[]`` item."""

    OPEN = "Open"
    CLOSED = "Closed"


class Door(StrEnum):
    """``identifier`` of a ``doorsState.opening[]`` item."""

    DRIVER = "Driver"
    PASSENGER = "Passenger"
    REAR_LEFT = "RearLeft"
    REAR_RIGHT = "RearRight"
    TRUNK = "Trunk"
    REAR_WINDOW = "RearWindow"
    ROOF_WINDOW = "RoofWindow"


class AlarmActivation(StrEnum):
    """``alarm.status.activation``: whether the anti-theft alarm is armed."""

    ACTIVE = "Active"
    INACTIVE = "Inactive"


class PrivacyState(StrEnum):
    """``privacy.state``: what the car keeps to itself."""

    NONE = "None"
    GEOLOCATION = "Geolocation"
    FULL = "Full"


class AlertSeverity(StrEnum):
    """``severity`` of an alert."""

    INFORMATION = "Information"
    WARNING = "Warning"
    CRITICAL = "Critical"


PRECONDITIONING_ON = frozenset({"enabled", "active", "activated", "inprogress", "running"})
"""``airConditioning.status`` values (case-folded) meaning heating or cooling runs."""


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
    """As the API writes it: a name (``Peugeot``) or a one-letter code (``C``)."""
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
    updated_at: datetime | None


@dataclass(frozen=True)
class Charging:
    """Charging state of the traction battery."""

    plugged: bool | None
    status: str | None
    """A ``ChargingStatus`` when the API's value is one, else the raw text."""
    remaining_time: timedelta | None
    rate_kmh: float | None
    mode: str | None = None
    """A ``ChargingMode`` when the API's value is one, else the raw text."""
    next_delayed_in: timedelta | None = None
    """Time from the report to the next delayed (scheduled) charge; ``None`` when none is set."""

    @property
    def in_progress(self) -> bool | None:
        """Whether the battery is charging now (``None`` while the status is unknown)."""
        return None if self.status is None else self.status == ChargingStatus.IN_PROGRESS


@dataclass(frozen=True)
class Energy:
    """One energy of the vehicle (fuel tank or traction battery)."""

    kind: str
    level_pct: float | None
    autonomy_km: float | None
    charging: Charging | None
    updated_at: datetime | None
    health_pct: float | None = None
    """Traction battery state of health (its capacity against a new one)."""


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
    """An ``Ignition`` when the API's value is one, else the raw text."""
    doors_locked: bool | None
    battery_12v_pct: float | None
    """State of the 12 V battery: the catalog documents a percentage, not volts."""
    outside_temperature_c: float | None
    preconditioning_status: str | None
    privacy_state: str | None
    """A ``PrivacyState`` when the API's value is one, else the raw text."""
    service_type: str | None
    """A ``Motorization`` when the API's value is one, else the raw text."""
    door_openings: tuple[tuple[str, bool], ...] = ()
    """Each reported door (a ``Door`` when known) with whether it is open."""
    alarm_active: bool | None = None
    coolant_temperature_c: float | None = None
    oil_temperature_c: float | None = None
    odometer_held: bool = field(default=False, compare=False)
    """``odometer_km`` is an earlier reading kept in place of a bad one (not an API field)."""

    @property
    def preconditioning_on(self) -> bool | None:
        """Heating or air conditioning of the parked car runs; ``None`` while unknown."""
        state = self.preconditioning_status
        return None if state is None else state.casefold() in PRECONDITIONING_ON

    def door_open(self, door: str) -> bool | None:
        """Whether one door is open; ``None`` while the car does not report it."""
        return dict(self.door_openings).get(door)

    @property
    def engine_running(self) -> bool | None:
        """Ignition on (``Start`` or ``StartUp``); ``None`` while unknown."""
        if self.ignition is None:
            return None
        return self.ignition in (Ignition.START, Ignition.START_UP)

    @property
    def position_hidden(self) -> bool:
        """Privacy mode keeps the position to the car, whatever the answer carries."""
        return self.privacy_state in (PrivacyState.GEOLOCATION, PrivacyState.FULL)

    @property
    def shared_position(self) -> Position | None:
        """The position, unless privacy mode hides it."""
        return None if self.position_hidden else self.position

    @property
    def charging(self) -> Charging | None:
        """The traction battery's charging block, when the car has one."""
        return self.electric.charging if self.electric is not None else None

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

    @property
    def service_due(self) -> bool | None:
        """Due or overdue, by time or by distance; ``None`` when neither is known."""
        days, distance = self.days_before_maintenance, self.mileage_before_maintenance_km
        if days is None and distance is None:
            return None
        return (days is not None and days <= 0) or (distance is not None and distance <= 0)


@dataclass(frozen=True)
class Alert:
    """A dashboard alert; unknown ``type`` and ``severity`` values are kept raw."""

    id: str
    type: str
    severity: str | None
    """An ``AlertSeverity`` when the API's value is one, else the raw text."""
    active: bool
    started_at: datetime | None
    ended_at: datetime | None
    message: str | None
    position: Position | None = field(default=None, repr=False)

    @property
    def critical(self) -> bool:
        """Whether the alert is critical."""
        return self.severity == AlertSeverity.CRITICAL


@dataclass(frozen=True)
class Callback:
    """A registered webhook target (its address and attributes may hold secrets)."""

    id: str
    target: str | None = field(repr=False)
    attributes: dict[str, str] = field(repr=False, hash=False)
    label: str | None
    status: str | None
    types: tuple[str, ...] | None = None
    """The features it serves (``Monitor``, ``Remote``); ``None`` when the API did not say."""


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
