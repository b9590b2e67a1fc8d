"""Remote commands: their kinds and scopes, the bodies to POST, and their progress.

Everything the API says about a command (the POST's answer, ``GET .../remotes[/{rid}]``,
and the webhook's remote events) is normalised here, once, into ``RemoteProgress``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
import logging
from types import MappingProxyType
from typing import Any

from .errors import InvalidResponseError
from .parsing import as_list, as_mapping, dig, to_str

_LOGGER = logging.getLogger(__name__)


class RemoteKind(StrEnum):
    """What a command acts on (the API's ``RemoteType``)."""

    DOORS = "Doors"
    CHARGING = "ElectricBatteryChargingRequest"
    PRECONDITIONING = "ThermalPreconditioning"
    HORN = "Horn"
    LIGHTS = "Lights"
    WAKE_UP = "WakeUp"
    NAVIGATION = "Navigation"


REMOTE_SCOPES: Mapping[RemoteKind, str] = MappingProxyType(
    {
        RemoteKind.DOORS: "remote:door:write",
        RemoteKind.PRECONDITIONING: "remote:preconditioning:write",
        RemoteKind.HORN: "remote:horn:write",
        RemoteKind.CHARGING: "remote:charging:write",
        RemoteKind.LIGHTS: "remote:lights:write",
        RemoteKind.WAKE_UP: "remote:wakeup:write",
        RemoteKind.NAVIGATION: "remote:navigation:write",
    }
)
"""The OAuth scope each kind of command needs."""

BODY_KEYS: Mapping[RemoteKind, str] = MappingProxyType(
    {
        RemoteKind.DOORS: "door",
        RemoteKind.CHARGING: "charging",
        RemoteKind.PRECONDITIONING: "preconditioning",
        RemoteKind.HORN: "horn",
        RemoteKind.LIGHTS: "lights",
        RemoteKind.WAKE_UP: "wakeUp",
        RemoteKind.NAVIGATION: "navigation",
    }
)
"""The member of the ``Remote`` body that carries each kind of action."""

WEEK_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_NAVIGATION_POINTS = 10
PROGRAM_SLOTS = range(1, 5)


def granted_kinds(scope: str | None) -> frozenset[RemoteKind]:
    """The commands a token's ``scope`` (space-separated) allows; none when unknown."""
    granted = set((scope or "").replace(",", " ").split())
    return frozenset(kind for kind, needed in REMOTE_SCOPES.items() if needed in granted)


@dataclass(frozen=True)
class RemoteCommand:
    """One action to send: its kind, the action's body, and whether it wakes a sleeping car.

    The API documents that a navigation is sent without waking the car (no
    ``WakingUpVehicle`` step); every other action wakes it when it sleeps.
    """

    kind: RemoteKind
    body: Mapping[str, Any]
    wakes_car: bool = True

    def to_body(self, label: str) -> dict[str, Any]:
        """The ``Remote`` document to POST, labelled so it can be found again."""
        return {"label": label, BODY_KEYS[self.kind]: dict(self.body)}

    @classmethod
    def lock_doors(cls, locked: bool) -> RemoteCommand:
        """Lock (``True``) or unlock the doors."""
        return cls(RemoteKind.DOORS, {"state": "Locked" if locked else "Unlocked"})

    @classmethod
    def charge_now(cls, start: bool) -> RemoteCommand:
        """Start charging now, or stop it."""
        return cls(RemoteKind.CHARGING, {"immediate": start})

    @classmethod
    def delayed_charge(cls, at: datetime) -> RemoteCommand:
        """Start the next charge at ``at`` (an aware time)."""
        if at.tzinfo is None:
            raise ValueError("the delayed charge time needs a time zone")
        stamp = at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return cls(RemoteKind.CHARGING, {"schedule": {"nextDelayedTime": stamp}})

    @classmethod
    def precondition_now(cls, on: bool) -> RemoteCommand:
        """Start or stop preconditioning now."""
        return cls(RemoteKind.PRECONDITIONING, {"airConditioning": {"immediate": on}})

    @classmethod
    def precondition_program(
        cls, slot: int, days: Sequence[str], start: time, enabled: bool
    ) -> RemoteCommand:
        """Set one of the four weekly preconditioning programs."""
        if slot not in PROGRAM_SLOTS:
            raise ValueError("the program slot must be 1 to 4")
        unknown = [day for day in days if day not in WEEK_DAYS]
        if unknown or not days:
            raise ValueError(f"days must be some of {', '.join(WEEK_DAYS)}")
        ordered = [day for day in WEEK_DAYS if day in days]
        program = {
            "slot": slot,
            "enabled": enabled,
            "recurrence": "Daily",
            "start": f"PT{start.hour}H{start.minute}M",
            "occurence": {"day": ordered},
            "actionsType": "Set",
        }
        return cls(RemoteKind.PRECONDITIONING, {"airConditioning": {"programs": [program]}})

    @classmethod
    def horn(cls) -> RemoteCommand:
        """Sound the horn."""
        return cls(RemoteKind.HORN, {"state": "Activated"})

    @classmethod
    def lights(cls) -> RemoteCommand:
        """Flash the lights."""
        return cls(RemoteKind.LIGHTS, {"on": True})

    @classmethod
    def wake_up(cls) -> RemoteCommand:
        """Wake the car so it uploads fresh data."""
        return cls(RemoteKind.WAKE_UP, {"action": "WakeUp"})

    @classmethod
    def navigation(
        cls, points: Sequence[tuple[float, float]], driver_approval: bool
    ) -> RemoteCommand:
        """Send waypoints then the destination, each ``(latitude, longitude)``."""
        if not 1 <= len(points) <= MAX_NAVIGATION_POINTS:
            raise ValueError(f"a navigation takes 1 to {MAX_NAVIGATION_POINTS} points")
        positions = []
        for latitude, longitude in points:
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError("latitude must be within ±90 and longitude within ±180")
            # GeoJSON puts the longitude first.
            positions.append({"type": "Point", "coordinates": [longitude, latitude]})
        body = {"driverApproval": driver_approval, "positions": positions}
        return cls(RemoteKind.NAVIGATION, body, wakes_car=False)


class RemoteState(StrEnum):
    """Where a command stands, normalised."""

    PENDING = "pending"
    SUCCESS = "success"
    ALREADY_DONE = "already_done"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        """Whether nothing more will happen to the command."""
        return self is not RemoteState.PENDING


PENDING_STATUSES = frozenset({"Accepted", "WakingUpVehicle", "CheckingVehicle", "SentToVehicle"})
REFUSING_STATUSES = frozenset({"VehicleBatteryChargeTooLow", "TooManyWakeUpsOverMonth"})
"""Pending statuses that end the command: the API will not send it to the car."""
FAILURE_CAUSES = frozenset(
    {
        "GeneralError",
        "VehicleError",
        "WrongCommand",
        "VehicleConnectionTimeout",
        "MissingRights",
        "NotPossibleDueToVehicleBatteryLevel",
        "NotPossibleDueToVehiclePrivacyLevel",
        "TooManyWakeUpsOverMonth",
        "TooManyRequestInShortTime",
        "SameActionInProgress",
        "NotPossibleDueToVehicleStolenState",
        "VehicleInUse",
        "TooManyRequestSent",
        "DoorsOpen",
        "VehicleErrorOrCidInside",
        "CidInside",
        "ExternalChargingSystemError",
        "VehicleChargingSystemError",
        "VehicleIsNotLocked",
        "CanceledByDriver",
    }
)
_DONE = {"Success": RemoteState.SUCCESS, "AlreadyDone": RemoteState.ALREADY_DONE}


@dataclass(frozen=True)
class RemoteProgress:
    """What is known of one command: ``status`` is the API's word, ``state`` its meaning."""

    remote_id: str
    kind: RemoteKind
    state: RemoteState
    status: str
    failure_cause: str | None = None
    label: str | None = None


def remote_state(status: str, *, done: bool | None = None) -> RemoteState:
    """The state a status means (``done``: the event's type said Done or Pending)."""
    if status in _DONE:
        return _DONE[status]
    if status == "Failed" or status in REFUSING_STATUSES:
        return RemoteState.FAILED
    if status not in PENDING_STATUSES:
        _LOGGER.warning("Unknown remote command status %r", status)
        # A final event with a status we do not know: the command is over, not a success.
        return RemoteState.FAILED if done else RemoteState.PENDING
    return RemoteState.PENDING


def _cause(state: RemoteState, status: str, cause: str | None) -> str | None:
    if state is not RemoteState.FAILED:
        return None
    cause = cause or (status if status in REFUSING_STATUSES else None)
    if cause is not None and cause not in FAILURE_CAUSES:
        _LOGGER.warning("Unknown remote command failure cause %r", cause)
    return cause


def _kind(value: object, fallback: RemoteKind | None) -> RemoteKind | None:
    kind = value[0] if isinstance(value, list) and value else value
    try:
        return RemoteKind(str(kind))
    except ValueError:
        return fallback


def _progress(
    remote_id: str, kind: RemoteKind, status: str, cause: str | None, *, done: bool | None = None
) -> RemoteProgress:
    state = remote_state(status, done=done)
    return RemoteProgress(remote_id, kind, state, status, _cause(state, status, cause))


def parse_remote_post(doc: object, sent: RemoteKind) -> RemoteProgress:
    """The POST's answer (``RemotePostResponse``): the command's id, pending."""
    data = as_mapping(doc)
    remote_id = to_str(data.get("remoteActionId")) if data is not None else None
    if data is None or remote_id is None:
        raise InvalidResponseError("remote: no remoteActionId in the answer")
    kind = _kind(data.get("type"), sent) or sent
    status = to_str(data.get("status")) or "Accepted"
    return _progress(remote_id, kind, status, to_str(data.get("failureCause")))


def parse_remote(doc: object) -> RemoteProgress | None:
    """One ``RemoteAction`` (``GET .../remotes/{rid}`` or a list item); ``None`` if unusable."""
    data = as_mapping(doc)
    if data is None:
        return None
    remote_id = to_str(data.get("remoteActionId")) or to_str(data.get("id"))
    remote = as_mapping(data.get("remote")) or {}
    kind = _kind(data.get("type"), None) or next(
        (kind for kind, key in BODY_KEYS.items() if key in remote), None
    )
    if remote_id is None or kind is None:
        return None
    status = to_str(data.get("status")) or "Accepted"
    progress = _progress(remote_id, kind, status, to_str(data.get("failureCause")))
    label = to_str(remote.get("label"))
    return progress if label is None else _with_label(progress, label)


def _with_label(progress: RemoteProgress, label: str) -> RemoteProgress:
    return RemoteProgress(
        progress.remote_id,
        progress.kind,
        progress.state,
        progress.status,
        progress.failure_cause,
        label,
    )


def parse_remotes(doc: object) -> list[RemoteProgress]:
    """One page of ``GET .../remotes`` (items that cannot be read are skipped)."""
    data = as_mapping(doc)
    if data is None:
        raise InvalidResponseError("remotes: expected a JSON object")
    embedded = as_mapping(data.get("_embedded")) or {}
    items = next(
        (as_list(value) for key, value in embedded.items() if str(key).lower() == "remoteactions"),
        [],
    )
    return [parsed for parsed in map(parse_remote, items) if parsed is not None]


def parse_remote_event(message: Mapping[str, Any]) -> RemoteProgress | None:
    """A webhook message of type ``Remote``; ``None`` when it cannot be followed.

    An event without an action id or a status, or of a kind we never send, is logged
    and skipped (refusing it would only make the API deliver it again for days).
    """
    event = as_mapping(message.get("remoteEvent")) or {}
    remote_id = to_str(event.get("remoteActionId"))
    status = to_str(dig(event, "eventStatus", "status"))
    kind = _kind(to_str(event.get("remoteType")), None)
    if remote_id is None or status is None or kind is None:
        _LOGGER.warning(
            "A pushed remote event without an action id, a status or a known kind was skipped"
        )
        return None
    done = to_str(dig(event, "eventStatus", "type")) == "Done"
    cause = to_str(dig(event, "eventStatus", "failureCause"))
    return _progress(remote_id, kind, status, cause, done=done)
