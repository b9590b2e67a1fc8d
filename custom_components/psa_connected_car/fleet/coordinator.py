"""A fleet's coordinator: the consumer one, with the batch reads in its plan.

The planner counts two requests per car and cycle. While the fleet's batch reads answer
the status and the alerts of every car for a few requests, that count is far too high:
each cycle then reads every car of the fleet (and the service countdown of every car due
one, when that batch read is served too); the cars the planner chose keep what only they
get (collision reads within the spare requests). The batch reads are fetched before the
plan, so that a batch read the API stopped serving is known before cars are chosen. The
trips of the cars that were driving are read in one batch read too, from the earliest of
their last trips.
"""

from __future__ import annotations

from datetime import timedelta
from typing import override

from homeassistant.core import HomeAssistant

from ..api import Vehicle
from ..api.fleet_batch import BatchKind
from ..const import ACTIVE_INTERVAL, CONF_UPDATE_POLICY, POLICY_FIXED
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..polling.planner import maintenance_due
from ..vehicles.data import VehicleData
from .batch import BatchingFleetClient

BATCH_FOR_EVERY_CAR = (BatchKind.STATUS, BatchKind.ALERTS)


class FleetCoordinator(PsaCoordinator):
    """Polls one fleet within its rate budget, every car at once while batch reads serve."""

    def __init__(
        self, hass: HomeAssistant, entry: PsaConfigEntry, client: BatchingFleetClient
    ) -> None:
        """The coordinator of ``client``'s fleet."""
        super().__init__(hass, entry, client)
        self.fleet_client = client
        self._batch = client.batch

    @override
    async def _async_read_cars(
        self, vehicles: list[Vehicle], previous: dict[str, VehicleData]
    ) -> list[VehicleData]:
        """Fetch the batch reads first: the plan then knows whether the API serves them, and
        what they cost is taken from the budget before the cars are chosen."""
        now = self._cycle_start
        kinds = list(BATCH_FOR_EVERY_CAR)
        if any(maintenance_due(previous.get(vehicle.id), now) for vehicle in vehicles):
            kinds.append(BatchKind.MAINTENANCE)
        for kind in kinds:
            await self._batch.prefetch(kind)
        self._batch.expect_trips(await self.trips.async_read_starts(vehicles, previous))
        return await super()._async_read_cars(vehicles, previous)

    @override
    def _plan_cycle(
        self, vehicles: list[Vehicle], previous: dict[str, VehicleData]
    ) -> tuple[set[str], set[str]]:
        chosen, maintenance = super()._plan_cycle(vehicles, previous)
        now = self._cycle_start
        if not all(self._batch.serves(kind, now) for kind in BATCH_FOR_EVERY_CAR):
            return chosen, maintenance
        every_car = {vehicle.id for vehicle in vehicles}
        if self._batch.serves(BatchKind.MAINTENANCE, now):
            maintenance = {vid for vid in every_car if maintenance_due(previous.get(vid), now)}
        return every_car, maintenance

    @override
    def _cadence(self, data: dict[str, VehicleData]) -> timedelta:
        automatic = self.config_entry.options.get(CONF_UPDATE_POLICY) != POLICY_FIXED
        now = self._cycle_start
        if automatic and (
            self._cars_left_behind
            or all(self._batch.serves(kind, now) for kind in BATCH_FOR_EVERY_CAR)
        ):
            return ACTIVE_INTERVAL
        return super()._cadence(data)
