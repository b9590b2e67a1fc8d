"""Properties of the redirect reader, error mapping, paging and the rate budget."""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any

from hypothesis import given, strategies as st
from yarl import URL

from custom_components.psa_connected_car.api import (
    PsaError,
    RateBudget,
    RateLimitedError,
    RedirectParseError,
    parse_redirect,
)
from custom_components.psa_connected_car.api.http_errors import (
    error_for_response,
    parse_error_body,
)
from custom_components.psa_connected_car.api.paging import collect_pages

from .fakes import FakeClock
from .strategies import JSON, property_settings, run_sync

REDIRECT = "mymap://oauth2redirect/fr"
CODE = "123e4567-e89b-12d3-a456-426614174000"
BASE = URL("http://127.0.0.1/connectedcar/v4")

PASTED = st.one_of(
    st.text(),
    st.builds(
        lambda prefix, query: f"{prefix}?{query}",
        st.sampled_from([REDIRECT, "https://x.invalid/", "mymap://oauth2redirect/de", ""]),
        st.text(alphabet="abcdefstateoder=&%-0123456789"),
    ),
    st.just(f"{REDIRECT}?code={CODE}&state=s"),
)


@property_settings()
@given(PASTED)
def test_redirect_gives_a_code_or_a_typed_error(pasted: str) -> None:
    outcome = _redirect_outcome(pasted)
    if isinstance(outcome, RedirectParseError):
        assert outcome.reason in {
            "empty",
            "wrong_scheme",
            "state_mismatch",
            "missing_code",
            "invalid_code",
            "error_returned",
        }
        assert CODE not in str(outcome)
    else:
        assert len(outcome) == 36


def _redirect_outcome(pasted: str) -> str | RedirectParseError:
    try:
        return parse_redirect(pasted, REDIRECT, "s")
    except RedirectParseError as err:
        return err


@property_settings()
@given(
    st.integers(min_value=400, max_value=599),
    st.one_of(st.binary(), JSON.map(lambda value: json.dumps(value).encode())),
    st.dictionaries(st.sampled_from(["Retry-After", "X-RateLimit-Reset"]), st.text()),
)
def test_error_mapping_is_total(status: int, body: bytes, headers: dict[str, str]) -> None:
    parse_error_body(body)
    error = error_for_response(status, body, headers)
    assert isinstance(error, PsaError)
    assert error.status == status
    if isinstance(error, RateLimitedError):
        assert error.retry_after is None or error.retry_after >= 0


LINKS = st.one_of(st.none(), st.sampled_from([f"/p{n}" for n in range(8)]), st.text(max_size=12))
PAGES = st.dictionaries(
    st.sampled_from([f"/p{n}" for n in range(8)]),
    st.fixed_dictionaries(
        {"_embedded": st.fixed_dictionaries({"items": st.lists(st.integers(), max_size=3)})},
        optional={"total": st.one_of(st.integers(-2, 20), JSON), "next": LINKS, "self": LINKS},
    ),
)


@property_settings()
@given(PAGES, st.integers(min_value=1, max_value=12))
def test_paging_always_terminates(pages: dict[str, dict[str, Any]], cap: int) -> None:
    fetched: list[URL] = []

    async def fetch(url: URL) -> Mapping[str, Any] | None:
        fetched.append(url)
        page = pages.get(url.path.removeprefix(BASE.path))
        if page is None:
            return None
        links = {k: {"href": page[k]} for k in ("next", "self") if page.get(k) is not None}
        return {**page, "_links": links}

    def parse(doc: Mapping[str, Any]) -> list[Any]:
        return list(doc["_embedded"]["items"])

    run_sync(collect_pages(BASE / "p0", fetch, parse, BASE, max_pages=cap))
    assert len(fetched) <= min(cap, 8)
    assert len({str(u) for u in fetched}) == len(fetched)
    assert all(u.host == BASE.host for u in fetched)


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.booleans()),
        st.tuples(st.just("wait"), st.floats(min_value=0, max_value=90)),
        st.tuples(
            st.just("headers"),
            st.dictionaries(
                st.sampled_from(
                    [
                        "X-RateLimit-Limit",
                        "X-RateLimit-Remaining",
                        "X-RateLimit-Remaining-1",
                        "X-RateLimit-Limit-2",
                        "X-RateLimit-Remaining-2",
                        "X-RateLimit-Reset",
                    ]
                ),
                st.one_of(st.integers(-5, 200).map(str), st.text(max_size=4)),
            ),
        ),
        st.tuples(st.just("429"), st.floats(min_value=0, max_value=120)),
    ),
    max_size=80,
)


def _acquire(budget: RateBudget, *, wait: bool) -> float | None:
    """``None`` when the request may go, else the ``retry_after`` of the refusal."""
    try:
        run_sync(budget.acquire(wait=wait, max_wait_s=30))
    except RateLimitedError as err:
        assert err.retry_after is not None  # noqa: PT017 - a refusal must say when to retry
        return err.retry_after
    return None


@property_settings()
@given(STEPS, st.integers(1, 20), st.integers(1, 5))
def test_budget_never_exceeded(steps: list[tuple[str, Any]], limit: int, burst: int) -> None:
    clock = FakeClock()
    budget = RateBudget(limit=limit, window_s=60, burst_limit=burst, clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    for kind, value in steps:
        if kind == "send":
            retry_after = _acquire(budget, wait=value)
            if retry_after is None:
                sent.append(clock())
            else:
                assert retry_after > 0
        elif kind == "wait":
            clock.advance(value)
        elif kind == "headers":
            budget.update_from_headers(value)
        else:
            budget.note_rate_limited(value)
        assert 0 <= budget.remaining <= limit
        assert budget.blocked_for >= 0
    for index, start in enumerate(sent):
        assert sum(1 for t in sent[index:] if t < start + 60) <= limit
        assert sum(1 for t in sent[index:] if t < start + 1) <= burst
