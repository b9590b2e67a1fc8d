"""The API gateway: client id, rate limit, faults, bearer token and realm, stats."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from simulator.api.common import ACCOUNT_KEY, API_PREFIX, SCOPE_KEY, ApiError, sim_of
from simulator.brands import BRANDS
from simulator.core import Simulator
from simulator.errors import gateway_html, gateway_unauthorized
from simulator.faults import FaultSpec

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REQUEST_FAULTS = (
    "error",
    "latency",
    "timeout",
    "malformed",
    "truncated",
    "html",
    "revoke_access",
    "no_data",
    "lost_answer",
    "cut_answer",
)


def endpoint_name(request: web.Request) -> str:
    """The route's name (the spec's operationId for API routes)."""
    route = request.match_info.route
    return route.name or "unknown"


async def pause(sim: Simulator, seconds: float) -> None:
    """Sleep real seconds, cut short when the server stops."""
    try:
        await asyncio.wait_for(sim.stopping.wait(), seconds)
    except TimeoutError:
        return


@web.middleware
async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Everything the real gateway does before and around an API call."""
    sim = sim_of(request)
    path = request.path
    is_api = path.startswith(API_PREFIX)
    if not is_api and not path.startswith("/idp/"):
        return await handler(request)
    name = endpoint_name(request)
    sim.counters.count(name)
    now = sim.clock.timestamp()
    headers: dict[str, str] = {}
    if is_api:
        sim.public_base = f"{request.scheme}://{request.host}{API_PREFIX}"
        client_id = request.query.get("client_id")
        if not client_id:
            raise ApiError(40000, "Missing required query parameter client_id")
        if client_id not in sim.clients:
            raise ApiError(40100, "Unknown client_id")
        decision = sim.limiter.check(client_id, now)
        if not decision.allowed:
            sim.counters.rate_limited += 1
            return sim.errors.response(42900, "Too many requests", sim.now(), decision.headers)
        sim.counters.accepted(now)
        headers = decision.headers
    fault = sim.faults.pick(name, path, REQUEST_FAULTS)
    try:
        response = await _serve(request, handler, sim, fault)
    except ApiError as err:
        response = sim.errors.response(err.code, err.message, sim.now())
    response.headers.update(headers)
    return response


async def _serve(
    request: web.Request, handler: Handler, sim: Simulator, fault: FaultSpec | None
) -> web.StreamResponse:
    early = await _early_fault(request, sim, fault)
    if early is not None:
        return early
    if request.path.startswith(API_PREFIX):
        denied = authorize(request, sim)
        if denied is not None:
            return denied
        sim.sync()
    response = await handler(request)
    if fault is not None and fault.kind in ("malformed", "truncated"):
        return _mangle(response, fault.kind)
    if fault is not None and fault.kind in ("lost_answer", "cut_answer"):
        # The request was served (a remote is under way) but the answer never arrives.
        await pause(sim, fault.delay_s if fault.delay_s is not None else 0.0)
        if fault.kind == "cut_answer" and request.transport is not None:
            request.transport.abort()
        return gateway_html(fault.status or 504)
    return response


async def _early_fault(
    request: web.Request, sim: Simulator, fault: FaultSpec | None
) -> web.StreamResponse | None:
    """Faults that answer instead of the handler (``None``: go on to the handler)."""
    if fault is None:
        return None
    if fault.kind in ("latency", "timeout"):
        default = 2.0 if fault.kind == "latency" else 60.0
        await pause(sim, fault.delay_s if fault.delay_s is not None else default)
        return gateway_html(504) if fault.kind == "timeout" else None
    if fault.kind == "revoke_access":
        sim.tokens.revoke_token(bearer(request) or "")
        return None
    answers: dict[str, Callable[[], web.StreamResponse]] = {
        "html": lambda: gateway_html(fault.status or 502),
        "error": lambda: sim.errors.response(
            (fault.status or 500) * 100, "Internal server error", sim.now()
        ),
        "no_data": lambda: sim.errors.response(
            40400, "No data available for such context", sim.now()
        ),
    }
    answer = answers.get(fault.kind)
    return answer() if answer is not None else None


def _mangle(response: web.StreamResponse, kind: str) -> web.StreamResponse:
    if not isinstance(response, web.Response) or response.body is None:
        return response
    body = bytes(response.body) if isinstance(response.body, (bytes, bytearray)) else b"{}"
    broken = body[: max(1, len(body) // 2)] if kind == "truncated" else b'{"_links": {<html>'
    mangled = web.Response(body=broken, status=response.status)
    mangled.content_type = response.content_type
    return mangled


def bearer(request: web.Request) -> str | None:
    """The bearer token of the request."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None


def authorize(request: web.Request, sim: Simulator) -> web.StreamResponse | None:
    """401 gateway body for a bad token, 403 API body for a realm mismatch."""
    token = bearer(request)
    grant = sim.tokens.lookup_access(token, sim.clock.timestamp()) if token else None
    if grant is None:
        return gateway_unauthorized()
    realm = request.headers.get("x-introspect-realm", "")
    expected = BRANDS[grant.brand_key].realm
    if realm != expected:
        return sim.errors.response(
            40301, f"x-introspect-realm {realm!r} does not match the token", sim.now()
        )
    request[ACCOUNT_KEY] = grant.email
    request[SCOPE_KEY] = grant.scope
    return None
