"""Read the authorization code out of what the user pasted.

With mobile-app credentials the browser cannot open the final
``<scheme>://oauth2redirect/<country>?code=...`` address, so the user copies it
(or only the code) back into Home Assistant.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from yarl import URL

_CODE_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_STRIP = " \t\r\n\"'<>"


class RedirectParseError(ValueError):
    """The pasted text does not carry a usable authorization code."""

    reason = "invalid"

    def __init__(self, message: str | None = None) -> None:
        """Keep the message free of the pasted text (it may hold a valid code)."""
        super().__init__(message or self.reason)


class EmptyRedirectError(RedirectParseError):
    """Nothing was pasted."""

    reason = "empty"


class WrongSchemeError(RedirectParseError):
    """The address is not the expected redirect address."""

    reason = "wrong_scheme"


class StateMismatchError(RedirectParseError):
    """The ``state`` does not belong to this sign-in attempt."""

    reason = "state_mismatch"


class MissingCodeError(RedirectParseError):
    """The address carries no ``code``."""

    reason = "missing_code"


class InvalidCodeError(RedirectParseError):
    """The code is not a 36-character UUID."""

    reason = "invalid_code"


class IdpRefusedError(RedirectParseError):
    """The identity provider redirected with ``error=...``."""

    reason = "error_returned"

    def __init__(self, error: str, description: str | None = None) -> None:
        """Keep the provider's error value (and its description when given)."""
        super().__init__(f"the identity provider returned {error!r}")
        self.error = error
        self.description = description


def _same_target(pasted: URL, expected: URL) -> bool:
    return (
        pasted.scheme.lower() == expected.scheme.lower()
        and (pasted.host or "").lower() == (expected.host or "").lower()
        and pasted.port == expected.port
        and pasted.path.rstrip("/").lower() == expected.path.rstrip("/").lower()
    )


def _query_of(text: str, expected_redirect_uri: str) -> dict[str, str] | None:
    """The query (and fragment) parameters, or ``None`` for a bare code."""
    if "://" in text:
        try:
            pasted = URL(text)
        except ValueError as err:
            raise WrongSchemeError("not an address") from err
        if not _same_target(pasted, URL(expected_redirect_uri)):
            raise WrongSchemeError("not the expected redirect address")
        query = f"{pasted.raw_query_string}&{pasted.raw_fragment}"
    elif "=" in text:
        query = text.lstrip("?#&")
    else:
        return None
    return {key: values[0] for key, values in parse_qs(query).items() if values}


def parse_redirect(pasted: str, expected_redirect_uri: str, expected_state: str) -> str:
    """The authorization code from a pasted redirect address or a bare code."""
    text = pasted.strip(_STRIP)
    if not text:
        raise EmptyRedirectError
    params = _query_of(text, expected_redirect_uri)
    if params is None:
        code = text
    else:
        if error := params.get("error"):
            raise IdpRefusedError(error, params.get("error_description"))
        if ("://" in text or "state" in params) and params.get("state") != expected_state:
            raise StateMismatchError
        code = params.get("code", "").strip()
        if not code:
            raise MissingCodeError
    if not _CODE_RE.match(code):
        raise InvalidCodeError
    return code
