"""Sends commands once and follows each to its end.

One command of a kind in flight per car. A POST is never sent twice: when its answer is
lost (timeout, cut connection, 5xx), the command is looked for among the car's remotes by
its unique label and adopted, or the user is told it may not have reached the car.
Progress comes from our webhook (push) or from polling ``GET .../remotes/{rid}`` (every
10 s without push, every minute with push as a safety net) for at most 3 minutes. The
outcome fires ``psa_connected_car_remote_result``; a success is confirmed by one status
read of the car before the entities stop showing the command as pending.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
import logging
import secrets
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..api import (
    AccessDeniedError,
    AuthenticationError,
    NoDataError,
    PsaConnectionError,
    PsaError,
    RateLimitedError,
    ServerError,
)
from ..api.remotes import RemoteCommand, RemoteKind, RemoteProgress, RemoteState
from ..const import DOMAIN, EVENT_REMOTE_RESULT
from ..coordinator import PsaConfigEntry, PsaCoordinator
from ..push.state import PushState
from .callback import CommandCallback
from .errors import NO_OUTCOME, failure_error, in_progress_error, remote_error
from .scopes import entry_kinds
from .wakeups import WakeUpLog

if TYPE_CHECKING:
    from ..push.manager import PushManager

_LOGGER = logging.getLogger(__name__)

POLL_INTERVAL = timedelta(seconds=10)
"""Without push: how often a pending command is read."""
PUSH_POLL_INTERVAL = timedelta(seconds=60)
"""With push: a safety read in case the final event is lost."""
FOLLOW_FOR = timedelta(minutes=3)
"""A command still pending after this long is given up (``NoOutcome``)."""
LOST_ANSWER_ERRORS = (PsaConnectionError, ServerError)
"""The POST may have been processed: look for the command, never resend it."""
WAKING = "WakingUpVehicle"
EARLY_EVENTS_KEPT = 16
DECIDE_WITHIN = timedelta(seconds=30)
"""How long the action waits for the API's checks (a sleeping car is woken first)."""
DECIDED_STATUSES = frozenset({"SentToVehicle"})


@dataclass
class _InFlight:
    """A command between the press and its confirmed outcome."""

    vehicle_id: str
    command: RemoteCommand
    started: datetime
    progress: RemoteProgress | None = None
    callback_id: str | None = None
    woke: bool = False
    timer: CALLBACK_TYPE | None = field(default=None, repr=False)
    decided: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    """Set once the command was sent to the car, or ended."""

    def note(self, progress: RemoteProgress) -> None:
        """Remember the latest progress."""
        self.progress = progress
        if progress.state.final or progress.status in DECIDED_STATUSES:
            self.decided.set()


class RemoteCommander:
    """Commands of one config entry (``entry.runtime_data.remotes``)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PsaConfigEntry,
        coordinator: PsaCoordinator,
        push: PushManager | None = None,
    ) -> None:
        """Nothing is sent before ``async_send``; ``async_load`` reads the wake-up counts."""
        self.hass, self.entry, self.coordinator = hass, entry, coordinator
        self.client = coordinator.client
        self.clock = coordinator.clock
        self.push = push
        self.kinds = entry_kinds(entry)
        self.wakeups = WakeUpLog(hass, entry.entry_id, self.clock)
        self.callback = CommandCallback(hass, entry, self.client, self._push_callback_id)
        self._flights: dict[tuple[str, RemoteKind], _InFlight] = {}
        self._results: dict[tuple[str, RemoteKind], RemoteProgress] = {}
        self._early: dict[str, RemoteProgress] = {}
        self.sent = 0
        self.adopted = 0
        self.lost = 0

    async def async_load(self) -> None:
        """Read the stored wake-up counts."""
        await self.wakeups.async_load()

    @callback
    def async_stop(self) -> None:
        """Stop following commands (the entry unloads)."""
        for flight in self._flights.values():
            if flight.timer is not None:
                flight.timer()
            flight.decided.set()
        self._flights.clear()

    # -- what entities ask -------------------------------------------------------------

    def granted(self, kind: RemoteKind) -> bool:
        """Whether the login granted this kind of command."""
        return kind in self.kinds

    def pending(self, vehicle_id: str, kind: RemoteKind) -> RemoteProgress | None:
        """The command of this kind on its way to the car, if any."""
        flight = self._flights.get((vehicle_id, kind))
        if flight is None:
            return None
        if flight.progress is None:  # sent, no answer yet
            return RemoteProgress("", kind, RemoteState.PENDING, "Sending")
        return flight.progress

    def pending_command(self, vehicle_id: str, kind: RemoteKind) -> RemoteCommand | None:
        """The command (its body) of this kind on its way, if any."""
        flight = self._flights.get((vehicle_id, kind))
        return flight.command if flight is not None else None

    def last_result(self, vehicle_id: str, kind: RemoteKind) -> RemoteProgress | None:
        """How the last finished command of this kind ended."""
        return self._results.get((vehicle_id, kind))

    # -- sending -----------------------------------------------------------------------

    async def async_send(self, vehicle_id: str, command: RemoteCommand) -> RemoteProgress:
        """Send ``command``; returns once the API accepted it, raises a translated error."""
        key = (vehicle_id, command.kind)
        self._check(vehicle_id, command)
        flight = self._flights[key] = _InFlight(vehicle_id, command, self.clock.utcnow())
        self.coordinator.async_update_listeners()
        try:
            progress = await self._async_post(flight)
        except BaseException:
            self._flights.pop(key, None)
            self.coordinator.async_update_listeners()
            raise
        self.sent += 1
        self._track(flight, progress)
        await self._async_decided(flight)
        progress = flight.progress or progress
        if progress.state is RemoteState.FAILED:
            raise failure_error(progress)
        return progress

    async def _async_decided(self, flight: _InFlight) -> None:
        """Wait until the API's checks passed (sent to the car) or refused the command.

        A refusal (battery too low, privacy, vehicle in use...) comes within seconds of
        the acceptance: the action raises it. What happens after the car got the command
        arrives later, as the entity's state and the result event.
        """
        if flight.decided.is_set():
            return
        timer = self.clock.call_later(
            DECIDE_WITHIN.total_seconds(), HassJob(lambda _now: flight.decided.set())
        )
        try:
            await flight.decided.wait()
        finally:
            timer()

    def _check(self, vehicle_id: str, command: RemoteCommand) -> None:
        """Refusals decided here, without a request."""
        if not self.granted(command.kind):
            raise remote_error("remote_not_granted")
        if (vehicle_id, command.kind) in self._flights:
            raise in_progress_error(self.pending(vehicle_id, command.kind))
        data = (self.coordinator.data or {}).get(vehicle_id)
        if data is None or not data.available:
            raise remote_error("remote_car_unavailable")
        if command.wakes_car and (until := self.wakeups.blocked_until(vehicle_id)):
            raise remote_error("remote_wake_up_limit", until=until.date().isoformat())

    async def _async_post(self, flight: _InFlight) -> RemoteProgress:
        label = f"ha-{secrets.token_hex(8)}"
        try:
            callback_id = flight.callback_id = await self.callback.async_id()
            return await self.client.send_remote(
                flight.vehicle_id, callback_id, flight.command, label=label
            )
        except LOST_ANSWER_ERRORS as err:
            if flight.callback_id is None:  # the POST was never sent
                raise remote_error("remote_refused", error=str(err)) from err
            _LOGGER.warning("The answer to a command was lost (%s); looking for it", err)
            return await self._async_adopt(flight, label)
        except PsaError as err:
            if isinstance(err, NoDataError):
                self.callback.forget()
            raise _refusal(err) from err

    async def _async_adopt(self, flight: _InFlight, label: str) -> RemoteProgress:
        """The POST's answer was lost: the command, if the API has it; never a resend."""
        assert flight.callback_id is not None
        try:
            remotes = await self.client.list_remotes(flight.vehicle_id, flight.callback_id)
        except PsaError as err:
            _LOGGER.debug("Could not list the car's commands: %s", err)
            remotes = []
        found = next((r for r in remotes if r.label == label), None)
        if found is None or found.kind is not flight.command.kind:
            self.lost += 1
            raise remote_error("remote_answer_lost")
        self.adopted += 1
        _LOGGER.info("The command was found at the API and is followed")
        return found

    # -- following ---------------------------------------------------------------------

    @callback
    def _track(self, flight: _InFlight, progress: RemoteProgress) -> None:
        flight.note(progress)
        self._note_wake(flight, progress)
        if not progress.state.final and (early := self._early.pop(progress.remote_id, None)):
            self._update(flight, early)
            return
        if progress.state.final:
            self._finish(flight, progress)
            return
        self._schedule_poll(flight)
        self.coordinator.async_update_listeners()

    @callback
    def async_on_event(self, progress: RemoteProgress) -> None:
        """Progress pushed to our webhook (any command; others' are ignored)."""
        flight = self._flight_of(progress.remote_id)
        if flight is None or flight.progress is None:
            # Maybe ours, pushed before the POST's answer arrived: kept a little while.
            self._early[progress.remote_id] = progress
            while len(self._early) > EARLY_EVENTS_KEPT:
                del self._early[next(iter(self._early))]
            return
        if not flight.progress.state.final:
            self._update(flight, progress)

    @callback
    def _update(self, flight: _InFlight, progress: RemoteProgress) -> None:
        label = flight.progress.label if flight.progress is not None else None
        progress = replace(progress, kind=flight.command.kind, label=label)
        flight.note(progress)
        self._note_wake(flight, progress)
        if progress.state.final:
            self._finish(flight, progress)
        else:
            self.coordinator.async_update_listeners()

    def _flight_of(self, remote_id: str) -> _InFlight | None:
        return next(
            (f for f in self._flights.values() if f.progress and f.progress.remote_id == remote_id),
            None,
        )

    def _note_wake(self, flight: _InFlight, progress: RemoteProgress) -> None:
        woke = progress.status == WAKING or (
            flight.command.kind is RemoteKind.WAKE_UP and progress.state is RemoteState.SUCCESS
        )
        if woke and not flight.woke:
            flight.woke = True
            self.wakeups.note_wake_up(flight.vehicle_id)
        if "TooManyWakeUpsOverMonth" in (progress.status, progress.failure_cause):
            self.wakeups.note_limit(flight.vehicle_id)

    @callback
    def _schedule_poll(self, flight: _InFlight) -> None:
        through_push = self.push is not None and self.push.state is PushState.ACTIVE
        interval = PUSH_POLL_INTERVAL if through_push else POLL_INTERVAL
        flight.timer = self.clock.call_later(
            interval.total_seconds(), HassJob(callback(lambda _now: self._poll(flight)))
        )

    @callback
    def _poll(self, flight: _InFlight) -> None:
        flight.timer = None
        key = (flight.vehicle_id, flight.command.kind)
        if self._flights.get(key) is not flight or flight.progress is None:
            return
        self.entry.async_create_background_task(
            self.hass, self._async_poll(flight), f"{DOMAIN} command poll"
        )

    async def _async_poll(self, flight: _InFlight) -> None:
        assert flight.progress is not None
        assert flight.callback_id is not None
        try:
            read = await self.client.get_remote(
                flight.vehicle_id, flight.callback_id, flight.progress.remote_id
            )
        except PsaError as err:
            _LOGGER.debug("Reading a command's progress failed: %s", err)
            read = None
        if (
            flight.progress.state.final
            or self._flights.get((flight.vehicle_id, flight.command.kind)) is not flight
        ):
            return  # a pushed event finished it meanwhile
        if read is not None and read.state.final:
            self._update(flight, read)
            return
        if read is not None:
            self._update(flight, read)
        if self.clock.utcnow() - flight.started >= FOLLOW_FOR:
            gave_up = replace(flight.progress, state=RemoteState.FAILED, status=NO_OUTCOME)
            self._update(flight, gave_up)
            return
        self._schedule_poll(flight)

    @callback
    def _finish(self, flight: _InFlight, progress: RemoteProgress) -> None:
        if flight.timer is not None:
            flight.timer()
            flight.timer = None
        key = (flight.vehicle_id, flight.command.kind)
        self._results[key] = progress
        self._fire(flight, progress)
        if progress.state is RemoteState.SUCCESS:
            # Shown as pending until the car's status confirms it.
            self.entry.async_create_background_task(
                self.hass, self._async_confirm(flight), f"{DOMAIN} command confirm"
            )
            return
        self._flights.pop(key, None)
        self.coordinator.async_update_listeners()

    async def _async_confirm(self, flight: _InFlight) -> None:
        """One status read of the car after a success: entities show the car's state."""
        try:
            status = await self.coordinator.async_read_status(flight.vehicle_id)
        except PsaError as err:
            _LOGGER.debug("Status read after a command failed: %s", err)
            status = None
        finally:
            self._flights.pop((flight.vehicle_id, flight.command.kind), None)
        applied = status is not None and self.coordinator.async_apply_push(
            flight.vehicle_id, status=status
        )
        if not applied:
            self.coordinator.async_update_listeners()

    def _fire(self, flight: _InFlight, progress: RemoteProgress) -> None:
        data = (self.coordinator.data or {}).get(flight.vehicle_id)
        device_id = self.coordinator.vehicles.device_id(data.vehicle.vin) if data else None
        self.hass.bus.async_fire(
            EVENT_REMOTE_RESULT,
            {
                "device_id": device_id,
                "kind": flight.command.kind.value,
                "result": progress.state.value,
                "cause": progress.failure_cause
                or (progress.status if progress.status == NO_OUTCOME else None),
            },
        )

    def _push_callback_id(self) -> str | None:
        return self.push.callback_id if self.push is not None else None

    def diagnostics(self) -> dict[str, Any]:
        """Granted kinds, commands in flight and their counts (car ids redacted by the caller)."""
        return {
            "granted": sorted(kind.value for kind in self.kinds),
            "in_flight": [
                {"kind": kind.value, "status": f.progress.status if f.progress else "Sending"}
                for (_vid, kind), f in self._flights.items()
            ],
            "sent": self.sent,
            "adopted_after_lost_answer": self.adopted,
            "lost_answers": self.lost,
            "last_results": [
                {"kind": kind.value, "result": p.state.value, "cause": p.failure_cause}
                for (_vid, kind), p in self._results.items()
            ],
            "wake_ups": list(self.wakeups.diagnostics().values()),
        }


def _refusal(err: PsaError) -> HomeAssistantError:
    """The translated error of a POST the API refused."""
    if isinstance(err, RateLimitedError):
        return remote_error("remote_rate_limited", retry_after=str(round(err.retry_after or 60)))
    if isinstance(err, AccessDeniedError):
        return remote_error("remote_missing_rights")
    if isinstance(err, AuthenticationError):
        return remote_error("remote_auth_failed")
    return remote_error("remote_refused", error=str(err))
