"""Which commands a fleet entry offers: those the partner's contract allows.

The business API has no OAuth scopes to tell; the user picks the contract's commands in
the entry's options (none by default). Immobilization and stolen are never offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..api.remotes import RemoteKind

CONF_FLEET_COMMANDS = "fleet_commands"
COMMAND_OPTIONS: Mapping[str, RemoteKind] = MappingProxyType(
    {
        "doors": RemoteKind.DOORS,
        "charging": RemoteKind.CHARGING,
        "preconditioning": RemoteKind.PRECONDITIONING,
        "horn": RemoteKind.HORN,
        "lights": RemoteKind.LIGHTS,
        "wake_up": RemoteKind.WAKE_UP,
        "navigation": RemoteKind.NAVIGATION,
    }
)
"""Option key (the selector's) -> the kind of command it allows."""


def contract_kinds(options: Mapping[str, Any]) -> frozenset[RemoteKind]:
    """The commands the options say the contract allows (unknown keys are ignored)."""
    chosen = options.get(CONF_FLEET_COMMANDS)
    if not isinstance(chosen, list):
        return frozenset()
    return frozenset(COMMAND_OPTIONS[key] for key in chosen if key in COMMAND_OPTIONS)
