"""The options step of a fleet entry: the commands its partner contract allows."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from ..const import CONF_CONNECTION, CONNECTION_FLEET
from ..fleet.commands import COMMAND_OPTIONS, CONF_FLEET_COMMANDS

STEP_FLEET_COMMANDS = "fleet_commands"


def _schema() -> vol.Schema:
    commands = SelectSelector(
        SelectSelectorConfig(
            options=list(COMMAND_OPTIONS),
            multiple=True,
            translation_key=CONF_FLEET_COMMANDS,
            mode=SelectSelectorMode.LIST,
        )
    )
    return vol.Schema({vol.Optional(CONF_FLEET_COMMANDS): commands})


class FleetCommandsStep(OptionsFlowWithReload):
    """After the general options, a fleet entry's commands (none by default)."""

    _general: dict[str, Any] | None = None

    async def async_finish_general(self, data: dict[str, Any]) -> ConfigFlowResult:
        """The general options are valid: saved, or a fleet entry goes on to its commands."""
        if self.config_entry.data.get(CONF_CONNECTION) != CONNECTION_FLEET:
            return self.async_create_entry(data=data)
        self._general = data
        return await self.async_step_fleet_commands()

    async def async_step_fleet_commands(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which of the seven commands the contract allows."""
        if user_input is not None:
            chosen = [key for key in user_input.get(CONF_FLEET_COMMANDS, []) if key]
            return self.async_create_entry(
                data={**(self._general or {}), CONF_FLEET_COMMANDS: chosen}
            )
        current = {CONF_FLEET_COMMANDS: self.config_entry.options.get(CONF_FLEET_COMMANDS, [])}
        schema = self.add_suggested_values_to_schema(_schema(), current)
        return self.async_show_form(step_id=STEP_FLEET_COMMANDS, data_schema=schema)
