"""The manifest JSON Schema: valid 2020-12, documented everywhere, agrees with the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.loader import load_file
from engine.resolve import BUILTIN_DEFAULTS
from engine.schema import EVENT_SCHEMA, MANIFEST_SCHEMA, manifest_schema, manifest_validator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "manifests").glob("*.yaml"))
NO_DEFAULT = {"owner"}  # optional with no value to fall back to: absent means "no owner"


def test_schemas_are_valid_against_the_2020_12_metaschema() -> None:
    for path in (MANIFEST_SCHEMA, EVENT_SCHEMA):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


def _objects(node: Any, where: str = "#") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


def test_every_object_is_closed_except_free_form_maps() -> None:
    for where, schema in _objects(manifest_schema()):
        if where.endswith(("/properties/tags", "/properties/environments", "/properties/pipelines")):
            assert isinstance(schema.get("additionalProperties"), dict), where  # typed free-form map
        else:
            assert schema.get("additionalProperties") is False, where


def test_every_property_has_title_description_examples_and_default_unless_required() -> None:
    for where, schema in _objects(manifest_schema()):
        required = set(schema.get("required", []))
        for key, prop in schema.get("properties", {}).items():
            if set(prop) == {"$ref"}:
                continue  # documented where it is defined
            for keyword in ("title", "description", "examples"):
                assert keyword in prop, f"{where}/properties/{key} lacks {keyword}"
            if key not in required and key not in NO_DEFAULT:
                assert "default" in prop, f"{where}/properties/{key} lacks default"


def test_schema_defaults_equal_the_engine_built_in_defaults() -> None:
    defs = manifest_schema()["$defs"]
    for section, defaults in BUILTIN_DEFAULTS.items():
        properties = defs[section]["properties"]
        assert set(properties) == set(defaults), section
        for key, value in defaults.items():
            assert properties[key]["default"] == value, f"{section}.{key}"


def test_no_one_of_shapes() -> None:
    assert "oneOf" not in MANIFEST_SCHEMA.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_and_point_editors_at_the_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/manifest.schema.json\n"
    )
    document, problems = load_file(path)
    assert problems == [] and document is not None
    assert list(manifest_validator().iter_errors(document.data)) == []


def test_property_examples_are_valid_values() -> None:
    # Examples are shown by editors; each must itself pass its property's schema.
    validator_class = type(manifest_validator())
    schema = manifest_schema()
    for where, node in _objects(schema):
        for key, prop in node.get("properties", {}).items():
            for example in prop.get("examples", []):
                resolver_schema = {**prop, "$defs": schema["$defs"]}
                errors = list(validator_class(resolver_schema).iter_errors(example))
                assert errors == [], f"{where}/properties/{key}: {example!r}"


@pytest.mark.parametrize(("flag", "path"), [([], MANIFEST_SCHEMA), (["--event"], EVENT_SCHEMA)])
def test_schema_command_prints_the_schema(flag: list[str], path: Path) -> None:
    command = [sys.executable, "-m", "engine.cli", "schema", *flag]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(path.read_text(encoding="utf-8"))
