"""The IdP's HTML: a login + consent form and an error page."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from simulator.brands import Brand

AUTHORIZE_PARAMS = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "locale",
)

_STYLE = """
body{font-family:sans-serif;background:#f3f4f6;margin:0}
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px}
label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;box-sizing:border-box}
.error{color:#b00020}.buttons{display:flex;gap:1rem;margin-top:1.5rem}
button{flex:1;padding:.6rem}
"""


def login_page(
    brand: Brand,
    action: str,
    params: Mapping[str, str],
    error: str | None = None,
    username: str = "",
) -> str:
    """Login form with hidden authorize parameters and allow/deny buttons."""
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{escape(params[name])}">'
        for name in AUTHORIZE_PARAMS
        if name in params
    )
    problem = f'<p class="error" id="error" role="alert">{escape(error)}</p>' if error else ""
    client = escape(params.get("client_id", ""))
    scope = escape(params.get("scope", "openid profile"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(brand.name)} - Sign in</title><style>{_STYLE}</style></head>
<body><main>
<h1>{escape(brand.name)} ID</h1>
<p>Application <strong id="client">{client}</strong> asks to access your vehicles
(<span id="scope">{scope}</span>).</p>
{problem}
<form method="post" action="{escape(action)}" id="login-form">
{hidden}
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username"
 value="{escape(username)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="buttons">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
</div>
</form>
</main></body></html>
"""


def error_page(error: str, description: str) -> str:
    """What the IdP shows instead of redirecting (bad client or redirect URI)."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title>
<style>{_STYLE}</style></head>
<body><main><h1>Authorization error</h1>
<p class="error" id="error" data-error="{escape(error)}">{escape(error)}</p>
<p id="error-description">{escape(description)}</p>
</main></body></html>
"""
