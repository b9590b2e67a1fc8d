"""Remote-action vocabulary (types, scopes, statuses, causes), timings and the stored record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

REMOTE_TYPES = {
    "preconditioning": "ThermalPreconditioning",
    "door": "Doors",
    "horn": "Horn",
    "charging": "ElectricBatteryChargingRequest",
    "lights": "Lights",
    "wakeUp": "WakeUp",
    "navigation": "Navigation",
}
"""Body key of a remote -> its RemoteType."""

SCOPES = {
    "ThermalPreconditioning": "remote:preconditioning:write",
    "Doors": "remote:door:write",
    "Horn": "remote:horn:write",
    "ElectricBatteryChargingRequest": "remote:charging:write",
    "Lights": "remote:lights:write",
    "WakeUp": "remote:wakeup:write",
    "Navigation": "remote:navigation:write",
}
"""RemoteType -> the OAuth scope the access token needs to send it."""

REMOTE_SCOPES = tuple(SCOPES.values())

FAILURE_CAUSES = (
    "GeneralError",
    "VehicleError",
    "WrongCommand",
    "VehicleConnectionTimeout",
    "MissingRights",
    "NotPossibleDueToVehicleBatteryLevel",
    "NotPossibleDueToVehiclePrivacyLevel",
    "TooManyWakeUpsOverMonth",
    "TooManyRequestInShortTime",
    "SameActionInProgress",
    "NotPossibleDueToVehicleStolenState",
    "VehicleInUse",
    "TooManyRequestSent",
    "DoorsOpen",
    "VehicleErrorOrCidInside",
    "CidInside",
    "ExternalChargingSystemError",
    "VehicleChargingSystemError",
    "VehicleIsNotLocked",
    "CanceledByDriver",
)
"""RemoteFailedEventStatus, in the specification's order."""

PENDING = "Pending"
DONE = "Done"

# Timings in simulated seconds after the POST (deterministic; see simulator/README.md).
CHECK_AFTER_S = 1.0
"""Accepted -> CheckingVehicle (or -> WakingUpVehicle when the car sleeps)."""
WAKE_UP_S = 20.0
"""A sleeping car answers that much later (WakingUpVehicle -> CheckingVehicle)."""
SEND_AFTER_S = 2.0
"""CheckingVehicle -> SentToVehicle (or -> the refusal)."""
DONE_AFTER_S = 3.0
"""SentToVehicle -> Done."""
REFUSE_AFTER_S = 1.0
"""A pending refusal status (TooManyWakeUpsOverMonth, VehicleBatteryChargeTooLow) -> Failed."""
AWAKE_DELAY_S = CHECK_AFTER_S + SEND_AFTER_S + DONE_AFTER_S
ASLEEP_DELAY_S = AWAKE_DELAY_S + WAKE_UP_S
STAY_AWAKE_S = 180.0
"""A car that received a message stays awake (uploading) 3 more minutes."""

DEFAULT_WAKE_UP_LIMIT = 20
"""Wake-ups caused by remotes allowed per car and calendar month (simulated time)."""
LOW_SOC_PCT = 5.0
"""Below this level, an electric car refuses remotes other than charging."""


@dataclass
class RemoteRecord:
    """A remote action sent to a vehicle, and where its state machine stands."""

    id: str
    callback_id: str
    vehicle_id: str
    remote: dict[str, Any]
    type: str
    created_at: datetime
    next_at: float
    """Simulated seconds (clock elapsed) of the next transition."""
    stage: str = "accepted"
    status: str = "Accepted"
    failure: str | None = None
    asleep: bool = False
    """The car slept when the remote arrived (it is woken first)."""
    refusal: str | None = None
    """A failure cause decided before the car is reached (SameActionInProgress...)."""

    @property
    def wakes_car(self) -> bool:
        """Whether it counts against the monthly wake-up limit."""
        return self.asleep or self.type == "WakeUp"
