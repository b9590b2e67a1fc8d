"""Typed errors raised by the API client.

Every error carries the HTTP ``status`` and, when the server sent them, the API
``code`` (five digits, the first three being the HTTP status) and ``uuid``.
Messages are scrubbed: no token, secret, VIN, coordinate or e-mail ends up in them.
"""

from __future__ import annotations

from collections.abc import Sequence

from .redact import redact_text


class PsaError(Exception):
    """Base class of every error raised by this package."""

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        code: int | None = None,
        uuid: str | None = None,
    ) -> None:
        """Store the scrubbed message and the server's identifiers."""
        self.message = redact_text(message or type(self).__name__)
        self.status = status
        self.code = code
        self.uuid = uuid
        super().__init__(self.message)

    def __str__(self) -> str:
        """Message followed by the identifiers that help support."""
        details = [
            f"{name}={value}"
            for name, value in (("status", self.status), ("code", self.code), ("uuid", self.uuid))
            if value is not None
        ]
        return f"{self.message} ({', '.join(details)})" if details else self.message


class AuthenticationError(PsaError):
    """The credentials are no longer accepted: the user must sign in again."""


class InvalidGrantError(AuthenticationError):
    """The authorization code or refresh token is invalid, expired or revoked."""


class InvalidClientError(AuthenticationError):
    """The client id or secret is wrong."""


class AccessDeniedError(PsaError):
    """HTTP 403: the account may not access this resource (often a vehicle id)."""


class NoDataError(PsaError):
    """HTTP 404: no data for this context (codes 40400, 40410...)."""


class BadRequestError(PsaError):
    """Another 4xx answer: the request itself was refused."""


class RateLimitedError(PsaError):
    """Too many requests: do not send anything for ``retry_after`` seconds."""

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float | None = None,
        status: int | None = None,
        code: int | None = None,
        uuid: str | None = None,
    ) -> None:
        """Store the delay (seconds) after which sending is allowed again."""
        super().__init__(message, status=status, code=code, uuid=uuid)
        self.retry_after = retry_after


class ServerError(PsaError):
    """HTTP 5xx: the service failed."""


class PsaConnectionError(PsaError):
    """The service could not be reached, or it did not answer in time."""


class InvalidResponseError(PsaError):
    """The answer was not what the API promises (not JSON, HTML page, wrong shape)."""


class CertificateError(PsaError):
    """The client certificate, key or CA file could not be loaded."""


def decisive_error(errors: Sequence[Exception]) -> Exception:
    """Of errors raised together, the one that decides the outcome: auth, then rate limit."""

    def rank(error: Exception) -> int:
        if isinstance(error, AuthenticationError):
            return 0
        return 1 if isinstance(error, RateLimitedError) else 2

    return min(errors, key=rank)
