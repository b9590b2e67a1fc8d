"""GET endpoints of the user, vehicles and vehicle data."""

from __future__ import annotations

from aiohttp import web

from simulator.api.common import (
    GEO,
    ApiError,
    account_of,
    api_base,
    hal,
    query_list,
    sim_of,
    vehicle_of,
)
from simulator.api.timestamps import in_ranges, parse_ranges
from simulator.render import resources
from simulator.render.common import Json
from simulator.render.paging import PagingError, collection, parse_paging
from simulator.render.realworld import REAL_TRIPS
from simulator.render.status import status_document
from simulator.render.trips import trip_document, trip_states
from simulator.world.vehicle import Vehicle

VEHICLE_EXTENSIONS = ("onboardCapabilities", "branding", "pictures")


def _extensions(request: web.Request) -> tuple[str, ...]:
    names = query_list(request, "extension")
    for name in names:
        if name not in VEHICLE_EXTENSIONS:
            raise ApiError(40000, f"Unknown extension {name!r}")
    return names


def _page(
    request: web.Request,
    items: list[Json],
    key: str,
    max_size: int = 60,
    quirk: bool = False,
) -> web.Response:
    try:
        page = parse_paging(request.query, max_size)
    except PagingError as err:
        raise ApiError(40000, str(err)) from err
    base = f"{api_base(request)}{request.path.removeprefix('/connectedcar/v4')}"
    return hal(collection(items, key, page, base, request.query, self_next_quirk=quirk))


def _own_vehicles(request: web.Request) -> list[Vehicle]:
    sim = sim_of(request)
    email = account_of(request).email
    return [sim.world.vehicles[v] for v in sim.world.vehicles_of(email)]


async def get_user(request: web.Request) -> web.Response:
    """``GET /user``."""
    sim = sim_of(request)
    account = account_of(request)
    doc = resources.user_document(
        account, _own_vehicles(request), api_base(request), sim.clock.start
    )
    return hal(doc)


async def get_vehicles(request: web.Request) -> web.Response:
    """``GET /user/vehicles`` (paged; ``vinPrefix`` and ``extension`` filters)."""
    extensions = _extensions(request)
    prefix = request.query.get("vinPrefix", "")
    base = api_base(request)
    items = [
        resources.vehicle_document(v, base, extensions)
        for v in _own_vehicles(request)
        if v.vin.startswith(prefix)
    ]
    return _page(request, items, "vehicles")


async def get_vehicle(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}``."""
    vehicle = vehicle_of(request)
    return hal(resources.vehicle_document(vehicle, api_base(request), _extensions(request)))


async def get_status(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/status``."""
    return hal(status_document(vehicle_of(request), api_base(request)))


async def get_last_position(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/lastPosition`` (404 when privacy hides it)."""
    position = resources.last_position(vehicle_of(request))
    if position is None:
        raise ApiError(40400, "No position available (privacy)")
    return hal(position, content_type=GEO)


async def get_maintenance(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/maintenance``."""
    vehicle = vehicle_of(request)
    if "maintenance_missing" in vehicle.quirks:
        raise ApiError(40400, "Maintenance Not Found")
    return hal(resources.maintenance_document(vehicle, api_base(request)))


async def get_alerts(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/alerts``: newest first; ``timestamps`` and ``active`` filter."""
    vehicle = vehicle_of(request)
    ranges = parse_ranges(query_list(request, "timestamps"))
    active = request.query.get("active")
    if active not in (None, "true", "false"):
        raise ApiError(40000, "active must be true or false")
    locale = request.query.get("locale")
    base = api_base(request)
    records = [
        a
        for a in sorted(vehicle.alerts, key=lambda a: a.started_at, reverse=True)
        if in_ranges(a.started_at, ranges) and (active is None or a.active == (active == "true"))
    ]
    items = [resources.alert_document(vehicle, a, base, locale) for a in records]
    return _page(request, items, "alerts", quirk="self_next_paging" in vehicle.quirks)


async def get_alert(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/alerts/{aid}``."""
    vehicle = vehicle_of(request)
    for alert in vehicle.alerts:
        if alert.id == request.match_info["aid"]:
            doc = resources.alert_document(
                vehicle, alert, api_base(request), request.query.get("locale")
            )
            return hal(doc)
    raise ApiError(40400, "Alert not found")


async def get_collisions(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/collisions``."""
    vehicle = vehicle_of(request)
    ranges = parse_ranges(query_list(request, "timestamps"))
    base = api_base(request)
    items = [
        resources.collision_document(vehicle, c, base)
        for c in vehicle.collisions
        if in_ranges(c.at, ranges)
    ]
    return _page(request, items, "Collisions", quirk="self_next_paging" in vehicle.quirks)


async def get_collision(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/collisions/{cid}``."""
    vehicle = vehicle_of(request)
    for collision in vehicle.collisions:
        if collision.id == request.match_info["cid"]:
            return hal(resources.collision_document(vehicle, collision, api_base(request)))
    raise ApiError(40400, "Collision not found")


TRIP_STATES = ("Nominal", "Unstarted", "DataLacking", "Unfinished")


async def get_trips(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/trips``: newest first; ``timestamps`` and ``tripState``."""
    vehicle = vehicle_of(request)
    ranges = parse_ranges(query_list(request, "timestamps"))
    states = set(query_list(request, "tripState"))
    if states - set(TRIP_STATES):
        raise ApiError(40000, f"tripState must be among {TRIP_STATES}")
    now = sim_of(request).now()
    base = api_base(request)
    real = REAL_TRIPS in vehicle.quirks
    items = [
        trip_document(vehicle, trip, base, now, real=real)
        for trip in reversed(vehicle.trips)
        if in_ranges(trip.started_at, ranges) and (not states or states & trip_states(trip))
    ]
    return _page(request, items, "trips", quirk="self_next_paging" in vehicle.quirks)


async def get_trip(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/trips/{tid}``."""
    vehicle = vehicle_of(request)
    for trip in vehicle.trips:
        if trip.id == request.match_info["tid"]:
            now = sim_of(request).now()
            real = REAL_TRIPS in vehicle.quirks
            return hal(trip_document(vehicle, trip, api_base(request), now, real=real))
    raise ApiError(40400, "Trip not found")


async def get_telemetry(request: web.Request) -> web.Response:
    """``GET /user/vehicles/{id}/telemetry``: the last uploads, newest first."""
    vehicle = vehicle_of(request)
    ranges = parse_ranges(query_list(request, "timestamps"))
    with_location = "location" in query_list(request, "extension")
    base = api_base(request)
    items = [
        resources.telemetry_document(vehicle, snap, base, with_location)
        for snap in reversed(vehicle.history)
        if in_ranges(snap.at, ranges)
    ]
    return _page(request, items, "telemetries", max_size=2000)


def add_routes(app: web.Application) -> None:
    """Register the GET endpoints."""
    base = "/connectedcar/v4/user"
    vid = f"{base}/vehicles/{{id}}"
    router = app.router
    router.add_get(base, get_user, name="getUser")
    router.add_get(f"{base}/vehicles", get_vehicles, name="getVehiclesByDevice")
    router.add_get(vid, get_vehicle, name="getVehicleByid")
    router.add_get(f"{vid}/status", get_status, name="getVehicleStatus")
    router.add_get(f"{vid}/lastPosition", get_last_position, name="getCarLastPosition")
    router.add_get(f"{vid}/maintenance", get_maintenance, name="getVehicleMaintenance")
    router.add_get(f"{vid}/alerts", get_alerts, name="getVehicleAlerts")
    router.add_get(f"{vid}/alerts/{{aid}}", get_alert, name="getVehicleAlertsById")
    router.add_get(f"{vid}/collisions", get_collisions, name="getVehicleCollision")
    router.add_get(f"{vid}/collisions/{{cid}}", get_collision, name="getVehicleCollisionById")
    router.add_get(f"{vid}/telemetry", get_telemetry, name="getTelemetry")
    router.add_get(f"{vid}/trips", get_trips, name="getTripsByVehicle")
    router.add_get(f"{vid}/trips/{{tid}}", get_trip, name="getTripById")
