"""Our callback and monitors at the API: secrets, address, and an idempotent reconcile.

Ours are recognised by the callback label (it carries the config entry id) or by a target
whose path is our webhook's path (unguessable). Monitors on our callback are ours by
construction. Callbacks we did not create are never touched.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
import hmac
from ipaddress import ip_address
import logging
import secrets
from typing import TYPE_CHECKING

from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util.hass_dict import HassKey
from yarl import URL

from ..api import (
    AccessDeniedError,
    Callback,
    Monitor,
    MonitorKind,
    MonitorRequest,
    NoDataError,
    PsaClient,
    PsaError,
    mask_vin,
)
from ..const import CONF_PUSH, DOMAIN

if TYPE_CHECKING:
    from ..coordinator import PsaConfigEntry
    from ..vehicles.data import VehicleData

_LOGGER = logging.getLogger(__name__)

CONF_PUSH_SECRET = "push_secret"  # noqa: S105  (the key under which it is stored)
"""Entry data: the secret the API sends back in ``Authorization`` with every delivery."""
CONF_PUSH_VEHICLES = "push_vehicles"
"""Entry data: cars that have our monitors (present only while a registration exists)."""
AUTHORIZATION = "Authorization"
CLEANUP_KEY: HassKey[dict[str, PushRegistrar]] = HassKey(f"{DOMAIN}_push_cleanup")
"""Registrars of unloaded entries, for ``async_remove_entry`` (it has no client of its own)."""
LOW_FUEL_PCT = 15.0
LOW_BATTERY_PCT = 20.0
_LABEL_PREFIX = f"Home Assistant {DOMAIN}"
CALLBACK_MONITOR = "Monitor"
CALLBACK_REMOTE = "Remote"
_MONITOR_PREFIX = "ha"
STATUS_REFRESH_S = 60
_FUEL_MOTORIZATIONS = frozenset({"thermic", "hybrid", "pluginhybrid"})
_ELECTRIC_MOTORIZATIONS = frozenset({"electric", "hybrid", "pluginhybrid"})


@dataclass(frozen=True)
class PushIdentity:
    """What identifies and authenticates our registration (kept out of ``repr``)."""

    label: str
    webhook_id: str = field(repr=False)
    secret: str = field(repr=False)

    @property
    def webhook_path(self) -> str:
        """Path of our webhook on Home Assistant."""
        return webhook.async_generate_path(self.webhook_id)

    @property
    def authorization(self) -> str:
        """The ``Authorization`` value every delivery must carry (HTTP Basic form)."""
        token = b64encode(f"{DOMAIN}:{self.secret}".encode()).decode()
        return f"Basic {token}"

    def authorizes(self, presented: str | None) -> bool:
        """Constant-time check of a delivery's ``Authorization`` header."""
        return hmac.compare_digest((presented or "").encode(), self.authorization.encode())


def callback_label(entry: PsaConfigEntry) -> str:
    """The label of our callback: names the integration and this config entry."""
    return f"{_LABEL_PREFIX} {entry.entry_id}"


def stored_identity(entry: PsaConfigEntry) -> PushIdentity | None:
    """The identity saved in the entry, if push was ever set up."""
    webhook_id, secret = entry.data.get(CONF_WEBHOOK_ID), entry.data.get(CONF_PUSH_SECRET)
    if not webhook_id or not secret:
        return None
    return PushIdentity(callback_label(entry), str(webhook_id), str(secret))


def async_ensure_identity(hass: HomeAssistant, entry: PsaConfigEntry) -> PushIdentity:
    """The saved identity, or a new unguessable webhook id and secret saved in the entry."""
    if (identity := stored_identity(entry)) is not None:
        return identity
    data = {
        **entry.data,
        CONF_WEBHOOK_ID: secrets.token_hex(32),
        CONF_PUSH_SECRET: secrets.token_hex(32),
    }
    hass.config_entries.async_update_entry(entry, data=data)
    identity = stored_identity(entry)
    assert identity is not None
    return identity


def external_base_url(hass: HomeAssistant) -> str | None:
    """An address of Home Assistant the API can reach: HTTPS (plain HTTP only on loopback)."""
    try:
        base = get_url(hass, allow_internal=False, prefer_external=True)
    except NoURLAvailableError:
        return None
    url = URL(base)
    if url.scheme == "https" or (url.scheme == "http" and _is_loopback(url.host)):
        return base
    return None


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ip_address(host).is_loopback
    except ValueError:
        return False


def push_wanted(hass: HomeAssistant, entry: PsaConfigEntry) -> bool:
    """The push option: on by default when Home Assistant has an external address."""
    option = entry.options.get(CONF_PUSH)
    if option is None:
        return external_base_url(hass) is not None
    return bool(option)


def wanted_monitors(item: VehicleData) -> list[MonitorRequest]:
    """Alerts and status changes for every car; low fuel / low battery where it has them."""
    requests = [
        MonitorRequest(MonitorKind.ALERTS, f"{_MONITOR_PREFIX} alerts"),
        # A satisfied monitor notifies again only after refreshEvent: without one, a car
        # whose status changed twice in a row (trip end, then doors locked) is never
        # pushed again. The label names the setting so older monitors are replaced.
        MonitorRequest(
            MonitorKind.STATUS,
            f"{_MONITOR_PREFIX} status {STATUS_REFRESH_S}s",
            refresh_s=STATUS_REFRESH_S,
        ),
    ]
    fuel, electric = _energies(item)
    if fuel:
        requests.append(_level(MonitorKind.FUEL_BELOW, LOW_FUEL_PCT))
    if electric:
        requests.append(_level(MonitorKind.BATTERY_BELOW, LOW_BATTERY_PCT))
    return requests


def _level(kind: MonitorKind, threshold: float) -> MonitorRequest:
    label = f"{_MONITOR_PREFIX} {kind.value} {threshold:g}"
    return MonitorRequest(kind, label, threshold_pct=threshold)


def _energies(item: VehicleData) -> tuple[bool, bool]:
    status = item.status
    if status is not None and (status.fuel is not None or status.electric is not None):
        return status.fuel is not None, status.electric is not None
    motorization = (item.vehicle.motorization or "").lower()
    if motorization not in _FUEL_MOTORIZATIONS | _ELECTRIC_MOTORIZATIONS:
        return True, True
    return motorization in _FUEL_MOTORIZATIONS, motorization in _ELECTRIC_MOTORIZATIONS


def _matching_label(monitor: Monitor, wanted: Mapping[str, MonitorRequest]) -> str | None:
    """The wanted monitor this one is: by label, or by its triggers when the API hides labels."""
    if monitor.label is not None:
        return monitor.label if monitor.label in wanted else None
    for label, request in wanted.items():
        triggers = request.to_body()["triggerParam"]["triggers"]
        if tuple(trigger["data"]["data"] for trigger in triggers) == monitor.trigger_data:
            return label
    return None


@dataclass
class Registration:
    """What the API holds for us: our callback and, per monitor, the car it watches."""

    callback_id: str | None = None
    monitors: dict[str, str] = field(default_factory=dict)
    created: int = 0
    deleted: int = 0
    new_callback: bool = False


class PushRegistrar:
    """Creates, reuses, replaces and deletes our callback and monitors.

    It calls the client directly, not through the coordinator: callbacks and monitors are
    the account's push settings, not car data. Reads of car data (a push that announces a
    change without its data) go through the coordinator (``push/reads.py``).
    """

    def __init__(
        self,
        client: PsaClient,
        identity: PushIdentity,
        url: str | None,
        types: Sequence[str] = (CALLBACK_MONITOR,),
    ) -> None:
        """``url`` is our webhook's full address (``None`` when only deleting); ``types``
        the features our callback serves (``Remote`` too when commands are granted)."""
        self._client = client
        self._identity = identity
        self._url = url
        self._types = tuple(sorted(types))

    async def async_reconcile(
        self,
        vehicles: Mapping[str, VehicleData],
        previous: Iterable[str],
        registration: Registration,
    ) -> Registration:
        """Make the API hold exactly our callback and the wanted monitors of ``vehicles``.

        ``registration`` is filled as it goes, so a failure half-way still tells which
        monitors exist. ``previous`` are cars that had our monitors and may no longer.
        """
        callback_id = await self._async_callback(registration)
        registration.callback_id = callback_id
        for vehicle_id, item in vehicles.items():
            await self._async_vehicle(callback_id, vehicle_id, item, registration)
        for vehicle_id in set(previous) - set(vehicles):
            await self._async_clear_vehicle(callback_id, vehicle_id, registration)
        return registration

    async def async_unregister(self) -> int:
        """Delete every callback of ours (the API deletes their monitors); returns how many."""
        ours = [cb for cb in await self._client.list_callbacks() if self._is_ours(cb)]
        for callback in ours:
            await self._client.delete_callback(callback.id)
        return len(ours)

    async def _async_callback(self, registration: Registration) -> str:
        ours = [cb for cb in await self._client.list_callbacks() if self._is_ours(cb)]
        keep = next((cb for cb in ours if self._is_current(cb)), None)
        for callback in ours:
            if callback is not keep:
                await self._client.delete_callback(callback.id)
                registration.deleted += 1
        if keep is not None:
            return keep.id
        assert self._url is not None
        created = await self._client.create_callback(
            self._url,
            {AUTHORIZATION: self._identity.authorization},
            label=self._identity.label,
            types=self._types,
        )
        registration.created += 1
        registration.new_callback = True
        _LOGGER.debug("Push callback created")
        return created.id

    def _is_ours(self, callback: Callback) -> bool:
        if callback.label == self._identity.label:
            return True
        target = URL(callback.target) if callback.target else None
        return target is not None and target.path == self._identity.webhook_path

    def _is_current(self, callback: Callback) -> bool:
        """Ours, at our current address, with our secret (when the API shows attributes)."""
        if callback.label != self._identity.label or callback.target != self._url:
            return False
        if callback.types is not None and callback.types != self._types:
            return False  # registered before commands were granted (or after they were lost)
        presented = callback.attributes.get(AUTHORIZATION)
        return presented is None or self._identity.authorizes(presented)

    async def _async_vehicle(
        self, callback_id: str, vehicle_id: str, item: VehicleData, registration: Registration
    ) -> None:
        wanted = {request.label: request for request in wanted_monitors(item)}
        for monitor in await self._client.list_monitors(vehicle_id, callback_id):
            if (label := _matching_label(monitor, wanted)) is not None:
                del wanted[label]
                registration.monitors[monitor.id] = vehicle_id
            else:  # ours (on our callback) but stale or a duplicate
                await self._client.delete_monitor(vehicle_id, callback_id, monitor.id)
                registration.deleted += 1
        for request in wanted.values():
            created = await self._client.create_monitor(vehicle_id, callback_id, request)
            registration.monitors[created.id] = vehicle_id
            registration.created += 1
        if wanted:
            _LOGGER.debug(
                "Created %d push monitors for car %s", len(wanted), mask_vin(item.vehicle.vin)
            )

    async def _async_clear_vehicle(
        self, callback_id: str, vehicle_id: str, registration: Registration
    ) -> None:
        try:
            for monitor in await self._client.list_monitors(vehicle_id, callback_id):
                await self._client.delete_monitor(vehicle_id, callback_id, monitor.id)
                registration.deleted += 1
        except AccessDeniedError, NoDataError:
            _LOGGER.debug("A car that had push monitors is no longer in the account")


async def async_remove_push(hass: HomeAssistant, entry: PsaConfigEntry) -> None:
    """The entry is being removed: delete our callback (and its monitors) at the API."""
    ir.async_delete_issue(hass, DOMAIN, f"push_{entry.entry_id}")
    registrar = hass.data.get(CLEANUP_KEY, {}).pop(entry.entry_id, None)
    if registrar is None:
        if CONF_PUSH_VEHICLES in entry.data:
            _LOGGER.warning(
                "The entry was not loaded: its push registration at the API stays until "
                "the API drops undelivered messages"
            )
        return
    try:
        await registrar.async_unregister()
    except (PsaError, HomeAssistantError) as err:
        _LOGGER.warning("Could not delete the push registration at the API: %s", err)
