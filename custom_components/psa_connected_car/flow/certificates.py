"""Client certificates for the partner API (mTLS): storage and validation."""

from __future__ import annotations

from collections.abc import Mapping
import contextlib
import os
from pathlib import Path
import shutil
import ssl
from typing import Any

from homeassistant.components.file_upload import process_uploaded_file
from homeassistant.core import HomeAssistant

from ..api import CertificateError as ApiCertificateError, async_create_ssl_context
from ..const import CONF_CA_FILE, CONF_CERT_FILE, CONF_CERTIFICATE, CONF_KEY_FILE, DOMAIN

FILE_NAMES = {CONF_CERT_FILE: "client.crt", CONF_KEY_FILE: "client.key", CONF_CA_FILE: "ca.crt"}


class CertificateError(Exception):
    """The uploaded files do not make a usable client certificate."""

    def __init__(self, reason: str) -> None:
        """``reason`` is a translation key of the certificate step."""
        super().__init__(reason)
        self.reason = reason


def certificate_dir(hass: HomeAssistant, flow_or_entry_id: str) -> Path:
    """Where one account's certificate files live (inside the config directory)."""
    return Path(hass.config.path(".storage", DOMAIN, flow_or_entry_id))


async def async_accept_uploads(
    hass: HomeAssistant, user_input: Mapping[str, str], flow_id: str
) -> dict[str, str] | None:
    """Store and check the certificate step's uploads; ``None`` when nothing was uploaded.

    Files that do not make a usable certificate are deleted again.
    """
    uploads = {key: value for key, value in user_input.items() if value}
    if not uploads:
        return None
    if len(uploads.keys() & {CONF_CERT_FILE, CONF_KEY_FILE}) != 2:
        raise CertificateError("certificate_incomplete")
    folder = certificate_dir(hass, flow_id)
    paths = await async_store_uploads(hass, uploads, folder)
    try:
        await async_validated_ssl_context(paths)
    except CertificateError:
        await async_remove_certificates(hass, folder)
        raise
    return paths


async def async_take_uploads(
    hass: HomeAssistant, user_input: Mapping[str, str], flow_id: str, setup: dict[str, Any]
) -> dict[str, str]:
    """Accept the certificate step's uploads into the flow's ``setup``: the form's errors.

    None when the files make a usable certificate, or when nothing was uploaded (``setup``
    keeps what it had).
    """
    try:
        paths = await async_accept_uploads(hass, user_input, flow_id)
    except CertificateError as err:
        return {"base": err.reason}
    if paths is not None:
        setup[CONF_CERTIFICATE] = paths
    return {}


async def async_store_uploads(
    hass: HomeAssistant, uploads: Mapping[str, str], folder: Path
) -> dict[str, str]:
    """Move uploaded files into ``folder`` with 0600 permissions; return their paths."""
    return await hass.async_add_executor_job(_store_uploads, hass, dict(uploads), folder)


def _store_uploads(hass: HomeAssistant, uploads: dict[str, str], folder: Path) -> dict[str, str]:
    stored: dict[str, str] = {}
    try:
        _private_folder(folder.parent)
        _private_folder(folder)
        for field, file_id in uploads.items():
            target = folder / FILE_NAMES[field]
            with process_uploaded_file(hass, file_id) as uploaded:
                _copy_private(uploaded, target)
            stored[field] = str(target)
    except (ValueError, OSError) as err:
        _remove_folder(hass, folder)
        raise CertificateError("certificate_unreadable") from err
    return stored


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)  # also when it existed already, whatever the umask


def _copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` into a new file that nobody else can read, from its first byte on."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()  # an upload that replaces an earlier one of the same flow
    descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
        shutil.copyfileobj(data, out)


async def async_validated_ssl_context(paths: Mapping[str, str]) -> ssl.SSLContext:
    """Build the SSL context, telling apart unreadable files and a key that does not match."""
    try:
        return await async_create_ssl_context(
            paths[CONF_CERT_FILE], paths[CONF_KEY_FILE], paths.get(CONF_CA_FILE)
        )
    except ApiCertificateError as err:
        cause = err.__cause__
        mismatch = isinstance(cause, ssl.SSLError) and "KEY_VALUES_MISMATCH" in str(cause)
        raise CertificateError(
            "certificate_key_mismatch" if mismatch else "certificate_unreadable"
        ) from err


async def async_remove_certificates(hass: HomeAssistant, folder: Path) -> None:
    """Delete an account's certificate folder; never anything outside our own folder."""
    await hass.async_add_executor_job(_remove_folder, hass, folder)


def certificate_folder(paths: Mapping[str, str] | None) -> Path | None:
    """The folder that holds an entry's or a flow's stored certificate files."""
    return Path(paths[CONF_CERT_FILE]).parent if paths else None


def _remove_folder(hass: HomeAssistant, folder: Path) -> None:
    if certificate_dir(hass, "").resolve() not in folder.resolve().parents:
        return
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder)
