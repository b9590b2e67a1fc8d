"""Fixtures of the config-flow tests that upload files."""

from __future__ import annotations

from pathlib import Path
import tempfile

from homeassistant.core import HomeAssistant
import pytest


@pytest.fixture(autouse=True)
def own_upload_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Home Assistant's file_upload keeps uploads in one folder under the system's temp dir
    and deletes it when an instance starts or stops: parallel test workers would delete each
    other's uploads. Each test gets its own temp dir instead.
    """
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


@pytest.fixture
def own_config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A configuration folder of this test alone (the harness shares one between runs)."""
    folder = tmp_path / "config"
    folder.mkdir()
    hass.config.config_dir = str(folder)
    return folder
