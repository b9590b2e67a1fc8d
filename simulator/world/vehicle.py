"""Vehicle state (what is true now) and snapshots (what the car last uploaded)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
import random
from typing import Any

from simulator.brands import Brand, Model
from simulator.world.alerts import AlertRecord
from simulator.world.trips import TripRecord

TELEMETRY_KEPT = 30
DELAYED_CHARGE_START = time(22, 30)
"""A plugged car that is not charging waits for this (UTC) time of the off-peak tariff."""


@dataclass
class TripPlan:
    """An ongoing trip: drive towards ``dest`` for at most ``remaining_s``."""

    dest_lat: float
    dest_lon: float
    speed_kmh: float
    remaining_s: float
    wiggle_deg: float = 0.0
    wiggle_left_km: float = 0.0
    distance_km: float = 0.0


def delayed_charge_wait_s(
    at: datetime, plugged: bool, charging_status: str, start_at: time = DELAYED_CHARGE_START
) -> float:
    """Seconds from ``at`` until the delayed charge starts at ``start_at`` (0: none scheduled)."""
    if not plugged or charging_status == "InProgress":
        return 0.0
    start = datetime.combine(at.date(), start_at, tzinfo=at.tzinfo)
    if start <= at:
        start += timedelta(days=1)
    return (start - at).total_seconds()


@dataclass(frozen=True)
class Snapshot:
    """The data a car uploaded at ``at``; the API serves only this."""

    at: datetime
    lat: float
    lon: float
    alt: float
    heading: int
    moving: bool
    speed_kmh: float
    ignition: str
    odometer_km: float
    fuel_pct: float | None
    fuel_autonomy_km: int | None
    soc_pct: float | None
    electric_autonomy_km: int | None
    plugged: bool
    charging_status: str
    charging_rate_kmh: int
    charging_mode: str
    charge_remaining_s: float
    locked: bool
    open_doors: tuple[str, ...]
    privacy: str
    battery_12v: float
    air_temp: float
    daylight: bool
    coolant_temp: float
    oil_temp: float
    precond_status: str
    maintenance_days: int
    maintenance_km: float
    delayed_charge_start: time = DELAYED_CHARGE_START


@dataclass
class Collision:
    """A recorded collision."""

    id: str
    at: datetime
    side: str
    severity: str


@dataclass
class Vehicle:
    """The live state of one simulated car."""

    index: int
    id: str
    vin: str
    brand: Brand
    model: Model
    owner: str
    created_at: datetime
    home_lat: float
    home_lon: float
    lat: float
    lon: float
    alt: float
    heading: float
    odometer_km: float
    fuel_pct: float | None
    soc_pct: float | None
    maintenance_due: datetime
    maintenance_due_km: float
    rng: random.Random
    elapsed: float = 0.0
    speed_kmh: float = 0.0
    trip: TripPlan | None = None
    plugged: bool = False
    charging_status: str = "Disconnected"
    charge_kw: float = 0.0
    locked: bool = True
    open_doors: tuple[str, ...] = ()
    privacy: str = "None"
    battery_12v: float = 96.0
    coolant_temp: float = 18.0
    oil_temp: float = 18.0
    air_temp: float = 15.0
    precond_until: float = -1.0
    lock_at: float = -1.0
    awake_until: float = 0.0
    next_upload: float = 0.0
    alerts: list[AlertRecord] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    quirks: frozenset[str] = frozenset()
    snapshot: Snapshot | None = None
    history: deque[Snapshot] = field(default_factory=lambda: deque(maxlen=TELEMETRY_KEPT))
    alert_counter: int = 0
    trips: list[TripRecord] = field(default_factory=list)
    """Recorded trips, oldest first (the last one may be under way)."""
    delayed_charge_start: time = DELAYED_CHARGE_START
    """Time of day (UTC) of the delayed charge (a charging remote can move it)."""
    precond_programs: dict[int, dict[str, Any]] | None = None
    """Preconditioning programs by slot once a remote set them (None: the factory one)."""
    navigation: dict[str, Any] | None = None
    """The last destination a navigation remote sent."""

    @property
    def motorization(self) -> str:
        """Thermic, Electric or Hybrid."""
        return self.model.motorization

    @property
    def has_fuel(self) -> bool:
        """Whether the car has a fuel tank."""
        return self.fuel_pct is not None

    @property
    def has_battery(self) -> bool:
        """Whether the car has a traction battery."""
        return self.soc_pct is not None

    @property
    def moving(self) -> bool:
        """Whether the car is driving."""
        return self.trip is not None

    def active_alerts(self) -> list[AlertRecord]:
        """Alerts still on."""
        return [alert for alert in self.alerts if alert.active]

    def position(self) -> tuple[float, float, float]:
        """(longitude, latitude, altitude) as GeoJSON orders it."""
        return (round(self.lon, 6), round(self.lat, 6), round(self.alt, 1))

    def fuel_autonomy(self) -> int | None:
        """Kilometres left on fuel."""
        if self.fuel_pct is None or not self.model.fuel_l_per_100km:
            return None
        litres = self.fuel_pct / 100 * self.model.tank_l
        return int(litres / self.model.fuel_l_per_100km * 100)

    def electric_autonomy(self) -> int | None:
        """Kilometres left on the battery."""
        if self.soc_pct is None or not self.model.kwh_per_100km:
            return None
        kwh = self.soc_pct / 100 * self.model.battery_kwh
        return int(kwh / self.model.kwh_per_100km * 100)

    def charge_remaining_s(self) -> float:
        """Seconds until full at the current charging power."""
        if self.soc_pct is None or self.charging_status != "InProgress" or self.charge_kw <= 0:
            return 0.0
        missing_kwh = (100 - self.soc_pct) / 100 * self.model.battery_kwh
        return missing_kwh / self.charge_kw * 3600

    def take_snapshot(self, now: datetime, daylight: bool) -> Snapshot:
        """Record what the car uploads now."""
        charging = self.charging_status == "InProgress"
        rate = 0
        if charging and self.model.kwh_per_100km:
            rate = min(500, int(self.charge_kw / self.model.kwh_per_100km * 100))
        days = (self.maintenance_due - now).total_seconds() / 86400
        snap = Snapshot(
            at=now,
            lat=round(self.lat, 6),
            lon=round(self.lon, 6),
            alt=round(self.alt, 1),
            heading=int(self.heading) % 360,
            moving=self.moving,
            speed_kmh=round(self.speed_kmh, 1),
            ignition="Start" if self.moving else "Stop",
            odometer_km=round(self.odometer_km, 1),
            fuel_pct=None if self.fuel_pct is None else round(self.fuel_pct, 1),
            fuel_autonomy_km=self.fuel_autonomy(),
            soc_pct=None if self.soc_pct is None else round(self.soc_pct, 1),
            electric_autonomy_km=self.electric_autonomy(),
            plugged=self.plugged,
            charging_status=self.charging_status,
            charging_rate_kmh=rate,
            charging_mode="Slow"
            if charging and self.charge_kw < 20
            else ("Quick" if charging else "No"),
            charge_remaining_s=self.charge_remaining_s(),
            locked=self.locked,
            open_doors=self.open_doors,
            privacy=self.privacy,
            battery_12v=round(self.battery_12v, 1),
            air_temp=round(self.air_temp, 1),
            daylight=daylight,
            coolant_temp=round(self.coolant_temp, 1),
            oil_temp=round(self.oil_temp, 1),
            precond_status="Enabled" if self.precond_until > self.elapsed else "Disabled",
            maintenance_days=int(days // 1),
            maintenance_km=round(self.maintenance_due_km - self.odometer_km, 1),
            delayed_charge_start=self.delayed_charge_start,
        )
        self.snapshot = snap
        self.history.append(snap)
        return snap

    def current_snapshot(self) -> Snapshot:
        """The last upload (every vehicle uploads once when it is created)."""
        assert self.snapshot is not None
        return self.snapshot

    def with_privacy(self, state: str) -> None:
        """Change the privacy mode (the car uploads it at once)."""
        self.privacy = state
        if self.snapshot is not None:
            self.snapshot = replace(self.snapshot, privacy=state)
