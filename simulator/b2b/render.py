"""v3 documents: the consumer renderers' bodies, relinked under the fleet and with the ``vin``.

Where ``api-b2b.yaml`` shapes a resource like v4 (status, maintenance, alerts, trips,
collisions, last position) the v4 renderer builds it; this module then moves every link from
``.../user/vehicles/{vid}`` to ``.../fleets/{fid}/vehicles/{vid}`` and adds what v3 adds: the
car's ``vin`` (required in maintenance, and what tells the cars apart in the fleet-wide batch
reads), the ``fleet`` link, and the v3 vehicle and fleet documents themselves.
"""

from __future__ import annotations

from typing import Any

from simulator.b2b.fleets import Fleet
from simulator.render import resources
from simulator.render.common import Json, link, stamp
from simulator.world.vehicle import Vehicle

V3_VEHICLE_LINKS = ("lastPosition", "trips", "maintenance", "alerts", "status", "collisions")


def fleet_href(base: str, fleet: Fleet) -> str:
    """Absolute URL of a fleet."""
    return f"{base}/fleets/{fleet.id}"


def relink(node: Any, fleet_base: str) -> Any:
    """Move the v4 renderer's links (built on ``fleet_base``) under the fleet, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "href" and isinstance(value, str):
                node[key] = _moved(value, fleet_base)
            else:
                relink(value, fleet_base)
    elif isinstance(node, list):
        for item in node:
            relink(item, fleet_base)
    return node


def _moved(href: str, fleet_base: str) -> str:
    user = f"{fleet_base}/user"
    if href.startswith(f"{user}/vehicles"):
        return fleet_base + href.removeprefix(user)
    return fleet_base if href.startswith(user) else href


def with_vin(doc: Json, vehicle: Vehicle, fleet_base: str) -> Json:
    """Relinked, with the car's ``vin`` and a ``fleet`` link."""
    relink(doc, fleet_base)
    doc["vin"] = vehicle.vin
    links = doc.get("_links")
    if isinstance(links, dict):
        links["fleet"] = link(fleet_base)
    return doc


def fleet_document(fleet: Fleet, base: str) -> Json:
    """``/fleets/{fid}``."""
    href = fleet_href(base, fleet)
    links: Json = {"self": link(href)}
    for name in ("vehicles", "status", "maintenances", "alerts", "trips", "collisions", "monitors"):
        links[name] = link(f"{href}/{name}")
    links["callbacks"] = link(f"{href}/remote/callbacks")
    return {
        "id": fleet.id,
        "name": fleet.name,
        "description": fleet.description,
        "createdAt": stamp(None, fleet.created_at),
        "updatedAt": stamp(None, fleet.created_at),
        "_links": links,
    }


def vehicle_document(vehicle: Vehicle, fleet_base: str) -> Json:
    """A fleet car (``/fleets/{fid}/vehicles`` item and ``/fleets/{fid}/vehicles/{vid}``).

    The consumer document (with the ``realworld`` shapes where the car has them) under the
    fleet's links.
    """
    doc = resources.vehicle_document(vehicle, fleet_base)
    href = f"{fleet_base}/vehicles/{vehicle.id}"
    links: Json = {"self": link(href), "fleet": link(fleet_base)}
    for name in V3_VEHICLE_LINKS:
        links[name] = link(f"{href}/{name}")
    doc["_links"] = links
    return doc
