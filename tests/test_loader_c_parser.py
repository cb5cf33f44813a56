"""The loader's libyaml path gives exactly what its pure-Python path gives, only faster.

`engine.loader` parses with libyaml's C parser when PyYAML has it and falls back to PyYAML's
pure-Python parser for anything the C path does not compose cleanly. These tests compare the
two paths directly: the same node trees (kinds, tags, values, start positions, shared alias
nodes), the same documents and diagnostics, the same resolved models, across the golden corpus,
the example manifests, seeded mutations of them, and the constructs where libyaml and PyYAML
are known to disagree.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from yaml.nodes import MappingNode, Node, ScalarNode

import engine.loader as loader
from engine.loader import MAX_NODES, load_bytes
from engine.manifest import check_paths, load_deployment

pytestmark = pytest.mark.skipif(loader._C_COMPOSER is None, reason="PyYAML was built without libyaml")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "manifests"
EXAMPLES = ROOT / "manifests"
FILES = sorted([*CORPUS.rglob("*.yaml"), *EXAMPLES.glob("*.yaml")])
VALID = sorted([*(CORPUS / "valid").glob("*.yaml"), *EXAMPLES.glob("*.yaml")])


@pytest.fixture
def c_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any fallback to the pure-Python path fails the test."""

    def no_fallback(text: str, file: str) -> Any:
        raise AssertionError(f"{file} fell back to the pure-Python parser")

    monkeypatch.setattr(loader, "_compose_pure_python", no_fallback)


def _tree(node: Node | None, shared: dict[int, int] | None = None) -> Any:
    """What the loader reads of a node tree; a node reached again (an alias) by its first index.

    End marks and collection flow styles are left out: the loader never reads them, and libyaml
    places some end marks differently.
    """
    if node is None:
        return None
    shared = {} if shared is None else shared
    if id(node) in shared:
        return ("alias", shared[id(node)])
    shared[id(node)] = len(shared)
    head = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, ScalarNode):
        return (*head, node.value, node.style)
    if isinstance(node, MappingNode):
        return (*head, [(_tree(k, shared), _tree(v, shared)) for k, v in node.value])
    return (*head, [_tree(item, shared) for item in node.value])


def _both_paths(text: str) -> tuple[Any, Any]:
    fast_root, fast_problems = loader._compose(text, "f.yaml")
    pure_root, pure_problems = loader._compose_pure_python(text, "f.yaml")
    return (_tree(fast_root), fast_problems), (_tree(pure_root), pure_problems)


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_paths_compose_the_same_nodes_or_the_same_diagnostics(path: Path) -> None:
    fast, pure = _both_paths(_text(path))
    assert fast == pure


@pytest.mark.usefixtures("c_path_only")
@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_valid_manifests_take_the_c_path(path: Path) -> None:
    document, problems = loader.load_file(path)
    assert problems == [] and document is not None


def _loaded_both_ways(monkeypatch: pytest.MonkeyPatch, load: Any) -> tuple[Any, Any]:
    fast = load()
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_C_COMPOSER", None)
        pure = load()
    return fast, pure


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_and_diagnostics_are_identical(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    raw = path.read_bytes()
    fast, pure = _loaded_both_ways(monkeypatch, lambda: load_bytes(raw, path.name))
    assert fast == pure


def test_corpus_diagnostics_are_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [CORPUS / "valid", CORPUS / "invalid", EXAMPLES]

    def diagnostics() -> list[str]:
        return [d.format_text() for d in check_paths(paths, None).diagnostics]

    fast, pure = _loaded_both_ways(monkeypatch, diagnostics)
    assert fast == pure
    assert len(fast) > 70  # the invalid corpus was really checked


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_resolved_models_are_identical(monkeypatch: pytest.MonkeyPatch, environment: str) -> None:
    fast, pure = _loaded_both_ways(monkeypatch, lambda: load_deployment([EXAMPLES], environment))
    assert fast[0] is not None and fast[0].pipelines
    assert fast == pure


# Constructs where libyaml alone would answer differently (found by comparing both parsers on
# mutated manifests): the C path must hand them to the pure-Python parser.
DISAGREEMENTS = [
    pytest.param("a: [1,\t2]\n", id="tab-in-flow"),
    pytest.param("a: b\t\n", id="trailing-tab"),
    pytest.param("a:\tb\n", id="tab-after-colon"),
    pytest.param("v\ufeffersion: 1\n", id="byte-order-mark-inside"),
    pytest.param("a: {b: , c: 1}\n", id="empty-value-in-flow-mapping"),
    pytest.param("a: [b: ]\n", id="empty-value-in-flow-pair"),
    pytest.param("a: {? , c: 1}\n", id="empty-key-in-flow-mapping"),
    pytest.param("a: [b?c]\n", id="question-mark-in-flow-sequence"),
    pytest.param("a: {b?c: 1}\n", id="question-mark-in-flow-mapping"),
]


@pytest.mark.parametrize("text", DISAGREEMENTS)
def test_known_disagreements_are_decided_by_the_pure_python_parser(text: str) -> None:
    fast, pure = _both_paths(text)
    assert fast == pure


@pytest.mark.parametrize("text", DISAGREEMENTS)
def test_known_disagreements_would_differ_without_the_fallback(text: str) -> None:
    """Proof that each case above needs its guard: libyaml's own answer differs."""
    composer_class: Any = loader._C_COMPOSER

    class Unguarded(composer_class):
        def compose_scalar_node(self, anchor: Any) -> ScalarNode:
            node: ScalarNode = loader._AliasCountingComposer.compose_scalar_node(self, anchor)
            node.style = node.style or None
            return node

    _, pure = _both_paths(text)
    unguarded = Unguarded(text).get_single_node()
    assert (_tree(unguarded), []) != pure


ALPHABET = [*" \t\n-:?[]{},#&*!|>'\"\\.0a\r\ufeff", "- ", ": ", "\n  ", "<<: ", "&a ", "*a", "!!str "]


def _mutant(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(text))
        if rng.random() < 0.6:
            text = text[:at] + rng.choice(ALPHABET) + text[at:]
        else:
            text = text[:at] + text[at + rng.randint(1, 3) :]
    return text


def test_seeded_mutations_of_the_manifests_agree() -> None:
    rng = random.Random(20261204)
    seeds = [_text(path) for path in FILES]
    for _ in range(400):
        text = _mutant(rng.choice(seeds), rng)
        fast, pure = _both_paths(text)
        assert fast == pure, text


BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


@pytest.mark.usefixtures("c_path_only")
def test_the_bomb_is_composed_without_expanding_and_rejected_by_the_node_budget() -> None:
    root = loader._compose(BILLION_LAUGHS, "bomb.yaml")[0]
    distinct: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if node is None or id(node) in distinct:
            continue
        distinct.add(id(node))
        if isinstance(node, MappingNode):
            pending += [part for pair in node.value for part in pair]
        elif not isinstance(node, ScalarNode):
            pending += node.value
    assert len(distinct) < 150  # 10 anchors of 9 items each, shared, not 9**10 copies

    document, problems = load_bytes(BILLION_LAUGHS.encode(), "bomb.yaml")
    assert document is None
    assert [p.rule for p in problems] == ["LB004"] and str(MAX_NODES) in problems[0].message


def test_too_many_aliases_get_the_pure_python_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = ("a: &a 1\nb: [" + ", ".join(["*a"] * 500) + "]\n").encode()
    fast, pure = _loaded_both_ways(monkeypatch, lambda: load_bytes(raw, "aliases.yaml"))
    assert fast == pure
    assert [(p.rule, p.line, p.column) for p in fast[1]] == [("LB004", 2, 405)]


def test_deep_nesting_is_a_diagnostic_not_a_crash() -> None:
    """libyaml's own composer recurses in C and overflows the stack here; ours must not."""
    script = (
        "from engine.loader import load_bytes\n"
        "for text in (b'[' * 100_000, b'- ' * 100_000 + b'x', b'a: ' + b'[' * 30_000 + b']' * 30_000):\n"
        "    print(sorted({p.rule for p in load_bytes(text, 'deep.yaml')[1]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:3] == ["['LB001']", "['LB001']", "['LB001']"]
