"""Config flow: brand and country, then OAuth2 as a partner app or with brand-app credentials."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2FlowHandler

from .api import (
    BRANDS,
    ConnectionType,
    RedirectParseError,
    parse_redirect,
)
from .auth.oauth import PsaOAuth2Implementation
from .const import (
    CONF_ACCOUNT_ID,
    CONF_BRAND,
    CONF_CERTIFICATE,
    CONF_CONNECTION,
    CONF_COUNTRY,
    CONF_REDIRECT_URL,
    CONNECTION_FLEET,
    DOMAIN,
    MOBILE_AUTH_IMPLEMENTATION,
)
from .flow.account_check import (
    TRANSIENT_ACCOUNT_ERRORS,
    AccountCheckError,
    async_check_account,
)
from .flow.certificates import (
    CertificateError,
    async_remove_certificates,
    async_take_uploads,
    async_validated_ssl_context,
    certificate_dir,
    certificate_folder,
)
from .flow.fleet import FleetFlowMixin
from .flow.options import PsaOptionsFlow
from .flow.schemas import (
    MobileLogin,
    advanced_placeholders,
    certificate_schema,
    endpoints_from_setup,
    entry_credentials,
    mobile_code_schema,
    mobile_credentials_schema,
    reconfigure_schema,
    setup_from_form,
    user_schema,
)
from .flow.tokens import async_current_token, async_exchange_mobile_code

_LOGGER = logging.getLogger(__name__)
SETUP_KEYS = (CONF_BRAND, CONF_COUNTRY, CONF_CONNECTION, "api_base", "idp_base")


class PsaConfigFlow(FleetFlowMixin, AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Connect one Stellantis brand account."""

    DOMAIN = DOMAIN
    VERSION = 1
    MINOR_VERSION = 2
    """1.2: the alert language option is stored as a lowercase selector key (``en-gb``)."""

    def __init__(self) -> None:
        """Start with nothing chosen."""
        super().__init__()
        self._setup: dict[str, Any] = {}
        self._brand_bound = False
        self._mobile: MobileLogin | None = None
        # The implementation and token of a login whose account check failed transiently.
        self._held: tuple[str, dict[str, Any]] | None = None
        self._certificate_kept = False

    @property
    @override
    def logger(self) -> logging.Logger:
        return _LOGGER

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        return PsaOptionsFlow()

    # -- first steps -------------------------------------------------------------------

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Brand, country and connection type."""
        errors: dict[str, str] = {}
        if user_input is not None and user_input[CONF_CONNECTION] == CONNECTION_FLEET:
            return await self.async_start_fleet(user_input)
        if user_input is not None:
            setup, error = setup_from_form(user_input)
            if error is None:
                self._setup = setup
                return await self._async_start_login()
            errors["base"] = error
        country = (self.hass.config.country or "").lower()
        return self.async_show_form(
            step_id="user",
            data_schema=user_schema(country, user_input),
            errors=errors,
            description_placeholders=advanced_placeholders(),
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change country, connection type, credentials or certificate."""
        entry = self._get_reconfigure_entry()
        if entry.data[CONF_CONNECTION] == CONNECTION_FLEET:
            return await self.async_change_fleet(entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            setup, error = setup_from_form({**user_input, CONF_BRAND: entry.data[CONF_BRAND]})
            if error is None:
                self._setup = {**entry_credentials(entry.data), **setup}
                return await self._async_start_login()
            errors["base"] = error
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=reconfigure_schema(user_input or entry.data),
            errors=errors,
            description_placeholders={
                "brand": BRANDS[entry.data[CONF_BRAND]].name,
                **advanced_placeholders(),
            },
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The refresh token died (invalid_grant): log in again the same way."""
        self._setup = {key: entry_data[key] for key in SETUP_KEYS if key in entry_data}
        self._setup |= entry_credentials(entry_data)
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tell the user why they need to log in again."""
        if self._setup[CONF_CONNECTION] == CONNECTION_FLEET:
            return await self.async_change_fleet(self._get_reauth_entry())
        if user_input is None:
            return self.async_show_form(
                step_id="reauth_confirm",
                description_placeholders={"account": self._get_reauth_entry().title},
            )
        return await self._async_start_login()

    async def _async_start_login(self) -> ConfigFlowResult:
        if self._setup[CONF_CONNECTION] == ConnectionType.MOBILE_APP:
            if self.source == SOURCE_REAUTH:
                return await self.async_step_mobile_code()
            return await self.async_step_mobile_credentials()
        if self.source == SOURCE_REAUTH:
            implementation = self._get_reauth_entry().data["auth_implementation"]
            return await self.async_step_pick_implementation({"implementation": implementation})
        return await self.async_step_certificate()

    # -- partner application -----------------------------------------------------------

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Optional client certificate and key for the partner API (mTLS)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await async_take_uploads(self.hass, user_input, self.flow_id, self._setup)
            if not errors:
                return await self.async_step_pick_implementation()
        return self.async_show_form(
            step_id="certificate", data_schema=certificate_schema(), errors=errors
        )

    @callback
    @override
    def async_remove(self) -> None:
        """The flow ended: delete the files it stored unless an entry took them over."""
        folder = certificate_folder(self._setup.get(CONF_CERTIFICATE))
        if self._certificate_kept or folder != certificate_dir(self.hass, self.flow_id):
            return
        self.hass.async_create_task(async_remove_certificates(self.hass, folder))

    @override
    async def async_step_auth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Bind the picked partner credentials to the chosen brand before redirecting."""
        if not self._brand_bound and isinstance(self.flow_impl, PsaOAuth2Implementation):
            brand, endpoints, locale = endpoints_from_setup(self._setup)
            self.flow_impl = self.flow_impl.for_brand(brand, endpoints, locale)
            self._brand_bound = True
        return await super().async_step_auth(user_input)

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Home Assistant's redirect brought a token: check the account."""
        try:
            return await self._async_finish_or_hold(data["auth_implementation"], data["token"])
        except AccountCheckError as err:
            return self.async_abort(reason=err.reason, description_placeholders=err.placeholders)

    # -- brand mobile-app credentials --------------------------------------------------

    async def async_step_mobile_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The user's own client id and secret of the brand's mobile app."""
        if user_input is not None:
            self._setup[CONF_CLIENT_ID] = user_input[CONF_CLIENT_ID].strip()
            self._setup[CONF_CLIENT_SECRET] = user_input[CONF_CLIENT_SECRET].strip()
            self._mobile = None
            return await self.async_step_mobile_code()
        return self.async_show_form(
            step_id="mobile_credentials",
            data_schema=mobile_credentials_schema(self._setup),
            description_placeholders={"brand": BRANDS[self._setup[CONF_BRAND]].name},
        )

    async def async_step_mobile_code(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the login address; accept the pasted final address or bare code."""
        if self._mobile is None:
            self._mobile = MobileLogin.start(self._setup)
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            try:
                return await self._async_mobile_login(user_input[CONF_REDIRECT_URL])
            except RedirectParseError as err:
                errors[CONF_REDIRECT_URL] = f"redirect_{err.reason}"
            except AccountCheckError as err:
                errors["base"] = err.reason
                placeholders = err.placeholders
            except AbortFlow:
                raise
            except Exception:
                _LOGGER.exception("Unexpected error while logging in with the brand app")
                errors["base"] = "unknown"
        return self._mobile_code_form(errors, placeholders)

    def _mobile_code_form(
        self, errors: dict[str, str], placeholders: Mapping[str, str]
    ) -> ConfigFlowResult:
        assert self._mobile is not None
        return self.async_show_form(
            step_id="mobile_code",
            data_schema=mobile_code_schema(),
            errors=errors,
            description_placeholders={**self._mobile.placeholders(), **placeholders},
        )

    async def _async_mobile_login(self, pasted: str) -> ConfigFlowResult:
        assert self._mobile is not None
        login = self._mobile
        code = parse_redirect(pasted, login.redirect_uri, login.state)
        client_id, client_secret = self._client_credentials(MOBILE_AUTH_IMPLEMENTATION)
        token = await async_exchange_mobile_code(
            self.hass,
            login.endpoints,
            client_id=client_id,
            client_secret=client_secret,
            code=code,
            redirect_uri=login.redirect_uri,
            code_verifier=login.code_verifier,
        )
        return await self._async_finish_or_hold(MOBILE_AUTH_IMPLEMENTATION, token)

    # -- common end --------------------------------------------------------------------

    async def async_step_account_check(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read the account again with the token the login already gave (no new login)."""
        assert self._held is not None
        implementation, token = self._held
        try:
            return await self._async_finish_or_hold(implementation, token)
        except AccountCheckError as err:
            self._held = None
            if implementation == MOBILE_AUTH_IMPLEMENTATION:
                # The code was used up: the user logs in again with the link.
                return self._mobile_code_form({"base": err.reason}, err.placeholders)
            return self.async_abort(reason=err.reason, description_placeholders=err.placeholders)

    async def _async_finish_or_hold(
        self, implementation: str, token: dict[str, Any]
    ) -> ConfigFlowResult:
        """Finish; on a transient account-check failure keep the token and offer a retry.

        A login code works once, and during a reauth nothing would start a new flow after
        an abort: a 5xx or a 429 on ``/user`` must not throw the fresh token away.
        """
        try:
            # The retry form may have stayed open longer than the access token lives.
            brand, endpoints, _locale = endpoints_from_setup(self._setup)
            client_id, client_secret = self._client_credentials(implementation)
            token = await async_current_token(
                self.hass,
                token,
                endpoints,
                client_id=client_id,
                client_secret=client_secret,
                realm=brand.realm,
            )
            return await self._async_finish(implementation, token)
        except AccountCheckError as err:
            if err.reason not in TRANSIENT_ACCOUNT_ERRORS:
                raise
            _LOGGER.debug("Account check failed (%s); the token is kept for a retry", err.reason)
            self._held = (implementation, token)
            brand = BRANDS[self._setup[CONF_BRAND]]
            return self.async_show_form(
                step_id="account_check",
                errors={"base": err.reason},
                description_placeholders={"brand": brand.name, **err.placeholders},
            )

    def _client_credentials(self, implementation: str) -> tuple[str, str]:
        """Client id and secret of the login: the brand app's, or the partner application's."""
        if implementation == MOBILE_AUTH_IMPLEMENTATION:
            return self._setup[CONF_CLIENT_ID], self._setup[CONF_CLIENT_SECRET]
        partner = self.flow_impl
        assert isinstance(partner, PsaOAuth2Implementation)
        return partner.client_id, partner.client_secret

    async def _async_finish(self, implementation: str, token: dict[str, Any]) -> ConfigFlowResult:
        brand, endpoints, _locale = endpoints_from_setup(self._setup)
        ssl_context = None
        if paths := self._setup.get(CONF_CERTIFICATE):
            try:
                ssl_context = await async_validated_ssl_context(paths)
            except CertificateError as err:
                raise AccountCheckError(err.reason) from err
        client_id, _secret = self._client_credentials(implementation)
        account = await async_check_account(
            self.hass,
            brand=brand,
            client_id=client_id,
            api_base=endpoints.api_base,
            token=token,
            ssl_context=ssl_context,
        )
        changed = self._changed_entry()
        known = [changed] if changed else self._async_current_entries(include_ignore=True)
        await self.async_set_unique_id(account.unique_id_among(e.unique_id for e in known))
        data = {
            **self._setup,
            "auth_implementation": implementation,
            "token": token,
            CONF_ACCOUNT_ID: self.unique_id,
        }
        if (entry := changed) is not None:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            replaced = certificate_folder(entry.data.get(CONF_CERTIFICATE))
            if replaced is not None and replaced != certificate_folder(data.get(CONF_CERTIFICATE)):
                await async_remove_certificates(self.hass, replaced)
            self._certificate_kept = True
            return self.async_update_reload_and_abort(entry, data=data)
        self._abort_if_unique_id_configured()
        if not account.vehicles:
            return self.async_abort(
                reason="no_vehicles", description_placeholders={"brand": brand.name}
            )
        self._certificate_kept = True
        return self.async_create_entry(title=account.title, data=data)

    def _changed_entry(self) -> ConfigEntry | None:
        """The entry a reauth or reconfigure flow updates; ``None`` when adding one."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None
