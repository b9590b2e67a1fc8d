"""The ``Simulator``: clock, world, IdP tokens, limiter, faults, push, and its control API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from simulator.clock import SimClock
from simulator.config import SimulatorConfig
from simulator.errors import ErrorFactory
from simulator.faults import FaultInjector, FaultSpec
from simulator.identities import DEMO_USER, build_clients
from simulator.idp.tokens import TokenStore
from simulator.push.engine import PushEngine
from simulator.ratelimit import SlidingWindowLimiter, Stats
from simulator.remotes.machine import RemoteMachine
from simulator.world.world import World


class Simulator:
    """One simulated Connected Car backend (all brands), driven by a ``SimulatorConfig``."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        start = config.start_time or datetime.now(UTC).replace(microsecond=0)
        self.clock = SimClock(start, config.time_scale)
        self.world = World(
            config.seed, config.scenario, config.vehicles, self.clock, autonomous=config.autonomous
        )
        self.clients = build_clients(config.partner_redirect_uris)
        self.tokens = TokenStore(config.token_expires_in)
        self.limiter = SlidingWindowLimiter(
            config.rate_limit,
            config.rate_window,
            config.burst_limit,
            config.daily_limit,
            burst_clock=config.burst_clock,
        )
        self.faults = FaultInjector(config.seed)
        self.errors = ErrorFactory(config.seed)
        self.counters = Stats(config.rate_window)
        self.push = PushEngine(self)
        self.remotes = RemoteMachine(self)
        self.world.on_upload = self.push.on_upload
        self.stopping = asyncio.Event()
        self.public_base = f"http://{config.host}/connectedcar/v4"

    # --- time -----------------------------------------------------------------------------
    def now(self) -> datetime:
        """Simulated time."""
        return self.clock.now()

    def sync(self) -> None:
        """Evolve the world and the remote actions up to the clock (before serving any data)."""
        self.world.sync()
        self.remotes.process()

    def advance(self, seconds: float) -> None:
        """Move the clock forward, stopping at each remote transition (firing push events)."""
        self.sync()
        target = self.clock.elapsed() + seconds
        while (due := self.remotes.next_due()) is not None and due < target:
            self.clock.advance(max(0.0, due - self.clock.elapsed()))
            self.sync()
        self.clock.advance(max(0.0, target - self.clock.elapsed()))
        self.sync()
        self.push.tick()

    # --- world control ------------------------------------------------------------------------
    def add_vehicle(self, account_email: str = DEMO_USER, motorization: str | None = None) -> str:
        """Give an account one more car; returns its id."""
        return self.world.add_vehicle(account_email, motorization)

    def remove_vehicle(self, vehicle_id: str) -> None:
        """Remove a car (KeyError when unknown)."""
        self.world.remove_vehicle(vehicle_id)

    def raise_alert(self, vehicle_id: str, alert_type: str, severity: str) -> str:
        """Raise an alert of a spec type and severity; returns its id."""
        return self.world.raise_alert(vehicle_id, alert_type, severity)

    def clear_alert(self, vehicle_id: str, alert_id: str) -> None:
        """End an alert."""
        self.world.clear_alert(vehicle_id, alert_id)

    def start_trip(self, vehicle_id: str, duration_s: float = 1800, speed_kmh: float = 50) -> None:
        """Send a car on a trip."""
        self.world.start_trip(vehicle_id, duration_s, speed_kmh)

    def add_collision(self, vehicle_id: str, side: str = "Front", severity: str = "Minor") -> str:
        """Record a collision of a spec side and severity now; returns its id."""
        return self.world.add_collision(vehicle_id, side, severity)

    def privacy(self, vehicle_id: str, state: str) -> None:
        """Set a car's privacy mode: None, Geolocation or Full."""
        self.world.set_privacy(vehicle_id, state)

    def vehicles_of(self, email: str) -> list[str]:
        """Ids of an account's cars."""
        return self.world.vehicles_of(email)

    def truth(self) -> dict[str, dict[str, Any]]:
        """Vehicle id -> what a correct client should show (with what remotes did)."""
        self.sync()
        truth = self.world.truth()
        for vehicle_id, facts in truth.items():
            facts.update(self.remotes.truth_of(self.world.vehicles[vehicle_id]))
        return truth

    # --- tokens, faults, stats ----------------------------------------------------------------
    def revoke_tokens(self, kind: str = "all") -> int:
        """Revoke every access or refresh token (or both); returns how many."""
        return self.tokens.revoke(kind)

    def inject_fault(self, spec: FaultSpec) -> None:
        """Activate a fault (``shrink_limit`` takes effect at once)."""
        if spec.kind == "shrink_limit":
            assert spec.limit is not None
            self.limiter.override = spec.limit
        self.faults.add(spec)

    def clear_faults(self) -> None:
        """Remove every fault and restore the configured rate limit."""
        self.faults.clear()
        self.limiter.override = None

    def stats(self) -> dict[str, Any]:
        """Counters: requests per endpoint, total, rate_limited, peak_window, deliveries,
        remotes received per car and type."""
        stats = self.counters.as_dict(self.push.pending())
        stats["remotes"] = {car: dict(types) for car, types in self.remotes.received.items()}
        return stats
