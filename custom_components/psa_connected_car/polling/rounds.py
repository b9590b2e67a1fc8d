"""One round of car reads: a few at a time, stopped, not failed, when the budget runs out."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
import logging

from ..api import RateLimitedError, Vehicle, decisive_error
from ..vehicles.data import VehicleData

_LOGGER = logging.getLogger(__name__)
CONCURRENT_VEHICLES = 4


async def read_cars(
    cars: Iterable[Vehicle], read_one: Callable[[Vehicle], Awaitable[VehicleData]]
) -> tuple[dict[str, VehicleData], bool]:
    """Read ``cars`` concurrently: what was read by car id, and whether the budget ran out.

    When the rate budget runs out (the cars cost more than planned, or the API said 429),
    the cars read so far are kept and the others wait for the next round; only a round
    that read none fails, with the time to come back. An authentication error ends all.
    """
    semaphore = asyncio.Semaphore(CONCURRENT_VEHICLES)
    limited: list[RateLimitedError] = []

    async def read(vehicle: Vehicle) -> VehicleData | None:
        async with semaphore:
            if limited:
                return None
            try:
                return await read_one(vehicle)
            except RateLimitedError as err:
                limited.append(err)
                return None

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(read(vehicle)) for vehicle in cars]
    except ExceptionGroup as errors:
        raise decisive_error(errors.exceptions) from None
    results = {item.vehicle.id: item for task in tasks if (item := task.result())}
    if limited and not results:
        raise limited[0]
    if limited:
        _LOGGER.debug(
            "Rate budget spent after %s of %s cars; the others wait for the next cycle",
            len(results),
            len(tasks),
        )
    return results, bool(limited)
