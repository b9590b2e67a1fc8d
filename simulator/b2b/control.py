"""``/_sim/b2b/...``: control routes of the fleet (B2B v3) API.

The car-level controls (alerts, trips, collisions, privacy, time) are the general ones of
``/_sim/vehicles/{id}/...``: fleet cars are world cars.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
import orjson

from simulator.b2b.backend import BATCH_OFF_STATUSES, B2bBackend
from simulator.b2b.keys import B2B_KEY
from simulator.errors import json_response


def _backend(request: web.Request) -> B2bBackend:
    return request.app[B2B_KEY]


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise ValueError(f"body is not JSON: {err}") from err
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def info(backend: B2bBackend) -> dict[str, Any]:
    """Where the v3 API listens, its credentials and fleets (no private key)."""
    return {
        "base_url": backend.base_url,
        "user": backend.user,
        "password": backend.password,
        "client_id": backend.client_id,
        "ca_pem": backend.pki.ca.pem,
        "batch": {"enabled": backend.batch.enabled, "status": backend.batch.status},
        "fleets": {fid: list(f.vehicle_ids) for fid, f in backend.book.fleets.items()},
    }


async def get_info(request: web.Request) -> web.Response:
    """``GET /_sim/b2b``."""
    return json_response(info(_backend(request)))


async def set_batch(request: web.Request) -> web.Response:
    """``POST /_sim/b2b/batch {"enabled": false, "status": 410}`` (404, 410 or 501)."""
    data = await _body(request)
    backend = _backend(request)
    enabled = data.get("enabled", True)
    status = data.get("status", backend.batch.status)
    if not isinstance(enabled, bool):
        raise ValueError("enabled must be true or false")
    if status not in BATCH_OFF_STATUSES or isinstance(status, bool):
        raise ValueError(f"status must be one of {BATCH_OFF_STATUSES}")
    backend.batch.enabled = enabled
    backend.batch.status = status
    return json_response({"enabled": enabled, "status": status})


async def issue_certificate(request: web.Request) -> web.Response:
    """``POST /_sim/b2b/certificates {"days": 20 | "expired": true | "foreign": true}``.

    A new client certificate and its key (PEM), for tests that cannot call Python: one
    valid ``days`` more days, an expired one, or one from a CA the listener does not trust.
    """
    data = await _body(request)
    days = data.get("days", 365)
    if isinstance(days, bool) or not isinstance(days, int | float) or days <= 0:
        raise ValueError("days must be a number > 0")
    expired = data.get("expired", False) is True
    foreign = data.get("foreign", False) is True
    credential = _backend(request).pki.issue_client(days=days, expired=expired, foreign=foreign)
    return json_response({"cert_pem": credential.cert_pem, "key_pem": credential.key_pem})


async def client_credential(request: web.Request) -> web.Response:
    """``GET /_sim/b2b/client``: the default client certificate and key (PEM)."""
    client = _backend(request).pki.client
    return json_response({"cert_pem": client.cert_pem, "key_pem": client.key_pem})


async def truth(request: web.Request) -> web.Response:
    """``GET /_sim/b2b/truth``: fleet id -> vehicle id -> what a correct client shows."""
    backend = _backend(request)
    everything = backend.sim.truth()
    return json_response(
        {
            fid: {v: everything[v] for v in fleet.vehicle_ids if v in everything}
            for fid, fleet in backend.book.fleets.items()
        }
    )


async def add_fleet_vehicle(request: web.Request) -> web.Response:
    """``POST /_sim/b2b/fleets/{fid}/vehicles {"motorization": "Electric"}``: one more car.

    ``DELETE /_sim/vehicles/{id}`` removes a fleet car like any other.
    """
    backend = _backend(request)
    fleet = backend.book.fleets[request.match_info["fid"]]
    motorization = (await _body(request)).get("motorization")
    if motorization is not None and not isinstance(motorization, str):
        raise ValueError("motorization must be a string")
    vehicle_id = backend.sim.world.add_vehicle(fleet.owner, motorization)
    backend.book.add(fleet, vehicle_id)
    backend.monitors.car_added(fleet.id, backend.sim.world.vehicles[vehicle_id])
    return json_response({"id": vehicle_id}, 201)


def add_routes(app: web.Application) -> None:
    """Register the ``/_sim/b2b`` routes."""
    router = app.router
    router.add_get("/_sim/b2b", get_info)
    router.add_post("/_sim/b2b/batch", set_batch)
    router.add_post("/_sim/b2b/certificates", issue_certificate)
    router.add_get("/_sim/b2b/client", client_credential)
    router.add_get("/_sim/b2b/truth", truth)
    router.add_post("/_sim/b2b/fleets/{fid}/vehicles", add_fleet_vehicle)
