"""A car's device and entities in Home Assistant, and its device page against the truth."""

from __future__ import annotations

from typing import Any

from e2e.simulator_client import DEMO_USER
from e2e.stack import E2eError
from e2e.ui import DEVICE_ROWS_JS, DOMAIN, Session, check, entity_names, normalise, same_number


def pick_car(truth: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """The demo account's first combustion car: fuel, range, service and alerts all exist."""
    for vehicle_id, car in truth.items():
        if car["owner"] == DEMO_USER and car["motorization"] == "Thermic":
            return vehicle_id, car
    raise E2eError("the simulator's demo account has no combustion car (use --vehicles 3 or more)")


def car_device(ui: Session, vin: str) -> dict[str, Any]:
    devices = ui.ws({"type": "config/device_registry/list"})
    for device in devices:
        if [DOMAIN, vin] in device["identifiers"]:
            result: dict[str, Any] = device
            return result
    raise E2eError(f"no device for the car {vin} in Home Assistant's device registry")


def car_entities(ui: Session, device_id: str, vin: str) -> dict[str, str]:
    """Description key -> entity id, for the car's entities."""
    entities = ui.ws({"type": "config/entity_registry/list"})
    prefix = f"{vin}_"
    return {
        entry["unique_id"].removeprefix(prefix): entry["entity_id"]
        for entry in entities
        if entry.get("device_id") == device_id and entry["unique_id"].startswith(prefix)
    }


def expected_values(car: dict[str, Any], fuel_range: float | None) -> dict[str, tuple[str, Any]]:
    """Description key -> (platform, value the state must have) from the simulator's truth."""
    return {
        "fuel_level": ("sensor", car["fuel_level"]),
        "fuel_range": ("sensor", fuel_range),
        "odometer": ("sensor", car["odometer_km"]),
        "days_until_service": ("sensor", car["maintenance_days"]),
        "distance_until_service": ("sensor", car["maintenance_km"]),
        "active_alerts": ("sensor", len(car["active_alerts"])),
        "alert": ("binary_sensor", "on" if car["active_alerts"] else "off"),
        "location": ("device_tracker", (car["latitude"], car["longitude"])),
    }


def check_device_page(
    ui: Session,
    device_id: str,
    entities: dict[str, str],
    expected: dict[str, tuple[str, Any]],
    alert_types: list[str],
) -> None:
    """Every expected entity has a row on the device page showing the truth."""
    names = entity_names()
    missing = [key for key in expected if key not in entities]
    check(not missing, f"the car has no entity for {', '.join(missing)}")
    ui.goto(f"/config/devices/device/{device_id}")
    wanted = [entities[key] for key in expected]
    ui.page.wait_for_function(
        f"(ids) => {{ const rows = ({DEVICE_ROWS_JS})(); return ids.every((id) => id in rows); }}",
        arg=wanted,
    )
    rows = ui.device_rows()
    problems: list[str] = []
    for key, (platform, value) in expected.items():
        entity_id = entities[key]
        state = ui.state(entity_id)
        if state is None:
            problems.append(f"{entity_id}: no state")
            continue
        problems.extend(_state_problems(key, entity_id, state, value, alert_types))
        row = rows[entity_id]
        shown = normalise(str(state["shown"]))
        if shown not in normalise(row["text"]):
            problems.append(f"{entity_id}: the page shows {row['text']!r}, not {shown!r}")
        name = names.get((platform, key))
        if name is None:
            problems.append(f"en.json has no name for {platform}.{key}")
        elif row["name"] != name:
            problems.append(f"{entity_id}: named {row['name']!r} on the page, not {name!r}")
    check(not problems, "the device page disagrees with the simulator:\n  " + "\n  ".join(problems))


def _state_problems(
    key: str, entity_id: str, state: dict[str, Any], value: Any, alert_types: list[str]
) -> list[str]:
    problems: list[str] = []
    if key == "location":
        attributes = state["attributes"]
        position = (attributes.get("latitude"), attributes.get("longitude"))
        if not all(same_number(a, b) for a, b in zip(position, value, strict=True)):
            problems.append(f"{entity_id}: at {position}, the simulator says {value}")
    elif key == "alert":
        if state["state"] != value:
            problems.append(f"{entity_id}: {state['state']}, expected {value}")
    elif not same_number(state["state"], value):
        problems.append(f"{entity_id}: {state['state']}, the simulator says {value}")
    if key == "active_alerts":
        shown = sorted(alert["type"] for alert in state["attributes"].get("alerts", []))
        if shown != sorted(alert_types):
            problems.append(f"{entity_id}: alerts {shown}, the simulator says {alert_types}")
    return problems
