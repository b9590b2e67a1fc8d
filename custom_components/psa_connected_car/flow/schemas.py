"""Forms of the config flow and what their answers mean."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    CountrySelector,
    CountrySelectorConfig,
    FileSelector,
    FileSelectorConfig,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol
from yarl import URL

from ..api import (
    BRANDS,
    Brand,
    ConnectionType,
    Endpoints,
    build_authorize_url,
    code_challenge_s256,
    endpoints_for,
    generate_code_verifier,
    generate_state,
)
from ..const import (
    API_BASE_EXAMPLE,
    CONF_API_BASE,
    CONF_BRAND,
    CONF_CA_FILE,
    CONF_CERT_FILE,
    CONF_CERTIFICATE,
    CONF_CONNECTION,
    CONF_COUNTRY,
    CONF_IDP_BASE,
    CONF_KEY_FILE,
    CONF_REDIRECT_URL,
    CONNECTION_FLEET,
    COUNTRY_LANGUAGES,
    DEFAULT_COUNTRY,
    IDP_BASE_EXAMPLE,
    OAUTH_SCOPE,
    locale_for_country,
)

ADVANCED = "advanced"
PEM_FILES = ".pem,.crt,.cer,.key"
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_SECRET_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _country_selector() -> CountrySelector:
    return CountrySelector(
        CountrySelectorConfig(countries=sorted(code.upper() for code in COUNTRY_LANGUAGES))
    )


def _connection_selector(*, fleet: bool = False) -> SelectSelector:
    """The connection types; a new entry may also be a fleet (another kind of account)."""
    extra = [CONNECTION_FLEET] if fleet else []
    return SelectSelector(
        SelectSelectorConfig(
            options=[kind.value for kind in ConnectionType] + extra,
            translation_key=CONF_CONNECTION,
            mode=SelectSelectorMode.LIST,
        )
    )


def _advanced_section() -> section:
    return section(
        vol.Schema(
            {
                vol.Optional(CONF_API_BASE): _URL_SELECTOR,
                vol.Optional(CONF_IDP_BASE): _URL_SELECTOR,
            }
        ),
        {"collapsed": True},
    )


def user_schema(home_country: str, previous: Mapping[str, Any] | None) -> vol.Schema:
    """Brand, country, connection type, and the collapsed base-URL overrides."""
    defaults = dict(previous or {})
    country = defaults.get(CONF_COUNTRY) or (
        home_country.upper() if home_country in COUNTRY_LANGUAGES else DEFAULT_COUNTRY.upper()
    )
    brand_selector = SelectSelector(
        SelectSelectorConfig(
            options=list(BRANDS), translation_key=CONF_BRAND, mode=SelectSelectorMode.LIST
        )
    )
    return vol.Schema(
        {
            vol.Required(CONF_BRAND, default=defaults.get(CONF_BRAND, "peugeot")): brand_selector,
            vol.Required(CONF_COUNTRY, default=country): _country_selector(),
            vol.Required(
                CONF_CONNECTION, default=defaults.get(CONF_CONNECTION, ConnectionType.MOBILE_APP)
            ): _connection_selector(fleet=True),
            vol.Required(ADVANCED): _advanced_section(),
        }
    )


def reconfigure_schema(current: Mapping[str, Any]) -> vol.Schema:
    """Everything of the user step except the brand (another brand is another account)."""
    advanced = current.get(ADVANCED) or {
        key: current[key] for key in (CONF_API_BASE, CONF_IDP_BASE) if current.get(key)
    }
    return vol.Schema(
        {
            vol.Required(CONF_COUNTRY, default=str(current[CONF_COUNTRY]).upper()): (
                _country_selector()
            ),
            vol.Required(CONF_CONNECTION, default=current[CONF_CONNECTION]): (
                _connection_selector()
            ),
            vol.Required(ADVANCED, default=advanced): _advanced_section(),
        }
    )


def setup_from_form(user_input: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Normalise the first form; return the setup data or an error key."""
    setup: dict[str, Any] = {
        CONF_BRAND: user_input[CONF_BRAND],
        CONF_COUNTRY: str(user_input[CONF_COUNTRY]).lower(),
        CONF_CONNECTION: ConnectionType(user_input[CONF_CONNECTION]).value,
    }
    for key, value in dict(user_input.get(ADVANCED) or {}).items():
        url = str(value).strip().rstrip("/")
        if not url:
            continue
        if error := address_error(url):
            return setup, error
        setup[key] = url
    return setup, None


def address_error(url: str) -> str | None:
    """The error key of a server address the user typed, ``None`` when it is usable."""
    parsed = URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "invalid_url"
    if parsed.scheme == "http" and not is_loopback_host(parsed.host):
        return "insecure_url"
    return None


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine (a local simulator may be reached over plain HTTP).

    Anything else must be HTTPS: the client secret and the tokens travel to these servers.
    """
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def advanced_placeholders() -> dict[str, str]:
    """Example addresses the advanced section's descriptions show (translations hold no URLs)."""
    return {"api_base_example": API_BASE_EXAMPLE, "idp_base_example": IDP_BASE_EXAMPLE}


def endpoints_from_setup(setup: Mapping[str, Any]) -> tuple[Brand, Endpoints, str]:
    """Brand, endpoints (with overrides) and locale of a flow or an entry."""
    brand = BRANDS[setup[CONF_BRAND]]
    endpoints = endpoints_for(
        brand,
        ConnectionType(setup[CONF_CONNECTION]),
        api_base=setup.get(CONF_API_BASE),
        idp_base=setup.get(CONF_IDP_BASE),
    )
    return brand, endpoints, locale_for_country(setup[CONF_COUNTRY])


def certificate_schema() -> vol.Schema:
    """Optional client certificate, its key and a CA, as uploaded PEM files."""
    selector = FileSelector(FileSelectorConfig(accept=PEM_FILES))
    return vol.Schema(
        {
            vol.Optional(CONF_CERT_FILE): selector,
            vol.Optional(CONF_KEY_FILE): selector,
            vol.Optional(CONF_CA_FILE): selector,
        }
    )


def mobile_credentials_schema(current: Mapping[str, Any]) -> vol.Schema:
    """Client id and secret of the brand's mobile app."""
    return vol.Schema(
        {
            vol.Required(CONF_CLIENT_ID, default=current.get(CONF_CLIENT_ID, "")): TextSelector(),
            vol.Required(
                CONF_CLIENT_SECRET, default=current.get(CONF_CLIENT_SECRET, "")
            ): _SECRET_SELECTOR,
        }
    )


def mobile_code_schema() -> vol.Schema:
    """The final address the brand's login page tried to open (or its code)."""
    return vol.Schema({vol.Required(CONF_REDIRECT_URL): TextSelector()})


@dataclass(frozen=True)
class MobileLogin:
    """One login attempt through the brand app's redirect (PKCE verifier and state)."""

    endpoints: Endpoints
    redirect_uri: str
    state: str
    code_verifier: str
    authorize_url: str

    @classmethod
    def start(cls, setup: Mapping[str, Any]) -> MobileLogin:
        """Prepare a fresh state and verifier and the address the user must open."""
        brand, endpoints, locale = endpoints_from_setup(setup)
        redirect_uri = brand.mobile_redirect_uri(setup[CONF_COUNTRY])
        state = generate_state()
        verifier = generate_code_verifier()
        url = build_authorize_url(
            endpoints.idp_base,
            setup[CONF_CLIENT_ID],
            redirect_uri,
            state,
            code_challenge_s256(verifier),
            scope=OAUTH_SCOPE,
            locale=locale,
        )
        return cls(endpoints, redirect_uri, state, verifier, url)

    def placeholders(self) -> dict[str, str]:
        """What the mobile_code step's description shows."""
        return {"authorize_url": self.authorize_url, "redirect_uri": self.redirect_uri}


def entry_credentials(data: Mapping[str, Any]) -> dict[str, Any]:
    """The mobile-app client credentials and certificate an entry already holds."""
    keys = (CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_CERTIFICATE)
    return {key: data[key] for key in keys if key in data}
