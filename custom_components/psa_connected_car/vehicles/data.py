"""What the integration knows about one car, and what that says about how to poll it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..api import Alert, Maintenance, Vehicle, VehicleStatus

ACTIVE_IGNITION = frozenset({"Start", "StartUp"})


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

    @property
    def is_active(self) -> bool:
        """Driving or ignition on: worth polling often."""
        status = self.status
        return status is not None and (bool(status.moving) or status.ignition in ACTIVE_IGNITION)

    @property
    def is_charging(self) -> bool:
        """The traction battery is charging: its level changes without a push saying so."""
        electric = self.status.electric if self.status is not None else None
        charging = electric.charging if electric is not None else None
        return charging is not None and (charging.status or "").lower() == "inprogress"
