"""A round of car reads when the rate budget runs out: what was read stays."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from custom_components.psa_connected_car.api import (
    AuthenticationError,
    RateBudget,
    RateLimitedError,
    Vehicle,
)
from custom_components.psa_connected_car.polling.rounds import read_cars
from custom_components.psa_connected_car.vehicles.data import VehicleData

CARS = [Vehicle(f"car{index}", f"VIN{index}", "Peugeot", "208", "Thermic") for index in range(10)]


def _reader(
    budget: RateBudget, calls_per_car: int, started: list[str]
) -> Callable[[Vehicle], Awaitable[VehicleData]]:
    async def read_one(vehicle: Vehicle) -> VehicleData:
        started.append(vehicle.id)
        for _ in range(calls_per_car):
            await budget.acquire(wait=False)
        return VehicleData(vehicle=vehicle)

    return read_one


async def test_cars_that_cost_more_than_planned_keep_what_was_read() -> None:
    budget = RateBudget(limit=9, window_s=60, burst_limit=100, clock=lambda: 0.0)
    started: list[str] = []
    read, ran_out = await read_cars(CARS, _reader(budget, 2, started))
    assert ran_out
    assert set(read) == {"car0", "car1", "car2", "car3"}  # 8 calls; car4 got only one
    assert len(started) < len(CARS)  # the others were not even started


async def test_a_round_within_the_budget_reads_every_car() -> None:
    budget = RateBudget(limit=20, window_s=60, burst_limit=100, clock=lambda: 0.0)
    read, ran_out = await read_cars(CARS, _reader(budget, 2, []))
    assert not ran_out
    assert list(read) == [car.id for car in CARS]


async def test_a_round_that_read_no_car_fails_with_the_time_to_come_back() -> None:
    budget = RateBudget(limit=1, window_s=60, burst_limit=100, clock=lambda: 0.0)
    with pytest.raises(RateLimitedError) as failure:
        await read_cars(CARS, _reader(budget, 2, []))
    assert failure.value.retry_after == 60


async def test_an_authentication_error_ends_the_round() -> None:
    async def read_one(vehicle: Vehicle) -> VehicleData:
        if vehicle.id == "car5":
            raise AuthenticationError("token revoked")
        return VehicleData(vehicle=vehicle)

    with pytest.raises(AuthenticationError):
        await read_cars(CARS, read_one)
