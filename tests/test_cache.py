"""Result-cache management: settings recorded per entry, ``cache_summary``, ``prune_cache``,
an old cache file read and pruned, and the ``framing cache`` command."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import framing_command

from framing import corpus as corpus_lib
from framing import synthetic
from framing.analyze import Config
from framing.cache import (
    CACHE_FILE,
    SUMMARY_COLUMNS,
    ResultCache,
    cache_summary,
    encode,
    prune_cache,
)
from framing.engine import RunOptions
from framing.errors import ConfigError

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
A, B = "a" * 64, "b" * 64


def _result(doc: str) -> dict:
    return {"doc_id": doc, "tables": {}, "summary": {"n": len(doc)}}


def _fill(folder: Path) -> None:
    """Settings A used on T0 (two entries), B 40 days later (one entry)."""
    with ResultCache(folder) as store:
        store.use(A, "0.1.0", "1.3.1 (aaaa)", now=T0)
        store.put_many({"k1": _result("d1"), "k2": _result("d2")})
        store.use(B, "0.2.0", "1.3.1 (aaaa)", now=T0 + timedelta(days=40))
        store.put_many({"k3": _result("d3")})


def test_summary_lists_entries_by_settings_most_recent_first(tmp_path):
    _fill(tmp_path)
    table = cache_summary(tmp_path, current=B)
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert table["settings"].tolist() == [B, A]
    assert table["entries"].tolist() == [1, 2]
    assert table["current"].tolist() == [True, False]
    assert table["last_used"].tolist() == ["2026-02-10T12:00:00Z", "2026-01-01T12:00:00Z"]
    assert table["framing_version"].tolist() == ["0.2.0", "0.1.0"]
    assert table.attrs["path"] == str(tmp_path / CACHE_FILE)
    # a second run with settings A moves its last use, not its first
    with ResultCache(tmp_path) as store:
        store.use(A, "0.1.0", "1.3.1 (aaaa)", now=T0 + timedelta(days=50))
    again = cache_summary(tmp_path).set_index("settings")
    assert again.loc[A, "first_used"] == "2026-01-01T12:00:00Z"
    assert again.loc[A, "last_used"] == "2026-02-20T12:00:00Z"


def test_prune_removes_the_settings_not_used_for_the_given_days(tmp_path):
    _fill(tmp_path)
    now = T0 + timedelta(days=45)  # A last used 45 days ago, B 5 days ago
    dry = prune_cache(tmp_path, older_than_days=30, dry_run=True, now=now)
    assert (dry["removed_entries"], dry["removed_settings"], dry["kept_entries"]) == (2, [A], 1)
    with ResultCache(tmp_path) as store:
        assert len(store) == 3  # a dry run removes nothing
    done = prune_cache(tmp_path, older_than_days=30, now=now)
    assert (done["removed_entries"], done["removed_settings"]) == (2, [A])
    with ResultCache(tmp_path) as store:
        assert set(store.present_keys(["k1", "k2", "k3"])) == {"k3"}
        assert store.get_many(["k3"])["k3"] == _result("d3")  # what is kept still reads
    assert cache_summary(tmp_path)["settings"].tolist() == [B]
    # 0 days empties it
    assert prune_cache(tmp_path, older_than_days=0, now=now)["removed_entries"] == 1
    assert cache_summary(tmp_path).empty


def test_prune_refuses_a_negative_age_and_handles_no_cache(tmp_path):
    with pytest.raises(ConfigError, match="--older-than"):
        prune_cache(tmp_path, older_than_days=-1)
    assert prune_cache(tmp_path / "none")["removed_entries"] == 0
    assert cache_summary(tmp_path / "none").attrs["path"] is None
    assert not (tmp_path / "none").exists()  # looking does not create a cache


def test_cache_file_from_before_the_settings_were_recorded(tmp_path):
    """A cache file of the first layout (no settings column) is read as before; its entries
    are listed as unrecorded and go at the next prune, the new ones stay."""
    enc = encode(_result("old"))
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                   "payload BLOB NOT NULL)")
        db.execute("INSERT INTO results VALUES (?, ?, ?)", ("old", enc.sha256, enc.payload))
    db.close()
    with ResultCache(tmp_path) as store:
        assert store.get_many(["old"])["old"] == _result("old")
        store.use(A, "0.1.0", "1.3.1 (aaaa)", now=T0)
        store.put_many({"new": _result("new")})
    table = cache_summary(tmp_path)
    assert dict(zip(table["settings"], table["entries"], strict=True)) == {A: 1, "": 1}
    done = prune_cache(tmp_path, older_than_days=30, now=T0 + timedelta(days=1))
    assert (done["removed_entries"], done["removed_settings"]) == (1, [])
    with ResultCache(tmp_path) as store:
        assert store.present_keys(["old", "new"]) == {"new"}


def test_analyze_records_its_settings_and_the_command_lists_and_prunes_them(tmp_path):
    root = tmp_path / "corpus"
    corpus_lib.init_corpus(root)
    records = synthetic.synthetic_articles(seed=11, articles_per_cell=1,
                                           paragraphs_per_article=2)[:3]
    corpus_lib.import_table(root, synthetic.write_import_table(records, tmp_path / "in.jsonl"))
    cache_dir = tmp_path / "cache"
    from framing.analyze import per_article_run

    per_article_run(corpus_lib.load_corpus(root), Config(n_boot=50, figures=False),
                    RunOptions(jobs=1, cache_dir=cache_dir))

    def cli(*args: str) -> str:
        proc = subprocess.run([*framing_command(), "cache", *args, "--cache-dir", str(cache_dir)],
                              capture_output=True, text=True, encoding="utf-8", check=False,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    info = cli("info")
    assert f"{cache_dir / CACHE_FILE}:" in info and "3 entries" in info
    row = [ln for ln in info.splitlines()[2:] if ln.strip()]
    # the run's settings are this framing's with the shipped codebook: marked current
    assert len(row) == 1 and row[0].split()[1] == "3" and row[0].split()[-1] == "True"
    assert "would remove 0 entries" in cli("prune", "--dry-run")  # used just now
    assert "removed 3 entries of 1 settings" in cli("prune", "--older-than", "0")
    assert "0 entries" in cli("info")
