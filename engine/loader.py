"""Strict, safe YAML loading that keeps the line and column of every node.

Only the plain YAML data types are accepted (mappings, sequences, strings, integers, finite
floats, booleans, null). Anything else is reported, never constructed: the document is
composed into nodes by PyYAML's safe composer and converted here, so a `!!python/...` tag
cannot run code, duplicate keys are caught with both positions, and aliases are bounded so an
expanding "billion laughs" document is rejected after a few thousand nodes.

Speed: the events are parsed by libyaml's C parser when PyYAML has it (ten times faster than
PyYAML's pure-Python scanner, three quarters of loading a manifest otherwise), and composed by
the same Python composer either way, so the alias count and the recursion bound are the same.
Any document the C path does not compose cleanly (a syntax error, a limit, anything) is
composed again by the pure-Python parser, so every diagnostic, message and position, is the
pure-Python one: the C parser only ever speeds up documents that compose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from engine.diagnostics import Diagnostic, DocPath, format_path

MAX_BYTES = 1_048_576
MAX_ALIASES = 100
MAX_NODES = 20_000
MAX_DEPTH = 64
# Nesting bound while composing: PyYAML's composer recurses (about three Python frames a
# level), so a deep document is refused here, well before Python's recursion limit. Catching a
# RecursionError instead would work, but on CPython 3.11.7 it leaves the thread's AST recursion
# counter corrupted, and a later `compile()` (pytest rewriting a plugin module) then fails
# with "AST constructor recursion depth mismatch".
MAX_COMPOSE_DEPTH = 200

RULE_SYNTAX = "LB001"
RULE_DUPLICATE_KEY = "LB002"
RULE_UNSAFE_TAG = "LB003"
RULE_ALIAS_LIMIT = "LB004"
RULE_DOCUMENT_SHAPE = "LB005"
RULE_NUMBER = "LB006"

_TAG = "tag:yaml.org,2002:"
_FLOAT_12 = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


@dataclass(frozen=True)
class Position:
    line: int
    column: int
    """1-based, like editors and compilers."""


@dataclass(frozen=True)
class LoadedDocument:
    """Plain data plus where each value (and each mapping key) starts in the file."""

    file: str
    data: dict[str, Any]
    values: Mapping[DocPath, Position]
    keys: Mapping[DocPath, Position]

    def locate(self, path: DocPath) -> Position:
        """The value's node, or the nearest enclosing node that exists (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            position = self.values.get(tuple(path[:end]))
            if position is not None:
                return position
        return Position(1, 1)

    def locate_key(self, path: DocPath) -> Position:
        """The key of a mapping entry (for unknown or duplicated keys), else the value."""
        return self.keys.get(tuple(path)) or self.locate(path)

    def diagnostic(
        self, path: DocPath, rule: str, message: str, *, severity: str = "error", at_key: bool = False
    ) -> Diagnostic:
        position = self.locate_key(path) if at_key else self.locate(path)
        return Diagnostic(
            file=self.file,
            line=position.line,
            column=position.column,
            path=format_path(path),
            rule=rule,
            severity="warning" if severity == "warning" else "error",
            message=message,
        )


class _Limit(Exception):
    """The document exceeds a safety bound; carries where it was noticed."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _implicit_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    # Dates stay strings (a manifest has none), and floats follow YAML 1.2 so `1e309` is a
    # number (and rejected as infinite) instead of silently becoming the string "1e309".
    kept = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TAG + "timestamp", _TAG + "float")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    for first in list("-+.0123456789"):
        kept.setdefault(first, []).append((_TAG + "float", _FLOAT_12))
    return kept


class _TooDeep(Exception):
    """The document nests deeper than MAX_COMPOSE_DEPTH."""


class _AliasCountingComposer(Composer):
    """PyYAML's composer, counting aliases and bounding nesting as it composes (over either parser)."""

    aliases_seen = 0
    depth = 0

    if TYPE_CHECKING:  # provided by the parser this is mixed with

        def check_event(self, *choices: Any) -> bool: ...

        def peek_event(self) -> Any: ...

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                raise _Limit(f"more than {MAX_ALIASES} aliases", self.peek_event().start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_COMPOSE_DEPTH:
                raise _TooDeep
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _NotForTheCParser(Exception):
    """A construct where libyaml and PyYAML's pure-Python parser are known to disagree."""


# Where libyaml and the pure-Python parser disagree on a document (found by comparing both on
# mutated manifests), the pure-Python parser decides. Tabs: libyaml accepts some that PyYAML
# rejects. A byte order mark inside the document shifts libyaml's columns.
_NOT_FOR_THE_C_PARSER = ("\t", "\ufeff")


class _SafeComposer(_AliasCountingComposer, yaml.SafeLoader):
    """PyYAML's pure-Python safe scanner/parser with the counting composer: the reference path."""

    yaml_implicit_resolvers = _implicit_resolvers()


class _Composing(Protocol):
    def get_single_node(self) -> Node | None: ...

    def dispose(self) -> None: ...


def _c_composer_class() -> Callable[[str], _Composing] | None:
    """libyaml's parser under the same composer and resolvers, or None without libyaml."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml: the pure-Python path does it all
        return None

    # The composer comes first in the method order: CParser has a composer of its own, written
    # in C, which neither counts aliases nor bounds its recursion (a deeply nested document
    # overflows the C stack), so only its events are used.
    class CComposer(_AliasCountingComposer, CParser, Resolver):
        yaml_implicit_resolvers = _SafeComposer.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> ScalarNode:
            node = super().compose_scalar_node(anchor)
            if not node.style:  # plain: libyaml says "", PyYAML None
                node.style = None
                # An empty plain scalar (a missing value) is placed differently by the two in
                # flow collections, and inside flow collections PyYAML ends a plain scalar at
                # "?" (then fails) where libyaml reads on.
                if not node.value or "?" in node.value:
                    raise _NotForTheCParser
            return node

    return CComposer


_C_COMPOSER = _c_composer_class()
# Builds the bool/int/float values of scalar nodes; it keeps no state between calls.
_SCALARS = SafeConstructor()


def _position(mark: yaml.Mark | None) -> Position:
    if mark is None:
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


@dataclass
class _Converter:
    """Nodes -> plain data, with positions; problems are collected, not raised."""

    file: str
    constructor: SafeConstructor
    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    nodes_seen: int = 0
    active: set[int] = field(default_factory=set)

    def problem(self, mark: yaml.Mark | None, path: DocPath, rule: str, message: str) -> None:
        position = _position(mark)
        self.problems.append(
            Diagnostic(self.file, position.line, position.column, format_path(path), rule, "error", message)
        )

    def convert(self, node: Node, path: DocPath) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _Limit(f"the document expands to more than {MAX_NODES} nodes", node.start_mark)
        if len(path) > MAX_DEPTH or id(node) in self.active:
            raise _Limit("the document nests too deeply (or an alias refers to itself)", node.start_mark)
        self.values[path] = _position(node.start_mark)
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode) and node.tag == _TAG + "map":
                return self.mapping(node, path)
            if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
                return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
            return self.unsafe(node, path)
        finally:
            self.active.discard(id(node))

    def unsafe(self, node: Node, path: DocPath) -> None:
        self.problem(
            node.start_mark,
            path,
            RULE_UNSAFE_TAG,
            f"tag {_show_tag(node.tag)} is not allowed: manifests hold plain data only",
        )

    def scalar(self, node: ScalarNode, path: DocPath) -> Any:
        tag = node.tag
        if tag in (_TAG + "str", _TAG + "value"):
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return self.constructor.construct_yaml_bool(node)
        if tag == _TAG + "int":
            return self.integer(node, path)
        if tag == _TAG + "float":
            return self.floating(node, path)
        return self.unsafe(node, path)

    def integer(self, node: ScalarNode, path: DocPath) -> int | None:
        try:
            return int(self.constructor.construct_yaml_int(node))
        except ValueError:
            self.problem(node.start_mark, path, RULE_NUMBER, f"integer {node.value[:20]}... is too large")
            return None

    def floating(self, node: ScalarNode, path: DocPath) -> float | None:
        try:
            value = float(self.constructor.construct_yaml_float(node))
        except ValueError:
            return node.value
        if not math.isfinite(value):
            self.problem(node.start_mark, path, RULE_NUMBER, f"{node.value} is not a finite number")
            return None
        return value

    def mapping(self, node: MappingNode, path: DocPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        explicit = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.merge(value_node, path, result)
            else:
                explicit.append((key_node, value_node))
        self.values[path] = _position(node.start_mark)
        first_seen: dict[str, Position] = {}
        for key_node, value_node in explicit:
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in first_seen:
                where = first_seen[key]
                self.problem(
                    key_node.start_mark,
                    (*path, key),
                    RULE_DUPLICATE_KEY,
                    f"duplicate key {key!r} (first defined at line {where.line}, column {where.column})",
                )
                continue
            first_seen[key] = _position(key_node.start_mark)
            self.keys[(*path, key)] = first_seen[key]
            result[key] = self.convert(value_node, (*path, key))
        return result

    def key(self, node: Node, path: DocPath) -> str | None:
        if isinstance(node, ScalarNode) and node.tag.startswith(_TAG):
            return str(node.value)
        self.problem(node.start_mark, path, RULE_SYNTAX, "mapping keys must be plain strings")
        return None

    def merge(self, node: Node, path: DocPath, into: dict[str, Any]) -> None:
        """`<<: *anchor` (or a list of them): keys not set explicitly come from the anchors."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            merged = self.convert(source, path)
            if not isinstance(merged, dict):
                self.problem(source.start_mark, path, RULE_SYNTAX, "`<<` must merge a mapping")
                continue
            for key, value in merged.items():
                into.setdefault(key, value)


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})"
        return None, [Diagnostic(file, line, column, format_path(()), RULE_SYNTAX, "error", message)]


def _syntax_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    if "'\\t'" in problem:
        return "tab character found: YAML indentation must use spaces"
    context = getattr(error, "context", None)
    text = f"{context}: {problem}" if context else problem
    return "invalid YAML: " + " ".join(text.split())


def _text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _compose(text: str, file: str) -> tuple[Node | None, list[Diagnostic]]:
    """The document's root node (None if empty), or why it cannot be composed."""
    if _C_COMPOSER is not None and not any(character in text for character in _NOT_FOR_THE_C_PARSER):
        composer = _C_COMPOSER(text)
        try:
            return composer.get_single_node(), []
        except (yaml.YAMLError, _Limit, _TooDeep, RecursionError, _NotForTheCParser):
            pass  # composed again below: the pure-Python path's diagnostics are the reference
        finally:
            composer.dispose()
    return _compose_pure_python(text, file)


def _compose_pure_python(text: str, file: str) -> tuple[Node | None, list[Diagnostic]]:
    def problem(position: Position, rule: str, message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(file, position.line, position.column, "<root>", rule, "error", message)]

    try:
        composer = _SafeComposer(text)  # the reader rejects control characters right here
    except yaml.reader.ReaderError as error:
        where = _text_position(text, error.position)
        return problem(where, RULE_SYNTAX, f"character #x{error.character:04x} is not allowed in YAML")
    try:
        return composer.get_single_node(), []
    except _Limit as limit:
        return problem(
            _position(limit.mark), RULE_ALIAS_LIMIT, f"too many aliases: {limit.message} (YAML bomb?)"
        )
    except yaml.MarkedYAMLError as error:
        return problem(
            _position(error.problem_mark or error.context_mark), RULE_SYNTAX, _syntax_message(error)
        )
    except yaml.YAMLError as error:
        return problem(Position(1, 1), RULE_SYNTAX, f"invalid YAML: {error}")
    except (_TooDeep, RecursionError):
        return problem(Position(1, 1), RULE_SYNTAX, "invalid YAML: nested too deeply")
    finally:
        composer.dispose()


def _shape_problem(file: str, position: Position, message: str) -> list[Diagnostic]:
    return [Diagnostic(file, position.line, position.column, "<root>", RULE_DOCUMENT_SHAPE, "error", message)]


def load_bytes(raw: bytes, file: str) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """Parse one manifest's bytes. Returns the document, or None and the reasons."""
    if len(raw) > MAX_BYTES:
        return None, _shape_problem(file, Position(1, 1), f"the file is larger than {MAX_BYTES} bytes")
    text, problems = _decode(raw, file)
    if text is None:
        return None, problems
    root, problems = _compose(text, file)
    if problems:
        return None, problems
    if root is None:
        return None, _shape_problem(
            file,
            Position(1, 1),
            "the manifest is empty: expected a mapping with `version`, `game` and `pipelines`",
        )
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        return None, _shape_problem(
            file, _position(root.start_mark), f"the manifest must be a mapping, not {kind}"
        )
    converter = _Converter(file, _SCALARS)
    try:
        data = converter.convert(root, ())
    except _Limit as limit:
        position = _position(limit.mark)
        return None, [
            Diagnostic(
                file, position.line, position.column, "<root>", RULE_ALIAS_LIMIT, "error", limit.message
            )
        ]
    if converter.problems:
        return None, converter.problems
    return LoadedDocument(file, data, dict(converter.values), dict(converter.keys)), []


def load_file(path: Path, display_name: str | None = None) -> tuple[LoadedDocument | None, list[Diagnostic]]:
    """Read and parse one manifest file; unreadable files become diagnostics too."""
    name = display_name if display_name is not None else str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [
            Diagnostic(name, 1, 1, "<root>", RULE_SYNTAX, "error", f"cannot read the file: {error.strerror}")
        ]
    return load_bytes(raw, name)
