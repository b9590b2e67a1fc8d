"""Remote commands of a fleet (``api-b2b.yaml``): its callbacks and their messages.

A fleet car's commands are the consumer API's (same ``Remote`` body, same
``RemoteAction`` answers), posted under ``/fleets/{fid}/vehicles/{vid}/callbacks/{cbid}``.
The callback is the fleet's (``/fleets/{fid}/remote/callbacks``) and names the
``remoteTypes`` it takes. Its messages follow ``api-b2b-webhook-template-v3.yaml``:
``{callbackId, attributes, events: [{remoteActionId, vin, eventDate, remoteType,
eventStatus}]}``; each event is read into the same ``RemoteProgress`` as a consumer one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .parsing import as_list, as_mapping, to_str
from .remotes import RemoteKind, RemoteProgress, parse_remote_event

FLEET_REMOTE_KINDS: tuple[RemoteKind, ...] = tuple(RemoteKind)
"""What our fleet callback takes: every kind we may send (never immobilization or stolen).

The callback outlives option changes, so it takes them all; what the entry offers is
decided by the commands the contract allows (the entry's options)."""


def remote_callback_body(target: str, headers: Mapping[str, str], label: str) -> dict[str, Any]:
    """A ``RemoteCallbackSubscribe`` delivering to ``target`` with ``headers``."""
    return {
        "label": label,
        "remoteTypes": [kind.value for kind in FLEET_REMOTE_KINDS],
        "retryPolicy": {"policy": "Bounded"},
        "callback": {
            "webhook": {
                "name": label,
                "target": target,
                "attributes": [
                    {"type": "Header", "key": key, "value": value} for key, value in headers.items()
                ],
            }
        },
    }


def is_remote_message(payload: object) -> bool:
    """Whether a delivery is a remote callback's message (not a monitor's)."""
    message = as_mapping(payload)
    return (
        message is not None
        and to_str(message.get("callbackId")) is not None
        and message.get("monitorId") is None
    )


def parse_fleet_remote_message(payload: object) -> list[RemoteProgress]:
    """The progress of every usable event of a remote message (others are skipped)."""
    message = as_mapping(payload) or {}
    events = (as_mapping(item) for item in as_list(message.get("events")))
    parsed = (parse_remote_event({"remoteEvent": event}) for event in events if event)
    return [progress for progress in parsed if progress is not None]
