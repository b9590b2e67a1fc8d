"""Where scenario results go: one JSON part per scenario, merged by ``bench.report``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "bench-results" / "parts"


def parts_dir() -> Path:
    """``$BENCH_OUT`` (set by ``scripts/bench``), else ``bench-results/parts``."""
    return Path(os.environ.get("BENCH_OUT") or DEFAULT_DIR)


def write_part(name: str, data: dict[str, Any]) -> Path:
    """Write one scenario's figures."""
    directory = parts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    return path


def say(capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Progress on the terminal (Home Assistant's logs stay captured)."""
    with capsys.disabled():
        print(text, flush=True)  # noqa: T201
