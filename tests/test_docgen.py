"""docs/manifest-reference.md is exactly what the generator makes from the schema."""

from __future__ import annotations

from engine.docgen import REFERENCE, render
from engine.schema import manifest_schema


def test_committed_reference_is_up_to_date() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render(), "run: python -m engine.docgen"


def test_reference_mentions_every_section_key() -> None:
    text = render()
    for name, definition in manifest_schema()["$defs"].items():
        for key in definition.get("properties", {}):
            assert f"| `{key}` |" in text, f"{name}.{key}"
