"""Run the simulator inside a test's event loop and log in like a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
import re
import ssl

import aiohttp
from aiohttp import web
from yarl import URL

from simulator.app import create_app
from simulator.b2b.backend import B2bBackend
from simulator.b2b.keys import B2B_KEY
from simulator.b2b.pki import Credential
from simulator.config import SimulatorConfig
from simulator.core import Simulator
from simulator.identities import DEMO_PASSWORD, DEMO_USER
from simulator.keys import SIMULATOR_KEY

__all__ = ["LoginError", "RunningSimulator", "run_simulator"]


class LoginError(Exception):
    """The IdP did not redirect: ``status`` and ``error`` tell why.

    * 400 with ``error`` ``invalid_client`` / ``invalid_request`` / ``redirect_uri_mismatch``:
      the IdP's error page (it never redirects to an unverified URI).
    * 404 ``not_found``: unknown brand host.
    * 200 ``invalid_credentials``: the login form came back with an error message.
    """

    def __init__(self, status: int, error: str, body: str) -> None:
        super().__init__(f"{status} {error}")
        self.status = status
        self.error = error
        self.body = body


class _FormParser(HTMLParser):
    """Collects the login form's action and hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action")
        elif tag == "input" and values.get("type") == "hidden":
            self.hidden[values.get("name", "")] = values.get("value", "")


def _error_of(body: str) -> str:
    match = re.search(r'data-error="([^"]+)"', body)
    return match.group(1) if match else "unknown"


@dataclass
class RunningSimulator:
    """A simulator listening on 127.0.0.1."""

    url: str
    sim: Simulator
    app: web.Application = field(repr=False)

    @property
    def api_base(self) -> str:
        """``{url}/connectedcar/v4``."""
        return f"{self.url}/connectedcar/v4"

    # --- the fleet (B2B v3) API ---------------------------------------------------------------
    @property
    def b2b(self) -> B2bBackend:
        """The v3 backend (``SimulatorConfig.b2b`` must be True, the default)."""
        return self.app[B2B_KEY]

    @property
    def b2b_base_url(self) -> str:
        """``https://127.0.0.1:{port}/connectedcar/v3`` (requires a client certificate)."""
        return self.b2b.base_url

    @property
    def b2b_ca_pem(self) -> str:
        """The test CA that signed the server's and the client's certificates."""
        return self.b2b.pki.ca.pem

    @property
    def b2b_client_cert_pem(self) -> str:
        """A client certificate the listener accepts (valid 365 days)."""
        return self.b2b.pki.client.cert_pem

    @property
    def b2b_client_key_pem(self) -> str:
        """Its private key (unencrypted PKCS#8 PEM)."""
        return self.b2b.pki.client.key_pem

    @property
    def b2b_basic_user(self) -> str:
        """User of the Basic credentials."""
        return self.b2b.user

    @property
    def b2b_basic_password(self) -> str:
        """Password of the Basic credentials."""
        return self.b2b.password

    @property
    def b2b_client_id(self) -> str:
        """The ``client_id`` every v3 request carries."""
        return self.b2b.client_id

    @property
    def fleet_ids(self) -> list[str]:
        """Ids of the fleets, in configuration order."""
        return list(self.b2b.book.fleets)

    def fleet_vehicles(self, fleet_id: str) -> list[str]:
        """Ids of a fleet's cars."""
        return list(self.b2b.book.fleets[fleet_id].vehicle_ids)

    def b2b_client_cert(
        self, *, days: float = 365, expired: bool = False, foreign: bool = False
    ) -> Credential:
        """A new client certificate + key: ``days`` valid, expired, or from a foreign CA."""
        return self.b2b.pki.issue_client(days=days, expired=expired, foreign=foreign)

    def b2b_mismatched_key_pem(self) -> str:
        """A private key that matches no certificate."""
        return self.b2b.pki.mismatched_key_pem()

    def b2b_ssl_context(
        self, credential: Credential | None = None, key_pem: str | None = None
    ) -> ssl.SSLContext:
        """A client TLS context trusting the CA and presenting ``credential`` (default ours)."""
        return self.b2b.pki.client_context(credential, key_pem)

    def idp_base(self, brand_tld: str) -> str:
        """``{url}/idp/{brand_tld}/am/oauth2``."""
        return f"{self.url}/idp/{brand_tld}/am/oauth2"

    async def login(
        self,
        session: aiohttp.ClientSession,
        authorize_url: str,
        username: str = DEMO_USER,
        password: str = DEMO_PASSWORD,
        consent: bool = True,
    ) -> str:
        """Open the authorize URL, submit the form, return the redirect ``Location``.

        An authorize request the IdP rejects with a redirect (``error=...``) returns that
        Location too; one it rejects with a page raises ``LoginError``.
        """
        async with session.get(authorize_url, allow_redirects=False) as response:
            body = await response.text()
            if response.status == 302:
                return response.headers["Location"]
            if response.status != 200:
                raise LoginError(response.status, _error_of(body), body)
            action_base = response.url
        parser = _FormParser()
        parser.feed(body)
        form = dict(parser.hidden)
        form.update(
            {"username": username, "password": password, "decision": "allow" if consent else "deny"}
        )
        action = action_base.join(URL(parser.action or action_base.path))
        async with session.post(action, data=form, allow_redirects=False) as response:
            body = await response.text()
            if response.status == 302:
                return response.headers["Location"]
            if response.status == 200:
                raise LoginError(200, "invalid_credentials", body)
            raise LoginError(response.status, _error_of(body), body)


@asynccontextmanager
async def run_simulator(config: SimulatorConfig | None = None) -> AsyncIterator[RunningSimulator]:
    """Start a real server on 127.0.0.1 (a free port unless ``config.port``) in this loop."""
    config = config or SimulatorConfig()
    app = create_app(config)
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    try:
        server = runner.server
        assert server is not None
        sockets = runner.addresses
        port = sockets[0][1]
        url = f"http://{config.host}:{port}"
        app[SIMULATOR_KEY].public_base = f"{url}/connectedcar/v4"
        yield RunningSimulator(url, app[SIMULATOR_KEY], app)
    finally:
        await runner.cleanup()
