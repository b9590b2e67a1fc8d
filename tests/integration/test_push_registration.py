"""The registrar against an API that shows less than the simulator (no labels, no secrets)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from custom_components.psa_connected_car.api import (
    Callback,
    Monitor,
    MonitorRequest,
    Vehicle,
)
from custom_components.psa_connected_car.push.registration import (
    PushIdentity,
    PushRegistrar,
    Registration,
    wanted_monitors,
)
from custom_components.psa_connected_car.vehicles.data import VehicleData

URL = "https://ha.example/api/webhook/abc"
IDENTITY = PushIdentity("Home Assistant psa_connected_car e1", "abc", "s" * 64)
CAR = VehicleData(Vehicle("car", "VIN", "Peugeot", "208", "Thermic"))


@dataclass
class FakeClient:
    """Keeps callbacks and monitors; lists them without labels or attributes."""

    callbacks: list[Callback] = field(default_factory=list)
    monitors: list[Monitor] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    async def list_callbacks(self) -> list[Callback]:
        self.calls.append("list_callbacks")
        return list(self.callbacks)

    async def delete_callback(self, callback_id: str) -> bool:
        self.calls.append("delete_callback")
        self.callbacks = [cb for cb in self.callbacks if cb.id != callback_id]
        return True

    async def create_callback(
        self, target: str, attributes: Any, *, label: str, types: Any = ()
    ) -> Callback:
        self.calls.append("create_callback")
        created = Callback(f"cb{len(self.calls)}", target, {}, label, "Running")
        self.callbacks.append(created)
        return created

    async def list_monitors(self, vehicle_id: str, callback_id: str) -> list[Monitor]:
        self.calls.append("list_monitors")
        return list(self.monitors)

    async def delete_monitor(self, vehicle_id: str, callback_id: str, monitor_id: str) -> bool:
        self.calls.append("delete_monitor")
        self.monitors = [m for m in self.monitors if m.id != monitor_id]
        return True

    async def create_monitor(
        self, vehicle_id: str, callback_id: str, request: MonitorRequest
    ) -> Monitor:
        self.calls.append("create_monitor")
        triggers = request.to_body()["triggerParam"]["triggers"]
        created = Monitor(
            f"m{len(self.calls)}",
            None,  # this API does not echo labels
            "Running",
            trigger_data=tuple(t["data"]["data"] for t in triggers),
        )
        self.monitors.append(created)
        return created


async def test_reused_when_the_api_hides_labels_and_attributes() -> None:
    client = FakeClient()
    registrar = PushRegistrar(client, IDENTITY, URL)  # type: ignore[arg-type]
    first = await registrar.async_reconcile({"car": CAR}, (), Registration())
    assert first.created == 1 + len(wanted_monitors(CAR))
    client.calls.clear()

    again = await registrar.async_reconcile({"car": CAR}, ["car"], Registration())

    assert client.calls == ["list_callbacks", "list_monitors"]
    assert again.monitors == first.monitors
    assert again.callback_id == first.callback_id


async def test_duplicates_are_deleted_and_a_wrong_secret_replaces_the_callback() -> None:
    client = FakeClient()
    wrong = Callback("old", URL, {"Authorization": "Basic bm9wZQ=="}, IDENTITY.label, "Running")
    client.callbacks.append(wrong)
    registrar = PushRegistrar(client, IDENTITY, URL)  # type: ignore[arg-type]
    await registrar.async_reconcile({"car": CAR}, (), Registration())
    assert [cb.id for cb in client.callbacks] != ["old"]
    client.monitors.append(replace(client.monitors[0], id="dup"))  # a duplicate

    registration = await registrar.async_reconcile({"car": CAR}, ["car"], Registration())

    assert registration.deleted == 1
    assert registration.created == 0
    assert "dup" not in {m.id for m in client.monitors}
    assert set(registration.monitors) == {m.id for m in client.monitors}


def test_identity_checks_the_secret_in_constant_time_form() -> None:
    assert IDENTITY.authorizes(IDENTITY.authorization)
    assert not IDENTITY.authorizes(None)
    assert not IDENTITY.authorizes(IDENTITY.authorization + "x")
    assert "s" * 64 not in repr(IDENTITY)
