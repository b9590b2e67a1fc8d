"""Token calls the config flow makes itself: the brand-app code exchange and, when a
retried account check outlived the token it kept, a refresh.

Failures become ``AccountCheckError`` with the form's translation keys.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import (
    Endpoints,
    InvalidClientError,
    InvalidGrantError,
    PsaError,
    RateLimitedError,
    exchange_code,
    refresh_access_token,
)
from ..clock import get_clock
from .account_check import AccountCheckError

TOKEN_MARGIN_S = 60
"""A kept token this close to its expiry is refreshed before the account is read again."""


async def async_exchange_mobile_code(
    hass: HomeAssistant,
    endpoints: Endpoints,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> dict[str, Any]:
    """Trade the pasted code for tokens (with ``expires_at``, as Home Assistant stores them)."""
    session = async_get_clientsession(hass)
    return await _token(
        hass,
        exchange_code(
            session,
            endpoints.idp_base,
            client_id,
            client_secret,
            code,
            redirect_uri,
            code_verifier,
        ),
    )


async def async_current_token(
    hass: HomeAssistant,
    token: dict[str, Any],
    endpoints: Endpoints,
    *,
    client_id: str,
    client_secret: str,
    realm: str | None,
) -> dict[str, Any]:
    """``token``, or a refreshed one when it expires within ``TOKEN_MARGIN_S``."""
    now = get_clock(hass).utcnow().timestamp()
    if float(token.get("expires_at", 0)) > now + TOKEN_MARGIN_S:
        return token
    session = async_get_clientsession(hass)
    # Like Home Assistant's OAuth helper: what the answer leaves out is kept.
    return token | await _token(
        hass,
        refresh_access_token(
            session,
            endpoints.idp_base,
            client_id,
            client_secret,
            str(token.get("refresh_token", "")),
            realm,
        ),
    )


async def _token(hass: HomeAssistant, request: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        token = await request
    except InvalidClientError as err:
        raise AccountCheckError("invalid_client") from err
    except InvalidGrantError as err:
        raise AccountCheckError("invalid_auth") from err
    except RateLimitedError as err:
        wait = str(round(err.retry_after or 60))
        raise AccountCheckError("rate_limited", {"retry_after": wait}) from err
    except PsaError as err:
        raise AccountCheckError("cannot_connect") from err
    token["expires_in"] = int(token.get("expires_in", 0))
    token["expires_at"] = get_clock(hass).utcnow().timestamp() + token["expires_in"]
    return token
