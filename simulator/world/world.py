"""The set of vehicles, evolved lazily up to the simulated clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from simulator.brands import BRANDS
from simulator.clock import SimClock, iso
from simulator.ids import long_hex_id
from simulator.world import physics
from simulator.world.alerts import ALERT_TYPES, SEVERITIES, AlertRecord
from simulator.world.fleet import MOTORIZATIONS, build_fleet, new_vehicle
from simulator.world.trips import TripRecord
from simulator.world.vehicle import Collision, Vehicle, delayed_charge_wait_s

PRIVACY_STATES = ("None", "Geolocation", "Full")
COLLISION_SIDES = ("Front", "Rear", "Lateral")
COLLISION_SEVERITIES = ("Minimal", "Minor", "Major")
UploadHook = Callable[[Vehicle], None]


class World:
    """All the cars; each evolves deterministically from its own seeded RNG."""

    def __init__(
        self, seed: int, scenario: str, count: int, clock: SimClock, *, autonomous: bool = True
    ) -> None:
        self.seed = seed
        self.clock = clock
        self.autonomous = autonomous
        self.vehicles: dict[str, Vehicle] = {
            v.id: v for v in build_fleet(seed, scenario, count, clock.start)
        }
        self.on_upload: UploadHook | None = None
        self._added = 0

    def sync(self) -> None:
        """Bring every car up to the clock's current time."""
        target = self.clock.elapsed()
        for vehicle in list(self.vehicles.values()):
            self._evolve(vehicle, target)

    def _evolve(self, vehicle: Vehicle, target: float) -> None:
        start = self.clock.start
        while vehicle.elapsed < target - 1e-9:
            before = vehicle.snapshot
            physics.evolve(
                vehicle,
                min(target, vehicle.elapsed + physics.step_size(vehicle)),
                start,
                self.autonomous,
            )
            if vehicle.snapshot is not before and self.on_upload is not None:
                self.on_upload(vehicle)

    def now(self) -> datetime:
        """Simulated time."""
        return self.clock.now()

    def get(self, vehicle_id: str) -> Vehicle:
        """The vehicle, or KeyError."""
        return self.vehicles[vehicle_id]

    def vehicles_of(self, email: str) -> list[str]:
        """Ids of an account's cars, in creation order."""
        return [v.id for v in self.vehicles.values() if v.owner == email.lower()]

    def add_vehicle(self, owner: str, motorization: str | None = None) -> str:
        """Create one more (parked) car for ``owner``."""
        self.sync()
        self._added += 1
        index = 100 + self._added
        chosen = motorization or MOTORIZATIONS[self._added % len(MOTORIZATIONS)]
        if chosen not in MOTORIZATIONS:
            raise ValueError(f"motorization must be one of {MOTORIZATIONS}")
        brand = BRANDS[sorted(BRANDS)[self._added % len(BRANDS)]]
        vehicle = new_vehicle(
            self.seed,
            owner.lower(),
            index,
            brand=brand,
            motorization=chosen,
            start=self.clock.start,
        )
        vehicle.elapsed = self.clock.elapsed()
        vehicle.take_snapshot(self.now(), physics.is_daylight(self.now()))
        self.vehicles[vehicle.id] = vehicle
        return vehicle.id

    def remove_vehicle(self, vehicle_id: str) -> None:
        """Forget a car (KeyError when unknown)."""
        del self.vehicles[vehicle_id]

    def raise_alert(self, vehicle_id: str, alert_type: str, severity: str) -> str:
        """Raise an alert now (ValueError for a type or severity outside the spec)."""
        if alert_type not in ALERT_TYPES:
            raise ValueError(f"unknown alert type {alert_type!r}")
        if severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}")
        vehicle = self._synced(vehicle_id)
        record = physics.raise_alert(vehicle, alert_type, severity, self.now())
        self._upload(vehicle)
        return record.id

    def clear_alert(self, vehicle_id: str, alert_id: str) -> None:
        """End an active alert (KeyError when unknown)."""
        vehicle = self._synced(vehicle_id)
        record = self._alert(vehicle, alert_id)
        if record.active:
            record.close(self.now(), vehicle.position())
            physics.wake(vehicle, 30)
            self._upload(vehicle)

    def start_trip(self, vehicle_id: str, duration_s: float = 1800, speed_kmh: float = 50) -> None:
        """Send the car on a trip now."""
        if duration_s <= 0 or speed_kmh <= 0:
            raise ValueError("duration_s and speed_kmh must be > 0")
        vehicle = self._synced(vehicle_id)
        physics.start_trip(vehicle, duration_s, speed_kmh, self.now())
        self._upload(vehicle)

    def add_collision(self, vehicle_id: str, side: str, severity: str) -> str:
        """Record a collision now (ValueError for a side or severity outside the spec)."""
        if side not in COLLISION_SIDES:
            raise ValueError(f"side must be one of {COLLISION_SIDES}")
        if severity not in COLLISION_SEVERITIES:
            raise ValueError(f"severity must be one of {COLLISION_SEVERITIES}")
        vehicle = self._synced(vehicle_id)
        number = len(vehicle.collisions) + 1
        collision_id = long_hex_id(vehicle.id, "collision", number, length=128)
        vehicle.collisions.append(Collision(collision_id, self.now(), side, severity))
        self._upload(vehicle)
        return collision_id

    def set_privacy(self, vehicle_id: str, state: str) -> None:
        """Change the car's privacy mode."""
        if state not in PRIVACY_STATES:
            raise ValueError(f"privacy must be one of {PRIVACY_STATES}")
        vehicle = self._synced(vehicle_id)
        vehicle.privacy = state
        physics.wake(vehicle, 30)
        self._upload(vehicle)

    def set_doors(self, vehicle_id: str, open_doors: tuple[str, ...], locked: bool) -> None:
        """Open or close doors and lock or unlock the car (the car uploads it)."""
        vehicle = self._synced(vehicle_id)
        vehicle.open_doors = open_doors
        vehicle.locked = locked
        vehicle.lock_at = -1.0
        physics.wake(vehicle, 30)
        self._upload(vehicle)

    def sleep(self, vehicle_id: str) -> None:
        """Let a parked car fall asleep now (no effect while it drives or charges)."""
        vehicle = self._synced(vehicle_id)
        vehicle.awake_until = vehicle.elapsed

    def wake_up(self, vehicle_id: str) -> None:
        """Make the car upload fresh data now (remote wake-up)."""
        vehicle = self._synced(vehicle_id)
        physics.wake(vehicle)
        self._upload(vehicle)

    def _synced(self, vehicle_id: str) -> Vehicle:
        vehicle = self.vehicles[vehicle_id]
        self._evolve(vehicle, self.clock.elapsed())
        return vehicle

    def _upload(self, vehicle: Vehicle) -> None:
        vehicle.take_snapshot(self.now(), physics.is_daylight(self.now()))
        vehicle.next_upload = vehicle.elapsed + physics.UPLOAD_MOVING
        if self.on_upload is not None:
            self.on_upload(vehicle)

    @staticmethod
    def _alert(vehicle: Vehicle, alert_id: str) -> AlertRecord:
        for record in vehicle.alerts:
            if record.id == alert_id:
                return record
        raise KeyError(alert_id)

    def truth(self) -> dict[str, dict[str, Any]]:
        """What a correct client shows: each car's last upload."""
        self.sync()
        return {vehicle.id: truth_of(vehicle) for vehicle in self.vehicles.values()}


def truth_of(vehicle: Vehicle) -> dict[str, Any]:
    """One car's uploaded state, in plain units."""
    snap = vehicle.current_snapshot()
    return {
        "vin": vehicle.vin,
        "brand": vehicle.brand.name,
        "label": vehicle.model.label,
        "owner": vehicle.owner,
        "motorization": vehicle.motorization,
        "latitude": snap.lat,
        "longitude": snap.lon,
        "fuel_level": snap.fuel_pct,
        "battery_level": snap.soc_pct,
        "odometer_km": snap.odometer_km,
        "moving": snap.moving,
        "ignition": snap.ignition,
        "charging_status": snap.charging_status,
        "charging_mode": snap.charging_mode,
        "next_delayed_charge_s": delayed_charge_wait_s(
            snap.at, snap.plugged, snap.charging_status, snap.delayed_charge_start
        ),
        "open_doors": list(snap.open_doors),
        "battery_12v": snap.battery_12v,
        "coolant_temp": snap.coolant_temp,
        "oil_temp": snap.oil_temp,
        "locked": snap.locked,
        "privacy": snap.privacy,
        "maintenance_days": snap.maintenance_days,
        "maintenance_km": snap.maintenance_km,
        "active_alerts": [
            {"id": a.id, "type": a.type, "severity": a.severity} for a in vehicle.active_alerts()
        ],
        "updated_at": iso(snap.at),
        "last_trip": last_done.truth(snap.at) if (last_done := _last_done(vehicle)) else None,
    }


def _last_done(vehicle: Vehicle) -> TripRecord | None:
    """The last trip the car has finished."""
    return next((trip for trip in reversed(vehicle.trips) if trip.done), None)
