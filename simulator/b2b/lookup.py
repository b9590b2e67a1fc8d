"""Request helpers of the v3 handlers: base URL, the fleet, the fleet's car, paging."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import math
from typing import Any

from aiohttp import web
import orjson

from simulator.api.common import ApiError, hal
from simulator.b2b.backend import B2B_PREFIX, B2bBackend
from simulator.b2b.fleets import Fleet
from simulator.b2b.keys import B2B_KEY
from simulator.b2b.render import fleet_href
from simulator.render.common import Json
from simulator.render.paging import PageRequest, PagingError, collection, parse_paging
from simulator.world.vehicle import Vehicle

PROFILES = ("fleet", "endUser")


async def json_body(request: web.Request) -> Any:
    """The request's JSON body; 400 ``40000`` when it is not JSON."""
    try:
        return orjson.loads(await request.read())
    except orjson.JSONDecodeError as err:
        raise ApiError(40000, "The body is not JSON") from err


def backend_of(request: web.Request) -> B2bBackend:
    """The live B2B backend."""
    return request.app[B2B_KEY]


def v3_base(request: web.Request) -> str:
    """``https://host:port/connectedcar/v3`` as the caller reached it."""
    return f"{request.scheme}://{request.host}{B2B_PREFIX}"


def fleet_of(request: web.Request) -> Fleet:
    """The ``{fid}`` fleet (404/40400 when unknown)."""
    fleet = backend_of(request).book.fleets.get(request.match_info["fid"])
    if fleet is None:
        raise ApiError(40400, "Fleet not found")
    return fleet


def fleet_base(request: web.Request, fleet: Fleet) -> str:
    """Absolute URL of the fleet."""
    return fleet_href(v3_base(request), fleet)


def vehicle_of(request: web.Request, fleet: Fleet) -> Vehicle:
    """The ``{vid}`` car of the fleet: 404/40410 unknown, 403/40300 another fleet's."""
    backend = backend_of(request)
    vehicle_id = request.match_info["vid"]
    vehicle = backend.sim.world.vehicles.get(vehicle_id)
    owner = backend.book.fleet_of_vehicle(vehicle_id)
    if vehicle is None or owner is None:
        raise ApiError(40410, "Vehicle not found")
    if owner != fleet.id:
        raise ApiError(40300, "This vehicle does not belong to this fleet")
    return vehicle


def check_profile(request: web.Request) -> str:
    """The ``profile`` query parameter (default ``fleet``)."""
    profile = request.query.get("profile", "fleet")
    if profile not in PROFILES:
        raise ApiError(40000, f"profile must be one of {PROFILES}")
    return profile


def page(request: web.Request, items: list[Json], key: str) -> web.Response:
    """One HAL page of ``items`` (``pageSize``/``pageToken``/``indexRange``)."""
    return lazy_page(request, items, key, lambda item: item)


def lazy_page[T](
    request: web.Request, sources: Sequence[T], key: str, build: Callable[[T], Json]
) -> web.Response:
    """One HAL page of what ``build`` makes of ``sources``, building only the page shown."""
    try:
        wanted = parse_paging(request.query)
    except PagingError as err:
        raise ApiError(40000, str(err)) from err
    end = None if wanted.range_end is None else wanted.range_end + 1
    window = list(sources)[wanted.range_start : end]
    pages = max(1, math.ceil(len(window) / wanted.page_size))
    offset = min(wanted.offset, (pages - 1) * wanted.page_size)
    shown = range(offset, min(len(window), offset + wanted.page_size))
    items: list[Json] = [{} for _ in window]
    for index in shown:
        items[index] = build(window[index])
    unranged = PageRequest(wanted.page_size, wanted.offset, 0, None)
    base = f"{v3_base(request)}{request.path.removeprefix(B2B_PREFIX)}"
    return hal(collection(items, key, unranged, base, request.query))


def batch_allowed(request: web.Request) -> None:
    """Raise the configured error when the deprecated fleet-wide reads are switched off."""
    switch = backend_of(request).batch
    if not switch.enabled:
        messages = {404: "Not found", 410: "This endpoint is gone", 501: "Not implemented"}
        raise ApiError(switch.status * 100, messages.get(switch.status, "Unavailable"))
