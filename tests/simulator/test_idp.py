"""The brands' identity provider: authorize form, codes, PKCE, tokens, rotation."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest

from simulator.identities import (
    DEMO_USER,
    EMPTY_USER,
    PARTNER_CLIENT_ID,
    account_id,
    mobile_client_id,
    mobile_client_secret,
)
from simulator.idp.tokens import pkce_s256
from simulator.testing import LoginError, RunningSimulator
from tests.simulator.conftest import HA_REDIRECT, Api, authorize_url, basic, code_of, token_for

VERIFIER = "v" * 43 + "-._~0123456789"


async def exchange(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    form: dict[str, str],
    *,
    tld: str = "peugeot.com",
    auth: str | None = None,
    query: str = "",
) -> tuple[int, dict[str, Any]]:
    """POST /access_token; returns status and JSON."""
    async with session.post(
        f"{running.idp_base(tld)}/access_token{query}",
        data=form,
        headers={"Authorization": auth or basic()},
    ) as response:
        return response.status, await response.json()


async def login_code(
    running: RunningSimulator, session: aiohttp.ClientSession, **extra: str
) -> str:
    """Log in with the form and return the code."""
    return code_of(await running.login(session, authorize_url(running, **extra)))


def code_form(code: str, **extra: str) -> dict[str, str]:
    """An authorization_code grant form."""
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": HA_REDIRECT, **extra}


async def test_authorize_page_is_a_real_form(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    async with session.get(authorize_url(running)) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        page = await response.text()
    for needle in ('id="username"', 'id="password"', 'value="allow"', 'value="deny"', "st4te"):
        assert needle in page


async def test_login_redirects_with_a_uuid_code_and_the_state(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    location = await running.login(session, authorize_url(running))
    assert location.startswith(HA_REDIRECT + "?")
    query = parse_qs(urlparse(location).query)
    assert len(query["code"][0]) == 36
    assert query["state"] == ["st4te"]


@pytest.mark.parametrize(
    ("client_id", "redirect_uri", "error"),
    [
        ("nobody", HA_REDIRECT, "invalid_client"),
        (PARTNER_CLIENT_ID, "https://evil.example/cb", "redirect_uri_mismatch"),
        (PARTNER_CLIENT_ID, "", "invalid_request"),
        (mobile_client_id("peugeot"), HA_REDIRECT, "redirect_uri_mismatch"),
        (mobile_client_id("peugeot"), "mymacsdk://oauth2redirect/fr", "redirect_uri_mismatch"),
    ],
)
async def test_bad_client_or_redirect_gets_an_error_page(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    client_id: str,
    redirect_uri: str,
    error: str,
) -> None:
    url = authorize_url(running, client_id=client_id, redirect_uri=redirect_uri)
    with pytest.raises(LoginError) as caught:
        await running.login(session, url)
    assert caught.value.status == 400
    assert caught.value.error == error


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://localhost:8123/auth/external/callback",
        "http://127.0.0.1:43210/auth/external/callback",
        "http://localhost/auth/external/callback",
        "https://my.home-assistant.io/redirect/oauth",
    ],
)
async def test_partner_redirects_accepted(
    running: RunningSimulator, session: aiohttp.ClientSession, redirect_uri: str
) -> None:
    location = await running.login(session, authorize_url(running, redirect_uri=redirect_uri))
    assert location.startswith(redirect_uri + "?code=")


async def test_mobile_client_flow(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    redirect = "mymap://oauth2redirect/fr"
    client = mobile_client_id("peugeot")
    location = await running.login(
        session, authorize_url(running, client_id=client, redirect_uri=redirect)
    )
    assert location.startswith("mymap://oauth2redirect/fr?code=")
    auth = basic(client, mobile_client_secret("peugeot"))
    form = {"grant_type": "authorization_code", "code": code_of(location), "redirect_uri": redirect}
    status, body = await exchange(running, session, form, auth=auth)
    assert status == 200
    assert body["token_type"] == "Bearer"


async def test_unsupported_response_type_redirects_with_error(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    location = await running.login(session, authorize_url(running, response_type="token"))
    query = parse_qs(urlparse(location).query)
    assert query["error"] == ["unsupported_response_type"]
    assert query["state"] == ["st4te"]


async def test_bad_pkce_method_redirects_with_error(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    url = authorize_url(running, code_challenge="abc", code_challenge_method="S512")
    location = await running.login(session, url)
    assert parse_qs(urlparse(location).query)["error"] == ["invalid_request"]


async def test_deny_redirects_access_denied(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    location = await running.login(session, authorize_url(running), consent=False)
    query = parse_qs(urlparse(location).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["st4te"]


async def test_wrong_password_shows_the_form_again(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(LoginError) as caught:
        await running.login(session, authorize_url(running), password="nope")
    assert caught.value.status == 200
    assert caught.value.error == "invalid_credentials"
    assert 'id="error"' in caught.value.body
    assert 'id="username"' in caught.value.body


async def test_unknown_brand_is_404(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(LoginError) as caught:
        await running.login(session, authorize_url(running, tld="fiat.com"))
    assert caught.value.status == 404


async def test_pkce_s256_success_and_mismatch(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    challenge = pkce_s256(VERIFIER)
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"}
    code = await login_code(running, session, **extra)
    status, body = await exchange(running, session, code_form(code, code_verifier=VERIFIER))
    assert status == 200, body

    code = await login_code(running, session, **extra)
    status, body = await exchange(running, session, code_form(code, code_verifier="x" * 43))
    assert (status, body["error"]) == (400, "invalid_grant")

    code = await login_code(running, session, **extra)
    status, body = await exchange(running, session, code_form(code))
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_pkce_plain(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    code = await login_code(running, session, code_challenge=VERIFIER)
    status, _ = await exchange(running, session, code_form(code, code_verifier=VERIFIER))
    assert status == 200


async def test_code_is_single_use(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    assert (await exchange(running, session, code_form(code)))[0] == 200
    status, body = await exchange(running, session, code_form(code))
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "error_description" in body


async def test_code_expires_after_60_seconds(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    running.sim.advance(61)
    status, body = await exchange(running, session, code_form(code))
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_code_within_60_seconds_works(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    running.sim.advance(59)
    assert (await exchange(running, session, code_form(code)))[0] == 200


async def test_redirect_must_match_at_token_time(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    form = code_form(code, redirect_uri="http://localhost:8123/auth/external/callback")
    status, body = await exchange(running, session, form)
    assert (status, body["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({}, 400, "invalid_request"),
        ({"grant_type": "authorization_code"}, 400, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "nope"}, 400, "invalid_grant"),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, 400, "invalid_grant"),
    ],
)
async def test_token_request_errors(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    form: dict[str, str],
    status: int,
    error: str,
) -> None:
    got_status, body = await exchange(running, session, form)
    assert (got_status, body["error"]) == (status, error)


@pytest.mark.parametrize(
    "auth", [basic(PARTNER_CLIENT_ID, "wrong"), "Basic !!!", "Bearer x", basic("nobody", "x")]
)
async def test_client_authentication_failure(
    running: RunningSimulator, session: aiohttp.ClientSession, auth: str
) -> None:
    code = await login_code(running, session)
    status, body = await exchange(running, session, code_form(code), auth=auth)
    assert (status, body["error"]) == (401, "invalid_client")


async def test_client_secret_in_form_body(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    form = code_form(code, client_id=PARTNER_CLIENT_ID, client_secret="sim-partner-secret")
    async with session.post(f"{running.idp_base('peugeot.com')}/access_token", data=form) as r:
        assert r.status == 200


async def test_code_from_another_brand_is_refused(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    code = await login_code(running, session)
    status, body = await exchange(running, session, code_form(code), tld="opel.com")
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_refresh_rotation(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    first = await token_for(running, session)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    status, second = await exchange(running, session, form, query="?realm=clientsB2CPeugeot")
    assert status == 200
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    status, body = await exchange(running, session, form)
    assert (status, body) == (
        400,
        {"error": "invalid_grant", "error_description": "grant is invalid"},
    )
    again = {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    assert (await exchange(running, session, again))[0] == 200


async def test_refresh_realm_mismatch_and_other_brand(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    token = await token_for(running, session)
    form = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    status, body = await exchange(running, session, form, query="?realm=clientsB2COpel")
    assert (status, body["error"]) == (400, "invalid_request")
    status, body = await exchange(running, session, form, tld="opel.com")
    assert (status, body["error"]) == (400, "invalid_grant")


def claims(id_token: str) -> dict[str, Any]:
    """Decode the JWT payload."""
    payload = id_token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


async def test_token_response_and_id_token(api: Api) -> None:
    token = api.token
    assert token["expires_in"] == 3599
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "openid profile"
    user = await api.json("/user")
    assert claims(token["id_token"])["sub"] == user["id"] == account_id(DEMO_USER)
    assert claims(token["id_token"])["aud"] == PARTNER_CLIENT_ID


async def test_access_token_expires_on_the_sim_clock(api: Api) -> None:
    api.running.sim.advance(3598)
    assert (await api.get("/user")).status == 200
    api.running.sim.advance(2)
    response = await api.get("/user")
    assert response.status == 401
    assert await response.json() == {
        "httpMessage": "Unauthorized",
        "moreInformation": "Token is invalid",
    }


async def test_revoke_endpoint(api: Api) -> None:
    url = f"{api.running.idp_base('peugeot.com')}/token/revoke?realm=clientsB2CPeugeot"
    async with api.session.post(
        url, data={"token": api.token["access_token"]}, headers={"Authorization": basic()}
    ) as response:
        assert response.status == 200
    assert (await api.get("/user")).status == 401
    async with api.session.post(url, data={"token": "x"}) as response:
        assert response.status == 401


async def test_other_accounts_log_in(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    token = await token_for(running, session, EMPTY_USER, tld="vauxhall.co.uk")
    api = Api(running, session, token, realm="clientsB2CVauxhall")
    listing = await api.json("/user/vehicles")
    assert listing["total"] == 0
