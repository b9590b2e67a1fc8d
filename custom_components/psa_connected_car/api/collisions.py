"""Collisions: the model and the parser of ``GET /user/vehicles/{id}/collisions``.

The v4 API lists each impact under ``details`` (``side``, ``severity``: ``Minimal`` when no
safety system fired, ``Minor`` with the belt pretensioners, ``Major`` with the airbags). The
older v2 model gave one ``level`` per side (``front``, ``rear``, ``lateral``; ``NONE`` for no
impact there) and ``rollOver``: both are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .models import Position
from .parsers import block_time, page_items, parse_position
from .parsing import as_list, as_mapping, dig, parse_timestamp, to_bool, to_str

SEVERITY_ORDER = ("Minimal", "Minor", "Major")
"""The API's severities, mildest first."""
_V2_SIDES = ("front", "rear", "lateral")


@dataclass(frozen=True, slots=True)
class CollisionImpact:
    """One side hit, with the severity the API gives (``None`` when it gives none)."""

    side: str
    severity: str | None


@dataclass(frozen=True, slots=True)
class Collision:
    """One collision as the API reports it."""

    id: str
    occurred_at: datetime | None
    impacts: tuple[CollisionImpact, ...] = ()
    tipped_over: bool | None = None
    pedestrian: bool | None = None
    position: Position | None = field(default=None, repr=False)

    @property
    def severity(self) -> str | None:
        """The worst severity of the impacts (the API's word), ``None`` when none is given."""
        known = [i.severity for i in self.impacts if i.severity in SEVERITY_ORDER]
        return max(known, key=SEVERITY_ORDER.index) if known else None


def parse_collisions(doc: object) -> list[Collision]:
    """One page of ``/collisions`` (``_embedded.collisions``, any case), or a bare list."""
    return page_items(doc, "collisions", parse_collision, bare_list=True)


def parse_collision(doc: object) -> Collision | None:
    """One collision; ``None`` without an id."""
    data = as_mapping(doc)
    collision_id = to_str(data.get("id")) if data is not None else None
    if data is None or collision_id is None:
        return None
    tipped = to_bool(data.get("tippedOver"))
    return Collision(
        id=collision_id,
        occurred_at=parse_timestamp(data.get("createdAt") or block_time(data)),
        impacts=_impacts(data),
        tipped_over=tipped if tipped is not None else to_bool(data.get("rollOver")),
        pedestrian=to_bool(data.get("pedestrian")),
        position=parse_position(data.get("position")),
    )


def _impacts(data: Any) -> tuple[CollisionImpact, ...]:
    impacts = [
        CollisionImpact(side, to_str(dig(item, "severity")))
        for item in as_list(data.get("details"))
        if (side := to_str(dig(item, "side"))) is not None
    ]
    for side in _V2_SIDES:
        level = to_str(dig(data, side, "level"))
        if level is not None and level.upper() != "NONE":
            impacts.append(CollisionImpact(side.capitalize(), None))
    return tuple(impacts)
