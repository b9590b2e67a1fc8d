"""What a monitor should watch, turned into the API's monitor body."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MIN_REFRESH_S = 60


class MonitorKind(StrEnum):
    """The monitors the integration knows how to create."""

    ALERTS = "alerts"
    STATUS = "status"
    FUEL_BELOW = "fuel_below"
    BATTERY_BELOW = "battery_below"


_STATUS_TRIGGERS = (
    ("moving", "vehicle.kinetic.moving"),
    ("plugged", "vehicle.energy.charging.plugged"),
    ("charging", "vehicle.energy.charging.status"),
    ("locks", "vehicle.doorsState.lockedState"),
    ("privacy", "privacy.state"),
)
_LEVEL_DATA = {
    MonitorKind.FUEL_BELOW: "vehicle.energy.fuel.level",
    MonitorKind.BATTERY_BELOW: "vehicle.energy.electric.level",
}


@dataclass(frozen=True)
class MonitorRequest:
    """A monitor to create: its kind, label and, for levels, the threshold."""

    kind: MonitorKind
    label: str
    threshold_pct: float | None = None
    refresh_s: int | None = None

    def __post_init__(self) -> None:
        """Validate the combination; raises ``ValueError`` on a wrong one."""
        object.__setattr__(self, "kind", MonitorKind(self.kind))
        if not self.label.strip():
            raise ValueError("a monitor needs a label")
        if self.kind in _LEVEL_DATA:
            if self.threshold_pct is None or not 0 <= self.threshold_pct <= 100:
                raise ValueError("a level monitor needs a threshold between 0 and 100 %")
        elif self.threshold_pct is not None:
            raise ValueError("only level monitors take a threshold")
        if self.refresh_s is not None and self.refresh_s < MIN_REFRESH_S:
            raise ValueError(f"refresh_s must be at least {MIN_REFRESH_S} s")

    def to_body(self) -> dict[str, Any]:
        """The ``MonitorParameter`` document to POST."""
        triggers = self._triggers()
        body: dict[str, Any] = {
            "label": self.label,
            "extendedEventParam": self._extended_events(),
            "triggerParam": {
                "triggers": triggers,
                "boolExp": " | ".join(trigger["name"] for trigger in triggers),
            },
        }
        if self.refresh_s is not None:
            body["subscribeParam"] = {"refreshEvent": self.refresh_s}
        return body

    def _extended_events(self) -> list[str]:
        if self.kind is MonitorKind.ALERTS:
            return ["vehicle.alerts"]
        return ["vehicle.status"]

    def _triggers(self) -> list[dict[str, Any]]:
        if self.kind is MonitorKind.ALERTS:
            return [{"name": "alerts", "data": {"data": "vehicle.alert", "op": "onChange"}}]
        if self.kind is MonitorKind.STATUS:
            return [
                {"name": name, "data": {"data": data, "op": "onChange"}}
                for name, data in _STATUS_TRIGGERS
            ]
        threshold = f"{self.threshold_pct:g}"
        data = _LEVEL_DATA[self.kind]
        return [{"name": "low", "data": {"data": data, "op": "lowerThan", "value": [threshold]}}]
