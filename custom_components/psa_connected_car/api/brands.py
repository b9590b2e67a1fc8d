"""Brand registry: identity-provider hosts, realms and API bases for each brand."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PARTNER_API_BASE = "https://api-cert.groupe-psa.com/connectedcar/v4"
"""API base for registered partner applications (needs a client certificate)."""

MOBILE_API_BASE = "https://api.groupe-psa.com/connectedcar/v4"
"""API base used with a brand's mobile-app credentials (no client certificate)."""


class ConnectionType(StrEnum):
    """How the integration talks to the API."""

    PARTNER = "partner"
    MOBILE_APP = "mobile_app"


@dataclass(frozen=True)
class Brand:
    """One Stellantis brand served by the Connected Car v4 API."""

    key: str
    name: str
    tld: str
    realm: str
    mobile_scheme: str

    @property
    def idp_base(self) -> str:
        """OAuth2 base address of the brand's identity provider."""
        return f"https://idpcvs.{self.tld}/am/oauth2"

    def mobile_redirect_uri(self, country: str) -> str:
        """Redirect URI accepted for the brand's mobile-app credentials."""
        return f"{self.mobile_scheme}://oauth2redirect/{country.strip().lower()}"


BRANDS: dict[str, Brand] = {
    brand.key: brand
    for brand in (
        Brand("peugeot", "Peugeot", "peugeot.com", "clientsB2CPeugeot", "mymap"),
        Brand("citroen", "Citroën", "citroen.com", "clientsB2CCitroen", "mymacsdk"),
        Brand("ds", "DS", "driveds.com", "clientsB2CDS", "mymdssdk"),
        Brand("opel", "Opel", "opel.com", "clientsB2COpel", "mymopsdk"),
        Brand("vauxhall", "Vauxhall", "vauxhall.co.uk", "clientsB2CVauxhall", "mymvxsdk"),
    )
}


BRAND_CODES: dict[str, str] = {"C": "citroen"}
"""One-letter brand codes of ``vehicleBranding`` seen in real answers → brand key.

Only codes seen on real cars are listed: an unknown code is no brand at all.
"""


def brand_of_vehicle(text: str | None) -> Brand | None:
    """The brand a vehicle's ``brand`` names: a name in any case or a known letter code."""
    if not text:
        return None
    stripped = text.strip()
    key = BRAND_CODES.get(stripped.upper(), stripped.lower().replace("ë", "e"))
    return BRANDS.get(key)


@dataclass(frozen=True)
class Endpoints:
    """The two base addresses a client needs."""

    api_base: str
    idp_base: str


def default_api_base(connection: ConnectionType) -> str:
    """Default API base for a connection type."""
    return PARTNER_API_BASE if connection is ConnectionType.PARTNER else MOBILE_API_BASE


def endpoints_for(
    brand: Brand,
    connection: ConnectionType,
    api_base: str | None = None,
    idp_base: str | None = None,
) -> Endpoints:
    """Resolve the endpoints for a brand; explicit bases (a simulator...) win."""
    api = api_base or default_api_base(ConnectionType(connection))
    idp = idp_base or brand.idp_base
    return Endpoints(api_base=api.rstrip("/"), idp_base=idp.rstrip("/"))


def get_brand(key: str) -> Brand:
    """Look a brand up by key, case-insensitively; raises ``KeyError`` when unknown."""
    return BRANDS[key.strip().lower()]
