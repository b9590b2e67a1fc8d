"""Prepare a Home Assistant configuration folder for scripts/develop and scripts/e2e.

Run with the Python of .venv-dev (it imports Home Assistant to build the HTTP settings):

    .venv-dev/bin/python scripts/ha_config.py CONFIG_DIR --port 8123 [--host 127.0.0.1]

It does two things and is safe to repeat:

1. links CONFIG_DIR/custom_components to the repository's custom_components folder, so Home
   Assistant loads the integration from the working tree;
2. writes the HTTP server settings (listen address and port) to CONFIG_DIR/.storage/http.

Since 2026.11 Home Assistant keeps its HTTP settings in storage. An ``http:`` block in
configuration.yaml is imported once as an unconfirmed trial that Home Assistant reverts after five
minutes (back to port 8123 on every interface) unless someone confirms it in the UI. Writing the
stored settings directly gives a server that listens on loopback only, on the chosen port, with no
confirmation dialog and no repair issue.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent.parent
STORE_VERSION = 3
STORE_MINOR_VERSION = 1


def link_custom_components(config_dir: Path) -> None:
    """Point CONFIG_DIR/custom_components at the repository's folder."""
    link = config_dir / "custom_components"
    target = ROOT / "custom_components"
    if link.is_symlink():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    elif link.exists():
        sys.exit(
            f"{link} exists and is not a symbolic link; move it away so the working tree's "
            "integration is the one Home Assistant loads."
        )
    # Inside the repository the link is relative (config/custom_components -> ../custom_components).
    resolved = config_dir.resolve()
    if resolved.is_relative_to(ROOT):
        link.symlink_to(os.path.relpath(target, resolved))
    else:
        link.symlink_to(target)


def http_settings(host: str, port: int) -> dict[str, object]:
    """The stored HTTP settings, completed with Home Assistant's own defaults."""
    from homeassistant.components.http.config import (  # noqa: PLC0415
        HTTP_STORAGE_SCHEMA,
    )

    validated = dict(HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port}))
    profile = validated.get("ssl_profile")
    if profile is not None:
        validated["ssl_profile"] = str(getattr(profile, "value", profile))
    return validated | {
        "created_at": datetime.now(UTC).isoformat(),
        "error": None,
        "error_message": None,
    }


def write_http_store(config_dir: Path, host: str, port: int) -> None:
    """Make HOST:PORT the confirmed ("stable") HTTP settings; keep anything else stored."""
    path = config_dir / ".storage" / "http"
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = http_settings(host, port)
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        stable = stored.get("data", {}).get("stable") or {}
        if stable.get("server_host") == [host] and stable.get("server_port") == port:
            settings = stable | {"error": None, "error_message": None}
    document = {
        "version": STORE_VERSION,
        "minor_version": STORE_MINOR_VERSION,
        "key": "http",
        "data": {"stable": settings, "pending": None, "yaml_migration_done": True},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    """Parse the arguments and prepare the folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config_dir", type=Path)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    config_dir: Path = args.config_dir
    if not (config_dir / "configuration.yaml").is_file():
        sys.exit(f"{config_dir}/configuration.yaml is missing")
    link_custom_components(config_dir)
    write_http_store(config_dir, args.host, args.port)


if __name__ == "__main__":
    main()
