"""Walk HAL collections page by page, and never loop.

Stops when there is no ``next`` link, when ``next`` equals ``self`` or a page
already fetched, on an empty page, once ``total`` items are collected, and at a
hard page cap. ``next`` links are re-rooted on the configured API base so the
bearer token is never sent to another host.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any

from yarl import URL

from .parsing import as_list, as_mapping, dig, to_int, to_str

_LOGGER = logging.getLogger(__name__)
MAX_PAGES = 50
PAGE_SIZE = 60
_IGNORED_PARAMS = frozenset({"client_id"})

FetchPage = Callable[[URL], Awaitable[Mapping[str, Any] | None]]
ParsePage = Callable[[Mapping[str, Any]], list[Any]]


def page_key(url: URL) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Identity of a page: its path and sorted query (without ``client_id``)."""
    query = tuple(sorted((k, v) for k, v in url.query.items() if k not in _IGNORED_PARAMS))
    return url.path.rstrip("/"), query


def rebase_link(href: str, api_base: URL) -> URL | None:
    """A HAL ``href`` (absolute or relative) moved onto ``api_base``; ``None`` if unusable."""
    try:
        link = URL(href.strip())
    except ValueError:
        return None
    path = link.path if link.path.startswith("/") else "/" + link.path
    base_path = api_base.path.rstrip("/")
    if not (path == base_path or path.startswith(base_path + "/")):
        path = base_path + path
    return api_base.with_path(path).with_query(link.query)


@dataclass
class PageWalk:
    """State of one collection walk (visited pages, items so far)."""

    api_base: URL
    max_pages: int = MAX_PAGES
    visited: set[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=set)
    count: int = 0
    pages: int = 0

    def next_url(self, current: URL, doc: Mapping[str, Any], new_items: int) -> URL | None:
        """The next page to fetch after ``doc``, or ``None`` when the walk is over."""
        self.visited.add(page_key(current))
        self_href = to_str(dig(doc, "_links", "self", "href"))
        if self_href and (self_url := rebase_link(self_href, self.api_base)):
            self.visited.add(page_key(self_url))
        self.pages += 1
        self.count += new_items
        total = to_int(doc.get("total"))
        next_href = to_str(dig(doc, "_links", "next", "href"))
        next_url = rebase_link(next_href, self.api_base) if next_href else None
        if (
            next_url is None
            or new_items == 0
            or (total is not None and self.count >= total)
            or page_key(next_url) in self.visited
        ):
            return None
        if self.pages >= self.max_pages:
            _LOGGER.warning("Stopped paging after %s pages (cap reached)", self.pages)
            return None
        return next_url


async def collect_pages(
    first: URL, fetch: FetchPage, parse: ParsePage, api_base: URL, max_pages: int = MAX_PAGES
) -> list[Any]:
    """Fetch ``first`` and its following pages; ``fetch`` returning ``None`` ends it."""
    walk = PageWalk(api_base=api_base, max_pages=max_pages)
    items: list[Any] = []
    url: URL | None = first
    while url is not None:
        doc = await fetch(url)
        if doc is None:
            break
        items.extend(parse(doc))
        url = walk.next_url(url, doc, raw_item_count(doc))
    return items


def raw_item_count(doc: Mapping[str, Any]) -> int:
    """How many entries the page lists under ``_embedded`` (valid or not)."""
    embedded = as_mapping(doc.get("_embedded")) or {}
    return sum(len(as_list(value)) for value in embedded.values())
