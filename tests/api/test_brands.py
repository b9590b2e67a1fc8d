"""The brand registry and endpoint resolution."""

from __future__ import annotations

import pytest

from custom_components.psa_connected_car.api import (
    BRANDS,
    MOBILE_API_BASE,
    PARTNER_API_BASE,
    ConnectionType,
    Endpoints,
    endpoints_for,
    get_brand,
)


@pytest.mark.parametrize(
    ("key", "name", "tld", "realm", "scheme"),
    [
        ("peugeot", "Peugeot", "peugeot.com", "clientsB2CPeugeot", "mymap"),
        ("citroen", "Citroën", "citroen.com", "clientsB2CCitroen", "mymacsdk"),
        ("ds", "DS", "driveds.com", "clientsB2CDS", "mymdssdk"),
        ("opel", "Opel", "opel.com", "clientsB2COpel", "mymopsdk"),
        ("vauxhall", "Vauxhall", "vauxhall.co.uk", "clientsB2CVauxhall", "mymvxsdk"),
    ],
)
def test_registry(key: str, name: str, tld: str, realm: str, scheme: str) -> None:
    brand = BRANDS[key]
    assert (brand.key, brand.name, brand.tld, brand.realm, brand.mobile_scheme) == (
        key,
        name,
        tld,
        realm,
        scheme,
    )
    assert brand.idp_base == f"https://idpcvs.{tld}/am/oauth2"
    assert brand.mobile_redirect_uri(" FR ") == f"{scheme}://oauth2redirect/fr"


def test_endpoints() -> None:
    peugeot = get_brand("Peugeot")
    assert endpoints_for(peugeot, ConnectionType.PARTNER) == Endpoints(
        PARTNER_API_BASE, peugeot.idp_base
    )
    assert endpoints_for(peugeot, ConnectionType.MOBILE_APP).api_base == MOBILE_API_BASE
    custom = endpoints_for(peugeot, "partner", "http://127.0.0.1:1/connectedcar/v4/", "http://x/")  # type: ignore[arg-type]
    assert custom == Endpoints("http://127.0.0.1:1/connectedcar/v4", "http://x")
    with pytest.raises(KeyError):
        get_brand("fiat")
