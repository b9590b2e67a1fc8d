"""The browser session on Home Assistant and the helpers every step shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import json
import math
import os
from pathlib import Path
import re
import time
from typing import Any

from playwright.sync_api import (
    BrowserContext,
    Error as PlaywrightError,
    Locator,
    Page,
    ViewportSize,
)

from e2e.stack import ROOT, E2eError

DOMAIN = "psa_connected_car"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
"""Debian's chromium by default; E2E_CHROMIUM points at another Chromium or Chrome binary."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
TALL_DIALOG: ViewportSize = {"width": 1280, "height": 1500}
TALL_PAGE: ViewportSize = {"width": 1280, "height": 1150}
ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000
HA_USER = ("Demo", "demo", "demo-password")  # name, username, password
HOME_COUNTRY = "France"
DOCS_IMAGES = ROOT / "docs" / "images"
TRANSLATIONS = ROOT / "custom_components" / DOMAIN / "translations" / "en.json"

# Alerts raised during the test. FuelLevelLow is not used: the simulator ends it by itself
# while the tank is above 10 %.
NEW_ALERTS = (("OilLevelLow", "Warning"), ("EngineOilPressureFailure", "Critical"))

FINISH_BUTTON = re.compile(r"^(Finish|Skip and finish)$")
INTEGRATION_LABEL = re.compile(r"PSA Connected Car|psa_connected_car")

HASS_JS = "document.querySelector('home-assistant')?.hass"
DEVICE_ROWS_JS = """() => {
  const deepText = (node) => {
    const parts = [];
    const walk = (n) => {
      if (n.nodeType === 3) parts.push(n.textContent);
      if (n.shadowRoot) walk(n.shadowRoot);
      for (const child of n.childNodes) walk(child);
    };
    walk(node);
    return parts.join(' ').replace(/\\s+/g, ' ').trim();
  };
  const rows = {};
  const walk = (n) => {
    if (n.nodeType === 1 && /^HUI-.*-ENTITY-ROW$/.test(n.tagName)) {
      const config = n._config || n.config;
      if (config && config.entity) {
        rows[config.entity] = {name: config.name ?? null, text: deepText(n)};
      }
    }
    if (n.shadowRoot) walk(n.shadowRoot);
    for (const child of n.children) walk(child);
  };
  walk(document.body);
  return rows;
}"""


# -- small helpers ---------------------------------------------------------------------------


class Clock:
    """Prints each step with the seconds elapsed since the start."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        began = time.monotonic()
        print(f"[{self.elapsed():6.1f}s] {title} ...", flush=True)  # noqa: T201
        yield
        print(f"[{self.elapsed():6.1f}s]   done in {time.monotonic() - began:.1f} s", flush=True)  # noqa: T201


def normalise(text: str) -> str:
    """Collapse the frontend's non-breaking and narrow spaces so texts compare."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def same_number(actual: Any, expected: Any) -> bool:
    """Numbers equal to the display's precision (states are strings, truth floats)."""
    try:
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-6)
    except TypeError, ValueError:
        return False


def check(condition: bool, message: str) -> None:
    """Fail the test with ``message`` unless ``condition`` holds."""
    if not condition:
        raise E2eError(message)


def entity_names() -> dict[tuple[str, str], str]:
    """(platform, translation key) -> English entity name, from the integration's en.json."""
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    names: dict[tuple[str, str], str] = {}
    for platform, entries in strings.get("entity", {}).items():
        for key, entry in entries.items():
            if "name" in entry:
                names[(platform, key)] = entry["name"]
    return names


# -- the browser session -----------------------------------------------------------------------


class Session:
    """One browser page on Home Assistant, with the helpers the steps share."""

    def __init__(self, context: BrowserContext, ha_url: str, artifacts: Path) -> None:
        self.context = context
        self.ha_url = ha_url
        self.artifacts = artifacts
        self.page = context.pages[0] if context.pages else context.new_page()
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        self.shots: dict[str, Path] = {}

    # screenshots

    def shot(self, name: str, target: Page | Locator | None = None) -> Path:
        """Save a screenshot to the artifacts folder (a locator: just that element)."""
        path = self.artifacts / f"{len(self.shots) + 1:02d}-{name}.png"
        (target or self.page).screenshot(path=path, animations="disabled")
        self.shots[name] = path
        return path

    def dialog_shot(self, name: str, host: str) -> Path:
        """Screenshot of a dialog's panel (the element with part "dialog" inside ``host``)."""
        panel = self.page.locator(f"{host} [part~=dialog]").first
        try:
            panel.wait_for(state="visible", timeout=5_000)
        except PlaywrightError:
            return self.shot(name)
        return self.shot(name, panel)

    # Home Assistant's frontend

    def goto(self, path: str) -> None:
        """Open a frontend page and wait for the connection to Home Assistant."""
        self.page.goto(f"{self.ha_url}{path}")
        self.wait_connected()

    def wait_connected(self) -> None:
        self.page.wait_for_function(f"() => !!{HASS_JS}?.connected", timeout=NAVIGATION_TIMEOUT_MS)

    def ws(self, message: dict[str, Any]) -> Any:
        """A websocket command as the logged-in user."""
        return self.page.evaluate(f"(m) => {HASS_JS}.callWS(m)", message)

    def state(self, entity_id: str) -> dict[str, Any] | None:
        """State, attributes and the text the frontend shows for it."""
        result: dict[str, Any] | None = self.page.evaluate(
            f"""(id) => {{
              const hass = {HASS_JS};
              const s = hass.states[id];
              return s ? {{state: s.state, attributes: s.attributes,
                          shown: hass.formatEntityState(s)}} : null;
            }}""",
            entity_id,
        )
        return result

    def device_rows(self) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = self.page.evaluate(DEVICE_ROWS_JS)
        return rows
