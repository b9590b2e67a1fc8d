"""The push webhook: secret, malformed bodies, unknown cars, batches, stale and thin events."""

from __future__ import annotations

from copy import deepcopy
from datetime import timedelta
import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.psa_connected_car.api import MonitorKind, MonitorRequest
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from simulator.faults import FaultSpec
from simulator.render.status import status_document

from . import push_support
from .push_support import (
    Setup,
    api_calls,
    cars,
    monitor_message,
    monitors_of,
    our_callbacks,
    settle,
)

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup
PUSH_LOGGERS = "custom_components.psa_connected_car.push"


class Hook:
    """Posts to the entry's webhook as the API (or an impostor) would."""

    def __init__(self, hass: HomeAssistant, setup: Setup, client_factory: ClientSessionGenerator):
        """The entry's webhook and the secret the API echoes."""
        self.hass = hass
        self.entry, self.running = setup
        self.client_factory = client_factory
        [callback] = our_callbacks(self.running, self.entry)
        self.callback = callback
        hook = callback.webhook
        assert hook is not None
        self.auth = {a["key"]: a["value"] for a in hook["attributes"]}["Authorization"]
        self.path = f"/api/webhook/{self.entry.data['webhook_id']}"

    def monitor(self, car: str, label: str) -> str:
        """Id of our monitor ``label`` on ``car``."""
        monitors = monitors_of(self.running, self.callback.id)[car]
        return next(m.id for m in monitors if m.parameter["label"] == label)

    async def post(
        self, body: Any = None, *, auth: str | None = "ours", raw: str | None = None
    ) -> int:
        """POST ``body`` (JSON) or ``raw`` text; returns the status."""
        headers = {} if auth is None else {"Authorization": self.auth if auth == "ours" else auth}
        client = await self.client_factory()
        if raw is not None:
            response = await client.post(self.path, data=raw, headers=headers)
        else:
            response = await client.post(self.path, json=body, headers=headers)
        await self.hass.async_block_till_done(wait_background_tasks=True)
        return int(response.status)


@pytest.fixture
def hook(
    hass: HomeAssistant, push_setup: Setup, hass_client_no_auth: ClientSessionGenerator
) -> Hook:
    """The webhook of a registered entry."""
    return Hook(hass, push_setup, hass_client_no_auth)


def _coordinator(hook: Hook) -> PsaCoordinator:
    coordinator: PsaCoordinator = hook.entry.runtime_data.coordinator
    return coordinator


def _status_extension(hook: Hook, car: str, **changes: Any) -> list[dict[str, Any]]:
    document = deepcopy(status_document(hook.running.sim.world.vehicles[car], "http://sim"))
    document.update(changes)
    return [{"type": "vehicle.status", "body": [{"status": document}]}]


@pytest.mark.parametrize("auth", [None, "Basic d3Jvbmc=", "Bearer x", ""])
async def test_wrong_or_missing_secret_is_401_and_changes_nothing(
    hook: Hook, auth: str | None
) -> None:
    car = cars(hook.running)[0]
    before = _coordinator(hook).data[car]
    message = monitor_message(
        hook.monitor(car, "ha status 60s"),
        extensions=_status_extension(hook, car, odometer={"mileage": 999999.0}),
    )
    assert await hook.post(message, auth=auth) == 401
    assert _coordinator(hook).data[car] is before


async def test_impostor_callback_deliveries_are_refused(hook: Hook, external_url: str) -> None:
    """A callback pointing at our address without our secret: every delivery gets 401."""
    running = hook.running
    car = cars(running)[0]
    hook.callback.status = "Paused"  # only the impostor delivers
    client = hook.entry.runtime_data.client
    impostor = await client.create_callback(
        f"{external_url}{hook.path}", {"Authorization": "Basic Zm9vOmJhcg=="}, label="x"
    )
    await client.create_monitor(car, impostor.id, MonitorRequest(MonitorKind.ALERTS, "x"))
    before = _coordinator(hook).data[car]
    running.sim.raise_alert(car, "OilLevelLow", "Warning")
    await settle(hook.hass, running)
    deliveries = running.sim.stats()["deliveries"]
    assert deliveries["failed"] >= 1
    assert deliveries["succeeded"] == 0
    assert _coordinator(hook).data[car] is before


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        '{"no": "type"}',
        '{"type": "Monitor"}',
        '{"type": "Monitor", "monitorEvent": {"monitorId": "m", "values": 3}}',
        '{"type": "Monitor", "monitorEvent": {"monitorId": "m", "extensions": {}}}',
        '{"type": "Monitor", "monitorEvent": {"monitorId": "m", "extensions": [1]}}',
        '{"type": "Monitor", "monitorEvent": {"monitorId": "m", "extensions": '
        '[{"type": "vehicle.status", "body": [{"status": []}]}]}}',
        '{"type": "Monitor", "monitorEvent": {"monitorId": "m", "extensions": '
        '[{"type": "vehicle.alerts", "body": [{"alerts": {}}]}]}}',
    ],
)
async def test_malformed_payload_is_400_and_logged_once(
    hook: Hook, raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    car = cars(hook.running)[0]
    before = _coordinator(hook).data[car]
    assert await hook.post(raw=raw) == 400
    assert await hook.post(raw=raw) == 400
    warnings = [
        r
        for r in caplog.records
        if r.name.startswith(PUSH_LOGGERS) and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1
    assert _coordinator(hook).data[car] is before


async def test_unknown_monitor_is_accepted_and_logged_once(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=PUSH_LOGGERS)
    data = _coordinator(hook).data
    assert await hook.post(monitor_message("not-ours")) == 200
    assert await hook.post(monitor_message("not-ours")) == 200
    logged = [r for r in caplog.records if "does not follow" in r.getMessage()]
    assert len([r for r in logged if r.levelno == logging.INFO]) == 1
    assert _coordinator(hook).data is data


async def test_remote_events_are_accepted_and_ignored(hook: Hook) -> None:
    data = _coordinator(hook).data
    remote = {"type": "Remote", "callbackId": "cb", "remoteEvent": {"remoteActionId": "r"}}
    assert await hook.post(remote) == 200
    assert _coordinator(hook).data is data


async def test_batched_messages_are_all_applied(hook: Hook) -> None:
    thermic, electric, _hybrid = cars(hook.running)
    messages = [
        monitor_message(
            hook.monitor(car, "ha status 60s"),
            extensions=_status_extension(hook, car, odometer={"mileage": 900000.0 + n}),
        )
        for n, car in enumerate((thermic, electric))
    ]
    assert await hook.post(messages) == 200
    data = _coordinator(hook).data
    assert data[thermic].status.odometer_km == 900000.0  # type: ignore[union-attr]
    assert data[electric].status.odometer_km == 900001.0  # type: ignore[union-attr]


async def test_older_status_never_replaces_newer(hook: Hook) -> None:
    car = cars(hook.running)[0]
    known = _coordinator(hook).data[car].status
    assert known is not None
    assert known.updated_at is not None
    older = (known.updated_at - timedelta(hours=1)).isoformat()
    message = monitor_message(
        hook.monitor(car, "ha status 60s"),
        extensions=_status_extension(hook, car, updatedAt=older, odometer={"mileage": 1.0}),
    )
    assert await hook.post(message) == 200
    assert _coordinator(hook).data[car].status is known


async def test_stale_alerts_are_ignored(hook: Hook) -> None:
    car = cars(hook.running)[1]
    known = _coordinator(hook).data[car]
    assert known.status is not None
    assert known.status.updated_at is not None
    stale = monitor_message(
        hook.monitor(car, "ha alerts"),
        extensions=[{"type": "vehicle.alerts", "body": [{"alerts": []}]}],
    )
    stale["date"] = (known.status.updated_at - timedelta(hours=2)).isoformat()
    assert await hook.post(stale) == 200
    assert _coordinator(hook).data[car].alerts == known.alerts
    fresh = deepcopy(stale)
    fresh["date"] = known.status.updated_at.isoformat()
    assert await hook.post(fresh) == 200
    assert _coordinator(hook).data[car].alerts == ()
    assert await hook.post(stale) == 200  # older than the last pushed alerts too


async def test_event_without_data_reads_the_car_once(hook: Hook) -> None:
    car = cars(hook.running)[2]
    calls = api_calls(hook.running)
    thin_status = monitor_message(
        hook.monitor(car, "ha status 60s"),
        values=[{"data": "vehicle.kinetic.moving", "value": {"type": "string"}}],
    )
    thin_alerts = monitor_message(
        hook.monitor(car, "ha alerts"),
        values=[{"data": "vehicle.alert", "value": {"type": "string"}}],
    )
    for message in (thin_status, thin_alerts, thin_status, thin_alerts):
        assert await hook.post(message) == 200
    after = api_calls(hook.running)
    assert after["getVehicleStatus"] == calls["getVehicleStatus"] + 1
    assert after["getVehicleAlerts"] == calls["getVehicleAlerts"] + 1
    assert sum(after.values()) == sum(calls.values()) + 2


async def test_failed_read_after_a_thin_event_is_harmless(hook: Hook) -> None:
    car = cars(hook.running)[2]
    hook.running.sim.inject_fault(
        FaultSpec(kind="error", status=503, probability=1.0, endpoint="getVehicleStatus")
    )
    data = _coordinator(hook).data
    assert await hook.post(monitor_message(hook.monitor(car, "ha status 60s"))) == 200
    assert _coordinator(hook).data is data


async def test_deliveries_wait_until_our_monitors_are_known(hook: Hook) -> None:
    """While the registration runs after a restart, deliveries get 503 (the API retries)."""
    hass, entry, running = hook.hass, hook.entry, hook.running
    running.sim.inject_fault(FaultSpec(kind="latency", delay_s=0.5, endpoint="getUsertRemotes"))
    assert await hass.config_entries.async_reload(entry.entry_id)
    car = cars(running)[0]
    message = monitor_message(
        hook.monitor(car, "ha status 60s"),
        extensions=_status_extension(hook, car, odometer={"mileage": 900077.0}),
    )
    client = await hook.client_factory()
    response = await client.post(hook.path, json=message, headers={"Authorization": hook.auth})
    assert response.status == 503
    await settle(hass, running)
    assert await hook.post(message) == 200
    odometer = entry.runtime_data.coordinator.data[car].status.odometer_km
    assert odometer == 900077.0


async def test_a_failure_applying_an_event_is_a_500(
    hook: Hook, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setattr(_coordinator(hook), "async_apply_push", broken)
    car = cars(hook.running)[0]
    message = monitor_message(
        hook.monitor(car, "ha status 60s"), extensions=_status_extension(hook, car)
    )
    assert await hook.post(message) == 500
    ours = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith(PUSH_LOGGERS)
    )
    assert "could not be applied" in ours
    assert hook.entry.data["webhook_id"] not in ours
