"""Map error answers (API, gateway and OAuth body shapes) to typed errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import http

import orjson

from .errors import (
    AccessDeniedError,
    AuthenticationError,
    BadRequestError,
    InvalidClientError,
    InvalidGrantError,
    NoDataError,
    PsaError,
    RateLimitedError,
    ServerError,
)
from .parsing import as_mapping, to_int, to_str
from .rate_budget import retry_after_from_headers


@dataclass(frozen=True)
class ErrorBody:
    """What an error answer says, whichever of the three shapes it used."""

    code: int | None = None
    uuid: str | None = None
    message: str | None = None
    oauth_error: str | None = None


def parse_error_body(raw: bytes | str | None) -> ErrorBody:
    """Read ``{code, uuid, message}``, ``{httpMessage, moreInformation}`` or ``{error, ...}``."""
    if not raw:
        return ErrorBody()
    try:
        data = as_mapping(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return ErrorBody()
    if data is None:
        return ErrorBody()
    oauth_error = to_str(data.get("error"))
    message = (
        to_str(data.get("message"))
        or _joined(data.get("httpMessage"), data.get("moreInformation"))
        or to_str(data.get("error_description"))
    )
    return ErrorBody(
        code=to_int(data.get("code")),
        uuid=to_str(data.get("uuid")),
        message=message,
        oauth_error=oauth_error,
    )


def _joined(*parts: object) -> str | None:
    texts = [text for text in map(to_str, parts) if text]
    return ": ".join(texts) or None


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


_BY_OAUTH_ERROR: dict[str, type[PsaError]] = {
    "invalid_grant": InvalidGrantError,
    "invalid_client": InvalidClientError,
}
_BY_STATUS: dict[int, type[PsaError]] = {
    401: AuthenticationError,
    403: AccessDeniedError,
    404: NoDataError,
}


def _error_class(status: int, oauth_error: str | None) -> type[PsaError]:
    if oauth_error in _BY_OAUTH_ERROR:
        return _BY_OAUTH_ERROR[oauth_error]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return AuthenticationError if oauth_error is not None else BadRequestError


def error_for_response(
    status: int, raw_body: bytes | str | None, headers: Mapping[str, str]
) -> PsaError:
    """The typed error for a non-2xx answer of the API or of the token endpoint."""
    body = parse_error_body(raw_body)
    message = body.message or _reason(status)
    if body.oauth_error is not None:
        message = f"{body.oauth_error}: {message}"
    if status == 429:
        return RateLimitedError(
            message,
            retry_after=retry_after_from_headers(headers),
            status=status,
            code=body.code,
            uuid=body.uuid,
        )
    error_class = _error_class(status, body.oauth_error)
    return error_class(message, status=status, code=body.code, uuid=body.uuid)
