"""Push engine (placeholder until monitors land)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.core import Simulator
    from simulator.world.vehicle import Vehicle


class PushEngine:
    """Evaluates monitors on uploads and delivers webhook messages."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def on_upload(self, vehicle: Vehicle) -> None:
        """A car uploaded new data."""
        del vehicle

    def tick(self) -> None:
        """Wake the delivery worker."""

    def pending(self) -> int:
        """Messages waiting for delivery."""
        return 0

    async def run(self) -> None:
        """Delivery worker (placeholder)."""

    async def close(self) -> None:
        """Release the HTTP session."""
