"""``/fleets/{fid}/monitors``: create, list, read, update, pause/resume and delete."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.common import ApiError, hal
from simulator.b2b.lookup import backend_of, fleet_base, fleet_of, json_body, page
from simulator.b2b.monitors import FleetMonitor, validate_fleet_monitor
from simulator.push.store import InvalidBody
from simulator.render.common import Json, link, stamp

STATUSES = ("Running", "Paused")


def _monitor(request: web.Request) -> FleetMonitor:
    fleet = fleet_of(request)
    monitor = backend_of(request).monitors.monitors.get(request.match_info["mid"])
    if monitor is None or monitor.fleet_id != fleet.id:
        raise ApiError(40400, "Monitor not found")
    return monitor


def _href(request: web.Request, monitor: FleetMonitor) -> str:
    return f"{fleet_base(request, fleet_of(request))}/monitors/{monitor.id}"


def monitor_document(request: web.Request, monitor: FleetMonitor) -> Json:
    """A ``Monitor``."""
    return {
        "monitorId": monitor.id,
        "monitor": monitor.parameter,
        "status": monitor.status,
        "createdAt": stamp(None, monitor.created_at),
        "updatedAt": stamp(None, monitor.updated_at),
        "_links": {
            "self": link(_href(request, monitor)),
            "fleet": link(fleet_base(request, fleet_of(request))),
        },
    }


def monitor_ref(request: web.Request, monitor: FleetMonitor) -> web.Response:
    """202 with a ``MonitorRef``."""
    doc = {
        "monitorId": monitor.id,
        "status": monitor.status,
        "createdAt": stamp(None, monitor.created_at),
        "updatedAt": stamp(None, monitor.updated_at),
        "_links": {
            "fleet": link(fleet_base(request, fleet_of(request))),
            "monitor": link(_href(request, monitor)),
        },
    }
    return hal(doc, status=202)


def _validated(body: Any) -> dict[str, Any]:
    try:
        return validate_fleet_monitor(body)
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err


async def list_monitors(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/monitors``."""
    fleet = fleet_of(request)
    items = [
        monitor_document(request, m)
        for m in backend_of(request).monitors.monitors.values()
        if m.fleet_id == fleet.id
    ]
    return page(request, items, "monitors")


async def create_monitor(request: web.Request) -> web.Response:
    """``POST /fleets/{fid}/monitors``."""
    fleet = fleet_of(request)
    parameter = _validated(await json_body(request))
    try:
        monitor = backend_of(request).monitors.create(fleet, parameter)
    except InvalidBody as err:
        raise ApiError(40000, str(err)) from err
    return monitor_ref(request, monitor)


async def get_monitor(request: web.Request) -> web.Response:
    """``GET /fleets/{fid}/monitors/{mid}``."""
    return hal(monitor_document(request, _monitor(request)))


async def update_monitor(request: web.Request) -> web.Response:
    """``PUT /fleets/{fid}/monitors/{mid}``."""
    monitor = _monitor(request)
    backend_of(request).monitors.update(monitor, _validated(await json_body(request)))
    return monitor_ref(request, monitor)


async def set_status(request: web.Request) -> web.Response:
    """``PUT /fleets/{fid}/monitors/{mid}/status`` (``Running`` or ``Paused``)."""
    monitor = _monitor(request)
    body = await json_body(request)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        raise ApiError(40000, f"status must be one of {STATUSES}")
    monitor.status = status
    monitor.updated_at = backend_of(request).sim.now()
    return monitor_ref(request, monitor)


async def delete_monitor(request: web.Request) -> web.Response:
    """``DELETE /fleets/{fid}/monitors/{mid}`` (204; 404 without a body when unknown)."""
    try:
        monitor = _monitor(request)
    except ApiError:
        return web.Response(status=404)
    del backend_of(request).monitors.monitors[monitor.id]
    return web.Response(status=204)


def add_routes(app: web.Application, prefix: str) -> None:
    """Register the monitor endpoints (names are the spec's operationIds)."""
    base = f"{prefix}/fleets/{{fid}}/monitors"
    one = f"{base}/{{mid}}"
    router = app.router
    router.add_get(base, list_monitors, name="getFleetMonitors")
    router.add_post(base, create_monitor, name="createFleetVehicleMonitor")
    router.add_get(one, get_monitor, name="getFleetMonitorsStatusById")
    router.add_put(one, update_monitor, name="updateFleetVehicleMonitor")
    router.add_delete(one, delete_monitor, name="deleteFleetMonitor")
    router.add_put(f"{one}/status", set_status, name="setFleetVehicleMonitorStatus")
