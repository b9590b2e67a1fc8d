"""Test before configure: fetch the account and its vehicles with a fresh token."""

from __future__ import annotations

from dataclasses import dataclass
import logging
import ssl
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import (
    AccessDeniedError,
    AuthenticationError,
    Brand,
    PsaClient,
    PsaConnectionError,
    PsaError,
    RateLimitedError,
    User,
    Vehicle,
    decode_id_token_subject,
)
from ..polling.rate_budgets import shared_rate_budget

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Account:
    """What the login found."""

    account_id: str
    title: str
    vehicles: list[Vehicle]


class AccountCheckError(Exception):
    """The account could not be read; ``reason`` is a translation key."""

    def __init__(self, reason: str, placeholders: dict[str, str] | None = None) -> None:
        """Keep the translated reason and its placeholders."""
        super().__init__(reason)
        self.reason = reason
        self.placeholders = placeholders or {}


async def async_check_account(
    hass: HomeAssistant,
    *,
    brand: Brand,
    client_id: str,
    api_base: str,
    token: dict[str, Any],
    ssl_context: ssl.SSLContext | None = None,
) -> Account:
    """Read the user and vehicles, mapping failures to form errors."""
    access_token = str(token["access_token"])

    async def provide(_rejected: str | None) -> str:
        return access_token

    client = PsaClient(
        async_get_clientsession(hass),
        brand,
        client_id,
        provide,
        api_base=api_base,
        rate_budget=shared_rate_budget(hass, client_id),
        ssl_context=ssl_context,
    )
    try:
        user = await client.get_user()
        vehicles = await client.get_vehicles()
    except (AuthenticationError, AccessDeniedError) as err:
        raise AccountCheckError("invalid_auth") from err
    except RateLimitedError as err:
        wait = str(round(err.retry_after)) if err.retry_after is not None else "60"
        raise AccountCheckError("rate_limited", {"retry_after": wait}) from err
    except PsaConnectionError as err:
        raise AccountCheckError("cannot_connect") from err
    except PsaError as err:
        _LOGGER.warning("The API answered the account check with %s", type(err).__name__)
        raise AccountCheckError("cannot_connect") from err
    account_id = account_id_of(user, token)
    if account_id is None:
        raise AccountCheckError("no_account_id")
    return Account(account_id=account_id, title=account_title(user, brand), vehicles=vehicles)


def account_id_of(user: User, token: dict[str, Any]) -> str | None:
    if user.id:
        return user.id
    id_token = token.get("id_token")
    return decode_id_token_subject(id_token) if isinstance(id_token, str) else None


def account_title(user: User, brand: Brand) -> str:
    if user.email:
        return user.email
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return name or f"{brand.name} account"
