"""Error hierarchy, the three error-body shapes and scrubbing of messages."""

from __future__ import annotations

import orjson
import pytest

from custom_components.psa_connected_car.api import (
    AccessDeniedError,
    AuthenticationError,
    BadRequestError,
    InvalidClientError,
    InvalidGrantError,
    NoDataError,
    PsaError,
    RateLimitedError,
    ServerError,
    decisive_error,
    mask_vin,
    redact_text,
)
from custom_components.psa_connected_car.api.http_errors import (
    error_for_response,
    parse_error_body,
)

API_BODY = orjson.dumps(
    {
        "code": 40400,
        "uuid": "494f61d1-472a",
        "message": "Maintenance Not Found",
        "timestamp": "2024-01-01T00:00:00Z",
    }
)
GATEWAY_BODY = orjson.dumps(
    {"httpCode": "401", "httpMessage": "Unauthorized", "moreInformation": "Token is invalid"}
)
OAUTH_BODY = orjson.dumps({"error": "invalid_grant", "error_description": "grant is invalid"})


def test_mask_vin() -> None:
    assert mask_vin("VR3UHZKXZLT123456") == "***3456"
    assert mask_vin(None) == "***"
    assert mask_vin("") == "***"


def test_redact_text() -> None:
    text = redact_text(
        "car VR3UHZKXZLT123456 of jane@example.com at 48.858400,2.294500 "
        "Bearer abc.def access_token=xyz refresh_token: 'r1' my-client-secret",
        "my-client-secret",
    )
    for secret in ("VR3UHZKXZLT1", "jane@", "48.8584", "abc.def", "xyz", "r1", "my-client-secret"):
        assert secret not in text
    assert "***3456" in text
    assert len(redact_text("x" * 1000)) == 200


def test_error_str_and_fields() -> None:
    error = NoDataError("No data for VR3UHZKXZLT123456", status=404, code=40400, uuid="u")
    assert str(error) == "No data for ***3456 (status=404, code=40400, uuid=u)"
    assert (error.status, error.code, error.uuid) == (404, 40400, "u")
    assert str(PsaError()) == "PsaError"
    limited = RateLimitedError(retry_after=3.5)
    assert limited.retry_after == 3.5
    assert issubclass(InvalidGrantError, AuthenticationError)
    assert issubclass(InvalidClientError, AuthenticationError)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (API_BODY, (40400, "494f61d1-472a", "Maintenance Not Found", None)),
        (GATEWAY_BODY, (None, None, "Unauthorized: Token is invalid", None)),
        (OAUTH_BODY, (None, None, "grant is invalid", "invalid_grant")),
        (b"<html>502 Bad Gateway</html>", (None, None, None, None)),
        (b"[1, 2]", (None, None, None, None)),
        (b"", (None, None, None, None)),
        (None, (None, None, None, None)),
    ],
)
def test_parse_error_body(body: bytes | None, expected: tuple[object, ...]) -> None:
    parsed = parse_error_body(body)
    assert (parsed.code, parsed.uuid, parsed.message, parsed.oauth_error) == expected


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (401, GATEWAY_BODY, AuthenticationError),
        (400, OAUTH_BODY, InvalidGrantError),
        (401, b'{"error": "invalid_client"}', InvalidClientError),
        (400, b'{"error": "invalid_request"}', AuthenticationError),
        (403, b'{"code": 40300, "message": "Forbidden"}', AccessDeniedError),
        (404, API_BODY, NoDataError),
        (404, b'{"code": 40410, "message": "No vehicle"}', NoDataError),
        (429, b"", RateLimitedError),
        (500, b'{"code": 50000, "message": "boom"}', ServerError),
        (503, b"<html>down</html>", ServerError),
        (400, b'{"code": 40000}', BadRequestError),
        (418, b"", BadRequestError),
        (499, b"", BadRequestError),
    ],
)
def test_error_for_response(status: int, body: bytes, error_type: type[PsaError]) -> None:
    error = error_for_response(status, body, {"Retry-After": "7"})
    assert type(error) is error_type
    assert error.status == status
    if error_type is RateLimitedError:
        assert isinstance(error, RateLimitedError)
        assert error.retry_after == 7


def test_codes_and_uuid_are_carried() -> None:
    error = error_for_response(404, API_BODY, {})
    assert (error.code, error.uuid) == (40400, "494f61d1-472a")
    assert "Maintenance Not Found" in str(error)
    assert "HTTP 499" in str(error_for_response(499, b"", {}))


def test_of_errors_raised_together_auth_decides_then_the_rate_limit() -> None:
    server, limited, auth = ServerError("5xx"), RateLimitedError("429"), AuthenticationError("401")
    assert decisive_error([server, limited, auth]) is auth
    assert decisive_error([server, limited]) is limited
    assert decisive_error([server]) is server
