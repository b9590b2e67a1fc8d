"""HAL paging: follow ``next`` but never loop, never leave the API host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from yarl import URL

from custom_components.psa_connected_car.api.paging import collect_pages, page_key, rebase_link

BASE = URL("http://127.0.0.1:8080/connectedcar/v4")
FIRST = BASE / "user" / "vehicles"


def _page(items: int, *, total: int | None = None, **links: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_links": {name: {"href": href} for name, href in links.items()},
        "_embedded": {"vehicles": [{"n": n} for n in range(items)]},
    }
    if total is not None:
        doc["total"] = total
    return doc


class Server:
    """Serves canned pages by path and query, and records the requested pages."""

    def __init__(self, pages: Mapping[str, dict[str, Any] | None]) -> None:
        self.pages = pages
        self.requested: list[URL] = []

    async def fetch(self, url: URL) -> Mapping[str, Any] | None:
        self.requested.append(url)
        key = url.path_qs.removeprefix(BASE.path)
        return self.pages.get(key, {"_embedded": {"vehicles": [{"n": "unexpected"}]}})


def _parse(doc: Mapping[str, Any]) -> list[Any]:
    return list(doc.get("_embedded", {}).get("vehicles", []))


async def _walk(pages: Mapping[str, dict[str, Any] | None], **kwargs: Any) -> tuple[int, int]:
    server = Server(pages)
    items = await collect_pages(FIRST, server.fetch, _parse, BASE, **kwargs)
    return len(items), len(server.requested)


async def test_follows_next_until_absent() -> None:
    pages = {
        "/user/vehicles": _page(2, total=5, self="/user/vehicles", next="/user/vehicles?p=2"),
        "/user/vehicles?p=2": _page(2, total=5, next="/connectedcar/v4/user/vehicles?p=3"),
        "/user/vehicles?p=3": _page(1, total=5),
    }
    assert await _walk(pages) == (5, 3)


async def test_next_equal_to_self_with_total_zero() -> None:
    href = "/vehicles/X/alerts?limit=10&offset=0&locale=en_US"
    pages = {"/user/vehicles": _page(1, total=0, self=href, next=href)}
    assert await _walk(pages) == (1, 1)


async def test_next_equal_to_self_without_total() -> None:
    pages = {"/user/vehicles": _page(3, self="/user/vehicles", next="/user/vehicles")}
    assert await _walk(pages) == (3, 1)


async def test_cycle_between_pages_stops() -> None:
    pages = {
        "/user/vehicles": _page(1, next="/user/vehicles?p=2"),
        "/user/vehicles?p=2": _page(1, next="/user/vehicles?client_id=abc"),
    }
    assert await _walk(pages) == (2, 2)


async def test_empty_page_stops() -> None:
    pages = {
        "/user/vehicles": _page(2, total=99, next="/user/vehicles?p=2"),
        "/user/vehicles?p=2": _page(0, total=99, next="/user/vehicles?p=3"),
    }
    assert await _walk(pages) == (2, 2)


async def test_total_reached_stops() -> None:
    pages = {"/user/vehicles": _page(2, total=2, next="/user/vehicles?p=2")}
    assert await _walk(pages) == (2, 1)


async def test_page_cap() -> None:
    pages = {"/user/vehicles": _page(1, next="/user/vehicles?p=1")}
    pages |= {
        f"/user/vehicles?p={n}": _page(1, next=f"/user/vehicles?p={n + 1}") for n in range(100)
    }
    assert await _walk(pages, max_pages=7) == (7, 7)


async def test_missing_page_ends_walk() -> None:
    pages = {"/user/vehicles": _page(1, next="/user/vehicles?p=2"), "/user/vehicles?p=2": None}
    assert await _walk(pages) == (1, 2)


async def test_foreign_host_is_rebased() -> None:
    server = Server(
        {
            "/user/vehicles": _page(
                1, next="https://evil.example/connectedcar/v4/user/vehicles?p=2"
            ),
            "/user/vehicles?p=2": _page(1),
        }
    )
    await collect_pages(FIRST, server.fetch, _parse, BASE)
    assert all(url.host == "127.0.0.1" for url in server.requested)
    assert server.requested[1].query["p"] == "2"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/connectedcar/v4/user?a=1", "http://127.0.0.1:8080/connectedcar/v4/user?a=1"),
        ("/user?a=1", "http://127.0.0.1:8080/connectedcar/v4/user?a=1"),
        ("user", "http://127.0.0.1:8080/connectedcar/v4/user"),
        ("https://api.groupe-psa.com/connectedcar/v4", "http://127.0.0.1:8080/connectedcar/v4"),
    ],
)
def test_rebase_link(href: str, expected: str) -> None:
    assert str(rebase_link(href, BASE)) == expected


def test_rebase_link_rejects_garbage() -> None:
    assert rebase_link("http://[::1", BASE) is None


def test_page_key_ignores_client_id_and_order() -> None:
    assert page_key(URL("/a?x=1&y=2&client_id=c")) == page_key(URL("/a/?y=2&x=1"))
