"""Tests of the validation harness: coding sheets, alpha, precision/recall/F1, tone."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from framing import validate
from framing.codebook import load_codebook
from framing.errors import ConfigError, CorpusError
from framing.textview import analysis_view
from framing.tokens import Token, default_tokenizer, token_kind
from framing.units import ParagraphUnit, make_units

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
ROOT = Path(__file__).resolve().parents[1]
TEAM_SHEET = ROOT / "corpora/ai-talent-war/coding/frames_team.csv"
OUTLETS = {"000_dbf7afa30f9a52d6": "JER學家", "001_66ab1e2e055d30d8": "雲媒體"}

MINI_CB = """\
version: t
rules:
  dominant_threshold: 1.0
  negation: {window: 2, negators: [不]}
frames:
  - {id: a, label_zh: 甲, label_en: A, definition: d, include: i, exclude: e,
     examples: [x], terms: [挖角]}
  - {id: b, label_zh: 乙, label_en: B, definition: d, include: i, exclude: e,
     examples: [x], terms: [焦慮]}
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("cb") / "mini.yaml"
    path.write_text(MINI_CB, encoding="utf-8")
    return load_codebook(path)


def unit_of(doc_id: str, para_id: int, tokens: list[str]) -> ParagraphUnit:
    text = "".join(tokens)
    view = analysis_view(text)
    toks, pos = [], 0
    for t in tokens:
        toks.append(Token(view[pos:pos + len(t)], pos, pos + len(t), token_kind(t), False, ""))
        pos += len(t)
    return ParagraphUnit(doc_id, para_id, "body", text, view, tuple(toks))


def sheet(tmp_path: Path, body: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


HEADER = "doc_id,para_id,coder,primary_frame,a,b,notes\n"


# --- reading coded sheets -------------------------------------------------------------------


def test_read_sheet_skips_uncoded_rows_and_reads_blanks_as_zero(tmp_path: Path, mini) -> None:
    p = sheet(tmp_path, HEADER + "d,0,c1,a,1,,ok\nd,1,,,,,\nd,1,c1,,0,0,none\n")
    df = validate.read_coded_sheets([p], mini)
    assert df[["para_id", "coder", "primary_frame", "a", "b"]].values.tolist() == [
        [0, "c1", "a", 1, 0], [1, "c1", "", 0, 0]]
    assert df["source"].tolist() == [f"{p}:2", f"{p}:4"]


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("doc_id,para_id,coder,primary_frame,a,notes\n", "lacks columns b", 1),
        (HEADER + "d,0,c1,a,2,0,\n", "column 'a' must be 0, 1 or empty", 2),
        (HEADER + "d,0,c1,zz,1,0,\n", "primary_frame is not a frame id", 2),
        (HEADER + "d,0,c1,b,1,0,\n", "is not marked present", 2),
        (HEADER + "d,0,c1,,1,0,\n", "name the primary frame", 2),
        (HEADER + "d,x,c1,a,1,0,\n", "para_id must be a whole number", 2),
        (HEADER + ",0,c1,a,1,0,\n", "empty doc_id", 2),
        (HEADER + "d,0,c1,a,1\n", "row has 5 cells", 2),
    ],
)
def test_bad_sheets_name_file_line_and_value(tmp_path: Path, mini, body: str, message: str,
                                             line: int) -> None:
    p = sheet(tmp_path, body)
    with pytest.raises(CorpusError) as exc:
        validate.read_coded_sheets([p], mini)
    assert message in str(exc.value) and f"{p}:{line}" in str(exc.value)


def test_paragraph_coded_twice_by_one_coder(tmp_path: Path, mini) -> None:
    a = sheet(tmp_path, HEADER + "d,0,c1,a,1,0,\n", "a.csv")
    b = sheet(tmp_path, HEADER + "d,0,c2,a,1,0,\nd,0,c1,,0,0,\n", "b.csv")
    with pytest.raises(CorpusError, match="coded twice by coder 'c1'") as exc:
        validate.read_coded_sheets([a, b], mini)
    assert f"{b}:3" in str(exc.value) and f"{a}:2" in str(exc.value)
    with pytest.raises(CorpusError, match="not found"):
        validate.read_coded_sheets([tmp_path / "missing.csv"], mini)


def test_team_sheet_is_complete() -> None:
    cb = load_codebook()
    df = validate.read_coded_sheets([TEAM_SHEET], cb)
    assert sorted(df["coder"].unique()) == ["team_a", "team_b"]
    assert len(df) == 2 * 94
    header = TEAM_SHEET.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["doc_id", "para_id", "coder", "primary_frame", *cb.frame_ids, "notes"]


# --- alpha --------------------------------------------------------------------------------


def test_alpha_hand_checked() -> None:
    # Units (1,1), (1,0), (0,0), (0,0): o01 = o10 = 1, n0 = 5, n1 = 3, n = 8;
    # alpha = 1 - (n - 1) * (o01 + o10) / (2 n0 n1) = 1 - 7 * 2 / 30 = 8 / 15.
    data = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], dtype=float)
    assert validate.krippendorff_alpha(data) == pytest.approx(8 / 15)
    assert validate.krippendorff_alpha(np.array([[1, 0], [1, 0]], float)) == pytest.approx(1.0)
    assert np.isnan(validate.krippendorff_alpha(np.zeros((2, 4))))


@settings(max_examples=min(EXAMPLES, 200), derandomize=True, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 3), st.integers(2, 9)),
                  elements=st.sampled_from([0.0, 1.0, 2.0, np.nan])),
       st.sampled_from(["nominal", "ordinal"]))
def test_vectorised_alpha_equals_the_package(data: np.ndarray, level: str) -> None:
    domain = [0.0, 1.0, 2.0]
    expected = validate.krippendorff_alpha(data, level, domain)
    got = validate._alpha_batch(validate._coincidences(data, domain).sum(0)[None], level)[0]
    if np.isnan(expected):
        return  # undefined: the wrapper returns NaN, the replicate is ignored
    assert got == pytest.approx(expected, abs=1e-9)


# --- precision / recall / F1 -----------------------------------------------------------------


def test_prf_hand_checked() -> None:
    y = np.array([[1, 0], [1, 0], [0, 0], [0, 0]])
    p = np.array([[1, 0], [0, 0], [1, 0], [0, 1]])
    rows = {r["frame"]: r for r in validate._prf_rows("c", "all", "presence", y, p, ["a", "b"],
                                                       n_boot=200, seed=1)}
    a, b, macro = rows["a"], rows["b"], rows["macro"]
    assert (a["tp"], a["support"], a["predicted"]) == (1, 2, 2)
    assert a["precision"] == a["recall"] == a["f1"] == pytest.approx(0.5)
    assert a["precision_lo"] <= 0.5 <= a["precision_hi"] and a["few_cases"]
    assert np.isnan(b["recall"]) and b["precision"] == 0.0 and b["f1"] == 0.0
    assert macro["f1"] == pytest.approx(0.5)  # b has no coded positive: not in the macro


# --- the report on the team sheet -------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_units() -> list[ParagraphUnit]:
    tk = default_tokenizer()
    manifest = pd.read_csv(ROOT / "corpora/ai-talent-war/manifest.csv", keep_default_na=False)
    units = []
    for r in manifest.itertuples():
        text = (ROOT / "corpora/ai-talent-war" / r.file).read_text(encoding="utf-8")
        units += make_units(r.doc_id, text, tk, r.title or None)
    return units


@pytest.fixture(scope="module")
def team_report(seed_units) -> validate.CodingReport:
    return validate.coding_report(seed_units, OUTLETS, load_codebook(), [TEAM_SHEET],
                                  n_boot=100)


def test_report_on_the_team_sheet(team_report) -> None:
    r = team_report
    assert r.coders == ["team_a", "team_b"] and r.n_units == 93 and r.n_excluded == 2
    assert set(r.alpha["comparison"]) == {"inter_coder", "lexicon_vs_team_a",
                                          "lexicon_vs_team_b"}
    tw = r.alpha[(r.alpha.comparison == "lexicon_vs_team_a")
                 & (r.alpha.variable == "talent_war_drama")].iloc[0]
    assert 0 < tw.alpha <= 1 and tw.alpha_lo <= tw.alpha <= tw.alpha_hi and tw.n_units == 93
    assert set(r.prf["outlet"]) == {"all", "JER學家", "雲媒體"}
    macro = r.prf[(r.prf.reference == "team_a") & (r.prf.outlet == "all")
                  & (r.prf.level == "presence") & (r.prf.frame == "macro")].iloc[0]
    assert 0 < macro.f1 < 1
    assert list(r.prf.columns) == [c for c, _, _ in validate.TABLE_SCHEMAS["coding_prf"]]
    assert r.meta["codebook_sha256"] == load_codebook().sha256
    assert "Krippendorff" in r.summary() and "macro F1" in r.summary()


def test_disagreements_list_missed_and_extra_frames(team_report) -> None:
    d = team_report.disagreements
    assert list(d.columns) == [c for c, _, _ in validate.TABLE_SCHEMAS["coding_disagreements"]]
    row = d[(d.doc_id == "000_dbf7afa30f9a52d6") & (d.para_id == 27)
            & (d.coder == "team_a")].iloc[0]
    assert row.coder_primary == "none" and row.lexicon_primary == "strategic_anxiety"


def test_corpus_validation_reads_the_shipped_sheets(seed_units) -> None:
    from framing.frames import score_units

    cb = load_codebook()
    t = score_units(seed_units, cb)
    paragraphs = t["paragraphs"].assign(outlet=lambda d: d.doc_id.map(OUTLETS))
    out = validate.corpus_validation(ROOT / "corpora/ai-talent-war", paragraphs, t, cb,
                                     n_boot=20)
    assert set(out) == {"coding_alpha", "coding_prf", "coding_disagreements"}
    assert validate.corpus_validation(ROOT / "tests", paragraphs, t, cb) == {}


# --- coding sheet export ---------------------------------------------------------------------


def test_allocation_hand_checked() -> None:
    # base 2+2+1 = 5; the other 3 go by largest remainder over capacities 8 and 3.
    alloc = validate._allocate({("o", "a"): 10, ("o", "b"): 5, ("o", "c"): 1}, 8, 2)
    assert alloc == {("o", "a"): 4, ("o", "b"): 3, ("o", "c"): 1}
    with pytest.raises(ConfigError, match="too small"):
        validate._allocate({("o", "a"): 10, ("o", "b"): 5}, 3, 2)


def test_export_is_stratified_blind_and_reproducible(mini) -> None:
    units = [unit_of("x", i, ["挖角"]) for i in range(6)] + \
            [unit_of("x", 10 + i, ["平"]) for i in range(3)] + \
            [unit_of("y", i, ["焦慮"]) for i in range(4)]
    outlets = {"x": "X", "y": "Y"}
    a = validate.export_coding_sheet(units, outlets, mini, n=6, seed=3)
    b = validate.export_coding_sheet(units, outlets, mini, n=6, seed=3)
    assert a.equals(b) and len(a) == 6
    assert list(a.columns) == ["doc_id", "para_id", "outlet", "role", "text", "coder",
                               "primary_frame", "a", "b", "notes"]
    assert (a[["coder", "primary_frame", "a", "b"]] == "").all().all()  # blind, blank
    kinds = a["text"].map({"挖角": "a", "平": "none", "焦慮": "b"}).value_counts().to_dict()
    assert kinds == {"a": 2, "none": 2, "b": 2}
    assert a.equals(a.sort_values(["doc_id", "para_id"]).reset_index(drop=True))
    assert len(validate.export_coding_sheet(units, outlets, mini)) == 13


# --- tone ------------------------------------------------------------------------------------


def test_tone_agreement_hand_checked() -> None:
    scores = pd.Series([0.1, 0.5, 0.9, 0.2])
    codes = pd.Series(["negative", "neutral", "positive", "neutral"])
    r = validate.tone_agreement(scores, codes, thresholds=(0.3, 0.7), n_boot=200)
    # predicted classes: -1, 0, 1, -1
    assert r["n"] == 4 and r["accuracy"] == 0.75
    assert r["f1_per_class"] == pytest.approx({"negative": 2 / 3, "neutral": 2 / 3,
                                               "positive": 1.0})
    assert r["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert r["spearman_rho"] == pytest.approx(np.sqrt(0.9))
    expected = krippendorff.alpha(reliability_data=[[-1, 0, 1, -1], [-1, 0, 1, 0]],
                                  level_of_measurement="ordinal", value_domain=[-1, 0, 1])
    assert r["alpha_ordinal"] == pytest.approx(expected)
    assert r["confusion"]["neutral"] == {"negative": 1, "neutral": 1, "positive": 0}
    assert r["macro_f1_lo"] <= r["macro_f1"] <= r["macro_f1_hi"]


def test_tone_codes_in_other_forms_and_missing_values() -> None:
    scores = pd.Series([-2.0, 0.0, 3.0, np.nan], index=[10, 11, 12, 13])
    codes = pd.Series(["負面", 0, "+1", "positive"], index=[10, 11, 12, 13])
    r = validate.tone_agreement(scores, codes, thresholds=(-1, 1), n_boot=0)
    assert r["n"] == 3 and r["n_dropped"] == 1 and r["accuracy"] == 1.0
    assert np.isnan(r["macro_f1_lo"])


def test_tone_errors() -> None:
    with pytest.raises(ConfigError, match="index 1"):
        validate.tone_agreement(pd.Series([0.0, 1.0]), pd.Series(["neutral", "happy"]),
                                thresholds=(0, 0))
    with pytest.raises(ConfigError, match="lo <= hi"):
        validate.tone_agreement(pd.Series([0.0]), pd.Series(["neutral"]), thresholds=(1, 0))


def test_cli_coding_export_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    from framing.cli import main

    corpus = str(ROOT / "corpora/ai-talent-war")
    out = tmp_path / "sheet.csv"
    assert main(["coding", "export", corpus, "-o", str(out), "--n", "40"]) == 0
    exported = pd.read_csv(out, keep_default_na=False)
    assert len(exported) == 40 and (tmp_path / "sheet.csv.json").exists()
    assert main(["coding", "report", corpus, "--n-boot", "20", "-o", str(tmp_path / "rep")]) == 0
    assert "lexicon_vs_team_a" in capsys.readouterr().out
    assert (tmp_path / "rep" / "coding_prf.csv").exists()
    assert (tmp_path / "rep" / "coding_report.json").exists()
