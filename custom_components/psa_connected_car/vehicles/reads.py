"""The reads of one car after its status: alerts and maintenance, each allowed to fail.

A failure of one of them keeps what was known before (the next cycle tries again) and
never throws away the status just read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
import logging

from ..api import Alert, AuthenticationError, PsaClient, PsaError, RateLimitedError, mask_vin
from .data import VehicleData

_LOGGER = logging.getLogger(__name__)


class CarReads:
    """Reads of one account's cars besides their status."""

    def __init__(
        self,
        client: PsaClient,
        locale: Callable[[], str | None],
        now: Callable[[], datetime],
    ) -> None:
        """``locale`` gives the alerts' language (the entry's option) at each read."""
        self._client = client
        self._locale = locale
        self._now = now
        self._no_data_logged: set[tuple[str, str]] = set()

    async def alerts(self, vehicle_id: str) -> tuple[Alert, ...]:
        """One car's active alerts, in the entry's alert language."""
        fetched = await self._client.get_alerts(vehicle_id, locale=self._locale())
        return tuple(alert for alert in fetched if alert.active)

    async def with_alerts(self, read: VehicleData) -> VehicleData:
        """``read`` with its alerts read now, or as they were when the read fails."""
        vehicle = read.vehicle
        try:
            alerts = await self.alerts(vehicle.id)
        except AuthenticationError, RateLimitedError:
            raise
        except PsaError as err:
            _LOGGER.debug("Alerts of car %s not read: %s", mask_vin(vehicle.vin), err)
            return read
        return replace(
            read, alerts=alerts, alerts_fetched_at=self._now(), alerts_status=read.status
        )

    async def with_maintenance(self, read: VehicleData) -> VehicleData:
        """``read`` with its maintenance read now, or as it was when the read fails."""
        vehicle = read.vehicle
        try:
            maintenance = await self._client.get_maintenance(vehicle.id)
        except AuthenticationError, RateLimitedError:
            raise
        except PsaError as err:
            _LOGGER.debug("Maintenance of car %s not read: %s", mask_vin(vehicle.vin), err)
            return read
        self.log_no_data_once(read, "maintenance", maintenance is None)
        return replace(read, maintenance=maintenance, maintenance_fetched_at=self._now())

    def log_no_data_once(self, read: VehicleData, what: str, missing: bool) -> None:
        """Say once (per car and document) that the API has none; again after it had."""
        key = (read.vehicle.id, what)
        if missing and key not in self._no_data_logged:
            self._no_data_logged.add(key)
            _LOGGER.info("The API has no %s data for car %s", what, mask_vin(read.vehicle.vin))
        elif not missing:
            self._no_data_logged.discard(key)
