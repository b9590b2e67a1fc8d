"""``/user/callbacks`` and ``.../monitors`` (CRUD as the spec describes)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
import orjson

from simulator.api.common import ApiError, account_of, api_base, hal, sim_of, vehicle_of
from simulator.clock import iso
from simulator.push.engine import PushEngine
from simulator.push.store import (
    MAX_MONITORS,
    CallbackRecord,
    InvalidBody,
    MonitorRecord,
    validate_callback,
    validate_monitor,
)
from simulator.render.common import Json, link
from simulator.render.paging import PagingError, collection, parse_paging

STATUS_VALUES = ("Running", "Paused")


async def read_body(request: web.Request) -> Any:
    try:
        return orjson.loads(await request.read())
    except orjson.JSONDecodeError as err:
        raise ApiError(40000, "The request body is not valid JSON") from err


def _engine(request: web.Request) -> PushEngine:
    return sim_of(request).push


def callback_of(request: web.Request) -> CallbackRecord:
    record = _engine(request).callbacks.get(request.match_info["cbid"])
    owner = account_of(request).email
    if record is None or record.owner != owner or record.client_id != request.query["client_id"]:
        raise ApiError(40400, "Callback not found")
    return record


def page_of(request: web.Request, items: list[Json], key: str) -> web.Response:
    try:
        page = parse_paging(request.query)
    except PagingError as err:
        raise ApiError(40000, str(err)) from err
    base = f"{api_base(request)}{request.path.removeprefix('/connectedcar/v4')}"
    return hal(collection(items, key, page, base, request.query))


def callback_href(request: web.Request, record: CallbackRecord) -> str:
    return f"{api_base(request)}/user/callbacks/{record.id}"


def _callback_ref(request: web.Request, record: CallbackRecord, status: int) -> web.Response:
    payload = {
        "_links": {"callback": link(callback_href(request, record))},
        "callbackId": record.id,
        "status": record.status,
    }
    return hal(payload, status)


def _user_callback(request: web.Request, record: CallbackRecord) -> Json:
    return {
        "_links": {"self": link(callback_href(request, record))},
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
        subscribe = validate_callback(await read_body(request))
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
    return page_of(request, items, "callbacks")


async def get_callback(request: web.Request) -> web.Response:
    """``GET /user/callbacks/{cbid}``."""
    return hal(_user_callback(request, callback_of(request)))


async def update_callback(request: web.Request) -> web.Response:
    """``PUT /user/callbacks/{cbid}``: replace the subscription."""
    record = callback_of(request)
    try:
        record.subscribe = validate_callback(await read_body(request))
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    return _callback_ref(request, record, 202)


async def delete_callback(request: web.Request) -> web.Response:
    """``DELETE /user/callbacks/{cbid}`` (its monitors go too)."""
    record = callback_of(request)
    engine = _engine(request)
    del engine.callbacks[record.id]
    for monitor_id in [m.id for m in engine.monitors.values() if m.callback_id == record.id]:
        del engine.monitors[monitor_id]
    return web.Response(status=204)


async def callback_status(request: web.Request) -> web.Response:
    """``PUT /user/callbacks/{cbid}/status``."""
    record = callback_of(request)
    record.status = _status_of(await read_body(request))
    return _callback_ref(request, record, 202)


def _monitor(request: web.Request) -> MonitorRecord:
    vehicle = vehicle_of(request)
    callback = callback_of(request)
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
    callback = callback_of(request)
    try:
        parameter = validate_monitor(await read_body(request))
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
    callback = callback_of(request)
    items = [
        _monitor_document(request, m)
        for m in _engine(request).monitors.values()
        if m.vehicle_id == vehicle.id and m.callback_id == callback.id
    ]
    return page_of(request, items, "monitors")


async def get_monitor(request: web.Request) -> web.Response:
    """``GET .../monitors/{mid}``."""
    return hal(_monitor_document(request, _monitor(request)))


async def update_monitor(request: web.Request) -> web.Response:
    """``PUT .../monitors/{mid}``: replace the parameters."""
    record = _monitor(request)
    try:
        record.parameter = validate_monitor(await read_body(request))
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
    record.status = _status_of(await read_body(request))
    record.updated_at = sim_of(request).now()
    return _monitor_ref(request, record)


def add_routes(app: web.Application) -> None:
    """Register callback and monitor routes."""
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
