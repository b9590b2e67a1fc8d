"""``/_sim`` routes for remote actions: injected failures, limits, scopes, doors, sleep."""

from __future__ import annotations

from typing import Any

from aiohttp import web
import orjson

from simulator.errors import json_response
from simulator.keys import SIMULATOR_KEY
from simulator.remotes.machine import Injection
from simulator.remotes.model import REMOTE_SCOPES
from simulator.render.status import DOORS


async def _json(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        data = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError as err:
        raise ValueError(f"body is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


async def remote_failure(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/remote_failure {"cause", "count"?, "type"?}``."""
    data = await _json(request)
    unknown = set(data) - {"cause", "count", "type"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    injection = Injection(data.get("cause", ""), data.get("count", 1), data.get("type"))
    request.app[SIMULATOR_KEY].remotes.inject(request.match_info["id"], injection)
    return json_response({"ok": True}, 201)


async def clear_failures(request: web.Request) -> web.Response:
    """``DELETE /_sim/vehicles/{id}/remote_failure``: forget the injected failures."""
    sim = request.app[SIMULATOR_KEY]
    sim.world.get(request.match_info["id"])
    sim.remotes.injected.pop(request.match_info["id"], None)
    return json_response({"ok": True})


async def get_settings(request: web.Request) -> web.Response:
    """``GET /_sim/remotes``: wake-up limit, partner scopes, delays."""
    return json_response(request.app[SIMULATOR_KEY].remotes.settings())


async def set_settings(request: web.Request) -> web.Response:
    """``POST /_sim/remotes {"wake_up_limit"?, "partner_scopes"?}``."""
    machine = request.app[SIMULATOR_KEY].remotes
    data = await _json(request)
    unknown = set(data) - {"wake_up_limit", "partner_scopes"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    limit = data.get("wake_up_limit", machine.wake_up_limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError("wake_up_limit must be an integer >= 0")
    scopes = data.get("partner_scopes", list(machine.partner_scopes))
    if not isinstance(scopes, list) or any(s not in REMOTE_SCOPES for s in scopes):
        raise ValueError(f"partner_scopes must be a list of {REMOTE_SCOPES}")
    machine.wake_up_limit = limit
    machine.partner_scopes = tuple(scopes)
    return json_response(machine.settings())


async def set_doors(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/doors {"open": ["Driver", ...], "locked"?: bool}``."""
    data = await _json(request)
    opened = data.get("open", [])
    if not isinstance(opened, list) or any(d not in DOORS for d in opened):
        raise ValueError(f"open must be a list of {DOORS}")
    locked = data.get("locked", not opened)
    if not isinstance(locked, bool):
        raise ValueError("locked must be a boolean")
    request.app[SIMULATOR_KEY].world.set_doors(request.match_info["id"], tuple(opened), locked)
    return json_response({"ok": True})


async def sleep(request: web.Request) -> web.Response:
    """``POST /_sim/vehicles/{id}/sleep``: the parked car falls asleep now."""
    request.app[SIMULATOR_KEY].world.sleep(request.match_info["id"])
    return json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    """Register the remote control routes."""
    router = app.router
    router.add_post("/_sim/vehicles/{id}/remote_failure", remote_failure)
    router.add_delete("/_sim/vehicles/{id}/remote_failure", clear_failures)
    router.add_get("/_sim/remotes", get_settings)
    router.add_post("/_sim/remotes", set_settings)
    router.add_post("/_sim/vehicles/{id}/doors", set_doors)
    router.add_post("/_sim/vehicles/{id}/sleep", sleep)
