"""Reading the authorization code from what the user pasted."""

from __future__ import annotations

import pytest

from custom_components.psa_connected_car.api import (
    IdpRefusedError,
    RedirectParseError,
    parse_redirect,
)

REDIRECT = "mymap://oauth2redirect/fr"
CODE = "123e4567-e89b-12d3-a456-426614174000"
STATE = "s-1"


@pytest.mark.parametrize(
    "pasted",
    [
        f"{REDIRECT}?code={CODE}&state={STATE}",
        f"  '{REDIRECT}/?scope=openid&code={CODE}&state={STATE}'\n",
        f"MYMAP://OAUTH2REDIRECT/FR?state={STATE}&code={CODE}",
        f"{REDIRECT}#code={CODE}&state={STATE}",
        CODE,
        f"<{CODE}>",
        f"code={CODE}&state={STATE}",
        f"?code={CODE}",
    ],
)
def test_accepted(pasted: str) -> None:
    assert parse_redirect(pasted, REDIRECT, STATE) == CODE


@pytest.mark.parametrize(
    ("pasted", "reason"),
    [
        ("", "empty"),
        ("  \n", "empty"),
        (f"https://example.invalid/?code={CODE}&state={STATE}", "wrong_scheme"),
        (f"mymap://oauth2redirect/de?code={CODE}&state={STATE}", "wrong_scheme"),
        (f"mymacsdk://oauth2redirect/fr?code={CODE}&state={STATE}", "wrong_scheme"),
        ("mymap://[bad", "wrong_scheme"),
        (f"{REDIRECT}?code={CODE}&state=other", "state_mismatch"),
        (f"{REDIRECT}?code={CODE}", "state_mismatch"),
        (f"code={CODE}&state=other", "state_mismatch"),
        (f"{REDIRECT}?state={STATE}", "missing_code"),
        (f"{REDIRECT}?state={STATE}&code=", "missing_code"),
        (f"{REDIRECT}?code=abc&state={STATE}", "invalid_code"),
        ("not-a-code", "invalid_code"),
        (CODE + "0", "invalid_code"),
        (f"{REDIRECT}?error=access_denied&state={STATE}", "error_returned"),
    ],
)
def test_rejected(pasted: str, reason: str) -> None:
    with pytest.raises(RedirectParseError) as caught:
        parse_redirect(pasted, REDIRECT, STATE)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)
    assert CODE not in str(caught.value)


def test_error_value_is_kept() -> None:
    with pytest.raises(IdpRefusedError) as caught:
        parse_redirect(
            f"{REDIRECT}?error=access_denied&error_description=User+said+no", REDIRECT, STATE
        )
    assert caught.value.error == "access_denied"
    assert caught.value.description == "User said no"
