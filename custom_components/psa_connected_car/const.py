"""Constants of the PSA Connected Car integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from .api.remotes import REMOTE_SCOPES

DOMAIN: Final = "psa_connected_car"
MANUFACTURER_FALLBACK: Final = "Stellantis"

# Config entry data
CONF_BRAND: Final = "brand"
CONF_COUNTRY: Final = "country"
CONF_CONNECTION: Final = "connection"
CONF_ACCOUNT_ID: Final = "account_id"
CONF_API_BASE: Final = "api_base"
CONF_IDP_BASE: Final = "idp_base"
CONF_CERTIFICATE: Final = "certificate"
CONF_CERT_FILE: Final = "cert_file"
CONF_KEY_FILE: Final = "key_file"
CONF_CA_FILE: Final = "ca_file"
CONF_REDIRECT_URL: Final = "redirect_url"
CONF_FLEET_ID: Final = "fleet_id"
CONNECTION_FLEET: Final = "fleet"
"""The third connection type: a business partner's fleet (v3 API, client certificate)."""
MOBILE_AUTH_IMPLEMENTATION: Final = f"{DOMAIN}_mobile_app"

# Options
CONF_UPDATE_POLICY: Final = "update_policy"
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_ALERT_LOCALE: Final = "alert_locale"
CONF_PUSH: Final = "push"
CONF_VEHICLES: Final = "vehicles"
POLICY_AUTOMATIC: Final = "automatic"
POLICY_FIXED: Final = "fixed"

# Polling plan
ACTIVE_INTERVAL: Final = timedelta(seconds=60)
PARKED_INTERVAL: Final = timedelta(minutes=5)
MAINTENANCE_INTERVAL: Final = timedelta(hours=6)
COLLISIONS_INTERVAL: Final = timedelta(hours=6)
"""At most this often, and only after the car drove, are its collisions read."""
ALERTS_RECHECK_INTERVAL: Final = timedelta(hours=1)
"""Alerts are read with every new upload of the car, and at least this often."""
ALERTS_RECHECK_WITH_PUSH: Final = timedelta(hours=2)
"""With push, new alerts are pushed; the re-check behind the alerts monitor comes this often."""
ALERTS_WHILE_DRIVING: Final = timedelta(minutes=5)
"""While driving (an upload every half minute), alerts are read at most this often."""
ALERTS_WITH_PUSH: Final = timedelta(minutes=30)
"""With push (new alerts are pushed), active alerts are read at most this often, to see them end."""
VEHICLE_LIST_INTERVAL: Final = timedelta(hours=12)
BUDGET_SHARE: Final = 0.8
"""Never plan more than this share of the API's rate limit."""
DEFAULT_RATE_LIMIT: Final = 120
DEFAULT_RATE_WINDOW_S: Final = 60.0
BURST_LIMIT: Final = 10
"""Requests per second; the API documents a per-second burst limit besides the window."""
CALLS_PER_VEHICLE_CYCLE: Final = 2
"""Status, and active alerts when the car uploaded since they were read: planned as two."""

OAUTH_SCOPE: Final = "openid profile"
"""What every login asks for (a brand-app login is not known to get more)."""
PARTNER_OAUTH_SCOPE: Final = " ".join((OAUTH_SCOPE, *REMOTE_SCOPES.values()))
"""A partner login also asks for the seven remote-command scopes (granted ones are kept)."""
CONF_UNLOCK_CODE: Final = "unlock_code"
"""Option: the code the lock asks before unlocking (none: no code)."""
EVENT_REMOTE_RESULT: Final = f"{DOMAIN}_remote_result"

# Examples the setup form shows for the advanced server addresses (translations hold no URLs).
API_BASE_EXAMPLE: Final = "https://api.groupe-psa.com/connectedcar/v4"
IDP_BASE_EXAMPLE: Final = "https://idpcvs.peugeot.com/am/oauth2"
MY_REDIRECT_URL: Final = "https://my.home-assistant.io/redirect/oauth"
PARTNER_PROGRAM_URL: Final = (
    "https://developer.groupe-psa.io/webapi/b2c/quickstart/app-registration/"
)

# Markets of the five brands, with the language their apps use there.
COUNTRY_LANGUAGES: Final[dict[str, str]] = {
    "at": "de",
    "be": "fr",
    "ch": "de",
    "cz": "cs",
    "de": "de",
    "dk": "da",
    "es": "es",
    "fi": "fi",
    "fr": "fr",
    "gb": "en",
    "gr": "el",
    "hr": "hr",
    "hu": "hu",
    "ie": "en",
    "it": "it",
    "lu": "fr",
    "nl": "nl",
    "no": "no",
    "pl": "pl",
    "pt": "pt",
    "ro": "ro",
    "se": "sv",
    "si": "sl",
    "sk": "sk",
    "tr": "tr",
}
DEFAULT_COUNTRY: Final = "fr"
IMPERIAL_ROAD_COUNTRIES: Final = frozenset({"gb"})
"""Countries whose roads count in miles: their sensors suggest miles and mph."""
ALERT_LOCALES: Final = ("en-GB", "fr-FR", "de-DE", "it-IT", "es-ES", "nl-NL", "pt-PT", "pl-PL")
"""The alert languages, spelled as the API wants them."""


def alert_locale_option(locale: str) -> str:
    """The options' key of an API locale (``en-GB`` -> ``en-gb``: selector keys are lowercase)."""
    return locale.lower()


def api_locale(option: str | None) -> str | None:
    """The API's spelling of a stored alert language (either spelling is understood)."""
    if not option:
        return None
    language, _, region = option.partition("-")
    return f"{language.lower()}-{region.upper()}" if region else language.lower()


def locale_for_country(country: str) -> str:
    """Return the locale (for example ``fr-BE``) the brand apps use in a country."""
    code = country.lower()
    language = COUNTRY_LANGUAGES.get(code, "en")
    return f"{language}-{code.upper()}"


EVENT_ALERT: Final = f"{DOMAIN}_alert"
EVENT_SERVICE_DUE: Final = f"{DOMAIN}_service_due"
EVENT_TRIP_ENDED: Final = f"{DOMAIN}_trip_ended"
EVENT_COLLISION: Final = f"{DOMAIN}_collision"
TRIP_READ_CALLS: Final = 1
"""Requests planned for a car whose trip may end this cycle (its pages come on top)."""

CERTIFICATE_WARNING: Final = timedelta(days=30)
"""A repair issue announces the end of a fleet's client certificate this long before."""
CERTIFICATE_CHECK_INTERVAL: Final = timedelta(days=1)
