"""The v3 gateway: errors in the API's shape, ``client_id``, rate limit, Basic auth, stats.

The TLS layer already refused any connection without a client certificate of the test CA;
what gets here is checked like the real gateway does: ``client_id`` (400 missing, 401
unknown), the shared sliding-window limit per client (429 + ``Retry-After``), then the
``BasicAuth`` of the security scheme (401 with ``WWW-Authenticate``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from aiohttp import web

from simulator.api.common import ApiError
from simulator.api.gate import (
    Handler,
    _early_fault as early_fault,  # the v4 gateway's fault answers
    _mangle as mangle,
    endpoint_name,
    pause,
)
from simulator.b2b.backend import B2bBackend
from simulator.b2b.lookup import backend_of
from simulator.errors import gateway_html

_LOGGER = logging.getLogger(__name__)
STATS_PREFIX = "v3."
V3_FAULTS = (
    "error",
    "latency",
    "timeout",
    "malformed",
    "truncated",
    "html",
    "no_data",
    "lost_answer",
    "cut_answer",
)
LOST_ANSWERS = ("lost_answer", "cut_answer")
"""Served (a remote is under way), then the answer never arrives, as on the v4 gateway."""


def basic_credentials(header: str) -> tuple[str, str] | None:
    """``(user, password)`` of a ``Basic`` Authorization header, None when not one."""
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except binascii.Error, UnicodeDecodeError:
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


@web.middleware
async def b2b_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """API errors as ``xError`` bodies; never a traceback."""
    backend = backend_of(request)
    sim = backend.sim
    try:
        return await handler(request)
    except ApiError as err:
        return sim.errors.response(err.code, err.message, sim.now())
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return sim.errors.response(exc.status * 100, exc.reason, sim.now())
    except Exception:  # the point: no stack trace ever reaches a client
        _LOGGER.exception("unexpected error serving %s", request.path)
        return sim.errors.response(50000, "Internal server error", sim.now())


@web.middleware
async def b2b_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """client_id, rate limit, Basic credentials; counts every request per endpoint."""
    backend = backend_of(request)
    sim = backend.sim
    name = STATS_PREFIX + endpoint_name(request)
    sim.counters.count(name)
    client_id = request.query.get("client_id")
    if not client_id:
        raise ApiError(40000, "Missing required query parameter client_id")
    if client_id != backend.client_id:
        raise ApiError(40100, "Unknown client_id")
    now = sim.clock.timestamp()
    decision = sim.limiter.check(client_id, now)
    if not decision.allowed:
        sim.counters.rate_limited += 1
        return sim.errors.response(42900, "Too many requests", sim.now(), decision.headers)
    sim.counters.accepted(now)
    credentials = basic_credentials(request.headers.get("Authorization", ""))
    if credentials is None or not _matches(credentials, backend):
        refused = sim.errors.response(40100, "Invalid credentials", sim.now(), decision.headers)
        refused.headers["WWW-Authenticate"] = 'Basic realm="connectedcar"'
        return refused
    fault = sim.faults.pick(name, request.path, V3_FAULTS)
    response: web.StreamResponse | None = await early_fault(request, sim, fault)
    if response is None:
        sim.sync()
        try:
            response = await handler(request)
        except ApiError as err:
            response = sim.errors.response(err.code, err.message, sim.now())
        if fault is not None and fault.kind in ("malformed", "truncated"):
            response = mangle(response, fault.kind)
        if fault is not None and fault.kind in LOST_ANSWERS:
            await pause(sim, fault.delay_s if fault.delay_s is not None else 0.0)
            if fault.kind == "cut_answer" and request.transport is not None:
                request.transport.abort()
            response = gateway_html(fault.status or 504)
    response.headers.update(decision.headers)
    return response


def _matches(credentials: tuple[str, str], backend: B2bBackend) -> bool:
    user, password = credentials
    same_user = hmac.compare_digest(user.encode(), backend.user.encode())
    same_password = hmac.compare_digest(password.encode(), backend.password.encode())
    return same_user and same_password
