"""The callback commands are sent through.

With push, it is push's callback (registered with type ``Remote`` too when commands are
granted), and progress arrives at our webhook. Without push (turned off, or Home Assistant
has no address the API can reach) a command still needs a callback: a ``Remote``-only one
is registered, labelled for the entry, at the best address Home Assistant knows (its
internal one, else ``homeassistant.local``). Its deliveries are not relied on: progress is
polled. It is deleted with the entry, like push's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers.network import NoURLAvailableError, get_url

from ..api import PsaClient
from ..coordinator import PsaConfigEntry
from ..push.registration import (
    AUTHORIZATION,
    CALLBACK_REMOTE,
    CLEANUP_KEY,
    PushRegistrar,
    async_ensure_identity,
    callback_label,
)

_LOGGER = logging.getLogger(__name__)
FALLBACK_BASE = "http://homeassistant.local:8123"
"""Where a Remote-only callback points when Home Assistant knows no address of its own."""


def remote_only_label(entry: PsaConfigEntry) -> str:
    """The label of the Remote-only callback (push's label, marked)."""
    return f"{callback_label(entry)} remotes"


def best_base_url(hass: HomeAssistant) -> str:
    """Any address of Home Assistant, external first."""
    try:
        return get_url(hass, prefer_external=True)
    except NoURLAvailableError:
        return FALLBACK_BASE


class CommandCallback:
    """Finds (or creates) the callback id commands are posted to."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PsaConfigEntry,
        client: PsaClient,
        push_callback_id: Callable[[], str | None],
    ) -> None:
        """``push_callback_id`` is push's callback when registered for remotes, else None."""
        self._hass, self._entry, self._client = hass, entry, client
        self._push_callback_id = push_callback_id
        self._own: str | None = None
        self._lock = asyncio.Lock()

    @property
    def through_push(self) -> bool:
        """Whether commands go through push's callback (their progress is pushed)."""
        return self._push_callback_id() is not None

    async def async_id(self) -> str:
        """The callback id to post commands to (may call the API; raises ``PsaError``)."""
        if (pushed := self._push_callback_id()) is not None:
            return pushed
        async with self._lock:
            if self._own is None:
                self._own = await self._async_own()
            return self._own

    def forget(self) -> None:
        """The callback was refused (deleted meanwhile): look for it again next time."""
        self._own = None

    async def _async_own(self) -> str:
        identity = async_ensure_identity(self._hass, self._entry)
        label = remote_only_label(self._entry)
        for callback in await self._client.list_callbacks():
            if callback.label == label:
                return callback.id
        target = best_base_url(self._hass) + identity.webhook_path
        created = await self._client.create_callback(
            target, {AUTHORIZATION: identity.authorization}, label=label, types=(CALLBACK_REMOTE,)
        )
        _LOGGER.debug("Remote-only callback created (no push)")
        # Deleted with the entry: push's cleanup removes every callback at our webhook path.
        cleanup = self._hass.data.setdefault(CLEANUP_KEY, {})

        def keep_for_removal() -> None:
            cleanup.setdefault(self._entry.entry_id, PushRegistrar(self._client, identity, None))

        self._entry.async_on_unload(keep_for_removal)
        return created.id
