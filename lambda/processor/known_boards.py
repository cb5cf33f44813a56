"""What each board is known to hold, so that a write which cannot win is never sent.

Under `best` and `latest` a board only ever moves forward: every write is conditional on
beating what the item holds. So once this process has seen a board hold a value (it wrote it,
or DynamoDB returned the item with a failed condition), the board holds that value or a better
one for as long as the item exists, whatever other writers do. An event that does not beat the
known value would fail the condition anyway: skipping its UpdateItem changes nothing.

The exception is an item that disappears: TTL deletes expired windowed boards (the writer does
not consult this for those), and an operator may delete or reset items by hand (documented in
docs/processor.md: recycle the containers). `sum` has no monotonic value and never uses this.

One instance per warm container and table (the handler's cold-start state); bounded LRU.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from decimal import Decimal

KnownValue = Decimal | tuple[int | Decimal, str]
"""`best`: the score; `latest`: the (event_ts, event_id) pair the board holds."""

# About 400 bytes an entry (key tuple, player id, value, LRU link): ~8 MB when full, small
# next to the 128 MB minimum of a function; far more players than one container usually sees.
DEFAULT_MAX_ENTRIES = 20_000


class KnownBoards:
    """Bounded LRU of (player_id, board_id) -> the value the board is known to hold."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], KnownValue] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, player_id: str, board_id: str) -> KnownValue | None:
        """The known value, or None; a hit becomes the most recently used entry."""
        key = (player_id, board_id)
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def remember(self, player_id: str, board_id: str, value: KnownValue) -> None:
        """Record what the board holds now, evicting the least recently used entry when full."""
        # Board ids repeat across players (`all-time`, `daily#2026-12-04`): share one string.
        key = (player_id, sys.intern(board_id))
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
