"""OAuth2 glue between Home Assistant's helpers and the brands' identity providers."""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any, cast, override

from aiohttp import ClientResponseError, RequestInfo
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    OAuth2TokenRequestConnectionError,
    OAuth2TokenRequestReauthError,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    LocalOAuth2ImplementationWithPkce,
    OAuth2Session,
)
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ..api import (
    Brand,
    Endpoints,
    PsaConnectionError,
    PsaError,
    RateLimitedError,
    exchange_code,
    refresh_access_token,
)
from ..const import PARTNER_OAUTH_SCOPE

_LOGGER = logging.getLogger(__name__)


class PsaOAuth2Implementation(LocalOAuth2ImplementationWithPkce):
    """Authorization code flow with PKCE against one brand's identity provider.

    The brands' token endpoint wants HTTP Basic client authentication and a ``realm``
    query on refresh, which Home Assistant's generic implementation does not send.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        domain: str,
        client_id: str,
        client_secret: str,
        *,
        brand: Brand,
        endpoints: Endpoints,
        locale: str | None = None,
    ) -> None:
        """Bind the client credentials to a brand and its endpoints."""
        super().__init__(
            hass,
            domain,
            client_id,
            authorize_url=f"{endpoints.idp_base}/authorize",
            token_url=f"{endpoints.idp_base}/access_token",
            client_secret=client_secret,
        )
        self.brand = brand
        self.endpoints = endpoints
        self.locale = locale

    def for_brand(
        self, brand: Brand, endpoints: Endpoints, locale: str | None
    ) -> PsaOAuth2Implementation:
        """Return the same credentials bound to another brand (fresh PKCE verifier)."""
        return PsaOAuth2Implementation(
            self.hass,
            self.domain,
            self.client_id,
            self.client_secret,
            brand=brand,
            endpoints=endpoints,
            locale=locale,
        )

    @property
    @override
    def name(self) -> str:
        return f"{self.brand.name} partner application"

    @property
    @override
    def extra_authorize_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"scope": PARTNER_OAUTH_SCOPE}
        if self.locale:
            data["locale"] = self.locale
        return data | super().extra_authorize_data

    @override
    async def _token_request(self, data: dict[str, Any]) -> dict[str, Any]:
        session = async_get_clientsession(self.hass)
        try:
            if data["grant_type"] == "authorization_code":
                return await exchange_code(
                    session,
                    self.endpoints.idp_base,
                    self.client_id,
                    self.client_secret,
                    data["code"],
                    data["redirect_uri"],
                    data.get("code_verifier"),
                )
            return await refresh_access_token(
                session,
                self.endpoints.idp_base,
                self.client_id,
                self.client_secret,
                data["refresh_token"],
                self.brand.realm,
            )
        except PsaConnectionError as err:
            raise OAuth2TokenRequestConnectionError(domain=self.domain) from err
        except PsaError as err:
            # Home Assistant maps the status: 4xx starts reauth, 429/5xx retries later.
            raise self._response_error(err) from err

    def _response_error(self, err: PsaError) -> ClientResponseError:
        status = err.status or 500
        if isinstance(err, RateLimitedError):
            status = 429
        url = URL(self.token_url)
        headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())
        request_info = RequestInfo(url, "POST", headers, url)
        return ClientResponseError(request_info, (), status=status, message=type(err).__name__)


class PsaOAuth2Session(OAuth2Session):
    """Home Assistant's OAuth2 session of an entry, also the API client's token provider.

    The brands' refresh tokens rotate: a refresh token works once, and a second refresh
    with it ends in ``invalid_grant`` and a needless reauth. So every refresh, for an
    expiring token or for one the API refused, runs on one path under the session's own
    lock, and a refused token is replaced only while it is still the stored one (otherwise
    a concurrent request already replaced it).
    """

    async def __call__(self, rejected: str | None) -> str:
        """A valid access token; a new one when ``rejected`` (refused by the API) is current."""
        if rejected is None:
            await self.async_ensure_token_valid()
        else:
            await self._async_refresh_if(
                lambda: self.token.get("access_token") == rejected,
                "Access token rejected by the API, refreshing it",
            )
        return cast("str", self.token["access_token"])

    @override
    async def async_ensure_token_valid(self) -> None:
        await self._async_refresh_if(
            lambda: not self.valid_token, "Access token expiring, refreshing it"
        )

    async def _async_refresh_if(self, needed: Callable[[], bool], why: str) -> None:
        async with self._token_lock:
            if not needed():
                return
            _LOGGER.debug(why)
            try:
                new_token = await self.implementation.async_refresh_token(self.token)
            except OAuth2TokenRequestReauthError:
                self.config_entry.async_start_reauth_if_available(self.hass)
                raise
            self.hass.config_entries.async_update_entry(
                self.config_entry, data={**self.config_entry.data, "token": new_token}
            )
