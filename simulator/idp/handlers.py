"""aiohttp handlers of ``/idp/{tld}/am/oauth2/...``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import urlencode

from aiohttp import web

from simulator.brands import BRAND_BY_TLD, Brand
from simulator.errors import json_response, oauth_error
from simulator.identities import ACCOUNTS, Client, account_id
from simulator.idp.pages import AUTHORIZE_PARAMS, error_page, login_page
from simulator.idp.scopes import granted_scope
from simulator.idp.tokens import DEFAULT_SCOPE, AuthCode, Grant, OAuthError, make_id_token
from simulator.keys import SIMULATOR_KEY


def _brand(request: web.Request) -> Brand:
    brand = BRAND_BY_TLD.get(request.match_info["tld"])
    if brand is None:
        raise web.HTTPNotFound(
            text=error_page("not_found", "Unknown realm"), content_type="text/html"
        )
    return brand


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")


def redirect_with(uri: str, params: Mapping[str, str]) -> web.Response:
    """302 to ``uri`` with ``params`` appended to its query."""
    separator = "&" if "?" in uri else "?"
    location = f"{uri}{separator}{urlencode(params)}"
    return web.Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})


def _check_authorize(request: web.Request, params: Mapping[str, str]) -> Client | web.Response:
    """Validate an authorize request: an error page, an error redirect, or the client."""
    sim = request.app[SIMULATOR_KEY]
    client = sim.clients.get(params.get("client_id", ""))
    if client is None:
        return _html(error_page("invalid_client", "Unknown or missing client_id"), 400)
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri:
        return _html(error_page("invalid_request", "Missing redirect_uri"), 400)
    if not client.accepts_redirect(redirect_uri):
        return _html(
            error_page("redirect_uri_mismatch", "The redirection URI is not registered"), 400
        )
    state = {"state": params["state"]} if "state" in params else {}
    if params.get("response_type") != "code":
        return redirect_with(
            redirect_uri,
            {"error": "unsupported_response_type", "error_description": "Use code", **state},
        )
    method = params.get("code_challenge_method", "plain")
    if "code_challenge" in params and method not in ("S256", "plain"):
        return redirect_with(
            redirect_uri,
            {"error": "invalid_request", "error_description": "Unsupported PKCE method", **state},
        )
    return client


async def authorize_get(request: web.Request) -> web.Response:
    """Render the login + consent page (or the error the real IdP gives)."""
    brand = _brand(request)
    params = dict(request.query)
    checked = _check_authorize(request, params)
    if isinstance(checked, web.Response):
        return checked
    return _html(login_page(brand, request.path, params))


async def authorize_post(request: web.Request) -> web.Response:
    """Handle the submitted form: deny, wrong password, or a code."""
    sim = request.app[SIMULATOR_KEY]
    brand = _brand(request)
    form = await request.post()
    params = dict(request.query)
    params.update({k: str(form[k]) for k in AUTHORIZE_PARAMS if k in form})
    checked = _check_authorize(request, params)
    if isinstance(checked, web.Response):
        return checked
    state = {"state": params["state"]} if "state" in params else {}
    redirect_uri = params["redirect_uri"]
    if str(form.get("decision", "")) != "allow":
        return redirect_with(
            redirect_uri,
            {"error": "access_denied", "error_description": "The user denied access", **state},
        )
    username = str(form.get("username", "")).strip().lower()
    account = ACCOUNTS.get(username)
    if account is None or account.password != str(form.get("password", "")):
        page = login_page(brand, request.path, params, "Invalid email or password.", username)
        return _html(page)
    code = AuthCode(
        client_id=checked.client_id,
        email=account.email,
        brand_key=brand.key,
        redirect_uri=redirect_uri,
        scope=granted_scope(params.get("scope", DEFAULT_SCOPE), _remote_scopes(request, checked)),
        challenge=params.get("code_challenge"),
        method=params.get("code_challenge_method", "plain"),
        issued_at=sim.clock.timestamp(),
    )
    return redirect_with(redirect_uri, {"code": sim.tokens.issue_code(code), **state})


def _remote_scopes(request: web.Request, client: Client) -> tuple[str, ...]:
    """Remote scopes this client can be granted: brand-app clients get none."""
    if client.mobile_scheme is not None:
        return ()
    return request.app[SIMULATOR_KEY].remotes.partner_scopes


def _client_credentials(request: web.Request, form: Mapping[str, str]) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except binascii.Error, UnicodeDecodeError:
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _authenticate(request: web.Request, form: Mapping[str, str]) -> Client:
    sim = request.app[SIMULATOR_KEY]
    client_id, secret = _client_credentials(request, form)
    client = sim.clients.get(client_id)
    if client is None or client.secret != secret:
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    return client


async def access_token(request: web.Request) -> web.Response:
    """``POST /access_token``: authorization_code and refresh_token grants."""
    brand = _brand(request)
    form = {k: str(v) for k, v in (await request.post()).items()}
    try:
        client = _authenticate(request, form)
        grant = _grant(request, brand, client, form)
    except OAuthError as err:
        return oauth_error(err.error, err.description, err.status)
    return _token_response(request, brand, client, grant)


def _grant(request: web.Request, brand: Brand, client: Client, form: Mapping[str, str]) -> Grant:
    sim = request.app[SIMULATOR_KEY]
    grant_type = form.get("grant_type", "")
    if grant_type == "authorization_code":
        if not form.get("code"):
            raise OAuthError("invalid_request", "Missing code")
        code = sim.tokens.redeem_code(
            form["code"],
            client.client_id,
            form.get("redirect_uri"),
            form.get("code_verifier"),
            sim.clock.timestamp(),
        )
        if code.brand_key != brand.key:
            raise OAuthError("invalid_grant", "The authorization code was issued by another realm")
        return Grant(client.client_id, code.email, code.brand_key, code.scope)
    if grant_type == "refresh_token":
        realm = request.query.get("realm")
        if realm is not None and realm != brand.realm:
            raise OAuthError("invalid_request", "realm does not match this identity provider")
        if sim.faults.take_refresh_revocation():
            sim.tokens.refresh.pop(form.get("refresh_token", ""), None)
        return sim.tokens.rotate_refresh(form.get("refresh_token", ""), client.client_id, brand.key)
    if not grant_type:
        raise OAuthError("invalid_request", "Missing grant_type")
    raise OAuthError("unsupported_grant_type", f"Grant type {grant_type} is not supported")


def _token_response(
    request: web.Request, brand: Brand, client: Client, grant: Grant
) -> web.Response:
    sim = request.app[SIMULATOR_KEY]
    now = sim.clock.timestamp()
    access, refresh = sim.tokens.issue_tokens(grant, now)
    claims = {
        "iss": str(request.url.with_path(f"/idp/{brand.tld}/am/oauth2").with_query(None)),
        "sub": account_id(grant.email),
        "aud": client.client_id,
        "iat": int(now),
        "exp": int(now) + sim.config.token_expires_in,
        "auth_time": int(now),
        "realm": f"/{brand.realm}",
        "email": grant.email,
    }
    body = {
        "access_token": access,
        "refresh_token": refresh,
        "id_token": make_id_token(claims, client.secret),
        "token_type": "Bearer",
        "expires_in": sim.config.token_expires_in,
        "scope": grant.scope,
    }
    return json_response(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def revoke(request: web.Request) -> web.Response:
    """``POST /token/revoke``: revoke one access or refresh token."""
    sim = request.app[SIMULATOR_KEY]
    _brand(request)
    form = {k: str(v) for k, v in (await request.post()).items()}
    try:
        _authenticate(request, form)
    except OAuthError as err:
        return oauth_error(err.error, err.description, err.status)
    token = form.get("token") or form.get("refresh_token") or ""
    sim.tokens.revoke_token(token)
    return web.Response(status=200)


def add_routes(app: web.Application) -> None:
    """Register the IdP routes of every brand."""
    base = "/idp/{tld}/am/oauth2"
    app.router.add_get(f"{base}/authorize", authorize_get, name="authorize")
    app.router.add_post(f"{base}/authorize", authorize_post, name="authorize_submit")
    app.router.add_post(f"{base}/access_token", access_token, name="access_token")
    app.router.add_post(f"{base}/token/revoke", revoke, name="token_revoke")
