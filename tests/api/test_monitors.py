"""Monitor requests become the API's MonitorParameter body."""

from __future__ import annotations

import pytest

from custom_components.psa_connected_car.api import MonitorKind, MonitorRequest


def test_alerts_monitor() -> None:
    body = MonitorRequest(MonitorKind.ALERTS, "ha-alerts").to_body()
    assert body["label"] == "ha-alerts"
    assert body["extendedEventParam"] == ["vehicle.alerts"]
    triggers = body["triggerParam"]["triggers"]
    assert triggers == [{"name": "alerts", "data": {"data": "vehicle.alert", "op": "onChange"}}]
    assert body["triggerParam"]["boolExp"] == "alerts"
    assert "subscribeParam" not in body


def test_status_monitor() -> None:
    body = MonitorRequest("status", "ha-status", refresh_s=600).to_body()  # type: ignore[arg-type]
    assert body["extendedEventParam"] == ["vehicle.status"]
    names = [t["name"] for t in body["triggerParam"]["triggers"]]
    assert 1 <= len(names) <= 5
    assert body["triggerParam"]["boolExp"] == " | ".join(names)
    assert body["subscribeParam"] == {"refreshEvent": 600}


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (MonitorKind.FUEL_BELOW, "vehicle.energy.fuel.level"),
        (MonitorKind.BATTERY_BELOW, "vehicle.energy.electric.level"),
    ],
)
def test_level_monitors(kind: MonitorKind, data: str) -> None:
    body = MonitorRequest(kind, "low", threshold_pct=12.5).to_body()
    trigger = body["triggerParam"]["triggers"][0]["data"]
    assert trigger == {"data": data, "op": "lowerThan", "value": ["12.5"]}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": MonitorKind.FUEL_BELOW, "label": "x"},
        {"kind": MonitorKind.FUEL_BELOW, "label": "x", "threshold_pct": 120},
        {"kind": MonitorKind.ALERTS, "label": "x", "threshold_pct": 10},
        {"kind": MonitorKind.ALERTS, "label": " "},
        {"kind": MonitorKind.ALERTS, "label": "x", "refresh_s": 10},
        {"kind": "bogus", "label": "x"},
    ],
)
def test_invalid_requests(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - any validation message is fine
        MonitorRequest(**kwargs)  # type: ignore[arg-type]
