"""The aiohttp application key under which the live ``B2bBackend`` is stored."""

from __future__ import annotations

from aiohttp import web

from simulator.b2b.backend import B2bBackend

B2B_KEY: web.AppKey[B2bBackend] = web.AppKey("b2b", B2bBackend)
