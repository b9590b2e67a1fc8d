"""PKCE, state, the authorize address and the id-token subject."""

from __future__ import annotations

import base64
import hashlib

import orjson
from yarl import URL

from custom_components.psa_connected_car.api import (
    build_authorize_url,
    code_challenge_s256,
    decode_id_token_subject,
    generate_code_verifier,
    generate_state,
)


def _jwt(payload: object) -> str:
    body = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()
    return f"eyJhbGciOiJub25lIn0.{body}.c2ln"


def test_pkce_rfc7636_example() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_generated_values_are_fresh_and_valid() -> None:
    verifier = generate_code_verifier()
    assert 43 <= len(verifier) <= 128
    assert verifier != generate_code_verifier()
    assert generate_state() != generate_state()
    digest = hashlib.sha256(verifier.encode()).digest()
    assert code_challenge_s256(verifier) == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_authorize_url() -> None:
    url = URL(
        build_authorize_url(
            "https://idpcvs.peugeot.com/am/oauth2/",
            "client",
            "mymap://oauth2redirect/fr",
            "st",
            "chal",
            locale="fr-FR",
        )
    )
    assert url.path == "/am/oauth2/authorize"
    assert dict(url.query) == {
        "client_id": "client",
        "response_type": "code",
        "redirect_uri": "mymap://oauth2redirect/fr",
        "scope": "openid profile",
        "state": "st",
        "code_challenge": "chal",
        "code_challenge_method": "S256",
        "locale": "fr-FR",
        "local": "fr-FR",
    }
    plain = URL(build_authorize_url("https://idp/am/oauth2", "c", "r", "s", "x", scope="a b"))
    assert "locale" not in plain.query
    assert plain.query["scope"] == "a b"


def test_id_token_subject() -> None:
    assert decode_id_token_subject(_jwt({"sub": "user-1", "aud": "x"})) == "user-1"
    assert decode_id_token_subject(_jwt({"aud": "x"})) is None
    assert decode_id_token_subject(_jwt(["sub"])) is None
    assert decode_id_token_subject(_jwt({"sub": 5})) == "5"
    assert decode_id_token_subject("no-dots") is None
    assert decode_id_token_subject("a.!!!.c") is None
    assert decode_id_token_subject("a.bm90IGpzb24.c") is None
    assert decode_id_token_subject("a.\u00e9.c") is None
