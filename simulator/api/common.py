"""Helpers shared by API handlers: base URL, the caller's account, vehicle lookup."""

from __future__ import annotations

from aiohttp import web

from simulator.core import Simulator
from simulator.errors import json_response
from simulator.identities import ACCOUNTS, Account
from simulator.keys import SIMULATOR_KEY
from simulator.render.common import Json
from simulator.world.vehicle import Vehicle

API_PREFIX = "/connectedcar/v4"
HAL = "application/hal+json"
GEO = "application/vnd.geo+json"
ACCOUNT_KEY = "sim_account"
SCOPE_KEY = "sim_scope"


class ApiError(Exception):
    """Raised by handlers; turned into the API error body by the middleware."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sim_of(request: web.Request) -> Simulator:
    """The live simulator."""
    return request.app[SIMULATOR_KEY]


def api_base(request: web.Request) -> str:
    """Absolute URL of the API root as the caller reached it."""
    return f"{request.scheme}://{request.host}{API_PREFIX}"


def account_of(request: web.Request) -> Account:
    """The account of the bearer token (set by the auth middleware)."""
    email: str = request[ACCOUNT_KEY]
    return ACCOUNTS[email]


def scopes_of(request: web.Request) -> set[str]:
    """The scopes the bearer token was granted (space- or comma-separated)."""
    granted: str = request.get(SCOPE_KEY, "")
    return set(granted.replace(",", " ").split())


def vehicle_of(request: web.Request) -> Vehicle:
    """The ``{id}`` vehicle: 404/40410 when unknown, 403/40300 when someone else's."""
    sim = sim_of(request)
    vehicle_id = request.match_info["id"]
    vehicle = sim.world.vehicles.get(vehicle_id)
    if vehicle is None:
        raise ApiError(40410, "Vehicle not found")
    if vehicle.owner != account_of(request).email:
        raise ApiError(40300, "The user does not have access to this vehicle")
    return vehicle


def hal(payload: Json, status: int = 200, content_type: str = HAL) -> web.Response:
    """A HAL JSON response."""
    return json_response(payload, status, content_type)


def query_list(request: web.Request, name: str) -> tuple[str, ...]:
    """A multi-valued query parameter (repeated or comma-separated)."""
    values: list[str] = []
    for raw in request.query.getall(name, []):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return tuple(values)
