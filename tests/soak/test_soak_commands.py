"""Soak of remote commands (issue 16): presses while the API misbehaves.

Three cars, push on, the real rate limit. For ``PRESSES`` presses a simulated 90 s apart
(doors of each car in turn, the electric car's charging every fourth press; routine
polling runs between them), the simulator answers the command's POST
(``sendRemoteToVhl``) in turn with a 500 API error, a 502 gateway page, a held request
ending in the gateway's 504, a lost answer (the command **is** created, the client gets a
504), a cut connection (created, no answer), a 429, or normally; every other API request
gets a 500 now and then (the confirming status read, the search for a command whose answer
was lost). The soak asserts what a user relies on:

* no command reached the car twice: for every press, the simulator's count of remotes it
  received for that car and type grew by at most one;
* every press ended in a final state (the command no longer pending, its outcome known and
  a ``psa_connected_car_remote_result`` event fired) or in a translated error;
* no unhandled exception in the log.
"""

from __future__ import annotations

from collections import Counter
import os

from homeassistant.core import Event, callback
import pytest

from bench.commands import Outcome, next_press, press_and_follow
from bench.env import BenchEnv
from bench.harness import Harness, bench_config, open_stack
from bench.results import say
from custom_components.psa_connected_car.const import DOMAIN, EVENT_REMOTE_RESULT
from simulator.faults import FaultSpec

from .log_checks import unhandled

pytestmark = pytest.mark.soak

PRESSES = int(os.environ.get("SOAK_PRESSES") or 40)
GAP_S = 90.0
POST = "sendRemoteToVhl"
POST_FAULTS: tuple[FaultSpec | None, ...] = (
    FaultSpec(kind="error", status=500, endpoint=POST),
    FaultSpec(kind="lost_answer", endpoint=POST),
    FaultSpec(kind="html", status=502, endpoint=POST),
    FaultSpec(kind="cut_answer", endpoint=POST),
    None,
    FaultSpec(kind="timeout", delay_s=0.2, endpoint=POST),
    FaultSpec(kind="error", status=429, endpoint=POST),
    None,
)
"""The next POST's fault, press after press (``None``: answered normally)."""
OTHER_FAULTS = (
    FaultSpec(kind="error", status=500, probability=0.05, endpoint="getVehicleStatus"),
    FaultSpec(kind="error", status=500, probability=0.1, endpoint="getRemoteRequestsForVhl"),
)


def _received(h: Harness, vehicle_id: str, remote_type: str) -> int:
    remotes = h.host.call(h.sim.stats)["remotes"]
    return int(remotes.get(vehicle_id, {}).get(remote_type, 0))


def _fault_name(fault: FaultSpec | None) -> str:
    if fault is None:
        return "none"
    return f"{fault.kind} {fault.status}" if fault.status else fault.kind


def _ended_clearly(outcome: Outcome) -> bool:
    """A translated error, or a final outcome with nothing left pending."""
    if outcome.error is not None:
        return (
            outcome.error.translation_domain == DOMAIN
            and bool(outcome.error.translation_key)
            and outcome.finished
        )
    return outcome.finished and outcome.result is not None


async def test_commands_through_faults(bench_env: BenchEnv) -> None:
    config = bench_config(3, seed=5, rate_limit=120)
    async with open_stack(bench_env, config, push=True) as h:
        assert h.sim.push.callbacks, "push did not register"
        h.push = True
        fired: list[dict[str, object]] = []

        @callback
        def record(event: Event) -> None:
            fired.append(dict(event.data))

        h.hass.bus.async_listen(EVENT_REMOTE_RESULT, record)
        for spec in OTHER_FAULTS:
            h.host.call(h.sim.inject_fault, spec)
        twice, unclear, errors = [], [], Counter[str]()
        endings: Counter[tuple[str, str]] = Counter()
        skipped: list[int] = []
        for index in range(PRESSES):
            await h.run_until(h.vt.monotonic() + GAP_S)
            press = next_press(h, index)
            remote_type = press.kind.value
            before = _received(h, press.vehicle_id, remote_type)
            fired_before = len(fired)
            fault = POST_FAULTS[index % len(POST_FAULTS)]
            if fault is not None:
                h.host.call(h.sim.inject_fault, fault)
            outcome = await press_and_follow(h, press)
            if not outcome.entity_available:  # Home Assistant skips the call: no command
                skipped.append(index)
                continue
            await h.run_until(h.vt.monotonic() + 30)  # a lost command's last events
            if _received(h, press.vehicle_id, remote_type) - before > 1:
                twice.append(index)
            if not _ended_clearly(outcome) or (
                outcome.error is None and len(fired) == fired_before
            ):
                unclear.append((index, outcome))
            if outcome.error is not None:
                errors[str(outcome.error.translation_key)] += 1
            ending = str(outcome.error.translation_key) if outcome.error else str(outcome.result)
            endings[(_fault_name(fault), ending)] += 1
        h.host.call(h.sim.clear_faults)
        stats = h.host.call(h.sim.stats)
        remotes = h.entry.runtime_data.remotes
        say(
            bench_env.capsys,
            f"\ncommand soak: {PRESSES} presses, results"
            f" {dict(Counter(str(f['result']) for f in fired))}, translated errors"
            f" {dict(errors)}, adopted after a lost answer {remotes.adopted},"
            f" by fault {dict(sorted(endings.items()))}, entity unavailable at {skipped},"
            f" remotes at the car {sum(sum(t.values()) for t in stats['remotes'].values())},"
            f" peak {stats['peak_window']}/120",
        )
        # A car whose status read failed stays unavailable until its next planned read
        # (with push, up to the 30 min safety interval): Home Assistant then skips the press.
        assert len(skipped) <= PRESSES // 4, skipped
        assert twice == []
        assert [(i, o.press, o.error, o.result) for i, o in unclear] == []
        assert unhandled(bench_env.caplog) == []
        assert stats["peak_window"] <= 120
        # The faults ran: answers were lost, and some presses still succeeded.
        assert errors["remote_answer_lost"] + h.entry.runtime_data.remotes.adopted > 0
        assert sum(1 for f in fired if f["result"] == "success") > PRESSES // 4
