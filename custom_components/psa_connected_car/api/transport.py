"""One HTTP exchange with the API: headers, token, budget, retries, error mapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
import errno
import logging
import ssl
import time
from typing import Any

import aiohttp
import orjson
from yarl import URL

from .errors import (
    AuthenticationError,
    InvalidResponseError,
    PsaConnectionError,
    PsaError,
    RateLimitedError,
)
from .http_errors import error_for_response, parse_error_body
from .rate_budget import RateBudget, retry_after_from_headers

_LOGGER = logging.getLogger(__name__)

TokenProvider = Callable[[str | None], Awaitable[str]]
"""Returns a valid access token; given the token the API refused (401), a newer one."""
RefusalCheck = Callable[[URL, BaseException], Awaitable[PsaError | None]]
"""Given a failed exchange, the error to raise instead when the TLS layer refused us."""

DEFAULT_RETRY_AFTER_S = 60.0
SHORT_RETRY_AFTER_S = 2.0
"""A 429 asking to wait this little comes from the per-second burst limit: retried once."""
HAL_JSON = "application/hal+json"


class _AnswerCutError(Exception):
    """The connection dropped while the answer was arriving: a GET may be sent once more.

    A connection dropped before the answer started is aiohttp's to handle: it resends an
    idempotent request once by itself (RFC 9112, section 9.3.1.1), so a resend of ours on
    top would make two.
    """


def _is_reset(err: BaseException) -> bool:
    if isinstance(err, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return True
    if isinstance(err, aiohttp.ClientOSError | ConnectionResetError):
        return getattr(err, "errno", None) in (errno.ECONNRESET, errno.EPIPE, None)
    return False


class Transport:
    """Sends authenticated requests to one API base for one account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_base: str,
        realm: str | None,
        client_id: str,
        token_provider: TokenProvider,
        rate_budget: RateBudget,
        ssl_context: ssl.SSLContext | None = None,
        request_timeout: float = 30,
        wait_for_budget: bool = True,
        max_budget_wait_s: float = 30.0,
        auth_scheme: str = "Bearer",
        refusal_check: RefusalCheck | None = None,
    ) -> None:
        """Store the account's settings; nothing is sent yet.

        ``auth_scheme`` prefixes the provider's credentials (``Basic`` for the fleet API,
        which has no realm header); ``refusal_check`` classifies TLS refusals (mTLS).
        """
        self.api_base = URL(api_base.rstrip("/"))
        self._session = session
        self._realm = realm
        self._client_id = client_id
        self._token_provider = token_provider
        self.rate_budget = rate_budget
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._wait_for_budget = wait_for_budget
        self._max_budget_wait_s = max_budget_wait_s
        self._auth_scheme = auth_scheme
        self._refusal_check = refusal_check

    def url(self, *segments: str, params: Mapping[str, str] | None = None) -> URL:
        """An API address from path segments (each one escaped) and query."""
        url = self.api_base
        for segment in segments:
            url = url / segment
        return url.with_query(params) if params else url

    async def request(self, method: str, url: URL, *, endpoint: str, json_body: Any = None) -> Any:
        """Send one request; the decoded JSON answer, or ``None`` for an empty one.

        Only a GET is ever sent again (a cut answer, a burst-limit 429). A POST (a remote
        command) goes out once: a timeout, a cut answer or a 5xx may mean it was processed,
        so the caller looks for it instead (``remotes/commander.py``); a 429 is raised. The
        one exception is a 401: the API refused the token before doing anything.
        """
        url = url.update_query(client_id=self._client_id)
        rejected: str | None = None
        cut_retried = False
        burst_retried = False
        while True:
            await self.rate_budget.acquire(
                wait=self._wait_for_budget, max_wait_s=self._max_budget_wait_s
            )
            token = await self._token(rejected)
            try:
                status, raw, headers = await self._send(method, url, token, json_body)
            except _AnswerCutError as err:
                if method == "GET" and not cut_retried:
                    cut_retried = True
                    _LOGGER.debug("%s %s: answer cut off, retrying once", method, endpoint)
                    continue
                raise PsaConnectionError(f"{endpoint}: connection reset") from err
            self.rate_budget.update_from_headers(headers)
            _LOGGER.debug("%s %s -> HTTP %s", method, endpoint, status)
            if status == 401 and rejected is None:
                rejected = token
                continue
            if status == 429 and method == "GET" and not burst_retried:
                retry_after = retry_after_from_headers(headers)
                if retry_after is not None and retry_after <= SHORT_RETRY_AFTER_S:
                    # A per-second burst limit: wait it out (acquire does) and ask once more.
                    burst_retried = True
                    self.rate_budget.note_rate_limited(retry_after)
                    _LOGGER.debug(
                        "%s %s: burst limit, retrying in %s s", method, endpoint, retry_after
                    )
                    continue
            return self._result(status, raw, headers, endpoint)

    async def _token(self, rejected: str | None) -> str:
        try:
            token = await self._token_provider(rejected)
        except PsaError:
            raise
        except aiohttp.ClientResponseError as err:
            if err.status in (400, 401):
                raise AuthenticationError("token refresh refused", status=err.status) from err
            raise PsaConnectionError("token refresh failed", status=err.status) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise PsaConnectionError(f"token refresh failed: {type(err).__name__}") from err
        if not token:
            raise AuthenticationError("no access token available")
        return token

    async def _send(
        self, method: str, url: URL, token: str, json_body: Any
    ) -> tuple[int, bytes, Mapping[str, str]]:
        headers = {"Authorization": f"{self._auth_scheme} {token}", "Accept": HAL_JSON}
        if self._realm is not None:
            headers["x-introspect-realm"] = self._realm
        data = None
        if json_body is not None:
            headers["Content-Type"] = "application/json"
            data = orjson.dumps(json_body)
        started = time.monotonic()
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                data=data,
                ssl=self._ssl,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                raw = await self._read(response)
                return response.status, raw, response.headers
        except TimeoutError as err:
            elapsed = time.monotonic() - started
            raise PsaConnectionError(f"no answer within {elapsed:.0f} s") from err
        except aiohttp.ClientError as err:
            if self._refusal_check is not None and (refused := await self._refusal_check(url, err)):
                raise refused from err
            if _is_reset(err):
                raise PsaConnectionError("connection reset before an answer") from err
            raise PsaConnectionError(f"cannot reach the API: {type(err).__name__}") from err

    @staticmethod
    async def _read(response: aiohttp.ClientResponse) -> bytes:
        try:
            return await response.read()
        except aiohttp.ClientError as err:
            raise _AnswerCutError from err

    def _result(self, status: int, raw: bytes, headers: Mapping[str, str], endpoint: str) -> Any:
        if status == 429:
            retry_after = retry_after_from_headers(headers)
            retry_after = DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
            self.rate_budget.note_rate_limited(retry_after)
            body = parse_error_body(raw)
            raise RateLimitedError(
                body.message or "too many requests",
                retry_after=retry_after,
                status=status,
                code=body.code,
                uuid=body.uuid,
            )
        if status >= 400:
            raise error_for_response(status, raw, headers)
        if 300 <= status < 400:
            raise InvalidResponseError(f"{endpoint}: unexpected redirect", status=status)
        if status == 204 or not raw.strip():
            return None
        content_type = headers.get("Content-Type", "")
        if "html" in content_type.lower() or raw.lstrip()[:1] == b"<":
            raise InvalidResponseError(f"{endpoint}: HTML page instead of JSON", status=status)
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            raise InvalidResponseError(f"{endpoint}: answer is not JSON", status=status) from err
