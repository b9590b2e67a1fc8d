"""GET endpoints of the v3 fleet API: fleets, fleet cars and their data, batch reads."""

from __future__ import annotations

from aiohttp import web

from simulator.api.common import GEO, ApiError, hal, query_list
from simulator.api.timestamps import in_ranges, parse_ranges
from simulator.b2b import render
from simulator.b2b.fleets import Fleet
from simulator.b2b.lookup import (
    backend_of,
    batch_allowed,
    check_profile,
    fleet_base,
    fleet_of,
    lazy_page,
    page,
    v3_base,
    vehicle_of,
)
from simulator.render import resources
from simulator.render.common import Json
from simulator.render.realworld import REAL_TRIPS
from simulator.render.status import status_document
from simulator.render.trips import trip_document, trip_states
from simulator.world.vehicle import Vehicle

TRIP_STATES = ("Nominal", "Unstarted", "DataLacking", "Unfinished")


def _cars(request: web.Request, fleet: Fleet) -> list[Vehicle]:
    backend = backend_of(request)
    return backend.book.vehicles(backend.sim.world, fleet)


async def get_fleets(request: web.Request) -> web.Response:
    """``GET /fleets``."""
    base = v3_base(request)
    items = [render.fleet_document(f, base) for f in backend_of(request).book.fleets.values()]
    return page(request, items, "fleets")


async def get_fleet(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}``."""
    return hal(render.fleet_document(fleet_of(request), v3_base(request)))


async def get_vehicles(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/vehicles`` (paged; ``vinPrefix``)."""
    fleet = fleet_of(request)
    prefix = request.query.get("vinPrefix", "")
    base = fleet_base(request, fleet)
    cars = [v for v in _cars(request, fleet) if v.vin.startswith(prefix)]
    return lazy_page(request, cars, "vehicles", lambda v: render.vehicle_document(v, base))


async def get_vehicle(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/vehicles/{vid}``."""
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    return hal(render.vehicle_document(vehicle, fleet_base(request, fleet)))


def status_of(vehicle: Vehicle, base: str) -> Json:
    """A car's v3 status."""
    return render.with_vin(status_document(vehicle, base), vehicle, base)


def maintenance_of(vehicle: Vehicle, base: str) -> Json:
    """A car's v3 maintenance."""
    return render.with_vin(resources.maintenance_document(vehicle, base), vehicle, base)


async def get_status(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/vehicles/{vid}/status``."""
    check_profile(request)
    fleet = fleet_of(request)
    return hal(status_of(vehicle_of(request, fleet), fleet_base(request, fleet)))


async def get_last_position(request: web.Request) -> web.Response:
    """``GET .../lastPosition`` (404 when privacy hides it)."""
    check_profile(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    position = resources.last_position(vehicle)
    if position is None:
        raise ApiError(40400, "No position available (privacy)")
    position["properties"]["vin"] = vehicle.vin
    return hal(position, content_type=GEO)


async def get_maintenance(request: web.Request) -> web.Response:
    """``GET .../maintenance``."""
    check_profile(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    if "maintenance_missing" in vehicle.quirks:
        raise ApiError(40400, "Maintenance Not Found")
    return hal(maintenance_of(vehicle, fleet_base(request, fleet)))


def alerts_of(request: web.Request, vehicles: list[Vehicle], base: str) -> list[Json]:
    """Alerts of these cars, newest first, ``timestamps``-filtered."""
    ranges = parse_ranges(query_list(request, "timestamps"))
    locale = request.query.get("locale")
    found = [
        (alert, vehicle)
        for vehicle in vehicles
        for alert in vehicle.alerts
        if in_ranges(alert.started_at, ranges)
    ]
    found.sort(key=lambda pair: pair[0].started_at, reverse=True)
    return [
        render.with_vin(resources.alert_document(v, a, base, locale), v, base) for a, v in found
    ]


async def get_alerts(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/alerts``."""
    check_profile(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    return page(request, alerts_of(request, [vehicle], fleet_base(request, fleet)), "alerts")


async def get_alert(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/alerts/{aid}``."""
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    base = fleet_base(request, fleet)
    for alert in vehicle.alerts:
        if alert.id == request.match_info["aid"]:
            doc = resources.alert_document(vehicle, alert, base, request.query.get("locale"))
            return hal(render.with_vin(doc, vehicle, base))
    raise ApiError(40400, "Alert not found")


def trips_of(request: web.Request, vehicles: list[Vehicle], base: str) -> list[Json]:
    """Trips of these cars, newest first; ``timestamps`` and ``tripState`` filter."""
    ranges = parse_ranges(query_list(request, "timestamps"))
    states = set(query_list(request, "tripState"))
    if states - set(TRIP_STATES):
        raise ApiError(40000, f"tripState must be among {TRIP_STATES}")
    now = backend_of(request).sim.now()
    found = [
        (trip, vehicle)
        for vehicle in vehicles
        for trip in vehicle.trips
        if in_ranges(trip.started_at, ranges) and (not states or states & trip_states(trip))
    ]
    found.sort(key=lambda pair: pair[0].started_at, reverse=True)
    return [
        render.with_vin(trip_document(v, t, base, now, real=REAL_TRIPS in v.quirks), v, base)
        for t, v in found
    ]


async def get_trips(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/trips``."""
    check_profile(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    return page(request, trips_of(request, [vehicle], fleet_base(request, fleet)), "trips")


async def get_trip(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/trips/{tid}``."""
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    base = fleet_base(request, fleet)
    now = backend_of(request).sim.now()
    for trip in vehicle.trips:
        if trip.id == request.match_info["tid"]:
            doc = trip_document(vehicle, trip, base, now, real=REAL_TRIPS in vehicle.quirks)
            return hal(render.with_vin(doc, vehicle, base))
    raise ApiError(40400, "Trip not found")


def collisions_of(request: web.Request, vehicles: list[Vehicle], base: str) -> list[Json]:
    """Collisions of these cars, ``timestamps``-filtered."""
    ranges = parse_ranges(query_list(request, "timestamps"))
    return [
        render.with_vin(resources.collision_document(v, c, base), v, base)
        for v in vehicles
        for c in v.collisions
        if in_ranges(c.at, ranges)
    ]


async def get_collisions(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/collisions``."""
    check_profile(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    return page(
        request, collisions_of(request, [vehicle], fleet_base(request, fleet)), "Collisions"
    )


async def get_collision(request: web.Request) -> web.Response:
    """``GET .../vehicles/{vid}/collisions/{cid}``."""
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    base = fleet_base(request, fleet)
    for collision in vehicle.collisions:
        if collision.id == request.match_info["cid"]:
            doc = resources.collision_document(vehicle, collision, base)
            return hal(render.with_vin(doc, vehicle, base))
    raise ApiError(40400, "Collision not found")


# --- the deprecated fleet-wide (batch) reads --------------------------------------------------
async def get_fleet_status(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/status``: every car's status, each with its ``vin``."""
    batch_allowed(request)
    check_profile(request)
    fleet = fleet_of(request)
    base = fleet_base(request, fleet)
    return lazy_page(request, _cars(request, fleet), "status", lambda v: status_of(v, base))


async def get_fleet_maintenances(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/maintenances``."""
    batch_allowed(request)
    check_profile(request)
    fleet = fleet_of(request)
    base = fleet_base(request, fleet)
    cars = [v for v in _cars(request, fleet) if "maintenance_missing" not in v.quirks]
    return lazy_page(request, cars, "maintenances", lambda v: maintenance_of(v, base))


async def get_fleet_alerts(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/alerts``."""
    batch_allowed(request)
    check_profile(request)
    fleet = fleet_of(request)
    items = alerts_of(request, _cars(request, fleet), fleet_base(request, fleet))
    return page(request, items, "alerts")


async def get_fleet_trips(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/trips``."""
    batch_allowed(request)
    check_profile(request)
    fleet = fleet_of(request)
    items = trips_of(request, _cars(request, fleet), fleet_base(request, fleet))
    return page(request, items, "trips")


async def get_fleet_collisions(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/collisions``."""
    batch_allowed(request)
    check_profile(request)
    fleet = fleet_of(request)
    items = collisions_of(request, _cars(request, fleet), fleet_base(request, fleet))
    return page(request, items, "Collisions")


async def get_fleet_alert(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/alerts/{aid}``: one alert of any car of the fleet."""
    batch_allowed(request)
    fleet = fleet_of(request)
    base = fleet_base(request, fleet)
    locale = request.query.get("locale")
    for vehicle in _cars(request, fleet):
        for alert in vehicle.alerts:
            if alert.id == request.match_info["aid"]:
                doc = resources.alert_document(vehicle, alert, base, locale)
                return hal(render.with_vin(doc, vehicle, base))
    raise ApiError(40400, "Alert not found")


async def get_fleet_collision(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/collisions/{cid}``: one collision of any car of the fleet."""
    batch_allowed(request)
    fleet = fleet_of(request)
    base = fleet_base(request, fleet)
    for vehicle in _cars(request, fleet):
        for collision in vehicle.collisions:
            if collision.id == request.match_info["cid"]:
                doc = resources.collision_document(vehicle, collision, base)
                return hal(render.with_vin(doc, vehicle, base))
    raise ApiError(40400, "Collision not found")


def add_routes(app: web.Application, prefix: str) -> None:
    """Register the GET endpoints (route names are the spec's operationIds)."""
    fleet = f"{prefix}/fleets/{{fid}}"
    vid = f"{fleet}/vehicles/{{vid}}"
    router = app.router
    router.add_get(f"{prefix}/fleets", get_fleets, name="getFleets")
    router.add_get(fleet, get_fleet, name="getFleet")
    router.add_get(f"{fleet}/vehicles", get_vehicles, name="getVehiclesByDevice")
    router.add_get(vid, get_vehicle, name="getVehicleByid")
    router.add_get(f"{vid}/status", get_status, name="getFleetVehicleStatus")
    router.add_get(f"{vid}/lastPosition", get_last_position, name="getCarLastPosition")
    router.add_get(f"{vid}/maintenance", get_maintenance, name="getVehicleMaintenance")
    router.add_get(f"{vid}/alerts", get_alerts, name="getVehicleAlerts")
    router.add_get(f"{vid}/alerts/{{aid}}", get_alert, name="getFleetVehicleAlertsById")
    router.add_get(f"{vid}/trips", get_trips, name="getTripsByVehicle")
    router.add_get(f"{vid}/trips/{{tid}}", get_trip, name="getFleetTripByVehicle")
    router.add_get(f"{vid}/collisions", get_collisions, name="getVehicleCollision")
    router.add_get(f"{vid}/collisions/{{cid}}", get_collision, name="getVehicleCollisionById")
    router.add_get(f"{fleet}/status", get_fleet_status, name="getFleetStatusList")
    router.add_get(f"{fleet}/maintenances", get_fleet_maintenances, name="getFleetMantenanceList")
    router.add_get(f"{fleet}/alerts", get_fleet_alerts, name="getFleetAlertList")
    router.add_get(f"{fleet}/trips", get_fleet_trips, name="getFleetTrips")
    router.add_get(f"{fleet}/collisions", get_fleet_collisions, name="getFleetTripCollisions")
    router.add_get(f"{fleet}/alerts/{{aid}}", get_fleet_alert, name="getFleetAlertById")
    router.add_get(f"{fleet}/collisions/{{cid}}", get_fleet_collision, name="getCollisionsById")
