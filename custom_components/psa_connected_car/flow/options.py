"""Options: update policy, alert language, push updates, vehicles to include."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ..api import PsaError, Vehicle, mask_vin
from ..const import (
    ALERT_LOCALES,
    CONF_ALERT_LOCALE,
    CONF_COUNTRY,
    CONF_PUSH,
    CONF_SCAN_INTERVAL,
    CONF_UNLOCK_CODE,
    CONF_UPDATE_POLICY,
    CONF_VEHICLES,
    DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_WINDOW_S,
    DOMAIN,
    POLICY_AUTOMATIC,
    POLICY_FIXED,
    alert_locale_option,
    locale_for_country,
)
from ..polling.planner import MIN_INTERVAL_S, minimum_interval_s
from ..push.registration import external_base_url
from .fleet_options import FleetCommandsStep

if TYPE_CHECKING:
    from ..coordinator import PsaConfigEntry

_LOGGER = logging.getLogger(__name__)
DEFAULT_FIXED_INTERVAL_S = 300


class PsaOptionsFlow(FleetCommandsStep):
    """Edit how the account is read (and which commands a fleet's contract allows)."""

    _account: dict[str, Vehicle] | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every option."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        vehicles = await self._async_account_vehicles()
        if user_input is not None:
            chosen = user_input.get(CONF_VEHICLES) or list(vehicles)
            floor = self._floor(len(chosen))
            if (
                user_input[CONF_UPDATE_POLICY] == POLICY_FIXED
                and int(user_input[CONF_SCAN_INTERVAL]) < floor
            ):
                errors[CONF_SCAN_INTERVAL] = "interval_too_short"
                placeholders["minimum"] = str(floor)
            else:
                data = {**user_input, CONF_SCAN_INTERVAL: int(user_input[CONF_SCAN_INTERVAL])}
                self._remove_deselected_devices(set(chosen))
                return await self.async_finish_general(data)
        schema = self.add_suggested_values_to_schema(
            self._schema(vehicles), user_input or self._current()
        )
        return self.async_show_form(
            step_id="init", data_schema=schema, errors=errors, description_placeholders=placeholders
        )

    def _current(self) -> dict[str, Any]:
        entry = self.config_entry
        return {
            CONF_UPDATE_POLICY: POLICY_AUTOMATIC,
            CONF_SCAN_INTERVAL: DEFAULT_FIXED_INTERVAL_S,
            CONF_ALERT_LOCALE: _default_locale(entry.data[CONF_COUNTRY]),
            CONF_PUSH: external_base_url(self.hass) is not None,
            CONF_VEHICLES: [],
        } | dict(entry.options)

    async def _async_account_vehicles(self) -> dict[str, str]:
        """Every car of the account (id -> label), not only the ones selected so far.

        Read once per form from the API; when that fails, the cars being polled.
        """
        entry: PsaConfigEntry = self.config_entry
        runtime = getattr(entry, "runtime_data", None)
        if runtime is None:
            return {}
        if self._account is None:
            try:
                self._account = {v.id: v for v in await runtime.client.get_vehicles()}
            except PsaError as err:
                _LOGGER.warning("Could not read the account's cars for the options: %s", err)
                polled = (runtime.coordinator.data or {}).values()
                self._account = {item.vehicle.id: item.vehicle for item in polled}
        return {vid: vehicle_label(vehicle) for vid, vehicle in self._account.items()}

    def _remove_deselected_devices(self, chosen: set[str]) -> None:
        """Cars left out of the selection lose their devices (and so their entities)."""
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        for vid, vehicle in (self._account or {}).items():
            if vid in chosen or not vehicle.vin:
                continue
            device = registry.async_get_device_by_identifier((DOMAIN, vehicle.vin), entry_id)
            if device is not None:
                registry.async_update_device(device.id, remove_config_entry_id=entry_id)

    def _floor(self, vehicle_count: int) -> int:
        entry: PsaConfigEntry = self.config_entry
        runtime = getattr(entry, "runtime_data", None)
        limit, window = DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_S
        if runtime is not None:
            budget = runtime.client.rate_budget
            limit, window = budget.limit, budget.window_s
        return minimum_interval_s(vehicle_count, limit, window)

    @staticmethod
    def _schema(vehicles: dict[str, str]) -> vol.Schema:
        policy = SelectSelector(
            SelectSelectorConfig(
                options=[POLICY_AUTOMATIC, POLICY_FIXED],
                translation_key=CONF_UPDATE_POLICY,
                mode=SelectSelectorMode.LIST,
            )
        )
        interval = NumberSelector(
            NumberSelectorConfig(
                min=MIN_INTERVAL_S,
                max=86400,
                step=1,
                unit_of_measurement="s",
                mode=NumberSelectorMode.BOX,
            )
        )
        locale = SelectSelector(
            SelectSelectorConfig(
                options=[alert_locale_option(locale) for locale in ALERT_LOCALES],
                translation_key=CONF_ALERT_LOCALE,
            )
        )
        vehicle_selector = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=vid, label=label) for vid, label in vehicles.items()
                ],
                multiple=True,
            )
        )
        return vol.Schema(
            {
                vol.Required(CONF_UPDATE_POLICY): policy,
                vol.Required(CONF_SCAN_INTERVAL): interval,
                vol.Required(CONF_ALERT_LOCALE): locale,
                vol.Required(CONF_PUSH): BooleanSelector(),
                vol.Optional(CONF_VEHICLES): vehicle_selector,
                vol.Optional(CONF_UNLOCK_CODE): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.PASSWORD)
                ),
            }
        )


def vehicle_label(vehicle: Vehicle) -> str:
    """A label a person recognises: the model and the masked VIN."""
    return f"{vehicle.label or vehicle.brand or 'Vehicle'} ({mask_vin(vehicle.vin)})"


def _default_locale(country: str) -> str:
    """The alert language closest to the account's country (as an option key)."""
    wanted = locale_for_country(country)
    if wanted not in ALERT_LOCALES:
        language = wanted.split("-")[0]
        wanted = next((loc for loc in ALERT_LOCALES if loc.startswith(language)), ALERT_LOCALES[0])
    return alert_locale_option(wanted)
