"""Push for a fleet: two fleet monitors delivering to the entry's authenticated webhook.

The fleet API has no callbacks to register first: a monitor over the whole fleet carries
its webhook (``subscribeParam.callback.webhook``) and the ``Authorization`` header the
deliveries must present, the same secret as a consumer entry's. Deliveries follow the v3
webhook template; the status and alerts they carry update the car's entities at once, as
a consumer entry's pushes do. Polling goes on as usual: push only makes changes arrive
sooner (the batch reads keep a whole fleet fresh within the rate limit).

The fleet's remote callback (``remotes/callback.py``) points at the same webhook: its
messages (``callbackId`` instead of ``monitorId``) carry the progress of commands, handed
to the entry's commands (``on_remote_event``).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.util.json import json_loads

from ..api import MonitorKind, MonitorRequest, PsaError
from ..api.fleet import FleetClient
from ..api.fleet_push import FleetPushEvent, MalformedFleetPushError, parse_fleet_delivery
from ..api.fleet_remotes import is_remote_message, parse_fleet_remote_message
from ..api.remotes import RemoteProgress
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..push.registration import (
    STATUS_REFRESH_S,
    PushIdentity,
    async_ensure_identity,
    callback_label,
    external_base_url,
    push_wanted,
)
from ..push.webhook import status_is_newer

_LOGGER = logging.getLogger(__name__)
AUTHORIZATION = "Authorization"


def fleet_monitors(entry: PsaConfigEntry) -> list[MonitorRequest]:
    """New alerts, and status changes (again after ``STATUS_REFRESH_S``), of every car."""
    label = callback_label(entry)
    return [
        MonitorRequest(MonitorKind.ALERTS, f"{label} alerts"),
        MonitorRequest(
            MonitorKind.STATUS, f"{label} status {STATUS_REFRESH_S}s", refresh_s=STATUS_REFRESH_S
        ),
    ]


async def async_remove_monitors(client: FleetClient, entry: PsaConfigEntry) -> int:
    """Delete this entry's monitors at the API (those labelled for it); how many."""
    prefix = callback_label(entry)
    ours = [m for m in await client.list_fleet_monitors() if (m.label or "").startswith(prefix)]
    for monitor in ours:
        await client.delete_fleet_monitor(monitor.id)
    return len(ours)


class FleetPush:
    """The webhook and monitors of one fleet entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PsaConfigEntry,
        client: FleetClient,
        coordinator: PsaCoordinator,
        on_remote_event: Callable[[RemoteProgress], None],
    ) -> None:
        """Nothing happens before ``async_start``; commands' progress goes to
        ``on_remote_event``."""
        self.hass, self.entry, self.client, self.coordinator = hass, entry, client, coordinator
        self.on_remote_event = on_remote_event
        self._identity: PushIdentity | None = None
        self.monitor_ids: list[str] = []
        self.applied = 0
        self._ids_by_vin: dict[str, str] = {}

    async def async_start(self) -> None:
        """Register the webhook and, in the background, the fleet's monitors."""
        base = external_base_url(self.hass)
        if not push_wanted(self.hass, self.entry) or base is None:
            if has_push_identity(self.entry):  # nothing may reach us any more
                self.entry.async_create_background_task(
                    self.hass, self._async_forget_monitors(), f"{DOMAIN} fleet push cleanup"
                )
            return
        identity = self._identity = async_ensure_identity(self.hass, self.entry)
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"{self.entry.title} push",
            identity.webhook_id,
            self._async_handle,
            local_only=False,
            allowed_methods=("POST",),
        )
        self.entry.async_create_background_task(
            self.hass,
            self._async_register_monitors(base + identity.webhook_path, identity),
            f"{DOMAIN} fleet monitors",
        )

    async def async_stop(self) -> None:
        """Stop receiving (the monitors stay at the API for the next start)."""
        if self._identity is not None:
            webhook.async_unregister(self.hass, self._identity.webhook_id)

    async def _async_register_monitors(self, target: str, identity: PushIdentity) -> None:
        """Replace this entry's monitors with current ones (the address may have changed)."""
        headers = {AUTHORIZATION: identity.authorization}
        try:
            await async_remove_monitors(self.client, self.entry)
            for request in fleet_monitors(self.entry):
                created = await self.client.create_fleet_monitor(request, target, headers)
                self.monitor_ids.append(created.id)
        except PsaError as err:
            _LOGGER.warning("Push updates for the fleet could not be registered: %s", err)

    async def _async_forget_monitors(self) -> None:
        try:
            await async_remove_monitors(self.client, self.entry)
        except PsaError as err:
            _LOGGER.warning("Could not delete the fleet's push monitors at the API: %s", err)

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one delivery (never raises: the webhook component would log our id)."""
        del hass, webhook_id
        identity = self._identity
        if identity is None or not identity.authorizes(request.headers.get(AUTHORIZATION)):
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        try:
            payload = json_loads(await request.read())
            if is_remote_message(payload):
                self._route_remotes(payload)
                return web.Response(status=HTTPStatus.OK)
            _monitor_id, events = parse_fleet_delivery(payload)
        except (MalformedFleetPushError, ValueError) as err:
            _LOGGER.debug("Malformed fleet push delivery refused: %s", err)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        for event in events:
            self._apply(event)
        return web.Response(status=HTTPStatus.OK)

    def _route_remotes(self, payload: object) -> None:
        """Each command's progress to the entry's commands (others' are ignored there)."""
        for progress in parse_fleet_remote_message(payload):
            self.on_remote_event(progress)

    def _apply(self, event: FleetPushEvent) -> None:
        """Hand the event's data to the coordinator, for a car of this fleet."""
        cars = self.coordinator.data or {}
        vehicle_id = self._ids_by_vin.get(event.vin)
        if vehicle_id not in cars:  # a car new to this handler, or one that left
            self._ids_by_vin = {item.vehicle.vin: vid for vid, item in cars.items()}
            vehicle_id = self._ids_by_vin.get(event.vin)
        known = cars.get(vehicle_id) if vehicle_id is not None else None
        if known is None:
            return
        status = event.status if status_is_newer(event.status, known.status) else None
        if status is None and event.alerts is None:
            return
        if self.coordinator.async_apply_push(known.vehicle.id, status=status, alerts=event.alerts):
            self.applied += 1


def has_push_identity(entry: PsaConfigEntry) -> bool:
    """Whether push was ever set up for the entry (its monitors may exist at the API)."""
    return bool(entry.data.get(CONF_WEBHOOK_ID))
