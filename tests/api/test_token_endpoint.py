"""Token exchange and refresh against the simulator's identity provider."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    AuthenticationError,
    InvalidClientError,
    InvalidGrantError,
    PsaConnectionError,
    build_authorize_url,
    code_challenge_s256,
    decode_id_token_subject,
    exchange_code,
    generate_code_verifier,
    generate_state,
    parse_redirect,
    refresh_access_token,
)
from simulator.identities import (
    DEMO_USER,
    PARTNER_CLIENT_ID,
    PARTNER_CLIENT_SECRET,
    account_id,
    mobile_client_id,
    mobile_client_secret,
)
from simulator.testing import RunningSimulator

from .conftest import BRAND, PARTNER_REDIRECT, sign_in


async def _code(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    verifier: str,
    client_id: str = PARTNER_CLIENT_ID,
    redirect: str = PARTNER_REDIRECT,
) -> str:
    state = generate_state()
    url = build_authorize_url(
        running.idp_base(BRAND.tld), client_id, redirect, state, code_challenge_s256(verifier)
    )
    return parse_redirect(await running.login(session, url), redirect, state)


async def test_exchange_returns_what_home_assistant_needs(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    tokens = await sign_in(running, session)
    for key in ("access_token", "refresh_token", "expires_in", "id_token", "token_type", "scope"):
        assert key in tokens
    assert decode_id_token_subject(tokens["id_token"]) == account_id(DEMO_USER)


async def test_mobile_app_flow_with_pasted_redirect(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    redirect = BRAND.mobile_redirect_uri("FR")
    verifier = generate_code_verifier()
    client_id = mobile_client_id(BRAND.key)
    code = await _code(running, session, verifier, client_id, redirect)
    tokens = await exchange_code(
        session,
        running.idp_base(BRAND.tld),
        client_id,
        mobile_client_secret(BRAND.key),
        code,
        redirect,
        verifier,
    )
    assert tokens["token_type"] == "Bearer"


async def test_refresh_rotates_and_old_token_dies(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    tokens = await sign_in(running, session)
    idp = running.idp_base(BRAND.tld)
    args = (session, idp, PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET)
    renewed = await refresh_access_token(*args, tokens["refresh_token"], BRAND.realm)
    assert renewed["refresh_token"] != tokens["refresh_token"]
    with pytest.raises(InvalidGrantError) as caught:
        await refresh_access_token(*args, tokens["refresh_token"], None)
    assert tokens["refresh_token"] not in str(caught.value)


async def test_refresh_with_wrong_realm(
    running: RunningSimulator, session: aiohttp.ClientSession
) -> None:
    tokens = await sign_in(running, session)
    with pytest.raises(AuthenticationError) as caught:
        await refresh_access_token(
            session,
            running.idp_base(BRAND.tld),
            PARTNER_CLIENT_ID,
            PARTNER_CLIENT_SECRET,
            tokens["refresh_token"],
            "clientsB2COpel",
        )
    assert "invalid_request" in str(caught.value)


async def test_code_errors(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    verifier = generate_code_verifier()
    code = await _code(running, session, verifier)
    idp = running.idp_base(BRAND.tld)
    with pytest.raises(InvalidClientError) as client_error:
        await exchange_code(
            session, idp, PARTNER_CLIENT_ID, "wrong-secret", code, PARTNER_REDIRECT, verifier
        )
    assert client_error.value.status == 401
    assert "wrong-secret" not in str(client_error.value)
    code = await _code(running, session, verifier)
    with pytest.raises(InvalidGrantError):
        await exchange_code(
            session,
            idp,
            PARTNER_CLIENT_ID,
            PARTNER_CLIENT_SECRET,
            code,
            PARTNER_REDIRECT,
            generate_code_verifier(),
        )
    with pytest.raises(InvalidGrantError):
        await exchange_code(
            session,
            idp,
            PARTNER_CLIENT_ID,
            PARTNER_CLIENT_SECRET,
            code,
            PARTNER_REDIRECT,
            verifier,
        )


async def test_unreachable_idp(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    with pytest.raises(PsaConnectionError):
        await refresh_access_token(
            session, "http://127.0.0.1:9/am/oauth2", "c", "s", "r", BRAND.realm
        )
