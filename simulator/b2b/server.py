"""The v3 application and its HTTPS listener that requires a client certificate (mTLS)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from simulator.b2b import monitor_routes, reads, remote_routes
from simulator.b2b.backend import B2B_PREFIX, B2bBackend
from simulator.b2b.gate import b2b_errors, b2b_gate
from simulator.b2b.keys import B2B_KEY


def create_b2b_app(backend: B2bBackend) -> web.Application:
    """The ``/connectedcar/v3`` application (served only by the mTLS listener)."""
    app = web.Application(middlewares=[b2b_errors, b2b_gate])
    app[B2B_KEY] = backend
    reads.add_routes(app, B2B_PREFIX)
    monitor_routes.add_routes(app, B2B_PREFIX)
    remote_routes.add_routes(app, B2B_PREFIX)
    return app


async def start_listener(backend: B2bBackend, port: int = 0) -> None:
    """Serve the v3 application over HTTPS on the simulator's host; sets ``backend.port``."""
    runner = web.AppRunner(create_b2b_app(backend), shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    host = backend.sim.config.host
    site = web.TCPSite(runner, host, port, ssl_context=backend.pki.server_context())
    await site.start()
    backend.runner = runner
    backend.port = runner.addresses[0][1]
    backend.monitors.public_base = backend.base_url


async def stop_listener(backend: B2bBackend) -> None:
    """Stop serving and remove the PKI's files."""
    if backend.runner is not None:
        await backend.runner.cleanup()
        backend.runner = None
    backend.pki.close()


def listener_context(port: int) -> Callable[[web.Application], AsyncIterator[None]]:
    """A ``cleanup_ctx`` entry that runs the listener while the main application runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        backend = app[B2B_KEY]
        await start_listener(backend, port)
        worker = asyncio.create_task(backend.deliveries.run(), name="sim-b2b-push")
        yield
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        await backend.deliveries.close()
        await stop_listener(backend)

    return context
