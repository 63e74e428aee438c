"""Tests of the frame codebook: loading, validation messages, hashing."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from framing.codebook import (
    Codebook,
    default_codebook_path,
    format_codebook,
    load_codebook,
    parse_codebook,
    term_form,
)
from framing.errors import ConfigError

SEMETKO_VALKENBURG = ("conflict", "human_interest", "economic_consequences", "morality",
                      "responsibility")

MINI = """\
version: "0.1"
rules:
  dominant_threshold: 1.0
  negation:
    window: 2
    negators: [不, 沒有]
frames:
  - id: alpha
    label_zh: 甲
    label_en: Alpha
    definition: d
    include: i
    exclude: e
    examples: [例句]
    terms:
      - 挖角
      - {term: 戰略, weight: 0.5}
  - id: beta
    label_zh: 乙
    label_en: Beta
    definition: d
    include: i
    exclude: e
    examples: [例句]
    terms: [焦慮]
"""


def write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as exc:
        load_codebook(write(tmp_path, text))
    return str(exc.value)


# --- the shipped codebook ---------------------------------------------------------------


def test_shipped_codebook_has_the_required_frames() -> None:
    cb = load_codebook()
    ids = cb.frame_ids
    assert "strategic_anxiety" in ids and "talent_war_drama" in ids
    for fid in SEMETKO_VALKENBURG:
        assert fid in ids
    assert len(ids) > 7  # further frames so paragraphs are not forced into two bins
    assert re.fullmatch(r"[0-9a-f]{64}", cb.sha256)
    assert cb.version
    for f in cb.frames:
        assert f.label_zh and f.label_en and f.definition and f.include and f.exclude
        assert f.examples and f.terms


def test_issue_terms_are_in_their_frames() -> None:
    cb = load_codebook()
    terms = {f.id: {t.term for t in f.terms} for f in cb.frames}
    for t in ("焦慮", "落後", "追趕", "突圍", "戰略", "主導權", "技術差距"):
        assert t in terms["strategic_anxiety"]
    for t in ("挖角", "搶人", "天價", "簽約獎金", "叛逃", "人才爭奪戰"):
        assert t in terms["talent_war_drama"]


def test_terms_added_in_1_2_0_are_marked_and_follow_the_weight_rule() -> None:
    # docs/frames.md, "Revision 1.2.0 and a held-out check": every added term says so in
    # its note, only the two story frames changed, and the weights are the 1.0.0 ones.
    cb = load_codebook()
    # 1.3.0 changed the dominance rule only and 1.3.1 moved it into rules.lead_factor
    # (docs/frames.md): no term says it was added then.
    assert cb.version == "1.3.1"
    assert not [t for f in cb.frames for t in f.terms if t.note.startswith("1.3.")]
    added = {f.id: [t for t in f.terms if t.note.startswith("1.2.0")] for f in cb.frames}
    assert {f: len(ts) for f, ts in added.items() if ts} == {
        "strategic_anxiety": 6, "talent_war_drama": 16}
    for ts in added.values():
        for t in ts:
            assert "development half" in t.note and t.weight in (0.5, 1.0)
    half = {t.term for t in added["talent_war_drama"] if t.weight == 0.5}
    assert half == {"報酬", "薪資", "薪水", "身價", "開價", "偷走", "招聘", "招募"}


def test_default_path_and_none_give_the_same_codebook() -> None:
    assert load_codebook(None).sha256 == load_codebook(default_codebook_path()).sha256
    assert default_codebook_path().name == "codebook.yaml"


def test_to_frame_has_one_row_per_term() -> None:
    cb = load_codebook()
    df = cb.to_frame()
    assert len(df) == sum(len(f.terms) for f in cb.frames)
    assert list(df.columns[:4]) == ["frame", "term", "form", "weight"]
    assert df.equals(df.sort_values(["frame", "term"]).reset_index(drop=True))
    row = df[(df.frame == "talent_war_drama") & (df.term == "挖牆腳")].iloc[0]
    assert row.form == "挖墙脚"


def test_format_codebook_states_version_hash_and_rules(tmp_path: Path) -> None:
    cb = load_codebook()
    text = format_codebook(cb)
    assert cb.version in text and cb.sha256 in text
    assert "negation" in text and "[strategic_anxiety]" in text
    assert "挖角" in text
    assert "terms (" in text and "terms (" not in format_codebook(cb, terms=False)
    # The dominance rule is stated with the codebook's own lead factor.
    flat = " ".join(text.split())
    assert "present frame: weight >= 1" in flat
    assert ("dominant frame: the present frame with the largest weight when hits in the lead "
            "sentence (up to the first 。！？) count 2 times (lead_factor 2), strictly above "
            "every other present frame") in flat
    plain = " ".join(format_codebook(load_codebook(write(tmp_path, MINI))).split())
    assert ("dominant frame: the present frame with the largest weight, strictly above every "
            "other present frame (a tie gives none)") in plain
    assert "lead sentence" not in plain


# --- forms -------------------------------------------------------------------------------


def test_term_form_is_the_same_in_both_scripts() -> None:
    assert term_form("挖牆腳") == term_form("挖墙脚") == "挖墙脚"
    assert term_form("技術差距") == term_form("技术差距")
    assert term_form(" Sam  Altman ") == "samaltman"
    assert term_form("Offer") == term_form("offer")


# --- hashing ------------------------------------------------------------------------------


def test_hash_ignores_comments_and_layout(tmp_path: Path) -> None:
    a = load_codebook(write(tmp_path, MINI, "a.yaml"))
    relaid = "# a comment\n" + MINI.replace("terms: [焦慮]", "terms:\n      - 焦慮  # why")
    b = load_codebook(write(tmp_path, relaid, "b.yaml"))
    assert a.sha256 == b.sha256


def test_hash_changes_with_a_weight(tmp_path: Path) -> None:
    a = load_codebook(write(tmp_path, MINI, "a.yaml"))
    b = load_codebook(write(tmp_path, MINI.replace("weight: 0.5", "weight: 0.6"), "b.yaml"))
    assert a.sha256 != b.sha256


def test_reload_after_edit_is_not_stale(tmp_path: Path) -> None:
    path = write(tmp_path, MINI)
    first = load_codebook(path)
    path.write_text(MINI.replace('version: "0.1"', 'version: "0.2-edited"'), encoding="utf-8")
    assert load_codebook(path).version == "0.2-edited"
    assert first.version == "0.1"


def test_mini_codebook_parses(tmp_path: Path) -> None:
    cb = load_codebook(write(tmp_path, MINI))
    assert isinstance(cb, Codebook)
    assert cb.frame_ids == ["alpha", "beta"]
    assert [t.weight for t in cb.frame("alpha").terms] == [1.0, 0.5]
    assert cb.negation.window == 2 and cb.negation.negators == ("不", "没有")
    assert cb.dominant_threshold == 1.0


def with_lead_factor(value: str) -> str:
    """MINI with ``rules.lead_factor: value`` on line 4."""
    return MINI.replace("  dominant_threshold: 1.0\n",
                        f"  dominant_threshold: 1.0\n  lead_factor: {value}\n")


def test_lead_factor_is_parsed_with_default_1(tmp_path: Path) -> None:
    assert load_codebook(write(tmp_path, MINI)).lead_factor == 1.0  # left out: rule <= 1.2.0
    for value, expected in (("1", 1.0), ("2", 2.0), ("1.5", 1.5), ("3.0", 3.0)):
        cb = load_codebook(write(tmp_path, with_lead_factor(value), f"lf{value}.yaml"))
        assert cb.lead_factor == expected and isinstance(cb.lead_factor, float)
    assert load_codebook().lead_factor == 2.0  # the shipped rule (docs/frames.md, section 7)


def test_hash_records_the_lead_factor(tmp_path: Path) -> None:
    def sha(text: str, name: str) -> str:
        return load_codebook(write(tmp_path, text, name)).sha256

    absent, one = sha(MINI, "absent.yaml"), sha(with_lead_factor("1"), "one.yaml")
    two, three = sha(with_lead_factor("2"), "two.yaml"), sha(with_lead_factor("3"), "3.yaml")
    assert len({one, two, three}) == 3  # another factor, another hash
    assert absent == one  # left out means 1: the same rule, so the same content
    assert sha(with_lead_factor("2.0"), "two-float.yaml") == two  # 2 and 2.0 are one value


@pytest.mark.parametrize("value", ["0.5", "0", "-2", "abc", "true", ".nan", ".inf", "[2]", "''"])
def test_bad_lead_factor_is_rejected_with_file_line_and_value(tmp_path: Path,
                                                             value: str) -> None:
    msg = error_of(tmp_path, with_lead_factor(value))
    assert "lead_factor must be a number >= 1" in msg
    assert "cb.yaml:4:" in msg and "(value: " in msg


def test_a_term_may_belong_to_two_frames(tmp_path: Path) -> None:
    cb = load_codebook(write(tmp_path, MINI.replace("terms: [焦慮]", "terms: [焦慮, 挖角]")))
    assert cb.shared_terms() == {"挖角": ["alpha", "beta"]}


# --- validation errors --------------------------------------------------------------------


def test_empty_term_is_rejected_with_line(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINI.replace("      - 挖角\n", "      - ''\n"))
    assert "empty term" in msg and "cb.yaml:16" in msg and "alpha" in msg


def test_null_term_is_rejected(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINI.replace("      - 挖角\n", "      -\n"))
    assert "empty term" in msg


def test_duplicate_term_across_scripts_is_rejected(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINI.replace("      - 挖角\n", "      - 挖角\n      - 战略\n"))
    assert "duplicate term" in msg and "战略" in msg and "戰略" in msg


def test_unknown_fields_are_rejected(tmp_path: Path) -> None:
    extra = "    definition: d\n    colour: red\n"
    msg = error_of(tmp_path, MINI.replace("    definition: d\n", extra, 1))
    assert "unknown field 'colour'" in msg and ":12" in msg
    msg = error_of(tmp_path, "author: me\n" + MINI)
    assert "unknown field 'author'" in msg
    msg = error_of(tmp_path, MINI.replace("{term: 戰略, weight: 0.5}",
                                          "{term: 戰略, wieght: 0.5}"))
    assert "unknown field 'wieght'" in msg


def test_missing_required_field_is_rejected(tmp_path: Path) -> None:
    msg = error_of(tmp_path, MINI.replace("    exclude: e\n", "", 1))
    assert "lacks required field 'exclude'" in msg


def test_bad_ids_and_duplicates_are_rejected(tmp_path: Path) -> None:
    assert "snake_case" in error_of(tmp_path, MINI.replace("id: alpha", "id: Alpha-1"))
    msg = error_of(tmp_path, MINI.replace("id: beta", "id: alpha"))
    assert "duplicate frame id" in msg


@pytest.mark.parametrize("weight", ["0", "-1", "abc", "true", ".nan"])
def test_bad_weights_are_rejected(tmp_path: Path, weight: str) -> None:
    msg = error_of(tmp_path, MINI.replace("weight: 0.5", f"weight: {weight}"))
    assert "positive number" in msg


def test_duplicate_yaml_key_is_rejected(tmp_path: Path) -> None:
    twice = "    label_zh: 甲\n    label_zh: 丙\n"
    msg = error_of(tmp_path, MINI.replace("    label_zh: 甲\n", twice))
    assert "duplicate key 'label_zh'" in msg


def test_bad_rules_are_rejected(tmp_path: Path) -> None:
    assert "window" in error_of(tmp_path, MINI.replace("window: 2", "window: -1"))
    assert "dominant_threshold" in error_of(tmp_path, MINI.replace("dominant_threshold: 1.0",
                                                                    "dominant_threshold: 0"))


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    assert "not valid YAML" in error_of(tmp_path, "frames: [unclosed\n")
    with pytest.raises(ConfigError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="mapping"):
        parse_codebook(["a list"], "x.yaml")
