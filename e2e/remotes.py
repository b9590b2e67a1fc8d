"""Remote commands from the browser: the doors lock's more-info dialog (issue 16).

The partner-application login of the run is granted the remote scopes (brand-app logins never
are), so the car has a doors lock. Unlock, then lock, from the lock's dialog as a person would,
watching the state the dialog shows against the simulator's truth; then a command the car
refuses once it reaches it (``/_sim`` remote_failure) and one the API refuses when it is sent
(its translated message in the toast Home Assistant shows for a failed action).
"""

from __future__ import annotations

import json

from playwright.sync_api import Error as PlaywrightError, Locator, Page

from e2e.simulator_client import SimulatorClient
from e2e.stack import E2eError
from e2e.ui import DOMAIN, HASS_JS, TRANSLATIONS, Session, check

COMMAND_TIMEOUT_MS = 60_000
"""Press to confirmed state: the simulated car's 6 s plus one poll of the command (10 s)."""
REFUSED_CAUSE = "VehicleInUse"
"""Injected: the car refuses the command once it reaches it..."""
REFUSED_MESSAGE = "remote_failed_vehicle_in_use"
"""... and the integration's translated error for that cause."""

DEEP_FIND_JS = """(tag) => {
  let found = null;
  const walk = (n) => {
    if (found) return;
    if (n.nodeType === 1 && n.tagName === tag) { found = n; return; }
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const child of n.children) walk(child);
  };
  walk(document.body);
  return found;
}"""
HEADER_TEXT_JS = f"""() => {{
  const header = ({DEEP_FIND_JS})('HA-MORE-INFO-STATE-HEADER');
  if (!header) return null;
  const parts = [];
  const walk = (n) => {{
    if (n.nodeType === 3) parts.push(n.textContent);
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const child of n.childNodes) walk(child);
  }};
  walk(header);
  return parts.join(' ').replace(/\\s+/g, ' ').trim();
}}"""
TOAST_TEXT_JS = f"""() => {{
  const toast = ({DEEP_FIND_JS})('HA-TOAST');
  return toast ? String(toast.labelText || toast.textContent || '') : '';
}}"""


def exception_message(key: str) -> str:
    """The English text of one of the integration's translated errors."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    return str(strings["exceptions"][key]["message"])


class LockDialog:
    """The doors lock's more-info dialog, opened from the car's device page."""

    def __init__(self, ui: Session, device_id: str, lock: str) -> None:
        self.ui, self.device_id, self.lock = ui, device_id, lock

    def open(self) -> None:
        """Device page -> the lock's row -> its more-info dialog."""
        self.ui.goto(f"/config/devices/device/{self.device_id}")
        self.ui.page.locator("hui-lock-entity-row").locator(".info, state-badge").first.click()
        self.switch.wait_for()

    @property
    def switch(self) -> Locator:
        """The big lock/unlock toggle of the dialog."""
        return self.ui.page.locator("more-info-lock ha-state-control-lock-toggle ha-control-switch")

    def shown(self) -> str:
        """The state the dialog's header shows ("Locked 2 seconds ago" -> "Locked")."""
        text = str(self.ui.page.evaluate(HEADER_TEXT_JS) or "")
        return text.split(" ", maxsplit=1)[0] if text else ""

    def wait_shown(self, wanted: str, timeout_ms: int = COMMAND_TIMEOUT_MS) -> None:
        """Wait until the header shows ``wanted`` (fails with what it showed instead)."""
        try:
            self.ui.page.wait_for_function(
                f"(w) => (({HEADER_TEXT_JS})() || '').split(' ')[0] === w",
                arg=wanted,
                timeout=timeout_ms,
            )
        except PlaywrightError as err:
            state = self.ui.state(self.lock)
            raise E2eError(
                f"the lock's dialog shows {self.shown()!r}, not {wanted!r} "
                f"(state {state and state['state']})"
            ) from err


def command(dialog: LockDialog, sim: SimulatorClient, vehicle_id: str, lock: bool) -> None:
    """Press the toggle: "Locking" then "Locked" (or unlock), and the simulator agrees."""
    going, done = ("Locking", "Locked") if lock else ("Unlocking", "Unlocked")
    check(
        sim.truth()[vehicle_id]["locked"] is not lock,
        f"the car is already {done.lower()} before the command",
    )
    dialog.switch.click()
    dialog.wait_shown(going, timeout_ms=10_000)
    dialog.wait_shown(done)
    car = sim.truth()[vehicle_id]
    check(car["locked"] is lock, f"the dialog shows {done} but the simulator says {car['locked']}")
    state = dialog.ui.state(dialog.lock)
    check(
        state is not None and state["state"] == done.lower(),
        f"{dialog.lock} is {state and state['state']}, expected {done.lower()}",
    )


def car_refuses(dialog: LockDialog, sim: SimulatorClient, vehicle_id: str) -> str:
    """The car refuses the unlock once it reaches it: the cause's translated message in a
    toast, the ``psa_connected_car_remote_result`` event with the cause, the lock locked.
    """
    page = dialog.ui.page
    page.evaluate(
        f"""async () => {{
          window.__psaResults = [];
          window.__psaUnsubscribeResults = await {HASS_JS}.connection.subscribeEvents(
            (event) => window.__psaResults.push(event.data), '{DOMAIN}_remote_result');
        }}"""
    )
    expected = exception_message(REFUSED_MESSAGE)
    sim.remote_failure(vehicle_id, REFUSED_CAUSE)
    dialog.switch.click()
    dialog.wait_shown("Unlocking", timeout_ms=10_000)
    page.wait_for_function(
        "() => (window.__psaResults || []).length > 0", timeout=COMMAND_TIMEOUT_MS
    )
    results = page.evaluate("() => window.__psaResults")
    check(
        results[0].get("result") == "failed" and results[0].get("cause") == REFUSED_CAUSE,
        f"expected one failed doors command caused by {REFUSED_CAUSE}, got {results}",
    )
    wait_toast(page, expected, "the unlock the car refused")
    dialog.wait_shown("Locked", timeout_ms=30_000)
    check(sim.truth()[vehicle_id]["locked"] is True, "the refused unlock unlocked the car")
    return expected


def wait_toast(page: Page, expected: str, what: str, timeout_ms: int = 15_000) -> None:
    """A toast (Home Assistant's message for a failed action) says ``expected``."""
    try:
        page.wait_for_function(
            f"(m) => ({TOAST_TEXT_JS})().includes(m)", arg=expected, timeout=timeout_ms
        )
    except PlaywrightError as err:
        shown = page.evaluate(TOAST_TEXT_JS)
        raise E2eError(f"after {what}, no toast saying {expected!r} (shown: {shown!r})") from err


def api_refuses(dialog: LockDialog, sim: SimulatorClient, vehicle_id: str) -> str:
    """The API refuses the unlock (403): its translated message in a toast; still locked."""
    expected = exception_message("remote_missing_rights")
    sim.fault({"kind": "error", "status": 403, "endpoint": "sendRemoteToVhl", "count": 1})
    dialog.switch.click()
    wait_toast(dialog.ui.page, expected, "an unlock the API refused")
    dialog.wait_shown("Locked", timeout_ms=10_000)
    check(sim.truth()[vehicle_id]["locked"] is True, "the refused unlock unlocked the car")
    return expected
