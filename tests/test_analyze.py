"""End-to-end: ``framing analyze`` on the shipped corpus, run by the installed command and by
the library; the two outputs must be byte-identical (determinism, and CLI = library)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import framing_command
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import schema
from framing.analyze import Config, analyze
from framing.output import read_csv

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "ai-talent-war"


@pytest.fixture(scope="session")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("cli") / "results"
    proc = subprocess.run(
        [*framing_command(), "analyze", str(CORPUS), "-o", str(out)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )
    return out, proc


@pytest.fixture(scope="session")
def lib_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("lib") / "results"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
        result = analyze(CORPUS, out, Config())
    return result


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_cli_run_succeeds_and_prints_summary(cli_run):
    out, proc = cli_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "2 ingested, 0 skipped, 0 duplicates" in proc.stdout
    assert "strategic_anxiety" in proc.stdout
    assert (out / "manifest.json").exists()


def test_rerun_is_byte_identical_and_cli_equals_library(cli_run, lib_run):
    out, _ = cli_run
    a, b = digest(out), digest(lib_run.out_dir)
    assert a.keys() == b.keys()
    different = [k for k in a if a[k] != b[k]]
    assert different == []


def test_expected_outputs_exist(lib_run):
    out = lib_run.out_dir
    for name in ("articles", "paragraphs", "tokens", "entities", "ledger", "frame_hits",
                 "frame_scores", "outlet_frames", "topic_terms", "paragraph_topics",
                 "outlet_topics", "distinctive_terms", "sentiment_hits", "sentiment_agreement",
                 "entity_sentiment", "sentiment_arcs", "frame_sentiment", "coding_alpha",
                 "coding_prf", "sentiment_validation", "timeline", "timeline_excluded",
                 "comparisons"):
        assert (out / f"{name}.csv").is_file(), name
    for fig in ("outlet_frames", "distinctive_terms", "topic_shares", "sentiment_arcs",
                "frame_sentiment", "timeline_frame_share"):
        assert (out / "figures" / f"{fig}.png").is_file(), fig
        assert (out / "figures" / f"{fig}.svg").is_file(), fig
    methods = (out / "methods.md").read_text(encoding="utf-8")
    assert methods.startswith("# Methods")
    from framing.codebook import load_codebook

    for needle in (f"codebook version {load_codebook().version}", "Validation against coded sheets",
                   "lexicon_vs_team_a", "sentiment_snownlp vs team_a", "Codebook appendix",
                   "permutation tests over articles"):
        assert needle in methods, needle


def test_paragraph_counts_of_the_seeds(lib_run):
    par = read_csv(lib_run.out_dir / "paragraphs.csv")
    counts = par.groupby("doc_id").size().to_dict()
    assert counts == {"000_dbf7afa30f9a52d6": 56, "001_66ab1e2e055d30d8": 38}
    art = read_csv(lib_run.out_dir / "articles.csv").set_index("doc_id")
    assert art.loc["000_dbf7afa30f9a52d6", "date"] == "2025-W27"
    assert art.loc["000_dbf7afa30f9a52d6", "date_precision"] == "week"
    assert art.loc["001_66ab1e2e055d30d8", "date"] == "2025-06"
    assert art.loc["001_66ab1e2e055d30d8", "source"] == "大力財經"
    assert art.loc["001_66ab1e2e055d30d8", "signoff"] == "(雲媒體)"
    assert art.loc["000_dbf7afa30f9a52d6", "signoff"] == "(JER學家)"
    assert "note" in art.columns  # extra manifest column flows through


def test_text_analysis_is_simplified_and_aligned(lib_run):
    from framing.textview import analysis_view

    par = read_csv(lib_run.out_dir / "paragraphs.csv")
    for text, view in zip(par["text"], par["text_analysis"], strict=True):
        assert view == analysis_view(text[: len(view)])


def test_hits_are_found_at_their_offsets(lib_run):
    par = read_csv(lib_run.out_dir / "paragraphs.csv").set_index(["doc_id", "para_id"])
    for table in ("frame_hits", "sentiment_hits", "entities"):
        hits = read_csv(lib_run.out_dir / f"{table}.csv")
        assert len(hits) > 0
        start = "offset" if table == "entities" else "start"
        col = "surface" if table == "entities" else "matched"
        for _, h in hits.iterrows():
            text = par.loc[(h["doc_id"], h["para_id"]), "text"]
            assert text[int(h[start]) : int(h["end"])] == h[col], (table, h.to_dict())


def test_snownlp_column_equals_snownlp(lib_run):
    from snownlp import SnowNLP

    par = pd.read_csv(lib_run.out_dir / "paragraphs.csv", keep_default_na=False,
                      dtype={"sentiment_snownlp": str})
    scored = par[par["sentiment_snownlp"] != ""]
    assert len(scored) >= 80
    for text, value in zip(scored["text_analysis"], scored["sentiment_snownlp"], strict=True):
        assert abs(float(value) - SnowNLP(text).sentiments) < 1e-9


def test_every_csv_is_documented_and_validates(lib_run):
    from frictionless import Package, system

    out = lib_run.out_dir
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    written = sorted(p.stem for p in out.glob("*.csv"))
    assert sorted(r["name"] for r in descriptor["resources"]) == written
    for res in descriptor["resources"]:
        for field in res["schema"]["fields"]:
            assert field["description"].strip(), (res["name"], field["name"])
    with system.use_context(trusted=True):
        report = Package(str(out / "datapackage.json")).validate()
    errors = [(t.name, e.message) for t in report.tasks for e in t.errors][:10]
    assert report.valid, errors


def test_run_manifest_records_versions_and_hashes(lib_run):
    m = json.loads((lib_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    for pkg in ("framing", "jieba", "snownlp", "scikit-learn", "pandas", "opencc"):
        assert m["versions"][pkg], pkg
    assert len(m["corpus"]["sha256"]) == 64
    assert m["codebook"]["version"] and len(m["codebook"]["sha256"]) == 64
    assert set(m["dictionaries"]) == {"domain_terms", "entities"}
    assert m["sentiment_lexicon"]["licence"]
    for name, sha in m["files"].items():
        data = (lib_run.out_dir / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, name


def test_schema_covers_all_tables():
    tables = schema.all_schemas()
    for name in ("paragraphs", "frame_hits", "distinctive_terms", "sentiment_hits"):
        assert name in tables


def test_output_folder_not_written_by_framing_is_refused(tmp_path):
    from framing.errors import FramingError

    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FramingError, match="not written by framing"):
        analyze(CORPUS, tmp_path, Config(figures=False))
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_failed_run_leaves_previous_results(tmp_path, lib_run, monkeypatch):
    out = tmp_path / "results"
    shutil.copytree(lib_run.out_dir, out)
    before = digest(out)

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash while writing")

    monkeypatch.setattr("framing.report.methods_text", boom)
    with pytest.raises(RuntimeError):
        analyze(CORPUS, out, Config(figures=False))
    assert digest(out) == before
    assert not list(tmp_path.glob(".results.staging-*"))


def test_new_corpus_in_both_scripts_and_several_encodings_analyses_cleanly(tmp_path):
    from framing.corpus import add_articles, init_corpus

    simplified = ("Meta 首席执行官扎克伯格亲自出马挖角，开出天价薪酬。\n"
                  "分析人士认为，这反映出 Meta 在大模型竞赛中的战略焦虑。\n")
    traditional = ("祖克柏親自出馬挖角，開出天價薪酬。\n"
                   "分析師認為，這反映出 Meta 在大模型競賽中落後的焦慮。\n")
    files = {
        "s_utf8.txt": simplified.encode("utf-8"),
        "s_gb18030.txt": simplified.replace("分析人士", "业内人士").encode("gb18030"),
        "t_bom.txt": traditional.encode("utf-8-sig"),
        "t_big5.txt": traditional.replace("分析師", "評論員").encode("cp950"),
        "t_utf16.txt": traditional.replace("分析師", "觀察家").encode("utf-16"),
    }
    corpus = init_corpus(tmp_path / "c")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    add_articles(corpus, [tmp_path / "s_utf8.txt"], outlet="新华社", date="2025-07-03")
    add_articles(corpus, [tmp_path / "s_gb18030.txt"], outlet="新华社", date="2025年7月",
                 encoding="gb18030")
    add_articles(corpus, [tmp_path / "t_bom.txt", tmp_path / "t_utf16.txt"], outlet="聯合報",
                 date="民國114年7月3日")
    add_articles(corpus, [tmp_path / "t_big5.txt"], outlet="聯合報", date="114/07/04",
                 encoding="big5")
    result = analyze(corpus, tmp_path / "out", Config(figures=False, n_boot=200))
    ledger = result.tables["ledger"]
    assert len(ledger) == 5 and set(ledger["status"]) == {"ingested"}
    arts = result.tables["articles"].set_index("outlet")
    assert set(arts.loc["新华社", "script"]) == {"simplified"}
    assert set(arts.loc["聯合報", "script"]) == {"traditional"}
    hits = result.tables["frame_hits"]
    # one codebook finds the same terms in both scripts
    by_outlet = hits.merge(result.tables["articles"][["doc_id", "outlet"]], on="doc_id")
    for outlet in ("新华社", "聯合報"):
        terms = set(by_outlet[by_outlet["outlet"] == outlet]["term"])
        assert {"挖角", "天價"} <= terms or {"挖角", "天价"} <= terms, terms
    ents = result.tables["entities"]
    assert "Mark Zuckerberg" in set(ents["entity"])


def test_one_article_corpus_is_analysed_with_stages_skipped(tmp_path):
    """A corpus too small for a topic model and with one outlet still gets every other table."""
    from framing import corpus as corpus_lib
    from framing.analyze import Config, StageSkippedWarning, analyze
    from framing.engine import RunOptions

    root = tmp_path / "corpus"
    corpus_lib.init_corpus(root)
    text = tmp_path / "one.txt"
    text.write_text("這是一篇很短的文章。\nMeta 正在挖角，開出天價薪酬。\n", encoding="utf-8")
    corpus_lib.add_articles(root, [text], outlet="測試", date="2025-07-01", title="測試")
    with pytest.warns(StageSkippedWarning) as caught:
        result = analyze(root, tmp_path / "out", Config(n_boot=50, figures=False),
                         options=RunOptions(jobs=1, cache=False))
    messages = " ".join(str(w.message) for w in caught)
    assert "no topic model" in messages and "no distinctive terms" in messages
    assert result.tables["topics"].empty and "label" in result.tables["topics"].columns
    assert result.tables["distinctive_terms"].empty
    assert len(result.tables["frame_hits"]) > 0
    assert (tmp_path / "out" / "topics.csv").read_text(encoding="utf-8").startswith("topic,")


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "B", "文", None]), st.integers(0, 3),
                          st.one_of(st.integers(0, 3), st.none())), max_size=12),
       st.booleans(), st.booleans())
def test_sort_table_skips_only_what_is_already_in_order(rows: list[tuple], presort: bool,
                                                        as_object: bool) -> None:
    # The already-in-order shortcut must give exactly the stable sort's table, for string
    # keys held as pandas strings or as Python objects.
    from framing.analyze import sort_table

    df = pd.DataFrame(rows, columns=["doc_id", "para_id", "token_id"])
    if as_object:
        df["doc_id"] = pd.Series([r[0] for r in rows], dtype=object)
    df["v"] = range(len(df))
    if presort:
        df = df.sort_values(["doc_id", "para_id", "token_id"], kind="mergesort")
    want = df.sort_values(["doc_id", "para_id", "token_id"], kind="mergesort").reset_index(
        drop=True) if len(df) else df.reset_index(drop=True)
    pd.testing.assert_frame_equal(sort_table("tokens", df), want)


def test_figures_drawn_by_two_processes_are_the_files_of_one(lib_run, tmp_path, monkeypatch):
    # write_figures shares the drawings among forked processes: the same files, byte for
    # byte, and the same list of paths in the same order as when one process draws them all.
    from framing import report
    from framing.codebook import load_codebook

    monkeypatch.setattr(report, "ARTICLE_FIGURES", 1)
    drawn = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        paths = report.write_figures(lib_run.tables, out, load_codebook(None),
                                     "sentiment_lexicon", jobs=jobs)
        drawn[jobs] = [(p.relative_to(out).as_posix(), p.read_bytes()) for p in paths]
    assert len(drawn[1]) >= 10
    assert [name for name, _ in drawn[2]] == [name for name, _ in drawn[1]]
    assert drawn[2] == drawn[1]


def test_article_figures_are_drawn_for_the_first_articles_only(lib_run, tmp_path, monkeypatch):
    # A large corpus gets the frames-by-paragraph figure of its first ARTICLE_FIGURES
    # articles, not one per article; frame_scores (written piece by piece) is read back
    # only for them.
    from framing import report
    from framing.codebook import load_codebook

    monkeypatch.setattr(report, "ARTICLE_FIGURES", 1)
    paths = report.write_figures(lib_run.tables, tmp_path, load_codebook(None),
                                 "sentiment_lexicon")
    first = sorted(lib_run.tables["articles"]["doc_id"])[0]
    drawn = sorted(p.name for p in paths if p.name.startswith("frames_by_paragraph_"))
    assert drawn == [f"frames_by_paragraph_{first}.png", f"frames_by_paragraph_{first}.svg"]
    assert len(lib_run.tables["articles"]) == 2
