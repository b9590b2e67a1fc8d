"""What the simulator says is true: its control API, plus the API as a second client sees it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
import json
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from e2e.stack import E2eError, http_json

DEMO_USER = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the simulator's fixed demo account
PARTNER_CLIENT_ID = "sim-partner-client"
PARTNER_CLIENT_SECRET = "sim-partner-secret"  # noqa: S105 - the simulator's fixed client
BRAND_TLD = "peugeot.com"
REALM = "clientsB2CPeugeot"
# The truth client logs in with the brand-app client, so its calls never eat into the rate
# budget of the partner client Home Assistant uses.
TRUTH_CLIENT_ID = "sim-mobile-peugeot"
TRUTH_CLIENT_SECRET = "sim-mobile-peugeot-secret"  # noqa: S105
TRUTH_REDIRECT = "mymap://oauth2redirect/fr"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


@dataclass
class SimulatorClient:
    """Reads the simulator's truth and drives its control API."""

    url: str
    _token: str | None = None

    @property
    def api_base(self) -> str:
        """What the config flow's advanced section gets as the API base."""
        return f"{self.url}/connectedcar/v4"

    @property
    def idp_base(self) -> str:
        """What the config flow's advanced section gets as the login server base."""
        return f"{self.url}/idp/{BRAND_TLD}/am/oauth2"

    def truth(self) -> dict[str, dict[str, Any]]:
        """Vehicle id -> what a correct client shows (the car's last upload)."""
        result: dict[str, dict[str, Any]] = http_json(f"{self.url}/_sim/truth")
        return result

    def raise_alert(self, vehicle_id: str, alert_type: str, severity: str) -> str:
        """Make the car report an alert; returns its id."""
        answer = http_json(
            f"{self.url}/_sim/vehicles/{vehicle_id}/alerts",
            method="POST",
            body={"type": alert_type, "severity": severity},
        )
        return str(answer["id"])

    def remote_failure(self, vehicle_id: str, cause: str, count: int = 1) -> None:
        """The car's next ``count`` commands fail with ``cause`` once they reach it."""
        http_json(
            f"{self.url}/_sim/vehicles/{vehicle_id}/remote_failure",
            method="POST",
            body={"cause": cause, "count": count},
        )

    def fault(self, spec: dict[str, Any]) -> None:
        """Inject an API fault (``/_sim/faults``), e.g. a refused POST."""
        http_json(f"{self.url}/_sim/faults", method="POST", body=spec)

    def fleet_api(self) -> dict[str, Any]:
        """The fleet (B2B v3) API: base URL, Basic user and password, client id, CA, fleets."""
        result: dict[str, Any] = http_json(f"{self.url}/_sim/b2b")
        return result

    def fleet_client_credential(self) -> dict[str, str]:
        """The client certificate and key (PEM) the fleet API accepts."""
        result: dict[str, str] = http_json(f"{self.url}/_sim/b2b/client")
        return result

    def fleet_truth(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Fleet id -> vehicle id -> what a correct client shows."""
        result: dict[str, dict[str, dict[str, Any]]] = http_json(f"{self.url}/_sim/b2b/truth")
        return result

    def status(self, vehicle_id: str) -> dict[str, Any]:
        """The car's status document, read through the API with a client of our own."""
        token = self._token or self._login()
        self._token = token
        query = urllib.parse.urlencode({"client_id": TRUTH_CLIENT_ID})
        request = urllib.request.Request(  # noqa: S310
            f"{self.api_base}/user/vehicles/{vehicle_id}/status?{query}",
            headers={"Authorization": f"Bearer {token}", "x-introspect-realm": REALM},
        )
        with _OPENER.open(request, timeout=10) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result

    def fuel_range_km(self, vehicle_id: str) -> float | None:
        """The fuel autonomy the car reported (``energies`` item of type Fuel)."""
        for energy in self.status(vehicle_id).get("energies", []):
            if energy.get("type") == "Fuel":
                value = energy.get("autonomy")
                return float(value) if value is not None else None
        return None

    def _login(self) -> str:
        idp = self.idp_base
        form = urllib.parse.urlencode(
            {
                "client_id": TRUTH_CLIENT_ID,
                "response_type": "code",
                "redirect_uri": TRUTH_REDIRECT,
                "state": "e2e",
                "username": DEMO_USER,
                "password": DEMO_PASSWORD,
                "decision": "allow",
            }
        ).encode()
        request = urllib.request.Request(f"{idp}/authorize", data=form)  # noqa: S310
        try:
            with _OPENER.open(request, timeout=10) as response:
                raise E2eError(f"simulator login answered {response.status}, not a redirect")
        except urllib.error.HTTPError as err:
            if err.code != 302:
                raise E2eError(f"simulator login answered {err.code}") from err
            location = err.headers["Location"]
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
        basic = base64.b64encode(f"{TRUTH_CLIENT_ID}:{TRUTH_CLIENT_SECRET}".encode()).decode()
        token_request = urllib.request.Request(  # noqa: S310
            f"{idp}/access_token",
            data=urllib.parse.urlencode(
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": TRUTH_REDIRECT,
                }
            ).encode(),
            headers={"Authorization": f"Basic {basic}"},
        )
        with _OPENER.open(token_request, timeout=10) as response:
            return str(json.loads(response.read())["access_token"])
