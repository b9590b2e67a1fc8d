"""Which commands an entry may send: the scopes its last token answer granted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry

from ..api.remotes import RemoteKind, granted_kinds
from ..const import CONF_CONNECTION, CONNECTION_FLEET
from ..fleet.commands import contract_kinds
from ..push.registration import CALLBACK_MONITOR, CALLBACK_REMOTE


def token_kinds(data: Mapping[str, Any]) -> frozenset[RemoteKind]:
    """The commands the stored token's ``scope`` grants (none when it names none)."""
    token = data.get("token")
    scope = token.get("scope") if isinstance(token, Mapping) else None
    return granted_kinds(scope if isinstance(scope, str) else None)


def entry_kinds(entry: ConfigEntry[Any]) -> frozenset[RemoteKind]:
    """The commands this entry may send (a fleet's: what its contract allows)."""
    if entry.data.get(CONF_CONNECTION) == CONNECTION_FLEET:
        return contract_kinds(entry.options)
    return token_kinds(entry.data)


def callback_types(entry: ConfigEntry[Any]) -> tuple[str, ...]:
    """What our push callback serves: remote commands too when any is granted."""
    if entry_kinds(entry):
        return (CALLBACK_MONITOR, CALLBACK_REMOTE)
    return (CALLBACK_MONITOR,)
