"""Hypothesis strategies: random JSON, API-flavoured values and mutated documents."""

from __future__ import annotations

from collections.abc import Coroutine
import copy
import os
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

CI_MIN_EXAMPLES = 2000

KEYS = [
    "type",
    "energies",
    "energy",
    "level",
    "autonomy",
    "extension",
    "electric",
    "fuel",
    "charging",
    "plugged",
    "status",
    "remainingTime",
    "chargingRate",
    "chargingMode",
    "nextDelayedTime",
    "battery",
    "health",
    "capacity",
    "odometer",
    "mileage",
    "lastPosition",
    "geometry",
    "coordinates",
    "properties",
    "heading",
    "signalQuality",
    "kinetic",
    "moving",
    "speed",
    "ignition",
    "doorsState",
    "lockedStates",
    "opening",
    "identifier",
    "state",
    "voltage",
    "environment",
    "air",
    "temp",
    "preconditioning",
    "preconditionning",
    "airConditioning",
    "privacy",
    "alarm",
    "activation",
    "engines",
    "thermic",
    "coolant",
    "oil",
    "service",
    "createdAt",
    "updatedAt",
    "id",
    "vin",
    "brand",
    "label",
    "motorization",
    "pictures",
    "href",
    "_embedded",
    "_links",
    "self",
    "next",
    "total",
    "vehicles",
    "alerts",
    "severity",
    "active",
    "startedAt",
    "endAt",
    "message",
    "startPosition",
    "daysBeforeMaintenance",
    "daysBeforeMaintenace",
    "mileageBeforeMaintenance",
    "callbacks",
    "subscribe",
    "callback",
    "webhook",
    "target",
    "attributes",
    "key",
    "value",
    "monitors",
    "monitorId",
    "monitor",
    "extendedEventParam",
    "triggerParam",
    "triggers",
    "data",
    "email",
    "firstName",
    "lastName",
]

API_TEXT = st.sampled_from(
    [
        "2024-05-02T07:31:05.000Z",
        "2017-08-10T13:46:39.652+0000",
        "2024-05-02T07:31:05",
        "2024-05-02T07:31:05.123456789+02:00",
        "Mon Jun 03 08:35:36 GMT 2019",
        "unknown",
        "10/13/2051",
        "PT2H55M",
        "PT0S",
        "P1DT",
        "53",
        "12,5",
        "-1",
        "215.0",
        "999999",
        "NaN",
        "Infinity",
        "Fuel",
        "Electric",
        "Hydrogen",
        "Locked",
        "Unlocked",
        "Active",
        "Inactive",
        "true",
        "",
    ]
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    API_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=25,
)


def property_settings() -> settings:
    """The loaded profile's example count (at least 2,000 on CI), no deadline."""
    examples = settings().max_examples
    if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
        examples = max(examples, CI_MIN_EXAMPLES)
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            paths.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths.extend(_paths(value, (*prefix, index)))
    return paths


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any], max_mutations: int = 6) -> Any:
    """``document`` with random subtrees replaced, deleted, duplicated or wrapped."""
    doc: Any = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        path = draw(st.sampled_from(_paths(doc)))
        action = draw(st.sampled_from(["replace", "delete", "wrap", "stringify", "nullify"]))
        if not path:
            if action == "replace":
                doc = draw(JSON)
            continue
        parent, key = _parent(doc, path), path[-1]
        if action == "delete":
            del parent[key]
        elif action == "wrap":
            parent[key] = [parent[key]]
        elif action == "stringify":
            parent[key] = str(parent[key])
        elif action == "nullify":
            parent[key] = None
        else:
            parent[key] = draw(JSON)
    return doc


def run_sync[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never really suspends (fake clock, canned pages)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise AssertionError("the coroutine suspended")
