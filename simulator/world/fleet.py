"""Seeded creation of the cars of each account, per scenario."""

from __future__ import annotations

from datetime import datetime, timedelta
import random

from simulator.brands import BRANDS, Brand, model_for
from simulator.identities import DEMO_USER, OTHER_USER
from simulator.ids import long_hex_id, make_vin
from simulator.render import realworld
from simulator.world import geo, physics
from simulator.world.trips import TripRecord
from simulator.world.vehicle import Collision, Vehicle

MOTORIZATIONS = ("Thermic", "Electric", "Hybrid")
HOMES: dict[str, tuple[float, float, float]] = {
    "peugeot": (48.8566, 2.3522, 35.0),
    "citroen": (48.8566, 2.3522, 35.0),
    "ds": (48.8566, 2.3522, 35.0),
    "opel": (49.9929, 8.4137, 90.0),
    "vauxhall": (51.8787, -0.4200, 120.0),
}

# Which quirk flags each vehicle index carries in the ``quirks`` scenario.
QUIRKS_BY_INDEX: dict[int, frozenset[str]] = {
    0: frozenset({"maintenance_missing", "sentinel_values", "self_next_paging"}),
    1: frozenset({"missing_blocks", "strings_for_numbers", "numeric_ids", "offset_timestamps"}),
    2: frozenset({"micro_timestamps", "self_next_paging"}),
}


# The ``realworld`` scenario: brand and the real-world shapes of each vehicle index.
REALWORLD_BY_INDEX: dict[int, tuple[str, frozenset[str]]] = {
    0: (  # thermic: old odometer key, "Aquire", capitals
        "peugeot",
        frozenset(
            {
                realworld.TIMED_ODOMETER,
                realworld.USER_WITHOUT_ID,
                realworld.POSITION_AQUIRE,
                realworld.UPPER_CASE_ENUMS,
                realworld.BRANDING_ONLY,
            }
        ),
    ),
    1: (  # electric: placeholder Fuel, odd battery load, no fix, capitals
        "citroen",
        frozenset(
            {
                realworld.PLACEHOLDER_FUEL,
                realworld.IMPLAUSIBLE_LOAD,
                realworld.POSITION_NULL_ISLAND,
                realworld.BRANDING_ONLY,
                realworld.UPPER_CASE_ENUMS,
            }
        ),
    ),
    2: (  # hybrid: privacy mode with a position anyway, 0 km while parked
        "peugeot",
        frozenset(
            {
                realworld.ZERO_ODOMETER_PARKED,
                realworld.POSITION_ESTIMATED_2D,
                realworld.POSITION_DESPITE_PRIVACY,
                realworld.BRANDING_ONLY,
            }
        ),
    ),
}


def default_plan(index: int, rng: random.Random, scenario: str = "default") -> tuple[Brand, str]:
    """Vehicle 0 Thermic, 1 Electric, 2 Hybrid (Peugeot, or as the scenario says), then a mix."""
    if index < 3:
        brand_key = REALWORLD_BY_INDEX[index][0] if scenario == "realworld" else "peugeot"
        return BRANDS[brand_key], MOTORIZATIONS[index]
    brand = BRANDS[rng.choice(sorted(BRANDS))]
    return brand, rng.choice(MOTORIZATIONS)


def new_vehicle(
    seed: int,
    owner: str,
    index: int,
    *,
    brand: Brand,
    motorization: str,
    start: datetime,
) -> Vehicle:
    """A parked car at home, uploaded once, with seeded characteristics."""
    rng = random.Random(f"{seed}:{owner}:{index}")
    model = model_for(brand, motorization)
    home_lat, home_lon, home_alt = HOMES[brand.key]
    home_lat, home_lon = geo.destination(
        home_lat, home_lon, rng.uniform(0, 360), rng.uniform(0.5, 8.0)
    )
    created = start - timedelta(days=rng.randint(200, 1500), seconds=rng.randint(0, 86399))
    odometer = round(rng.uniform(2000, 90000), 1)
    vehicle = Vehicle(
        index=index,
        id=long_hex_id(seed, owner, index),
        vin=make_vin(brand.wmi, created.year, rng),
        brand=brand,
        model=model,
        owner=owner,
        created_at=created,
        home_lat=home_lat,
        home_lon=home_lon,
        lat=home_lat,
        lon=home_lon,
        alt=home_alt + rng.uniform(-10, 10),
        heading=rng.uniform(0, 360),
        odometer_km=odometer,
        fuel_pct=rng.uniform(20, 95) if model.tank_l else None,
        soc_pct=rng.uniform(30, 95) if model.battery_kwh else None,
        maintenance_due=start + timedelta(days=rng.randint(20, 300)),
        maintenance_due_km=odometer + rng.randint(1000, 15000),
        rng=rng,
    )
    vehicle.battery_12v = rng.uniform(88, 98)
    quiet = rng.uniform(600, 6 * 3600)  # the car went to sleep this long ago
    upload_at = start - timedelta(seconds=quiet)
    vehicle.take_snapshot(upload_at, physics.is_daylight(upload_at))
    return vehicle


def build_fleet(seed: int, scenario: str, count: int, start: datetime) -> list[Vehicle]:
    """Every account's cars for the scenario (the ``empty`` scenario leaves the demo bare)."""
    rng = random.Random(f"{seed}:fleet")
    vehicles: list[Vehicle] = []
    demo_count = 0 if scenario == "empty" else count
    for index in range(demo_count):
        brand, motorization = default_plan(index, rng, scenario)
        vehicle = new_vehicle(
            seed, DEMO_USER, index, brand=brand, motorization=motorization, start=start
        )
        shape(vehicle, scenario, start)
        vehicles.append(vehicle)
    other = new_vehicle(
        seed, OTHER_USER, 0, brand=BRANDS["citroen"], motorization="Thermic", start=start
    )
    vehicles.append(other)
    return vehicles


def shape(vehicle: Vehicle, scenario: str, start: datetime) -> None:
    """Scenario-specific state of a demo car."""
    rng = vehicle.rng
    if scenario == "overdue":
        vehicle.maintenance_due = start - timedelta(days=rng.randint(10, 40))
        vehicle.maintenance_due_km = vehicle.odometer_km - rng.randint(200, 1500)
    if scenario == "privacy":
        vehicle.privacy = "Full"
    if scenario == "quirks":
        vehicle.quirks = QUIRKS_BY_INDEX.get(vehicle.index, frozenset())
        if vehicle.index == 0:
            vehicle.coolant_temp = 215.0
        if vehicle.index == 2:
            vehicle.privacy = "Geolocation"
    if scenario == "realworld":
        shapes = REALWORLD_BY_INDEX.get(vehicle.index, ("", frozenset()))[1]
        vehicle.quirks = shapes | {realworld.REAL_TRIPS}
        if vehicle.index == 2:
            vehicle.privacy = "Full"
    history(vehicle, scenario, start)
    vehicle.awake_until = 0.0
    if vehicle.index == 1 and vehicle.has_battery:
        physics.plug_in(vehicle)
        physics.wake(vehicle)
    if vehicle.index == 2:
        physics.start_trip(vehicle, 1200, 50, physics.now_of(vehicle, start))
    stale = vehicle.current_snapshot().at
    vehicle.history.clear()
    vehicle.take_snapshot(stale, physics.is_daylight(stale))
    if vehicle.moving or vehicle.charging_status == "InProgress":
        vehicle.take_snapshot(start, physics.is_daylight(start))


def history(vehicle: Vehicle, scenario: str, start: datetime) -> None:
    """Past alerts and a collision so that every endpoint has something to show."""
    if scenario == "quirks" and vehicle.index != 1:
        return
    if vehicle.index == 0:
        past = start - timedelta(days=12)
        old = physics.raise_alert(vehicle, "RiskOfIce", "Information", past)
        old.close(past + timedelta(hours=5), vehicle.position())
        physics.raise_alert(vehicle, "AddWasherFluid", "Information", start - timedelta(hours=30))
        vehicle.collisions.append(
            Collision(
                long_hex_id(vehicle.id, "collision", 1, length=128),
                start - timedelta(days=40),
                "Rear",
                "Minimal",
            )
        )
        past_trips(vehicle, start)
    if vehicle.index == 1:
        physics.raise_alert(
            vehicle, "LeftFrontTireUnderInflated", "Warning", start - timedelta(hours=3)
        )


def past_trips(vehicle: Vehicle, start: datetime) -> None:
    """Two trips of yesterday: a complete one, then one privacy mode kept positions from."""
    for number, (hours_ago, km, minutes, fault) in enumerate(
        ((26, 12.4, 21, None), (20, 3.1, 9, "GeoPrivacy")), start=1
    ):
        began = start - timedelta(hours=hours_ago)
        litres = km * vehicle.model.fuel_l_per_100km / 100
        kwh = km * vehicle.model.kwh_per_100km / 100 if not litres else 0.0
        point = vehicle.position()
        vehicle.trips.append(
            TripRecord(
                id=long_hex_id(vehicle.id, "trip", number, length=32),
                started_at=began,
                start_position=None if fault else point,
                start_mileage_km=round(vehicle.odometer_km - 20 + 5 * number, 1),
                start_fuel_pct=vehicle.fuel_pct,
                start_soc_pct=vehicle.soc_pct,
                start_fuel_autonomy_km=vehicle.fuel_autonomy(),
                start_electric_autonomy_km=vehicle.electric_autonomy(),
                privacy_fault=fault,
                stopped_at=began + timedelta(minutes=minutes),
                stop_position=None if fault else point,
                end_fuel_pct=vehicle.fuel_pct,
                end_soc_pct=vehicle.soc_pct,
                distance_km=km,
                electric_km=km if kwh else 0.0,
                fuel_l=litres,
                electric_kwh=kwh,
                max_speed_kmh=70.0,
                seconds=minutes * 60,
            )
        )
