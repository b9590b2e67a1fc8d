"""``/_sim/...``: the control API for tests (JSON in, JSON out, no auth)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
import orjson

from simulator.errors import json_response
from simulator.faults import FaultError, FaultSpec
from simulator.identities import DEMO_USER
from simulator.keys import SIMULATOR_KEY


class BadRequestErrorErrorError(Exception):
    """A control request that does not make sense (answered with 400)."""


async def _json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise BadRequestErrorErrorError(f"body is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise BadRequestErrorErrorError("body must be a JSON object")
    return data


def _number(data: dict[str, Any], key: str, default: float | None = None) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequestErrorErrorError(f"{key} must be a number")
    return float(value)


def _text(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise BadRequestErrorErrorError(f"{key} must be a string")
    return value


def _ok(payload: object = None, status: int = 200) -> web.Response:
    return json_response({"ok": True} if payload is None else payload, status)


async def advance(request: web.Request) -> web.Response:
    """``POST /_sim/time/advance {"seconds": N}``."""
    sim = request.app[SIMULATOR_KEY]
    seconds = _number(await _json(request), "seconds")
    if seconds < 0:
        raise BadRequestErrorErrorError("seconds must be >= 0")
    sim.advance(seconds)
    return _ok({"now": sim.now().isoformat()})


async def add_vehicle(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles {"account_email"?, "motorization"?}``."""
    sim = request.app[SIMULATOR_KEY]
    data = await _json(request)
    motorization = data.get("motorization")
    if motorization is not None and not isinstance(motorization, str):
        raise BadRequestErrorErrorError("motorization must be a string")
    vehicle_id = sim.add_vehicle(_text(data, "account_email", DEMO_USER), motorization)
    return _ok({"id": vehicle_id}, 201)


async def remove_vehicle(request: web.Request) -> web.Response:
    """``DELETE /_sim/vehicles/{id}``."""
    request.app[SIMULATOR_KEY].remove_vehicle(request.match_info["id"])
    return _ok()


async def raise_alert(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/alerts {"type", "severity"}``."""
    sim = request.app[SIMULATOR_KEY]
    data = await _json(request)
    alert_id = sim.raise_alert(
        request.match_info["id"], _text(data, "type"), _text(data, "severity", "Warning")
    )
    return _ok({"id": alert_id}, 201)


async def clear_alert(request: web.Request) -> web.Response:
    """``DELETE /_sim/vehicles/{id}/alerts/{aid}``."""
    request.app[SIMULATOR_KEY].clear_alert(request.match_info["id"], request.match_info["aid"])
    return _ok()


async def start_trip(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/trip {"duration_s"?, "speed_kmh"?}``."""
    sim = request.app[SIMULATOR_KEY]
    data = await _json(request)
    sim.start_trip(
        request.match_info["id"],
        _number(data, "duration_s", 1800),
        _number(data, "speed_kmh", 50),
    )
    return _ok()


async def add_collision(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/collision {"side"?, "severity"?}``."""
    sim = request.app[SIMULATOR_KEY]
    data = await _json(request)
    collision_id = sim.add_collision(
        request.match_info["id"], _text(data, "side", "Front"), _text(data, "severity", "Minor")
    )
    return _ok({"id": collision_id}, 201)


async def set_privacy(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/privacy {"state": "None"|"Geolocation"|"Full"}``."""
    sim = request.app[SIMULATOR_KEY]
    sim.privacy(request.match_info["id"], _text(await _json(request), "state"))
    return _ok()


async def revoke(request: web.Request) -> web.Response:
    """``POST /_sim/tokens/revoke {"kind": "access"|"refresh"|"all"}``."""
    sim = request.app[SIMULATOR_KEY]
    count = sim.revoke_tokens(_text(await _json(request), "kind", "all"))
    return _ok({"revoked": count})


async def add_fault(request: web.Request) -> web.Response:
    """``POST /_sim/faults`` with a FaultSpec object (or a list of them)."""
    sim = request.app[SIMULATOR_KEY]
    raw = await request.read()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise BadRequestErrorErrorError(f"body is not JSON: {err}") from err
    specs = [FaultSpec.from_json(item) for item in (data if isinstance(data, list) else [data])]
    for spec in specs:
        sim.inject_fault(spec)
    return _ok({"active": [spec.to_json() for spec in sim.faults.active]}, 201)


async def clear_faults(request: web.Request) -> web.Response:
    """``DELETE /_sim/faults``."""
    request.app[SIMULATOR_KEY].clear_faults()
    return _ok()


async def list_faults(request: web.Request) -> web.Response:
    """``GET /_sim/faults``."""
    sim = request.app[SIMULATOR_KEY]
    return _ok({"active": [spec.to_json() for spec in sim.faults.active]})


async def stats(request: web.Request) -> web.Response:
    """``GET /_sim/stats``."""
    return _ok(request.app[SIMULATOR_KEY].stats())


async def truth(request: web.Request) -> web.Response:
    """``GET /_sim/truth``."""
    return _ok(request.app[SIMULATOR_KEY].truth())


async def vehicles_of(request: web.Request) -> web.Response:
    """``GET /_sim/accounts/{email}/vehicles``."""
    return _ok(request.app[SIMULATOR_KEY].vehicles_of(request.match_info["email"]))


async def clock(request: web.Request) -> web.Response:
    """``GET /_sim/time``."""
    sim = request.app[SIMULATOR_KEY]
    return _ok({"now": sim.now().isoformat(), "time_scale": sim.clock.time_scale})


@web.middleware
async def control_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """400 for bad control input, 404 for unknown ids (control routes only)."""
    if not request.path.startswith("/_sim/"):
        response: web.StreamResponse = await handler(request)
        return response
    try:
        response = await handler(request)
    except (BadRequestErrorErrorError, FaultError, ValueError) as err:
        return json_response({"ok": False, "error": str(err)}, 400)
    except KeyError as err:
        return json_response({"ok": False, "error": f"not found: {err}"}, 404)
    return response


def add_routes(app: web.Application) -> None:
    """Register ``/_sim`` routes."""
    router = app.router
    router.add_post("/_sim/time/advance", advance)
    router.add_get("/_sim/time", clock)
    router.add_post("/_sim/vehicles", add_vehicle)
    router.add_delete("/_sim/vehicles/{id}", remove_vehicle)
    router.add_post("/_sim/vehicles/{id}/alerts", raise_alert)
    router.add_delete("/_sim/vehicles/{id}/alerts/{aid}", clear_alert)
    router.add_post("/_sim/vehicles/{id}/trip", start_trip)
    router.add_post("/_sim/vehicles/{id}/collision", add_collision)
    router.add_post("/_sim/vehicles/{id}/privacy", set_privacy)
    router.add_post("/_sim/tokens/revoke", revoke)
    router.add_post("/_sim/faults", add_fault)
    router.add_get("/_sim/faults", list_faults)
    router.add_delete("/_sim/faults", clear_faults)
    router.add_get("/_sim/stats", stats)
    router.add_get("/_sim/truth", truth)
    router.add_get("/_sim/accounts/{email}/vehicles", vehicles_of)
