"""The ``realworld`` scenario: the shapes real cars send, as Home Assistant shows them."""

from __future__ import annotations

from typing import Any

from e2e.device import car_device, car_entities, check_device_page
from e2e.simulator_client import (
    DEMO_USER,
    SimulatorClient,
)
from e2e.stack import Stack
from e2e.steps import add_application_credentials, add_integration, onboard, wait_entry_loaded
from e2e.ui import (
    DEVICE_ROWS_JS,
    TALL_PAGE,
    VIEWPORT,
    Clock,
    Session,
    check,
)


def run_realworld_steps(ui: Session, stack: Stack, sim: SimulatorClient, clock: Clock) -> None:
    """The ``realworld`` scenario: the shapes real cars send, as Home Assistant shows them."""
    with clock.step("Onboarding, credentials, integration (realworld scenario)"):
        onboard(ui)
        add_application_credentials(ui)
        add_integration(ui, sim)
        wait_entry_loaded(ui, stack)
    truth = sim.truth()
    cars = {
        car["motorization"]: car
        for car in truth.values()
        if car["owner"] == DEMO_USER and car["motorization"] in REALWORLD_CARS
    }
    check(set(cars) == set(REALWORLD_CARS), f"the realworld scenario has no {REALWORLD_CARS}")
    with clock.step("Thermic car: the odometer read from 'timed.odometer', on its device page"):
        thermic = car_device(ui, cars["Thermic"]["vin"])
        entities = car_entities(ui, thermic["id"], cars["Thermic"]["vin"])
        expected = {
            "odometer": ("sensor", cars["Thermic"]["odometer_km"]),
            "fuel_level": ("sensor", cars["Thermic"]["fuel_level"]),
        }
        check_device_page(ui, thermic["id"], entities, expected, [])
    with clock.step("Electric car: no fuel gauge, battery level, model from the label"):
        _check_electric(ui, cars["Electric"])
    with clock.step("Hybrid car in privacy mode: no position although the answer carries one"):
        hybrid = car_device(ui, cars["Hybrid"]["vin"])
        tracker = car_entities(ui, hybrid["id"], cars["Hybrid"]["vin"]).get("location")
        check(tracker is not None, "the hybrid car has no tracker")
        state = ui.state(str(tracker))
        check(state is not None, f"{tracker} has no state")
        assert state is not None
        attributes = state["attributes"]
        check(
            "latitude" not in attributes and "longitude" not in attributes,
            f"{tracker} shows a position under privacy mode: {attributes}",
        )
    stack.check_alive()


REALWORLD_CARS = ("Thermic", "Electric", "Hybrid")


def _check_electric(ui: Session, car: dict[str, Any]) -> None:
    device = car_device(ui, car["vin"])
    check(
        device["model"] == car["label"],
        f"the electric car's model is {device['model']!r}, not its label {car['label']!r}",
    )
    entities = car_entities(ui, device["id"], car["vin"])
    fuel = sorted(key for key in ("fuel_level", "fuel_range", "total_range") if key in entities)
    check(not fuel, f"the electric car has fuel entities: {fuel}")
    # The car charges and uploads every few minutes: its level is checked for sense, not
    # against a truth that may have moved on since Home Assistant read it.
    battery = entities.get("battery_level")
    state = ui.state(battery) if battery is not None else None
    check(state is not None, "the electric car has no battery level")
    assert state is not None
    check(
        _is_number(state["state"]) and 0 <= float(state["state"]) <= 100,
        f"{battery}: {state['state']} is no battery level",
    )
    ui.goto(f"/config/devices/device/{device['id']}")
    ui.page.wait_for_function(
        f"(id) => id in ({DEVICE_ROWS_JS})()",
        arg=battery,
    )
    ui.page.set_viewport_size(TALL_PAGE)
    ui.shot("realworld-electric-device-page")
    ui.page.set_viewport_size(VIEWPORT)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
