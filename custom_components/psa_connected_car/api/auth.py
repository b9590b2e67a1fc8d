"""OAuth2 helpers: PKCE, authorize URL, token exchange/refresh, pasted redirects."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
import hashlib
import logging
import secrets
from typing import Any

import aiohttp
import orjson
from yarl import URL

from .errors import (
    AuthenticationError,
    InvalidClientError,
    InvalidResponseError,
    PsaConnectionError,
    PsaError,
)
from .http_errors import error_for_response
from .parsing import as_mapping, to_str
from .redact import redact_text
from .redirect import (
    EmptyRedirectError,
    IdpRefusedError,
    InvalidCodeError,
    MissingCodeError,
    RedirectParseError,
    StateMismatchError,
    WrongSchemeError,
    parse_redirect,
)

__all__ = [
    "EmptyRedirectError",
    "IdpRefusedError",
    "InvalidCodeError",
    "MissingCodeError",
    "RedirectParseError",
    "StateMismatchError",
    "WrongSchemeError",
    "build_authorize_url",
    "code_challenge_s256",
    "decode_id_token_subject",
    "exchange_code",
    "generate_code_verifier",
    "generate_state",
    "parse_redirect",
    "refresh_access_token",
]

_LOGGER = logging.getLogger(__name__)
TOKEN_TIMEOUT_S = 30.0
_VERIFIER_BYTES = 48


def generate_code_verifier() -> str:
    """A fresh PKCE code verifier (64 URL-safe characters)."""
    return secrets.token_urlsafe(_VERIFIER_BYTES)


def code_challenge_s256(verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def generate_state() -> str:
    """A fresh, unguessable ``state`` value."""
    return secrets.token_urlsafe(24)


def build_authorize_url(  # noqa: PLR0917 - positional by contract
    idp_base: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
    scope: str = "openid profile",
    locale: str | None = None,
) -> str:
    """The address where the user signs in and consents (code flow, PKCE S256).

    The locale is sent both as ``locale`` and as ``local``, the spelling of the
    identity provider's own documentation.
    """
    query = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if locale:
        query["locale"] = locale
        query["local"] = locale
    return str(URL(f"{idp_base.rstrip('/')}/authorize").with_query(query))


async def exchange_code(  # noqa: PLR0917 - positional by contract
    session: aiohttp.ClientSession,
    idp_base: str,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
) -> dict[str, Any]:
    """Exchange an authorization code for tokens (the raw token answer)."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if code_verifier:
        form["code_verifier"] = code_verifier
    return await _token_request(
        session=session,
        idp_base=idp_base,
        client_id=client_id,
        client_secret=client_secret,
        form=form,
        params=None,
    )


async def refresh_access_token(  # noqa: PLR0917 - positional by contract
    session: aiohttp.ClientSession,
    idp_base: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    realm: str | None,
) -> dict[str, Any]:
    """Trade a refresh token for new tokens; store the rotated refresh token."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    params = {"realm": realm} if realm else None
    return await _token_request(
        session=session,
        idp_base=idp_base,
        client_id=client_id,
        client_secret=client_secret,
        form=form,
        params=params,
    )


async def _token_request(
    *,
    session: aiohttp.ClientSession,
    idp_base: str,
    client_id: str,
    client_secret: str,
    form: dict[str, str],
    params: dict[str, str] | None,
) -> dict[str, Any]:
    url = f"{idp_base.rstrip('/')}/access_token"
    secrets_in_play = (client_secret, *form.values())
    try:
        async with session.post(
            url,
            data=form,
            params=params,
            headers={
                "Accept": "application/json",
                "Authorization": _basic_auth(client_id, client_secret),
            },
            timeout=aiohttp.ClientTimeout(total=TOKEN_TIMEOUT_S),
        ) as response:
            status, raw, headers = response.status, await response.read(), response.headers
    except TimeoutError as err:
        raise PsaConnectionError("token endpoint timed out") from err
    except aiohttp.ClientError as err:
        raise PsaConnectionError(f"token endpoint unreachable: {type(err).__name__}") from err
    _LOGGER.debug("Token request (%s) -> HTTP %s", form["grant_type"], status)
    if status >= 400:
        raise _token_error(status, raw, headers, secrets_in_play)
    return _token_answer(raw)


def _basic_auth(client_id: str, client_secret: str) -> str:
    pair = f"{client_id}:{client_secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _token_error(
    status: int, raw: bytes, headers: Mapping[str, str], secrets_in_play: tuple[str, ...]
) -> PsaError:
    error = error_for_response(status, raw, headers)
    if status == 401 and type(error) is AuthenticationError:
        error = InvalidClientError(error.message, status=status, code=error.code, uuid=error.uuid)
    error.message = redact_text(error.message, *secrets_in_play)
    error.args = (error.message,)
    return error


def _token_answer(raw: bytes) -> dict[str, Any]:
    try:
        data = as_mapping(orjson.loads(raw))
    except orjson.JSONDecodeError:
        data = None
    if data is None or to_str(data.get("access_token")) is None:
        raise InvalidResponseError("token endpoint: no access_token in the answer")
    return dict(data)


def decode_id_token_subject(id_token: str) -> str | None:
    """The ``sub`` claim of a JWT (no signature check); ``None`` when unreadable."""
    try:
        payload = id_token.split(".")[1]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = as_mapping(orjson.loads(decoded))
    except IndexError, ValueError, binascii.Error, orjson.JSONDecodeError:
        return None
    return to_str(claims.get("sub")) if claims is not None else None
