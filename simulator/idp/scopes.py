"""Which requested scopes a login is granted (remote scopes only where allowed)."""

from __future__ import annotations

from collections.abc import Collection

REMOTE_PREFIX = "remote:"


def granted_scope(requested: str, remote_allowed: Collection[str]) -> str:
    """The requested scopes, minus the remote ones this client may not have.

    The string comes back unchanged when nothing is dropped (its separator too); otherwise
    the kept scopes are joined with spaces.
    """
    parts = requested.replace(",", " ").split()
    kept = [p for p in parts if not p.startswith(REMOTE_PREFIX) or p in remote_allowed]
    return requested if kept == parts else " ".join(kept)
