"""Repository checks standing in for hassfest and the HACS / marketplace validation."""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import json
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant.helpers.entity import EntityDescription
import pytest

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "psa_connected_car"
TRANSLATIONS = INTEGRATION / "translations"
MANIFEST_HEAD = ["domain", "name"]
HACS_KEYS = {
    "name",
    "homeassistant",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "persistent_directory",
    "render_readme",
    "hacs",
}
PLATFORMS = ("sensor", "binary_sensor", "device_tracker")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _key_paths(node: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _key_paths(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def test_manifest_keys_and_order() -> None:
    manifest = _load(INTEGRATION / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == MANIFEST_HEAD
    assert keys[2:] == sorted(keys[2:]), "hassfest wants the keys after name sorted"
    assert manifest["domain"] == INTEGRATION.name
    assert manifest["config_flow"] is True
    assert "application_credentials" in manifest["dependencies"]
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] in {"cloud_polling", "cloud_push"}
    assert AwesomeVersion(manifest["version"]).valid
    assert manifest["requirements"] == []


def test_hacs_json() -> None:
    hacs = _load(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"]
    assert AwesomeVersion(hacs["homeassistant"]) >= AwesomeVersion("2026.10.0")


def test_brand_images() -> None:
    from PIL import Image  # noqa: PLC0415  (only this test needs Pillow)

    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        with Image.open(INTEGRATION / "brand" / name) as image:
            assert image.size == (size, size)


def test_every_translation_has_the_keys_of_english() -> None:
    english = set(_key_paths(_load(TRANSLATIONS / "en.json")))
    files = sorted(TRANSLATIONS.glob("*.json"))
    assert {f.stem for f in files} >= {"en", "fr", "de", "it", "es", "nl", "pt", "pl"}
    for path in files:
        keys = set(_key_paths(_load(path)))
        assert keys == english, f"{path.name}: missing {english - keys}, extra {keys - english}"


def _descriptions(platform: str) -> Iterator[EntityDescription]:
    try:
        module = importlib.import_module(f"custom_components.psa_connected_car.{platform}")
    except ModuleNotFoundError:
        return
    for value in vars(module).values():
        if isinstance(value, tuple):
            yield from (item for item in value if isinstance(item, EntityDescription))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_entity_translation_and_icon_keys_exist(platform: str) -> None:
    english = _load(TRANSLATIONS / "en.json").get("entity", {}).get(platform, {})
    icons = _load(INTEGRATION / "icons.json").get("entity", {}).get(platform, {})
    for description in _descriptions(platform):
        key = description.translation_key
        assert key is not None, f"{platform}.{description.key} has no translation key"
        assert key in english, f"entity.{platform}.{key} missing from en.json"
        if description.device_class is None:
            assert key in icons, f"entity.{platform}.{key} has neither device class nor icon"


def test_icons_only_reference_translated_entities() -> None:
    english = _load(TRANSLATIONS / "en.json").get("entity", {})
    icons = _load(INTEGRATION / "icons.json").get("entity", {})
    for platform, keys in icons.items():
        assert set(keys) <= set(english.get(platform, {})), platform


def test_quality_scale_lists_every_rule_done_or_exempt_with_a_reason() -> None:
    import yaml  # noqa: PLC0415  (only this test reads YAML)

    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))[
        "rules"
    ]
    assert len(rules) >= 50
    for name, rule in rules.items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in {"done", "exempt"}, name
        if status == "exempt":
            assert rule["comment"].strip(), name
