"""Deterministic fault injection: "next N requests" or "probability p" (seeded)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
import fnmatch
import random
from typing import Any

FAULT_KINDS = (
    "error",  # 5xx with the API error body (status, default 500)
    "latency",  # answer normally after delay_s real seconds
    "timeout",  # hold the request delay_s real seconds, then 504 HTML
    "malformed",  # 200 with a body that is not JSON
    "truncated",  # 200 with the real body cut in half
    "html",  # gateway HTML error page (status, default 502)
    "revoke_access",  # the presented access token dies: 401 gateway body
    "revoke_refresh",  # the presented refresh token dies: invalid_grant
    "no_data",  # 404 {"code": 40400, ...}
    "shrink_limit",  # the window rate limit becomes ``limit`` (until clear_faults)
    "lost_answer",  # serve the request, then answer 504 HTML after delay_s (default 0)
    "cut_answer",  # serve the request, then close the connection without an answer
)


class FaultError(ValueError):
    """An invalid fault specification."""


@dataclass
class FaultSpec:
    """One fault. Give ``count`` (next N matching requests, default 1) or ``probability``.

    ``endpoint`` scopes it: a route name (``getVehicleStatus``, ``access_token``...) or a
    path glob (``/connectedcar/v4/user/vehicles/*/status``). Without it, a fault applies to
    every API request (``revoke_refresh`` to ``access_token``).
    """

    kind: str
    count: int | None = None
    probability: float | None = None
    endpoint: str | None = None
    status: int | None = None
    delay_s: float | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise FaultError(f"kind must be one of {FAULT_KINDS}")
        if self.count is not None and self.probability is not None:
            raise FaultError("give count or probability, not both")
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise FaultError("probability must be within [0, 1]")
        if self.probability is None and self.count is None:
            self.count = 1
        if self.count is not None and self.count < 1:
            raise FaultError("count must be >= 1")
        if self.kind == "shrink_limit" and (self.limit is None or self.limit < 0):
            raise FaultError("shrink_limit needs limit >= 0")
        if self.status is not None and not 400 <= self.status <= 599:
            raise FaultError("status must be an HTTP error status")
        if self.delay_s is not None and self.delay_s < 0:
            raise FaultError("delay_s must be >= 0")

    @classmethod
    def from_json(cls, data: Any) -> FaultSpec:
        """Build from a JSON object (FaultError when it does not fit)."""
        if not isinstance(data, dict):
            raise FaultError("a fault is a JSON object")
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise FaultError(f"unknown fault fields: {sorted(unknown)}")
        try:
            return cls(**data)
        except TypeError as err:
            raise FaultError(str(err)) from err

    def to_json(self) -> dict[str, Any]:
        """JSON view."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def matches(self, endpoint: str, path: str) -> bool:
        """Whether a request to that route applies."""
        if self.endpoint is None:
            if self.kind == "revoke_refresh":
                return endpoint == "access_token"
            return path.startswith("/connectedcar/")
        return self.endpoint == endpoint or fnmatch.fnmatchcase(path, self.endpoint)


class FaultInjector:
    """Active faults, consumed in order."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"{seed}:faults")
        self.active: list[FaultSpec] = []

    def add(self, spec: FaultSpec) -> None:
        """Activate a fault."""
        self.active.append(spec)

    def clear(self) -> None:
        """Remove every fault."""
        self.active.clear()

    def pick(
        self, endpoint: str, path: str, kinds: tuple[str, ...] | None = None
    ) -> FaultSpec | None:
        """The fault that fires for this request, if any (consuming one of its count)."""
        for spec in list(self.active):
            if spec.kind == "shrink_limit" or (kinds is not None and spec.kind not in kinds):
                continue
            if not spec.matches(endpoint, path):
                continue
            if spec.probability is not None:
                if self._rng.random() < spec.probability:
                    return spec
                continue
            assert spec.count is not None
            spec.count -= 1
            if spec.count <= 0:
                self.active.remove(spec)
            return spec
        return None

    def take_refresh_revocation(self) -> bool:
        """Whether a ``revoke_refresh`` fault fires for this token request."""
        return self.pick("access_token", "", ("revoke_refresh",)) is not None
