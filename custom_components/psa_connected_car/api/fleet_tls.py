"""Telling a client certificate the server refuses apart from a network failure.

A server that refuses the certificate ends the TLS session: with an alert naming the
reason (``bad certificate``, ``unknown CA``, ``certificate required``...), or, for many
servers under TLS 1.3, by closing the connection right after the handshake without any
HTTP answer. The second case looks like a dropped connection; a probe tells them apart:
one more connection with the same context, one request, and the server either answers
(the drop was the network's) or closes again without a byte (the certificate).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

import aiohttp
from yarl import URL

from .errors import AuthenticationError, PsaError

PROBE_TIMEOUT_S = 10.0
REFUSAL_ALERTS = (
    "ALERT_BAD_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_CERTIFICATE_REQUIRED",
    "ALERT_CERTIFICATE_EXPIRED",
    "ALERT_CERTIFICATE_REVOKED",
    "ALERT_CERTIFICATE_UNKNOWN",
    "ALERT_UNSUPPORTED_CERTIFICATE",
    "ALERT_ACCESS_DENIED",
)


class CertificateRejectedError(AuthenticationError):
    """The server refused our client certificate during the TLS handshake."""


def _causes(err: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in chain:
        chain.append(current)
        os_error = getattr(current, "os_error", None)
        current = current.__cause__ or current.__context__ or os_error
    return chain


def refusal_alert(err: BaseException) -> str | None:
    """The TLS alert in ``err``'s chain that says the server refused our certificate."""
    for cause in _causes(err):
        if isinstance(cause, ssl.SSLError):
            text = f"{getattr(cause, 'reason', None) or ''} {cause}".upper()
            for alert in REFUSAL_ALERTS:
                if alert in text:
                    return alert
    return None


def _dropped_before_answer(err: BaseException) -> bool:
    """A close or reset while connecting or before the answer's first byte."""
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return True
    if isinstance(err, aiohttp.ClientConnectorError):
        return any(
            isinstance(cause, ConnectionResetError | ssl.SSLEOFError) for cause in _causes(err)
        )
    return False


async def closes_without_answer(url: URL, context: ssl.SSLContext) -> bool:
    """Whether the server closes a fresh TLS connection without answering a request."""
    host, port = url.host or "", url.port or 443
    request = f"HEAD {url.raw_path or '/'} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            reader, writer = await asyncio.open_connection(host, port, ssl=context)
            writer.write(request.encode("ascii", "ignore"))
            await writer.drain()
            answer = await reader.read(1)
    except ssl.SSLError as err:
        return refusal_alert(err) is not None or isinstance(err, ssl.SSLEOFError)
    except ConnectionResetError, BrokenPipeError:
        return True
    except OSError, TimeoutError:
        return False  # unreachable or silent: a connection problem, not the certificate
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
    return answer == b""


async def certificate_refusal(
    url: URL, err: BaseException, context: ssl.SSLContext
) -> PsaError | None:
    """A ``CertificateRejectedError`` when ``err`` came from a refused certificate."""
    alert = refusal_alert(err)
    if alert is None and not (
        _dropped_before_answer(err) and await closes_without_answer(url, context)
    ):
        return None
    reason = alert.removeprefix("ALERT_").replace("_", " ").lower() if alert else "closed"
    return CertificateRejectedError(f"the server refused the client certificate ({reason})")
