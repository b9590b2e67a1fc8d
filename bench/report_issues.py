"""Tables and targets of the remote commands (issue 16) and fleet (issue 17) scenarios."""

from __future__ import annotations

from typing import Any

COMMAND_REQUESTS = 3
COMMAND_OURS_MS = 1000.0
FLEET_LIMIT = 120
FLEET_AGE_BATCH_S = 120.0
FLEET_AGE_PER_VEHICLE_S = 360.0
FLEET_SETUP_S = 10.0
FLEET_KIB_PER_CAR = 200.0
FLEET_PUSH_MS = 1000.0


def _s(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def commands_table(parts: dict[str, Any]) -> list[str]:
    """5. Remote commands."""
    rows = [
        "### 5. Remote commands: press to confirmed state (doors, charging; 3 cars)",
        "",
        "| progress by | presses | results | refused / never ended | requests per command"
        " (mean / max; first) | car's delay (s): presses | our time p50 / p95 (ms)"
        " | of which the press p95 (ms) | all our work per command p95 (ms) |",
        "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for name in ("commands_push", "commands_polling"):
        part = parts.get(name)
        if part is None:
            continue
        req, crit = part["requests_per_command"], part["ours_critical_ms"]
        delays = ", ".join(f"{delay}: {item['n']}" for delay, item in part["by_car_delay"].items())
        results = ", ".join(f"{k} {v}" for k, v in sorted(part["results"].items()))
        rows.append(
            f"| {'push' if part['push'] else 'polling (10 s)'} | {part['presses']} |"
            f" {results or '-'} | {part['refused']} / {part['unfinished']} |"
            f" {req['mean']:.2f} / {req['max']}; {req['first']} | {delays} |"
            f" {_s(crit['p50'], 1)} / {_s(crit['p95'], 1)} |"
            f" {_s(part['ours_press_ms']['p95'], 1)} |"
            f" {_s(part['ours_all_steps_ms']['p95'], 1)} |"
        )
    return rows


def fleet_table(parts: dict[str, Any]) -> list[str]:
    """6. A business fleet."""
    rows = [
        "### 6. Fleet: one fleet entry, limit 120 / 60 s, one car in ten driving, 30 min measured",
        "",
        "| reads | cars | setup wall (s) | setup requests | peak in 60 s | 429"
        " | requests per min | data age p50 / p95, all cars (s) | driving p95 (s)"
        " | parked p95 (s) | every car parked: p50 / p95 (s) | cars read per cycle"
        " | cycle CPU p50 (ms) |",
        "| --- |" + " ---: |" * 12,
    ]
    for name in ("fleet_batch", "fleet_per_vehicle"):
        part = parts.get(name)
        if part is None:
            continue
        age, parked = part["data_age_all"], part.get("data_age_fleet_parked", {})
        rows.append(
            f"| {'batch' if part['batch'] else 'per vehicle (batch 410)'} | {part['cars']} |"
            f" {part['setup']['wall_s']:.1f} | {part['setup']['requests']} |"
            f" {part['peak_window']} | {part['rate_limited']} |"
            f" {part['requests_per_minute']:.1f} | {_s(age['p50'])} / {_s(age['p95'])} |"
            f" {_s(part['data_age_driving']['p95'])} | {_s(part['data_age_parked']['p95'])} |"
            f" {_s(parked.get('p50'))} / {_s(parked.get('p95'))} |"
            f" {part['cars_read_per_refresh']:.1f} | {_s(part['refresh_thread_cpu_ms_p50'])} |"
        )
    memory = parts.get("fleet_memory")
    if memory is not None:
        rows += [
            "",
            f"Memory: {memory['held_bytes'] / 1024:.0f} KiB held for {memory['cars']} cars,"
            f" {memory['per_car_kib']:.0f} KiB per car (tracemalloc, allocations through"
            " Home Assistant or the integration, once every car has data).",
        ]
    return rows


def fleet_push_table(parts: dict[str, Any]) -> list[str]:
    """7. Push for a business fleet."""
    push = parts.get("fleet_push")
    if push is None:
        return []
    lat = push["latency_ms"]
    return [
        "### 7. Fleet push: monitors on, one car in ten changed at once per round",
        "",
        "| cars | changed per round | rounds | samples | our time p50 / p95 / max (ms)"
        " | changed no entity | 429 |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
        f"| {push['cars']} | {push['changed_cars']} | {', '.join(push['rounds'])} |"
        f" {lat['n']} | {_s(lat['p50'], 1)} / {_s(lat['p95'], 1)} / {_s(lat['max'], 1)} |"
        f" {push['deliveries_not_applied']} | {push['rate_limited']} |",
    ]


def issue_targets(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of issues 16 and 17 that the parts measured."""
    found: list[dict[str, Any]] = []
    push = parts.get("commands_push")
    if push is not None:
        req, crit = push["requests_per_command"], push["ours_critical_ms"]
        found += [
            {
                "target": "a command costs at most 3 requests with push",
                "value": f"max {req['max']} (mean {req['mean']:.2f})",
                "met": req["max"] <= COMMAND_REQUESTS,
            },
            {
                "target": "command to confirmed state with push: the car's delay + < 1 s of"
                " ours (p95)",
                "value": f"{_s(crit['p95'], 1)} ms of ours",
                "met": crit["p95"] is not None and crit["p95"] < COMMAND_OURS_MS,
            },
        ]
    polling = parts.get("commands_polling")
    if polling is not None:
        found.append(
            {
                "target": "without push, every command ends (polled every 10 s)",
                "value": f"{polling['unfinished']} of {polling['presses']} never ended",
                "met": polling["unfinished"] == 0,
            }
        )
    found += _fleet_targets(parts)
    return found


def _fleet_targets(parts: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name, bound in (
        ("fleet_batch", FLEET_AGE_BATCH_S),
        ("fleet_per_vehicle", FLEET_AGE_PER_VEHICLE_S),
    ):
        part = parts.get(name)
        if part is None:
            continue
        mode = "batch" if part["batch"] else "per vehicle"
        p95 = part["data_age_all"]["p95"]
        parked_p95 = part.get("data_age_fleet_parked", {}).get("p95")
        found += [
            {
                "target": f"fleet of {part['cars']}, {mode}: 0 responses 429, peak <= 120",
                "value": f"{part['rate_limited']} 429, peak {part['peak_window']}",
                "met": part["rate_limited"] == 0 and part["peak_window"] <= FLEET_LIMIT,
            },
            {
                "target": f"fleet of {part['cars']}, {mode}: p95 data age <= {bound / 60:g} min",
                "value": f"{_s(p95)} s (one car in ten driving); {_s(parked_p95)} s (all parked)",
                "met": p95 is not None
                and p95 <= bound
                and (parked_p95 is None or parked_p95 <= bound),
            },
        ]
        if part["batch"]:
            found.append(
                {
                    "target": f"setup of {part['cars']} cars < 10 s of our work",
                    "value": f"{part['setup']['wall_s']:.1f} s wall",
                    "met": part["setup"]["wall_s"] < FLEET_SETUP_S,
                }
            )
    push = parts.get("fleet_push")
    if push is not None:
        p95 = push["latency_ms"]["p95"]
        found.append(
            {
                "target": f"fleet of {push['cars']}, monitors: a pushed change reaches its"
                " entity in < 1 s of our time (p95)",
                "value": f"{_s(p95, 1)} ms ({push['deliveries_not_applied']} not applied)",
                "met": p95 is not None
                and p95 < FLEET_PUSH_MS
                and push["deliveries_not_applied"] == 0,
            }
        )
    memory = parts.get("fleet_memory")
    if memory is not None:
        found.append(
            {
                "target": "fleet memory <= 200 KiB per car",
                "value": f"{memory['per_car_kib']:.0f} KiB (tracemalloc)",
                "met": memory["per_car_kib"] <= FLEET_KIB_PER_CAR,
            }
        )
    return found
