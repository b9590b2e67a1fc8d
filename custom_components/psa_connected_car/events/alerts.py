"""Events for automations: an alert raised or cleared, service becoming due."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback

from ..api import Alert, Maintenance
from ..const import EVENT_ALERT, EVENT_SERVICE_DUE

if TYPE_CHECKING:
    from ..vehicles.data import VehicleData

STATE_RAISED = "raised"
STATE_CLEARED = "cleared"


class AlertEventDispatcher:
    """Fires events for changes between two refreshes (never for the first sight of a car)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Fire on this Home Assistant's bus."""
        self._hass = hass

    @callback
    def async_compare(
        self,
        previous: Mapping[str, VehicleData],
        current: Mapping[str, VehicleData],
        device_id: Callable[[str], str | None],
    ) -> None:
        """Fire what changed for each car seen in both refreshes."""
        for vehicle_id, now in current.items():
            before = previous.get(vehicle_id)
            if before is None or not now.available:
                continue
            base = {"device_id": device_id(now.vehicle.vin), "vehicle_id": vehicle_id}
            self._alert_changes(base, before.alerts, now.alerts)
            if now.service_due and not before.service_due:
                self._fire_service_due(base, now.maintenance)

    def _alert_changes(
        self, base: dict[str, Any], before: tuple[Alert, ...], now: tuple[Alert, ...]
    ) -> None:
        old = {alert.id: alert for alert in before}
        new = {alert.id: alert for alert in now}
        for alert_id in new.keys() - old.keys():
            self._fire_alert(base, new[alert_id], STATE_RAISED)
        for alert_id in old.keys() - new.keys():
            self._fire_alert(base, old[alert_id], STATE_CLEARED)

    def _fire_alert(self, base: dict[str, Any], alert: Alert, state: str) -> None:
        self._hass.bus.async_fire(
            EVENT_ALERT,
            {
                **base,
                "alert_id": alert.id,
                "type": alert.type,
                "severity": alert.severity,
                "message": alert.message,
                "state": state,
            },
        )

    def _fire_service_due(self, base: dict[str, Any], maintenance: Maintenance | None) -> None:
        assert maintenance is not None
        self._hass.bus.async_fire(
            EVENT_SERVICE_DUE,
            {
                **base,
                "days": maintenance.days_before_maintenance,
                "distance_km": maintenance.mileage_before_maintenance_km,
            },
        )
