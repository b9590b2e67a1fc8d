"""The v3 batch reads (``/fleets/{fid}/status`` ...): one document for the whole fleet.

Each item names its car by a ``vehicle`` link (``.../vehicles/{vid}``) and its ``vin``;
items are parsed by the same parsers as a car's own document and grouped by car.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .parsers import embedded_items, parse_alert, parse_maintenance
from .parsers_status import parse_status
from .parsing import dig, to_str
from .trips import parse_trip


class BatchKind(StrEnum):
    """A batch read, by its path under ``/fleets/{fid}``."""

    STATUS = "status"
    ALERTS = "alerts"
    MAINTENANCE = "maintenances"
    TRIPS = "trips"

    @property
    def path(self) -> str:
        """The path segment after the fleet id."""
        return self.value


_PARSERS: dict[BatchKind, Callable[[Mapping[str, Any]], object | None]] = {
    BatchKind.STATUS: parse_status,
    BatchKind.ALERTS: parse_alert,
    BatchKind.MAINTENANCE: parse_maintenance,
    BatchKind.TRIPS: parse_trip,
}


@dataclass
class BatchPage:
    """What a batch read returned, grouped by car (its id, else its VIN)."""

    kind: BatchKind
    by_id: dict[str, list[Any]] = field(default_factory=dict)
    by_vin: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, item: Mapping[str, Any], parsed: object) -> None:
        """File ``parsed`` under the car ``item`` names; an item naming none is dropped."""
        if (vehicle_id := vehicle_id_of(item)) is not None:
            self.by_id.setdefault(vehicle_id, []).append(parsed)
        elif (vin := to_str(item.get("vin"))) is not None:
            self.by_vin.setdefault(vin.upper(), []).append(parsed)

    def items_of(self, vehicle_id: str, vin: str | None) -> list[Any]:
        """The car's items (none: the fleet's document has nothing about the car)."""
        return self.by_id.get(vehicle_id, []) + self.by_vin.get((vin or "").upper(), [])


def vehicle_id_of(item: Mapping[str, Any]) -> str | None:
    """The car id at the end of the item's ``vehicle`` link (``.../vehicles/{vid}``)."""
    href = to_str(dig(item, "_links", "vehicle", "href"))
    if href is None:
        return None
    segments = [part for part in href.split("?", 1)[0].split("/") if part]
    if len(segments) >= 2 and segments[-2] == "vehicles":
        return segments[-1]
    return None


def parse_batch_page(doc: Mapping[str, Any], result: BatchPage) -> list[Any]:
    """Parse one page of a batch read into ``result``; the parsed items of the page."""
    parse = _PARSERS[result.kind]
    parsed_items: list[Any] = []
    for item in embedded_items(doc, result.kind.value):
        parsed = parse(item)
        if parsed is not None:
            result.add(item, parsed)
            parsed_items.append(parsed)
    return parsed_items
