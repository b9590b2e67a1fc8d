"""``python -m simulator``: serve on 127.0.0.1 and print how to use it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import datetime
import signal
import sys

from aiohttp import web

from simulator.app import create_app
from simulator.b2b.backend import B2bBackend
from simulator.b2b.keys import B2B_KEY
from simulator.brands import BRANDS
from simulator.config import SCENARIOS, SimulatorConfig, parse_fleets, parse_rate_limit
from simulator.identities import (
    DEMO_PASSWORD,
    DEMO_USER,
    EMPTY_USER,
    OTHER_USER,
    PARTNER_CLIENT_ID,
    PARTNER_CLIENT_SECRET,
    mobile_client_id,
    mobile_client_secret,
)
from simulator.remotes.model import ASLEEP_DELAY_S, AWAKE_DELAY_S


def parse_args(argv: list[str]) -> SimulatorConfig:
    """Command line -> config."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--vehicles", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", choices=SCENARIOS, default="default")
    parser.add_argument("--rate-limit", default="120/60", help="requests/seconds, e.g. 120/60")
    parser.add_argument("--burst", type=int, default=10, help="requests per second (0: off)")
    parser.add_argument(
        "--daily-limit", type=int, default=100_000, help="requests per sliding 24 h (0: off)"
    )
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--token-expires-in", type=int, default=3599)
    parser.add_argument("--start-time", help="ISO 8601, e.g. 2026-05-01T10:00:00+00:00")
    parser.add_argument("--quiet-world", action="store_true", help="no autonomous trips/alerts")
    parser.add_argument(
        "--fleets", default="3", help="fleet (B2B v3) API: cars per fleet, e.g. 3,0 ('' none)"
    )
    parser.add_argument("--b2b-port", type=int, default=0, help="mTLS port of the v3 API (0: free)")
    parser.add_argument("--no-b2b", action="store_true", help="no fleet (B2B v3) listener")
    args = parser.parse_args(argv)
    limit, window = parse_rate_limit(args.rate_limit)
    start = datetime.fromisoformat(args.start_time) if args.start_time else None
    return SimulatorConfig(
        vehicles=args.vehicles,
        seed=args.seed,
        scenario=args.scenario,
        rate_limit=limit,
        rate_window=window,
        burst_limit=args.burst,
        daily_limit=args.daily_limit,
        time_scale=args.time_scale,
        token_expires_in=args.token_expires_in,
        start_time=start,
        host=args.host,
        port=args.port,
        autonomous=not args.quiet_world,
        fleets=parse_fleets(args.fleets),
        b2b=not args.no_b2b,
        b2b_port=args.b2b_port,
    )


def banner(config: SimulatorConfig, url: str) -> str:
    """What to print at start-up."""
    lines = [
        f"Connected Car simulator on {url} (scenario {config.scenario}, seed {config.seed})",
        f"  API:      {url}/connectedcar/v4   control: {url}/_sim/stats",
        f"  users:    {DEMO_USER} / {OTHER_USER} / {EMPTY_USER}  password {DEMO_PASSWORD}",
        f"  partner:  client_id {PARTNER_CLIENT_ID}  secret {PARTNER_CLIENT_SECRET}",
        "            redirect URIs: " + ", ".join(config.partner_redirect_uris),
        f"  remotes:  partner logins may get remote:*:write scopes; a command takes "
        f"{AWAKE_DELAY_S:g} s (car awake) or {ASLEEP_DELAY_S:g} s (asleep)",
        f"            knobs: {url}/_sim/remotes",
    ]
    for brand in BRANDS.values():
        base = f"{url}/idp/{brand.tld}/am/oauth2"
        lines.append(f"  {brand.name:9} realm {brand.realm:20} authorize {base}/authorize")
        lines.append(
            f"            mobile {mobile_client_id(brand.key)} / "
            f"{mobile_client_secret(brand.key)}  redirect {brand.scheme}://oauth2redirect/fr"
        )
    return "\n".join(lines)


def b2b_banner(backend: B2bBackend, url: str) -> str:
    """How to reach the fleet (B2B v3) API."""
    pki = backend.pki
    ca = pki.write("ca.pem", pki.ca.pem)
    cert = pki.write("client.pem", pki.client.cert_pem)
    key = pki.write("client-key.pem", pki.client.key_pem, secret=True)
    fleets = ", ".join(
        f"{fid} ({len(f.vehicle_ids)} cars)" for fid, f in backend.book.fleets.items()
    )
    return "\n".join(
        [
            f"  fleet API (mTLS): {backend.base_url}   control: {url}/_sim/b2b",
            f"            Basic {backend.user} / {backend.password}  client_id {backend.client_id}",
            f"            CA {ca}  client certificate {cert}  key {key}",
            f"            fleets: {fleets or 'none'}",
        ]
    )


async def serve(config: SimulatorConfig) -> None:
    """Run until interrupted."""
    app = create_app(config)
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    port = runner.addresses[0][1]
    stop = asyncio.Event()
    # Before the banner: whoever waits for it may stop us at once, and must find the handler.
    with contextlib.suppress(NotImplementedError):  # SIGTERM stops cleanly (PKI files removed)
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print(banner(config, f"http://{config.host}:{port}"), flush=True)  # noqa: T201
    if B2B_KEY in app:
        print(b2b_banner(app[B2B_KEY], f"http://{config.host}:{port}"), flush=True)  # noqa: T201
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    config = parse_args(sys.argv[1:] if argv is None else argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config))


if __name__ == "__main__":
    main()
