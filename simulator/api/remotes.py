"""``.../callbacks/{cbid}/remotes``: send a remote action, list them, read one."""

from __future__ import annotations

from aiohttp import web

from simulator.api.callbacks import callback_href, callback_of, page_of, read_body
from simulator.api.common import ApiError, api_base, hal, scopes_of, sim_of, vehicle_of
from simulator.push.store import InvalidBody
from simulator.remotes.model import SCOPES, RemoteRecord
from simulator.remotes.validate import validate_remote
from simulator.render.common import Json, link
from simulator.render.remotes import remote_action


def _remote_href(request: web.Request, record: RemoteRecord) -> str:
    base = api_base(request)
    vehicle = f"{base}/user/vehicles/{record.vehicle_id}"
    return f"{vehicle}/callbacks/{record.callback_id}/remotes/{record.id}"


def _remote_document(request: web.Request, record: RemoteRecord) -> Json:
    callback = f"{api_base(request)}/user/callbacks/{record.callback_id}"
    links = {"self": link(_remote_href(request, record)), "callback": link(callback)}
    return remote_action(record, links)


async def send_remote(request: web.Request) -> web.Response:
    """``POST .../remotes``: 202 with the action's id; it then runs on the simulated clock."""
    sim = sim_of(request)
    vehicle = vehicle_of(request)
    callback = callback_of(request)
    try:
        remote, remote_type = validate_remote(await read_body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    scope = SCOPES[remote_type]
    if scope not in scopes_of(request):
        raise ApiError(40300, f"The access token does not grant the scope {scope}")
    record = sim.remotes.submit(sim.push.new_id(), callback.id, vehicle, remote, remote_type)
    payload = {
        "_links": {
            "callback": link(callback_href(request, callback)),
            "remote": link(_remote_href(request, record)),
        },
        "remoteActionId": record.id,
        "type": record.type,
    }
    return hal(payload, 202)


async def list_remotes(request: web.Request) -> web.Response:
    """``GET .../remotes`` (oldest first)."""
    vehicle = vehicle_of(request)
    callback = callback_of(request)
    items = [
        _remote_document(request, r)
        for r in sim_of(request).remotes.records.values()
        if r.vehicle_id == vehicle.id and r.callback_id == callback.id
    ]
    return page_of(request, items, "remoteActions")


async def get_remote(request: web.Request) -> web.Response:
    """``GET .../remotes/{rid}``."""
    vehicle = vehicle_of(request)
    callback = callback_of(request)
    record = sim_of(request).remotes.records.get(request.match_info["rid"])
    if record is None or record.vehicle_id != vehicle.id or record.callback_id != callback.id:
        raise ApiError(40400, "Remote action not found")
    return hal(_remote_document(request, record))


def add_routes(app: web.Application) -> None:
    """Register the remote routes."""
    router = app.router
    base = "/connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}/remotes"
    router.add_post(base, send_remote, name="sendRemoteToVhl")
    router.add_get(base, list_remotes, name="getRemoteRequestsForVhl")
    router.add_get(f"{base}/{{rid}}", get_remote, name="getRemoteRequestForVhlById")
