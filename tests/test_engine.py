"""The per-article engine: same bytes for every engine, worker count and cache state.

One small synthetic corpus (both scripts, two outlets) is analysed without the cache, serially;
that folder is the reference every other run must equal byte for byte: two local worker
processes, a Dask ``LocalCluster``, a warm cache, and an incremental run after new articles
were added (which must recompute those articles only).
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
import sqlite3
import subprocess
from array import array
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import corpus as corpus_lib
from framing import synthetic
from framing.analyze import Config, analyze
from framing.cache import CACHE_FILE, ResultCache
from framing.engine import RunOptions, columnar, task_key

#: Bootstrap size for these runs: the engine does not touch the bootstrap; keep runs short.
CONFIG = Config(n_boot=100, figures=False)


def _make_corpus(root: Path, records: list[dict]) -> Path:
    corpus_lib.init_corpus(root)
    corpus_lib.import_table(root, synthetic.write_import_table(records, root.parent / "in.jsonl"))
    return root


@pytest.fixture(scope="module")
def records() -> list[dict]:
    # Twelve articles: three outlets (Simplified and Traditional) over four months.
    recs = synthetic.synthetic_articles(seed=11, articles_per_cell=1, paragraphs_per_article=5)
    assert len(recs) == 12 and set(synthetic.DEFAULT_OUTLETS.values()) == {"simplified",
                                                                           "traditional"}
    return recs


@pytest.fixture(scope="module")
def reference(tmp_path_factory, records):
    """The corpus without its last three articles, and the corpus with them, analysed serially
    without the cache."""
    root = tmp_path_factory.mktemp("engine")
    small = _make_corpus(root / "small" / "corpus", records[:-3])
    full = _make_corpus(root / "full" / "corpus", records)
    out = {}
    for name, corpus in (("small", small), ("full", full)):
        out[name] = analyze(corpus, root / name / "ref", CONFIG,
                            options=RunOptions(jobs=1, cache=False)).out_dir
    return {"root": root, "small": small, "full": full, **{f"{k}_ref": v for k, v in out.items()}}


def _same_tree(a: Path, b: Path) -> None:
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert names_a == names_b
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names_a, shallow=False)
    assert mismatch == [] and errors == []


def test_reference_has_every_per_article_table(reference):
    ref = reference["full_ref"]
    for name in ("paragraphs", "tokens", "entities", "frame_hits", "frame_scores",
                 "sentiment_hits", "sentences", "articles"):
        assert (ref / f"{name}.csv").stat().st_size > 0


def test_two_local_workers_give_the_same_bytes(reference, tmp_path):
    # Twelve articles, default batch size 16: batches shrink so that both workers get one.
    result = analyze(reference["full"], tmp_path / "out", CONFIG,
                     options=RunOptions(jobs=2, cache=False))
    assert result.stats["engine"] == "processes" and result.stats["workers"] == 2
    # with two jobs the paragraphs are written by a forked process beside the last stages
    # (framing.forked.beside); the serial reference wrote them itself
    assert result.stats["written_beside"] == ["paragraph_topics", "paragraphs"]
    _same_tree(reference["full_ref"], result.out_dir)
    # files hashed by background threads as each was finished (framing.filehash), some of
    # them written by the forked processes: the manifest holds the bytes' digests
    for name, digest in result.manifest["files"].items():
        assert hashlib.sha256((result.out_dir / name).read_bytes()).hexdigest() == digest, name


def test_dask_local_cluster_gives_the_same_bytes(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = analyze(reference["full"], tmp_path / "out", CONFIG,
                         options=RunOptions(scheduler=cluster.scheduler_address, cache=False,
                                            batch_size=3))
    assert result.stats["computed"] == 12
    assert result.stats["engine"] == "dask" and result.stats["workers"] == 2
    _same_tree(reference["full_ref"], result.out_dir)


def test_incremental_run_recomputes_only_new_articles(reference, tmp_path):
    cache_dir = tmp_path / "cache"
    first = analyze(reference["small"], tmp_path / "small", CONFIG,
                    options=RunOptions(jobs=1, cache_dir=cache_dir))
    n_small = first.stats["articles"]
    assert first.stats["computed"] == n_small and first.stats["cached"] == 0
    _same_tree(reference["small_ref"], first.out_dir)

    # The same articles in a corpus that gained three: only those three are analysed.
    second = analyze(reference["full"], tmp_path / "full", CONFIG,
                     options=RunOptions(jobs=1, cache_dir=cache_dir))
    assert second.stats["computed"] == 3
    assert second.stats["cached"] == n_small
    _same_tree(reference["full_ref"], second.out_dir)

    # A warm rerun computes nothing and still writes the same bytes (the workers only
    # decode the stored results and render the pieces).
    third = analyze(reference["full"], tmp_path / "again", CONFIG,
                    options=RunOptions(jobs=2, cache_dir=cache_dir))
    assert third.stats["computed"] == 0 and third.stats["cached"] == third.stats["articles"]
    _same_tree(reference["full_ref"], third.out_dir)


def _per_article(corpus: Path, cache_dir: Path, config: Config = CONFIG):
    """Only the per-article stages (what the cache serves), without the corpus-wide ones."""
    from framing.analyze import per_article_run

    return per_article_run(corpus_lib.load_corpus(corpus), config,
                           RunOptions(jobs=1, cache_dir=cache_dir))[1]


def test_edited_article_is_recomputed(reference, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(reference["small"], corpus)
    cache_dir = tmp_path / "cache"
    first = _per_article(corpus, cache_dir)
    target = sorted((corpus / "articles").rglob("*.txt"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n公司表示將持續投資。\n",
                      encoding="utf-8")
    # The ledger notes the edit (text_changed) and the edited text is analysed afresh.
    assert "text_changed" in {r.code for r in corpus_lib.load_corpus(corpus).ledger}
    second = _per_article(corpus, cache_dir)
    assert second.stats["computed"] == 1
    assert second.stats["cached"] == first.stats["articles"] - 1


def test_corrupt_cache_entry_is_recomputed(reference, tmp_path):
    cache_dir = tmp_path / "cache"
    _per_article(reference["small"], cache_dir)
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        key = db.execute("SELECT key FROM results ORDER BY key LIMIT 1").fetchone()[0]
        db.execute("UPDATE results SET payload = ? WHERE key = ?", (b"not zstd", key))
        key2 = db.execute("SELECT key FROM results ORDER BY key LIMIT 1 OFFSET 1").fetchone()[0]
        # A well-formed entry whose content does not match its recorded hash.
        db.execute("UPDATE results SET sha256 = ? WHERE key = ?", ("0" * 64, key2))
    again = analyze(reference["small"], tmp_path / "b", CONFIG,
                    options=RunOptions(jobs=1, cache_dir=cache_dir))
    assert again.stats["computed"] == 2
    _same_tree(reference["small_ref"], again.out_dir)


def test_entry_lost_after_the_check_is_recomputed(reference, tmp_path, monkeypatch):
    # Another run may prune or damage an entry between the check and the read: the article
    # is then computed in place and the output is unchanged.
    cache_dir = tmp_path / "cache"
    _per_article(reference["small"], cache_dir)
    real = ResultCache.raw_many

    def lose_first(self, keys):
        got = real(self, keys)
        got.pop(min(got), None)
        return got

    monkeypatch.setattr(ResultCache, "raw_many", lose_first)
    again = analyze(reference["small"], tmp_path / "b", CONFIG,
                    options=RunOptions(jobs=1, cache_dir=cache_dir))
    assert again.stats["computed"] == 1
    _same_tree(reference["small_ref"], again.out_dir)


def test_codebook_change_misses_the_cache(reference, tmp_path):
    from framing.codebook import default_codebook_path

    cache_dir = tmp_path / "cache"
    _per_article(reference["small"], cache_dir)
    edited = tmp_path / "codebook.yaml"
    text = default_codebook_path().read_text(encoding="utf-8")
    # A codebook differing only in its version has another hash: nothing is reused.
    lines = [("version: 0.0.0-test" if ln.startswith("version:") else ln)
             for ln in text.splitlines()]
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = _per_article(reference["small"], cache_dir,
                       Config(n_boot=100, figures=False, codebook=str(edited)))
    assert run.stats["cached"] == 0 and run.stats["computed"] == run.stats["articles"]


def test_code_hash_follows_only_the_code_that_makes_the_results(tmp_path):
    """The cache key hashes the modules the per-article function is made of, and framing's
    data: an edit to a corpus-wide stage keeps every cached result, one to a per-article
    module or a data file does not."""
    from framing.engine import code_hash, result_modules

    package = Path(__file__).resolve().parents[1] / "framing"
    root = tmp_path / "framing"
    shutil.copytree(package, root, ignore=shutil.ignore_patterns("__pycache__"))
    modules = result_modules(root)
    assert {"framing.engine", "framing.tokens", "framing.snowfast", "framing.frames",
            "framing.cache"} <= set(modules)
    assert not {"framing.topics", "framing.timeline", "framing.compare", "framing.analyze",
                "framing.spool", "framing.cli"} & set(modules)
    before = code_hash(root)

    def edit(rel: str) -> str:
        with (root / rel).open("a", encoding="utf-8") as fh:
            fh.write("\n# edited\n")
        return code_hash.__wrapped__(root)

    assert edit("topics.py") == before
    assert edit("commands/analyze.py") == before
    changed = edit("tokens.py")
    assert changed != before
    assert edit("data/domain_terms.csv") not in (before, changed)


def test_computing_articles_imports_only_the_hashed_modules():
    """The cache key's list of modules is read from the source (:func:`result_modules`);
    a process that loads the models and computes articles of both scripts, and stores and
    reads their results, imports no framing module outside that list (an import by name at
    run time would otherwise escape the key)."""
    recs = synthetic.synthetic_articles(seed=3, articles_per_cell=1)  # both scripts
    texts = json.dumps([[r["doc_id"], r["title"], r["text"]] for r in recs])
    code = ("import json, sys\n"
            "from framing import engine\n"
            "from framing.cache import decode, encode\n"
            "from framing.codebook import load_codebook\n"
            "engine.warm_up()\n"
            f"tasks = [engine.ArticleTask(*t) for t in json.loads({texts!r})]\n"
            "settings = engine.StageSettings(load_codebook(None))\n"
            "for result in engine.run_articles(tasks, settings):\n"
            "    assert decode(*encode(result)) is not None\n"
            "used = {m for m in sys.modules if m == 'framing' or m.startswith('framing.')}\n"
            "print(sorted(used - set(engine.result_modules())))\n")
    assert _fresh_python(code).strip().splitlines()[-1] == "[]"


def test_task_key_separates_fields():
    from framing.engine import ArticleTask

    a = task_key(ArticleTask("d1", "ab", "c"), "h")
    b = task_key(ArticleTask("d1", "a", "bc"), "h")
    assert a != b
    assert a == task_key(ArticleTask("d1", "ab", "c"), "h")
    assert a != task_key(ArticleTask("d1", "ab", "c"), "h2")


def test_cache_round_trips_floats_exactly(tmp_path):
    values = {"x": [0.1 + 0.2, 1e-300, float("nan"), -0.0, 123456789.123456789], "s": "挖角"}
    with ResultCache(tmp_path) as store:
        store.put_many({"k": values})
        got = store.get_many(["k", "missing"])
    assert list(got) == ["k"]
    x = got["k"]["x"]
    assert x[0] == 0.1 + 0.2 and x[1] == 1e-300 and x[2] != x[2] and str(x[3]) == "-0.0"
    assert got["k"]["s"] == "挖角"


def test_cache_folds_repeated_ids_and_gives_them_back(tmp_path):
    # An article's id repeated on every row is stored once; lists that only look alike
    # (one value, a different type, another string) are stored as they are.
    from framing.cache import decode, encode, uncompressed

    value = {"doc_id": "d1", "tables": {"tokens": {
        "doc_id": ["d1"] * 500, "kind": ["han"] * 3 + ["latin"], "one": ["d1"],
        "flags": [True] * 4, "mixed": ["1", 1], "empty": [], "nested": {"ids": ["x"] * 3},
        "n": array("q", range(4)),
    }}}
    sha, payload = encode(value)
    raw = uncompressed(payload).decode("utf-8", "replace")
    assert raw.count('"$repeat"') == 2 and "d1,d1" not in raw.replace('"', "")
    assert decode(sha, payload) == value
    with ResultCache(tmp_path) as store:
        store.put_many({"k": value})
        assert store.get_many(["k"])["k"] == value


def test_cache_stores_lists_of_strings_joined_and_gives_them_back():
    # A list of strings is stored as one joined UTF-8 run after the header; a list holding
    # the separator, or anything but strings, stays JSON, and both come back as they were.
    from framing.cache import (
        MAGIC,
        STRING_SEP,
        STRINGS_KEY,
        _compress,
        decode,
        encode,
        stored_bytes,
        uncompressed,
    )

    assert STRING_SEP == "\x1f"

    value = {"tokens": ["挖角", "Meta", "", "九位數", ""], "sep": ["a", f"b{STRING_SEP}c"],
             "mixed": ["1", None], "pair": ["", "x"], "nested": {"t": ["甲", "乙"]}}
    sha, payload = encode(value)
    raw = uncompressed(payload)
    head = raw[12 : 12 + int.from_bytes(raw[4:12], "little")].decode("utf-8")
    assert head.count(f'"{STRINGS_KEY}"') == 3 and "挖角" not in head
    assert '"sep":["a","b\\u001fc"]' in head and '"mixed":["1",null]' in head
    assert decode(sha, payload) == value
    assert stored_bytes(value) == raw
    # A reference whose count does not match the stored strings, or that points past them,
    # or whose bytes are not UTF-8: a miss, never a different value.
    for ref, body in [('{"n":3,"size":3', b"a\x1fb"), ('{"n":2,"size":9', b"a\x1fb"),
                      ('{"n":1,"size":2', b"\xff\xfe")]:
        head = f'{{"x":{ref},"{STRINGS_KEY}":0}}}}'.encode()
        bad = MAGIC + len(head).to_bytes(8, "little") + head + body
        assert decode(hashlib.sha256(bad).hexdigest(), _compress(bad)) is None, ref


def test_cache_gives_packed_columns_back_to_the_bit_and_refuses_damaged_entries():
    import math
    import struct

    from framing.cache import MAGIC, _compress, decode, encode, stored_bytes

    value = {"f": array("d", [1.5, float("nan"), -0.0, 5e-324]),
             "i": array("q", [1, -(2**63), 2**63 - 1]), "empty": array("q"), "t": ["挖角"]}
    sha, payload = encode(value)
    got = decode(sha, payload)
    assert got["i"] == value["i"] and got["empty"] == array("q") and got["t"] == ["挖角"]
    bits = [struct.pack("<d", x) for x in got["f"]]
    assert bits == [struct.pack("<d", x) for x in value["f"]] and math.isnan(got["f"][1])
    # Any damage to the stored bytes gives a miss (None), never a different value.
    assert decode(sha, payload[:-3]) is None and decode(sha, b"") is None
    huge = (1 << 40).to_bytes(8, "little") + payload[8:]  # a length asking for 1 TiB
    assert decode(sha, huge) is None
    for i in range(len(payload)):
        damaged = bytearray(payload)
        damaged[i] ^= 0x41
        assert decode(sha, bytes(damaged)) in (None, got)
    # An entry whose hash matches but whose column reference points past its bytes.
    head = b'{"x":{"$array":"q","at":0,"n":5}}'
    raw = MAGIC + len(head).to_bytes(8, "little") + head + bytes(8)
    assert decode(hashlib.sha256(raw).hexdigest(), _compress(raw)) is None
    assert stored_bytes(value).startswith(MAGIC)


KILLED_PUT = """
import sys
from framing.cache import ResultCache
with ResultCache(sys.argv[1]) as store:
    store.put_many({"new": {"x": 2}})
"""


def test_cache_killed_while_writing_keeps_old_entries(tmp_path):
    import os
    import sys

    from framing.atomic import KILL_ENV

    with ResultCache(tmp_path) as store:
        store.put_many({"old": {"x": 1}})
    env = dict(os.environ, **{KILL_ENV: "cache:put:uncommitted"})
    proc = subprocess.run([sys.executable, "-c", KILLED_PUT, str(tmp_path)], env=env,
                          capture_output=True, check=False)
    assert proc.returncode == -9, proc.stderr  # SIGKILL inside the open transaction
    with ResultCache(tmp_path) as store:
        assert store.get_many(["old", "new"]) == {"old": {"x": 1}}
        store.put_many({"new": {"x": 2}})  # the database is usable afterwards
        assert len(store) == 2


def test_columnar_refuses_ragged_rows():
    assert columnar([{"a": 1, "b": 2}, {"a": 3, "b": 4}]) == {"a": [1, 3], "b": [2, 4]}
    assert columnar([]) == {}
    with pytest.raises(ValueError, match="different columns"):
        columnar([{"a": 1}, {"b": 2}])


def test_jobs_must_be_positive(reference, tmp_path):
    from framing.errors import ConfigError

    with pytest.raises(ConfigError, match="--jobs"):
        analyze(reference["small"], tmp_path / "x", CONFIG,
                options=RunOptions(jobs=0, cache=False))


def test_cli_jobs_and_timings(reference, tmp_path):
    timings = tmp_path / "timings.json"
    out = tmp_path / "out"
    from conftest import framing_command

    proc = subprocess.run(
        [*framing_command(), "analyze", str(reference["full"]), "-o", str(out), "--no-figures",
         "--n-boot", "100", "--jobs", "2", "--no-cache", "--timings", str(timings)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "articles analysed" in proc.stdout
    stats = json.loads(timings.read_text(encoding="utf-8"))
    assert stats["computed"] == stats["articles"] and stats["cached"] == 0
    assert set(stats["stage_seconds"]) >= {"decode", "segment", "frames", "sentiment",
                                           "terms_topics", "write"}
    assert stats["chars"] > 0
    # The CLI's folder is the library's folder, byte for byte.
    _same_tree(reference["full_ref"], out)


# --------------------------------------------------------------------------- assembly

VALUE = st.one_of(st.integers(-3, 2**70), st.floats(allow_nan=True), st.booleans(), st.none(),
                  st.text(max_size=3))


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.lists(VALUE, max_size=6), min_size=1, max_size=5), st.booleans(),
       st.lists(st.booleans(), min_size=5, max_size=5), st.booleans())
def test_assembler_gives_what_pandas_infers_from_the_whole_column(
        parts: list[list], same_type: bool, packed: list[bool], through_cache: bool) -> None:
    # Packing ints and floats into typed arrays article by article (in the worker, or not
    # at all for some articles), through the cache's JSON or not, must give the column
    # pandas would infer from all values at once: same dtype, same values, same bits.
    from framing.cache import decode, encode
    from framing.engine import assemble, pack

    if same_type:  # mostly one type per column, the packed case
        parts = [[v for v in p if type(v) is type(parts[0][0])] if parts[0] else p
                 for p in parts]
    results = [{"tables": {"t": {"x": pack(list(p)) if packed[i] else list(p),
                                 "n": list(range(len(p)))}}} for i, p in enumerate(parts)]
    if through_cache:
        results = [decode(*encode(r)) for r in results]
    got = assemble(results)["t"] if any(parts) else None
    flat = [v for p in parts for v in p]
    if got is None:
        assert not flat
        return
    want = pd.DataFrame({"x": flat, "n": [i for p in parts for i in range(len(p))]})
    pd.testing.assert_frame_equal(got, want)
    if not packed[0] and not through_cache:
        assert results[0]["tables"]["t"]["x"] == parts[0]  # results are left as they were


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=6), min_size=1,
                max_size=4),
       st.lists(VALUE, min_size=1, max_size=6))
def test_plain_strings_render_the_same_csv(parts: list[list], other: list) -> None:
    # Tables the workers only render keep Python strings (object dtype): their CSV must be
    # the one of the table pandas would infer (Arrow-backed str), and columns that are not
    # all strings are inferred as before.
    from framing.engine import Assembler
    from framing.output import csv_text

    def built(plain: bool) -> pd.DataFrame:
        asm = Assembler(share=False)
        for p in parts:
            asm.add({"tables": {"t": {"s": list(p), "n": list(range(len(p)))}}})
        asm.add({"tables": {"t": {"s": [], "n": []}}})
        asm.add({"tables": {"u": {"v": list(other)}}})
        return asm.tables(empty=False, plain_strings={"t", "u"} if plain else ())

    plain, inferred = built(True), built(False)
    for name in inferred:
        assert csv_text(plain[name]) == csv_text(inferred[name])
    if "t" in plain:
        assert plain["t"]["s"].dtype == object
    assert plain["u"]["v"].dtype == inferred["u"]["v"].dtype or set(
        map(type, other)) <= {str, type(None)}


def test_released_models_load_again_and_cut_the_same_tokens():
    """release_models() frees the tokenizer's dictionaries and the SnowNLP model; the next
    use loads them again and gives the same tokens and scores."""
    from framing import memory, snowfast
    from framing.engine import release_models
    from framing.tokens import default_tokenizer

    text = "Meta 以九位數薪酬挖角 OpenAI 研究員，祖克柏發出內部備忘錄。"
    tk = default_tokenizer()
    before = [(t.text, t.start, t.end) for t in tk.tokenize(text)]
    score = snowfast.default_model().sentiment(text)
    assert tk._jieba is not None
    release_models()
    assert tk._jieba is None and tk._rs is None
    assert snowfast.default_model.cache_info().currsize == 0
    assert [(t.text, t.start, t.end) for t in tk.tokenize(text)] == before
    assert snowfast.default_model().sentiment(text) == score
    assert isinstance(memory.trim(), bool)


def test_trimming_off_leaves_garbage_to_the_collector_and_restores_the_setting():
    """Inside memory.trimming(False), trim() collects nothing (a small run skips those
    collections); the setting in force before the block comes back after it, also when
    the blocks nest."""
    import gc
    import weakref

    from framing import memory

    class Node:
        pass

    def cycle() -> weakref.ref:
        a, b = Node(), Node()
        a.other, b.other = b, a  # only the cycle collector frees them
        return weakref.ref(a)

    gc.disable()  # no automatic collection between the steps below
    try:
        with memory.trimming(False):
            ref = cycle()
            assert memory.trim() is False
            assert ref() is not None
            with memory.trimming(True):
                memory.trim()
                assert ref() is None
            ref = cycle()
            memory.trim()
            assert ref() is not None  # off again after the inner block
        memory.trim()  # on again after the outer one
        assert ref() is None
    finally:
        gc.enable()


def _fresh_python(code: str) -> str:
    """What ``code`` prints when run by a new Python process (as the fork server is)."""
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          encoding="utf-8", check=True, timeout=300).stdout


def test_worker_boot_loads_the_models_and_freezes_them():
    """The module the fork server preloads leaves the models loaded and out of the
    collector's reach, so the workers forked from it share them (run in a fresh process:
    importing it is what the server does)."""

    code = ("import gc, framing.workerboot\n"
            "from framing import snowfast\n"
            "from framing.tokens import default_tokenizer\n"
            "print(default_tokenizer.cache_info().currsize, "
            "snowfast.default_model.cache_info().currsize, "
            "default_tokenizer()._jieba is not None, gc.get_freeze_count() > 10000)")
    assert _fresh_python(code).split() == ["1", "1", "True", "True"]


def test_local_workers_come_from_the_fork_server():
    """Local workers are forked from the fork server that preloaded framing.workerboot (its
    frozen objects are there), and their results equal a serial run's."""
    import gc
    import multiprocessing
    import multiprocessing.forkserver
    import os

    from framing import engine
    from framing.codebook import load_codebook

    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        pytest.skip("no fork server on this system")
    settings = engine.StageSettings(load_codebook(None))
    tasks = [engine.ArticleTask(f"d{i}", "", f"Meta 第{i}次挖角 OpenAI 研究員。")
             for i in range(4)]
    with engine._process_pool(2, settings) as pool:
        assert pool.submit(os.getppid).result() != os.getpid()  # not forked from here
        assert pool.submit(gc.get_freeze_count).result() > 10000  # the server's preload
        got = pool.submit(engine.run_batch, tasks, None).result()
    assert [r["summary"] for r in got] == [r["summary"] for r in engine.run_batch(tasks, settings)]
    # release_models() stops the server and its models; the next pool starts a new one,
    # with the same preload
    server = multiprocessing.forkserver._forkserver
    first = server._forkserver_pid
    assert first is not None
    engine.release_models()
    assert server._forkserver_pid is None
    with engine._process_pool(2, settings) as pool:
        assert pool.submit(gc.get_freeze_count).result() > 10000
    assert server._forkserver_pid not in (None, first)
    engine.release_models()
    # analyze() starts the server while it reads the corpus, when workers will be used
    engine.start_workers_early(RunOptions(jobs=1))
    assert server._forkserver_pid is None
    engine.start_workers_early(RunOptions(jobs=2))
    assert server._forkserver_pid is not None
    engine.release_models(stop_server=False)
    assert server._forkserver_pid is not None
    engine.release_models()


def test_the_command_line_starts_the_fork_server_before_the_heavy_imports():
    """``framing analyze`` starts the workers' fork server (which loads the models, about
    2 s) before it imports numpy, pandas and the stages itself, so that both load at once:
    building the parser and starting the server must import none of them."""

    code = (
        "import sys\n"
        "import framing.cli as cli\n"
        "from framing.workers import RunOptions, start_workers_early, stop_fork_server\n"
        "cli.build_parser()\n"
        "start_workers_early(RunOptions(jobs=2))\n"
        "heavy = {'numpy', 'pandas', 'jieba', 'snownlp', 'scipy', 'sklearn', 'pyarrow'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
        "import multiprocessing.forkserver as fs\n"
        "print(fs._forkserver._forkserver_pid is not None)\n"
        "stop_fork_server()\n")
    assert _fresh_python(code).split("\n")[:2] == ["[]", "True"]


def test_unguarded_script_gets_a_clear_error(tmp_path, reference):
    """A script that runs an analysis on two workers without the ``__main__`` guard is
    imported again by each worker; framing stops with a message naming the guard instead
    of a bare BrokenProcessPool."""
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "from framing.analyze import Config, analyze\n"
        "from framing.engine import RunOptions\n"
        f"analyze({str(reference['full'])!r}, {str(tmp_path / 'out')!r}, "
        "config=Config(figures=False, n_boot=10), options=RunOptions(jobs=2, cache=False))\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         encoding="utf-8", timeout=600, cwd=tmp_path)
    assert out.returncode != 0
    assert "framing.errors.WorkerError" in out.stderr
    assert 'if __name__ == "__main__":' in out.stderr.splitlines()[-1]


def test_articles_table_script_is_each_texts_detected_script(reference):
    # The workers detect the script (the main process never reads the texts for it): the
    # column must be what detect_script gives on each article's text, and an article loaded
    # on its own still computes it on first access.
    from framing.textview import detect_script

    corpus = corpus_lib.load_corpus(reference["full"])
    arts = pd.read_csv(reference["full_ref"] / "articles.csv", dtype=str,
                       keep_default_na=False).set_index("doc_id")
    assert {a.doc_id: detect_script(a.text) for a in corpus.articles} == arts["script"].to_dict()
    assert {a.script for a in corpus.articles} == {"simplified", "traditional"}
