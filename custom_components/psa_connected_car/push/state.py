"""Where push stands for one config entry."""

from __future__ import annotations

from enum import StrEnum


class PushState(StrEnum):
    """Where push stands for one entry."""

    OFF = "off"
    NO_URL = "no_url"
    REGISTERING = "registering"
    ACTIVE = "active"
    FAILED = "failed"
    SILENT = "silent"

    @property
    def polls_instead(self) -> bool:
        """Push is wanted but does not work: polling runs as if there were no push."""
        return self in (PushState.NO_URL, PushState.FAILED, PushState.SILENT)
