"""``python -m simulator`` flags and banner."""

from __future__ import annotations

from datetime import UTC, datetime

from simulator.__main__ import banner, parse_args


def test_flags_map_onto_the_config() -> None:
    config = parse_args(
        [
            "--port",
            "9000",
            "--vehicles",
            "5",
            "--seed",
            "7",
            "--scenario",
            "quirks",
            "--rate-limit",
            "60/30",
            "--burst",
            "0",
            "--time-scale",
            "0",
            "--start-time",
            "2026-05-01T10:00:00+00:00",
            "--quiet-world",
        ]
    )
    assert (config.port, config.vehicles, config.seed, config.scenario) == (9000, 5, 7, "quirks")
    assert (config.rate_limit, config.rate_window, config.burst_limit) == (60, 30.0, 0)
    assert config.time_scale == 0
    assert config.start_time == datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert config.autonomous is False


def test_banner_lists_users_clients_and_urls() -> None:
    text = banner(parse_args([]), "http://127.0.0.1:8080")
    for needle in (
        "demo@example.com",
        "demo-password",
        "sim-partner-client",
        "sim-partner-secret",
        "sim-mobile-vauxhall",
        "http://127.0.0.1:8080/idp/driveds.com/am/oauth2/authorize",
        "mymopsdk://oauth2redirect/fr",
    ):
        assert needle in text
