"""``/user/callbacks``, ``.../monitors`` and ``.../remotes`` (CRUD as the spec describes)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
import orjson

from simulator.api.common import ApiError, account_of, api_base, hal, sim_of, vehicle_of
from simulator.api.remotes import apply_remote
from simulator.clock import iso
from simulator.push.engine import PushEngine
from simulator.push.store import (
    MAX_MONITORS,
    CallbackRecord,
    InvalidBody,
    MonitorRecord,
    RemoteRecord,
    validate_callback,
    validate_monitor,
    validate_remote,
)
from simulator.render.common import Json, link
from simulator.render.paging import PagingError, collection, parse_paging

STATUS_VALUES = ("Running", "Paused")


async def _body(request: web.Request) -> Any:
    try:
        return orjson.loads(await request.read())
    except orjson.JSONDecodeError as err:
        raise ApiError(40000, "The request body is not valid JSON") from err


def _engine(request: web.Request) -> PushEngine:
    return sim_of(request).push


def _callback(request: web.Request) -> CallbackRecord:
    record = _engine(request).callbacks.get(request.match_info["cbid"])
    owner = account_of(request).email
    if record is None or record.owner != owner or record.client_id != request.query["client_id"]:
        raise ApiError(40400, "Callback not found")
    return record


def _page(request: web.Request, items: list[Json], key: str) -> web.Response:
    try:
        page = parse_paging(request.query)
    except PagingError as err:
        raise ApiError(40000, str(err)) from err
    base = f"{api_base(request)}{request.path.removeprefix('/connectedcar/v4')}"
    return hal(collection(items, key, page, base, request.query))


def _callback_href(request: web.Request, record: CallbackRecord) -> str:
    return f"{api_base(request)}/user/callbacks/{record.id}"


def _callback_ref(request: web.Request, record: CallbackRecord, status: int) -> web.Response:
    payload = {
        "_links": {"callback": link(_callback_href(request, record))},
        "callbackId": record.id,
        "status": record.status,
    }
    return hal(payload, status)


def _user_callback(request: web.Request, record: CallbackRecord) -> Json:
    return {
        "_links": {"self": link(_callback_href(request, record))},
        "id": record.id,
        "label": record.label,
        "subscribe": record.subscribe,
        "status": record.status,
    }


def _status_of(body: Any) -> str:
    if not isinstance(body, dict) or body.get("status") not in STATUS_VALUES:
        raise ApiError(40000, "status must be Running or Paused")
    return str(body["status"])


async def create_callback(request: web.Request) -> web.Response:
    """``POST /user/callbacks``."""
    sim = sim_of(request)
    try:
        subscribe = validate_callback(await _body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    engine = _engine(request)
    record = CallbackRecord(
        engine.new_id(), account_of(request).email, request.query["client_id"], subscribe, sim.now()
    )
    engine.callbacks[record.id] = record
    return _callback_ref(request, record, 200)


async def list_callbacks(request: web.Request) -> web.Response:
    """``GET /user/callbacks`` (``types`` filter)."""
    owner = account_of(request).email
    client_id = request.query["client_id"]
    wanted = set(request.query.getall("types", []))
    items = [
        _user_callback(request, r)
        for r in _engine(request).callbacks.values()
        if r.owner == owner
        and r.client_id == client_id
        and (not wanted or not r.subscribe.get("type") or wanted & set(r.subscribe["type"]))
    ]
    return _page(request, items, "callbacks")


async def get_callback(request: web.Request) -> web.Response:
    """``GET /user/callbacks/{cbid}``."""
    return hal(_user_callback(request, _callback(request)))


async def update_callback(request: web.Request) -> web.Response:
    """``PUT /user/callbacks/{cbid}``: replace the subscription."""
    record = _callback(request)
    try:
        record.subscribe = validate_callback(await _body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    return _callback_ref(request, record, 202)


async def delete_callback(request: web.Request) -> web.Response:
    """``DELETE /user/callbacks/{cbid}`` (its monitors go too)."""
    record = _callback(request)
    engine = _engine(request)
    del engine.callbacks[record.id]
    for monitor_id in [m.id for m in engine.monitors.values() if m.callback_id == record.id]:
        del engine.monitors[monitor_id]
    return web.Response(status=204)


async def callback_status(request: web.Request) -> web.Response:
    """``PUT /user/callbacks/{cbid}/status``."""
    record = _callback(request)
    record.status = _status_of(await _body(request))
    return _callback_ref(request, record, 202)


def _monitor(request: web.Request) -> MonitorRecord:
    vehicle = vehicle_of(request)
    callback = _callback(request)
    record = _engine(request).monitors.get(request.match_info["mid"])
    if record is None or record.vehicle_id != vehicle.id or record.callback_id != callback.id:
        raise ApiError(40400, "Monitor not found")
    return record


def _monitor_href(request: web.Request, record: MonitorRecord) -> str:
    base = api_base(request)
    vehicle = f"{base}/user/vehicles/{record.vehicle_id}"
    return f"{vehicle}/callbacks/{record.callback_id}/monitors/{record.id}"


def _monitor_ref(request: web.Request, record: MonitorRecord) -> web.Response:
    payload = {
        "_links": {"monitor": link(_monitor_href(request, record))},
        "monitorId": record.id,
        "status": record.status,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
    }
    return hal(payload, 202)


def _monitor_document(request: web.Request, record: MonitorRecord) -> Json:
    return {
        "_links": {"self": link(_monitor_href(request, record))},
        "monitorId": record.id,
        "monitor": record.parameter,
        "status": record.status,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
    }


async def create_monitor(request: web.Request) -> web.Response:
    """``POST /user/vehicles/{id}/callbacks/{cbid}/monitors`` (at most 5 per vehicle)."""
    sim = sim_of(request)
    vehicle = vehicle_of(request)
    callback = _callback(request)
    try:
        parameter = validate_monitor(await _body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    engine = _engine(request)
    existing = [
        m
        for m in engine.monitors.values()
        if m.vehicle_id == vehicle.id
        and engine.callbacks[m.callback_id].client_id == callback.client_id
    ]
    if len(existing) >= MAX_MONITORS:
        raise ApiError(40000, f"At most {MAX_MONITORS} monitors per vehicle")
    record = MonitorRecord(
        engine.new_id(), callback.id, vehicle.id, parameter, sim.now(), sim.now()
    )
    engine.prime(record)
    engine.monitors[record.id] = record
    return _monitor_ref(request, record)


async def list_monitors(request: web.Request) -> web.Response:
    """``GET .../monitors``."""
    vehicle = vehicle_of(request)
    callback = _callback(request)
    items = [
        _monitor_document(request, m)
        for m in _engine(request).monitors.values()
        if m.vehicle_id == vehicle.id and m.callback_id == callback.id
    ]
    return _page(request, items, "monitors")


async def get_monitor(request: web.Request) -> web.Response:
    """``GET .../monitors/{mid}``."""
    return hal(_monitor_document(request, _monitor(request)))


async def update_monitor(request: web.Request) -> web.Response:
    """``PUT .../monitors/{mid}``: replace the parameters."""
    record = _monitor(request)
    try:
        record.parameter = validate_monitor(await _body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    record.updated_at = sim_of(request).now()
    record.satisfied = False
    return _monitor_ref(request, record)


async def delete_monitor(request: web.Request) -> web.Response:
    """``DELETE .../monitors/{mid}``."""
    record = _monitor(request)
    del _engine(request).monitors[record.id]
    return web.Response(status=204)


async def monitor_status(request: web.Request) -> web.Response:
    """``PUT .../monitors/{mid}/status``."""
    record = _monitor(request)
    record.status = _status_of(await _body(request))
    record.updated_at = sim_of(request).now()
    return _monitor_ref(request, record)


def _remote_href(request: web.Request, record: RemoteRecord) -> str:
    base = api_base(request)
    vehicle = f"{base}/user/vehicles/{record.vehicle_id}"
    return f"{vehicle}/callbacks/{record.callback_id}/remotes/{record.id}"


def _remote_document(request: web.Request, record: RemoteRecord) -> Json:
    callback_href = f"{api_base(request)}/user/callbacks/{record.callback_id}"
    doc: Json = {
        "_links": {"self": link(_remote_href(request, record)), "callback": link(callback_href)},
        "remoteActionId": record.id,
        "type": record.type,
        "status": record.status,
        "remote": record.remote,
    }
    if record.failure is not None:
        doc["failureCause"] = record.failure
    return doc


async def send_remote(request: web.Request) -> web.Response:
    """``POST .../remotes``: the action is applied and its events pushed."""
    sim = sim_of(request)
    vehicle = vehicle_of(request)
    callback = _callback(request)
    try:
        remote, remote_type = validate_remote(await _body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    engine = _engine(request)
    record = RemoteRecord(engine.new_id(), callback.id, vehicle.id, remote, remote_type, sim.now())
    engine.remotes[record.id] = record
    engine.remote_event(record, vehicle, "Pending", "Accepted")
    apply_remote(sim, vehicle, record)
    engine.remote_event(record, vehicle, "Done", record.status)
    payload = {
        "_links": {
            "callback": link(_callback_href(request, callback)),
            "remote": link(_remote_href(request, record)),
        },
        "remoteActionId": record.id,
        "type": record.type,
    }
    return hal(payload, 202)


async def list_remotes(request: web.Request) -> web.Response:
    """``GET .../remotes``."""
    vehicle = vehicle_of(request)
    callback = _callback(request)
    items = [
        _remote_document(request, r)
        for r in _engine(request).remotes.values()
        if r.vehicle_id == vehicle.id and r.callback_id == callback.id
    ]
    return _page(request, items, "remoteActions")


async def get_remote(request: web.Request) -> web.Response:
    """``GET .../remotes/{rid}``."""
    vehicle = vehicle_of(request)
    callback = _callback(request)
    record = _engine(request).remotes.get(request.match_info["rid"])
    if record is None or record.vehicle_id != vehicle.id or record.callback_id != callback.id:
        raise ApiError(40400, "Remote action not found")
    return hal(_remote_document(request, record))


def add_routes(app: web.Application) -> None:
    """Register callback, monitor and remote routes."""
    router = app.router
    cb = "/connectedcar/v4/user/callbacks"
    router.add_get(cb, list_callbacks, name="getUsertRemotes")
    router.add_post(cb, create_callback, name="setUsertVehicleRemote")
    router.add_get(f"{cb}/{{cbid}}", get_callback, name="getUsertRemotebyId")
    router.add_put(f"{cb}/{{cbid}}", update_callback, name="setUsertVehicleRemoteById")
    router.add_delete(f"{cb}/{{cbid}}", delete_callback, name="deleteUsertRemote")
    router.add_put(f"{cb}/{{cbid}}/status", callback_status, name="setUserCallbackStatus")
    base = "/connectedcar/v4/user/vehicles/{id}/callbacks/{cbid}"
    router.add_get(f"{base}/monitors", list_monitors, name="getVehicleMonitors")
    router.add_post(f"{base}/monitors", create_monitor, name="createVehicleVehicleMonitor")
    mid = f"{base}/monitors/{{mid}}"
    router.add_get(mid, get_monitor, name="getVehicleMonitorsStatusById")
    router.add_put(mid, update_monitor, name="updateVehicleVehicleMonitor")
    router.add_delete(mid, delete_monitor, name="deleteVehicleMonitor")
    router.add_put(f"{mid}/status", monitor_status, name="setVehicleVehicleMonitorStatus")
    router.add_post(f"{base}/remotes", send_remote, name="sendRemoteToVhl")
    router.add_get(f"{base}/remotes", list_remotes, name="getRemoteRequestsForVhl")
    router.add_get(f"{base}/remotes/{{rid}}", get_remote, name="getRemoteRequestForVhlById")
