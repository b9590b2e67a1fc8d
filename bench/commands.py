"""Remote commands pressed the way a person does (a service call on an entity), followed
to their confirmed end on the virtual clock. Shared by ``bench_commands`` and the soak.

A press is Home Assistant's ``lock.lock`` / ``switch.turn_on``... on the entity; it returns
once the API accepted the command (or raises the translated refusal). ``follow`` then moves
the simulated clock to the car's next remote transition or to the integration's next own
timer (its poll of the command without push), whichever comes first, and lets the pushed
events, polls and the confirming status read run, until the command is no longer pending.
The coordinator's routine refresh timers are left on the clock (they fire on the next
``Harness.run_until``), so the requests counted during a command are the command's.

The action now returns only once the car got the command (``SentToVehicle``) or the API
refused it, so it runs as a task; until it returns, Home Assistant's "block till done"
would wait for it, and the steps settle with a few loop turns instead (their wall time,
sleeps included, counts in ``ours_s`` only). The press is timed until the API answered the
POST (the command is no longer "Sending"). The clock moves one simulated second at a time,
so each step carries one transition of the car. Our own time on the way from press to
confirmed state is the wall time of the press plus that of the step that ended the command
(the final event delivered to the webhook or the poll that read it, the commander, the
confirming status read, the state writes); the intermediate events (Accepted,
CheckingVehicle...) are handled while the car works and are summed apart (``ours_s``).
Moving the simulated clock (the car's delay) costs no wall time of ours and is not
counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
import time
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.exceptions import HomeAssistantError

from custom_components.psa_connected_car.api.remotes import RemoteKind
from custom_components.psa_connected_car.remotes.commander import RemoteCommander

from .harness import IDP_ROUTES, Harness

FOLLOW_LIMIT_S = 240.0
LIGHT_SETTLE_TURNS = 10
LIGHT_SETTLE_LIMIT_S = 5.0
"""The commander gives a command up after 3 simulated minutes; a little more here."""


@dataclass(frozen=True)
class Press:
    """One press: which car, which entity, which service."""

    vehicle_id: str
    kind: RemoteKind
    domain: str
    key: str
    service: str


def lock(vehicle_id: str, *, locked: bool) -> Press:
    """Lock or unlock the doors."""
    return Press(vehicle_id, RemoteKind.DOORS, "lock", "doors", "lock" if locked else "unlock")


def charge(vehicle_id: str, *, on: bool) -> Press:
    """Start or stop charging."""
    return Press(
        vehicle_id, RemoteKind.CHARGING, "switch", "charge", "turn_on" if on else "turn_off"
    )


def next_press(h: Harness, index: int) -> Press:
    """The ``index``-th press of a run: doors of each car in turn (to the other state), and
    every fourth press the first electric car's charging (stopped when on, started when off).
    """
    truth = h.host.call(h.sim.truth)
    electric = next(car for car in h.cars if h.vehicles[car].motorization == "Electric")
    if index % 4 == 3:
        return charge(electric, on=not truth[electric]["charging"])
    car = h.cars[index % len(h.cars)]
    return lock(car, locked=not truth[car]["locked"])


@dataclass
class Outcome:
    """How one press ended."""

    press: Press
    error: HomeAssistantError | None = None
    result: str | None = None
    """The commander's last result for the kind (``success``, ``failed``...) once final."""
    car_delay_s: float = 0.0
    """Simulated seconds from the press to the confirmed state."""
    ours_s: float = 0.0
    """Wall seconds of all our work (press, every delivery and poll, the confirmation)."""
    press_s: float = 0.0
    """Wall seconds of the press (until the API accepted or refused)."""
    last_step_s: float = 0.0
    """Wall seconds of the step that ended the command (final event or poll, status read)."""
    requests: Counter[str] = field(default_factory=Counter)
    finished: bool = False
    entity_available: bool = True
    """Whether the entity was available when pressed (Home Assistant skips it otherwise)."""
    timer_errors: list[str] = field(default_factory=list)
    """Exceptions raised by the integration's own timers while following (a bug)."""


def commander(h: Harness) -> RemoteCommander:
    """The entry's commands."""
    remotes: RemoteCommander = h.entry.runtime_data.remotes
    return remotes


def api_routes(h: Harness) -> Counter[str]:
    """API requests per route so far (the IdP not counted)."""
    stats = h.host.call(h.sim.stats)
    return Counter({r: n for r, n in stats["requests"].items() if r not in IDP_ROUTES})


def remote_delay_s(h: Harness, vehicle_id: str) -> float:
    """What a command sent now takes the simulated car (6 s awake, 26 s asleep)."""
    return float(h.host.call(h.sim.truth)[vehicle_id]["remote_delay_s"])


async def press_and_follow(h: Harness, press: Press) -> Outcome:
    """Press, then follow the command until it is no longer pending."""
    outcome = Outcome(press)
    entity_id = h.entity_id(press.vehicle_id, press.domain, press.key)
    assert entity_id is not None, press
    state = h.hass.states.get(entity_id)
    outcome.entity_available = state is not None and state.state != STATE_UNAVAILABLE
    routes_before = api_routes(h)
    started_at = h.vt.monotonic()
    # The action returns once the car got the command (or the API refused it): it runs as a
    # task while the simulated clock moves (not Home Assistant's: settling would wait for it).
    task = asyncio.get_running_loop().create_task(
        h.hass.services.async_call(
            press.domain, press.service, {"entity_id": entity_id}, blocking=True
        )
    )
    await _until_answered(h, outcome, task)
    await _follow(h, outcome, started_at, task)
    if task.done() and (err := task.exception()) is not None:
        if not isinstance(err, HomeAssistantError):
            raise err
        outcome.error = err
    outcome.requests = api_routes(h) - routes_before
    outcome.car_delay_s = h.vt.monotonic() - started_at
    last = commander(h).last_result(press.vehicle_id, press.kind)
    outcome.result = last.state.value if last is not None else None
    outcome.finished = task.done() and commander(h).pending(press.vehicle_id, press.kind) is None
    return outcome


async def _follow(
    h: Harness, outcome: Outcome, started_at: float, task: asyncio.Future[Any]
) -> None:
    press = outcome.press
    remotes = commander(h)
    while not task.done() or remotes.pending(press.vehicle_id, press.kind) is not None:
        now = h.vt.monotonic()
        if now - started_at > FOLLOW_LIMIT_S:
            return
        h.vt.advance_to(min(_next_own_timer(h, now + 1.0), now + 1.0))
        before = outcome.ours_s
        await _run_own_timers(h, outcome)
        if task.done():
            await _settle_timed(h, outcome)
        else:  # Home Assistant's settling would wait for the action itself
            await _settle_light(h, outcome)
        outcome.last_step_s = outcome.ours_s - before


async def _until_answered(h: Harness, outcome: Outcome, task: asyncio.Future[Any]) -> None:
    """The press: until the API answered the POST (the command is no longer "Sending")."""
    press = outcome.press
    wall = time.perf_counter()
    while not task.done() and time.perf_counter() - wall < LIGHT_SETTLE_LIMIT_S:
        pending = commander(h).pending(press.vehicle_id, press.kind)
        if pending is not None and pending.status != "Sending":
            break
        await asyncio.sleep(0)
    outcome.press_s = time.perf_counter() - wall
    outcome.ours_s += outcome.press_s
    await _settle_light(h, outcome)


async def _settle_light(h: Harness, outcome: Outcome) -> None:
    """Deliveries and what they trigger while the action still waits (a few loop turns)."""
    wall = time.perf_counter()
    for _ in range(LIGHT_SETTLE_TURNS):
        if h.push:
            await h.host.drain()
        await asyncio.sleep(0.001)
    outcome.ours_s += time.perf_counter() - wall


def _next_own_timer(h: Harness, default: float) -> float:
    due = [t.due for t in h.vt.timers if not t.cancelled and not t.is_refresh]
    return min([default, *due])


async def _run_own_timers(h: Harness, outcome: Outcome) -> None:
    """Every due timer but the coordinator's refresh (left for ``run_until``)."""
    now = h.vt.monotonic()
    due = [t for t in h.vt.timers if not t.cancelled and not t.is_refresh and t.due <= now]
    for timer in sorted(due):
        timer.cancelled = True  # taken off the clock; its job runs here
        wall = time.perf_counter()
        try:
            await h.vt.run(timer)
        except Exception as err:  # noqa: BLE001 - reported by the scenario, not hidden
            outcome.timer_errors.append(f"{timer.job.name}: {type(err).__name__}: {err}")
        outcome.ours_s += time.perf_counter() - wall


async def _settle_timed(h: Harness, outcome: Outcome) -> None:
    """Deliveries and what they trigger; the time our side spends on them.

    Without push the simulator's deliveries are not waited for: the Remote-only callback
    points at an address of Home Assistant nobody serves here (``homeassistant.local``).
    """
    wall = time.perf_counter()
    for _ in range(2):
        await h.hass.async_block_till_done(wait_background_tasks=True)
        if h.push:
            await h.host.drain()
    await h.hass.async_block_till_done(wait_background_tasks=True)
    outcome.ours_s += time.perf_counter() - wall
