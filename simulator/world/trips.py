"""Trips the living world records: opened when a car leaves, closed when it parks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Point = tuple[float, float, float]

TRIPS_KEPT = 200


@dataclass
class TripRecord:
    """One trip as the car's backend knows it (true figures, in plain units)."""

    id: str
    started_at: datetime
    start_position: Point | None
    start_mileage_km: float
    start_fuel_pct: float | None
    start_soc_pct: float | None
    start_fuel_autonomy_km: int | None
    start_electric_autonomy_km: int | None
    privacy_fault: str | None = None
    """``GeoPrivacy`` or ``FullPrivacy`` when privacy hid part of the trip."""
    stopped_at: datetime | None = None
    stop_position: Point | None = None
    end_fuel_pct: float | None = None
    end_soc_pct: float | None = None
    end_fuel_autonomy_km: int | None = None
    end_electric_autonomy_km: int | None = None
    distance_km: float = 0.0
    electric_km: float = 0.0
    fuel_l: float = 0.0
    electric_kwh: float = 0.0
    max_speed_kmh: float = 0.0
    seconds: float = 0.0

    @property
    def done(self) -> bool:
        """Whether the car has parked since."""
        return self.stopped_at is not None

    def duration_s(self, now: datetime) -> int:
        """Seconds from the start to the stop (or to ``now`` while driving)."""
        return int(((self.stopped_at or now) - self.started_at).total_seconds())

    def avg_speed_kmh(self) -> float:
        """Distance over time driven."""
        return self.distance_km / self.seconds * 3600 if self.seconds > 0 else 0.0

    def electric_share_pct(self) -> float | None:
        """Share of the distance driven on electricity."""
        if self.distance_km <= 0:
            return None
        return self.electric_km / self.distance_km * 100

    def truth(self, now: datetime) -> dict[str, object]:
        """What a correct client shows for this trip."""
        return {
            "id": self.id,
            "done": self.done,
            "started_at": self.started_at.isoformat(),
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "distance_km": round(self.distance_km, 3),
            "duration_s": self.duration_s(now),
            "avg_speed_kmh": round(self.avg_speed_kmh(), 2),
            "fuel_l": round(self.fuel_l, 3),
            "electric_kwh": round(self.electric_kwh, 3),
            "electric_share_pct": self.electric_share_pct(),
            "privacy_fault": self.privacy_fault,
        }
