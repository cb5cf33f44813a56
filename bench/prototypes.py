"""Measured proposals: the fixes docs/benchmarks.md proposes, patched in at run time.

`python bench/run.py --prototype libyaml --prototype known-scores` runs the benchmarks with
them, so the gains claimed for each proposal can be reproduced. They patch the product in the
benchmark's worker process only, never its files; once the real fix lands, drop the prototype.

- `libyaml`: compose manifests with libyaml's C parser (`yaml.CSafeLoader`), falling back to the
  product's pure-Python composer on any YAML error (exact messages and positions kept).
- `known-scores`: the processor skips the write for an event that cannot beat the value it
  already knows the board holds (learned from its own successful writes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PROTOTYPES = ("libyaml", "known-scores")


def _libyaml() -> None:
    import yaml

    import engine.loader as loader

    class FastComposer(yaml.CSafeLoader):
        yaml_implicit_resolvers = loader._implicit_resolvers()

    pure_python = loader._compose

    def compose(text: str, file: str) -> Any:
        try:
            return FastComposer(text).get_single_node(), []
        except yaml.YAMLError:
            return pure_python(text, file)

    loader._compose = compose


def _known_scores() -> None:
    from processor import scoring

    write = scoring.ScoreWriter._replace_if_better

    def replace_if_better(writer: Any, event: Any, board: Any) -> bool:
        known: dict[tuple[str, str], Any] = writer.__dict__.setdefault("_known_scores", {})
        key = (event.player_id, board.board_id)
        held = known.get(key)
        if held is not None and writer._config.scoring_mode == "best":
            better = event.score > held if writer._config.scoring_order == "desc" else event.score < held
            if not better:
                return False
        changed: bool = write(writer, event, board)
        if changed:
            known[key] = event.score
        return changed

    scoring.ScoreWriter._replace_if_better = replace_if_better


INSTALLERS: dict[str, Callable[[], None]] = {"libyaml": _libyaml, "known-scores": _known_scores}
SYNTH = ("libyaml",)
PROCESSOR = ("known-scores",)


def install(names: list[str], applicable: tuple[str, ...]) -> None:
    """Install the named prototypes that apply to this worker (the others are ignored)."""
    for name in names:
        if name in applicable:
            INSTALLERS[name]()
