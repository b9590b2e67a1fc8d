"""How a car evolves over a step of simulated time (pure functions of its state and RNG)."""

from __future__ import annotations

from datetime import datetime, timedelta
import math

from simulator.ids import long_hex_id
from simulator.world import geo
from simulator.world.alerts import RANDOM_ALERTS, AlertRecord
from simulator.world.trips import TRIPS_KEPT, TripRecord
from simulator.world.vehicle import TripPlan, Vehicle

STEP_MOVING = 10.0
STEP_AWAKE = 30.0
STEP_CHARGING = 60.0
STEP_PARKED = 300.0
UPLOAD_MOVING = 30.0
UPLOAD_CHARGING = 300.0
AWAKE_AFTER_EVENT = 120.0
TRIPS_PER_PARKED_SECOND = 1 / (8 * 3600)
ALERTS_PER_SECOND = 1 / (4 * 86400)
HOME_CHARGER_KW = 7.4
LOW_FUEL_PCT = 10.0


def now_of(vehicle: Vehicle, start: datetime) -> datetime:
    """The vehicle's own clock (it is evolved lazily, on demand)."""
    return start + timedelta(seconds=vehicle.elapsed)


def is_daylight(moment: datetime) -> bool:
    """Rough daylight in Western Europe (07:00-19:00 UTC+1)."""
    return 6 <= moment.hour < 18


def step_size(vehicle: Vehicle) -> float:
    """Finer steps while something happens."""
    if vehicle.moving:
        return STEP_MOVING
    if vehicle.elapsed < vehicle.awake_until or vehicle.lock_at >= 0:
        return STEP_AWAKE
    if vehicle.charging_status == "InProgress":
        return STEP_CHARGING
    return STEP_PARKED


def evolve(vehicle: Vehicle, target: float, start: datetime, autonomous: bool) -> int:
    """Evolve ``vehicle`` up to ``target`` seconds after ``start``; return uploads made."""
    uploads = 0
    while vehicle.elapsed < target - 1e-9:
        dt = min(step_size(vehicle), target - vehicle.elapsed)
        vehicle.elapsed += dt
        step(vehicle, dt, start, autonomous)
        uploads += maybe_upload(vehicle, start)
    return uploads


def step(vehicle: Vehicle, dt: float, start: datetime, autonomous: bool) -> None:
    """One step: environment, then driving or parked life, then alerts."""
    now = now_of(vehicle, start)
    hour = now.hour + now.minute / 60
    vehicle.air_temp = 12 + 7 * math.sin((hour - 9) / 24 * 2 * math.pi)
    if vehicle.trip is not None:
        drive(vehicle, vehicle.trip, dt, now)
    else:
        parked(vehicle, dt, now, autonomous)
    if autonomous and vehicle.rng.random() < dt * ALERTS_PER_SECOND:
        random_alert(vehicle, now)
    expire_alerts(vehicle, now)
    fuel_alert(vehicle, now)


def maybe_upload(vehicle: Vehicle, start: datetime) -> int:
    """Upload a snapshot when awake and due."""
    awake = (
        vehicle.moving
        or vehicle.charging_status == "InProgress"
        or vehicle.elapsed < vehicle.awake_until
    )
    if not awake or vehicle.elapsed < vehicle.next_upload:
        return 0
    now = now_of(vehicle, start)
    vehicle.take_snapshot(now, is_daylight(now))
    vehicle.next_upload = vehicle.elapsed + (UPLOAD_MOVING if vehicle.moving else UPLOAD_CHARGING)
    return 1


def wake(vehicle: Vehicle, seconds: float = AWAKE_AFTER_EVENT) -> None:
    """Keep the car awake (uploading) for a while, starting with an upload now."""
    vehicle.awake_until = max(vehicle.awake_until, vehicle.elapsed + seconds)
    vehicle.next_upload = vehicle.elapsed


def start_trip(vehicle: Vehicle, duration_s: float, speed_kmh: float, now: datetime) -> None:
    """Start (or replace) a trip: back home when away, else somewhere around."""
    rng = vehicle.rng
    away = geo.distance_km(vehicle.lat, vehicle.lon, vehicle.home_lat, vehicle.home_lon)
    reach = max(0.2, speed_kmh * duration_s / 3600 * 0.8)
    if away > 2.0:
        dest_lat, dest_lon = vehicle.home_lat, vehicle.home_lon
    else:
        dest_lat, dest_lon = geo.destination(vehicle.lat, vehicle.lon, rng.uniform(0, 360), reach)
    vehicle.trip = TripPlan(dest_lat, dest_lon, speed_kmh, duration_s)
    if vehicle.plugged:
        vehicle.plugged = False
        vehicle.charging_status = "Disconnected"
        vehicle.charge_kw = 0.0
    vehicle.locked = True
    vehicle.open_doors = ()
    vehicle.lock_at = -1.0
    vehicle.speed_kmh = speed_kmh
    open_trip_record(vehicle, now)
    wake(vehicle)


def open_trip_record(vehicle: Vehicle, now: datetime) -> None:
    """Record a trip starting now (a trip replaced before it ended is closed first)."""
    if vehicle.trips and not vehicle.trips[-1].done:
        close_trip_record(vehicle, now)
    fault = {"Geolocation": "GeoPrivacy", "Full": "FullPrivacy"}.get(vehicle.privacy)
    record = TripRecord(
        id=long_hex_id(vehicle.id, "trip", len(vehicle.trips) + 1, length=32),
        started_at=now,
        start_position=None if fault else vehicle.position(),
        start_mileage_km=round(vehicle.odometer_km, 1),
        start_fuel_pct=vehicle.fuel_pct,
        start_soc_pct=vehicle.soc_pct,
        start_fuel_autonomy_km=vehicle.fuel_autonomy(),
        start_electric_autonomy_km=vehicle.electric_autonomy(),
        privacy_fault=fault,
    )
    vehicle.trips.append(record)
    del vehicle.trips[:-TRIPS_KEPT]


def close_trip_record(vehicle: Vehicle, now: datetime) -> None:
    """Close the trip under way with the car's levels and position now."""
    record = vehicle.trips[-1]
    record.stopped_at = now
    if record.privacy_fault is None and vehicle.privacy == "None":
        record.stop_position = vehicle.position()
    record.end_fuel_pct = vehicle.fuel_pct
    record.end_soc_pct = vehicle.soc_pct
    record.end_fuel_autonomy_km = vehicle.fuel_autonomy()
    record.end_electric_autonomy_km = vehicle.electric_autonomy()


def drive(vehicle: Vehicle, plan: TripPlan, dt: float, now: datetime) -> None:
    """Move along a wiggly road towards the destination, using energy."""
    rng = vehicle.rng
    vehicle.speed_kmh = max(5.0, plan.speed_kmh * rng.uniform(0.85, 1.1))
    km = vehicle.speed_kmh * dt / 3600
    left = geo.distance_km(vehicle.lat, vehicle.lon, plan.dest_lat, plan.dest_lon)
    if plan.wiggle_left_km <= 0:
        plan.wiggle_deg = rng.uniform(-35, 35)
        plan.wiggle_left_km = rng.uniform(0.3, 1.5)
    if km >= left:
        km = left
        vehicle.lat, vehicle.lon = plan.dest_lat, plan.dest_lon
    else:
        course = geo.bearing_deg(vehicle.lat, vehicle.lon, plan.dest_lat, plan.dest_lon)
        course += plan.wiggle_deg * min(1.0, left / 2)
        vehicle.heading = course % 360
        vehicle.lat, vehicle.lon = geo.destination(vehicle.lat, vehicle.lon, course, km)
    plan.wiggle_left_km -= km
    plan.distance_km += km
    plan.remaining_s -= dt
    vehicle.alt = min(1500.0, max(0.0, vehicle.alt + rng.uniform(-2, 2)))
    vehicle.odometer_km += km
    record_driving(vehicle, km, dt, use_energy(vehicle, km))
    vehicle.coolant_temp += (90 - vehicle.coolant_temp) * min(1.0, dt / 300)
    vehicle.oil_temp += (100 - vehicle.oil_temp) * min(1.0, dt / 600)
    vehicle.battery_12v = min(99.0, vehicle.battery_12v + dt / 3600)
    if plan.remaining_s <= 0 or km >= left:
        end_trip(vehicle, now)


def use_energy(vehicle: Vehicle, km: float) -> tuple[float, float]:
    """Electric first (hybrids run electric while the battery lasts), then fuel.

    Returns the (kWh, litres) used.
    """
    model = vehicle.model
    if vehicle.soc_pct is not None and vehicle.soc_pct > 5 and model.battery_kwh:
        kwh = km * model.kwh_per_100km / 100
        vehicle.soc_pct = max(0.0, vehicle.soc_pct - kwh / model.battery_kwh * 100)
        return kwh, 0.0
    if vehicle.fuel_pct is not None and model.tank_l:
        litres = km * model.fuel_l_per_100km / 100
        vehicle.fuel_pct = max(0.0, vehicle.fuel_pct - litres / model.tank_l * 100)
        return 0.0, litres
    return 0.0, 0.0


def record_driving(vehicle: Vehicle, km: float, dt: float, used: tuple[float, float]) -> None:
    """Add one step of driving to the trip under way."""
    if not vehicle.trips or vehicle.trips[-1].done:
        return
    record = vehicle.trips[-1]
    kwh, litres = used
    record.distance_km += km
    record.seconds += dt
    record.electric_kwh += kwh
    record.fuel_l += litres
    if kwh > 0:
        record.electric_km += km
    record.max_speed_kmh = max(record.max_speed_kmh, vehicle.speed_kmh)


def end_trip(vehicle: Vehicle, now: datetime) -> None:
    """Park: unlock for a minute, plug in or refuel when low, upload."""
    rng = vehicle.rng
    vehicle.trip = None
    vehicle.speed_kmh = 0.0
    if vehicle.trips and not vehicle.trips[-1].done:
        close_trip_record(vehicle, now)
    vehicle.locked = False
    vehicle.open_doors = ("Driver",)
    vehicle.lock_at = vehicle.elapsed + 60
    if vehicle.fuel_pct is not None and vehicle.fuel_pct < 15:
        vehicle.fuel_pct = 100.0
    if vehicle.soc_pct is not None and vehicle.soc_pct < 80 and rng.random() < 0.7:
        plug_in(vehicle)
    wake(vehicle)


def plug_in(vehicle: Vehicle, kw: float = HOME_CHARGER_KW) -> None:
    """Connect a charger and start charging."""
    vehicle.plugged = True
    vehicle.charging_status = "InProgress"
    vehicle.charge_kw = kw


def parked(vehicle: Vehicle, dt: float, now: datetime, autonomous: bool) -> None:
    """Cool down, drain the 12 V battery, charge, lock, maybe leave on a trip."""
    vehicle.coolant_temp += (vehicle.air_temp - vehicle.coolant_temp) * min(1.0, dt / 1800)
    vehicle.oil_temp += (vehicle.air_temp - vehicle.oil_temp) * min(1.0, dt / 3600)
    vehicle.battery_12v = max(83.0, vehicle.battery_12v - dt / 86400 * 0.2)
    if 0 <= vehicle.precond_until <= vehicle.elapsed:
        vehicle.precond_until = -1.0
        wake(vehicle, 30)
    if 0 <= vehicle.lock_at <= vehicle.elapsed:
        vehicle.locked = True
        vehicle.open_doors = ()
        vehicle.lock_at = -1.0
        wake(vehicle, 30)
    if vehicle.charging_status == "InProgress" and vehicle.soc_pct is not None:
        gained = vehicle.charge_kw * dt / 3600 / vehicle.model.battery_kwh * 100
        vehicle.soc_pct = min(100.0, vehicle.soc_pct + gained)
        if vehicle.soc_pct >= 100.0:
            vehicle.charging_status = "Finished"
            vehicle.charge_kw = 0.0
            wake(vehicle, 30)
    if autonomous and vehicle.rng.random() < dt * TRIPS_PER_PARKED_SECOND:
        start_trip(vehicle, vehicle.rng.uniform(600, 2400), vehicle.rng.uniform(30, 90), now)


def raise_alert(
    vehicle: Vehicle,
    alert_type: str,
    severity: str,
    now: datetime,
    clears_after_s: float | None = None,
) -> AlertRecord:
    """Add an active alert (the car wakes up to upload it)."""
    vehicle.alert_counter += 1
    if "numeric_ids" in vehicle.quirks:
        alert_id = str(70000 + vehicle.alert_counter)
    else:
        alert_id = long_hex_id(vehicle.id, "alert", vehicle.alert_counter, length=128)
    record = AlertRecord(
        id=alert_id,
        type=alert_type,
        severity=severity,
        started_at=now,
        start_position=vehicle.position(),
        updated_at=now,
        clears_after_s=clears_after_s,
    )
    vehicle.alerts.append(record)
    wake(vehicle, 60)
    return record


def random_alert(vehicle: Vehicle, now: datetime) -> None:
    """The world's own faults, cleared after a while."""
    rng = vehicle.rng
    choices = [a for a in RANDOM_ALERTS if vehicle.motorization in a[2]]
    alert_type, severity, _ = choices[rng.randrange(len(choices))]
    if any(a.type == alert_type for a in vehicle.active_alerts()):
        return
    raise_alert(vehicle, alert_type, severity, now, rng.uniform(3600, 2 * 86400))


def expire_alerts(vehicle: Vehicle, now: datetime) -> None:
    """Close alerts whose time has come."""
    for alert in vehicle.active_alerts():
        if alert.clears_after_s is None:
            continue
        if (now - alert.started_at).total_seconds() >= alert.clears_after_s:
            alert.close(now, vehicle.position())
            wake(vehicle, 30)


def fuel_alert(vehicle: Vehicle, now: datetime) -> None:
    """FuelLevelLow follows the tank."""
    if vehicle.fuel_pct is None:
        return
    active = [a for a in vehicle.active_alerts() if a.type == "FuelLevelLow"]
    if vehicle.fuel_pct < LOW_FUEL_PCT and not active:
        raise_alert(vehicle, "FuelLevelLow", "Warning", now)
    elif vehicle.fuel_pct >= LOW_FUEL_PCT:
        for alert in active:
            alert.close(now, vehicle.position())
