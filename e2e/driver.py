"""End-to-end test in a real browser: config flows, device pages, alerts, fleet, commands.

Starts the simulator and Home Assistant (e2e/stack.py), then drives Debian's chromium with
Playwright exactly as a person would: Home Assistant's onboarding, the application credentials
dialog, "Add integration" with the advanced server addresses pointing at the simulator, the
simulator's login page in the pop-up, and back. It then compares what the car's device page shows
with the simulator's truth, raises alerts in the simulator and waits for them to appear, adds
a fleet entry (certificate upload included, e2e/fleet.py) and compares a fleet car with the
fleet's truth, and last unlocks and locks the car from the lock's dialog and sees refused
commands (e2e/remotes.py). The ``realworld`` scenario runs e2e/realworld.py instead.

Usage (scripts/e2e does the installing first): .venv-dev/bin/python -m e2e [--help]
"""

from __future__ import annotations

import argparse
from pathlib import Path
import shutil
import signal
import sys
import tempfile
from typing import NoReturn

from playwright.sync_api import Error as PlaywrightError, sync_playwright

from e2e import fleet, realworld, remotes
from e2e.device import car_device, car_entities, check_device_page, expected_values, pick_car
from e2e.simulator_client import SimulatorClient
from e2e.stack import ROOT, E2eError, Stack, wait_until
from e2e.steps import (
    add_application_credentials,
    add_integration,
    onboard,
    raise_alerts,
    show_map,
    wait_entry_loaded,
)
from e2e.ui import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DOCS_IMAGES,
    DOMAIN,
    NEW_ALERTS,
    TALL_PAGE,
    VIEWPORT,
    Clock,
    Session,
)


def run(stack: Stack, clock: Clock, artifacts: Path) -> dict[str, Path]:
    """All the steps, in a fresh browser profile."""
    sim = SimulatorClient(stack.sim_url)
    with (
        tempfile.TemporaryDirectory(prefix="psa-e2e-browser-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="en-US",
            timezone_id="Europe/Paris",
        )
        ui = Session(context, stack.ha_url, artifacts)
        try:
            steps = realworld.run_realworld_steps if stack.scenario == "realworld" else _run_steps
            steps(ui, stack, sim, clock)
        except BaseException:
            _failure_shots(ui)
            raise
        finally:
            context.close()
        return ui.shots


def _run_steps(ui: Session, stack: Stack, sim: SimulatorClient, clock: Clock) -> None:
    with clock.step("Onboarding: owner account, default location, country, finish"):
        onboard(ui)
    with clock.step("Application credentials for the simulator's partner client"):
        add_application_credentials(ui)
    with clock.step("Add integration: brand, simulator addresses, login pop-up, consent"):
        add_integration(ui, sim)
    with clock.step("Waiting for the config entry to load"):
        consumer_entry = wait_entry_loaded(ui, stack)
    vehicle_id, car = pick_car(sim.truth())
    device = car_device(ui, car["vin"])
    entities = car_entities(ui, device["id"], car["vin"])
    with clock.step(f"Device page of {device['name']} against the simulator's truth"):
        expected = expected_values(car, sim.fuel_range_km(vehicle_id))
        types = [alert["type"] for alert in car["active_alerts"]]
        check_device_page(ui, device["id"], entities, expected, types)
        ui.page.set_viewport_size(TALL_PAGE)
        ui.shot("device-page")
        ui.page.set_viewport_size(VIEWPORT)
    with clock.step("Map dashboard"):
        show_map(ui, entities["location"])
    with clock.step(f"Alerts raised in the simulator: {', '.join(t for t, _ in NEW_ALERTS)}"):
        ui.goto(f"/config/devices/device/{device['id']}")
        truth = raise_alerts(ui, sim, vehicle_id, device["id"], entities)
        expected = expected_values(truth, sim.fuel_range_km(vehicle_id))
        # The alert woke the car, whose new upload restates the service countdown; the
        # integration reads maintenance every 6 hours only, so those two stay as they were.
        for key in ("days_until_service", "distance_until_service"):
            expected.pop(key)
        types = [alert["type"] for alert in truth["active_alerts"]]
        check_device_page(ui, device["id"], entities, expected, types)
        ui.page.set_viewport_size(TALL_PAGE)
        ui.shot("device-page-alerts")
        ui.page.set_viewport_size(VIEWPORT)
    with clock.step("Fleet entry: connection, credentials, certificate upload, fleet"):
        fleet_id = fleet.add_fleet_entry(ui, sim)
        fleet_entry = wait_until(
            "the fleet's config entry to be loaded",
            lambda: fleet.fleet_entry_loaded(ui, consumer_entry),
            timeout_s=120,
            services=tuple(stack.services),
        )
    with clock.step("A fleet car's device page against the simulator's fleet truth"):
        fleet.check_fleet_car(ui, sim, fleet_id, fleet_entry)
    _run_remote_steps(
        ui, sim, clock, vehicle_id=vehicle_id, device_id=device["id"], lock=entities["doors"]
    )
    stack.check_alive()


def _run_remote_steps(
    ui: Session, sim: SimulatorClient, clock: Clock, *, vehicle_id: str, device_id: str, lock: str
) -> None:
    """Unlock and lock from the lock's dialog; a command the car refuses; one the API refuses."""
    dialog = remotes.LockDialog(ui, device_id, lock)
    with clock.step("Doors: unlock from the lock's dialog (Unlocking, then Unlocked)"):
        dialog.open()
        remotes.command(dialog, sim, vehicle_id, lock=False)
    with clock.step("Doors: lock from the lock's dialog (Locking, then Locked)"):
        remotes.command(dialog, sim, vehicle_id, lock=True)
        ui.shot("lock-dialog")
    with clock.step(f"Doors: the car refuses an unlock ({remotes.REFUSED_CAUSE})"):
        remotes.car_refuses(dialog, sim, vehicle_id)
    with clock.step("Doors: the API refuses an unlock; its message in the toast"):
        remotes.api_refuses(dialog, sim, vehicle_id)
        ui.shot("lock-refused")


def _failure_shots(ui: Session) -> None:
    for index, page in enumerate(ui.context.pages):
        try:
            page.screenshot(path=ui.artifacts / f"failure-page{index}.png")
        except PlaywrightError:
            continue


DOCS_SHOTS = {
    "application-credentials": "application-credentials.png",
    "config-flow": "config-flow.png",
    "device-page": "device-page.png",
    "map": "map.png",
    "fleet-connection": "fleet-connection.png",
    "fleet-credentials": "fleet-credentials.png",
    "fleet-certificate": "fleet-certificate.png",
    "fleet-pick": "fleet-pick.png",
    "fleet-success": "fleet-success.png",
    "fleet-device-page": "fleet-device-page.png",
}


def copy_docs_images(shots: dict[str, Path]) -> None:
    """The screenshots the README and docs/ show."""
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    for name, file_name in DOCS_SHOTS.items():
        if name in shots:
            shutil.copy(shots[name], DOCS_IMAGES / file_name)


def integration_errors(log: Path, limit: int = 15) -> str:
    """The integration's ERROR and WARNING lines of Home Assistant's log (the last few)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    hits = [
        line
        for line in lines
        if DOMAIN in line and (" ERROR " in line or " WARNING " in line) and "loader" not in line
    ]
    return "\n".join(hits[-limit:])


def _on_sigterm(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def _on_deadline(signum: int, frame: object) -> NoReturn:
    raise E2eError("the whole run took longer than its deadline (--deadline)")


def main(argv: list[str] | None = None) -> int:
    """Run the test; 0 when everything passed."""
    parser = argparse.ArgumentParser(prog="scripts/e2e", description=__doc__.split("\n\n")[0])
    parser.add_argument("--artifacts", type=Path, default=ROOT / "e2e-artifacts")
    parser.add_argument("--sim-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--ha-port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--no-docs-images", action="store_true", help="do not copy screenshots to docs/images"
    )
    parser.add_argument(
        "--deadline", type=int, default=600, help="fail (and clean up) after this many seconds"
    )
    parser.add_argument(
        "--scenario",
        choices=("default", "realworld"),
        default="default",
        help="the simulator's scenario: realworld checks the shapes real cars send",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGALRM, _on_deadline)
    signal.alarm(args.deadline)
    artifacts: Path = args.artifacts
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    clock = Clock()
    try:
        with clock.step("Starting the simulator and Home Assistant"):
            stack = Stack(
                artifacts, sim_port=args.sim_port, ha_port=args.ha_port, scenario=args.scenario
            ).__enter__()
        try:
            print(f"         simulator {stack.sim_url}, Home Assistant {stack.ha_url}")  # noqa: T201
            shots = run(stack, clock, artifacts)
        finally:
            # Cleaning up is bounded (e2e/stack.py) and never cut short.
            signal.alarm(0)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            with clock.step("Stopping Home Assistant and the simulator"):
                stack.__exit__(None, None, None)
    except (E2eError, PlaywrightError) as err:
        print(f"\nscripts/e2e: FAILED after {clock.elapsed():.0f} s: {err}", file=sys.stderr)  # noqa: T201
        print(f"scripts/e2e: screenshots and logs in {artifacts}", file=sys.stderr)  # noqa: T201
        if errors := integration_errors(artifacts / "home-assistant.log"):
            print("scripts/e2e: errors logged by the integration:", file=sys.stderr)  # noqa: T201
            print(errors, file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        print("\nscripts/e2e: interrupted", file=sys.stderr)  # noqa: T201
        return 130
    finally:
        signal.alarm(0)
    if not args.no_docs_images and args.scenario == "default":
        copy_docs_images(shots)
    print(f"\nscripts/e2e: passed in {clock.elapsed():.0f} s; artifacts in {artifacts}")  # noqa: T201
    return 0
