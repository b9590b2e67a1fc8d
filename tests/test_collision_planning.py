"""Collisions are read with the calls a cycle has left, and only after a drive."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from custom_components.psa_connected_car.api import Vehicle, parse_status
from custom_components.psa_connected_car.collisions.reads import collisions_due
from custom_components.psa_connected_car.polling.planner import plan_collision_reads
from custom_components.psa_connected_car.vehicles.data import VehicleData

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DRIVING = parse_status({"kinetic": {"moving": True}, "createdAt": "2026-06-01T18:00:00Z"})
CAR = VehicleData(
    vehicle=Vehicle(id="car", vin="VR3UHZKXZLT000001", brand=None, label=None, motorization=None)
)


def test_collisions_use_only_the_calls_left_over() -> None:
    costs = {"a": 2, "b": 3}
    assert plan_collision_reads(["a", "b"], costs, 7, {"a", "b"}) == {"a", "b"}
    assert plan_collision_reads(["a", "b"], costs, 6, {"a", "b"}) == {"a"}
    assert plan_collision_reads(["a", "b"], costs, 5, {"a", "b"}) == set()
    assert plan_collision_reads(["a", "b"], costs, 3, {"a", "b"}) == set()


def test_only_due_cars_that_were_read_get_their_collisions() -> None:
    assert plan_collision_reads(["a"], {}, 96, {"a", "b"}) == {"a"}
    assert plan_collision_reads(["a", "b"], {}, 96, {"b"}) == {"b"}


def test_collisions_are_due_after_a_drive_then_at_most_every_six_hours() -> None:
    assert not collisions_due(None, NOW)
    assert not collisions_due(CAR, NOW), "not at start-up: a parked car has nothing new"
    drove = replace(CAR, drove_since_collisions=True)
    assert collisions_due(drove, NOW), "the first read follows the first drive"
    read = replace(drove, collisions_fetched_at=NOW)
    assert not collisions_due(read, NOW + timedelta(hours=5, minutes=59))
    assert collisions_due(read, NOW + timedelta(hours=6))
    parked = replace(read, drove_since_collisions=False)
    assert not collisions_due(parked, NOW + timedelta(days=3)), "parked since: nothing new"
    driving = replace(read, status=DRIVING)
    assert not collisions_due(driving, NOW + timedelta(hours=7)), "read once the drive ends"
