"""Callbacks and monitors against the simulator, up to a pushed webhook message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
import pytest

from custom_components.psa_connected_car.api import (
    BadRequestError,
    MonitorKind,
    MonitorRequest,
    PsaClient,
)
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

REQUESTS = [
    MonitorRequest(MonitorKind.ALERTS, "ha-alerts"),
    MonitorRequest(MonitorKind.STATUS, "ha-status", refresh_s=600),
    MonitorRequest(MonitorKind.FUEL_BELOW, "ha-fuel", threshold_pct=15),
    MonitorRequest(MonitorKind.BATTERY_BELOW, "ha-battery", threshold_pct=20),
]


@pytest.fixture(name="receiver")
async def receiver_fixture(socket_enabled: None) -> AsyncIterator[tuple[str, list[Any]]]:
    """A webhook endpoint on 127.0.0.1 that records what it receives."""
    received: list[Any] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.json()))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/api/webhook/abc", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/webhook/abc", received
    await runner.cleanup()


async def test_callback_lifecycle(client: PsaClient) -> None:
    created = await client.create_callback(
        "https://ha.example.invalid/api/webhook/abc", {"X-Ha-Secret": "s3cret"}, label="ha"
    )
    assert created.status == "Running"
    listed = await client.list_callbacks()
    assert [c.id for c in listed] == [created.id]
    assert listed[0].target == "https://ha.example.invalid/api/webhook/abc"
    assert listed[0].attributes == {"X-Ha-Secret": "s3cret"}
    assert listed[0].label == "ha"
    assert await client.delete_callback(created.id) is True
    assert await client.delete_callback(created.id) is False
    assert await client.list_callbacks() == []


async def test_monitor_lifecycle(client: PsaClient, running: RunningSimulator) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[1]
    callback = await client.create_callback("https://ha.example.invalid/x", {}, label="ha")
    created = [await client.create_monitor(vehicle_id, callback.id, r) for r in REQUESTS]
    assert [m.label for m in created] == [r.label for r in REQUESTS]
    assert all(m.status == "Running" for m in created)
    listed = await client.list_monitors(vehicle_id, callback.id)
    assert {m.id for m in listed} == {m.id for m in created}
    alerts = next(m for m in listed if m.label == "ha-alerts")
    assert alerts.extended_events == ("vehicle.alerts",)
    assert alerts.trigger_data == ("vehicle.alert",)
    assert alerts.created_at is not None
    assert await client.delete_monitor(vehicle_id, callback.id, created[0].id) is True
    assert await client.delete_monitor(vehicle_id, callback.id, created[0].id) is False
    assert len(await client.list_monitors(vehicle_id, callback.id)) == 3
    assert await client.list_monitors(vehicle_id, "unknown") == []


async def test_monitor_limit_is_a_bad_request(client: PsaClient, running: RunningSimulator) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    callback = await client.create_callback("https://ha.example.invalid/x", {}, label="ha")
    for index in range(5):
        await client.create_monitor(
            vehicle_id, callback.id, MonitorRequest(MonitorKind.ALERTS, f"m{index}")
        )
    with pytest.raises(BadRequestError) as caught:
        await client.create_monitor(
            vehicle_id, callback.id, MonitorRequest(MonitorKind.ALERTS, "one too many")
        )
    assert caught.value.code == 40000


async def test_alert_monitor_pushes_to_the_webhook(
    client: PsaClient, running: RunningSimulator, receiver: tuple[str, list[Any]]
) -> None:
    url, received = receiver
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    callback = await client.create_callback(url, {"X-Ha-Secret": "s3cret"}, label="ha")
    await client.create_monitor(vehicle_id, callback.id, REQUESTS[0])
    running.sim.raise_alert(vehicle_id, "FuelLevelLow", "Warning")
    running.sim.advance(120)
    await running.sim.push.drain()
    assert received
    headers, message = received[-1]
    assert headers["X-Ha-Secret"] == "s3cret"
    assert "FuelLevelLow" in str(message)
