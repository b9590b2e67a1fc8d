"""Monitor evaluation: observable values of an upload, triggers, and the boolean expression."""

from __future__ import annotations

from typing import Any

from simulator.push.boolexp import evaluate, parse_boolexp
from simulator.push.store import MonitorRecord
from simulator.world import geo
from simulator.world.vehicle import Snapshot, Vehicle

Observed = dict[str, str]


def observe(vehicle: Vehicle) -> Observed:
    """The monitorable data of the car's last upload, as literal strings."""
    snap = vehicle.current_snapshot()
    values: Observed = {
        "vehicle.odometer": str(int(snap.odometer_km)),
        "vehicle.kinetic.moving": _flag(snap.moving),
        "vehicle.kinetic.speed": str(snap.speed_kmh),
        "vehicle.trip.start": _flag(snap.moving),
        "vehicle.trip.stop": _flag(not snap.moving),
        "vehicle.powertrain.status": "Running" if snap.moving else "Stopped",
        "vehicle.doorsState.lockedState": "Locked" if snap.locked else "Unlocked",
        "vehicle.doorsState.opening": ",".join(snap.open_doors),
        "privacy.state": snap.privacy,
        "environment.air.temp": str(snap.air_temp),
        "vehicle.alert": ",".join(sorted({a.type for a in vehicle.active_alerts()})),
    }
    values.update(_energy(snap))
    return values


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _energy(snap: Snapshot) -> Observed:
    values: Observed = {}
    autonomy = 0
    if snap.fuel_pct is not None:
        values["vehicle.energy.fuel.level"] = str(snap.fuel_pct)
        values["vehicle.energy.fuel.autonomy"] = str(snap.fuel_autonomy_km or 0)
        autonomy += snap.fuel_autonomy_km or 0
    if snap.soc_pct is not None:
        values["vehicle.energy.electric.level"] = str(snap.soc_pct)
        values["vehicle.energy.electric.autonomy"] = str(snap.electric_autonomy_km or 0)
        values["vehicle.energy.charging.status"] = snap.charging_status
        values["vehicle.energy.charging.plugged"] = _flag(snap.plugged)
        values["vehicle.energy.charging.type"] = "Full"
        autonomy += snap.electric_autonomy_km or 0
    values["vehicle.autonomy"] = str(autonomy)
    return values


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def data_trigger(spec: dict[str, Any], now: Observed, before: Observed) -> bool:
    """One data trigger against the current and previous observations."""
    name = str(spec["data"])
    current = now.get(name)
    if current is None:
        return False
    wanted = [str(v) for v in spec.get("value", [])]
    op = spec["op"]
    if op == "onChange":
        return _changed(name, current, before.get(name))
    if name == "vehicle.alert":
        return bool(set(current.split(",")) & set(wanted))
    if op in ("equalsTo", "includedIn"):
        return current in (wanted if op == "includedIn" else wanted[:1])
    return _compare(op, _number(current), _number(wanted[0] if wanted else None))


def _changed(name: str, current: str, previous: str | None) -> bool:
    if previous is None or previous == current:
        return False
    if name in ("vehicle.trip.start", "vehicle.trip.stop"):
        return current == "true"
    if name == "vehicle.alert":
        return bool(set(current.split(",")) - set(previous.split(",")) - {""})
    return True


def _compare(op: str, value: float | None, limit: float | None) -> bool:
    if value is None or limit is None:
        return False
    return value > limit if op == "greaterThan" else value < limit


def zone_trigger(spec: dict[str, Any], vehicle: Vehicle) -> bool:
    """Inside (``In``) or outside (``Out``) a circle around a centre."""
    snap = vehicle.current_snapshot()
    place = spec["place"]
    center = place["center"]
    away = geo.distance_km(snap.lat, snap.lon, center["latitude"], center["longitude"])
    inside = away <= float(place["radius"])
    return inside if spec["transition"] == "In" else not inside


def satisfied(monitor: MonitorRecord, vehicle: Vehicle, now: Observed) -> tuple[bool, list[str]]:
    """Whether the monitor's expression holds, and which data triggers are true."""
    param = monitor.parameter["triggerParam"]
    truth: dict[str, bool] = {}
    fired: list[str] = []
    for trigger in param["triggers"]:
        name = trigger["name"]
        if "data" in trigger:
            truth[name] = data_trigger(trigger["data"], now, monitor.previous)
            if truth[name]:
                fired.append(str(trigger["data"]["data"]))
        elif "zone" in trigger:
            truth[name] = zone_trigger(trigger["zone"], vehicle)
        else:
            truth[name] = True  # time windows are treated as always open
    names = {t["name"] for t in param["triggers"]}
    return evaluate(parse_boolexp(param["boolExp"], names), truth), fired
