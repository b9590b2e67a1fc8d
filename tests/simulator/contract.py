"""Load the v4 B2C OpenAPI file and validate recorded responses against it.

The specification is OpenAPI 3.0 with TAB characters, YAML 1.1 booleans where strings are
meant (``No``, ``On``, ``Off``), a malformed ``$ref``, a regex wrapped in literal quotes and
response content types with trailing spaces; this module smooths those over and turns each response
schema into a self-contained JSON Schema (Draft 7) with an RFC 3339 ``date-time`` check.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT.parent / "shared" / "reference" / "stellantis-developer-docs" / "openapi"
API_SPEC = SPEC_DIR / "api-b2c.yaml"
WEBHOOK_SPEC = SPEC_DIR / "api-b2c-webhook-template.yaml"
API_PREFIX = "/connectedcar/v4"
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DROP = {"example", "examples", "deprecated", "externalDocs", "xml", "discriminator", "nullable"}
_DROP |= {"readOnly", "writeOnly"}

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or _RFC3339.fullmatch(value) is not None


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false (the spec's enums hold ``No``, ``On``, ``Off``)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_spec(path: Path = API_SPEC) -> dict[str, Any]:
    """The parsed specification; skipped when absent locally, a failure in CI."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the API specification is missing: {path}")
        pytest.skip(f"the API specification is absent: {path}")
    text = path.read_text().replace("\t", "  ")
    document: dict[str, Any] = yaml.load(text, Loader=Yaml12Loader)  # noqa: S506  (SafeLoader)
    return document


class Resolver:
    """Inlines ``$ref``s and converts OpenAPI 3.0 schema dialect to JSON Schema."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def lookup(self, ref: str) -> Any:
        """The object a local ``$ref`` points at (tolerates ``#components/...``)."""
        pointer = ref.removeprefix("#").lstrip("/")
        node: Any = self.spec
        for part in pointer.split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains of a non-schema object (responses, parameters)."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.lookup(node["$ref"])
        return node

    def schema(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """A self-contained JSON Schema."""
        if isinstance(node, list):
            return [self.schema(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}
            return self.schema(self.lookup(ref), (*seen, ref))
        converted: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROP:
                continue
            if key == "pattern" and isinstance(value, str) and len(value) > 2:
                # MonitorTrigger.name's pattern is written with literal quotes around it.
                converted[key] = value[1:-1] if value[0] == value[-1] == '"' else value
            elif key in ("properties", "patternProperties", "definitions"):
                converted[key] = {k: self.schema(v, seen) for k, v in value.items()}
            else:
                converted[key] = self.schema(value, seen)
        if node.get("nullable") is True and "type" in converted:
            converted["type"] = [converted["type"], "null"]
        return converted


@dataclass(frozen=True)
class Recorded:
    """One exchange the crawler saw."""

    method: str
    path: str
    status: int
    content_type: str
    body: bytes


class Contract:
    """Maps concrete requests to operations and validates their responses."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.resolver = Resolver(spec)
        self.routes: list[tuple[re.Pattern[str], str]] = []
        for template in spec["paths"]:
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            self.routes.append((re.compile(f"{regex}"), template))

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        """The spec operation of a concrete API path."""
        relative = path.removeprefix(API_PREFIX)
        for regex, template in self.routes:
            if regex.fullmatch(relative):
                item = self.resolver.deref(self.spec["paths"][template])
                operation: dict[str, Any] | None = item.get(method.lower())
                return operation
        return None

    def response_spec(self, operation: dict[str, Any], status: int) -> dict[str, Any] | None:
        """The documented response for a status (falling back to ``default``)."""
        responses = {str(k): v for k, v in operation["responses"].items()}
        chosen = responses.get(str(status), responses.get("default"))
        if chosen is None:
            return None
        resolved: dict[str, Any] = self.resolver.deref(chosen)
        return resolved

    def violations(self, exchange: Recorded) -> list[str]:
        """Everything wrong with one exchange (empty when it honours the contract)."""
        where = f"{exchange.method} {exchange.path} -> {exchange.status}"
        operation = self.operation(exchange.method, exchange.path)
        if operation is None:
            return [f"{where}: not an operation of the specification"]
        response = self.response_spec(operation, exchange.status)
        if response is None:
            return [f"{where}: status not documented"]
        content = {k.strip(): v for k, v in (response.get("content") or {}).items()}
        if not content:
            return [] if not exchange.body else [f"{where}: body where none is documented"]
        media = exchange.content_type.split(";")[0].strip()
        if media not in content:
            return [f"{where}: content type {media!r} not in {sorted(content)}"]
        return self.schema_violations(where, content[media]["schema"], exchange.body)

    def schema_violations(self, where: str, schema: Any, body: bytes) -> list[str]:
        """Validate a JSON body against a (raw spec) schema."""
        try:
            document = json.loads(body) if body else None
        except ValueError:
            return [f"{where}: body is not JSON"]
        validator = Draft7Validator(self.resolver.schema(schema), format_checker=FORMATS)
        return [
            f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
            for error in validator.iter_errors(document)
        ]


# --- the business (B2B v3) fleet API --------------------------------------------------------
B2B_SPEC = SPEC_DIR / "api-b2b.yaml"
B2B_WEBHOOK_SPEC = SPEC_DIR / "api-b2b-webhook-template-v3.yaml"
B2B_PREFIX = "/connectedcar/v3"


class B2bContract(Contract):
    """``Contract`` for ``api-b2b.yaml``, whose paths sit under ``/connectedcar/v3``."""

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        """The spec operation of a concrete v3 path."""
        if not path.startswith(B2B_PREFIX):
            return None
        return super().operation(method, API_PREFIX + path.removeprefix(B2B_PREFIX))
