"""The translated errors a command can end in (one place for every translation key)."""

from __future__ import annotations

import re

from homeassistant.exceptions import HomeAssistantError

from ..api import AccessDeniedError, AuthenticationError, PsaError, RateLimitedError
from ..api.remotes import FAILURE_CAUSES, REFUSING_STATUSES, RemoteProgress, RemoteState
from ..const import DOMAIN

IN_PROGRESS_STATUSES = ("Accepted", "WakingUpVehicle", "CheckingVehicle", "SentToVehicle")
"""Pending statuses with their own "already in progress" message."""


def snake(name: str) -> str:
    """``TooManyWakeUpsOverMonth`` -> ``too_many_wake_ups_over_month`` (a translation key)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def remote_error(key: str, **placeholders: str) -> HomeAssistantError:
    """A translated error of the ``exceptions`` section."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def failure_key(progress: RemoteProgress) -> str:
    """The translation key of a failed command: its cause's, or a generic one."""
    cause = progress.failure_cause
    if cause is not None and (cause in FAILURE_CAUSES or cause in REFUSING_STATUSES):
        return f"remote_failed_{snake(cause)}"
    if progress.status == NO_OUTCOME:
        return "remote_no_outcome"
    return "remote_failed"


NO_OUTCOME = "NoOutcome"
"""Our status for a command the API did not finish within the time we follow it."""


def failure_error(progress: RemoteProgress) -> HomeAssistantError:
    """The error of a command the API refused or that failed."""
    return remote_error(failure_key(progress), cause=progress.failure_cause or progress.status)


def in_progress_error(progress: RemoteProgress | None) -> HomeAssistantError:
    """The second press while a command of the same kind is on its way."""
    status = progress.status if progress is not None else None
    if (
        progress is not None
        and progress.state is RemoteState.PENDING
        and (status in IN_PROGRESS_STATUSES)
    ):
        return remote_error(f"remote_in_progress_{snake(status)}")
    return remote_error("remote_in_progress")


def refusal_error(err: PsaError) -> HomeAssistantError:
    """The translated error of a command the API refused outright (HTTP error)."""
    if isinstance(err, RateLimitedError):
        return remote_error("remote_rate_limited", retry_after=str(round(err.retry_after or 60)))
    if isinstance(err, AccessDeniedError):
        return remote_error("remote_missing_rights")
    if isinstance(err, AuthenticationError):
        return remote_error("remote_auth_failed")
    return remote_error("remote_refused", error=str(err))
