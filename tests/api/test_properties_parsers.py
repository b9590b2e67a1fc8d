"""Random and mutated documents: the parsers give a typed result or a typed error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import math
from typing import Any

from hypothesis import given, strategies as st

from custom_components.psa_connected_car.api import (
    Alert,
    InvalidResponseError,
    Position,
    VehicleStatus,
    parse_alerts,
    parse_callbacks,
    parse_maintenance,
    parse_monitors,
    parse_position,
    parse_status,
    parse_user,
    parse_vehicle,
    parse_vehicles,
)
from custom_components.psa_connected_car.api.parsing import parse_duration, parse_timestamp

from .documents import (
    alert_doc,
    alerts_page,
    callbacks_page,
    legacy_status_doc,
    maintenance_doc,
    monitors_page,
    status_doc,
    user_doc,
    vehicle_doc,
    vehicles_page,
)
from .strategies import JSON, mutated, property_settings

STATUS_DOCS = st.one_of(mutated(status_doc()), mutated(legacy_status_doc()), JSON)
ALERT_DOCS = st.one_of(mutated(alerts_page([alert_doc("a"), alert_doc("b", active=False)])), JSON)
VEHICLE_DOCS = st.one_of(mutated(vehicles_page([vehicle_doc(0), vehicle_doc(1)])), JSON)


def _check_time(value: datetime | None) -> None:
    assert value is None or value.tzinfo is UTC


def _check_number(value: float | None, low: float = -math.inf, high: float = math.inf) -> None:
    assert value is None or (math.isfinite(value) and low <= value <= high)


def _check_position(position: Position | None) -> None:
    if position is not None:
        assert -90 <= position.latitude <= 90
        assert -180 <= position.longitude <= 180
        _check_number(position.heading_deg, 0, 360)
        _check_time(position.updated_at)


def _check_status(status: VehicleStatus) -> None:
    _check_time(status.updated_at)
    for energy in (status.fuel, status.electric):
        if energy is not None:
            assert isinstance(energy.kind, str)
            _check_number(energy.level_pct, 0, 100)
            _check_number(energy.autonomy_km, 0)
            _check_time(energy.updated_at)
            if energy.charging is not None:
                duration = energy.charging.remaining_time
                assert duration is None or isinstance(duration, timedelta)
    if status.fuel is not None:
        assert status.fuel.kind.lower() == "fuel"
    _check_number(status.total_autonomy_km, 0)
    _check_number(status.odometer_km, 0)
    _check_number(status.speed_kmh, 0)
    _check_position(status.position)
    for flag in (status.moving, status.doors_locked):
        assert flag is None or isinstance(flag, bool)


def _typed_or_invalid(parser: Callable[[object], Any], doc: object) -> Any:
    try:
        return parser(doc)
    except InvalidResponseError:
        assert not isinstance(doc, dict) or parser is parse_vehicle
        return None


@property_settings()
@given(STATUS_DOCS)
def test_status_documents(doc: Any) -> None:
    status = _typed_or_invalid(parse_status, doc)
    if status is not None:
        _check_status(status)


@property_settings()
@given(ALERT_DOCS)
def test_alert_documents(doc: Any) -> None:
    alerts = _typed_or_invalid(parse_alerts, doc)
    for alert in alerts or []:
        assert isinstance(alert, Alert)
        assert isinstance(alert.id, str)
        assert alert.id
        assert isinstance(alert.type, str)
        assert isinstance(alert.active, bool)
        _check_time(alert.started_at)
        _check_time(alert.ended_at)
        _check_position(alert.position)


@property_settings()
@given(VEHICLE_DOCS)
def test_vehicle_documents(doc: Any) -> None:
    for vehicle in _typed_or_invalid(parse_vehicles, doc) or []:
        assert isinstance(vehicle.id, str)
        assert isinstance(vehicle.vin, str)
        assert all(isinstance(picture, str) for picture in vehicle.pictures)


@property_settings()
@given(st.one_of(mutated(vehicle_doc(0)), JSON))
def test_single_vehicle_documents(doc: Any) -> None:
    _typed_or_invalid(parse_vehicle, doc)


@property_settings()
@given(
    st.one_of(
        mutated(maintenance_doc()),
        mutated(user_doc()),
        mutated(callbacks_page()),
        mutated(monitors_page()),
        JSON,
    )
)
def test_other_documents(doc: Any) -> None:
    maintenance = _typed_or_invalid(parse_maintenance, doc)
    if maintenance is not None:
        assert maintenance.days_before_maintenance is None or isinstance(
            maintenance.days_before_maintenance, int
        )
        _check_number(maintenance.mileage_before_maintenance_km)
    _typed_or_invalid(parse_user, doc)
    for callback in _typed_or_invalid(parse_callbacks, doc) or []:
        assert all(isinstance(v, str) for v in callback.attributes.values())
    for monitor in _typed_or_invalid(parse_monitors, doc) or []:
        assert isinstance(monitor.id, str)
    _check_position(parse_position(doc))


@property_settings()
@given(st.one_of(JSON, st.text(), st.text(alphabet="0123456789-+:.TZPWDHMS ,"), st.floats()))
def test_primitives_never_raise(value: Any) -> None:
    _check_time(parse_timestamp(value))
    duration = parse_duration(value)
    assert duration is None or abs(duration) <= timedelta(days=3650)


@property_settings()
@given(st.datetimes(timezones=st.timezones(), min_value=datetime(1971, 1, 1)))  # noqa: DTZ001
def test_rfc3339_round_trip(moment: datetime) -> None:
    for text in (moment.isoformat(), moment.isoformat(timespec="milliseconds")):
        parsed = parse_timestamp(text)
        assert parsed is not None
        assert abs(parsed - moment.astimezone(UTC)) < timedelta(milliseconds=1)
