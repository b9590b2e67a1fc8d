"""Drive the real integration in Home Assistant against the simulator in virtual time.

``open_stack`` starts the simulator, installs the virtual clock, logs in through the
simulator's IdP exactly as a person would (the config flow with the partner client) and
yields a ``Harness``. ``Harness.run_until`` is a small discrete-event loop on the simulated
clock: it advances the simulator to the next event (a refresh the coordinator scheduled, a
baseline poll, a trip start, a staleness sample), runs it, and goes on.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import time
from typing import Any

from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.coordinator import PsaCoordinator
from custom_components.psa_connected_car.vehicles.data import VehicleData
from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER, PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET
from simulator.world.vehicle import Vehicle
from tests.integration.conftest import CREDENTIAL_ID, HA_REDIRECT, FlowDriver

from .baseline import BaselinePoller
from .env import BenchEnv
from .sim_host import SimHost, hosted_simulator
from .truth import Shown, UploadLog, level_key, percentile
from .virtual_time import Timer, VirtualTime

IDP_ROUTES = frozenset({"authorize", "authorize_submit", "access_token", "token_revoke"})
EPSILON = 1e-6
SAMPLE_EVERY_S = 7.0
"""Not a divisor of the 30 s upload or 60 s polling periods: samples fall at every phase."""
SAMPLE_OFFSET_S = 3.1
OURS = "ours"


def bench_config(vehicles: int, **overrides: Any) -> SimulatorConfig:
    """The simulator as the benchmark runs it: frozen clock, real limits, no random life."""
    values: dict[str, Any] = {
        "vehicles": vehicles,
        "seed": 11,
        "start_time": datetime.fromisoformat("2026-11-22T23:00:00+00:00"),
        "time_scale": 0,
        "autonomous": False,
        "partner_redirect_uris": (HA_REDIRECT,),
    }
    values.update(overrides)
    return SimulatorConfig(**values)


@dataclass(frozen=True)
class Trip:
    """A trip the harness starts at ``at`` (simulated seconds since the simulator's start)."""

    at: float
    vehicle_id: str
    duration_s: float
    speed_kmh: float = 45.0


def realistic_day(vehicle_ids: list[str], day_start: float) -> list[Trip]:
    """Two trips per car: a morning one out, an evening one back home; parked otherwise.

    Start times are off any round grid (a trip starting exactly on a polling tick would be
    seen at once, which flatters a slow parked interval).
    """
    trips = []
    for index, vehicle_id in enumerate(vehicle_ids):
        morning = 7 * 3600 + 8 * 60 + 13 + index * 557
        evening = 17 * 3600 + 21 * 60 + 41 + index * 791
        trips.append(Trip(day_start + morning, vehicle_id, 1800 + 60 * index))
        trips.append(Trip(day_start + evening, vehicle_id, 2100))
    return sorted(trips, key=lambda trip: trip.at)


@dataclass
class RefreshSample:
    """One refresh the harness ran."""

    wall_s: float
    thread_cpu_s: float
    process_cpu_s: float
    cars_read: int
    budget_wait_s: float


@dataclass
class Samples:
    """Staleness samples per poller, quantity (position, level, age) and phase."""

    values: dict[tuple[str, str, str], list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, poller: str, quantity: str, phase: str, value: float) -> None:
        """Record one sample."""
        self.values[(poller, quantity, phase)].append(value)

    def summary(self, poller: str, quantity: str, phase: str) -> dict[str, float | int | None]:
        """p50, p95, max and the sample count."""
        values = self.values.get((poller, quantity, phase), [])
        return {
            "n": len(values),
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "max": max(values) if values else None,
        }


class Harness:
    """The running stack and the event loop on the simulated clock."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        host: SimHost,
        vt: VirtualTime,
        entry: ConfigEntry,
        log: UploadLog,
        flow: FlowDriver,
    ) -> None:
        self.hass, self.host, self.vt, self.entry, self.log, self.flow = (
            hass,
            host,
            vt,
            entry,
            log,
            flow,
        )
        self.sim = host.sim
        self.cars: list[str] = host.call(self.sim.vehicles_of, DEMO_USER)
        self.vehicles: dict[str, Vehicle] = {vid: self.sim.world.vehicles[vid] for vid in self.cars}
        self.baseline: BaselinePoller | None = None
        self.trips: deque[Trip] = deque()
        self.samples = Samples()
        self.refreshes: list[RefreshSample] = []
        self.sample_every = SAMPLE_EVERY_S
        self.next_sample = 0.0
        self.window_start = 0.0
        self.push = False
        self.after_refresh: list[Callable[[], Awaitable[None]]] = []
        self.push_latencies: list[float] = []
        self.push_unapplied = 0
        self.setup_retries = 0
        self.reads: Counter[str] = Counter()
        self._pushed_at: dict[str, tuple[float, VehicleData | None]] = {}
        self._refreshing = False
        self._unsub_push: Callable[[], None] | None = None
        self._entity_ids: dict[tuple[str, str], str | None] = {}

    # -- what Home Assistant shows ------------------------------------------------------
    @property
    def coordinator(self) -> PsaCoordinator:
        """The entry's current coordinator (a reload after reauth makes a new one)."""
        coordinator: PsaCoordinator = self.entry.runtime_data.coordinator
        return coordinator

    def entity_id(self, vehicle_id: str, platform: str, key: str) -> str | None:
        """The entity of one car's ``key`` (``None`` until the platform created it)."""
        cached = self._entity_ids.get((vehicle_id, key))
        if cached is None:
            unique_id = f"{self.vehicles[vehicle_id].vin}_{key}"
            cached = er.async_get(self.hass).async_get_entity_id(platform, DOMAIN, unique_id)
            self._entity_ids[(vehicle_id, key)] = cached
        return cached

    def shown(self, vehicle_id: str) -> Shown:
        """Position (device tracker attributes) and level (sensor state) as HA shows them."""
        latitude = longitude = level = None
        tracker_id = self.entity_id(vehicle_id, "device_tracker", "location")
        tracker = self.hass.states.get(tracker_id) if tracker_id else None
        if tracker is not None and tracker.state != STATE_UNAVAILABLE:
            latitude = tracker.attributes.get("latitude")
            longitude = tracker.attributes.get("longitude")
        key = level_key(self.vehicles[vehicle_id].motorization)
        sensor_id = self.entity_id(vehicle_id, "sensor", key)
        sensor = self.hass.states.get(sensor_id) if sensor_id else None
        if sensor is not None and sensor.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            level = float(sensor.state)
        return Shown(latitude, longitude, level)

    def unavailable_entities(self) -> list[str]:
        """The entry's entities that are unavailable (or have no state)."""
        registry = er.async_get(self.hass)
        missing = []
        for item in er.async_entries_for_config_entry(registry, self.entry.entry_id):
            if item.disabled_by is not None:
                continue
            state = self.hass.states.get(item.entity_id)
            if state is None or state.state == STATE_UNAVAILABLE:
                missing.append(item.entity_id)
        return missing

    def cars_with_data(self) -> int:
        """Cars whose status the coordinator holds."""
        data = self.coordinator.data or {}
        return sum(1 for item in data.values() if item.status is not None and item.available)

    # -- counters -----------------------------------------------------------------------
    def api_requests(self) -> int:
        """API requests the simulator served so far (all clients; the IdP not counted)."""
        stats = self.host.call(self.sim.stats)
        return sum(n for route, n in stats["requests"].items() if route not in IDP_ROUTES)

    def route_requests(self, route: str) -> int:
        """Requests to one route so far."""
        return int(self.host.call(self.sim.stats)["requests"].get(route, 0))

    # -- the event loop -----------------------------------------------------------------
    def schedule(self, trips: list[Trip]) -> None:
        """Trips to start when the clock gets there."""
        self.trips.extend(sorted(trips, key=lambda trip: trip.at))

    def track_push(self) -> None:
        """Measure delivery-to-state latency: upload that queued a delivery -> applied."""
        self.push = True
        world, queue = self.sim.world, self.sim.push.queue
        previous = world.on_upload

        def hook(vehicle: Vehicle) -> None:
            before = len(queue)
            if previous is not None:
                previous(vehicle)
            if len(queue) > before and vehicle.id not in self._pushed_at:
                item = (self.coordinator.data or {}).get(vehicle.id)
                self._pushed_at[vehicle.id] = (time.perf_counter(), item)

        world.on_upload = hook
        self._unsub_push = self.coordinator.async_add_listener(self._on_update)

    def _on_update(self) -> None:
        """Outside a refresh, a car whose data object was replaced got its push applied."""
        if self._refreshing:
            return
        data = self.coordinator.data or {}
        for vehicle_id, (started, known) in list(self._pushed_at.items()):
            if data.get(vehicle_id) is not known:
                del self._pushed_at[vehicle_id]
                self.push_latencies.append(time.perf_counter() - started)

    def _after_refresh_push_tracking(self) -> None:
        """A refresh replaced every car's data: pending pushes compare with the new data."""
        data = self.coordinator.data or {}
        for vehicle_id, (started, _) in list(self._pushed_at.items()):
            self._pushed_at[vehicle_id] = (started, data.get(vehicle_id))

    async def settle(self) -> None:
        """Let background work finish: push deliveries and what they trigger."""
        for _ in range(2):
            await self.hass.async_block_till_done(wait_background_tasks=True)
            if self.push:
                await self.host.drain()
        await self.hass.async_block_till_done(wait_background_tasks=True)
        if self._pushed_at:
            self.push_unapplied += len(self._pushed_at)
            self._pushed_at.clear()

    async def refresh(self, timer: Timer) -> RefreshSample:
        """The coordinator's refresh timer fired: the refresh, measured (wall, CPU)."""
        before = {
            vid: (item.refreshed_at, item.status.updated_at if item.status else None)
            for vid, item in (self.coordinator.data or {}).items()
        }
        fast = self.coordinator.cadence == timedelta(minutes=1)
        status_before = self.route_requests("getVehicleStatus")
        waited = self.vt.budget_wait_s
        wall, thread_cpu, process_cpu = time.perf_counter(), time.thread_time(), time.process_time()
        self._refreshing = True
        try:
            await self.vt.run(timer)
            await self.hass.async_block_till_done()
        finally:
            self._refreshing = False
            self._after_refresh_push_tracking()
        sample = RefreshSample(
            wall_s=time.perf_counter() - wall,
            thread_cpu_s=time.thread_time() - thread_cpu,
            process_cpu_s=time.process_time() - process_cpu,
            cars_read=self.route_requests("getVehicleStatus") - status_before,
            budget_wait_s=self.vt.budget_wait_s - waited,
        )
        self.refreshes.append(sample)
        self._count_reads(before, fast=fast)
        for hook in self.after_refresh:
            await hook()
        return sample

    def _next_event(self, end: float) -> float:
        candidates = [end, self.next_sample]
        if self.baseline is not None:
            candidates.append(self.baseline.due_at)
        if self.trips:
            candidates.append(self.trips[0].at)
        if (timer := self.vt.next_timer) is not None:
            candidates.append(timer)
        return min(candidates)

    async def _start_due_trips(self, now: float) -> None:
        while self.trips and self.trips[0].at <= now + EPSILON:
            trip = self.trips.popleft()
            self.host.call(self.sim.start_trip, trip.vehicle_id, trip.duration_s, trip.speed_kmh)
            await self.settle()

    def _count_reads(
        self, before: dict[str, tuple[datetime | None, datetime | None]], *, fast: bool
    ) -> None:
        """What-if counters: reads that found nothing new, parked cars read at 60 s."""
        if self.vt.monotonic() < self.window_start:
            return
        for vid, item in (self.coordinator.data or {}).items():
            refreshed, updated = before.get(vid, (None, None))
            if item.refreshed_at is None or item.refreshed_at == refreshed:
                continue
            self.reads["total"] += 1
            if item.status is not None and item.status.updated_at == updated:
                self.reads["status_unchanged"] += 1
            if fast and not item.is_active:
                self.reads["parked_at_60s"] += 1

    async def run_until(self, end: float) -> None:
        """Run every event up to ``end`` (simulated seconds since the simulator's start)."""
        while True:
            now = self.vt.monotonic()
            target = self._next_event(end)
            if target > now:
                await self.vt.quiesce()
                self.vt.advance_to(target)
                await self.settle()
                now = self.vt.monotonic()
            await self._start_due_trips(now)
            while (timer := self.vt.pop_due()) is not None:
                if timer.is_refresh:
                    await self.refresh(timer)
                else:
                    await self.vt.run(timer)
                    await self.settle()
            if self.baseline is not None and self.baseline.due_at <= now + EPSILON:
                await self.baseline.poll(now)
            now = self.vt.monotonic()
            if self.next_sample <= now + EPSILON:
                self.sample(now)
                while self.next_sample <= now + EPSILON:
                    self.next_sample += self.sample_every
            if now >= end - EPSILON:
                return

    def sample(self, now: float) -> None:
        """Staleness of what each poller shows, per car, split driving / parked."""
        if now < self.window_start:
            return
        data = self.coordinator.data or {}
        now_dt = self.vt.utcnow()
        for vehicle_id in self.cars:
            phase = "driving" if self.vehicles[vehicle_id].moving else "parked"
            pollers: list[tuple[str, Shown, float | None]] = []
            item = data.get(vehicle_id)
            age = None
            if item is not None and item.refreshed_at is not None:
                age = (now_dt - item.refreshed_at).total_seconds()
            pollers.append((OURS, self.shown(vehicle_id), age))
            if self.baseline is not None:
                read = self.baseline.read_at.get(vehicle_id)
                pollers.append(
                    (
                        self.baseline.name,
                        self.baseline.shown.get(vehicle_id, Shown(None, None, None)),
                        None if read is None else now - read,
                    )
                )
            for poller, shown, data_age in pollers:
                self.samples.add(
                    poller,
                    "position",
                    phase,
                    self.log.position_staleness(poller, vehicle_id, now, shown),
                )
                self.samples.add(
                    poller, "level", phase, self.log.level_staleness(poller, vehicle_id, now, shown)
                )
                if data_age is not None:
                    self.samples.add(poller, "age", phase, data_age)


@asynccontextmanager
async def open_stack(
    env: BenchEnv,
    config: SimulatorConfig,
    *,
    threaded: bool = False,
    push: bool = False,
    warmup_s: float = 3600.0,
    loop_debug: bool = False,
) -> AsyncIterator[Harness]:
    """Simulator, virtual clock, partner login, loaded entry: a ``Harness`` on top.

    The Home Assistant test plugin runs the loop in asyncio debug mode, which records a
    stack trace for every task, future and callback: half of a refresh's CPU goes there.
    Production does not run that way, so the benchmark turns it off (``loop_debug``).
    """
    hass, client_factory = env.hass, env.client_factory
    hass.loop.set_debug(loop_debug)
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET), CREDENTIAL_ID
    )
    async with hosted_simulator(config, threaded=threaded) as host:
        vt = VirtualTime(host, hass)
        vt.install(env.monkeypatch)
        log = UploadLog(host)
        vt.advance(warmup_s)  # the demo hybrid starts on a trip: let it park
        if push:
            assert await async_setup_component(hass, DOMAIN, {})
            client = await client_factory()
            await hass.config.async_update(external_url=str(client.make_url("/")).rstrip("/"))
        flow = FlowDriver(hass, host.running, client_factory)
        result = await flow.partner_entry()
        assert result["type"] is FlowResultType.CREATE_ENTRY, result
        entry = result["result"]
        await hass.async_block_till_done(wait_background_tasks=True)
        retries = await retry_setup(hass, vt, entry)
        harness = Harness(hass, host=host, vt=vt, entry=entry, log=log, flow=flow)
        harness.setup_retries = retries
        harness.next_sample = vt.monotonic() + SAMPLE_OFFSET_S
        try:
            yield harness
        finally:
            if harness.baseline is not None:
                await harness.baseline.stop()
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()


async def retry_setup(hass: HomeAssistant, vt: VirtualTime, entry: ConfigEntry) -> int:
    """Home Assistant's setup retry (5 s, 10 s, 20 s ... later), on the virtual clock.

    Its own retry timer runs on the real loop clock; a reload cancels it.
    """
    retries = 0
    while entry.state is ConfigEntryState.SETUP_RETRY:
        await vt.quiesce()
        vt.advance(5 * 2 ** min(retries, 4))
        retries += 1
        await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED, entry.state
    return retries


def at_hours(harness: Harness, hours: float) -> float:
    """Simulated seconds ``hours`` after the harness' current time."""
    return harness.vt.monotonic() + hours * 3600
