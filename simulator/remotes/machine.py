"""The remote-action state machine, on the simulated clock.

Pending (Accepted, WakingUpVehicle, CheckingVehicle, SentToVehicle) then Done (Success,
AlreadyDone, Failed with a cause). Each transition is POSTed to the callback's webhook by the
push engine. Timings are in ``simulator.remotes.model``; the README lists them.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Any

from simulator.remotes import effects
from simulator.remotes.model import (
    ASLEEP_DELAY_S,
    AWAKE_DELAY_S,
    CHECK_AFTER_S,
    DEFAULT_WAKE_UP_LIMIT,
    DONE,
    DONE_AFTER_S,
    FAILURE_CAUSES,
    LOW_SOC_PCT,
    PENDING,
    REFUSE_AFTER_S,
    REMOTE_SCOPES,
    SCOPES,
    SEND_AFTER_S,
    STAY_AWAKE_S,
    WAKE_UP_S,
    RemoteRecord,
)

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.world.vehicle import Vehicle

_LOGGER = logging.getLogger(__name__)
MAX_REAL_WAIT_S = 0.5


@dataclass
class Injection:
    """A failure the next ``count`` remotes of ``type`` (any type when None) end with."""

    cause: str
    count: int = 1
    type: str | None = None

    def __post_init__(self) -> None:
        if self.cause not in FAILURE_CAUSES:
            raise ValueError(f"cause must be one of {FAILURE_CAUSES}")
        if self.type is not None and self.type not in SCOPES:
            raise ValueError(f"type must be one of {tuple(SCOPES)}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError("count must be an integer >= 1")


def is_asleep(vehicle: Vehicle) -> bool:
    """Parked, not charging and past its awake time."""
    return (
        not vehicle.moving
        and vehicle.charging_status != "InProgress"
        and vehicle.elapsed >= vehicle.awake_until
    )


def battery_too_low(vehicle: Vehicle, remote_type: str) -> bool:
    """An electric car keeps its battery: remotes but charging are refused when it is low."""
    return (
        remote_type != "ElectricBatteryChargingRequest"
        and vehicle.soc_pct is not None
        and vehicle.fuel_pct is None
        and vehicle.soc_pct < LOW_SOC_PCT
    )


class RemoteMachine:
    """Every remote action, its transitions, and the knobs tests turn."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.records: dict[str, RemoteRecord] = {}
        self.active: dict[str, RemoteRecord] = {}
        self.received: dict[str, dict[str, int]] = {}
        self.wake_ups: dict[tuple[str, str], int] = {}
        self.wake_up_limit = DEFAULT_WAKE_UP_LIMIT
        self.partner_scopes: tuple[str, ...] = REMOTE_SCOPES
        self.injected: dict[str, list[Injection]] = {}
        self._wake = asyncio.Event()

    # --- API side ----------------------------------------------------------------------------
    def submit(
        self, record_id: str, callback_id: str, vehicle: Vehicle, remote: dict[str, Any], kind: str
    ) -> RemoteRecord:
        """A POSTed remote: Accepted now, the rest on the clock."""
        busy = any(r.vehicle_id == vehicle.id and r.type == kind for r in self.active.values())
        record = RemoteRecord(
            record_id,
            callback_id,
            vehicle.id,
            remote,
            kind,
            self.sim.now(),
            next_at=self.sim.clock.elapsed() + CHECK_AFTER_S,
            asleep=is_asleep(vehicle),
            refusal="SameActionInProgress" if busy else None,
        )
        self.records[record.id] = record
        self.active[record.id] = record
        counts = self.received.setdefault(vehicle.id, {})
        counts[kind] = counts.get(kind, 0) + 1
        if kind != "Navigation":
            self._pending(record, vehicle, "Accepted")
        self._wake.set()
        return record

    # --- the clock ---------------------------------------------------------------------------
    def next_due(self) -> float | None:
        """Clock-elapsed seconds of the next transition (None: nothing pending)."""
        return min((r.next_at for r in self.active.values()), default=None)

    def process(self) -> None:
        """Run every transition that is due, oldest first."""
        now = self.sim.clock.elapsed()
        while True:
            due = [r for r in self.active.values() if r.next_at <= now + 1e-9]
            if not due:
                return
            self._step(min(due, key=lambda r: r.next_at))

    def _step(self, record: RemoteRecord) -> None:
        vehicle = self.sim.world.vehicles.get(record.vehicle_id)
        if vehicle is None:
            self._finish(record, None, "Failed", "VehicleConnectionTimeout")
            return
        if record.stage == "accepted":
            self._accepted(record, vehicle)
        elif record.stage == "check":
            self._check(record, vehicle)
        elif record.stage == "sent":
            self._pending(record, vehicle, "SentToVehicle")
            record.stage, record.next_at = "done", record.next_at + DONE_AFTER_S
        elif record.stage == "done":
            status, cause = effects.outcome(vehicle, record)
            if status == "Success":
                self.sim.world.wake_up(vehicle.id)
            self._finish(record, vehicle, status, cause)
        else:  # "refuse"
            self._finish(record, vehicle, "Failed", record.refusal or "GeneralError")

    def _accepted(self, record: RemoteRecord, vehicle: Vehicle) -> None:
        if record.refusal is not None:
            self._finish(record, vehicle, "Failed", record.refusal)
            return
        if record.wakes_car:
            key = (vehicle.id, self.sim.now().strftime("%Y-%m"))
            if self.wake_ups.get(key, 0) >= self.wake_up_limit:
                self._pending(record, vehicle, "TooManyWakeUpsOverMonth")
                self._refuse(record, "TooManyWakeUpsOverMonth", REFUSE_AFTER_S)
                return
            self.wake_ups[key] = self.wake_ups.get(key, 0) + 1
        if record.asleep:
            if record.type != "Navigation":
                self._pending(record, vehicle, "WakingUpVehicle")
            record.stage, record.next_at = "check", record.next_at + WAKE_UP_S
            return
        self._check(record, vehicle)

    def _check(self, record: RemoteRecord, vehicle: Vehicle) -> None:
        self._pending(record, vehicle, "CheckingVehicle")
        vehicle.awake_until = max(vehicle.awake_until, vehicle.elapsed + STAY_AWAKE_S)
        cause = self._take_injection(vehicle.id, record.type)
        if cause is None and vehicle.privacy == "Full":
            cause = "NotPossibleDueToVehiclePrivacyLevel"
        if cause is not None:
            self._refuse(record, cause, SEND_AFTER_S)
        elif battery_too_low(vehicle, record.type):
            self._pending(record, vehicle, "VehicleBatteryChargeTooLow")
            self._refuse(record, "NotPossibleDueToVehicleBatteryLevel", REFUSE_AFTER_S)
        else:
            record.stage, record.next_at = "sent", record.next_at + SEND_AFTER_S

    @staticmethod
    def _refuse(record: RemoteRecord, cause: str, after: float) -> None:
        record.refusal = cause
        record.stage, record.next_at = "refuse", record.next_at + after

    def _pending(self, record: RemoteRecord, vehicle: Vehicle, status: str) -> None:
        record.status = status
        self.sim.push.remote_event(record, vehicle, PENDING, status)

    def _finish(
        self, record: RemoteRecord, vehicle: Vehicle | None, status: str, cause: str | None
    ) -> None:
        record.status = status
        record.failure = cause if status == "Failed" else None
        record.stage = "final"
        self.active.pop(record.id, None)
        if vehicle is not None:
            self.sim.push.remote_event(record, vehicle, DONE, status)

    async def run(self) -> None:
        """Background driver with a running clock: transitions happen without requests."""
        while True:
            try:
                self.sim.sync()
            except Exception:  # the driver must outlive a bug in one transition
                _LOGGER.exception("remote transition failed")
            self._wake.clear()
            wait = self._real_wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    def _real_wait(self) -> float | None:
        due = self.next_due()
        scale = self.sim.clock.time_scale
        if due is None or scale <= 0:
            return None
        return min(MAX_REAL_WAIT_S, max(0.001, (due - self.sim.clock.elapsed()) / scale))

    # --- control -----------------------------------------------------------------------------
    def inject(self, vehicle_id: str, injection: Injection) -> None:
        """Make the next remotes of a car fail with a cause (KeyError: unknown car)."""
        self.sim.world.get(vehicle_id)
        self.injected.setdefault(vehicle_id, []).append(injection)

    def _take_injection(self, vehicle_id: str, kind: str) -> str | None:
        for injection in self.injected.get(vehicle_id, []):
            if injection.type in (None, kind):
                injection.count -= 1
                if injection.count <= 0:
                    self.injected[vehicle_id].remove(injection)
                return injection.cause
        return None

    def settings(self) -> dict[str, Any]:
        """The knobs, as ``/_sim/remotes`` shows them."""
        return {
            "wake_up_limit": self.wake_up_limit,
            "partner_scopes": list(self.partner_scopes),
            "delays_s": {"awake": AWAKE_DELAY_S, "asleep": ASLEEP_DELAY_S},
        }

    def truth_of(self, vehicle: Vehicle) -> dict[str, Any]:
        """What remotes did to a car, for ``/_sim/truth``."""
        month = self.sim.now().strftime("%Y-%m")
        programs = vehicle.precond_programs or {}
        return {
            "charging": vehicle.charging_status == "InProgress",
            "preconditioning": vehicle.precond_until > vehicle.elapsed,
            "preconditioning_programs": [programs[slot] for slot in sorted(programs)],
            "delayed_charge_time": vehicle.delayed_charge_start.strftime("%H:%M"),
            "navigation": vehicle.navigation,
            "asleep": is_asleep(vehicle),
            "remote_delay_s": ASLEEP_DELAY_S if is_asleep(vehicle) else AWAKE_DELAY_S,
            "wake_ups_this_month": self.wake_ups.get((vehicle.id, month), 0),
            "remotes_received": dict(self.received.get(vehicle.id, {})),
            "pending_remotes": [
                {"id": r.id, "type": r.type, "status": r.status}
                for r in self.active.values()
                if r.vehicle_id == vehicle.id
            ],
        }
