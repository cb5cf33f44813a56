"""Write sharding of the score index: a stable hash of the player picks the shard.

The hash must be the same in every process and release (reads recompute it), so it is CRC-32
of the UTF-8 player id, never Python's salted `hash()`.
"""

from __future__ import annotations

import zlib


def shard_of(player_id: str, shards: int) -> int:
    """The shard (0..shards-1) that holds `player_id`'s items on every board."""
    return zlib.crc32(player_id.encode("utf-8")) % shards


def board_shard(board_id: str, shard: int) -> str:
    """Partition-key value of the score index: `{board}#{shard}`."""
    return f"{board_id}#{shard}"
