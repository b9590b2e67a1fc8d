"""Client-certificate SSL context for the partner API, built off the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
import ssl

from .errors import CertificateError


def create_ssl_context(
    cert_path: str | Path, key_path: str | Path, ca_path: str | Path | None = None
) -> ssl.SSLContext:
    """Build a verifying client context with a certificate and key (blocking I/O).

    With ``ca_path`` the server is verified against that CA bundle only,
    otherwise against the system's default trust store.
    """
    try:
        context = ssl.create_default_context(cafile=str(ca_path) if ca_path else None)
    except (OSError, ssl.SSLError) as err:
        raise CertificateError(f"the CA file cannot be loaded: {type(err).__name__}") from err
    try:
        context.load_cert_chain(certfile=str(cert_path), keyfile=str(key_path))
    except (OSError, ssl.SSLError) as err:
        raise CertificateError(
            f"the client certificate or key cannot be loaded: {type(err).__name__}"
        ) from err
    return context


async def async_create_ssl_context(
    cert_path: str | Path, key_path: str | Path, ca_path: str | Path | None = None
) -> ssl.SSLContext:
    """Build the context in the default executor so the event loop never blocks."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, create_ssl_context, cert_path, key_path, ca_path)
