"""A refused client certificate told apart from a network failure, under TLS 1.3.

The simulator runs TLS 1.2, where the refusal is an alert of the handshake itself. Many
servers run TLS 1.3, where the client's handshake ends before the server checks the
certificate: the server then just closes the connection. This server does that.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
import socket
import ssl
from typing import Any

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.psa_connected_car.api import BRANDS, PsaConnectionError, RateBudget
from custom_components.psa_connected_car.api.fleet import FleetClient
from custom_components.psa_connected_car.api.fleet_tls import (
    CertificateRejectedError,
    closes_without_answer,
)

from .tls_material import TlsFiles, make_tls_files

NETWORK = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(name="tls")
def tls_fixture(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path)


@pytest.fixture(name="foreign")
def foreign_fixture(tmp_path: Path) -> TlsFiles:
    folder = tmp_path / "foreign"
    folder.mkdir()
    return make_tls_files(folder)


@pytest.fixture(name="quiet_refusals")
async def quiet_refusals_fixture(hass: Any) -> None:
    """Refused handshakes reach the loop's exception handler: expected here."""
    loop = asyncio.get_running_loop()
    harness = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), ssl.SSLError | ConnectionError):
            return
        if harness is not None:
            harness(loop, context)

    loop.set_exception_handler(handler)


@pytest.fixture(name="base")
async def base_fixture(tls: TlsFiles, quiet_refusals: None) -> AsyncIterator[str]:
    """A TLS 1.3 server that requires a client certificate of ``tls``'s CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(tls.ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(str(tls.server_cert), str(tls.server_key))
    context.verify_mode = ssl.CERT_REQUIRED

    async def fleets(request: web.Request) -> web.Response:
        del request
        return web.json_response({"_embedded": {"fleets": [{"id": "f1"}]}})

    app = web.Application()
    app.router.add_get("/connectedcar/v3/fleets", fleets)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    yield f"https://127.0.0.1:{runner.addresses[0][1]}/connectedcar/v3"
    await runner.cleanup()


def _context(tls: TlsFiles, client: TlsFiles) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(tls.ca))
    context.load_cert_chain(str(client.client_cert), str(client.client_key))
    return context


def _client(session: aiohttp.ClientSession, base: str, context: ssl.SSLContext) -> FleetClient:
    return FleetClient(
        session,
        BRANDS["opel"],
        client_id="cid",
        username="user",
        password="secret",
        ssl_context=context,
        api_base=base,
        rate_budget=RateBudget(),
        request_timeout=5,
    )


@NETWORK
async def test_a_close_after_the_handshake_is_a_refused_certificate(
    tls: TlsFiles, foreign: TlsFiles, base: str
) -> None:
    async with aiohttp.ClientSession() as session:
        assert [f.id for f in await _client(session, base, _context(tls, tls)).list_fleets()] == [
            "f1"
        ]
        with pytest.raises(CertificateRejectedError, match="closed"):
            await _client(session, base, _context(tls, foreign)).list_fleets()


@NETWORK
async def test_the_probe_tells_an_answering_server_and_no_server_apart(
    tls: TlsFiles, foreign: TlsFiles, base: str
) -> None:
    url = URL(base) / "fleets"
    assert await closes_without_answer(url, _context(tls, foreign))
    assert not await closes_without_answer(url, _context(tls, tls))
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    assert not await closes_without_answer(url.with_port(port), _context(tls, tls))


@NETWORK
async def test_no_server_is_not_a_certificate_problem(tls: TlsFiles) -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    async with aiohttp.ClientSession() as session:
        client = _client(session, f"https://127.0.0.1:{port}/connectedcar/v3", _context(tls, tls))
        with pytest.raises(PsaConnectionError):
            await client.list_fleets()
