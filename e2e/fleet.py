"""A fleet entry through the browser (issue 17): credentials, certificate upload, fleet, car.

The simulator's fleet API (B2B v3) listens on its own HTTPS port and wants the client
certificate its test CA issued; ``/_sim/b2b`` gives its address, Basic credentials, client id
and CA, ``/_sim/b2b/client`` the certificate and key. They are written to files and uploaded
through the config flow's certificate step exactly as a fleet owner would.
"""

from __future__ import annotations

import json
from pathlib import Path
import tempfile

from e2e.device import car_device, car_entities, check_device_page, expected_values
from e2e.simulator_client import SimulatorClient
from e2e.stack import E2eError
from e2e.ui import (
    DOMAIN,
    FINISH_BUTTON,
    TALL_DIALOG,
    TALL_PAGE,
    TRANSLATIONS,
    VIEWPORT,
    Session,
    check,
)

FLOW = "dialog-data-entry-flow"
UPLOADS = (("cert_file", "client.crt"), ("key_file", "client.key"), ("ca_file", "ca.crt"))
"""The certificate step's file fields, in the order the form shows them."""


def _flow_texts() -> tuple[str, dict[str, str]]:
    """The fleet connection's label and the fleet steps' titles, from en.json."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    label = strings["selector"]["connection"]["options"]["fleet"]
    steps = strings["config"]["step"]
    titles = {step: steps[step]["title"] for step in ("fleet", "fleet_certificate", "fleet_pick")}
    return str(label), titles


def write_certificates(sim: SimulatorClient, folder: Path) -> dict[str, Path]:
    """The simulator's client certificate, key and CA as PEM files, as Stellantis sends them."""
    api = sim.fleet_api()
    client = sim.fleet_client_credential()
    texts = {
        "cert_file": client["cert_pem"],
        "key_file": client["key_pem"],
        "ca_file": api["ca_pem"],
    }
    paths: dict[str, Path] = {}
    for field, file_name in UPLOADS:
        path = paths[field] = folder / file_name
        path.write_text(texts[field], encoding="utf-8")
    return paths


def add_fleet_entry(ui: Session, sim: SimulatorClient) -> str:
    """Add integration -> Fleet -> credentials -> certificate upload -> fleet -> success.

    Returns the id of the fleet chosen (the partner's first).
    """
    label, titles = _flow_texts()
    api = sim.fleet_api()
    fleet_id = next(iter(api["fleets"]))
    page = ui.page
    ui.goto("/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    picker = page.locator("dialog-add-integration")
    picker.locator("ha-input-search input").fill("PSA Connected")
    picker.locator("ha-integration-list-item", has_text="PSA Connected Car").first.click()

    flow = page.locator(FLOW)
    flow.get_by_text("Connect your car account").wait_for()
    flow.get_by_text(label).click()
    _tall_shot(ui, "fleet-connection")
    flow.get_by_role("button", name="Submit").click()

    flow.get_by_text(titles["fleet"]).wait_for()
    flow.locator("input[name=client_id]").fill(api["client_id"])
    flow.locator("input[name=username]").fill(api["user"])
    flow.locator("input[name=password]").fill(api["password"])
    flow.locator("input[name=api_base]").fill(api["base_url"])
    ui.dialog_shot("fleet-credentials", FLOW)
    flow.get_by_role("button", name="Submit").click()

    flow.get_by_text(titles["fleet_certificate"]).wait_for()
    with tempfile.TemporaryDirectory(prefix="psa-e2e-fleet-") as folder:
        paths = write_certificates(sim, Path(folder))
        inputs = flow.locator("input[type=file]")
        for index, (field, file_name) in enumerate(UPLOADS):
            inputs.nth(index).set_input_files(str(paths[field]))
            # The upload is done when the form shows the file's name instead of the drop zone.
            flow.get_by_text(file_name, exact=True).wait_for()
    _tall_shot(ui, "fleet-certificate")
    flow.get_by_role("button", name="Submit").click()

    flow.get_by_text(titles["fleet_pick"]).wait_for()
    flow.get_by_role("radio").first.check()
    ui.dialog_shot("fleet-pick", FLOW)
    flow.get_by_role("button", name="Submit").click()

    flow.locator("step-flow-create-entry").wait_for()
    ui.dialog_shot("fleet-success", FLOW)
    flow.get_by_role("button", name=FINISH_BUTTON).click()
    flow.locator("step-flow-create-entry").wait_for(state="detached")
    return str(fleet_id)


def _tall_shot(ui: Session, name: str) -> None:
    ui.page.set_viewport_size(TALL_DIALOG)
    try:
        ui.dialog_shot(name, FLOW)
    finally:
        ui.page.set_viewport_size(VIEWPORT)


def fleet_entry_loaded(ui: Session, consumer_entry_id: str) -> str | None:
    """The id of the fleet's config entry once it is loaded (``None`` before)."""
    for entry in ui.ws({"type": "config_entries/get", "domain": DOMAIN}):
        if entry["entry_id"] != consumer_entry_id and entry["state"] == "loaded":
            return str(entry["entry_id"])
    return None


def check_fleet_car(ui: Session, sim: SimulatorClient, fleet_id: str, entry_id: str) -> str:
    """The fleet's combustion car: its device page shows what the simulator says."""
    cars = sim.fleet_truth().get(fleet_id, {})
    car = next((c for c in cars.values() if c["motorization"] == "Thermic"), None)
    if car is None:
        raise E2eError(f"the simulator's fleet {fleet_id} has no combustion car")
    device = car_device(ui, car["vin"])
    entities = car_entities(ui, device["id"], car["vin"])
    check(
        device["config_entries"] == [entry_id],
        f"the fleet car {device['name']} belongs to {device['config_entries']}, "
        "not to the fleet's entry",
    )
    # The fuel range is read by the API of each car, which the truth does not give for a
    # fleet car: the other values are compared.
    expected = expected_values(car, None)
    expected.pop("fuel_range")
    types = [alert["type"] for alert in car["active_alerts"]]
    check_device_page(ui, device["id"], entities, expected, types)
    ui.page.set_viewport_size(TALL_PAGE)
    ui.shot("fleet-device-page")
    ui.page.set_viewport_size(VIEWPORT)
    return str(device["name"])
