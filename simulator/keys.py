"""The aiohttp application key under which the live ``Simulator`` is stored."""

from __future__ import annotations

from aiohttp import web

from simulator.core import Simulator

SIMULATOR_KEY: web.AppKey[Simulator] = web.AppKey("simulator", Simulator)
