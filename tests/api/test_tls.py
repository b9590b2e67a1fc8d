"""Client certificates: the context is built off the loop and really does mutual TLS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
import ssl

import aiohttp
from aiohttp import web
import pytest

from custom_components.psa_connected_car.api import (
    BRANDS,
    AccessDeniedError,
    CertificateError,
    PsaClient,
    async_create_ssl_context,
    create_ssl_context,
)

from .tls_material import TlsFiles, make_tls_files

NETWORK = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(name="tls")
def tls_fixture(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path)


@pytest.fixture(name="https_base")
async def https_base_fixture(tls: TlsFiles) -> AsyncIterator[str]:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(tls.ca))
    server_context.load_cert_chain(str(tls.server_cert), str(tls.server_key))
    server_context.verify_mode = ssl.CERT_OPTIONAL

    async def user(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peercert") if request.transport else None
        if not peer:
            return web.json_response(
                {"code": 40300, "message": "no client certificate"}, status=403
            )
        subject = dict(item[0] for item in peer["subject"])
        return web.json_response({"id": subject.get("commonName"), "email": None})

    app = web.Application()
    app.router.add_get("/connectedcar/v4/user", user)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = runner.addresses[0][1]
    yield f"https://127.0.0.1:{port}/connectedcar/v4"
    await runner.cleanup()


async def _token(rejected: str | None) -> str:
    del rejected
    return "token"


async def test_async_context_is_built_in_executor(tls: TlsFiles) -> None:
    context = await async_create_ssl_context(tls.client_cert, tls.client_key, tls.ca)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED


@NETWORK
async def test_mutual_tls_round_trip(tls: TlsFiles, https_base: str) -> None:
    context = await async_create_ssl_context(tls.client_cert, tls.client_key, tls.ca)
    async with aiohttp.ClientSession() as session:
        client = PsaClient(
            session, BRANDS["opel"], "cid", _token, api_base=https_base, ssl_context=context
        )
        user = await client.get_user()
    assert user.id == "partner"


@NETWORK
async def test_without_client_certificate_access_is_denied(tls: TlsFiles, https_base: str) -> None:
    context = ssl.create_default_context(cafile=str(tls.ca))
    async with aiohttp.ClientSession() as session:
        client = PsaClient(
            session, BRANDS["opel"], "cid", _token, api_base=https_base, ssl_context=context
        )
        with pytest.raises(AccessDeniedError):
            await client.get_user()


def test_bad_files(tls: TlsFiles, tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(CertificateError, match="CA file"):
        create_ssl_context(tls.client_cert, tls.client_key, missing)
    with pytest.raises(CertificateError, match="certificate or key"):
        create_ssl_context(tls.client_cert, tls.server_key)
    with pytest.raises(CertificateError, match="certificate or key"):
        create_ssl_context(missing, tls.client_key)
    assert isinstance(create_ssl_context(tls.client_cert, tls.client_key), ssl.SSLContext)
