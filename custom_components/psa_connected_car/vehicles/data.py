"""What the integration knows about one car, and the facts derived from it.

Entities, events, triggers and the polling planner ask these properties rather than
reading the API models themselves: each fact is decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..api import (
    Alert,
    Charging,
    Energy,
    Maintenance,
    Motorization,
    Position,
    TripFigures,
    Vehicle,
    VehicleStatus,
)


@dataclass(frozen=True, slots=True)
class VehicleData:
    """Everything known about one car after a refresh."""

    vehicle: Vehicle
    status: VehicleStatus | None = None
    maintenance: Maintenance | None = None
    alerts: tuple[Alert, ...] = ()
    available: bool = True
    maintenance_fetched_at: datetime | None = None
    refreshed_at: datetime | None = None
    alerts_fetched_at: datetime | None = None
    alerts_status: VehicleStatus | None = None
    """The status the alerts were read with: no new upload, no new alert."""
    last_trip: TripFigures | None = None
    """The last finished trip (kept across restarts by ``trips.reads``)."""
    trip_unread: bool = False
    """A trip ended (a push said so) and its figures are still to be read."""
    collisions_fetched_at: datetime | None = None
    drove_since_collisions: bool = False
    """The car was seen driving since its collisions were last read (or since the start)."""

    @property
    def fuel(self) -> Energy | None:
        """The fuel tank; an electric car has none, whatever placeholder its status lists."""
        if self.status is None or self.vehicle.motorization == Motorization.ELECTRIC:
            return None
        return self.status.fuel

    @property
    def engine_running(self) -> bool | None:
        """Ignition on; ``None`` while unknown."""
        return self.status.engine_running if self.status is not None else None

    @property
    def is_active(self) -> bool:
        """Driving or ignition on: worth polling often."""
        status = self.status
        return status is not None and (bool(status.moving) or bool(status.engine_running))

    @property
    def charging(self) -> Charging | None:
        """The traction battery's charging block (``None`` for a car without one)."""
        return self.status.charging if self.status is not None else None

    @property
    def charging_in_progress(self) -> bool | None:
        """The battery charges now; ``None`` while its charging status is unknown."""
        return self.charging.in_progress if self.charging is not None else None

    @property
    def is_charging(self) -> bool:
        """The traction battery is charging: its level changes without a push saying so."""
        return bool(self.charging_in_progress)

    @property
    def next_delayed_charge_at(self) -> datetime | None:
        """When the next delayed charge starts, counted from the time the car reported it."""
        status, charging = self.status, self.charging
        if status is None or charging is None or charging.next_delayed_in is None:
            return None
        electric = status.electric
        reported_at = (electric.updated_at if electric else None) or status.updated_at
        return reported_at + charging.next_delayed_in if reported_at is not None else None

    @property
    def service_due(self) -> bool | None:
        """Service due or overdue; ``None`` while the maintenance document says nothing."""
        return self.maintenance.service_due if self.maintenance is not None else None

    @property
    def critical_alert(self) -> bool:
        """One of the active alerts is critical."""
        return any(alert.critical for alert in self.alerts)

    @property
    def picture(self) -> str | None:
        """The car's first picture with a web address (others are not shown)."""
        return next(
            (url for url in self.vehicle.pictures if url.startswith(("https://", "http://"))),
            None,
        )

    @property
    def position(self) -> Position | None:
        """The last position the car shares (none while privacy mode hides it)."""
        return self.status.shared_position if self.status is not None else None
