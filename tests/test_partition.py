"""Partitions of the feeds and the locks partitioned runs share (the several-workers setup; the real thing with
Prefect workers is tests/test_ingest_workers.py)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from storage.db import RunInProgress, writer_busy, writer_lock
from tasks.errors import ConfigError
from tasks.feeds import load_feeds
from tasks.partition import feed_partition, in_partition, parse_partition
from tasks.settings import DEFAULT_FEEDS


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1", "a/b", "1/0", "", "1/2/3"])
def test_a_bad_partition_is_one_config_error(spec):
    with pytest.raises(ConfigError, match="expected i/N"):
        parse_partition(spec)


def test_the_partitions_of_the_feeds_file_are_disjoint_and_cover_it():
    names = [spec.name for spec in load_feeds(DEFAULT_FEEDS)]
    for count in (1, 2, 3, 5):
        shares = [[n for n in names if in_partition(n, parse_partition(f"{i}/{count}"))] for i in range(1, count + 1)]
        assert sorted(sum(shares, [])) == sorted(names), "every feed in exactly one partition"


def test_feeds_check_shows_each_feeds_partition():
    out = CliRunner().invoke(app, ["feeds", "check", str(DEFAULT_FEEDS), "--partitions", "2"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()[1:]
    names = [spec.name for spec in load_feeds(DEFAULT_FEEDS)]
    shown = {line.split("  ", 1)[1].removesuffix("  (disabled)"): line.split()[0] for line in lines}
    assert all(shown[n] == f"{feed_partition(n, 2)}/2" for n in names)


def test_partitioned_runs_share_the_database_and_exclude_a_whole_database_run(db_path):
    with writer_lock(db_path, share="1-of-2"), writer_lock(db_path, share="2-of-2"):
        assert writer_busy(db_path)
        with pytest.raises(RunInProgress), writer_lock(db_path, share="1-of-2"):
            pass  # one run per partition
        with pytest.raises(RunInProgress), writer_lock(db_path):
            pass  # a whole-database run waits for them all
    with writer_lock(db_path), pytest.raises(RunInProgress), writer_lock(db_path, share="1-of-2"):
        pass
    assert not writer_busy(db_path)
