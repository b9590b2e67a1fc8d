"""Config, reauth and reconfigure steps of a fleet (business partner, v3 API) entry.

Credentials and API base, then the client certificate (the certificate step's uploads),
then a test: the partner's fleets are listed; the user picks one, which must have cars.
The fleet id is the entry's unique id: one entry per fleet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_CLIENT_ID, CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.selector import (
    FileSelector,
    FileSelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ..api import PsaError
from ..api.fleet import FLEET_API_BASE, Fleet, FleetClient
from ..const import (
    CONF_ACCOUNT_ID,
    CONF_API_BASE,
    CONF_BRAND,
    CONF_CA_FILE,
    CONF_CERT_FILE,
    CONF_CERTIFICATE,
    CONF_CONNECTION,
    CONF_COUNTRY,
    CONF_FLEET_ID,
    CONF_KEY_FILE,
    CONNECTION_FLEET,
)
from ..fleet.connection import async_fleet_client, fleet_error_key
from .certificates import (
    CertificateError,
    async_remove_certificates,
    async_take_uploads,
    certificate_folder,
)
from .schemas import PEM_FILES, address_error

STEP_CREDENTIALS = "fleet"
STEP_CERTIFICATE = "fleet_certificate"
STEP_PICK = "fleet_pick"
_CERTIFICATE_ERRORS = {"fleet_certificate_rejected"}
"""Errors shown on the certificate step (the others on the credentials step)."""


def fleet_schema(current: Mapping[str, Any]) -> vol.Schema:
    """Client id, Basic user and password, and the API base (empty: the default)."""
    return vol.Schema(
        {
            vol.Required(CONF_CLIENT_ID, default=current.get(CONF_CLIENT_ID, "")): TextSelector(),
            vol.Required(CONF_USERNAME, default=current.get(CONF_USERNAME, "")): TextSelector(),
            vol.Required(CONF_PASSWORD): TextSelector(
                TextSelectorConfig(type=TextSelectorType.PASSWORD)
            ),
            vol.Optional(
                CONF_API_BASE, description={"suggested_value": current.get(CONF_API_BASE)}
            ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        }
    )


def fleet_certificate_schema(required: bool) -> vol.Schema:
    """Certificate and key (required unless the entry has them already), optional CA."""
    selector = FileSelector(FileSelectorConfig(accept=PEM_FILES))
    pair = vol.Required if required else vol.Optional
    return vol.Schema(
        {
            pair(CONF_CERT_FILE): selector,
            pair(CONF_KEY_FILE): selector,
            vol.Optional(CONF_CA_FILE): selector,
        }
    )


def fleet_pick_schema(fleets: Mapping[str, Fleet]) -> vol.Schema:
    """One of the partner's fleets, by its name (its id when it has none)."""
    options = [SelectOptionDict(value=fid, label=fleet.title) for fid, fleet in fleets.items()]
    return vol.Schema(
        {
            vol.Required(CONF_FLEET_ID): SelectSelector(
                SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
            )
        }
    )


class FleetFlowMixin(ConfigFlow):
    """The fleet steps of the integration's config flow."""

    _setup: dict[str, Any]
    _certificate_kept: bool
    _fleets: dict[str, Fleet]

    async def async_start_fleet(self, user_input: Mapping[str, Any]) -> ConfigFlowResult:
        """The user step chose a fleet: remember brand and country, ask the credentials."""
        self._setup = {
            CONF_BRAND: user_input[CONF_BRAND],
            CONF_COUNTRY: str(user_input[CONF_COUNTRY]).lower(),
            CONF_CONNECTION: CONNECTION_FLEET,
        }
        return await self.async_step_fleet()

    async def async_change_fleet(self, entry: ConfigEntry) -> ConfigFlowResult:
        """Reauth or reconfigure of a fleet entry: the same steps, the entry's values shown."""
        self._setup = {key: value for key, value in entry.data.items() if key != CONF_PASSWORD}
        return await self.async_step_fleet()

    async def async_step_fleet(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Client id, Basic credentials and API base."""
        errors: dict[str, str] = {}
        if user_input is not None:
            api_base = str(user_input.get(CONF_API_BASE) or "").strip().rstrip("/")
            if api_base and (error := address_error(api_base)):
                errors[CONF_API_BASE] = error
            else:
                self._setup |= {
                    CONF_CLIENT_ID: user_input[CONF_CLIENT_ID].strip(),
                    CONF_USERNAME: user_input[CONF_USERNAME].strip(),
                    CONF_PASSWORD: user_input[CONF_PASSWORD],
                }
                self._setup.pop(CONF_API_BASE, None)
                if api_base:
                    self._setup[CONF_API_BASE] = api_base
                return await self.async_step_fleet_certificate()
        return self._fleet_form(errors, user_input)

    def _fleet_form(
        self, errors: dict[str, str], user_input: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id=STEP_CREDENTIALS,
            data_schema=fleet_schema({**self._setup, **(user_input or {})}),
            errors=errors,
            description_placeholders={"api_base_default": FLEET_API_BASE},
        )

    async def async_step_fleet_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The client certificate and key; an entry's own stay when nothing is uploaded."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await async_take_uploads(self.hass, user_input, self.flow_id, self._setup)
            if not errors:
                return await self._async_fleet_test()
        return self._certificate_form(errors)

    def _certificate_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        return self.async_show_form(
            step_id=STEP_CERTIFICATE,
            data_schema=fleet_certificate_schema(CONF_CERTIFICATE not in self._setup),
            errors=errors,
        )

    async def _async_fleet_test(self) -> ConfigFlowResult:
        """List the partner's fleets with what the user gave; an error goes to its form."""
        try:
            client = await async_fleet_client(self.hass, self._setup, FleetClient)
            fleets = await client.list_fleets()
        except CertificateError as err:
            return self._certificate_form({"base": err.reason})
        except PsaError as err:
            key = fleet_error_key(err)
            if key in _CERTIFICATE_ERRORS:
                return self._certificate_form({"base": key})
            return self._fleet_form({"base": key})
        if not fleets:
            return self._fleet_form({"base": "fleet_none"})
        self._fleets = {fleet.id: fleet for fleet in fleets}
        if (entry := self._fleet_entry()) is not None:
            return await self._async_update_fleet_entry(entry)
        return await self.async_step_fleet_pick()

    def _fleet_entry(self) -> ConfigEntry | None:
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    async def _async_update_fleet_entry(self, entry: ConfigEntry) -> ConfigFlowResult:
        """Reauth, reconfigure: the entry's fleet must still be listed; then save, reload."""
        if entry.data[CONF_FLEET_ID] not in self._fleets:
            return self.async_abort(reason="fleet_not_listed")
        replaced = certificate_folder(entry.data.get(CONF_CERTIFICATE))
        if replaced is not None and replaced != certificate_folder(self._setup[CONF_CERTIFICATE]):
            await async_remove_certificates(self.hass, replaced)
        self._certificate_kept = True
        return self.async_update_reload_and_abort(entry, data=self._setup)

    async def async_step_fleet_pick(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The fleet this entry follows: one entry per fleet, and it must have cars."""
        errors: dict[str, str] = {}
        if user_input is not None:
            fleet = self._fleets[user_input[CONF_FLEET_ID]]
            await self.async_set_unique_id(fleet.id)
            self._abort_if_unique_id_configured()
            data = {**self._setup, CONF_FLEET_ID: fleet.id, CONF_ACCOUNT_ID: fleet.id}
            try:
                client = await async_fleet_client(self.hass, data, FleetClient)
                vehicles = await client.get_vehicles()
            except PsaError as err:
                errors["base"] = fleet_error_key(err)
            else:
                if vehicles:
                    self._certificate_kept = True
                    return self.async_create_entry(title=fleet.title, data=data)
                errors["base"] = "fleet_no_vehicles"
        return self.async_show_form(
            step_id=STEP_PICK, data_schema=fleet_pick_schema(self._fleets), errors=errors
        )
