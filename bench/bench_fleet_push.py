"""7. Push for a business fleet (issue 17): delivery-to-entity latency on a 500-car entry.

The fleet entry of ``bench_fleet`` (batch reads on), with Home Assistant's HTTP app on
127.0.0.1 as its external URL: the entry registers its fleet monitors (alerts, status) and
the simulator POSTs their v3 webhook messages to the entry's webhook. Then ``CHANGED`` cars
(one in ten) change at the simulator, all at once, in rounds two simulated minutes apart:
doors unlocked, an alert, doors locked, a trip started, another alert. Each change fires a
monitor.

Latency is measured per car, in real time, from the moment the simulator starts the POST
of the first message that carries the car (so the loopback HTTP and Home Assistant's HTTP
server count as ours) to the first ``state_changed`` of one of the car's entities: webhook
handler, parsing, the coordinator applying the push and the entity state writes. The
virtual clock stands still during a round, so no poll can change a state instead. A car
whose delivery changed no entity by the end of its round counts as not applied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import time
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, callback
from homeassistant.helpers import entity_registry as er

from simulator.world.alerts import ALERT_TYPES

from .bench_fleet import CARS, LIMIT, fleet_config
from .env import BenchEnv
from .fleet_stack import open_fleet_stack
from .harness import Harness
from .results import say, write_part
from .truth import percentile

CHANGED_SHARE = 10
ROUND_GAP_S = 120.0

Change = Callable[[Any, str, int], object]
"""Applied in the simulator's thread: (running simulator, car id, round number)."""


def _unlock(running: Any, car: str, _round: int) -> object:
    return running.sim.world.set_doors(car, ("Driver",), locked=False)


def _lock(running: Any, car: str, _round: int) -> object:
    return running.sim.world.set_doors(car, (), locked=True)


def _alert(running: Any, car: str, round_: int) -> object:
    types = sorted(ALERT_TYPES)
    return running.sim.raise_alert(car, types[round_ % len(types)], "Warning")


def _trip(running: Any, car: str, _round: int) -> object:
    return running.sim.start_trip(car, 900, 40)


ROUNDS: tuple[tuple[str, Change], ...] = (
    ("doors_unlocked", _unlock),
    ("alert", _alert),
    ("doors_locked", _lock),
    ("trip_started", _trip),
    ("alert_again", _alert),
)


class DeliveryProbe:
    """Times each car from its delivery's POST to its first entity state change."""

    def __init__(self, h: Harness, queue: Any) -> None:
        self.posted: dict[str, float] = {}
        """VIN -> ``perf_counter`` when the first POST carrying it started (while armed)."""
        self.latencies: list[float] = []
        self.unapplied = 0
        self.posts = 0
        self.armed = False
        vins = {h.vehicles[car].vin for car in h.cars}
        registry = er.async_get(h.hass)
        self.vin_of = {
            item.entity_id: vin
            for item in er.async_entries_for_config_entry(registry, h.entry.entry_id)
            if (vin := item.unique_id.split("_", 1)[0]) in vins
        }
        original: Callable[[Any], Awaitable[None]] = queue._deliver

        async def timed(delivery: Any) -> None:
            if self.armed:
                self.posts += 1
                started = time.perf_counter()
                for event in delivery.message.get("events", []):
                    if isinstance(event, dict) and isinstance(event.get("vin"), str):
                        self.posted.setdefault(event["vin"], started)
            await original(delivery)

        queue._deliver = timed
        self.unsubscribe = h.hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed)

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        vin = self.vin_of.get(event.data["entity_id"])
        started = self.posted.pop(vin, None) if vin is not None else None
        if started is not None:
            self.latencies.append(time.perf_counter() - started)

    def end_round(self) -> int:
        """Disarm; cars delivered without a state change are counted; how many changed."""
        self.armed = False
        self.unapplied += len(self.posted)
        self.posted.clear()
        return len(self.latencies)


async def _settle(h: Harness, running: Any) -> None:
    """Until the fleet's sender has nothing due and Home Assistant is idle."""
    for _ in range(3):
        await h.hass.async_block_till_done(wait_background_tasks=True)
        await h.host.acall(running.b2b.deliveries.drain)
    await h.hass.async_block_till_done(wait_background_tasks=True)


def _apply_all(running: Any, change: Change, cars: list[str], round_: int) -> None:
    for car in cars:
        change(running, car, round_)


async def test_fleet_push(bench_env: BenchEnv, tmp_path: Path) -> None:
    """``CARS`` cars, monitors on; ``len(ROUNDS)`` rounds of changes to one car in ten."""
    wall = time.perf_counter()
    config = fleet_config()
    async with open_fleet_stack(bench_env, config, tmp_path, push=True) as (h, setup):
        running = h.host.running
        fleet_id = running.fleet_ids[0]
        monitors = h.host.call(
            lambda: sum(m.fleet_id == fleet_id for m in running.b2b.monitors.monitors.values())
        )
        assert monitors == 2, f"fleet monitors registered: {monitors}"
        # Home Assistant refuses enabled entities past 10 000 per entry: every car is whole.
        located = len(h.hass.states.async_entity_ids("device_tracker"))
        enabled = sum(
            1
            for item in er.async_entries_for_config_entry(er.async_get(h.hass), h.entry.entry_id)
            if not item.disabled_by
        )
        probe = DeliveryProbe(h, running.b2b.deliveries)
        changed = h.cars[::CHANGED_SHARE]
        per_round: dict[str, int] = {}
        try:
            await _settle(h, running)
            for round_, (name, change) in enumerate(ROUNDS):
                await h.run_until(h.vt.monotonic() + ROUND_GAP_S)
                await _settle(h, running)
                before = len(probe.latencies)
                probe.armed = True
                h.host.call(_apply_all, running, change, changed, round_)
                await _settle(h, running)
                per_round[name] = probe.end_round() - before
        finally:
            probe.unsubscribe()
        stats = h.host.call(h.sim.stats)
    latencies = [1000 * s for s in probe.latencies]
    result = {
        "cars": CARS,
        "changed_cars": len(changed),
        "rounds": [name for name, _ in ROUNDS],
        "monitors": monitors,
        "setup_wall_s": setup.wall_s,
        "posts_timed": probe.posts,
        "latency_ms": {
            "n": len(latencies),
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "max": max(latencies) if latencies else None,
        },
        "applied_per_round": per_round,
        "deliveries_not_applied": probe.unapplied,
        "cars_located": located,
        "enabled_entities": enabled,
        "deliveries": stats["deliveries"],
        "rate_limited": stats["rate_limited"],
        "peak_window": stats["peak_window"],
        "wall_s": time.perf_counter() - wall,
    }
    write_part("fleet_push", result)
    lat = result["latency_ms"]
    say(
        bench_env.capsys,
        f"\nfleet_push {CARS} cars ({len(changed)} changed x {len(ROUNDS)}): latency"
        f" p50 {lat['p50']:.1f} ms p95 {lat['p95']:.1f} ms max {lat['max']:.1f} ms"
        f" (n={lat['n']}, not applied {probe.unapplied}), 429 {stats['rate_limited']},"
        f" peak {stats['peak_window']}/{LIMIT} ({result['wall_s']:.0f} s wall)",
    )
    assert lat["n"] == len(changed) * len(ROUNDS), result
    assert probe.unapplied == 0, result
    assert located == CARS, result
