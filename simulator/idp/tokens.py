"""Authorization codes, access and refresh tokens, on the simulated clock."""

from __future__ import annotations

import base64
from dataclasses import dataclass
import hashlib
import hmac
import re
import secrets
from typing import Any
import uuid

import orjson

CODE_LIFETIME_S = 60.0
DEFAULT_SCOPE = "openid profile"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


class OAuthError(Exception):
    """An OAuth2 error (``error`` code and human ``description``)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass
class AuthCode:
    """A code handed out by ``/authorize``."""

    client_id: str
    email: str
    brand_key: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str
    issued_at: float
    used: bool = False


@dataclass
class Grant:
    """A token bound to a client, an account and a brand."""

    client_id: str
    email: str
    brand_key: str
    scope: str
    expires_at: float | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of a verifier."""
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def make_id_token(claims: dict[str, Any], secret: str) -> str:
    """An HS256 JWT signed with the client secret."""
    header = _b64url(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    payload = _b64url(orjson.dumps(claims))
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{_b64url(signature.digest())}"


class TokenStore:
    """Every code and token the IdPs issued."""

    def __init__(self, expires_in: int) -> None:
        self.expires_in = expires_in
        self.codes: dict[str, AuthCode] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}

    def issue_code(self, code: AuthCode) -> str:
        """Store a fresh code (a 36-character UUID)."""
        value = str(uuid.uuid4())
        self.codes[value] = code
        return value

    def redeem_code(
        self, value: str, client_id: str, redirect_uri: str | None, verifier: str | None, now: float
    ) -> AuthCode:
        """Check and consume a code: single use, 60 s, same client and redirect, PKCE."""
        code = self.codes.get(value)
        if code is None:
            raise OAuthError("invalid_grant", "The provided authorization code is invalid")
        if code.used:
            raise OAuthError("invalid_grant", "The authorization code has already been used")
        code.used = True
        if now - code.issued_at > CODE_LIFETIME_S:
            raise OAuthError("invalid_grant", "The authorization code has expired")
        if code.client_id != client_id:
            raise OAuthError("invalid_grant", "The authorization code was issued to another client")
        if redirect_uri != code.redirect_uri:
            raise OAuthError(
                "invalid_grant", "redirect_uri does not match the authorization request"
            )
        if code.challenge is not None:
            check_pkce(code.challenge, code.method, verifier)
        return code

    def issue_tokens(self, grant: Grant, now: float) -> tuple[str, str]:
        """New access and refresh tokens for a grant."""
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        self.access[access] = Grant(
            grant.client_id, grant.email, grant.brand_key, grant.scope, now + self.expires_in
        )
        self.refresh[refresh] = Grant(grant.client_id, grant.email, grant.brand_key, grant.scope)
        return access, refresh

    def rotate_refresh(self, value: str, client_id: str, brand_key: str) -> Grant:
        """Consume a refresh token (it dies on use) and return its grant."""
        grant = self.refresh.get(value)
        if grant is None or grant.client_id != client_id or grant.brand_key != brand_key:
            raise OAuthError("invalid_grant", "grant is invalid")
        del self.refresh[value]
        return grant

    def lookup_access(self, value: str, now: float) -> Grant | None:
        """The grant of a live access token."""
        grant = self.access.get(value)
        if grant is None or grant.expires_at is None or now >= grant.expires_at:
            return None
        return grant

    def revoke(self, kind: str) -> int:
        """Revoke every ``access`` or ``refresh`` token, or ``all``; return how many."""
        if kind not in ("access", "refresh", "all"):
            raise ValueError("kind must be access, refresh or all")
        count = 0
        if kind in ("access", "all"):
            count += len(self.access)
            self.access.clear()
        if kind in ("refresh", "all"):
            count += len(self.refresh)
            self.refresh.clear()
        return count

    def revoke_token(self, value: str) -> None:
        """Revoke one token of either kind (unknown tokens are ignored, as RFC 7009 says)."""
        self.access.pop(value, None)
        self.refresh.pop(value, None)


def check_pkce(challenge: str, method: str, verifier: str | None) -> None:
    """Raise ``invalid_grant`` unless the verifier matches the stored challenge."""
    if verifier is None or _VERIFIER.fullmatch(verifier) is None:
        raise OAuthError("invalid_grant", "PKCE code_verifier is missing or malformed")
    expected = pkce_s256(verifier) if method == "S256" else verifier
    if not hmac.compare_digest(expected, challenge):
        raise OAuthError("invalid_grant", "PKCE verification failed")
