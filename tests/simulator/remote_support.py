"""Helpers of the remote-action tests: a logged-in client with remote scopes and a callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from simulator.remotes.model import REMOTE_SCOPES
from simulator.testing import RunningSimulator
from tests.simulator.conftest import Api, token_for
from tests.simulator.receiver import Receiver, webhook_receiver
from tests.simulator.test_contract import webhook

ALL_SCOPES = "openid profile " + " ".join(REMOTE_SCOPES)


@dataclass
class Remotes:
    """A client with a webhook callback, sending remotes to the demo cars."""

    api: Api
    receiver: Receiver
    callback: str

    @property
    def running(self) -> RunningSimulator:
        """The simulator."""
        return self.api.running

    def base(self, vehicle: str) -> str:
        """The remotes collection of a car on our callback."""
        return f"/user/vehicles/{vehicle}/callbacks/{self.callback}/remotes"

    async def send(self, vehicle: str, body: dict[str, Any], status: int = 202) -> str:
        """POST a remote (asserting the answer's status); its id ('' when refused)."""
        response = await self.api.send("POST", self.base(vehicle), body)
        assert response.status == status, await response.text()
        if status != 202:
            return ""
        answer = await response.json(content_type=None)
        remote_id: str = answer["remoteActionId"]
        return remote_id

    async def action(self, vehicle: str, remote_id: str) -> dict[str, Any]:
        """GET one remote action."""
        document: dict[str, Any] = await self.api.json(f"{self.base(vehicle)}/{remote_id}")
        return document

    async def events(self, remote_id: str | None = None) -> list[tuple[str, str, str | None]]:
        """(type, status, failureCause) of the remote events delivered so far."""
        await self.running.sim.push.drain()
        found = []
        for message in self.receiver.messages():
            event = message.get("remoteEvent")
            if event is None or (remote_id is not None and event["remoteActionId"] != remote_id):
                continue
            status = event["eventStatus"]
            found.append((status["type"], status["status"], status.get("failureCause")))
        return found

    async def run(self, vehicle: str, body: dict[str, Any], seconds: float = 60) -> dict[str, Any]:
        """Send a remote, let ``seconds`` of simulated time pass, return its final document."""
        remote_id = await self.send(vehicle, body)
        self.running.sim.advance(seconds)
        return await self.action(vehicle, remote_id)


async def login(
    running: RunningSimulator, session: aiohttp.ClientSession, scope: str = ALL_SCOPES
) -> Api:
    """The demo user logged in with the partner client, asking for ``scope``."""
    return Api(running, session, await token_for(running, session, scope=scope))


@asynccontextmanager
async def remotes_client(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    scope: str = ALL_SCOPES,
    types: tuple[str, ...] | None = ("Monitor", "Remote"),
) -> AsyncIterator[Remotes]:
    """A logged-in client whose callback (of ``types``; None: no type, so both) posts to a
    recording webhook."""
    api = await login(running, session, scope)
    async with webhook_receiver() as receiver:
        body = webhook(receiver.url)
        body.pop("type")
        if types is not None:
            body["type"] = list(types)
        response = await api.send("POST", "/user/callbacks", body)
        assert response.status == 200, await response.text()
        callback: str = (await response.json(content_type=None))["callbackId"]
        yield Remotes(api, receiver, callback)
