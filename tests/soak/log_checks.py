"""What the soaks count as an unhandled exception in the log."""

from __future__ import annotations

import logging

import pytest

UNHANDLED = (
    "Traceback",
    "Unexpected error",
    "Error doing job",
    "Exception in callback",
    "Task exception was never retrieved",
    "Error handling request",
)
NOT_OURS = ("aiohttp.access", "aiohttp.server", "simulator")


def unhandled(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings or errors with a traceback, and the loop's own reports, outside the
    simulator and aiohttp's access log."""
    found = []
    for record in caplog.records:
        if record.name.startswith(NOT_OURS):
            continue
        message = record.getMessage()
        if (record.levelno >= logging.WARNING and record.exc_info) or any(
            marker in message for marker in UNHANDLED
        ):
            found.append(f"{record.name}: {message}")
    return found
