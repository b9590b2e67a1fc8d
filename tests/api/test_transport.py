"""Transport details a scripted server can show better than the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import errno
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from custom_components.psa_connected_car.api import (
    BRANDS,
    AuthenticationError,
    InvalidResponseError,
    MonitorKind,
    MonitorRequest,
    PsaClient,
    PsaConnectionError,
    RateLimitedError,
    ServerError,
    auth,
    exchange_code,
    refresh_access_token,
    transport,
)

from .raw_server import ABORT, CUT, HANG, RESET, RawServer, Reply, serve

BRAND = BRANDS["vauxhall"]
USER = Reply(body={"id": "u", "email": "x@example.invalid"})

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def _token(rejected: str | None) -> str:
    return "refreshed" if rejected else "access"


@pytest.fixture(name="server")
async def server_fixture() -> AsyncIterator[RawServer]:
    async with serve(RawServer()) as server:
        yield server


@pytest.fixture(name="client")
async def client_fixture(server: RawServer) -> AsyncIterator[PsaClient]:
    async with aiohttp.ClientSession() as session:
        yield PsaClient(
            session,
            BRAND,
            "cid",
            _token,
            api_base=f"{server.url}/connectedcar/v4/",
            request_timeout=2,
        )


async def test_every_request_carries_realm_client_id_and_accept(
    client: PsaClient, server: RawServer
) -> None:
    server.script = [USER]
    await client.get_user()
    request = server.requests[0]
    assert request.method == "GET"
    url = URL(request.target)
    assert url.path == "/connectedcar/v4/user"
    assert url.query["client_id"] == "cid"
    assert request.headers["x-introspect-realm"] == "clientsB2CVauxhall"
    assert request.headers["accept"] == "application/hal+json"
    assert request.headers["authorization"] == "Bearer access"


@pytest.mark.parametrize("drop", [RESET, ABORT])
async def test_get_is_resent_once_after_a_reset(
    client: PsaClient, server: RawServer, drop: str
) -> None:
    server.script = [drop, USER]
    assert (await client.get_user()).id == "u"
    assert len(server.requests) == 2


async def test_cut_answer_is_asked_for_once_more(client: PsaClient, server: RawServer) -> None:
    server.script = [CUT, USER]
    assert (await client.get_user()).id == "u"
    assert len(server.requests) == 2


@pytest.mark.parametrize("drops", [(RESET, RESET), (ABORT, RESET), (CUT, CUT)])
async def test_second_reset_fails(
    client: PsaClient, server: RawServer, drops: tuple[str, str]
) -> None:
    server.script = [*drops, USER]
    with pytest.raises(PsaConnectionError, match="connection reset"):
        await client.get_user()
    assert len(server.requests) == 2


def test_transport_relies_on_public_aiohttp_behaviour_only() -> None:
    source = Path(transport.__file__).read_text(encoding="utf-8")
    assert "_retry_connection" not in source


async def test_post_is_never_retried(client: PsaClient, server: RawServer) -> None:
    server.script = [RESET, Reply(body={"callbackId": "cb", "status": "Running"})]
    with pytest.raises(PsaConnectionError):
        await client.create_callback("https://x.invalid/hook", {}, label="ha")
    assert len(server.requests) == 1


async def test_callback_and_monitor_bodies(client: PsaClient, server: RawServer) -> None:
    server.script = [
        Reply(body={"callbackId": "cb", "status": "Running"}),
        Reply(status=202, body={"monitorId": "m", "status": "Running"}),
        Reply(status=204, body=b""),
        Reply(status=404, body={"code": 40400, "message": "Monitor not found"}),
    ]
    callback = await client.create_callback(
        "https://x.invalid/hook", {"Authorization": "Bearer s3cret"}, label="ha"
    )
    assert callback.id == "cb"
    assert callback.attributes == {"Authorization": "Bearer s3cret"}
    monitor = await client.create_monitor(
        "v1", "cb", MonitorRequest(MonitorKind.BATTERY_BELOW, "low", threshold_pct=20)
    )
    assert monitor.id == "m"
    assert monitor.label == "low"
    assert monitor.trigger_data == ("vehicle.energy.electric.level",)
    assert await client.delete_monitor("v1", "cb", "m") is True
    assert await client.delete_monitor("v1", "cb", "m") is False
    first = server.requests[0]
    assert first.method == "POST"
    assert first.headers["content-type"] == "application/json"
    assert b'"target":"https://x.invalid/hook"' in first.body
    assert URL(server.requests[1].target).path == (
        "/connectedcar/v4/user/vehicles/v1/callbacks/cb/monitors"
    )
    assert server.requests[2].method == "DELETE"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(status=302, headers={"Location": "http://evil.invalid/"}), InvalidResponseError),
        (Reply(body=b"<html>login</html>", content_type="text/html"), InvalidResponseError),
        (Reply(body=b"not json", content_type="text/plain"), InvalidResponseError),
        (Reply(body=b"[1, 2]"), InvalidResponseError),
        (Reply(status=200, body=b""), InvalidResponseError),
        (Reply(status=500, body=b"{}"), ServerError),
    ],
)
async def test_bad_answers(
    client: PsaClient, server: RawServer, reply: Reply, error: type[Exception]
) -> None:
    server.script = [reply]
    with pytest.raises(error):
        await client.get_user()


async def test_429_without_headers_blocks_for_a_window(
    client: PsaClient, server: RawServer
) -> None:
    server.script = [Reply(status=429, body=b"")]
    with pytest.raises(RateLimitedError) as caught:
        await client.get_vehicles()
    assert caught.value.retry_after == 60
    assert client.rate_budget.blocked_for == pytest.approx(60, abs=1)


async def test_paging_stays_on_the_api_host(client: PsaClient, server: RawServer) -> None:
    page = {
        "_links": {
            "next": {"href": "https://api.groupe-psa.com/connectedcar/v4/user/vehicles?t=2"}
        },
        "total": 2,
        "_embedded": {"vehicles": [{"id": "a", "vin": "VR3UHZKXZLT123456"}]},
    }
    last = {"total": 2, "_embedded": {"vehicles": [{"id": "b", "vin": "VR3UHZKXZLT654321"}]}}
    server.script = [Reply(body=page), Reply(body=last)]
    vehicles = await client.get_vehicles()
    assert [v.id for v in vehicles] == ["a", "b"]
    second = URL(server.requests[1].target)
    assert second.query["t"] == "2"
    assert second.query["client_id"] == "cid"


def _failing(error: BaseException) -> Callable[[bool], Awaitable[str]]:
    async def provider(rejected: str | None) -> str:
        del rejected
        raise error

    return provider


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (aiohttp.ClientResponseError(None, (), status=400), AuthenticationError),  # type: ignore[arg-type]
        (aiohttp.ClientResponseError(None, (), status=502), PsaConnectionError),  # type: ignore[arg-type]
        (aiohttp.ClientConnectionError(), PsaConnectionError),
        (TimeoutError(), PsaConnectionError),
        (AuthenticationError("gone"), AuthenticationError),
    ],
)
async def test_token_provider_failures(
    server: RawServer, raised: BaseException, expected: type[Exception]
) -> None:
    async with aiohttp.ClientSession() as session:
        client = PsaClient(session, BRAND, "cid", _failing(raised), api_base=server.url)
        with pytest.raises(expected):
            await client.get_user()
    assert server.requests == []


async def test_empty_token_is_authentication_error(server: RawServer) -> None:
    async def empty(rejected: str | None) -> str:
        del rejected
        return ""

    async with aiohttp.ClientSession() as session:
        client = PsaClient(session, BRAND, "cid", empty, api_base=server.url)
        with pytest.raises(AuthenticationError):
            await client.get_user()


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(body=b"garbage", content_type="text/plain"), InvalidResponseError),
        (Reply(body={"token_type": "Bearer"}), InvalidResponseError),
        (Reply(status=429, body=b"", headers={"Retry-After": "9"}), RateLimitedError),
        (Reply(status=503, body=b"<html></html>", content_type="text/html"), ServerError),
        (Reply(status=401, body=b""), AuthenticationError),
        (ABORT, PsaConnectionError),
    ],
)
async def test_token_endpoint_failures(
    server: RawServer, reply: Reply | str, error: type[Exception]
) -> None:
    server.script = [reply]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(error):
            await refresh_access_token(session, server.url, "c", "s", "r", None)
    assert URL(server.requests[0].target).path == "/access_token"


async def test_token_endpoint_request(server: RawServer) -> None:
    server.script = [Reply(body={"access_token": "a", "refresh_token": "r2"})]
    async with aiohttp.ClientSession() as session:
        tokens = await exchange_code(session, server.url, "c", "s", "code-1", "mymap://x/fr", None)
    assert tokens["refresh_token"] == "r2"
    request = server.requests[0]
    assert request.headers["authorization"] == "Basic Yzpz"
    assert b"grant_type=authorization_code" in request.body
    assert b"code_verifier" not in request.body


async def test_token_endpoint_timeout(server: RawServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "TOKEN_TIMEOUT_S", 0.2)
    server.script = [HANG]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(PsaConnectionError, match="timed out"):
            await refresh_access_token(session, server.url, "c", "s", "r", None)


@pytest.mark.parametrize(
    ("error", "is_reset"),
    [
        (aiohttp.ServerDisconnectedError(), True),
        (aiohttp.ClientPayloadError("cut"), True),
        (aiohttp.ClientOSError(errno.ECONNRESET, "reset"), True),
        (aiohttp.ClientOSError(errno.ECONNREFUSED, "refused"), False),
        (aiohttp.ClientConnectionError(), False),
    ],
)
def test_what_counts_as_a_reset(error: Exception, is_reset: bool) -> None:
    assert transport._is_reset(error) is is_reset
