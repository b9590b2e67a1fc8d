"""What a remote that reached the car does: the outcome (Success, AlreadyDone, Failed) and the
change to the world. Each function decides and applies; ``True`` means something changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from simulator.remotes.model import RemoteRecord
from simulator.remotes.validate import parse_time
from simulator.world import physics
from simulator.world.vehicle import Vehicle

PRECONDITIONING_S = 1800.0
"""An immediate preconditioning runs 30 simulated minutes, then ends by itself."""


class Refused(Exception):  # noqa: N818  (a refusal, not an error of ours)
    """The car refuses the action with a RemoteFailedEventStatus cause."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


def outcome(vehicle: Vehicle, record: RemoteRecord) -> tuple[str, str | None]:
    """Apply the action to the car: (status, failure cause)."""
    try:
        changed = _ACTIONS[record.type](vehicle, record.remote)
    except Refused as refusal:
        return "Failed", refusal.cause
    return ("Success" if changed else "AlreadyDone"), None


def _doors(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    if vehicle.moving:
        raise Refused("VehicleInUse")
    if vehicle.open_doors:
        raise Refused("DoorsOpen")
    locked = remote["door"]["state"] == "Locked"
    if vehicle.locked == locked:
        return False
    vehicle.locked = locked
    vehicle.lock_at = -1.0
    return True


def _charging(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    if not vehicle.has_battery:
        raise Refused("WrongCommand")
    action = remote["charging"]
    changed = False
    delayed = action.get("schedule", {}).get("nextDelayedTime", action.get("nextDelayedTime"))
    if delayed is not None:
        moment = parse_time(delayed)
        assert moment is not None  # validated
        start = moment.astimezone(UTC).time().replace(second=0, microsecond=0)
        changed = start != vehicle.delayed_charge_start
        vehicle.delayed_charge_start = start
    immediate = action.get("immediate")
    if immediate is True:
        if not vehicle.plugged:
            raise Refused("VehicleChargingSystemError")
        if vehicle.charging_status != "InProgress" and (vehicle.soc_pct or 0) < 100:
            physics.plug_in(vehicle)
            changed = True
    elif immediate is False and vehicle.charging_status == "InProgress":
        vehicle.charging_status = "Stopped"
        vehicle.charge_kw = 0.0
        changed = True
    return changed or "preferences" in action


def _preconditioning(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    if vehicle.moving:
        raise Refused("VehicleInUse")
    air = remote["preconditioning"]["airConditioning"]
    running = vehicle.precond_until > vehicle.elapsed
    changed = False
    if air.get("immediate") is True and not running:
        vehicle.precond_until = vehicle.elapsed + PRECONDITIONING_S
        physics.wake(vehicle, PRECONDITIONING_S)
        changed = True
    elif air.get("immediate") is False and "programs" not in air and running:
        vehicle.precond_until = -1.0
        changed = True
    for program in air.get("programs", []):
        changed = _program(vehicle, program) or changed
    return changed


def _program(vehicle: Vehicle, program: dict[str, Any]) -> bool:
    programs = vehicle.precond_programs
    if programs is None:
        programs = vehicle.precond_programs = {}
    slot = int(program["slot"])
    if program.get("actionsType", "Set") == "Delete":
        return programs.pop(slot, None) is not None
    stored = {
        "slot": slot,
        "enabled": program["enabled"],
        "recurrence": program.get("recurrence", "Daily"),
        "start": program["start"],
        "occurence": {"day": list(program["occurence"]["day"])},
    }
    if programs.get(slot) == stored:
        return False
    programs[slot] = stored
    return True


def _signal(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    """Horn and lights: nothing visible in the data."""
    return True


def _wake_up(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    """The machine makes every successful remote upload; a wake-up is nothing more."""
    return True


def _navigation(vehicle: Vehicle, remote: dict[str, Any]) -> bool:
    action = remote["navigation"]
    destination = {
        "positions": [list(p["coordinates"][:2]) for p in action["positions"]],
        "driver_approval": bool(action.get("driverApproval", False)),
    }
    if vehicle.navigation == destination:
        return False
    vehicle.navigation = destination
    return True


_ACTIONS: dict[str, Callable[[Vehicle, dict[str, Any]], bool]] = {
    "Doors": _doors,
    "ElectricBatteryChargingRequest": _charging,
    "ThermalPreconditioning": _preconditioning,
    "Horn": _signal,
    "Lights": _signal,
    "WakeUp": _wake_up,
    "Navigation": _navigation,
}
