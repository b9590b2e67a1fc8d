"""5. Remote commands (issue 16): requests per command and command-to-confirmed-state time.

Three cars (thermic, electric, hybrid) of the partner login, every remote scope granted.
Doors are locked and unlocked (always to the other state, so each command changes the car),
the electric car's charging is stopped and started; one press in five first puts its car to
sleep (the simulated car then takes 26 s instead of 6). Presses are a simulated minute apart
and the coordinator's routine refreshes run between them (not during a command, so the
requests counted are the command's). With push the command's progress is pushed to the
webhook; without push the commander polls it every 10 s. See ``bench.commands`` for what is
counted as our own time.
"""

from __future__ import annotations

from collections import Counter
import os
import time
from typing import Any

from homeassistant.components.lock.const import LockState
import pytest

from .commands import Outcome, next_press, press_and_follow, remote_delay_s
from .env import BenchEnv
from .harness import Harness, bench_config, open_stack
from .results import say, write_part
from .truth import percentile

GAP_S = 60.0
SLEEP_EVERY = 5
TARGET_REQUESTS = 3
TARGET_OURS_S = 1.0
PUSHED_PRESSES = 50
POLLED_PRESSES = int(os.environ.get("BENCH_POLLED_PRESSES") or 20)


def _summary(values: list[float], scale: float = 1.0) -> dict[str, float | int | None]:
    scaled = [v * scale for v in values]
    return {
        "n": len(scaled),
        "p50": percentile(scaled, 0.5),
        "p95": percentile(scaled, 0.95),
        "max": max(scaled) if scaled else None,
    }


def _shown_matches_truth(h: Harness, outcome: Outcome) -> bool:
    """After a confirmed door command, the lock shows what the car says."""
    press = outcome.press
    if press.domain != "lock":
        return True
    entity_id = h.entity_id(press.vehicle_id, "lock", "doors")
    state = h.hass.states.get(entity_id) if entity_id else None
    locked = h.host.call(h.sim.truth)[press.vehicle_id]["locked"]
    expected = LockState.LOCKED if locked else LockState.UNLOCKED
    return state is not None and state.state == expected


async def _run(h: Harness, presses: int) -> dict[str, Any]:
    outcomes: list[tuple[Outcome, float]] = []
    mismatches = 0
    for index in range(presses):
        await h.run_until(h.vt.monotonic() + GAP_S)
        press = next_press(h, index)
        if index % SLEEP_EVERY == SLEEP_EVERY - 1:
            h.host.call(h.sim.world.sleep, press.vehicle_id)
        delay = remote_delay_s(h, press.vehicle_id)
        outcome = await press_and_follow(h, press)
        outcomes.append((outcome, delay))
        mismatches += not _shown_matches_truth(h, outcome)
    done = [o for o, _ in outcomes if o.error is None]
    per_command = [sum(o.requests.values()) for o in done]
    routes: Counter[str] = Counter()
    for o in done:
        routes.update(o.requests)
    by_delay: dict[str, list[Outcome]] = {}
    for o, delay in outcomes:
        by_delay.setdefault(f"{delay:g}", []).append(o)
    return {
        "presses": presses,
        "refused": len(outcomes) - len(done),
        "unfinished": sum(not o.finished for o, _ in outcomes),
        "timer_errors": sorted({e for o, _ in outcomes for e in o.timer_errors}),
        "results": dict(Counter(str(o.result) for o in done)),
        "shown_differs_from_car": mismatches,
        "requests_per_command": {
            "mean": sum(per_command) / max(1, len(per_command)),
            "max": max(per_command, default=0),
            "first": per_command[0] if per_command else None,
            "after_first_max": max(per_command[1:], default=0),
        },
        "routes": dict(routes),
        "ours_critical_ms": _summary([o.press_s + o.last_step_s for o in done], 1000),
        "ours_press_ms": _summary([o.press_s for o in done], 1000),
        "ours_all_steps_ms": _summary([o.ours_s for o in done], 1000),
        "by_car_delay": {
            delay: {
                "n": len(items),
                "press_to_confirmed_s": _summary([o.car_delay_s for o in items]),
                "requests": _summary([float(sum(o.requests.values())) for o in items]),
            }
            for delay, items in sorted(by_delay.items())
        },
    }


@pytest.mark.parametrize(("push", "presses"), [(True, PUSHED_PRESSES), (False, POLLED_PRESSES)])
async def test_commands(bench_env: BenchEnv, push: bool, presses: int) -> None:
    """``presses`` commands, with push or polling every 10 s."""
    wall = time.perf_counter()
    async with open_stack(bench_env, bench_config(3), push=push) as h:
        if push:
            assert h.sim.push.callbacks, "push did not register"
            h.track_push()
        await h.settle()
        result = await _run(h, presses)
    result |= {"push": push, "wall_s": time.perf_counter() - wall}
    name = "commands_push" if push else "commands_polling"
    write_part(name, result)
    crit, req = result["ours_critical_ms"], result["requests_per_command"]
    say(
        bench_env.capsys,
        f"\n{name}: {presses} presses, requests per command mean {req['mean']:.2f}"
        f" max {req['max']}, ours p50 {crit['p50']:.1f} ms p95 {crit['p95']:.1f} ms,"
        f" refused {result['refused']}, unfinished {result['unfinished']}"
        f" ({result['wall_s']:.0f} s wall)",
    )
    # After the figures are written: a command that never ends is a bug, not a figure.
    assert result["timer_errors"] == [], result["timer_errors"]
    assert result["unfinished"] == 0, result["unfinished"]
