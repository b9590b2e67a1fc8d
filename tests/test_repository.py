"""Repository checks standing in for hassfest and the HACS / marketplace validation."""

from __future__ import annotations

import ast
from collections.abc import Iterator
import importlib
import json
from pathlib import Path
import re
import string
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
PLATFORMS = ("sensor", "binary_sensor", "device_tracker", "switch", "time")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
# hassfest's rules for translation keys and values (script/hassfest/translations.py).
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
SLUG = re.compile(r"^[a-z0-9_]+$")
URL_IN_TEXT = re.compile(
    r"(((ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5):\/\/|www\.)"
    r"[a-z0-9]+([\-\.]{1}[a-z0-9]+)*\.[a-z]{2,5}(:[0-9]{1,5})?(\/.*)?)",
    re.IGNORECASE,
)
SCHEME_IN_TEXT = re.compile(r"\b(ftp|ftps|scp|http|https|mqtt|mqtts|socket|socks5)://", re.I)
"""Even a bare scheme (``https://``) counts as a URL for the validators; say ``HTTPS``."""
HTML_TAG = re.compile(r"<[a-z/!][^>]*>", re.IGNORECASE)
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")
COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _key_paths(node: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _key_paths(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def _strings(node: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (key path, text) of a translation file."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, node


def _translation_files() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*.json"))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


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


def test_manifest_fields_hassfest_checks_for_custom_integrations() -> None:
    manifest = _load(INTEGRATION / "manifest.json")
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["codeowners"], "hassfest wants at least one code owner"
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://"), key
    assert manifest["dependencies"] == sorted(set(manifest["dependencies"]))
    assert all(logger.strip() for logger in manifest["loggers"])


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


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.name)
def test_translation_texts_pass_hassfest(path: Path) -> None:
    for key, text in _strings(_load(path)):
        assert isinstance(text, str), f"{path.name}: {key} is not a string"
        assert text.strip(), f"{path.name}: {key} is empty"
        assert text == text.strip(), f"{path.name}: {key} has leading or trailing spaces"
        assert not URL_IN_TEXT.search(text), f"{path.name}: {key} holds a URL (use a placeholder)"
        assert not SCHEME_IN_TEXT.search(text), f"{path.name}: {key} holds a URL scheme"
        assert not HTML_TAG.search(text), f"{path.name}: {key} holds HTML"
        assert not SINGLE_QUOTED_PLACEHOLDER.search(text), f"{path.name}: {key}: '{{x}}'"
        assert not COMBINED_REFERENCE.search(text), f"{path.name}: {key} combines references"
        assert all(name.isidentifier() for name in _placeholders(text)), f"{path.name}: {key}"


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.name)
def test_translation_keys_pass_hassfest(path: Path) -> None:
    translations = _load(path)
    for selector, content in translations.get("selector", {}).items():
        assert SLUG.match(selector), f"{path.name}: selector {selector}"
        for key in content.get("options", {}):
            assert TRANSLATION_KEY.match(key), f"{path.name}: selector.{selector}.options.{key}"
    for platform, entities in translations.get("entity", {}).items():
        for entity_key, entity in entities.items():
            assert TRANSLATION_KEY.match(entity_key), f"{path.name}: {platform}.{entity_key}"
            for state in entity.get("state", {}):
                assert TRANSLATION_KEY.match(state), f"{path.name}: {entity_key} state {state}"
    for group in ("exceptions", "issues"):
        for key in translations.get(group, {}):
            assert SLUG.match(key), f"{path.name}: {group}.{key}"


@pytest.mark.parametrize("path", _translation_files(), ids=lambda path: path.name)
def test_every_data_description_describes_a_field(path: Path) -> None:
    translations = _load(path)
    for flow in ("config", "options"):
        for step_id, step in translations.get(flow, {}).get("step", {}).items():
            parts = [step, *step.get("sections", {}).values()]
            for part in parts:
                extra = set(part.get("data_description", {})) - set(part.get("data", {}))
                assert not extra, f"{path.name}: {flow}.{step_id} describes unknown {extra}"


def test_every_language_has_the_placeholders_of_english() -> None:
    english = dict(_strings(_load(TRANSLATIONS / "en.json")))
    for path in _translation_files():
        for key, text in _strings(_load(path)):
            assert _placeholders(text) == _placeholders(english[key]), f"{path.name}: {key}"


def test_icons_are_material_design_icons() -> None:
    for key, icon in _strings(_load(INTEGRATION / "icons.json")):
        assert re.fullmatch(r"mdi:[a-z0-9-]+", icon), f"icons.json: {key} = {icon}"


def _python_modules() -> list[Path]:
    return sorted(INTEGRATION.rglob("*.py"))


@pytest.mark.parametrize(
    "path", _python_modules(), ids=lambda path: str(path.relative_to(INTEGRATION))
)
def test_modules_and_functions_stay_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path.name}: {node.name} has {length} lines"
