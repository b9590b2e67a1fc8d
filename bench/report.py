"""Merge the scenario parts into one JSON and print the table (``python -m bench.report DIR``).

``DIR`` holds ``parts/*.json`` (written by the scenarios). The merged result goes to
``DIR/../bench-<stamp>.json`` and ``bench-results/latest.json``; the table to stdout and
``bench-results/latest.md``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import metadata
import json
import os
from pathlib import Path
import platform
import subprocess
import sys
from typing import Any

from .report_issues import commands_table, fleet_push_table, fleet_table, issue_targets

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"

# Targets of issue 9.
SHARE_OF_BASELINE = 0.25
BOUND_FACTOR = 1.2
SETUP_10_S = 1.0
CPU_MS = 2.0
HEADER_LINES = 4
"""A table's title, blank line, header and rule."""


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ha_version = _version("homeassistant")
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--", "custom_components", "simulator"))
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "home_assistant": ha_version,
        "platform": platform.platform(),
        "commit": commit + (" (+ local changes)" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _git(*args: str) -> str:
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def load_parts(directory: Path) -> dict[str, Any]:
    """Every ``parts/*.json`` by name."""
    parts = directory / "parts"
    return {path.stem: json.loads(path.read_text()) for path in sorted(parts.glob("*.json"))}


def _s(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pp(summary: dict[str, Any]) -> str:
    return f"{_s(summary.get('p50'))} / {_s(summary.get('p95'))}"


def efficiency_table(parts: dict[str, Any]) -> list[str]:
    """1. Efficiency, ours next to the baseline."""
    rows = [
        "### 1. Efficiency: 24 simulated hours, two trips per car (staleness in s, p50 / p95)",
        "",
        "| cars | poller | requests per car-hour | vs baseline | position, driving"
        " | fuel/battery, driving | position, parked | fuel/battery, parked |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(k for k in parts if k.startswith("efficiency_")):
        part = parts[name]
        base = part["requests_per_car_hour"]["baseline"]
        for poller in ("ours", "baseline"):
            rate = part["requests_per_car_hour"][poller]
            stale = part["staleness"][poller]
            rows.append(
                f"| {part['cars']} | {poller} | {rate:.1f} | {rate / base:.0%} |"
                f" {_pp(stale['position']['driving'])} | {_pp(stale['level']['driving'])} |"
                f" {_pp(stale['position']['parked'])} | {_pp(stale['level']['parked'])} |"
            )
    return rows


def scale_table(parts: dict[str, Any]) -> list[str]:
    """2. Scale."""
    rows = [
        "### 2. Scale: one account, limit 120 / 60 s, every car driving, 60 min measured",
        "",
        "| cars | peak requests in 60 s | 429 (at setup / after) | requests per car-hour"
        " | p95 staleness, position (s) | p95 data age (s) | bound, 2 calls a car (s)"
        " | p95 / bound | calls per car read | bound at those calls (s) | p95 / that bound |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = sorted((k for k in parts if k.startswith("scale_")), key=lambda k: parts[k]["cars"])
    for name in names:
        part = parts[name]
        rows.append(
            f"| {part['cars']} | {part['peak_window']} |"
            f" {part['rate_limited_at_setup']} / {part['rate_limited_steady']} |"
            f" {part['requests_per_car_hour']:.1f} |"
            f" {_s(part['staleness_position_driving']['p95'])} |"
            f" {_s(part['data_age_driving']['p95'])} | {part['bound_s']:g} |"
            f" {_s(part['p95_over_bound'], 2)} | {_s(part.get('calls_per_read'), 2)} |"
            f" {_s(part.get('measured_bound_s'))} | {_s(part.get('p95_over_measured_bound'), 2)} |"
        )
    return rows


def setup_table(parts: dict[str, Any]) -> list[str]:
    """3. Setup, CPU and memory."""
    rows = [
        "### 3. Setup, CPU per refresh, memory",
        "",
        "| cars | setup wall (ms) | + burst-limit waits (s) | cars with data after setup"
        " | until every car has data | CPU per car per refresh, loop thread (ms)"
        " | same, with the simulator (ms) | memory held (KiB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in sorted(
        (k for k in parts if k.startswith("setup_")), key=lambda k: parts[k]["cars"]
    ):
        part = parts[name]
        setup, cpu = part["setup"], part["cpu"]
        memory = parts.get(f"memory_{part['cars']}", {}).get("held_bytes")
        until = setup["virtual_s_until_all"]
        until_text = "at once" if until == 0 else f"+{until:.0f} s (next cycle)"
        rows.append(
            f"| {part['cars']} | {setup['wall_s'] * 1000:.0f} | {setup['budget_wait_s']:.1f} |"
            f" {setup['cars_with_data']} | {until_text} |"
            f" {cpu['thread_cpu_ms_per_car']:.2f} | {cpu['process_cpu_ms_per_car']:.2f} |"
            f" {_s(None if memory is None else memory / 1024)} |"
        )
    fixed, marginal = cpu_fit(parts)
    if marginal is not None:
        rows += [
            "",
            f"CPU of a refresh, fitted over the fleets: {fixed:.2f} ms per refresh"
            f" + {marginal:.2f} ms per car read (loop thread).",
        ]
    slope = memory_per_car(parts)
    if slope is not None:
        rows += [
            "",
            f"Memory per car (slope between the smallest and largest fleet): {slope:.0f} KiB.",
        ]
    return rows


def cpu_fit(parts: dict[str, Any]) -> tuple[float | None, float | None]:
    """Least squares: median CPU of a refresh = fixed + marginal x cars read."""
    points = [
        (p["cpu"]["cars_per_refresh"], p["cpu"]["thread_cpu_ms_per_refresh"])
        for k, p in parts.items()
        if k.startswith("setup_") and "cars_per_refresh" in p["cpu"]
    ]
    if len(points) < 2:
        return None, None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return None, None
    marginal = sum((x - mean_x) * (y - mean_y) for x, y in points) / var
    return mean_y - marginal * mean_x, marginal


def memory_per_car(parts: dict[str, Any]) -> float | None:
    """KiB per car, slope between the smallest and the largest fleet measured."""
    memory: list[tuple[int, int]] = sorted(
        (int(p["cars"]), int(p["held_bytes"])) for k, p in parts.items() if k.startswith("memory_")
    )
    if len(memory) < 2:
        return None
    (c0, m0), (c1, m1) = memory[0], memory[-1]
    return (m1 - m0) / (c1 - c0) / 1024


def push_table(parts: dict[str, Any]) -> list[str]:
    """4. Push on, beside the baseline of the same day."""
    rows = [
        "### 4. Push on: 24 simulated hours (the day of 1.)",
        "",
        "| cars | poller | delivery-to-state p50 / p95 (ms) | samples | requests per car-hour"
        " | vs baseline | position, driving (s) | fuel/battery, driving (s) | position,"
        " parked (s) | fuel/battery, parked (s) | push_silent fallbacks |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = sorted((k for k in parts if k.startswith("push_")), key=lambda k: parts[k]["cars"])
    for name in names:
        part = parts[name]
        cars = part["cars"]
        lat, stale = part["latency_ms"], part["staleness"]
        rate = part["requests_per_car_hour"]
        efficiency = parts.get(f"efficiency_{cars}", {})
        baseline = efficiency.get("requests_per_car_hour", {}).get("baseline")
        share = "-" if not baseline else f"{rate / baseline:.0%}"
        rows.append(
            f"| {cars} | ours, push | {lat['p50']:.1f} / {lat['p95']:.1f} | {lat['n']} |"
            f" {rate:.1f} | {share} | {_pp(stale['position']['driving'])} |"
            f" {_pp(stale['level']['driving'])} | {_pp(stale['position']['parked'])} |"
            f" {_pp(stale['level']['parked'])} | {part['push_silent_fallbacks']} |"
        )
        if baseline:
            base = efficiency["staleness"]["baseline"]
            rows.append(
                f"| {cars} | baseline | - | - | {baseline:.1f} | 100% |"
                f" {_pp(base['position']['driving'])} | {_pp(base['level']['driving'])} |"
                f" {_pp(base['position']['parked'])} | {_pp(base['level']['parked'])} | - |"
            )
    return rows


def read_lines(parts: dict[str, Any]) -> list[str]:
    """What the efficiency runs' reads found (counted by the harness)."""
    lines = []
    for name in sorted(k for k in parts if k.startswith("efficiency_")):
        part = parts[name]
        reads = part.get("reads") or {}
        if not reads:
            continue
        routes = part.get("ours_routes") or {}
        alerts = sum(n for route, n in routes.items() if route.lower().endswith("alerts"))
        lines.append(
            f"- {part['cars']} car(s): {reads.get('total', 0)} status reads, of which"
            f" {reads.get('status_unchanged', 0)} found no new upload; {alerts} alerts reads;"
            f" parked cars read at 60 s because another car drove:"
            f" {reads.get('parked_at_60s', 0)}."
        )
    return lines


def targets(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 9: the figure, met or not."""
    found: list[dict[str, Any]] = []
    for name in sorted(k for k in parts if k.startswith("efficiency_")):
        part = parts[name]
        rate = part["requests_per_car_hour"]
        share = rate["ours"] / rate["baseline"]
        found.append(
            {
                "target": f"{part['cars']} car(s): at most 25 % of the baseline's requests",
                "value": f"{share:.0%}",
                "met": share <= SHARE_OF_BASELINE,
            }
        )
        ours = part["staleness"]["ours"]["position"]["driving"]["p95"]
        base = part["staleness"]["baseline"]["position"]["driving"]["p95"]
        ours_level = part["staleness"]["ours"]["level"]["driving"]["p95"]
        base_level = part["staleness"]["baseline"]["level"]["driving"]["p95"]
        found.append(
            {
                "target": f"{part['cars']} car(s): p95 staleness while driving <= baseline",
                "value": f"position {ours:.0f} s vs {base:.0f} s,"
                f" fuel/battery {ours_level:.0f} s vs {base_level:.0f} s",
                "met": ours <= base + 1e-6 and ours_level <= base_level + 1e-6,
            }
        )
    found += _push_targets(parts)
    big = parts.get("scale_100")
    if big is not None:
        found.append(
            {
                "target": "100 cars: zero 429",
                "value": f"{big['rate_limited_at_setup']} at setup, {big['rate_limited_steady']}"
                " after",
                "met": big["rate_limited"] == 0,
            }
        )
        found.append(
            {
                "target": "100 cars: p95 staleness within 1.2x the bound",
                "value": f"{big['staleness_position_driving']['p95']:.0f} s vs"
                f" {big['bound_s']:g} s ({big['p95_over_bound']:.2f}x); data age p95"
                f" {big['data_age_driving']['p95']:.0f} s ({big['age_p95_over_bound']:.2f}x)",
                "met": big["p95_over_bound"] <= BOUND_FACTOR,
            }
        )
        strict = big.get("p95_over_measured_bound")
        if strict is not None:
            found.append(
                {
                    "target": "100 cars: the same, bound at the measured calls per car read",
                    "value": f"{big['calls_per_read']:.2f} calls per read, bound"
                    f" {big['measured_bound_s']:.0f} s ({strict:.2f}x)",
                    "met": strict <= BOUND_FACTOR,
                }
            )
    ten = parts.get("setup_10")
    if ten is not None:
        setup = ten["setup"]
        effective = setup["wall_s"] + setup["budget_wait_s"]
        found.append(
            {
                "target": "setup of 10 cars < 1 s",
                "value": f"{setup['wall_s'] * 1000:.0f} ms of work; {effective:.1f} s with the"
                " 10 requests/s burst limit",
                "met": effective < SETUP_10_S,
            }
        )
    for name in sorted(
        (k for k in parts if k.startswith("setup_")), key=lambda k: parts[k]["cars"]
    ):
        cpu = parts[name]["cpu"]["thread_cpu_ms_per_car"]
        found.append(
            {
                "target": f"{parts[name]['cars']} car(s): < 2 ms CPU per car per refresh",
                "value": f"{cpu:.2f} ms (loop thread, median)",
                "met": cpu < CPU_MS,
            }
        )
    return found


def _push_targets(parts: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in sorted((k for k in parts if k.startswith("push_")), key=lambda k: parts[k]["cars"]):
        push = parts[name]
        cars = push["cars"]
        day = parts.get(f"efficiency_{cars}")
        if day is None:
            continue
        share = push["requests_per_car_hour"] / day["requests_per_car_hour"]["baseline"]
        ours, base = push["staleness"], day["staleness"]["baseline"]
        position = (ours["position"]["driving"]["p95"], base["position"]["driving"]["p95"])
        level = (ours["level"]["driving"]["p95"], base["level"]["driving"]["p95"])
        found += [
            {
                "target": f"{cars} car(s), push on: at most 25 % of the baseline's requests",
                "value": f"{share:.0%}",
                "met": share <= SHARE_OF_BASELINE,
            },
            {
                "target": f"{cars} car(s), push on: p95 staleness while driving <= baseline",
                "value": f"position {position[0]:.0f} s vs {position[1]:.0f} s,"
                f" fuel/battery {level[0]:.0f} s vs {level[1]:.0f} s",
                "met": position[0] <= position[1] + 1e-6 and level[0] <= level[1] + 1e-6,
            },
        ]
    return found


def render(result: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    parts = result["parts"]
    info = result["machine"]
    lines = [
        f"Measured {info['date']} on {info['nproc']} x {info['cpu']}, Python {info['python']},"
        f" Home Assistant {info['home_assistant']}, commit {info['commit']}.",
        "",
    ]
    for table in (
        efficiency_table,
        scale_table,
        setup_table,
        push_table,
        commands_table,
        fleet_table,
        fleet_push_table,
    ):
        block = table(parts)
        if len(block) > HEADER_LINES:
            lines += [*block, ""]
        if table is efficiency_table and (reads := read_lines(parts)):
            lines += ["Reads during the runs above:", ""]
            lines += [*reads, ""]
    lines += ["### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [
        f"| {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} |"
        for t in result["targets"]
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Merge, write, print."""
    directory = Path(argv[1]) if len(argv) > 1 else RESULTS / "parts"
    if directory.name == "parts":
        directory = directory.parent
    parts = load_parts(directory)
    if not parts:
        print(f"no results in {directory / 'parts'}", file=sys.stderr)  # noqa: T201
        return 1
    found = targets(parts) + issue_targets(parts)
    result: dict[str, Any] = {"machine": machine(), "parts": parts, "targets": found}
    text = json.dumps(result, indent=2, sort_keys=True, default=str) + "\n"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"bench-{stamp}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    table = render(result)
    (RESULTS / "latest.md").write_text(table)
    print(table)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
