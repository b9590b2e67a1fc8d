"""HAL collections with ``pageSize``/``pageToken``/``indexRange`` paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import math
import re
from typing import Any
from urllib.parse import urlencode

from simulator.render.common import Json, link

MAX_PAGE_SIZE = 60


class PagingError(ValueError):
    """A paging parameter the API rejects with 400."""


@dataclass(frozen=True)
class PageRequest:
    """Paging parameters of one request, already validated."""

    page_size: int
    offset: int
    range_start: int
    range_end: int | None


def parse_paging(query: Mapping[str, str], max_size: int = MAX_PAGE_SIZE) -> PageRequest:
    """Validate ``pageSize`` (1..max), ``pageToken`` (ours) and ``indexRange`` (``a-b``)."""
    raw_size = query.get("pageSize", str(MAX_PAGE_SIZE))
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= max_size:
        raise PagingError(f"pageSize must be an integer in [1...{max_size}]")
    range_start, range_end = parse_index_range(query.get("indexRange", "0-"))
    offset = decode_token(query["pageToken"]) if "pageToken" in query else 0
    return PageRequest(int(raw_size), offset, range_start, range_end)


def parse_index_range(text: str) -> tuple[int, int | None]:
    """``"5-"`` -> (5, None); ``"0-9"`` -> (0, 9)."""
    match = re.fullmatch(r"(\d+)(?:-(\d*))?", text)
    if match is None:
        raise PagingError("indexRange must match \\d+(-\\d*)?")
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else None
    if end is not None and end < start:
        raise PagingError("indexRange end is before its start")
    return start, end


def encode_token(offset: int) -> str:
    """Opaque page token (only this server reads it)."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int:
    """Offset stored in a page token."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as err:
        raise PagingError("pageToken is invalid") from err
    match = re.fullmatch(r"o:(\d+)", text)
    if match is None:
        raise PagingError("pageToken is invalid")
    return int(match.group(1))


def collection(
    items: Sequence[Json],
    key: str,
    page: PageRequest,
    base_href: str,
    query: Mapping[str, str],
    *,
    self_next_quirk: bool = False,
) -> Json:
    """One page of ``items`` as a HAL collection with ``self/first/prev/next/last``."""
    window = list(items)[page.range_start : None if page.range_end is None else page.range_end + 1]
    total = len(window)
    pages = max(1, math.ceil(total / page.page_size))
    offset = min(page.offset, (pages - 1) * page.page_size)
    current = offset // page.page_size + 1

    def href(page_offset: int | None) -> str:
        params: dict[str, Any] = {k: v for k, v in query.items() if k != "pageToken"}
        if page_offset:
            params["pageToken"] = encode_token(page_offset)
        return f"{base_href}?{urlencode(params)}" if params else base_href

    links: Json = {"self": link(href(offset)), "first": link(href(0))}
    if current > 1:
        links["prev"] = link(href(offset - page.page_size))
    if current < pages:
        links["next"] = link(href(offset + page.page_size))
    links["last"] = link(href((pages - 1) * page.page_size))
    if self_next_quirk and total == 0:
        links["next"] = links["self"]
    return {
        "_links": links,
        "total": total,
        "totalPage": pages,
        "currentPage": current,
        "_embedded": {key: window[offset : offset + page.page_size]},
    }
