"""``create_app``: one aiohttp application serving the IdPs, the API and ``/_sim``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import logging

from aiohttp import web

from simulator import control
from simulator.api import callbacks, gate, remotes, vehicles
from simulator.api.common import API_PREFIX, ApiError, sim_of
from simulator.b2b import control as b2b_control
from simulator.b2b.backend import B2bBackend
from simulator.b2b.keys import B2B_KEY
from simulator.b2b.server import listener_context
from simulator.config import SimulatorConfig
from simulator.core import Simulator
from simulator.idp import handlers as idp
from simulator.keys import SIMULATOR_KEY
from simulator.remotes import control as remote_control

__all__ = ["SIMULATOR_KEY", "create_app"]

_LOGGER = logging.getLogger(__name__)
TICK_SECONDS = 1.0


@web.middleware
async def safety_net(request: web.Request, handler: gate.Handler) -> web.StreamResponse:
    """API errors in the API's shape; never a traceback."""
    sim = sim_of(request)
    try:
        return await handler(request)
    except ApiError as err:
        return sim.errors.response(err.code, err.message, sim.now())
    except web.HTTPException as exc:
        if not request.path.startswith(API_PREFIX) or exc.status < 400:
            raise
        return sim.errors.response(exc.status * 100, exc.reason, sim.now())
    except Exception:  # the point: no stack trace ever reaches a client
        _LOGGER.exception("unexpected error serving %s", request.path)
        return sim.errors.response(50000, "Internal server error", sim.now())


async def _ticker(sim: Simulator) -> None:
    """With a running clock, keep the world (and push events) moving without requests."""
    while not sim.stopping.is_set():
        sim.sync()
        sim.push.tick()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sim.stopping.wait(), TICK_SECONDS)


async def _background(app: web.Application) -> AsyncIterator[None]:
    sim = app[SIMULATOR_KEY]
    tasks = [
        asyncio.create_task(sim.push.run(), name="sim-push"),
        asyncio.create_task(sim.remotes.run(), name="sim-remotes"),
    ]
    if sim.config.time_scale > 0:
        tasks.append(asyncio.create_task(_ticker(sim), name="sim-ticker"))
    yield
    sim.stopping.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sim.push.close()


async def _on_shutdown(app: web.Application) -> None:
    app[SIMULATOR_KEY].stopping.set()


def create_app(config: SimulatorConfig) -> web.Application:
    """A ready-to-run application; ``app[SIMULATOR_KEY]`` is the live ``Simulator``."""
    app = web.Application(middlewares=[safety_net, control.control_errors, gate.gate])
    app[SIMULATOR_KEY] = Simulator(config)
    idp.add_routes(app)
    vehicles.add_routes(app)
    callbacks.add_routes(app)
    remotes.add_routes(app)
    control.add_routes(app)
    remote_control.add_routes(app)
    if config.b2b:
        app[B2B_KEY] = B2bBackend(app[SIMULATOR_KEY], config.fleets)
        b2b_control.add_routes(app)
        app.cleanup_ctx.append(listener_context(config.b2b_port))
    app.cleanup_ctx.append(_background)
    app.on_shutdown.append(_on_shutdown)
    return app
