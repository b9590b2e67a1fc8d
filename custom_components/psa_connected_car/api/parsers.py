"""Turn API documents into models. Tolerant: odd values become ``None``.

The only error is ``InvalidResponseError``, for a document that is not a JSON
object at all (or a single resource without its identifier).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import InvalidResponseError
from .models import (
    Alert,
    AlertSeverity,
    Callback,
    Maintenance,
    Monitor,
    Motorization,
    Position,
    User,
    Vehicle,
)
from .parsing import (
    as_list,
    as_mapping,
    dig,
    parse_timestamp,
    to_bool,
    to_canonical,
    to_float,
    to_int,
    to_str,
)


def require_mapping(doc: object, what: str) -> Mapping[str, Any]:
    """The document as a mapping, or ``InvalidResponseError``."""
    mapping = as_mapping(doc)
    if mapping is None:
        raise InvalidResponseError(f"{what}: expected a JSON object, got {type(doc).__name__}")
    return mapping


def embedded_items(doc: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The objects listed under ``_embedded.<key>`` (key matched case-insensitively)."""
    embedded = as_mapping(doc.get("_embedded")) or {}
    wanted = key.lower()
    for name, value in embedded.items():
        if isinstance(name, str) and name.lower() == wanted:
            return [item for item in as_list(value) if isinstance(item, Mapping)]
    return []


def page_items[T](
    doc: object,
    key: str,
    parse_one: Callable[[Mapping[str, Any]], T | None],
    *,
    bare_list: bool = False,
) -> list[T]:
    """The items of one page (``_embedded.<key>``) that parse; the others are skipped.

    With ``bare_list``, a plain JSON list of items is accepted as well.
    """
    if bare_list and isinstance(doc, list):
        items = [item for item in doc if isinstance(item, Mapping)]
    else:
        items = embedded_items(require_mapping(doc, key), key)
    return [parsed for parsed in map(parse_one, items) if parsed is not None]


def block_time(block: object) -> Any:
    """A block's ``updatedAt``, else its ``createdAt`` (raw; parse afterwards)."""
    return dig(block, "updatedAt") or dig(block, "createdAt")


def parse_user(doc: object) -> User:
    """``GET /user``."""
    data = require_mapping(doc, "user")
    return User(
        id=to_str(data.get("id")) or to_str(data.get("userId")),
        email=to_str(data.get("email")),
        first_name=to_str(data.get("firstName")),
        last_name=to_str(data.get("lastName")),
    )


def _pictures(data: Mapping[str, Any]) -> tuple[str, ...]:
    """Top-level ``pictures``, else ``vehicleExtension.vehiclePictures.pictures`` (v4) or
    ``_embedded.extension.pictures`` (v3 fleet API)."""
    items = (
        as_list(data.get("pictures"))
        or as_list(dig(data, "vehicleExtension", "vehiclePictures", "pictures"))
        or as_list(dig(data, "_embedded", "extension", "pictures"))
    )
    found = (to_str(item) or to_str(dig(item, "href")) for item in items)
    return tuple(picture for picture in found if picture)


def _vehicle_or_none(data: Mapping[str, Any]) -> Vehicle | None:
    vehicle_id, vin = to_str(data.get("id")), to_str(data.get("vin"))
    if vehicle_id is None or vin is None:
        return None
    # Real answers carry brand and label under vehicleExtension.vehicleBranding only;
    # the v3 fleet API under _embedded.extension.branding.
    branding = (
        as_mapping(dig(data, "vehicleExtension", "vehicleBranding"))
        or as_mapping(dig(data, "_embedded", "extension", "branding"))
        or {}
    )
    return Vehicle(
        id=vehicle_id,
        vin=vin,
        brand=to_str(data.get("brand")) or to_str(branding.get("brand")),
        label=to_str(data.get("label")) or to_str(branding.get("label")),
        motorization=to_canonical(data.get("motorization"), Motorization),
        pictures=_pictures(data),
    )


def parse_vehicle(doc: object) -> Vehicle:
    """``GET /user/vehicles/{id}``; a vehicle without id or VIN is an invalid answer."""
    vehicle = _vehicle_or_none(require_mapping(doc, "vehicle"))
    if vehicle is None:
        raise InvalidResponseError("vehicle: no id or VIN in the answer")
    return vehicle


def parse_vehicles(doc: object) -> list[Vehicle]:
    """One page of ``GET /user/vehicles``; items without id or VIN are skipped."""
    return page_items(doc, "vehicles", _vehicle_or_none)


def parse_position(doc: object) -> Position | None:
    """A GeoJSON Feature (``[longitude, latitude(, altitude)]``); ``None`` without a fix.

    ``[0, 0]`` is what cars send without a fix, not a car in the Gulf of Guinea.
    """
    data = as_mapping(doc)
    if data is None:
        return None
    coordinates = as_list(dig(data, "geometry", "coordinates"))
    longitude = to_float(coordinates[0]) if len(coordinates) >= 2 else None
    latitude = to_float(coordinates[1]) if len(coordinates) >= 2 else None
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None
    if latitude == 0 and longitude == 0:
        return None
    properties = as_mapping(data.get("properties")) or {}
    heading = to_float(properties.get("heading"))
    return Position(
        latitude=latitude,
        longitude=longitude,
        altitude_m=to_float(coordinates[2]) if len(coordinates) >= 3 else None,
        heading_deg=heading if heading is not None and 0 <= heading <= 360 else None,
        updated_at=parse_timestamp(block_time(properties) or block_time(data)),
    )


def parse_maintenance(doc: object) -> Maintenance:
    """``GET /user/vehicles/{id}/maintenance`` (also the misspelled older field)."""
    data = require_mapping(doc, "maintenance")
    days = data.get("daysBeforeMaintenance", data.get("daysBeforeMaintenace"))
    return Maintenance(
        days_before_maintenance=to_int(days),
        mileage_before_maintenance_km=to_float(data.get("mileageBeforeMaintenance")),
        updated_at=parse_timestamp(block_time(data)),
    )


def _alert_or_none(data: Mapping[str, Any]) -> Alert | None:
    alert_type = to_str(data.get("type"))
    started_raw = data.get("startedAt")
    alert_id = to_str(data.get("id"))
    if alert_type is None and alert_id is None:
        return None
    ended_at = parse_timestamp(data.get("endAt", data.get("endedAt")))
    active = to_bool(data.get("active"))
    return Alert(
        id=alert_id or f"{alert_type}@{to_str(started_raw) or ''}",
        type=alert_type or "Unknown",
        severity=to_canonical(data.get("severity"), AlertSeverity),
        active=active if active is not None else ended_at is None,
        started_at=parse_timestamp(started_raw),
        ended_at=ended_at,
        message=to_str(data.get("message")) or to_str(data.get("label")),
        position=parse_position(data.get("startPosition")),
    )


def parse_alert(doc: object) -> Alert | None:
    """One alert object; ``None`` when it has neither an id nor a type."""
    return _alert_or_none(require_mapping(doc, "alert"))


def parse_alerts(doc: object) -> list[Alert]:
    """One page of ``GET /user/vehicles/{id}/alerts``."""
    return page_items(doc, "alerts", _alert_or_none)


def _attributes(value: object) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in as_list(value):
        key, text = to_str(dig(item, "key")), to_str(dig(item, "value"))
        if key is not None and text is not None:
            result[key] = text
    return result


def _callback_or_none(data: Mapping[str, Any]) -> Callback | None:
    callback_id = to_str(data.get("id")) or to_str(data.get("callbackId"))
    if callback_id is None:
        return None
    webhook = as_mapping(dig(data, "subscribe", "callback", "webhook")) or {}
    return Callback(
        id=callback_id,
        target=to_str(webhook.get("target")),
        attributes=_attributes(webhook.get("attributes")),
        label=to_str(data.get("label")) or to_str(dig(data, "subscribe", "label")),
        status=to_str(data.get("status")),
        types=_callback_types(dig(data, "subscribe", "type")),
    )


def _callback_types(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(sorted(name for name in map(to_str, value) if name))


def parse_callbacks(doc: object) -> list[Callback]:
    """One page of ``GET /user/callbacks``."""
    return page_items(doc, "callbacks", _callback_or_none)


def parse_callback_ref(doc: object) -> tuple[str, str | None]:
    """``(callbackId, status)`` from the answer to a callback creation."""
    data = require_mapping(doc, "callback")
    callback_id = to_str(data.get("callbackId")) or to_str(data.get("id"))
    if callback_id is None:
        raise InvalidResponseError("callback: no id in the answer")
    return callback_id, to_str(data.get("status"))


def _monitor_or_none(data: Mapping[str, Any]) -> Monitor | None:
    monitor_id = to_str(data.get("monitorId")) or to_str(data.get("id"))
    if monitor_id is None:
        return None
    parameter = as_mapping(data.get("monitor")) or {}
    events = tuple(e for e in map(to_str, as_list(parameter.get("extendedEventParam"))) if e)
    trigger_data = tuple(
        data_name
        for data_name in (
            to_str(dig(trigger, "data", "data"))
            for trigger in as_list(dig(parameter, "triggerParam", "triggers"))
        )
        if data_name
    )
    return Monitor(
        id=monitor_id,
        label=to_str(parameter.get("label")) or to_str(data.get("label")),
        status=to_str(data.get("status")),
        extended_events=events,
        trigger_data=trigger_data,
        created_at=parse_timestamp(data.get("createdAt")),
        updated_at=parse_timestamp(data.get("updatedAt")),
    )


def parse_monitor(doc: object) -> Monitor:
    """One monitor (or the reference returned on creation)."""
    monitor = _monitor_or_none(require_mapping(doc, "monitor"))
    if monitor is None:
        raise InvalidResponseError("monitor: no id in the answer")
    return monitor


def parse_monitors(doc: object) -> list[Monitor]:
    """One page of ``GET .../callbacks/{cbid}/monitors``."""
    return page_items(doc, "monitors", _monitor_or_none)
