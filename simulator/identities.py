"""Demo accounts and registered OAuth clients (fixed, whatever the seed)."""

from __future__ import annotations

from dataclasses import dataclass
import re
import uuid

from simulator.brands import BRANDS

DEMO_USER = "demo@example.com"
DEMO_PASSWORD = "demo-password"
EMPTY_USER = "empty@example.com"
OTHER_USER = "other@example.com"

PARTNER_CLIENT_ID = "sim-partner-client"
PARTNER_CLIENT_SECRET = "sim-partner-secret"

_ACCOUNT_NAMESPACE = uuid.UUID("6f1c1f0e-3b1a-4a4e-9a51-5a7c0b0d2e11")


def mobile_client_id(brand_key: str) -> str:
    """Client id of the brand's mobile-app credentials."""
    return f"sim-mobile-{brand_key}"


def mobile_client_secret(brand_key: str) -> str:
    """Client secret of the brand's mobile-app credentials."""
    return f"sim-mobile-{brand_key}-secret"


def account_id(email: str) -> str:
    """Stable account id (the ``/user`` ``id`` and the id_token ``sub``)."""
    return str(uuid.uuid5(_ACCOUNT_NAMESPACE, email.lower()))


@dataclass(frozen=True)
class Account:
    """A Stellantis account a person logs in with."""

    email: str
    password: str
    first_name: str
    last_name: str

    @property
    def id(self) -> str:
        """Stable id derived from the email."""
        return account_id(self.email)


ACCOUNTS: dict[str, Account] = {
    DEMO_USER: Account(DEMO_USER, DEMO_PASSWORD, "Dominique", "Demo"),
    EMPTY_USER: Account(EMPTY_USER, DEMO_PASSWORD, "Emma", "Empty"),
    OTHER_USER: Account(OTHER_USER, DEMO_PASSWORD, "Oscar", "Other"),
}


def account_by_id(value: str) -> Account | None:
    """The account with that id, if any."""
    for account in ACCOUNTS.values():
        if account.id == value:
            return account
    return None


@dataclass(frozen=True)
class Client:
    """A registered OAuth client and the redirect URIs it may use."""

    client_id: str
    secret: str
    redirect_patterns: tuple[str, ...]
    mobile_scheme: str | None = None

    def accepts_redirect(self, redirect_uri: str) -> bool:
        """Whether ``redirect_uri`` is registered for this client."""
        if self.mobile_scheme is not None:
            pattern = rf"{re.escape(self.mobile_scheme)}://oauth2redirect/[a-z]{{2}}"
            return re.fullmatch(pattern, redirect_uri) is not None
        return any(_redirect_matches(p, redirect_uri) for p in self.redirect_patterns)


def _redirect_matches(pattern: str, uri: str) -> bool:
    """Exact match, where ``:*`` in the pattern stands for any (or no) port."""
    if ":*" not in pattern:
        return pattern == uri
    head, _, tail = pattern.partition(":*")
    regex = re.escape(head) + r"(?::[0-9]{1,5})?" + re.escape(tail)
    return re.fullmatch(regex, uri) is not None


def build_clients(partner_redirect_uris: tuple[str, ...]) -> dict[str, Client]:
    """The partner client plus one mobile-app client per brand."""
    clients = {
        PARTNER_CLIENT_ID: Client(PARTNER_CLIENT_ID, PARTNER_CLIENT_SECRET, partner_redirect_uris)
    }
    for brand in BRANDS.values():
        client_id = mobile_client_id(brand.key)
        clients[client_id] = Client(
            client_id, mobile_client_secret(brand.key), (), mobile_scheme=brand.scheme
        )
    return clients
