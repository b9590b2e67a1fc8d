"""What an entity asked for, shown while its own command is on its way."""

from __future__ import annotations

from typing import Protocol

from ..api.remotes import RemoteCommand, RemoteKind


class _Commands(Protocol):
    def pending_command(self, vehicle_id: str, kind: RemoteKind) -> RemoteCommand | None: ...


class RequestedValue[T]:
    """The values behind the commands an entity sent, by command.

    A value counts while its very command is in flight (the commander keeps a successful
    one until the car's status confirmed it). A second press refused while the first is
    on its way does not hide the first; another entity's command of the same kind (the
    charge switch and the delayed charge time share one) does not show here.
    """

    def __init__(self) -> None:
        """Nothing asked yet."""
        self._asked: list[tuple[RemoteCommand, T]] = []

    def sent(self, command: RemoteCommand, value: T) -> None:
        """``command`` asks for ``value`` (call it just before sending)."""
        self._asked.append((command, value))

    def while_pending(self, commands: _Commands, vehicle_id: str) -> T | None:
        """The value asked for, while its command is in flight; else ``None``."""
        if not self._asked:
            return None
        pending = commands.pending_command(vehicle_id, self._asked[0][0].kind)
        self._asked = [(command, value) for command, value in self._asked if command is pending]
        return self._asked[0][1] if self._asked else None
