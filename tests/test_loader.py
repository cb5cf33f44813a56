"""The strict YAML loader: safe data only, positions kept, bombs and duplicates rejected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.loader import MAX_NODES, Position, load_bytes, load_file


def _rules(text: bytes) -> list[str]:
    document, problems = load_bytes(text, "t.yaml")
    assert (document is None) == bool(problems)
    return [p.rule for p in problems]


def test_positions_are_one_based_for_values_and_keys() -> None:
    document, problems = load_bytes(b"a:\n  b: [x, 12]\n", "t.yaml")
    assert problems == [] and document is not None
    assert document.data == {"a": {"b": ["x", 12]}}
    assert document.locate(("a", "b", 1)) == Position(2, 10)
    assert document.locate_key(("a", "b")) == Position(2, 3)
    # A missing key is located at its parent mapping.
    assert document.locate(("a", "missing")) == Position(2, 3)


def test_duplicate_key_points_at_the_second_with_the_first_in_the_message() -> None:
    _, problems = load_bytes(b"a: 1\nb:\n  c: 1\n  c: 2\n", "t.yaml")
    assert [(p.rule, p.line, p.column, p.path) for p in problems] == [("LB002", 4, 3, "b.c")]
    assert "line 3" in problems[0].message


def test_python_tags_construct_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args))
    text = f'a: !!python/object/apply:os.system ["touch {marker}"]\nb: !!python/name:os.system\n'
    assert _rules(text.encode()) == ["LB003", "LB003"]
    assert calls == [] and not marker.exists()


def test_billion_laughs_is_rejected_by_the_node_budget() -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    document, problems = load_bytes("\n".join(levels).encode(), "bomb.yaml")
    assert document is None
    assert [p.rule for p in problems] == ["LB004"]
    assert str(MAX_NODES) in problems[0].message


def test_too_many_aliases_are_rejected_while_composing() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 500) + "]\n"
    assert _rules(text.encode()) == ["LB004"]


def test_recursive_alias_is_rejected() -> None:
    assert _rules(b"a: &x [*x]\n") == ["LB004"]


def test_merge_keys_fill_only_unset_keys() -> None:
    document, _ = load_bytes(b"base: &b {x: 1, y: 1}\nc:\n  <<: *b\n  y: 2\n", "t.yaml")
    assert document is not None
    assert document.data["c"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (b"", "LB005"),
        (b"# only a comment\n", "LB005"),
        (b"- a\n- b\n", "LB005"),
        (b"42\n", "LB005"),
        (b"a: \xff\xfe\n", "LB001"),
        (b"a:\n\tb: 1\n", "LB001"),
        (b"a: [1\n", "LB001"),
        (b"a: 1\n---\nb: 2\n", "LB001"),
        (b"a: 1e309\n", "LB006"),
        (b"a: -.inf\n", "LB006"),
        (b"a: .nan\n", "LB006"),
        (b"a: " + b"9" * 5000 + b"\n", "LB006"),
        (b"a: !Ref other\n", "LB003"),
        (b"a: !!binary aGk=\n", "LB003"),
        (b"? [a]\n: 1\n", "LB001"),
        (b"a: 1\nb: x\x07y\n", "LB001"),
        (b"[" * 100_000, "LB001"),
        (b"a: " + b"[" * 100 + b"]" * 100 + b"\n", "LB004"),
    ],
)
def test_bad_documents_are_rejected_with_a_rule(text: bytes, rule: str) -> None:
    assert _rules(text) == [rule]


def test_scalars_follow_plain_data_types() -> None:
    text = b"i: 10\nf: 1.5\ne: 1e3\nb: true\nn: ~\nd: 2026-12-04\ns: 30s\nk: {on: 1}\n"
    document, _ = load_bytes(text, "t.yaml")
    assert document is not None
    assert document.data == {
        "i": 10,
        "f": 1.5,
        "e": 1000.0,
        "b": True,
        "n": None,
        "d": "2026-12-04",
        "s": "30s",
        "k": {"on": 1},
    }


def test_byte_order_mark_is_accepted() -> None:
    document, _ = load_bytes(b"\xef\xbb\xbfa: 1\n", "t.yaml")
    assert document is not None and document.data == {"a": 1}


def test_utf8_error_is_located() -> None:
    _, problems = load_bytes(b"a: 1\nbb: \xff\n", "t.yaml")
    assert [(p.line, p.column) for p in problems] == [(2, 5)]


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    document, problems = load_file(tmp_path)  # a directory cannot be read as a file
    assert document is None and [p.rule for p in problems] == ["LB001"]
