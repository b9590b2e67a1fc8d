"""``python -m simulator``: serve on 127.0.0.1 and print how to use it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import datetime
import sys

from aiohttp import web

from simulator.app import create_app
from simulator.brands import BRANDS
from simulator.config import SCENARIOS, SimulatorConfig, parse_rate_limit
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


async def serve(config: SimulatorConfig) -> None:
    """Run until interrupted."""
    app = create_app(config)
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    port = runner.addresses[0][1]
    print(banner(config, f"http://{config.host}:{port}"), flush=True)  # noqa: T201
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    config = parse_args(sys.argv[1:] if argv is None else argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config))


if __name__ == "__main__":
    main()
