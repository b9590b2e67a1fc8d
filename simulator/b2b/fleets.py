"""Fleets of the business (B2B) API: which world cars belong to which fleet.

Fleet cars live in the same world as the consumer accounts' cars (they move, charge, raise
alerts, drive trips, have collisions); their owner is ``fleet:{fleet id}`` so no consumer
account ever sees them. Car ``i`` of a fleet follows the scenario's plan for index ``i``
(0 thermic, 1 electric, 2 hybrid, then a seeded mix), shaped like the scenario's demo cars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
import random

from simulator.ids import long_hex_id
from simulator.world.fleet import default_plan, new_vehicle, shape
from simulator.world.vehicle import Vehicle
from simulator.world.world import World

FLEET_NAMES = ("Company cars", "Delivery vans", "Car-sharing club", "Pool cars")


@dataclass
class Fleet:
    """One fleet of the partner."""

    id: str
    name: str
    description: str
    created_at: datetime
    vehicle_ids: list[str] = field(default_factory=list)

    @property
    def owner(self) -> str:
        """The world owner of this fleet's cars."""
        return fleet_owner(self.id)


def fleet_owner(fleet_id: str) -> str:
    """World ``owner`` of a fleet's cars."""
    return f"fleet:{fleet_id}"


def build_fleets(world: World, sizes: tuple[int, ...], scenario: str) -> dict[str, Fleet]:
    """Fleets of the given sizes, their cars added to ``world`` (deterministic per seed)."""
    fleets: dict[str, Fleet] = {}
    start = world.clock.start
    for number, size in enumerate(sizes, start=1):
        fleet_id = long_hex_id(world.seed, "fleet", number, length=24)
        name = FLEET_NAMES[(number - 1) % len(FLEET_NAMES)]
        fleet = Fleet(
            id=fleet_id,
            name=f"{name} {number}",
            description=f"{size} vehicles",
            created_at=start - timedelta(days=400 + number),
        )
        rng = random.Random(f"{world.seed}:fleet:{number}")
        for index in range(size):
            brand, motorization = default_plan(index, rng, scenario)
            vehicle = new_vehicle(
                world.seed, fleet.owner, index, brand=brand, motorization=motorization, start=start
            )
            shape(vehicle, scenario, start)
            world.vehicles[vehicle.id] = vehicle
            fleet.vehicle_ids.append(vehicle.id)
        fleets[fleet_id] = fleet
    return fleets


class FleetBook:
    """The fleets and lookups by fleet and car."""

    def __init__(self, fleets: dict[str, Fleet]) -> None:
        self.fleets = fleets
        self._fleet_of: dict[str, str] = {
            vid: fleet.id for fleet in fleets.values() for vid in fleet.vehicle_ids
        }

    def fleet_of_vehicle(self, vehicle_id: str) -> str | None:
        """The fleet a car belongs to."""
        return self._fleet_of.get(vehicle_id)

    def vehicles(self, world: World, fleet: Fleet) -> list[Vehicle]:
        """The fleet's cars that still exist, in fleet order."""
        return [world.vehicles[v] for v in fleet.vehicle_ids if v in world.vehicles]

    def add(self, fleet: Fleet, vehicle_id: str) -> None:
        """Put one more car into a fleet."""
        fleet.vehicle_ids.append(vehicle_id)
        self._fleet_of[vehicle_id] = fleet.id
