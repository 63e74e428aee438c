"""The issue's properties, at 10,000 derandomised hypothesis examples each in CI.

Each property lives next to the code it checks; this module holds the one that had no home
(offsets of frame, sentiment and token hits point at the matched text) and a registry that
finds every property, checks that it runs at least :data:`REQUIRED` examples when the suite
runs at its default budget, and records the counts as figures (the table is
:data:`PROPERTIES`: property -> test module and function).
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.textview import analysis_view

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
#: Examples each property must run at the default budget.
REQUIRED = 10_000
TESTS = Path(__file__).resolve().parents[1]

#: Issue property -> (test module, test function); ``.`` is this module.
PROPERTIES = {
    "splitting loses and invents no text": ("test_segment", "test_split_loses_and_invents_no_text"),
    "hit offsets point at the matched text": (".", "test_hit_offsets_point_at_the_matched_text"),
    "normalisation and conversion keep lengths": (
        "test_textview", "test_view_keeps_length_and_is_idempotent"),
    "date parsing round-trips": ("test_dates", "test_round_trip_every_format"),
    "CSV writing round-trips": ("test_outputs", "test_machine_csv_round_trips_any_text_exactly"),
}


# --------------------------------------------------------------------------- hit offsets


@functools.cache
def matchers():
    from framing.codebook import load_codebook
    from framing.sentiment_lexicon import default_lexicon
    from framing.tokens import default_tokenizer

    return load_codebook(None), default_lexicon(), default_tokenizer()


@functools.cache
def pieces() -> tuple[str, ...]:
    """Codebook terms and lexicon words in both scripts, negators, and filler."""
    cb, lex, _ = matchers()
    terms = sorted({t.term for f in cb.frames for t in f.terms})[::5]
    words = sorted(lex.entries)[::20]
    # Traditional forms written as the codebook writes them, Simplified as the lexicon does;
    # spaces, zero-width and full-width characters inside terms test the folding.
    return (*terms, *words, "不", "并非", "沒有", "很", "，", "。", " ", "\u200b", "\u3000",
            "Ｍｅｔａ", "Meta", "的", "人才")


# One draw per example (a byte string indexing the pieces) keeps hypothesis's own cost low.
article = st.binary(min_size=1, max_size=8).map(
    lambda ix: "".join(pieces()[i % len(pieces())] for i in ix))


def squeeze(text: str) -> str:
    return "".join(analysis_view(text).split())


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(article)
def test_hit_offsets_point_at_the_matched_text(text: str) -> None:
    from framing import frames
    from framing.sentiment_lexicon import match_lexicon
    from framing.units import make_units

    cb, lex, tokenizer = matchers()
    for unit in make_units("d", text, tokenizer):
        for hit in frames.match_unit(unit, cb).hits:
            quoted = unit.text[hit["start"]:hit["end"]]
            assert hit["matched"] == quoted
            assert squeeze(quoted) == squeeze(hit["term"]), (hit, unit.text)
        for h in match_lexicon(unit.tokens, unit.text, lex):
            assert squeeze(unit.text[h.start:h.end]) == squeeze(h.term), (h, unit.text)
        for t in unit.tokens:
            assert analysis_view(unit.text[t.start:t.end]) == t.text


def test_hit_offsets_property_finds_hits() -> None:
    # The strategy is not vacuous: its pieces make frame and sentiment hits.
    from framing import frames
    from framing.sentiment_lexicon import match_lexicon
    from framing.units import make_units

    cb, lex, tokenizer = matchers()
    (unit,) = make_units("d", "".join(pieces()[:40]), tokenizer)
    assert frames.match_unit(unit, cb).hits and match_lexicon(unit.tokens, unit.text, lex)


# --------------------------------------------------------------------------- registry


def property_test(module: str, name: str):
    if module == ".":
        return globals()[name]
    if str(TESTS) not in sys.path:  # pytest's rootdir insertion, for a direct run
        sys.path.insert(0, str(TESTS))
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("prop", sorted(PROPERTIES))
def test_property_runs_its_examples(prop: str, figure) -> None:
    fn = property_test(*PROPERTIES[prop])
    configured = fn._hypothesis_internal_use_settings
    assert configured.derandomize, prop
    figure(f"properties.{prop}", configured.max_examples)
    if EXAMPLES >= REQUIRED:  # the default budget (FRAMING_HYPOTHESIS_EXAMPLES unset)
        assert configured.max_examples >= REQUIRED, f"{prop}: {configured.max_examples}"
