"""Push updates: lifecycle of our webhook and registration, fallback to polling, repairs.

``PushManager`` registers Home Assistant's webhook, reconciles our callback and monitors
in the background, applies deliveries to the coordinator, and watches that pushes keep
arriving: a car seen driving by polling that no push announced within the silence
timeout means pushes stopped. Then polling goes back to normal and a repair issue says
why; it is deleted when push works again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any

from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from ..api import Alert, PsaClient, PsaError, VehicleStatus, mask_vin
from ..api.remotes import RemoteProgress
from ..const import DOMAIN
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..remotes.scopes import callback_types
from ..vehicles.data import VehicleData
from .reads import TargetedReads
from .registration import (
    CLEANUP_KEY,
    CONF_PUSH_SECRET,
    CONF_PUSH_VEHICLES,
    PushIdentity,
    PushRegistrar,
    Registration,
    async_ensure_identity,
    external_base_url,
    push_wanted,
    stored_identity,
)
from .state import PushState
from .webhook import LogOnce, PushEvent, PushWebhook, fresh_alerts, status_is_newer

_LOGGER = logging.getLogger(__name__)

SAFETY_INTERVAL = timedelta(minutes=30)
"""Polling while pushes arrive: only a safety net."""
SILENCE_TIMEOUT = timedelta(minutes=10)
"""A car seen driving with no push about it for this long: pushes stopped."""
RETRY_INTERVAL = timedelta(hours=1)
"""Next registration attempt after a failed one."""
ISSUE_NO_URL = "push_no_url"
ISSUE_REGISTRATION_FAILED = "push_registration_failed"
ISSUE_SILENT = "push_silent"
_PUSH_KEYS = (CONF_WEBHOOK_ID, CONF_PUSH_SECRET, CONF_PUSH_VEHICLES)


@dataclass
class _Tracking:
    """Per-car facts the watchdog and the freshness checks need."""

    deliveries: Counter[str]
    pushed_moving: dict[str, bool | None]
    alerts_at: dict[str, datetime]
    watches: dict[str, CALLBACK_TYPE]


class PushManager:
    """Push updates for one config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PsaConfigEntry,
        client: PsaClient,
        coordinator: PsaCoordinator,
        *,
        safety_interval: timedelta | None = None,
        silence_timeout: timedelta | None = None,
        retry_interval: timedelta | None = None,
    ) -> None:
        """Nothing happens before ``async_start``; the times default to the constants."""
        self.hass, self.entry, self.client, self.coordinator = hass, entry, client, coordinator
        self.safety_interval = safety_interval or SAFETY_INTERVAL
        self.silence_timeout = silence_timeout or SILENCE_TIMEOUT
        self.retry_interval = retry_interval or RETRY_INTERVAL
        self.state = PushState.OFF
        self.monitors: dict[str, str] | None = None
        self.callback_id: str | None = None
        self._identity: PushIdentity | None = None
        self._registrar: PushRegistrar | None = None
        self._receiver: PushWebhook | None = None
        self._track = _Tracking(Counter(), {}, {}, {})
        self._unsubs: list[CALLBACK_TYPE] = []
        self._retry: CALLBACK_TYPE | None = None
        self._registering = False
        self._register_again = False
        self._applying = False
        self._driving = False
        self._reads = TargetedReads(hass, entry, coordinator, self._read_status, self._read_alerts)
        self._unknown = LogOnce(_LOGGER)
        self.on_remote_event: Callable[[RemoteProgress], None] = lambda _progress: None

    @property
    def issue_id(self) -> str:
        """This entry's push repair issue."""
        return f"push_{self.entry.entry_id}"

    def diagnostics(self) -> dict[str, Any]:
        """Where push stands, for the entry's diagnostics (ids unredacted: redact them)."""
        receiver = self._receiver
        last = receiver.last_accepted_at if receiver is not None else None
        safety = self.coordinator.push_safety_interval
        return {
            "state": self.state.value,
            "registered": self.callback_id is not None and self.monitors is not None,
            "callback_id": self.callback_id,
            "monitor_ids": sorted(self.monitors) if self.monitors else None,
            "deliveries_accepted": receiver.accepted if receiver is not None else 0,
            "deliveries_refused": receiver.rejected if receiver is not None else 0,
            "last_delivery": last.isoformat() if last is not None else None,
            "fallback_to_polling": self.state.polls_instead,
            "polling": "safety" if safety is not None else "normal",
            "safety_interval_s": safety.total_seconds() if safety is not None else None,
        }

    # -- lifecycle -----------------------------------------------------------------------

    async def async_start(self) -> None:
        """Register the webhook and, in the background, our callback and monitors."""
        self.hass.data.setdefault(CLEANUP_KEY, {}).pop(self.entry.entry_id, None)
        wanted, base = push_wanted(self.hass, self.entry), external_base_url(self.hass)
        if not wanted or base is None:
            if wanted:
                self.state = PushState.NO_URL
                self._raise_issue(ISSUE_NO_URL)
            else:
                ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
            if CONF_PUSH_VEHICLES in self.entry.data:  # nothing may reach us any more
                self.entry.async_create_background_task(
                    self.hass, self._async_forget_registration(), f"{DOMAIN} push cleanup"
                )
            return
        identity = self._identity = async_ensure_identity(self.hass, self.entry)
        url, types = base + identity.webhook_path, callback_types(self.entry)
        self._registrar = PushRegistrar(self.client, identity, url, types)
        ready = lambda: self.monitors is not None  # noqa: E731
        remote = lambda p: self.on_remote_event(p)  # noqa: E731, PLW0108  (set after start)
        self._receiver = PushWebhook(identity, self._dispatch, ready, remote)
        webhook.async_register(
            self.hass,
            DOMAIN,
            f"{self.entry.title} push",
            identity.webhook_id,
            self._receiver.async_handle,
            local_only=False,
            allowed_methods=("POST",),
        )
        self._unsubs += [
            self.coordinator.async_add_listener(self._on_coordinator_update),
            self.coordinator.async_add_vehicle_listener(lambda _ids: self._schedule_registration()),
        ]
        self.state = PushState.REGISTERING
        self._schedule_registration()

    async def async_stop(self) -> None:
        """Unregister the webhook; keep (or, when the entry is disabled, delete) ours."""
        for unsub in (*self._unsubs, *self._track.watches.values()):
            unsub()
        self._unsubs.clear()
        self._track.watches.clear()
        if self._retry is not None:
            self._retry()
            self._retry = None
        if self._identity is None:
            return
        webhook.async_unregister(self.hass, self._identity.webhook_id)
        if self.entry.disabled_by is not None:
            await self._async_forget_registration()
        else:  # kept for async_remove_entry, which has no client of its own
            cleanup = PushRegistrar(self.client, self._identity, None)
            self.hass.data.setdefault(CLEANUP_KEY, {})[self.entry.entry_id] = cleanup

    # -- registration --------------------------------------------------------------------

    @callback
    def _schedule_registration(self, _now: datetime | None = None) -> None:
        self._retry = None
        if self._registering:
            self._register_again = True
            return
        self._registering = True
        # Not started eagerly: a new car's listener runs before the coordinator has its data.
        self.entry.async_create_background_task(
            self.hass, self._async_register(), f"{DOMAIN} push registration", eager_start=False
        )

    async def _async_register(self) -> None:
        assert self._registrar is not None
        try:
            while True:
                self._register_again = False
                await self._async_register_once(self._registrar)
                if not self._register_again:
                    return
        finally:
            self._registering = False

    async def _async_register_once(self, registrar: PushRegistrar) -> None:
        data = dict(self.coordinator.data or {})
        previous = self.entry.data.get(CONF_PUSH_VEHICLES) or ()
        registration = Registration()
        try:
            await registrar.async_reconcile(data, previous, registration)
        except PsaError as err:
            self.monitors = {**(self.monitors or {}), **registration.monitors}
            self._save_vehicles(registration, {*previous, *registration.monitors.values()})
            _LOGGER.warning("Push updates could not be registered, polling instead: %s", err)
            self._fall_back(PushState.FAILED, ISSUE_REGISTRATION_FAILED, {"error": str(err)})
            self._retry = self.coordinator.clock.call_later(
                self.retry_interval, HassJob(self._schedule_registration)
            )
            return
        self.monitors = registration.monitors
        self.callback_id = registration.callback_id
        self._save_vehicles(registration, data)
        for vehicle_id, item in data.items():
            self._track.pushed_moving.setdefault(vehicle_id, _moving(item))
        if self.state is not PushState.SILENT or registration.new_callback:
            self._activate()  # silent: only a new callback is a reason to trust push again
        _LOGGER.debug(
            "Push registration ready: %d monitors (%d created, %d deleted)",
            len(registration.monitors),
            registration.created,
            registration.deleted,
        )

    def _save_vehicles(self, registration: Registration, vehicles: Iterable[str]) -> None:
        if registration.callback_id is None and CONF_PUSH_VEHICLES not in self.entry.data:
            return
        wanted = sorted(vehicles)
        if self.entry.data.get(CONF_PUSH_VEHICLES) != wanted:
            data = {**self.entry.data, CONF_PUSH_VEHICLES: wanted}
            self.hass.config_entries.async_update_entry(self.entry, data=data)

    async def _async_forget_registration(self) -> None:
        """Delete ours at the API (push turned off, entry disabled) and the saved secrets."""
        identity = self._identity or stored_identity(self.entry)
        if identity is not None:
            try:
                await PushRegistrar(self.client, identity, None).async_unregister()
            except (PsaError, HomeAssistantError) as err:
                _LOGGER.warning("Could not delete the push registration at the API: %s", err)
                return
        data = {key: value for key, value in self.entry.data.items() if key not in _PUSH_KEYS}
        self.hass.config_entries.async_update_entry(self.entry, data=data)

    # -- state and repairs ---------------------------------------------------------------

    @callback
    def _activate(self) -> None:
        self.state = PushState.ACTIVE
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        self._plan_polling()

    @callback
    def _plan_polling(self) -> None:
        """Safety polling while pushes arrive; a trip start asks for a read of the due cars.

        Our monitors push changes, not positions along a trip: the planner reads a driving
        car every minute, the others at their own cadence. The pending safety timer would
        hold that first read back, hence the request at a trip start (pushed or polled).
        """
        driving = any(item.is_active for item in (self.coordinator.data or {}).values())
        started, self._driving = driving and not self._driving, driving
        if self.coordinator.push_safety_interval != self.safety_interval:
            self.coordinator.async_set_push_active(self.safety_interval)
        if started:
            self.entry.async_create_background_task(
                self.hass,
                self.coordinator.async_request_refresh(every_car=False),
                f"{DOMAIN} push trip",
            )

    @callback
    def _fall_back(self, state: PushState, issue: str, placeholders: dict[str, str]) -> None:
        previous = self.state
        self.state = state
        for unsub in self._track.watches.values():
            unsub()
        self._track.watches.clear()
        self.coordinator.async_set_push_active(None)
        self._raise_issue(issue, placeholders)
        if previous is PushState.ACTIVE:
            self.entry.async_create_background_task(
                self.hass, self.coordinator.async_request_refresh(), f"{DOMAIN} push fallback"
            )

    def _raise_issue(self, key: str, placeholders: dict[str, str] | None = None) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=key,
            translation_placeholders={"account": self.entry.title, **(placeholders or {})},
        )

    # -- deliveries ----------------------------------------------------------------------

    @callback
    def _dispatch(self, event: PushEvent) -> None:
        vehicle_id = (self.monitors or {}).get(event.monitor_id)
        current = (self.coordinator.data or {}).get(vehicle_id or "")
        if vehicle_id is None or current is None:
            self._unknown.info(event.monitor_id, "Push event for a car this entry does not follow")
            return
        self._track.deliveries[vehicle_id] += 1
        if self.state is PushState.SILENT:
            _LOGGER.info("Push updates arrive again")
            self._activate()
        status = event.status if status_is_newer(event.status, current.status) else None
        alerts = fresh_alerts(event, current, self._track.alerts_at.get(vehicle_id))
        if alerts is not None and event.date is not None:
            self._track.alerts_at[vehicle_id] = event.date
        if status is not None:
            self._track.pushed_moving[vehicle_id] = status.moving
        if event.status is None and event.alerts is None:
            self._reads.request(vehicle_id, alerts=event.about_alerts)
        elif status is not None or alerts is not None:
            self._apply(vehicle_id, status, alerts)

    @callback
    def _apply(
        self,
        vehicle_id: str,
        status: VehicleStatus | None = None,
        alerts: tuple[Alert, ...] | None = None,
    ) -> None:
        self._applying = True
        try:
            known = self.coordinator.async_apply_push(vehicle_id, status=status, alerts=alerts)
        finally:
            self._applying = False
        if not known:
            self._unknown.info(vehicle_id, "Push event for a car no longer in the account")

    @callback
    def _read_status(self, vehicle_id: str, status: VehicleStatus) -> None:
        self._track.pushed_moving[vehicle_id] = status.moving
        self._apply(vehicle_id, status=status)

    @callback
    def _read_alerts(self, vehicle_id: str, alerts: tuple[Alert, ...]) -> None:
        self._apply(vehicle_id, alerts=alerts)

    # -- watchdog ------------------------------------------------------------------------

    @callback
    def _on_coordinator_update(self) -> None:
        """Plan polling; after a poll, a car driving that no push announced is watched."""
        if self.state is not PushState.ACTIVE:
            return
        self._plan_polling()
        if self._applying:
            return
        for vehicle_id, item in (self.coordinator.data or {}).items():
            if (
                _moving(item)
                and self._track.pushed_moving.get(vehicle_id) is not True
                and vehicle_id not in self._track.watches
            ):
                check = partial(self._check_silence, vehicle_id, self._track.deliveries[vehicle_id])
                self._track.watches[vehicle_id] = self.coordinator.clock.call_later(
                    self.silence_timeout, HassJob(check)
                )

    @callback
    def _check_silence(self, vehicle_id: str, deliveries: int, _now: datetime) -> None:
        self._track.watches.pop(vehicle_id, None)
        if self.state is not PushState.ACTIVE or self._track.deliveries[vehicle_id] > deliveries:
            return
        item = (self.coordinator.data or {}).get(vehicle_id)
        car = mask_vin(item.vehicle.vin) if item is not None else "***"
        minutes = str(round(self.silence_timeout.total_seconds() / 60))
        _LOGGER.warning(
            "Car %s drives but no push arrived for %s minutes; polling again", car, minutes
        )
        self._fall_back(PushState.SILENT, ISSUE_SILENT, {"minutes": minutes})
        self._schedule_registration()


def _moving(item: VehicleData) -> bool | None:
    return item.status.moving if item.status is not None else None
