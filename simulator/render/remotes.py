"""A ``RemoteAction`` document, as the v4 and v3 APIs both answer it."""

from __future__ import annotations

from simulator.remotes.model import RemoteRecord
from simulator.render.common import Json


def remote_action(record: RemoteRecord, links: Json) -> Json:
    """The action's document with the API's ``_links`` of it."""
    doc: Json = {
        "_links": links,
        "remoteActionId": record.id,
        "type": record.type,
        "status": record.status,
        "remote": record.remote,
    }
    if record.failure is not None:
        doc["failureCause"] = record.failure
    return doc
