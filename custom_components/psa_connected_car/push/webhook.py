"""The webhook that receives the API's pushed events: authenticate, parse, hand over.

A delivery is one message (``api-b2c-webhook-template``) or a JSON array of them (the
API batches when many are due). Answers: 401 without our secret, 400 for a body that is
not such a message, 503 while our monitors are not known yet (the API retries every
10 s), 200 otherwise, also for events we ignore, so the API does not retry them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http import HTTPStatus
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads

from ..api import Alert, InvalidResponseError, VehicleStatus, parse_alert, parse_status
from ..api.parsing import as_list, as_mapping, parse_timestamp, to_str
from ..api.remotes import RemoteProgress, parse_remote_event
from .registration import AUTHORIZATION, PushIdentity

if TYPE_CHECKING:
    from ..vehicles.data import VehicleData

_LOGGER = logging.getLogger(__name__)

ALERT_DATA = "vehicle.alert"
_STATUS_EXTENSION = "vehicle.status"
_ALERTS_EXTENSION = "vehicle.alerts"
STALE_TOLERANCE = timedelta(minutes=5)


class MalformedPushError(ValueError):
    """The body is not a webhook message of the API."""


@dataclass(frozen=True)
class PushEvent:
    """One monitor event: which monitor fired, when, and the data it carried."""

    monitor_id: str
    date: datetime | None
    status: VehicleStatus | None
    alerts: tuple[Alert, ...] | None
    triggers: frozenset[str]

    @property
    def about_alerts(self) -> bool:
        """The alerts changed (the monitor watches ``vehicle.alert``)."""
        return ALERT_DATA in self.triggers or self.alerts is not None


def parse_deliveries(payload: object) -> list[PushEvent | RemoteProgress]:
    """Monitor events and remote-command progress of a delivery, in their order."""
    messages = payload if isinstance(payload, list) else [payload]
    events: list[PushEvent | RemoteProgress] = []
    for message in messages:
        data = as_mapping(message)
        if data is None or to_str(data.get("type")) is None:
            raise MalformedPushError("a message must be an object with a type")
        if data["type"] == "Monitor":
            events.append(_monitor_event(data))
        elif data["type"] == "Remote" and (progress := parse_remote_event(data)) is not None:
            events.append(progress)
    return events


def _monitor_event(message: Mapping[str, Any]) -> PushEvent:
    event = as_mapping(message.get("monitorEvent"))
    monitor_id = to_str(event.get("monitorId")) if event is not None else None
    if event is None or monitor_id is None:
        raise MalformedPushError("a monitor message needs monitorEvent.monitorId")
    status, alerts = _extensions(event.get("extensions"))
    triggers = frozenset(
        name
        for name in (
            to_str((as_mapping(value) or {}).get("data")) for value in _list(event, "values")
        )
        if name
    )
    return PushEvent(monitor_id, parse_timestamp(message.get("date")), status, alerts, triggers)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is not None and not isinstance(value, list):
        raise MalformedPushError(f"{key} must be a list")
    return as_list(value)


def _extensions(value: object) -> tuple[VehicleStatus | None, tuple[Alert, ...] | None]:
    if value is not None and not isinstance(value, list):
        raise MalformedPushError("extensions must be a list")
    status: VehicleStatus | None = None
    alerts: tuple[Alert, ...] | None = None
    for extension in as_list(value):
        data = as_mapping(extension)
        if data is None:
            raise MalformedPushError("an extension must be an object")
        body = [as_mapping(item) or {} for item in _list(data, "body")]
        kind = data.get("type")
        try:
            if kind == _STATUS_EXTENSION and body and "status" in body[0]:
                status = parse_status(body[0]["status"])
            elif kind == _ALERTS_EXTENSION and body and "alerts" in body[0]:
                alerts = _alerts(body[0]["alerts"])
        except InvalidResponseError as err:
            raise MalformedPushError(str(err)) from err
    return status, alerts


def _alerts(value: object) -> tuple[Alert, ...]:
    if not isinstance(value, list):
        raise MalformedPushError("alerts must be a list")
    parsed = (parse_alert(item) for item in value)
    return tuple(alert for alert in parsed if alert is not None and alert.active)


def status_is_newer(status: VehicleStatus | None, known: VehicleStatus | None) -> bool:
    """Pushed data never replaces newer data (retried or out-of-order deliveries)."""
    if status is None:
        return False
    known_at = known.updated_at if known is not None else None
    return status.updated_at is None or known_at is None or status.updated_at >= known_at


def fresh_alerts(
    event: PushEvent, current: VehicleData, last_pushed: datetime | None
) -> tuple[Alert, ...] | None:
    """The event's alerts unless older than what is known; polled messages are kept.

    An event dated well before the car's last known upload, or before the last alerts
    pushed, is stale. Alerts already known keep the message polled in the user's alert
    language (pushed ones may come in another).
    """
    if event.alerts is None:
        return None
    known_at = current.status.updated_at if current.status is not None else None
    if event.date is not None and (
        (known_at is not None and event.date < known_at - STALE_TOLERANCE)
        or (last_pushed is not None and event.date < last_pushed)
    ):
        return None
    messages = {alert.id: alert.message for alert in current.alerts if alert.message}
    return tuple(
        replace(alert, message=messages[alert.id])
        if alert.id in messages and alert.message != messages[alert.id]
        else alert
        for alert in event.alerts
    )


class LogOnce:
    """Logs a message once per key (then at debug level), remembering a bounded set of keys."""

    def __init__(self, logger: logging.Logger, cap: int = 256) -> None:
        """Log to ``logger``; past ``cap`` keys everything goes to debug."""
        self._logger = logger
        self._cap = cap
        self._seen: set[str] = set()

    def info(self, key: str, message: str) -> None:
        """``message`` at info level the first time ``key`` is seen."""
        if key in self._seen or len(self._seen) >= self._cap:
            self._logger.debug("%s; ignored", message)
            return
        self._seen.add(key)
        self._logger.info("%s; ignored (logged once)", message)


class PushWebhook:
    """Home Assistant's webhook handler for one config entry."""

    def __init__(
        self,
        identity: PushIdentity,
        dispatch: Callable[[PushEvent], None],
        ready: Callable[[], bool],
        dispatch_remote: Callable[[RemoteProgress], None] | None = None,
    ) -> None:
        """``dispatch`` applies one event; ``ready`` tells whether our monitors are known;
        ``dispatch_remote`` receives the progress of remote commands."""
        self._identity = identity
        self._dispatch = dispatch
        self._dispatch_remote = dispatch_remote
        self._ready = ready
        self._malformed_logged = False
        self.accepted = 0
        self.rejected = 0
        self.last_accepted_at: datetime | None = None

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer one delivery (never raises: the webhook component would log our id)."""
        if not self._identity.authorizes(request.headers.get(AUTHORIZATION)):
            self.rejected += 1
            _LOGGER.debug("Push delivery without our secret refused")
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        try:
            events = parse_deliveries(json_loads(await request.read()))
        except (MalformedPushError, ValueError) as err:
            self.rejected += 1
            self._log_malformed(err)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if not self._ready():
            return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
        try:
            for event in events:
                if isinstance(event, PushEvent):
                    self._dispatch(event)
                elif self._dispatch_remote is not None:
                    self._dispatch_remote(event)
        except Exception:
            _LOGGER.exception("A push delivery could not be applied")
            return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)
        self.accepted += 1
        self.last_accepted_at = dt_util.utcnow()
        return web.Response(status=HTTPStatus.OK)

    def _log_malformed(self, err: Exception) -> None:
        reason = err if isinstance(err, MalformedPushError) else "not JSON"
        if self._malformed_logged:
            _LOGGER.debug("Malformed push delivery refused: %s", reason)
            return
        self._malformed_logged = True
        _LOGGER.warning(
            "The API pushed a delivery Home Assistant cannot read (%s); it was refused. "
            "Further ones are logged at debug level",
            reason,
        )
