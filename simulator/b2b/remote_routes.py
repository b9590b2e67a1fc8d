"""``/fleets/{fid}/remote/callbacks`` and ``/fleets/{fid}/vehicles/{vid}/callbacks/{cbid}/remotes``.

Immobilization and Stolen are not simulated as commands: a remote that asks for them is
refused with 400 like any remote the simulator does not know.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.common import ApiError, hal
from simulator.b2b.lookup import backend_of, fleet_base, fleet_of, json_body, page, vehicle_of
from simulator.b2b.remote_callbacks import FleetCallback, validate_remote_callback
from simulator.push.store import InvalidBody
from simulator.remotes.model import RemoteRecord
from simulator.remotes.validate import validate_remote
from simulator.render.common import Json, link
from simulator.render.remotes import remote_action

STATUSES = ("Running", "Paused")


def _callback(request: web.Request) -> FleetCallback:
    fleet = fleet_of(request)
    callback = backend_of(request).callbacks.callbacks.get(request.match_info["cbid"])
    if callback is None or callback.fleet_id != fleet.id:
        raise ApiError(40400, "Callback not found")
    return callback


def _callback_href(request: web.Request, callback: FleetCallback) -> str:
    return f"{fleet_base(request, fleet_of(request))}/remote/callbacks/{callback.id}"


def _validated(body: Any) -> dict[str, Any]:
    try:
        return validate_remote_callback(body)
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err


def callback_document(request: web.Request, callback: FleetCallback) -> Json:
    """A ``RemoteCallback``."""
    return {
        "id": callback.id,
        "subscribe": callback.subscribe,
        "status": callback.status,
        "_links": {
            "self": link(_callback_href(request, callback)),
            "fleet": link(fleet_base(request, fleet_of(request))),
        },
    }


def callback_ref(request: web.Request, callback: FleetCallback, status: int) -> web.Response:
    """A ``CallbackRef``."""
    doc = {
        "callbackId": callback.id,
        "status": callback.status,
        "_links": {
            "fleet": link(fleet_base(request, fleet_of(request))),
            "callback": link(_callback_href(request, callback)),
        },
    }
    return hal(doc, status=status)


async def list_callbacks(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/remote/callbacks`` (``remoteType`` filter)."""
    fleet = fleet_of(request)
    wanted = request.query.get("remoteType")
    items = [
        callback_document(request, c)
        for c in backend_of(request).callbacks.callbacks.values()
        if c.fleet_id == fleet.id and (wanted is None or wanted in c.remote_types)
    ]
    return page(request, items, "callbacks")


async def create_callback(request: web.Request) -> web.Response:
    """``POST /fleets/{fid}/remote/callbacks`` (200 with a ``CallbackRef``, as the spec says)."""
    fleet = fleet_of(request)
    callback = backend_of(request).callbacks.create(fleet.id, _validated(await json_body(request)))
    return callback_ref(request, callback, 200)


async def get_callback(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/remote/callbacks/{cbid}``."""
    return hal(callback_document(request, _callback(request)))


async def update_callback(request: web.Request) -> web.Response:
    """``PUT /fleets/{fid}/remote/callbacks/{cbid}``."""
    callback = _callback(request)
    callback.subscribe = _validated(await json_body(request))
    return callback_ref(request, callback, 202)


async def set_callback_status(request: web.Request) -> web.Response:
    """``PUT .../remote/callbacks/{cbid}/status`` (``Running`` or ``Paused``)."""
    callback = _callback(request)
    body = await json_body(request)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        raise ApiError(40000, f"status must be one of {STATUSES}")
    callback.status = status
    return callback_ref(request, callback, 202)


async def delete_callback(request: web.Request) -> web.Response:
    """``DELETE .../remote/callbacks/{cbid}`` (204; 404 without a body when unknown)."""
    try:
        callback = _callback(request)
    except ApiError:
        return web.Response(status=404)
    del backend_of(request).callbacks.callbacks[callback.id]
    return web.Response(status=204)


def _remote_href(request: web.Request, record: RemoteRecord) -> str:
    fleet = fleet_base(request, fleet_of(request))
    car = f"{fleet}/vehicles/{record.vehicle_id}"
    return f"{car}/callbacks/{record.callback_id}/remotes/{record.id}"


def remote_document(request: web.Request, record: RemoteRecord) -> Json:
    """A ``RemoteAction``."""
    callback = backend_of(request).callbacks.callbacks.get(record.callback_id)
    links: Json = {
        "self": link(_remote_href(request, record)),
        "fleet": link(fleet_base(request, fleet_of(request))),
    }
    if callback is not None:
        links["callback"] = link(_callback_href(request, callback))
    return remote_action(record, links)


async def send_remote(request: web.Request) -> web.Response:
    """``POST .../vehicles/{vid}/callbacks/{cbid}/remotes``: 202; it then runs on the clock."""
    backend = backend_of(request)
    fleet = fleet_of(request)
    vehicle = vehicle_of(request, fleet)
    callback = _callback(request)
    try:
        remote, remote_type = validate_remote(await json_body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    if remote_type not in callback.remote_types:
        raise ApiError(40000, f"the callback does not take {remote_type} remotes")
    record = backend.sim.remotes.submit(
        backend.callbacks.new_id(), callback.id, vehicle, remote, remote_type
    )
    payload = {
        "_links": {
            "fleet": link(fleet_base(request, fleet)),
            "callback": link(_callback_href(request, callback)),
            "remote": link(_remote_href(request, record)),
        },
        "remoteActionId": record.id,
        "type": record.type,
    }
    return hal(payload, status=202)


def _remotes_of(request: web.Request) -> list[RemoteRecord]:
    backend = backend_of(request)
    vehicle = vehicle_of(request, fleet_of(request))
    callback = _callback(request)
    return [
        r
        for r in backend.sim.remotes.records.values()
        if r.vehicle_id == vehicle.id and r.callback_id == callback.id
    ]


async def list_remotes(request: web.Request) -> web.Response:
    """``GET .../callbacks/{cbid}/remotes`` (oldest first)."""
    items = [remote_document(request, r) for r in _remotes_of(request)]
    return page(request, items, "remoteActions")


async def get_remote(request: web.Request) -> web.Response:
    """``GET .../callbacks/{cbid}/remotes/{rid}``."""
    for record in _remotes_of(request):
        if record.id == request.match_info["rid"]:
            return hal(remote_document(request, record))
    raise ApiError(40400, "Remote action not found")


def add_routes(app: web.Application, prefix: str) -> None:
    """Register the remote endpoints (names are the spec's operationIds)."""
    base = f"{prefix}/fleets/{{fid}}/remote/callbacks"
    one = f"{base}/{{cbid}}"
    remotes = f"{prefix}/fleets/{{fid}}/vehicles/{{vid}}/callbacks/{{cbid}}/remotes"
    router = app.router
    router.add_get(base, list_callbacks, name="getFleetRemotes")
    router.add_post(base, create_callback, name="setFleetVehicleRemote")
    router.add_get(one, get_callback, name="getFleetRemotebyId")
    router.add_put(one, update_callback, name="setFleetVehicleRemoteById")
    router.add_delete(one, delete_callback, name="deleteFleetRemote")
    router.add_put(f"{one}/status", set_callback_status, name="setFleeRemoteCallbackStatus")
    router.add_post(remotes, send_remote, name="sendRemoteToVhl")
    router.add_get(remotes, list_remotes, name="getRemoteRequestsForVhl")
    router.add_get(f"{remotes}/{{rid}}", get_remote, name="getRemoteRequestForVhlById")
