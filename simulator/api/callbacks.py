"""Callbacks, monitors and remotes (placeholder)."""

from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    """Register callback routes."""
    del app
