"""Paragraph sentiment: SnowNLP (for comparability) and a news polarity lexicon.

Two scorers, kept side by side so a reader sees whether they tell the same story:

``sentiment_snownlp``
    Exactly ``snownlp.SnowNLP(text_analysis).sentiments`` for the paragraph's analysis text
    (the Simplified view, :mod:`framing.textview`). SnowNLP's naive-Bayes model was trained
    on **product reviews** (e-commerce reviews of books, baby products and the like), not
    news; on the seed news it puts 84 % of paragraphs above 0.9 and follows neither the
    story's tone nor human codes (see ``docs/sentiment.md``). It is reported so results can
    be compared with published work, never as the tone of the news. Because a naive-Bayes
    posterior saturates towards 0 or 1 on long texts, ``sentiment_snownlp_sent_mean`` also
    gives the mean over the paragraph's sentences scored one by one (:func:`split_sentences`).
``sentiment_lexicon``
    ``(pos − neg) / (pos + neg)`` over the matches of a polarity lexicon, with negation and
    degree rules (:mod:`framing.sentiment_lexicon`). The shipped lexicon is framing's own,
    hand-written ``framing-news-polarity`` (MIT).

**Gate.** SnowNLP returns a plausible number for anything (0.53 for white space, 0.45 for an
English sentence, 0.5 for digits) and crashes on an empty string, so a text is only scored
when it passes :func:`snownlp_gate`: not a sign-off, not empty, at least
:data:`MIN_HAN_CHARS` Han characters, and Han characters making up at least
:data:`MIN_HAN_SHARE` of its non-white-space characters. Otherwise the score is empty (NaN)
and ``sentiment_snownlp_reason`` says why (``signoff``, ``empty``, ``no_chinese``,
``too_few_han_chars``, ``low_han_share``).

The per-article entry point is :func:`score_article` (:func:`score_articles` for a batch
of articles, the same rows at a lower cost); corpus-wide tables come from
:func:`sentiment_agreement`, :func:`entity_sentiment`, :func:`sentiment_arcs`,
:func:`frame_sentiment` and :func:`tone_validation`; :func:`preferred_scorer` says which
scorer figures and summaries should show by default.
"""

from __future__ import annotations

import bisect
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import ConfigError, CorpusError, FramingError
from framing.schema import DOC_ID, PARA_ID
from framing.sentiment_lexicon import (
    Lexicon,
    LexiconHit,
    default_lexicon,
    lexicon_score,
    match_lexicon,
)
from framing.textview import count_han
from framing.units import ParagraphUnit

#: Fewest Han characters a text needs to get a SnowNLP score.
MIN_HAN_CHARS = 2
#: Smallest share of Han characters among a text's non-white-space characters.
MIN_HAN_SHARE = 0.25
#: Longest sentence (characters) before it is cut (see :func:`split_sentences`).
MAX_SENTENCE_CHARS = 150
#: numpy adds up to this many values minus one strictly left to right (see :func:`_mean`).
_NUMPY_SEQUENTIAL = 8
#: Reasons a SnowNLP score is empty, in the order they are tested.
SNOWNLP_REASONS = ("signoff", "empty", "no_chinese", "too_few_han_chars", "low_han_share")
#: Reasons a lexicon score is empty.
LEXICON_REASONS = ("signoff", "empty", "no_lexicon_hits")
#: Paragraph score columns a researcher can choose between (lexicon first: it wins ties).
SCORER_COLUMNS = ("sentiment_lexicon", "sentiment_snownlp", "sentiment_snownlp_sent_mean")
#: Scorer used when no tone validation is available, and why (measured on the seed corpus).
DEFAULT_SCORER = "sentiment_lexicon"
DEFAULT_SCORER_REASON = (
    "no usable tone codes were given; sentiment_lexicon is the default because on the team's "
    "tone codes of the seed corpus it follows human judgement and SnowNLP does not "
    "(docs/sentiment.md)"
)
#: Tone codes a coder may give.
TONES = ("negative", "neutral", "positive")
#: Fixed cut points (lo, hi) that map a score to negative / neutral / positive for agreement
#: statistics: below lo is negative, above hi positive. Chosen before looking at any codes:
#: a third of the lexicon's [-1, 1] range around 0 is neutral (|score| <= 0.25 means the
#: weaker side has at least 60 % of the stronger side's weight), and the same band mapped to
#: SnowNLP's [0, 1] scale.
TONE_THRESHOLDS = {
    "sentiment_lexicon": (-0.25, 0.25),
    "sentiment_snownlp": (0.375, 0.625),
    "sentiment_snownlp_sent_mean": (0.375, 0.625),
}
#: Range of each score (intervals are clipped to it).
SCORE_RANGES = {"sentiment_lexicon": (-1.0, 1.0), "sentiment_snownlp": (0.0, 1.0),
                "sentiment_snownlp_sent_mean": (0.0, 1.0)}
#: Fewest coded paragraphs a validation needs before :func:`preferred_scorer` trusts it.
MIN_VALIDATION_N = 20

# --------------------------------------------------------------------------- schemas

PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = [
    ("sentiment_snownlp", "number",
     "SnowNLP(text_analysis).sentiments, probability of 'positive' in [0, 1] from a naive "
     "Bayes model trained on product reviews (not news); empty when the paragraph fails the "
     "gate (see sentiment_snownlp_reason). Saturates towards 0 or 1 on long paragraphs."),
    ("sentiment_snownlp_reason", "string",
     "Why sentiment_snownlp is empty: signoff, empty, no_chinese, too_few_han_chars "
     "(fewer than 2 Han characters) or low_han_share (Han characters under 25 % of the "
     "non-white-space characters); empty when scored."),
    ("sentiment_snownlp_sent_mean", "number",
     "Mean SnowNLP score of the paragraph's sentences scored one by one (sentence rule in "
     "docs/sentiment.md); empty when no sentence passes the gate."),
    ("sentiment_snownlp_n_sentences", "integer",
     "Sentences that passed the gate and enter sentiment_snownlp_sent_mean."),
    ("sentiment_lexicon", "number",
     "Lexicon tone (pos - neg) / (pos + neg) in [-1, 1] with the framing-news-polarity "
     "lexicon (MIT) and its negation and degree rules; empty when there is no lexicon hit "
     "(see sentiment_lexicon_reason)."),
    ("sentiment_lexicon_reason", "string",
     "Why sentiment_lexicon is empty: signoff, empty or no_lexicon_hits; empty when scored."),
    ("sentiment_lexicon_pos", "number",
     "Sum of positive hit values (lexicon weight x degree, after negation)."),
    ("sentiment_lexicon_neg", "number",
     "Sum of the absolute values of negative hit values (after negation)."),
    ("sentiment_lexicon_hits", "integer", "Number of polar lexicon matches in the paragraph."),
]

_KEYS_AGREEMENT = ["scope", "outlet", "snownlp_column"]

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "sentiment_hits": [
        DOC_ID,
        PARA_ID,
        ("start", "integer", "Offset of the match's first character in the paragraph text."),
        ("end", "integer", "Offset after the match's last character (text[start:end])."),
        ("sent_id", "integer", "Sentence of the paragraph the match is in (sentences table)."),
        ("term", "string", "Lexicon entry matched, in analysis (Simplified) form."),
        ("matched", "string", "The match as written in the original text."),
        ("polarity", "string", "Polarity of the entry in the lexicon: positive or negative "
         "(before negation)."),
        ("weight", "number", "Weight of the entry in the lexicon (0.5 mild, 1, 2 strong)."),
        ("negated", "boolean", "An odd number of negators precede the match in its clause, "
         "so its polarity is flipped."),
        ("negator", "string", "The negator(s) found, as written, joined with '+'; empty if "
         "none."),
        ("degree", "number", "Multiplier of the nearest degree adverb before the match "
         "(1 if none)."),
        ("degree_word", "string", "That degree adverb as written; empty if none."),
        ("value", "number", "Signed contribution: +/- weight x degree, sign flipped when "
         "negated."),
        ("lexicon", "string", "Name and version of the lexicon (e.g. framing-news-polarity "
         "1.0.0)."),
    ],
    "sentences": [
        DOC_ID,
        PARA_ID,
        ("sent_id", "integer", "Sentence position in the paragraph, from 0."),
        ("start", "integer", "Offset of the sentence's first character in the paragraph "
         "text."),
        ("end", "integer", "Offset after the sentence's last character."),
        ("text", "string", "The sentence as written (original script)."),
        ("snownlp", "number", "SnowNLP score of the sentence's analysis text in [0, 1]; "
         "empty when it fails the gate."),
        ("snownlp_reason", "string", "Why snownlp is empty (as sentiment_snownlp_reason)."),
        ("lexicon", "number", "Lexicon tone of the sentence in [-1, 1]; empty without hits."),
        ("lexicon_hits", "integer", "Polar lexicon matches in the sentence."),
        ("entities", "string", "Canonical entities mentioned in the sentence (alias table), "
         "sorted and joined with ';'."),
    ],
    "sentiment_agreement": [
        ("scope", "string", "outlet (one row per outlet) or overall (all paragraphs)."),
        ("outlet", "string", "Outlet; empty for the overall rows."),
        ("snownlp_column", "string", "SnowNLP measure compared with sentiment_lexicon: "
         "sentiment_snownlp or sentiment_snownlp_sent_mean."),
        ("n_paragraphs", "integer", "Paragraphs with both scores."),
        ("spearman", "number", "Spearman rank correlation of the SnowNLP measure and "
         "sentiment_lexicon; empty when n_paragraphs < 3 or a score is constant."),
        ("spearman_ci_low", "number", "Lower end of an approximate 95 % interval (Fisher z, "
         "standard error 1/sqrt(n-3)); empty when n_paragraphs < 4."),
        ("spearman_ci_high", "number", "Upper end of that interval."),
        ("sign_agreement", "number", "Share of paragraphs where sign(snownlp - 0.5) equals "
         "sign(sentiment_lexicon) (0 counts as its own sign)."),
    ],
    "entity_sentiment": [
        DOC_ID,
        ("entity", "string", "Canonical entity (framing/data/entities.csv)."),
        ("outlet", "string", "Outlet of the article."),
        ("n_sentences", "integer", "Sentences of the article that mention the entity."),
        ("n_snownlp", "integer", "Of those, sentences with a SnowNLP score."),
        ("snownlp_mean", "number", "Mean SnowNLP score of those sentences in [0, 1] "
         "(product-review model: not the tone of the news)."),
        ("n_lexicon", "integer", "Of those, sentences with at least one lexicon hit."),
        ("lexicon_mean", "number", "Mean lexicon tone of the sentences with hits, in "
         "[-1, 1]; empty when none has a hit."),
    ],
    "entity_sentiment_outlet": [
        ("outlet", "string", "Outlet."),
        ("entity", "string", "Canonical entity."),
        ("n_articles", "integer", "Articles of the outlet that mention the entity."),
        ("n_sentences", "integer", "Sentences that mention the entity, all articles pooled."),
        ("n_snownlp", "integer", "Of those, sentences with a SnowNLP score."),
        ("snownlp_mean", "number", "Mean SnowNLP score of those sentences."),
        ("n_lexicon", "integer", "Of those, sentences with at least one lexicon hit."),
        ("lexicon_mean", "number", "Mean lexicon tone of the sentences with hits."),
    ],
    "sentiment_arcs": [
        DOC_ID,
        PARA_ID,
        ("outlet", "string", "Outlet of the article."),
        ("role", "string", "Paragraph role."),
        ("position", "number", "para_id / (n_paragraphs - 1): 0 at the first paragraph, 1 at "
         "the last (0 for a one-paragraph article)."),
        ("sentiment_snownlp", "number", "As in paragraphs.csv."),
        ("sentiment_snownlp_sent_mean", "number", "As in paragraphs.csv."),
        ("sentiment_lexicon", "number", "As in paragraphs.csv."),
    ],
    "frame_sentiment": [
        ("outlet", "string", "Outlet."),
        ("dominant_frame", "string", "Dominant frame of the paragraph ('(none)' when the "
         "paragraph has none)."),
        ("scorer", "string", "Sentiment column summarised (sentiment_lexicon, "
         "sentiment_snownlp or sentiment_snownlp_sent_mean)."),
        ("n_paragraphs", "integer", "Paragraphs with a score."),
        ("mean", "number", "Mean score (lexicon in [-1, 1], SnowNLP in [0, 1])."),
        ("std", "number", "Standard deviation (empty when n_paragraphs < 2)."),
        ("ci_low", "number", "mean - 1.96 std / sqrt(n), clipped to the score's range: a "
         "rough 95 % interval (paragraphs of one article are not independent); empty when "
         "n_paragraphs < 2."),
        ("ci_high", "number", "mean + 1.96 std / sqrt(n), clipped to the score's range."),
    ],
    "sentiment_validation": [
        ("scorer", "string", "Sentiment column compared with human tone codes."),
        ("coder", "string", "Coder id from the coding sheet."),
        ("n", "integer", "Coded paragraphs with a score (lexicon: a paragraph without hits "
         "counts as 0, neutral)."),
        ("threshold_low", "number", "Score below which the scorer's tone is negative."),
        ("threshold_high", "number", "Score above which the scorer's tone is positive."),
        ("alpha", "number", "Krippendorff's alpha (ordinal) between the scorer's cut tone and "
         "the coder."),
        ("alpha_ci_low", "number", "Bootstrap 95 % interval of alpha, lower end (paragraphs "
         "resampled; optimistic, paragraphs of one article are not independent)."),
        ("alpha_ci_high", "number", "Upper end of that interval."),
        ("macro_f1", "number", "Mean F1 over negative / neutral / positive (classes absent "
         "from both sides left out)."),
        ("macro_f1_ci_low", "number", "Bootstrap 95 % interval of macro_f1, lower end."),
        ("macro_f1_ci_high", "number", "Upper end of that interval."),
        ("accuracy", "number", "Share of paragraphs where the cut tone equals the code."),
        ("spearman", "number", "Spearman correlation of the raw score with the coded tone "
         "(negative -1 < neutral 0 < positive 1)."),
        ("spearman_ci_low", "number", "Approximate 95 % interval of spearman (Fisher z)."),
        ("spearman_ci_high", "number", "Upper end of that interval."),
        ("spearman_p", "number", "Two-sided p-value of spearman (scipy)."),
    ],
}

# --------------------------------------------------------------------------- SnowNLP


def snownlp_gate(text: str, role: str = "body") -> str:
    """Return why ``text`` must not get a SnowNLP score, or ``""`` if it may.

    Parameters
    ----------
    text : str
        Analysis text of a paragraph or sentence.
    role : str
        Paragraph role; ``signoff`` is never scored.

    Returns
    -------
    str
        One of :data:`SNOWNLP_REASONS`, or ``""``.
    """
    if role == "signoff":
        return "signoff"
    if not text.strip():
        return "empty"
    n_han = count_han(text)
    if n_han == 0:
        return "no_chinese"
    if n_han < MIN_HAN_CHARS:
        return "too_few_han_chars"
    if n_han / visible_chars(text) < MIN_HAN_SHARE:
        return "low_han_share"
    return ""


def visible_chars(text: str) -> int:
    """Number of characters of ``text`` that are not white space (``str.isspace``).

    ``str.split()`` cuts at exactly the characters ``str.isspace()`` accepts (tested for every
    code point), so this counts them without a Python step per character.
    """
    return sum(map(len, text.split()))


#: Texts whose SnowNLP score is kept per process (emptied when full): a paragraph of one
#: sentence is scored as itself and as its sentence, and agency copy repeats sentences.
_SCORE_CACHE_SIZE = 65536
_score_cache: dict[str, float] = {}


def _remember(text: str, score: float) -> None:
    if len(_score_cache) >= _SCORE_CACHE_SIZE:
        _score_cache.clear()
    _score_cache[text] = score


def snownlp_score(text: str) -> float:
    """``SnowNLP(text).sentiments``, exactly (cached per process).

    Computed by :mod:`framing.snowfast`, a reimplementation of SnowNLP's segmenter and
    classifier that loads SnowNLP's own model files and gives the same float bit for bit
    (tested on every line of SnowNLP's training texts and on live SnowNLP), 26-28 times
    faster than SnowNLP in a fresh process and about 45 times once its tables are warm
    (``bench/bench_snowfast.py``). Gate texts with :func:`snownlp_gate` first.

    Raises
    ------
    FramingError
        If ``text`` is empty (SnowNLP divides by zero on it).
    """
    if not text:
        raise FramingError("SnowNLP cannot score an empty text; gate it with snownlp_gate")
    score = _score_cache.get(text)
    if score is None:
        from framing import snowfast

        score = snowfast.sentiment(text)
        _remember(text, score)
    return score


def snownlp_scores(texts: Sequence[str]) -> list[float]:
    """:func:`snownlp_score` of each text, the same floats, computed together.

    The distinct Han runs of all the texts are segmented once and together
    (:meth:`framing.snowfast.FastSnowNLP.sentiments`): a paragraph and its sentences share
    their runs, and many runs searched at once cost far less than one at a time. Scores
    are kept per text as :func:`snownlp_score` keeps them.

    Raises
    ------
    FramingError
        If a text is empty.
    """
    if not all(texts):
        raise FramingError("SnowNLP cannot score an empty text; gate it with snownlp_gate")
    known = {t: _score_cache.get(t) for t in texts}
    new = [t for t, score in known.items() if score is None]
    if new:
        from framing import snowfast

        known.update(zip(new, snowfast.default_model().sentiments(new), strict=True))
        for text in new:
            _remember(text, known[text])  # type: ignore[arg-type]
    return [known[t] for t in texts]  # type: ignore[misc]


# --------------------------------------------------------------------------- sentences

_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
_CLOSING = frozenset(_PAIRS.values())
_SELF_QUOTES = frozenset('"＂')
_TERMINATORS = frozenset("。！？!?；;…")
_TRAILING_CLOSERS = frozenset("”’」』》〉）)】]")
_SOFT_BREAKS = frozenset("，,、：:")
#: Any quote or title mark :func:`_quote_spans` acts on (other characters leave it unchanged).
_QUOTE_MARKS = re.compile(
    "[" + re.escape("".join(sorted(set(_PAIRS) | _CLOSING | _SELF_QUOTES))) + "]")
#: Where a run of terminators can start: a terminator or an ellipsis written "...".
_RUN_START = re.compile("[" + re.escape("".join(sorted(_TERMINATORS))) + r"]|\.\.\.")


def _quote_spans(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Matched quote and title-mark pairs ``(open, close)``; unmatched openers are ignored."""
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    # Only the marks themselves change the state: visit them alone, in order.
    for mark in _QUOTE_MARKS.finditer(text):
        ch, i = mark.group(), mark.start()
        closer = ch if (ch in _SELF_QUOTES or ch in _CLOSING) else None
        if closer is not None:
            idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == closer),
                       None)
            if idx is not None:
                spans.append((stack[idx][1], i))
                del stack[idx:]
                continue
        if ch in _SELF_QUOTES:
            stack.append((ch, i))
        elif ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
    return spans, {c for _, c in spans}


def _sentence_ends(text: str) -> list[int]:
    spans, closes = _quote_spans(text)
    ends, n = [], len(text)
    # Jump from one possible run start to the next (the search finds the first position at
    # or after j where a terminator or "..." begins, as a scan one character at a time would).
    start = _RUN_START.search(text)
    while start is not None:
        i = j = start.start()
        while j < n and (text[j] in _TERMINATORS or text.startswith("...", j)
                         or (j > i and text[j] == "." and text[j - 1] == ".")):
            j += 1
        while j < n and (text[j] in _TRAILING_CLOSERS or (text[j] in _SELF_QUOTES
                                                         and j in closes)):
            j += 1
        # The run's last character must not lie strictly inside a quote pair.
        last = j - 1
        if not any(o < last < c for o, c in spans):
            ends.append(j)
        start = _RUN_START.search(text, j)
    return ends


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _bound(text: str, s: int, e: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``max_chars`` after its last soft break (or hard)."""
    out = []
    while e - s > max_chars:
        soft = [k + 1 for k in range(s, s + max_chars - 1) if text[k] in _SOFT_BREAKS]
        cut = soft[-1] if soft else s + max_chars
        piece = _trim(text, s, cut)
        if piece[1] > piece[0]:
            out.append(piece)
        s, e = _trim(text, cut, e)
    if e > s:
        out.append((s, e))
    return out


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Split a paragraph into sentences; return ``(start, end)`` offsets into ``text``.

    Rules:

    1. A sentence ends after a run of ``。！？!?；;`` and ellipses (``…``, ``...``), together
       with the closing quotes and brackets right after the run (``”’」』》〉）)】]`` and a
       straight ``"`` that closes a pair), so ``“……东西。”`` stays one sentence.
    2. No split inside a matched pair of quotes or title marks (``“”``, ``‘’``, ``「」``,
       ``『』``, ``《》``, ``〈〉``, straight ``"…"``): a terminator inside one only ends a
       sentence when the closing mark follows it directly. Unmatched marks are ignored.
    3. White space at either end of a sentence is dropped; a piece with no letter, digit or
       Han character (a stray ``”``) joins the sentence before it (or after it, at the start).
    4. A sentence longer than ``max_chars`` characters is cut after its last ``，,、：:``
       within the limit, or at the limit when there is none (this may cut inside quotes).

    Parameters
    ----------
    text : str
        Paragraph text (the analysis view or the original: offsets are the same).
    max_chars : int
        Longest sentence kept whole.

    Returns
    -------
    list of (int, int)
        Non-overlapping spans in order, covering every non-white-space character.
    """
    if max_chars < 1:
        raise ConfigError(f"max_chars must be at least 1, got {max_chars}")
    pieces, s = [], 0
    for e in [*_sentence_ends(text), len(text)]:
        span = _trim(text, s, e)
        if span[1] > span[0]:
            pieces.append(span)
        s = e
    merged: list[tuple[int, int]] = []
    for span in pieces:
        if merged and not any(map(str.isalnum, text[span[0]: span[1]])):
            merged[-1] = (merged[-1][0], span[1])
        elif len(merged) == 1 and not any(map(str.isalnum, text[slice(*merged[0])])):
            merged[0] = (merged[0][0], span[1])
        else:
            merged.append(span)
    return [b for span in merged for b in _bound(text, *span, max_chars)]


# --------------------------------------------------------------------------- per article


@dataclass
class _UnitResult:
    paragraph: dict
    hits: list[dict] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)


@dataclass
class _UnitPlan:
    """What a paragraph needs before its SnowNLP scores: gates, sentences, lexicon hits."""

    unit: ParagraphUnit
    reason: str
    spans: list[tuple[int, int]]
    sentence_reasons: list[str]
    hits: list[LexiconHit]


def _hit_row(u: ParagraphUnit, h: LexiconHit, sent_id: int, label: str) -> dict:
    return {
        "doc_id": u.doc_id, "para_id": u.para_id, "start": h.start, "end": h.end,
        "sent_id": sent_id, "term": h.term, "matched": u.text[h.start : h.end],
        "polarity": h.polarity, "weight": h.weight, "negated": h.negated,
        "negator": h.negator, "degree": h.degree, "degree_word": h.degree_word,
        "value": h.value, "lexicon": label,
    }


def _sentence_rows(u: ParagraphUnit, spans: list[tuple[int, int]], scores: list[float],
                   reasons: list[str], hits: list[LexiconHit]) -> list[dict]:
    rows = []
    # Entity tokens are few: collect them once instead of rescanning all tokens per sentence.
    entity_at = [(t.start, t.entity) for t in u.tokens if t.entity]
    for sid, ((s, e), score, reason) in enumerate(zip(spans, scores, reasons, strict=True)):
        inside = [h for h in hits if s <= h.start < e]
        ents = sorted({ent for at, ent in entity_at if s <= at < e})
        rows.append({
            "doc_id": u.doc_id, "para_id": u.para_id, "sent_id": sid, "start": s, "end": e,
            "text": u.text[s:e], "snownlp": score, "snownlp_reason": reason,
            "lexicon": lexicon_score(inside)[2], "lexicon_hits": len(inside),
            "entities": ";".join(ents),
        })
    return rows


def _mean(values: list[float]) -> float:
    """``float(np.mean(values))`` for a non-empty list of floats, bit for bit.

    numpy sums fewer than 8 values one after the other, left to right (its pairwise
    summation only starts at 8), then divides by the count: for the few sentences of a
    paragraph a plain loop gives the same float without numpy's per-call overhead.
    """
    if len(values) >= _NUMPY_SEQUENTIAL:
        return float(np.mean(values))
    total = values[0]
    for v in values[1:]:
        total += v
    return total / len(values)


def _plan_unit(u: ParagraphUnit, lex: Lexicon) -> _UnitPlan:
    view = u.text_analysis
    reason = snownlp_gate(view, u.role)
    blank = reason in ("signoff", "empty")
    spans = [] if blank else split_sentences(view)
    hits = [] if blank else match_lexicon(u.tokens, u.text, lex)
    return _UnitPlan(u, reason, spans, [snownlp_gate(view[s:e]) for s, e in spans], hits)


def _score_unit(plan: _UnitPlan, scores: Iterator[float], label: str) -> _UnitResult:
    """Rows of one planned paragraph; ``scores`` yields its SnowNLP scores in the order of
    :func:`_texts_to_score`."""
    u, reason, spans, hits = plan.unit, plan.reason, plan.spans, plan.hits
    para_score = math.nan if reason else next(scores)
    sent_scores = [math.nan if r else next(scores)
                   for r in plan.sentence_reasons]
    sentences = _sentence_rows(u, spans, sent_scores, plan.sentence_reasons, hits)
    scored = [r["snownlp"] for r in sentences if not r["snownlp_reason"]]
    pos, neg, lex_score = lexicon_score(hits)
    blank = reason in ("signoff", "empty")
    lex_reason = reason if blank else ("no_lexicon_hits" if not hits else "")
    paragraph = {
        "doc_id": u.doc_id, "para_id": u.para_id,
        "sentiment_snownlp": para_score, "sentiment_snownlp_reason": reason,
        "sentiment_snownlp_sent_mean": _mean(scored) if scored else math.nan,
        "sentiment_snownlp_n_sentences": len(scored),
        "sentiment_lexicon": lex_score, "sentiment_lexicon_reason": lex_reason,
        "sentiment_lexicon_pos": pos, "sentiment_lexicon_neg": neg,
        "sentiment_lexicon_hits": len(hits),
    }
    starts = [s for s, _ in spans]
    hit_rows = [_hit_row(u, h, bisect.bisect_right(starts, h.start) - 1, label) for h in hits]
    return _UnitResult(paragraph, hit_rows, sentences)


def _texts_to_score(plans: list[_UnitPlan]) -> list[str]:
    """The texts that passed the gate: each paragraph's view, then its sentences'."""
    texts = []
    for plan in plans:
        view = plan.unit.text_analysis
        if not plan.reason:
            texts.append(view)
        texts.extend(view[s:e] for (s, e), r in zip(plan.spans, plan.sentence_reasons,
                                                     strict=True) if not r)
    return texts


def score_article(units: Sequence[ParagraphUnit], lexicon: Lexicon | None = None
                  ) -> dict[str, list[dict]]:
    """Score every paragraph of one article with both scorers.

    Parameters
    ----------
    units : sequence of ParagraphUnit
        The article's paragraphs (:func:`framing.units.make_units`).
    lexicon : Lexicon, optional
        Defaults to the shipped ``framing-news-polarity`` lexicon.

    Returns
    -------
    dict of str to list of dict
        ``paragraphs``: one row per paragraph (``doc_id``, ``para_id`` and
        :data:`PARAGRAPH_COLUMNS`); ``sentiment_hits``: one row per polar lexicon match;
        ``sentences``: one row per sentence of a non-empty paragraph (columns in
        ``TABLE_SCHEMAS``). Rows are in key order.
    """
    return score_articles([units], lexicon)[0]


def score_articles(articles: Sequence[Sequence[ParagraphUnit]],
                   lexicon: Lexicon | None = None) -> list[dict[str, list[dict]]]:
    """:func:`score_article` of each article, the same rows, SnowNLP scores computed together.

    The SnowNLP texts of all the articles are scored in one call
    (:func:`snownlp_scores`): their new Han runs are searched in lockstep, and the numpy
    steps of that search cost the same for a few runs as for a few thousand, so a batch of
    articles costs far less than its articles one by one. Every score is the same float
    either way.

    Parameters
    ----------
    articles : sequence of sequence of ParagraphUnit
        The paragraphs of each article (:func:`framing.units.make_units`).
    lexicon : Lexicon, optional
        Defaults to the shipped ``framing-news-polarity`` lexicon.

    Returns
    -------
    list of dict
        One :func:`score_article` result per article, in order.
    """
    lex = lexicon or default_lexicon()
    label = lex.label
    planned = [[_plan_unit(u, lex) for u in sorted(units, key=lambda u: (u.doc_id, u.para_id))]
               for units in articles]
    texts = [text for plans in planned for text in _texts_to_score(plans)]
    scores = iter(snownlp_scores(texts) if texts else [])
    results = []
    for plans in planned:
        out: dict[str, list[dict]] = {"paragraphs": [], "sentiment_hits": [], "sentences": []}
        for plan in plans:
            r = _score_unit(plan, scores, label)
            out["paragraphs"].append(r.paragraph)
            out["sentiment_hits"].extend(r.hits)
            out["sentences"].extend(r.sentences)
        results.append(out)
    return results


def _columns(table: str) -> list[str]:
    if table == "paragraphs":
        return ["doc_id", "para_id", *(c for c, _, _ in PARAGRAPH_COLUMNS)]
    return [c for c, _, _ in TABLE_SCHEMAS[table]]


def _frame(rows: list[dict], table: str, keys: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_columns(table))
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)


def score_units(units: Sequence[ParagraphUnit], lexicon: Lexicon | None = None
                ) -> dict[str, pd.DataFrame]:
    """Run :func:`score_article` on every article of a list of units.

    Returns
    -------
    dict of str to DataFrame
        ``paragraphs`` (one row per paragraph: keys and sentiment columns),
        ``sentiment_hits`` and ``sentences``, each sorted by its keys.
    """
    by_doc: dict[str, list[ParagraphUnit]] = {}
    for u in units:
        by_doc.setdefault(u.doc_id, []).append(u)
    rows: dict[str, list[dict]] = {"paragraphs": [], "sentiment_hits": [], "sentences": []}
    for doc_id in sorted(by_doc):
        for name, part in score_article(by_doc[doc_id], lexicon).items():
            rows[name].extend(part)
    return {
        "paragraphs": _frame(rows["paragraphs"], "paragraphs", ["doc_id", "para_id"]),
        "sentiment_hits": _frame(rows["sentiment_hits"], "sentiment_hits",
                                 ["doc_id", "para_id", "start"]),
        "sentences": _frame(rows["sentences"], "sentences", ["doc_id", "para_id", "sent_id"]),
    }


# --------------------------------------------------------------------------- corpus-wide


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ConfigError(f"{what}: missing column(s) {', '.join(missing)}")


def _with_outlet(df: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    if "outlet" in df.columns:
        return df
    if articles is None:
        raise ConfigError("an 'outlet' column or the articles table is needed")
    _require(articles, ["doc_id", "outlet"], "articles table")
    return df.merge(articles[["doc_id", "outlet"]], on="doc_id", how="left", validate="m:1")


def spearman(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """Spearman correlation with an approximate 95 % interval (Fisher z).

    Returns
    -------
    r, low, high : float
        NaN where undefined (fewer than 3 pairs, a constant input; the interval needs 4).
    """
    from scipy.stats import spearmanr

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(x)
    if n < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return math.nan, math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = float(spearmanr(x, y).statistic)
    if n < 4 or not math.isfinite(r) or abs(r) >= 1:
        return r, math.nan, math.nan
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    return r, math.tanh(z - 1.96 * se), math.tanh(z + 1.96 * se)


def _agreement_row(scope: str, outlet: str, col: str, df: pd.DataFrame) -> dict:
    both = df[[col, "sentiment_lexicon"]].dropna()
    r, lo, hi = spearman(both[col], both["sentiment_lexicon"])
    signs = np.sign(both[col] - 0.5) == np.sign(both["sentiment_lexicon"])
    return {"scope": scope, "outlet": outlet, "snownlp_column": col,
            "n_paragraphs": len(both), "spearman": r, "spearman_ci_low": lo,
            "spearman_ci_high": hi,
            "sign_agreement": float(signs.mean()) if len(both) else math.nan}


def sentiment_agreement(paragraphs: pd.DataFrame, articles: pd.DataFrame | None = None
                        ) -> pd.DataFrame:
    """How far SnowNLP and the lexicon tell the same story, per outlet and overall.

    Parameters
    ----------
    paragraphs : DataFrame
        Paragraph sentiment columns, with ``outlet`` (or give ``articles``).
    articles : DataFrame, optional
        ``doc_id``, ``outlet``; used when ``paragraphs`` has no ``outlet``.

    Returns
    -------
    DataFrame
        One row per (scope, outlet, SnowNLP measure): the Spearman correlation of the
        SnowNLP measure with ``sentiment_lexicon`` over the paragraphs that have both,
        its interval, and the share of paragraphs whose signs agree.
    """
    df = _with_outlet(paragraphs, articles)
    _require(df, ["sentiment_lexicon", "sentiment_snownlp", "sentiment_snownlp_sent_mean"],
             "paragraphs table")
    rows = []
    for col in ("sentiment_snownlp", "sentiment_snownlp_sent_mean"):
        for outlet in sorted(df["outlet"].dropna().unique()):
            rows.append(_agreement_row("outlet", outlet, col, df[df["outlet"] == outlet]))
        rows.append(_agreement_row("overall", "", col, df))
    return _frame(rows, "sentiment_agreement", _KEYS_AGREEMENT)


def _explode_entities(sentences: pd.DataFrame) -> pd.DataFrame:
    _require(sentences, ["doc_id", "entities", "snownlp", "lexicon"], "sentences table")
    df = sentences[sentences["entities"].fillna("") != ""]
    # One row per (sentence, entity), as ``str.split(";")`` + ``explode`` give it, split by
    # Arrow: no Python list per sentence (a large corpus has millions of such sentences).
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.split_pattern(pa.array(df["entities"].astype(str).to_numpy(dtype=object),
                                      type=pa.string()), ";")
    out = df.iloc[pc.list_parent_indices(parts).to_numpy()].copy()
    # (pandas' str dtype, as explode infers it; Python objects when there is no row)
    out["entity"] = pd.Series(pc.list_flatten(parts).to_pylist(), index=out.index,
                              dtype="str" if len(out) else object)
    return out


def _entity_stats(df: pd.DataFrame, keys: list[str], articles: bool = False) -> pd.DataFrame:
    """Per group of ``keys``: sentences, scored sentences and mean of each score.

    Vectorised group aggregates (one pass each), not a Python function per group: large
    corpora have hundreds of thousands of (article, entity) groups.
    """
    scores = df[keys].copy()
    for col in ("snownlp", "lexicon"):
        scores[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    if articles:
        scores["doc_id_"] = df["doc_id"]
    g = scores.groupby(keys, sort=True)
    parts = {}
    if articles:
        parts["n_articles"] = g["doc_id_"].nunique()
    parts.update({
        "n_sentences": g.size(), "n_snownlp": g["snownlp"].count(),
        "snownlp_mean": g["snownlp"].mean(), "n_lexicon": g["lexicon"].count(),
        "lexicon_mean": g["lexicon"].mean(),
    })
    return pd.DataFrame(parts).reset_index()


def entity_sentiment(sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Tone of the sentences that mention each entity, per article.

    Parameters
    ----------
    sentences : DataFrame
        The ``sentences`` table of :func:`score_units`.
    articles : DataFrame
        ``doc_id`` and ``outlet``.

    Returns
    -------
    DataFrame
        One row per (article, canonical entity) mentioned in at least one sentence: its
        outlet, the number of sentences mentioning it, and the mean SnowNLP and lexicon
        scores over those sentences (each over the sentences that have that score).
    """
    df = _explode_entities(sentences)
    cols = _columns("entity_sentiment")
    if df.empty:
        return pd.DataFrame(columns=cols)
    stats = _entity_stats(df, ["doc_id", "entity"])
    out = _with_outlet(stats, articles)[cols]
    return _typed(out, "entity_sentiment").sort_values(["doc_id", "entity"]).reset_index(
        drop=True)


def entity_sentiment_by_outlet(sentences: pd.DataFrame, articles: pd.DataFrame
                               ) -> pd.DataFrame:
    """Tone of the sentences that mention each entity, pooled per outlet.

    Returns
    -------
    DataFrame
        One row per (outlet, entity): articles and sentences mentioning the entity and the
        mean SnowNLP and lexicon scores of those sentences.
    """
    df = _with_outlet(_explode_entities(sentences), articles)
    cols = _columns("entity_sentiment_outlet")
    if df.empty:
        return pd.DataFrame(columns=cols)
    stats = _entity_stats(df, ["outlet", "entity"], articles=True)
    return _typed(stats[cols], "entity_sentiment_outlet")


def _typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    for col, kind, _ in TABLE_SCHEMAS[table]:
        if kind == "integer":
            df[col] = df[col].astype("int64")
        elif kind == "number":
            df[col] = df[col].astype("float64")
    return df


def sentiment_arcs(paragraphs: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each article's sentiment along its paragraphs.

    Parameters
    ----------
    paragraphs : DataFrame
        ``doc_id``, ``para_id``, the sentiment columns and, if present, ``role``.
    articles : DataFrame
        ``doc_id``, ``outlet`` and, if present, ``n_paragraphs``.

    Returns
    -------
    DataFrame
        One row per paragraph: outlet, role, normalised position in [0, 1] and the three
        sentiment scores (empty where a paragraph has none).
    """
    _require(paragraphs, ["doc_id", "para_id", *SCORER_COLUMNS], "paragraphs table")
    df = _with_outlet(paragraphs, articles).copy()
    if "role" not in df.columns:
        df["role"] = ""
    n = df.groupby("doc_id")["para_id"].transform("max") + 1
    if "n_paragraphs" in articles.columns:
        n = df["doc_id"].map(articles.set_index("doc_id")["n_paragraphs"]).fillna(n)
    df["position"] = np.where(n > 1, df["para_id"] / (n - 1).clip(lower=1), 0.0)
    out = df[_columns("sentiment_arcs")].sort_values(["doc_id", "para_id"], kind="mergesort")
    return _typed(out.reset_index(drop=True), "sentiment_arcs")


def frame_sentiment(paragraphs: pd.DataFrame, articles: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Mean sentiment by outlet × dominant frame, for each scorer.

    Parameters
    ----------
    paragraphs : DataFrame
        Sentiment columns with ``dominant_frame`` (from the frames stage) and ``outlet``
        (or give ``articles``).

    Returns
    -------
    DataFrame
        One row per (outlet, dominant frame, scorer): number of scored paragraphs, mean,
        standard deviation and a rough 95 % interval of the mean.
    """
    df = _with_outlet(paragraphs, articles)
    _require(df, ["dominant_frame", *SCORER_COLUMNS], "paragraphs table")
    frame = df["dominant_frame"].fillna("").astype(str).replace("", "(none)")
    rows = []
    for (outlet, fr), g in df.assign(dominant_frame=frame).groupby(
            ["outlet", "dominant_frame"], sort=True):
        for col in SCORER_COLUMNS:
            x = g[col].dropna()
            n, sd = len(x), (float(x.std(ddof=1)) if len(x) > 1 else math.nan)
            mean = float(x.mean()) if n else math.nan
            half = 1.96 * sd / math.sqrt(n) if n > 1 else math.nan
            lo, hi = SCORE_RANGES[col]
            rows.append({"outlet": outlet, "dominant_frame": fr, "scorer": col,
                         "n_paragraphs": n, "mean": mean, "std": sd,
                         "ci_low": max(mean - half, lo), "ci_high": min(mean + half, hi)})
    return _frame(rows, "frame_sentiment", ["outlet", "dominant_frame", "scorer"])


# --------------------------------------------------------------------------- validation


def read_tone_codes(path: str | Path) -> pd.DataFrame:
    """Read a tone coding sheet (``doc_id, para_id, coder, tone``).

    ``tone`` is ``negative``, ``neutral``, ``positive`` or empty (not coded, e.g. a
    sign-off).

    Returns
    -------
    DataFrame
        One row per coded paragraph and coder (empty tones dropped), sorted by keys.

    Raises
    ------
    CorpusError
        Naming the file, line and value, on a missing column, a bad ``para_id`` or tone,
        or a paragraph coded twice by the same coder.
    """
    import csv

    p = Path(path)
    rows, seen = [], {}
    try:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"doc_id", "para_id", "coder", "tone"} - set(reader.fieldnames or [])
            if missing:
                raise CorpusError(f"missing column(s) {', '.join(sorted(missing))}", str(p), 1)
            for row in reader:
                line = reader.line_num
                tone = (row["tone"] or "").strip()
                if tone and tone not in TONES:
                    raise CorpusError(f"tone must be one of {', '.join(TONES)} or empty",
                                      str(p), line, tone)
                try:
                    para = int(row["para_id"])
                except (TypeError, ValueError):
                    raise CorpusError("para_id must be an integer", str(p), line,
                                      str(row["para_id"])) from None
                key = (row["doc_id"].strip(), para, row["coder"].strip())
                if key in seen:
                    raise CorpusError(f"paragraph coded twice by this coder (line {seen[key]})",
                                      str(p), line, f"{key[0]}/{para}")
                seen[key] = line
                if tone:
                    rows.append({"doc_id": key[0], "para_id": para, "coder": key[2],
                                 "tone": tone})
    except OSError as exc:
        raise CorpusError(f"cannot read the coding sheet ({exc.strerror})", str(p)) from None
    df = pd.DataFrame(rows, columns=["doc_id", "para_id", "coder", "tone"])
    return df.sort_values(["doc_id", "para_id", "coder"], kind="mergesort").reset_index(
        drop=True)


def validation_scores(paragraphs: pd.DataFrame, column: str) -> pd.Series:
    """Scores of ``column`` as compared with tone codes.

    A paragraph without lexicon hits counts as 0 (neutral) for ``sentiment_lexicon``: it
    had a chance to show tone and showed none. Other missing scores stay missing.
    """
    s = paragraphs[column].astype(float)
    if column == "sentiment_lexicon" and "sentiment_lexicon_reason" in paragraphs.columns:
        s = s.where(paragraphs["sentiment_lexicon_reason"] != "no_lexicon_hits", 0.0)
    return s


def tone_validation(paragraphs: pd.DataFrame, codes: pd.DataFrame,
                    columns: Sequence[str] = SCORER_COLUMNS, n_boot: int | None = None
                    ) -> pd.DataFrame:
    """Agreement of each scorer with human tone codes.

    Uses :func:`framing.validate.tone_agreement` with the fixed :data:`TONE_THRESHOLDS`.

    Parameters
    ----------
    paragraphs : DataFrame
        ``doc_id``, ``para_id`` and the sentiment columns.
    codes : DataFrame
        ``doc_id``, ``para_id``, ``coder``, ``tone`` (:func:`read_tone_codes`).
    columns : sequence of str
        Score columns to check.
    n_boot : int, optional
        Bootstrap replicates for the alpha and macro-F1 intervals (default: the harness's).

    Returns
    -------
    DataFrame
        One row per (scorer, coder): number of coded paragraphs with a score, the cut
        points, Krippendorff's alpha (ordinal), macro-F1, accuracy and the Spearman
        correlation, with intervals.
    """
    from framing import validate

    _require(codes, ["doc_id", "para_id", "coder", "tone"], "tone codes")
    boot = validate.N_BOOT if n_boot is None else n_boot
    rows = []
    for coder, cg in codes.groupby("coder", sort=True):
        merged = cg.merge(paragraphs, on=["doc_id", "para_id"], how="inner")
        for col in columns:
            scores = validation_scores(merged, col)
            keep = scores.notna() & merged["tone"].isin(TONES)
            lo, hi = TONE_THRESHOLDS.get(col, (-0.25, 0.25))
            res = validate.tone_agreement(scores[keep].reset_index(drop=True),
                                          merged.loc[keep, "tone"].reset_index(drop=True),
                                          thresholds=(lo, hi), n_boot=boot)
            codes_num = merged.loc[keep, "tone"].map({"negative": -1, "neutral": 0,
                                                      "positive": 1})
            _, r_lo, r_hi = spearman(scores[keep], codes_num)
            rows.append({
                "scorer": col, "coder": coder, "n": int(res["n"]),
                "threshold_low": lo, "threshold_high": hi,
                "alpha": res["alpha_ordinal"], "alpha_ci_low": res["alpha_ordinal_lo"],
                "alpha_ci_high": res["alpha_ordinal_hi"], "macro_f1": res["macro_f1"],
                "macro_f1_ci_low": res["macro_f1_lo"], "macro_f1_ci_high": res["macro_f1_hi"],
                "accuracy": res["accuracy"], "spearman": res["spearman_rho"],
                "spearman_ci_low": r_lo, "spearman_ci_high": r_hi,
                "spearman_p": res["spearman_p"],
            })
    return _frame(rows, "sentiment_validation", ["scorer", "coder"])


@dataclass(frozen=True)
class ScorerChoice:
    """The scorer figures and summaries default to, and why."""

    column: str
    reason: str


def choose_scorer(validation: pd.DataFrame | None) -> ScorerChoice:
    """Pick the scorer that agrees better with human tone codes.

    The scorer with the highest Spearman correlation in ``validation`` (averaged over
    coders) wins, among scorers validated on at least :data:`MIN_VALIDATION_N` paragraphs;
    ties go to the order of :data:`SCORER_COLUMNS`. Without a usable validation the default
    is :data:`DEFAULT_SCORER`.
    """
    if validation is None or validation.empty or "spearman" not in validation.columns:
        return ScorerChoice(DEFAULT_SCORER, DEFAULT_SCORER_REASON)
    v = validation[(validation["n"] >= MIN_VALIDATION_N) & validation["spearman"].notna()]
    v = v[v["scorer"].isin(SCORER_COLUMNS)]
    if v.empty:
        return ScorerChoice(DEFAULT_SCORER, DEFAULT_SCORER_REASON)
    mean = v.groupby("scorer")["spearman"].mean()
    best = max(mean.index, key=lambda c: (mean[c], -SCORER_COLUMNS.index(c)))
    others = ", ".join(f"{c} {mean[c]:.2f}" for c in SCORER_COLUMNS if c in mean and c != best)
    n = int(v.loc[v["scorer"] == best, "n"].max())
    return ScorerChoice(best, f"{best} agrees best with the tone codes (Spearman "
                              f"{mean[best]:.2f} on {n} paragraphs; {others or 'no other'})")


def preferred_scorer(validation: pd.DataFrame | None = None) -> str:
    """Column figures and summaries should show by default (see :func:`choose_scorer`)."""
    return choose_scorer(validation).column


def lexicon_info(lexicon: Lexicon | None = None) -> dict[str, str]:
    """Name, version, source, licence, file hashes and entry counts of a lexicon."""
    lex = lexicon or default_lexicon()
    info = dict(lex.info)
    info.update({f"n_{k}": str(v) for k, v in lex.counts().items()})
    return info


def lexicon_metadata(lexicon: Lexicon | None = None) -> dict[str, str]:
    """Lexicon provenance for the run manifest (same as :func:`lexicon_info`)."""
    return lexicon_info(lexicon)


def tone_code_paths(corpus_dir: str | Path) -> list[Path]:
    """The tone coding sheets shipped in a corpus: ``coding/tone_*.csv``, sorted."""
    return sorted(Path(corpus_dir).glob("coding/tone_*.csv"))


def corpus_tone_validation(corpus_dir: str | Path, paragraphs: pd.DataFrame,
                           n_boot: int | None = None) -> pd.DataFrame:
    """:func:`tone_validation` against the corpus's ``coding/tone_*.csv`` sheets.

    Returns
    -------
    DataFrame
        One row per (scorer, coder); no rows (same columns) when the corpus has no sheet.
    """
    paths = tone_code_paths(corpus_dir)
    if not paths:
        return _frame([], "sentiment_validation", ["scorer", "coder"])
    codes = pd.concat([read_tone_codes(p) for p in paths], ignore_index=True)
    return tone_validation(paragraphs, codes, n_boot=n_boot)


# --------------------------------------------------------------------------- summary


@dataclass
class SentimentSummary:
    """Everything ``framing sentiment`` prints, with the tables behind it."""

    tables: dict[str, pd.DataFrame]
    choice: ScorerChoice
    lexicon: dict[str, str]

    def render(self) -> str:
        """Plain-text report: lexicon, per-outlet means, agreement, validation, entities."""
        t = self.tables
        par = t["paragraphs"]
        lines = [f"Lexicon: {self.lexicon.get('name')} {self.lexicon.get('version')} "
                 f"({self.lexicon.get('licence')}); SnowNLP: product-review model, shown "
                 "for comparability only.",
                 f"Default scorer: {self.choice.column} - {self.choice.reason}", "",
                 "Per outlet (mean over scored paragraphs; n in brackets):"]
        for outlet, g in par.groupby("outlet", sort=True):
            parts = [f"{c} {g[c].mean():.3f} [{g[c].notna().sum()}]" for c in SCORER_COLUMNS]
            lines.append(f"  {outlet}: " + "; ".join(parts))
        lines += ["", "SnowNLP vs lexicon agreement:",
                  _table_text(t["sentiment_agreement"])]
        if "sentiment_validation" in t and not t["sentiment_validation"].empty:
            lines += ["", "Agreement with human tone codes:",
                      _table_text(t["sentiment_validation"])]
        fs = t.get("frame_sentiment")
        if fs is not None and not fs.empty:
            shown = fs[fs["scorer"] == self.choice.column].drop(columns="scorer")
            lines += ["", f"Mean {self.choice.column} by dominant frame and outlet "
                      "(shipped codebook):", _table_text(shown)]
        ent = t["entity_sentiment_outlet"]
        if not ent.empty:
            lines += ["", "Tone of sentences mentioning an entity (per outlet):",
                      _table_text(ent)]
        return "\n".join(lines)


def _table_text(df: pd.DataFrame) -> str:
    return df.to_string(index=False, float_format=lambda x: f"{x:.3f}")


def _with_frames(prepared: object, paragraphs: pd.DataFrame, codebook: object
                 ) -> pd.DataFrame:
    """Add the frames stage's ``dominant_frame`` to the sentiment paragraphs."""
    from framing import frames
    from framing.codebook import load_codebook

    cb = codebook if codebook is not None else load_codebook()
    dom = frames.score_units(prepared.units, cb)["paragraphs"]  # type: ignore[attr-defined]
    return paragraphs.merge(dom[["doc_id", "para_id", "dominant_frame"]],
                            on=["doc_id", "para_id"], how="left")


def summarize(prepared: object, code_paths: Sequence[str | Path] = (),
              lexicon: Lexicon | None = None, codebook: object | None = None,
              frames: bool = True) -> SentimentSummary:
    """Score a prepared corpus and build the tables ``framing sentiment`` reports.

    Parameters
    ----------
    prepared : framing.pipeline.Prepared
        A corpus read and tokenised.
    code_paths : sequence of path
        Tone coding sheets; when empty, ``coding/tone_*.csv`` in the corpus folder is used.
    lexicon : Lexicon, optional
        Defaults to the shipped lexicon.
    codebook : framing.codebook.Codebook, optional
        Codebook for the dominant frames of ``frame_sentiment`` (default: the shipped one).
    frames : bool
        Compute ``frame_sentiment`` (runs the frames stage).

    Returns
    -------
    SentimentSummary
    """
    articles = prepared.articles  # type: ignore[attr-defined]
    tables = score_units(prepared.units, lexicon)  # type: ignore[attr-defined]
    par = _with_outlet(tables["paragraphs"], articles)
    tables["paragraphs"] = par
    tables["sentiment_agreement"] = sentiment_agreement(par)
    tables["entity_sentiment"] = entity_sentiment(tables["sentences"], articles)
    tables["entity_sentiment_outlet"] = entity_sentiment_by_outlet(tables["sentences"],
                                                                   articles)
    tables["sentiment_arcs"] = sentiment_arcs(par, articles)
    if frames:
        tables["frame_sentiment"] = frame_sentiment(_with_frames(prepared, par, codebook))
    paths = list(code_paths) or tone_code_paths(prepared.corpus_dir)  # type: ignore[attr-defined]
    validation = None
    if paths:
        codes = pd.concat([read_tone_codes(p) for p in paths], ignore_index=True)
        validation = tone_validation(par, codes)
        tables["sentiment_validation"] = validation
    return SentimentSummary(tables, choose_scorer(validation), lexicon_info(lexicon))
