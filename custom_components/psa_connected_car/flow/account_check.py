"""Test before configure: fetch the account and its vehicles with a fresh token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import hashlib
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
TRANSIENT_ACCOUNT_ERRORS = frozenset({"cannot_connect", "rate_limited"})
"""Account-check failures worth asking again with the same token (the login itself worked)."""


@dataclass(frozen=True)
class Account:
    """What the login found; ``ids`` are the account's identifiers, preferred first."""

    ids: tuple[str, ...]
    title: str
    vehicles: list[Vehicle]

    def unique_id_among(self, known: Iterable[str | None]) -> str:
        """The unique id an existing entry already uses for this account, else the preferred.

        Entries made before the order below keep theirs: a match on any identifier counts.
        """
        return next((uid for uid in known if uid in self.ids), self.ids[0])


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
    ids = account_ids_of(user, token)
    if not ids:
        raise AccountCheckError("no_account_id")
    return Account(ids=ids, title=account_title(user, brand), vehicles=vehicles)


def account_ids_of(user: User, token: Mapping[str, Any]) -> tuple[str, ...]:
    """What identifies the account, the most stable first.

    1. The id token's ``sub``: OpenID Connect makes it unique at the brand's login server
       and never reassigned, and every login carries it whatever ``/user`` looks like.
    2. The ``/user`` id: real answers often have none (only e-mail, names and cars).
    3. A hash of the normalised e-mail: an address can change, so it comes last, and it is
       hashed because the unique id shows up in logs and diagnostics.
    """
    id_token = token.get("id_token")
    subject = decode_id_token_subject(id_token) if isinstance(id_token, str) else None
    email = user.email.strip().lower() if user.email and user.email.strip() else None
    hashed = f"email-sha256:{hashlib.sha256(email.encode()).hexdigest()}" if email else None
    return tuple(dict.fromkeys(uid for uid in (subject, user.id, hashed) if uid))


def account_title(user: User, brand: Brand) -> str:
    if user.email:
        return user.email
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return name or f"{brand.name} account"
