"""Package-level guarantees: no Home Assistant import, small modules, hashable models."""

from __future__ import annotations

import ast
from pathlib import Path
import sys

from custom_components.psa_connected_car import api
from custom_components.psa_connected_car.api import Callback

API_DIR = Path(api.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_api_never_imports_home_assistant() -> None:
    allowed_third_party = {"aiohttp", "orjson", "yarl"}
    for path in API_DIR.glob("*.py"):
        for module in _imported_modules(path):
            root = module.split(".")[0]
            assert root != "homeassistant", path.name
            assert root in allowed_third_party or root in _stdlib(), (path.name, module)


def _stdlib() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names) | {"__future__"}


def test_modules_stay_small() -> None:
    for path in API_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_everything_exported_exists() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None
    assert (API_DIR / "py.typed").exists()


def test_callback_is_hashable_despite_its_attributes() -> None:
    callback = Callback("cb", "https://x.invalid", {"a": "b"}, "ha", "Running")
    assert hash(callback) == hash(Callback("cb", "https://x.invalid", {"c": "d"}, "ha", "Running"))
