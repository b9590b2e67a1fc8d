"""Error bodies in the shapes the real services use."""

from __future__ import annotations

from datetime import datetime
import random
from typing import Any

from aiohttp import web
import orjson

from simulator.clock import iso
from simulator.ids import seeded_uuid

GATEWAY_UNAUTHORIZED = {"httpMessage": "Unauthorized", "moreInformation": "Token is invalid"}

GATEWAY_HTML = """<!DOCTYPE html>
<html><head><title>{status} {reason}</title></head>
<body><center><h1>{status} {reason}</h1></center><hr><center>gateway</center></body></html>
"""


class ErrorFactory:
    """Builds API error responses with deterministic uuids (seeded)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:errors")

    def body(self, code: int, message: str, now: datetime) -> dict[str, Any]:
        """``{"code", "uuid", "message", "timestamp"}``."""
        return {
            "code": code,
            "uuid": seeded_uuid(self._rng),
            "message": message,
            "timestamp": iso(now),
        }

    def response(
        self,
        code: int,
        message: str,
        now: datetime,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        """API error response; the HTTP status is the first three digits of ``code``."""
        return json_response(self.body(code, message, now), code // 100, headers=headers)


def json_response(
    payload: object,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> web.Response:
    """JSON response with an exact content type."""
    response = web.Response(body=orjson.dumps(payload), status=status, headers=headers)
    response.content_type = content_type
    return response


def gateway_unauthorized() -> web.Response:
    """The API gateway's answer to a missing, unknown, revoked or expired token."""
    return json_response(GATEWAY_UNAUTHORIZED, 401)


def gateway_html(status: int) -> web.Response:
    """An HTML error page from the gateway (502/504...)."""
    reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}.get(
        status, "Error"
    )
    response = web.Response(text=GATEWAY_HTML.format(status=status, reason=reason), status=status)
    response.content_type = "text/html"
    return response


def oauth_error(error: str, description: str, status: int = 400) -> web.Response:
    """OAuth2 error body ``{"error", "error_description"}``."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="oauth2"'
    return json_response(
        {"error": error, "error_description": description}, status, headers=headers
    )
