"""The steps every run takes: onboarding, credentials, the config flow, alerts, the map."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError

from e2e.simulator_client import (
    DEMO_PASSWORD,
    DEMO_USER,
    PARTNER_CLIENT_ID,
    PARTNER_CLIENT_SECRET,
    SimulatorClient,
)
from e2e.stack import E2eError, Stack, wait_until
from e2e.ui import (
    ACTION_TIMEOUT_MS,
    DOMAIN,
    FINISH_BUTTON,
    HA_USER,
    HASS_JS,
    HOME_COUNTRY,
    INTEGRATION_LABEL,
    NAVIGATION_TIMEOUT_MS,
    NEW_ALERTS,
    TALL_DIALOG,
    VIEWPORT,
    Session,
    check,
)


def onboard(ui: Session) -> None:
    """Create the owner, keep the default location, pick the country, finish."""
    page = ui.page
    page.goto(f"{ui.ha_url}/")
    page.get_by_role("button", name="Create my smart home").click()
    name, username, password = HA_USER
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password_confirm]").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("Home location").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_text("We would like to know the country").wait_for()
    page.locator("ha-country-picker #trigger").click()
    page.locator("ha-country-picker ha-input-search input").fill(HOME_COUNTRY)
    page.locator("ha-combo-box-item", has_text=HOME_COUNTRY).first.click()
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Help us help you").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Finish").click()
    page.wait_for_url(lambda url: "onboarding" not in url, timeout=NAVIGATION_TIMEOUT_MS)
    ui.wait_connected()
    ui.shot("home-after-onboarding")


def add_application_credentials(ui: Session) -> None:
    """Settings → Application credentials → add the simulator's partner client."""
    ui.goto("/config/application_credentials")
    page = ui.page
    page.get_by_role("button", name="Add application credential").click()
    dialog = page.locator("dialog-add-application-credential")
    dialog.locator("ha-generic-picker #trigger").click()
    dialog.locator("ha-generic-picker ha-input-search input").fill("PSA")
    # The list may show the domain until the integration's name has loaded: prefer the name
    # (the screenshot is in the documentation), accept the domain.
    by_name = dialog.locator("ha-combo-box-item", has_text="PSA Connected Car").first
    try:
        by_name.wait_for(timeout=10_000)
    except PlaywrightError:
        dialog.locator("ha-combo-box-item", has_text=INTEGRATION_LABEL).first.click()
    else:
        by_name.click()
    dialog.get_by_text("Stellantis partner program").wait_for()
    dialog.locator("input[name=name]").fill("Simulator partner application")
    dialog.locator("input[name=clientId]").fill(PARTNER_CLIENT_ID)
    dialog.locator("input[name=clientSecret]").fill(PARTNER_CLIENT_SECRET)
    ui.dialog_shot("application-credentials", "dialog-add-application-credential")
    dialog.get_by_role("button", name="Add", exact=True).click()
    page.locator("ha-config-application-credentials").get_by_text(PARTNER_CLIENT_ID).wait_for()


def add_integration(ui: Session, sim: SimulatorClient) -> None:
    """Add integration → PSA Connected Car → the simulator's login in the pop-up → success."""
    ui.goto("/config/integrations/dashboard")
    page = ui.page
    page.get_by_role("button", name="Add integration").click()
    picker = page.locator("dialog-add-integration")
    picker.locator("ha-input-search input").fill("PSA Connected")
    picker.locator("ha-integration-list-item", has_text="PSA Connected Car").first.click()

    flow = page.locator("dialog-data-entry-flow")
    flow.get_by_text("Connect your car account").wait_for()
    flow.get_by_text("Peugeot", exact=True).wait_for()
    # Brand-app credentials are the default; the simulator's partner client is used here.
    flow.get_by_text("Partner application (Stellantis partner program)").click()
    flow.get_by_text("Advanced: server addresses").click()
    flow.locator("input[name=api_base]").fill(sim.api_base)
    flow.locator("input[name=idp_base]").fill(sim.idp_base)
    page.set_viewport_size(TALL_DIALOG)
    try:
        ui.dialog_shot("config-flow", "dialog-data-entry-flow")
    finally:
        page.set_viewport_size(VIEWPORT)
    flow.get_by_role("button", name="Submit").click()

    flow.get_by_text("Partner client certificate").wait_for()
    ui.dialog_shot("config-flow-certificate", "dialog-data-entry-flow")
    flow.get_by_role("button", name="Submit").click()

    open_website = flow.get_by_role("link", name="Open website")
    open_website.wait_for()
    with ui.context.expect_page(timeout=ACTION_TIMEOUT_MS) as popup_info:
        open_website.click()
    login = popup_info.value
    login.set_default_timeout(ACTION_TIMEOUT_MS)
    login.locator("#username").wait_for()
    check(
        login.url.startswith(sim.idp_base),
        f"the pop-up opened {login.url}, not the simulator's login page",
    )
    login.locator("#username").fill(DEMO_USER)
    login.locator("#password").fill(DEMO_PASSWORD)
    ui.shot("simulator-login", login)
    with login.expect_event("close", timeout=ACTION_TIMEOUT_MS):
        login.locator("button[value=allow]").click()

    # The last step says "Success", or "Name and assign" when the cars' devices already exist.
    flow.locator("step-flow-create-entry").wait_for()
    ui.dialog_shot("config-flow-success", "dialog-data-entry-flow")
    flow.get_by_role("button", name=FINISH_BUTTON).click()
    flow.locator("step-flow-create-entry").wait_for(state="detached")


def wait_entry_loaded(ui: Session, stack: Stack) -> str:
    """The config entry reaches ``loaded`` (a first setup may be retried once)."""

    def probe() -> str | None:
        entries = ui.ws({"type": "config_entries/get", "domain": DOMAIN})
        if len(entries) != 1:
            return None
        return str(entries[0]["entry_id"]) if entries[0]["state"] == "loaded" else None

    return wait_until(
        "the config entry to be loaded", probe, timeout_s=120, services=tuple(stack.services)
    )


def raise_alerts(
    ui: Session,
    sim: SimulatorClient,
    vehicle_id: str,
    device_id: str,
    entities: dict[str, str],
) -> dict[str, Any]:
    """Raise alerts in the simulator, refresh, and wait for states and events; returns truth."""
    ui.page.evaluate(
        f"""async () => {{
          window.__psaEvents = [];
          window.__psaUnsubscribe = await {HASS_JS}.connection.subscribeEvents(
            (event) => window.__psaEvents.push(event.data), '{DOMAIN}_alert');
        }}"""
    )
    counter = ui.state(entities["active_alerts"])
    if counter is None:
        raise E2eError(f"{entities['active_alerts']} has no state")
    before = int(float(counter["state"]))
    for alert_type, severity in NEW_ALERTS:
        sim.raise_alert(vehicle_id, alert_type, severity)
    truth = sim.truth()[vehicle_id]
    truth_types = {alert["type"] for alert in truth["active_alerts"]}
    check(
        all(alert_type in truth_types for alert_type, _ in NEW_ALERTS),
        f"the simulator did not keep the alerts it was asked to raise: {sorted(truth_types)}",
    )
    # Ask for a refresh now instead of waiting up to five minutes for the parked interval.
    ui.page.evaluate(
        f"(id) => {HASS_JS}.callService('homeassistant', 'update_entity', {{entity_id: id}})",
        entities["active_alerts"],
    )
    want = before + len(NEW_ALERTS)
    ui.page.wait_for_function(
        f"(a) => {HASS_JS}.states[a.id]?.state === a.want",
        arg={"id": entities["active_alerts"], "want": str(want)},
        timeout=90_000,
    )
    ui.page.wait_for_function(
        "(n) => (window.__psaEvents || []).filter((e) => e.state === 'raised').length >= n",
        arg=len(NEW_ALERTS),
        timeout=30_000,
    )
    events = ui.page.evaluate("() => window.__psaEvents")
    for alert_type, severity in NEW_ALERTS:
        matching = [
            event
            for event in events
            if event.get("type") == alert_type
            and event.get("severity") == severity
            and event.get("state") == "raised"
            and event.get("device_id") == device_id
            and event.get("vehicle_id") == vehicle_id
        ]
        check(
            len(matching) == 1,
            f"expected one {DOMAIN}_alert event for {alert_type} ({severity}) on this car, "
            f"got: {events}",
        )
    critical = ui.state(entities["critical_alert"]) if "critical_alert" in entities else None
    check(
        critical is not None and critical["state"] == "on",
        f"the critical alert binary sensor is {critical and critical['state']}, expected on",
    )
    return truth


def show_map(ui: Session, tracker: str) -> None:
    """The Map dashboard puts a marker on the car (and lists it when it shows its panel)."""
    ui.goto("/map")
    # The dashboard usually opens a People/Devices/Zones panel on People; cars are devices.
    devices_tab = ui.page.locator("button[role=tab][data-tab=devices]")
    try:
        devices_tab.wait_for(timeout=15_000)
    except PlaywrightError:
        pass
    else:
        devices_tab.click()
        ui.page.locator(f'[data-entity-id="{tracker}"]').first.wait_for()
    ui.page.locator(f'ha-entity-marker[entity-id="{tracker}"]').wait_for()
    # Drawn once the map has initialised (its zoom buttons appear with it).
    ui.page.get_by_role("button", name="Zoom in").first.wait_for()
    ui.shot("map")
