"""What a remote action does to the car."""

from __future__ import annotations

from simulator.core import Simulator
from simulator.push.store import RemoteRecord
from simulator.world import physics
from simulator.world.vehicle import Vehicle

PRECONDITIONING_S = 1800.0


def apply_remote(sim: Simulator, vehicle: Vehicle, record: RemoteRecord) -> None:
    """Apply the action and set ``record.status`` (Success, or Failed with a cause)."""
    remote = record.remote
    record.status = "Success"
    if "door" in remote:
        vehicle.locked = remote["door"]["state"] == "Locked"
        if vehicle.locked:
            vehicle.open_doors = ()
    elif "charging" in remote:
        _charging(vehicle, record)
    elif "preconditioning" in remote and remote["preconditioning"].get("airConditioning", {}).get(
        "immediate"
    ):
        vehicle.precond_until = vehicle.elapsed + PRECONDITIONING_S
    if record.status == "Success":
        sim.world.wake_up(vehicle.id)


def _charging(vehicle: Vehicle, record: RemoteRecord) -> None:
    if not vehicle.has_battery:
        record.status, record.failure = "Failed", "WrongCommand"
        return
    if record.remote["charging"].get("immediate") is not True:
        return
    if not vehicle.plugged:
        record.status, record.failure = "Failed", "VehicleChargingSystemError"
        return
    if vehicle.soc_pct is not None and vehicle.soc_pct < 100:
        physics.plug_in(vehicle)
