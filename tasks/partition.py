"""Partitions of the feeds file: several ingest runs at once, each polling its own share of the feeds.

    "2/3" → Partition(index=2, count=3) → the feeds whose name hashes to 2 of 3

A feed's partition depends only on its name and the number of partitions (sha1 of the name, modulo N), so it is
the same on every worker and in `sahelwatch feeds check --partitions N`, and adding or removing another feed never
moves it. The partitions of one N are disjoint and together hold every feed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tasks.errors import ConfigError

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Partition:
    index: int  # 1-based
    count: int

    @property
    def label(self) -> str:
        """As written: 1/2."""
        return f"{self.index}/{self.count}"

    @property
    def slug(self) -> str:
        """For file names: 1-of-2."""
        return f"{self.index}-of-{self.count}"


def parse_partition(spec: str) -> Partition:
    """`i/N` with 1 <= i <= N, else one ConfigError line."""
    found = _SPEC.fullmatch(str(spec))
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise ConfigError(f"partition {spec!r}: expected i/N with 1 <= i <= N, e.g. 1/2")
    return Partition(int(found.group(1)), int(found.group(2)))


def feed_partition(name: str, count: int) -> int:
    """The partition (1..count) a feed belongs to, from its name alone."""
    digest = hashlib.sha1(name.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_partition(name: str, partition: Partition | None) -> bool:
    return partition is None or feed_partition(name, partition.count) == partition.index
