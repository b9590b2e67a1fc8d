"""What a user would see in Home Assistant's log."""

from __future__ import annotations

import logging

import pytest


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing logged at info or above carries a traceback or says "Unexpected error"."""
    shown = [record for record in caplog.records if record.levelno >= logging.INFO]
    assert not [record.getMessage() for record in shown if record.exc_info]
    assert not [record for record in shown if "Unexpected error" in record.getMessage()]
