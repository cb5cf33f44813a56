"""Read a deployed pipeline's leaderboard with the processor's own read module.

`engine` never imports `lambda/`; local mode loads `processor/reads.py` (and `windows.py`,
which names the boards) from the function's deployed code archive, under a private package
name, and points it at the table described by the function's own environment variables.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = "processor"
_private_names = itertools.count()


@dataclass(frozen=True)
class Layout:
    """The table layout `processor.reads` needs (its LeaderboardLayout protocol)."""

    table_name: str
    partition_key: str
    partition_key_type: str
    sort_key: str
    score_index: str
    scoring_order: str
    shards: int

    @classmethod
    def from_environment(cls, variables: Mapping[str, str]) -> Layout:
        return cls(
            table_name=variables["LB_TABLE_NAME"],
            partition_key=variables["LB_PARTITION_KEY"],
            partition_key_type=variables["LB_PARTITION_KEY_TYPE"],
            sort_key=variables["LB_SORT_KEY"],
            score_index=variables["LB_SCORE_INDEX"],
            scoring_order=variables["LB_SCORING_ORDER"],
            shards=int(variables["LB_SHARDS"]),
        )


def _load_package(code_dir: Path) -> tuple[str, ModuleType, ModuleType]:
    name = f"_local_mode_processor_{next(_private_names)}"
    package_dir = code_dir / PACKAGE
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return name, importlib.import_module(f"{name}.reads"), importlib.import_module(f"{name}.windows")


class BoardReader:
    """top-N and board names of one pipeline, through the deployed `processor.reads`."""

    def __init__(self, code_dir: Path, variables: Mapping[str, str], dynamodb: Any) -> None:
        self._name, self._reads, self._windows = _load_package(code_dir)
        self.layout = Layout.from_environment(variables)
        self.windows = tuple(variables["LB_WINDOWS"].split(","))
        self._dynamodb = dynamodb

    def report_board(self, latest_timestamp_ms: int) -> str:
        """The all-time board, else the first window's board for the latest event's period."""
        window = "all-time" if "all-time" in self.windows else self.windows[0]
        board: str = self._windows.boards_for(latest_timestamp_ms, [window])[0].board_id
        return board

    def top(self, board: str, n: int = 10) -> list[dict[str, Any]]:
        entries = self._reads.top(self._dynamodb, self.layout, board, n)
        return [{"player_id": e.player_id, "score": e.score} for e in entries]

    def close(self) -> None:
        for module in [m for m in sys.modules if m == self._name or m.startswith(self._name + ".")]:
            del sys.modules[module]
