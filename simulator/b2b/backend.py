"""State of the business (B2B v3) API: partner credentials, fleets, PKI, batch switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from simulator.b2b.delivery import DeliveryQueue
from simulator.b2b.fleets import FleetBook, build_fleets
from simulator.b2b.monitors import FleetMonitors
from simulator.b2b.pki import TestPki
from simulator.b2b.remote_callbacks import FleetCallbacks

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.remotes.model import RemoteRecord
    from simulator.world.vehicle import Vehicle

B2B_PREFIX = "/connectedcar/v3"
B2B_USER = "sim-fleet-user"
B2B_PASSWORD = "sim-fleet-password"
B2B_CLIENT_ID = "sim-fleet-client"
BATCH_OFF_STATUSES = (404, 410, 501)


@dataclass
class BatchSwitch:
    """Whether the deprecated fleet-wide reads answer, and the status they give when off."""

    enabled: bool = True
    status: int = 410


class B2bBackend:
    """Everything the v3 listener serves besides the world itself."""

    def __init__(self, sim: Simulator, sizes: tuple[int, ...]) -> None:
        self.sim = sim
        self.user = B2B_USER
        self.password = B2B_PASSWORD
        self.client_id = B2B_CLIENT_ID
        self.book = FleetBook(build_fleets(sim.world, sizes, sim.config.scenario))
        self.batch = BatchSwitch()
        self.pki = TestPki(B2B_CLIENT_ID)
        self.port = 0
        self.runner: web.AppRunner | None = None
        self.deliveries = DeliveryQueue(sim)
        self.monitors = FleetMonitors(sim, self.book, self.deliveries)
        self.callbacks = FleetCallbacks(sim, self.deliveries)
        self._hook_world(sim)

    def _hook_world(self, sim: Simulator) -> None:
        """Fleet monitors see every upload; fleet remotes' events come here, not to v4."""
        consumer_hook = sim.world.on_upload

        def on_upload(vehicle: Vehicle) -> None:
            if consumer_hook is not None:
                consumer_hook(vehicle)
            self.monitors.on_upload(vehicle)

        sim.world.on_upload = on_upload
        consumer_remote_event = sim.push.remote_event

        def remote_event(record: RemoteRecord, vehicle: Vehicle, kind: str, status: str) -> None:
            if record.callback_id in self.callbacks.callbacks:
                self.callbacks.remote_event(record, vehicle, kind, status)
            else:
                consumer_remote_event(record, vehicle, kind, status)

        sim.push.remote_event = remote_event  # type: ignore[method-assign,assignment]

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:{port}/connectedcar/v3`` once listening."""
        return f"https://{self.sim.config.host}:{self.port}{B2B_PREFIX}"
