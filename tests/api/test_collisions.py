"""Collisions: parsing both models, and reading them from the simulator page by page."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    CollisionImpact,
    PsaClient,
    parse_collision,
    parse_collisions,
)
from custom_components.psa_connected_car.api.errors import InvalidResponseError
from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

from .conftest import BRAND, TokenBox


def test_the_v4_model_gives_sides_and_the_worst_severity() -> None:
    collision = parse_collision(
        {
            "id": "c1",
            "createdAt": "2026-09-12T09:49:48Z",
            "details": [
                {"side": "Front", "severity": "Minor"},
                {"side": "Lateral", "severity": "Major"},
                {"side": "Rear"},
            ],
            "tippedOver": False,
            "pedestrian": True,
        }
    )
    assert collision is not None
    assert collision.occurred_at == datetime(2026, 9, 12, 9, 49, 48, tzinfo=UTC)
    assert collision.impacts == (
        CollisionImpact("Front", "Minor"),
        CollisionImpact("Lateral", "Major"),
        CollisionImpact("Rear", None),
    )
    assert collision.severity == "Major"
    assert collision.pedestrian is True
    assert collision.tipped_over is False
    assert collision.position is None


def test_the_v2_model_gives_the_sides_hit() -> None:
    doc = {
        "_embedded": {
            "collisions": [
                {
                    "id": "v2",
                    "rollOver": True,
                    "front": {"level": "HIGH"},
                    "rear": {"level": "NONE"},
                    "lateral": {"level": "NONE"},
                    "createdAt": "2017-06-14T07:09:33.000Z",
                }
            ]
        }
    }
    [collision] = parse_collisions(doc)
    assert collision.impacts == (CollisionImpact("Front", None),)
    assert collision.severity is None
    assert collision.tipped_over is True


def test_odd_entries_are_skipped_and_odd_fields_ignored() -> None:
    items = [
        {"details": [{"side": "Front"}]},  # no id
        "not a collision",
        {"id": "ok", "details": "Front", "createdAt": "yesterday", "position": [1, 2]},
        {"id": "odd", "details": [{"severity": "Major"}, {"side": "Rear", "severity": "Huge"}]},
    ]
    ok, odd = parse_collisions(items)
    assert ok.impacts == ()
    assert ok.occurred_at is None
    assert ok.position is None
    assert odd.impacts == (CollisionImpact("Rear", "Huge"),)
    assert odd.severity is None, "an unknown word is shown in details, never ranked"
    with pytest.raises(InvalidResponseError):
        parse_collisions("garbage")


async def test_collisions_from_the_simulator_oldest_first(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    injected = [
        running.sim.add_collision(vehicle_id, "Rear", "Minimal"),
        running.sim.add_collision(vehicle_id, "Lateral", "Major"),
    ]
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
        page_size=1,
    )
    collisions = await client.get_collisions(vehicle_id)
    assert [c.id for c in collisions][-2:] == injected
    assert collisions[-1].impacts == (CollisionImpact("Lateral", "Major"),)
    assert len(collisions) == len(running.sim.world.vehicles[vehicle_id].collisions)
    assert running.sim.stats()["requests"]["getVehicleCollision"] == len(collisions)


@pytest.mark.parametrize("sim_config", [SimulatorConfig(scenario="quirks", time_scale=0)])
async def test_a_next_link_pointing_at_itself_ends_the_read(
    client: PsaClient, running: RunningSimulator
) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    assert await client.get_collisions(vehicle_id) == []
