"""Lexicon frame scoring with documented, testable rules.

Every paragraph unit (:class:`framing.units.ParagraphUnit`) is scored against the frame
codebook (:mod:`framing.codebook`). The rules, in the order they apply:

1. **Scored paragraphs.** Titles, headings, body paragraphs and list items are scored (titles
   and headings frame a story); sign-offs are not, and a trailing sign-off is cut off before
   scoring (see :mod:`framing.segment`). A paragraph with no word token is not scored either.
2. **Token matching, longest match.** A term matches when the concatenation of the matching
   forms of consecutive tokens equals the term's form (:func:`framing.codebook.term_form`:
   analysis view, no white space, Latin in lower case). Scanning left to right, the longest
   term starting at a token wins, its tokens are consumed and scanning resumes after it; each
   token counts once. A term listed in two frames gives one hit to each.
3. **Raw-text check.** Every occurrence of every term in the paragraph's analysis view is
   found by substring search (white space ignored, Latin terms not inside a longer Latin word
   or number). An occurrence that is not a token match and does not lie inside a token match
   is written to ``frame_term_splits`` with ``reason`` ``split`` (jieba cut through the term
   or merged it into a longer word: 戰略 inside 戰略思維) or ``overlap`` (the term's tokens
   were taken by an overlapping match). Such occurrences are **not counted**; the table
   exists so that a change of segmentation cannot silently move a frame.
4. **Negation.** A hit is *negated* when one of the codebook's negator tokens (不, 沒有,
   並非, 未 ...) stands among the ``window`` (3) word tokens before the hit's first token,
   in the same clause (the look-back stops at a punctuation token holding a clause break
   such as ，。；：！？; other punctuation such as quotes is skipped and not counted). A
   negator directly followed by 只/只是/僅/光/止/但 ("not only") is not a negation, and a
   token that is part of a lexicon match is never a negator (不公平 is a term, not a
   negation). A negated hit stays in ``frame_hits`` with ``negated=True`` and counts 0.
5. **Scores.** Per scored paragraph and frame: ``hits`` (non-negated hits), ``weight`` (sum
   of their term weights), ``density`` = 100 × ``weight`` / ``n_tokens``, where ``n_tokens``
   counts word tokens only (punctuation tokens are not counted). Zeros are kept: every scored
   paragraph has one row per frame.
6. **Dominant frame** (lead sentence weighted by the codebook's ``rules.lead_factor``: 2 in
   the shipped codebook since 1.3.0; 1, the plain largest weight, when a codebook leaves it
   out). A frame is *present* when its weight reaches the codebook's ``dominant_threshold``
   (1.0). Among the present frames, each gets a *strength*: the sum of its counted hits'
   weights, where a hit that starts in the paragraph's **lead sentence** (up to and
   including the first 。！？, with any closing quotes; the whole paragraph when it has no
   such mark) counts ``codebook.lead_factor`` times. The dominant frame is the present
   frame with the largest strength, strictly larger than every other present frame's.
   Because the factor is a codebook field, the codebook's content hash, which every output
   records, identifies the rule. A tie is not broken:
   ``dominant_frame`` is empty and ``tied_frames`` lists the tied ids. With no present
   frame ``dominant_frame`` is empty too. ``dominant_weight`` is the (unmultiplied) weight of
   the dominant frame, or the largest frame weight when there is none. In a one-sentence
   paragraph (every title and heading) all hits are in the lead, so the rule is "largest
   weight"; a paragraph in which only one frame is present is always dominated by it. Why
   the lead sentence, and how the rule was chosen on half of the coded paragraphs and
   checked on the other half: ``docs/frames.md``, section 7.
7. **Outlet profiles.** :func:`outlet_frames` gives, per outlet and frame, the share of
   scored paragraphs in which the frame dominates and the mean density, each with a
   percentile bootstrap 95% interval. By default **paragraphs** are resampled within the
   outlet: the seed corpus has one article per outlet, so resampling articles would give
   no interval at all. Paragraphs of one article are not independent, so these intervals
   describe the uncertainty of the share *within the texts at hand* and are too narrow as a
   statement about the outlet's coverage in general; with several articles per outlet use
   ``resample="article"`` (a cluster bootstrap), as the timeline analysis does. When a
   frame dominates in no paragraph (or in all) of an outlet, the percentile interval would
   collapse to a point; its open bound is replaced by the exact Clopper-Pearson bound
   (``1 - 0.025 ** (1 / n)`` for 0 of n), so a zero never looks certain.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framing.blas import one_blas_thread, rows_per_chunk
from framing.codebook import MIN_LEAD_FACTOR, Codebook, NegationRule, Term, _lower1
from framing.errors import ConfigError
from framing.schema import DOC_ID, PARA_ID
from framing.tokens import Token
from framing.units import ParagraphUnit

#: Default number of bootstrap replicates.
N_BOOT = 2000
#: Default bootstrap seed (the week of the seed study).
SEED = 20250704
#: A term supplying more than this share of its frame's hits is flagged by ``term_stats``.
DOMINANT_TERM_SHARE = 0.5
#: Characters that end a sentence (analysis view; full-width ones fold to ASCII or not).
SENTENCE_ENDS = "。！？!?"
#: Closing quotes and brackets that stay with the sentence they close.
_CLOSERS = "”’」』\"')）"

HIT_COLUMNS = [
    "doc_id", "para_id", "frame", "term", "matched", "start", "end", "weight", "negated",
    "negator",
]
SPLIT_COLUMNS = [
    "doc_id", "para_id", "frame", "term", "matched", "start", "end", "tokens", "reason",
]
SCORE_COLUMNS = [
    "doc_id", "para_id", "frame", "hits", "hits_negated", "weight", "n_tokens", "density",
]
PARA_COLUMNS = ["doc_id", "para_id", "dominant_frame", "dominant_weight", "tied_frames",
                "frames_scored"]
OUTLET_COLUMNS = [
    "outlet", "frame", "n_articles", "n_paragraphs", "n_dominant", "dominant_share",
    "dominant_share_lo", "dominant_share_hi", "mean_density", "mean_density_lo",
    "mean_density_hi", "ci_unit", "n_boot",
]

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "frame_hits": [
        DOC_ID,
        PARA_ID,
        ("frame", "string", "frame id of the codebook"),
        ("term", "string", "lexicon term as written in the codebook"),
        ("matched", "string", "the hit as written in the original text: text[start:end]"),
        ("start", "integer", "start offset of the hit in the paragraph's original text "
                             "(characters, 0-based)"),
        ("end", "integer", "end offset (exclusive) of the hit in the paragraph's text"),
        ("weight", "number", "term weight from the codebook (counts 0 when negated)"),
        ("negated", "boolean", "a negator precedes the hit within the negation window of its "
                               "clause; the hit then counts 0"),
        ("negator", "string", "the negator as written, empty when not negated"),
    ],
    "frame_term_splits": [
        DOC_ID,
        PARA_ID,
        ("frame", "string", "frame id of the codebook"),
        ("term", "string", "lexicon term as written in the codebook"),
        ("matched", "string", "the occurrence as written in the original text"),
        ("start", "integer", "start offset in the paragraph's original text (characters)"),
        ("end", "integer", "end offset (exclusive) in the paragraph's original text"),
        ("tokens", "string", "the tokens covering the occurrence, as written, joined by '/'"),
        ("reason", "string", "split: a token boundary cuts the term or a token extends past "
                             "it; overlap: its tokens were taken by an overlapping match. "
                             "Not counted in any score"),
    ],
    "frame_scores": [
        DOC_ID,
        PARA_ID,
        ("frame", "string", "frame id of the codebook"),
        ("hits", "integer", "number of non-negated term hits of the frame in the paragraph"),
        ("hits_negated", "integer", "number of negated hits (not counted in weight)"),
        ("weight", "number", "sum of term weights of the non-negated hits"),
        ("n_tokens", "integer", "word tokens of the paragraph (punctuation not counted)"),
        ("density", "number", "100 * weight / n_tokens: frame weight per 100 word tokens"),
    ],
    "outlet_frames": [
        ("outlet", "string", "outlet name"),
        ("frame", "string", "frame id of the codebook"),
        ("n_articles", "integer", "articles of the outlet with at least one scored paragraph"),
        ("n_paragraphs", "integer", "scored paragraphs of the outlet (sign-offs excluded)"),
        ("n_dominant", "integer", "scored paragraphs whose dominant frame is this frame"),
        ("dominant_share", "number", "n_dominant / n_paragraphs (proportion, 0-1)"),
        ("dominant_share_lo", "number", "2.5th percentile of the bootstrap distribution of "
                                        "dominant_share (exact Clopper-Pearson bound "
                                        "when n_dominant is n_paragraphs)"),
        ("dominant_share_hi", "number", "97.5th percentile of the bootstrap distribution of "
                                        "dominant_share (exact Clopper-Pearson bound "
                                        "when n_dominant is 0)"),
        ("mean_density", "number", "mean over scored paragraphs of density "
                                   "(weight per 100 word tokens)"),
        ("mean_density_lo", "number", "2.5th bootstrap percentile of mean_density"),
        ("mean_density_hi", "number", "97.5th bootstrap percentile of mean_density"),
        ("ci_unit", "string", "what the bootstrap resampled within the outlet: paragraph or "
                              "article"),
        ("n_boot", "integer", "bootstrap replicates"),
    ],
}

PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = [
    ("dominant_frame", "string", "id of the paragraph's dominant frame: among the frames "
                                 "whose weight reaches the codebook threshold, the one with "
                                 "the largest weight when a hit in the lead sentence counts "
                                 "the codebook's lead_factor times (2 in the shipped "
                                 "codebook), strictly above the runner-up; empty otherwise "
                                 "(none, tie or not scored)"),
    ("dominant_weight", "number", "weight of the dominant frame; with none, the largest frame "
                                  "weight (0 if no hit)"),
    ("tied_frames", "string", "frame ids (weight at or above the threshold) tied for the "
                              "largest lead-weighted weight, joined by '|'; empty when there "
                              "is no tie"),
    ("frames_scored", "boolean", "whether the paragraph was frame-scored (false for sign-offs "
                                 "and paragraphs without word tokens)"),
]


# ---------------------------------------------------------------------------------------
# matching


def token_form(token: Token) -> str:
    """Matching form of a token: its analysis text without white space, Latin lower-cased."""
    return _FORMS[token.text]


#: Token texts whose matching form :data:`_FORMS` keeps (emptied when full: about 14 MB).
FORM_CACHE_SIZE = 1 << 17


class _FormCache(dict):
    """Token text → matching form, computed on first sight (a corpus has far fewer distinct
    token texts than tokens). A dict whose misses fill it (``__missing__``), so that a
    paragraph's lookups run through ``map`` in C; at most :data:`FORM_CACHE_SIZE` entries,
    emptied when full (news keeps bringing new texts: a cache kept whole would grow with the
    corpus, one that stopped filling would keep only the corpus's first texts).
    """

    def __missing__(self, text: str) -> str:
        form = "".join(_lower1(ch) for ch in text if not ch.isspace())
        if form == text:
            form = text  # most texts are their own form: one string, not two equal ones
        if len(self) >= FORM_CACHE_SIZE:
            self.clear()
        self[text] = form
        return form


_FORMS = _FormCache()


def is_word(token: Token) -> bool:
    """Whether a token counts as a word (every kind but punctuation)."""
    return token.kind != "punct"


def n_word_tokens(unit: ParagraphUnit) -> int:
    """Number of word (non-punctuation) tokens of a unit: the density denominator."""
    return _n_words(unit.tokens)


def _n_words(tokens: Sequence[Token]) -> int:
    # countOf over map runs in C; a generator over is_word cost a call per token.
    return len(tokens) - operator.countOf(map(_KIND, tokens), "punct")


_TEXT = operator.attrgetter("text")
_KIND = operator.attrgetter("kind")


def is_scored(unit: ParagraphUnit) -> bool:
    """Whether frame scoring applies to a unit (not a sign-off, has a word token)."""
    return unit.analysed and n_word_tokens(unit) > 0


def match_spans(forms: Sequence[str], codebook: Codebook) -> list[tuple[int, int]]:
    """Longest-match scan of token forms against the lexicon.

    Parameters
    ----------
    forms : sequence of str
        Token matching forms, in order.
    codebook : Codebook

    Returns
    -------
    list of (int, int)
        Token index ranges ``[i, j)`` whose concatenated forms equal a term form; left to
        right, longest match first, non-overlapping.
    """
    return _match_spans(forms, codebook.prefixes, codebook.term_index)


def _match_spans(forms: Sequence[str], prefixes: frozenset[str],
                 index: dict[str, list[tuple[str, Term]]]) -> list[tuple[int, int]]:
    """:func:`match_spans` with the codebook's prefix set and term index given."""
    spans: list[tuple[int, int]] = []
    n, done = len(forms), 0
    # Only a token whose form starts some term can start a match; most tokens start none,
    # so the scan visits the few candidates (found without a bytecode loop) instead of
    # every token.
    for i in itertools.compress(range(n), map(prefixes.__contains__, forms)):
        if i < done:
            continue  # consumed by the previous match
        best, concat = 0, ""
        for j in range(i, n):
            concat += forms[j]
            if concat not in prefixes:
                break
            if concat in index:
                best = j + 1
        if best:
            spans.append((i, best))
            done = best
    return spans


def find_negator(
    i: int,
    tokens: Sequence[Token],
    forms: Sequence[str],
    consumed: Sequence[bool],
    rule: NegationRule,
) -> int | None:
    """Index of the token that negates a hit starting at token ``i``, or ``None``.

    Applies rule 4 of the module docstring: look back over at most ``rule.window`` word
    tokens, skipping punctuation that is not a clause break and stopping at one that is.
    """
    return _find_negator(i, tokens, forms, consumed, _Negation.of(rule))


@dataclass(frozen=True)
class _Negation:
    """A :class:`NegationRule` as sets, prepared once per codebook rather than once per hit."""

    negators: frozenset[str]
    not_next: frozenset[str]
    breaks: frozenset[str]
    window: int

    @classmethod
    def of(cls, rule: NegationRule) -> _Negation:
        return cls(frozenset(rule.negators), frozenset(rule.not_negating_next),
                   frozenset(rule.clause_breaks), rule.window)


def _find_negator(i: int, tokens: Sequence[Token], forms: Sequence[str],
                  consumed: Sequence[bool], neg: _Negation) -> int | None:
    """:func:`find_negator` with the rule prepared (:class:`_Negation`)."""
    negators, not_next, breaks = neg.negators, neg.not_next, neg.breaks
    seen, k = 0, i - 1
    while k >= 0 and seen < neg.window:
        tok = tokens[k]
        if tok.kind == "punct":  # not is_word(tok)
            if not breaks.isdisjoint(tok.text):  # holds a clause-break character
                return None
            k -= 1
            continue
        seen += 1
        if forms[k] in negators and not consumed[k]:
            nxt = k + 1
            while nxt < len(tokens) and tokens[nxt].kind == "punct":
                nxt += 1
            if nxt >= len(tokens) or forms[nxt] not in not_next:
                return k
        k -= 1
    return None


def _squeezed(view: str) -> tuple[str, Sequence[int]]:
    """The view without white space and lower-cased, with each character's original offset."""
    low = view.lower()
    if len(low) == len(view) and "\u03a3" not in view:
        # Every character lowered to exactly one character (str.lower never drops one), so
        # low[i] is _lower1(view[i]): str.lower differs from a per-character lower-casing
        # only for characters that expand (İ) and for the context-dependent capital sigma,
        # which both go the slow way below.
        if _WHITE.search(low) is None:
            # Nothing to drop (the usual paragraph): offsets are positions.
            return low, range(len(low))
        runs = list(_NON_WHITE.finditer(low))
        # The offsets of the kept characters, run by run (built by map, not bytecode).
        where = list(itertools.chain.from_iterable(
            map(range, map(re.Match.start, runs), map(re.Match.end, runs))))
        return "".join(map(re.Match.group, runs)), where
    chars, where = [], []
    for pos, ch in enumerate(view):
        if not ch.isspace():
            chars.append(_lower1(ch))
            where.append(pos)
    return "".join(chars), where


#: One white-space character (the same set as ``str.isspace``).
_WHITE = re.compile(r"\s")
#: A run of characters that are not white space.
_NON_WHITE = re.compile(r"\S+")


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _latin_edge_ok(view: str, start: int, end: int, form: str) -> bool:
    """A Latin term must not sit inside a longer Latin word or number."""
    if form[0].isascii() and form[0].isalnum() and start > 0:
        prev = view[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if form[-1].isascii() and form[-1].isalnum() and end < len(view):
        nxt = view[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True


def term_occurrences(view: str, form: str) -> list[tuple[int, int]]:
    """All ``(start, end)`` offsets of a term form in an analysis view (rule 3).

    White space in the view is ignored, Latin letters compared in lower case, overlapping
    occurrences included; offsets index the view (and so the original text).
    """
    squeezed, where = _squeezed(view)
    return _occurrences_in(view, squeezed, where, form)


def _occurrences_in(view: str, squeezed: str, where: Sequence[int],
                    form: str) -> list[tuple[int, int]]:
    """:func:`term_occurrences` on a view squeezed once by the caller.

    Squeezing a paragraph is the expensive step; the split check looks up every term of the
    codebook in the same paragraph, so it squeezes once and calls this for each term form.
    """
    out: list[tuple[int, int]] = []
    pos = squeezed.find(form)
    while pos >= 0:
        start, end = where[pos], where[pos + len(form) - 1] + 1
        if _latin_edge_ok(view, start, end, form):
            out.append((start, end))
        pos = squeezed.find(form, pos + 1)
    return out


@dataclass
class UnitMatch:
    """Matches of one paragraph unit: hit rows, split rows and per-frame tallies."""

    hits: list[dict] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)
    n_tokens: int = 0


def match_unit(unit: ParagraphUnit, codebook: Codebook) -> UnitMatch:
    """Find a unit's lexicon hits (rules 2 and 4) and unmatched term occurrences (rule 3).

    Parameters
    ----------
    unit : ParagraphUnit
    codebook : Codebook

    Returns
    -------
    UnitMatch
        ``hits``: one dict per (hit, frame) with the ``frame_hits`` columns; ``splits``:
        one dict per (occurrence, frame) with the ``frame_term_splits`` columns; both empty
        for units that are not scored.
    """
    n_tokens = _n_words(unit.tokens)
    if not (unit.analysed and n_tokens > 0):  # is_scored(unit)
        return UnitMatch(n_tokens=n_tokens)
    return _match_scored(unit, _lexicon(codebook), n_tokens)


@dataclass(frozen=True)
class _Lexicon:
    """What matching needs from a codebook, prepared once per codebook (see :func:`_lexicon`).

    Attributes
    ----------
    index : dict of str to list of (str, Term)
        ``codebook.term_index``.
    prefixes : frozenset of str
        ``codebook.prefixes``.
    rank : dict of str to int
        Position of each term form in ``index``: split rows come in this order (term by
        term, as the split check was first written), before they are sorted by offset.
    longest : tuple of re.Pattern
        Together they match, at each position where a term form starts, the first character
        of the longest one, with the rest of the form in a look-ahead group (so that matches
        may overlap): one alternative per first character, ``c(?=(rest1|rest2|...))`` with
        the rests longest first (and optional when ``c`` alone is a term). Each alternative
        begins with a literal, so the engine skips to candidate characters without leaving
        C. The alternatives are shared out, in order, among patterns of at most
        :data:`BRANCHES_PER_PATTERN` each (one per first character, so each position is
        matched by one pattern at most): at a candidate character the engine tries the
        alternatives one after the other, and with hundreds of them that costs more than a
        few more passes over the text.
    heads : dict of str to tuple of str
        For each term form, the term forms that are prefixes of it, itself included: the
        terms that occur where its longest match does.
    latin_edges : frozenset of str
        Term forms that begin or end with an ASCII letter or digit: only these need the
        Latin edge check (:func:`_latin_edge_ok`).
    negation : _Negation
        The negation rule as sets.
    frame_ids : tuple of str
        Frame ids, sorted (the order of ``frame_scores`` rows).
    """

    index: dict[str, list[tuple[str, Term]]]
    prefixes: frozenset[str]
    rank: dict[str, int]
    longest: tuple[re.Pattern[str], ...]
    heads: dict[str, tuple[str, ...]]
    latin_edges: frozenset[str]
    negation: _Negation
    frame_ids: tuple[str, ...]


#: Most alternatives in one pattern of :attr:`_Lexicon.longest` (measured on the shipped
#: codebook, 195 first characters: 4 patterns take half the time of one).
BRANCHES_PER_PATTERN = 50

#: Prepared lexicons by ``id(codebook)``; each entry keeps its codebook alive, so an id is
#: never reused while its entry exists, and the ``is`` check below rules out a stale one.
_LEXICONS: dict[int, tuple[Codebook, _Lexicon]] = {}


def _lexicon(codebook: Codebook) -> _Lexicon:
    """The :class:`_Lexicon` of a codebook, built on first use (a run uses one codebook)."""
    got = _LEXICONS.get(id(codebook))
    if got is not None and got[0] is codebook:
        return got[1]
    index = codebook.term_index
    rests: dict[str, set[str]] = {}  # first character -> the rests of its forms ("" ends)
    for form in index:
        rests.setdefault(form[0], set()).add(form[1:])
    # One alternative per first character (so at most one can match at a position), each
    # with exactly one group: Match.lastindex names the rest that matched, if any.
    alternatives = []
    for c, rest in sorted(rests.items()):
        longer = sorted((r for r in rest if r), key=lambda r: (-len(r), r))
        if not longer:
            alternatives.append(re.escape(c))
            continue
        group = "(" + "|".join(re.escape(r) for r in longer) + ")" + ("?" if "" in rest else "")
        alternatives.append(re.escape(c) + "(?=" + group + ")")
    lex = _Lexicon(
        index=index,
        prefixes=codebook.prefixes,
        rank={form: r for r, form in enumerate(index)},
        longest=tuple(re.compile("|".join(alternatives[i : i + BRANCHES_PER_PATTERN]))
                      for i in range(0, len(alternatives), BRANCHES_PER_PATTERN)),
        heads={form: tuple(h for h in index if form.startswith(h)) for form in index},
        latin_edges=frozenset(f for f in index if _ascii_alnum(f[0]) or _ascii_alnum(f[-1])),
        negation=_Negation.of(codebook.negation),
        frame_ids=tuple(sorted(codebook.frame_ids)),
    )
    if len(_LEXICONS) >= 8:  # bounded: tests build many small codebooks
        _LEXICONS.clear()
    _LEXICONS[id(codebook)] = (codebook, lex)
    return lex


def _match_scored(unit: ParagraphUnit, lex: _Lexicon, n_tokens: int) -> UnitMatch:
    """:func:`match_unit` of a unit known to be scored, with ``n_word_tokens`` given."""
    out = UnitMatch(n_tokens=n_tokens)
    tokens, text = unit.tokens, unit.text
    forms = list(map(_FORMS.__getitem__, map(_TEXT, tokens)))  # map: no bytecode per token
    spans = _match_spans(forms, lex.prefixes, lex.index)
    key = {"doc_id": unit.doc_id, "para_id": unit.para_id}
    hit_spans: set[tuple[int, int]] = set()
    if spans:
        consumed = [False] * len(tokens)
        for i, j in spans:
            consumed[i:j] = [True] * (j - i)
        negators = lex.negation.negators
        # Most paragraphs hold no negator at all, and a hit can only be negated by one
        # before it: the look-back runs only for hits after the first negator token.
        found = negators.intersection(forms)
        first_neg = min(map(forms.index, found)) if found else len(forms)
        hits, doc_id, para_id = out.hits, unit.doc_id, unit.para_id
        for i, j in spans:
            start, end = tokens[i].start, tokens[j - 1].end
            hit_spans.add((start, end))
            neg = (_find_negator(i, tokens, forms, consumed, lex.negation)
                   if first_neg < i else None)
            negator = text[tokens[neg].start:tokens[neg].end] if neg is not None else ""
            matched = text[start:end]
            for fid, term in lex.index["".join(forms[i:j])]:
                hits.append({  # key order: HIT_COLUMNS
                    "doc_id": doc_id, "para_id": para_id, "frame": fid, "term": term.term,
                    "matched": matched, "start": start, "end": end, "weight": term.weight,
                    "negated": neg is not None, "negator": negator,
                })
    out.splits = _split_check(unit, lex, hit_spans, key)
    return out


def _split_rows(
    unit: ParagraphUnit, codebook: Codebook, hit_spans: set[tuple[int, int]], key: dict
) -> list[dict]:
    """Rule 3: the ``frame_term_splits`` rows of a unit, given the spans of its hits."""
    return _split_check(unit, _lexicon(codebook), hit_spans, key)


def _all_occurrences(view: str, squeezed: str, where: Sequence[int], lex: _Lexicon,
                     skip: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
                     ) -> list[tuple[int, int, int, str]]:
    """Every occurrence of every term form in a squeezed view, found in one pass.

    Equals :func:`_occurrences_in` for each form of the lexicon in turn, but instead of
    one substring search per term (hundreds per paragraph), a few regular expressions find
    the longest term at each position where one starts (:attr:`_Lexicon.longest`); every
    other term occurring there is a prefix of it (:attr:`_Lexicon.heads`). So every
    occurrence, overlapping ones included, is found.

    Parameters
    ----------
    view, squeezed, where
        The analysis view and :func:`_squeezed` of it.
    lex : _Lexicon
    skip : set of (int, int)
        Offsets left out (the hits: most occurrences are token matches, so dropping them
        before the sort leaves little to sort).

    Returns
    -------
    list of (int, int, int, str)
        ``(rank, start, end, form)`` sorted by term rank and start: the order of the
        term-by-term search.
    """
    heads, rank, latin = lex.heads, lex.rank, lex.latin_edges
    found = []
    for m in itertools.chain.from_iterable(p.finditer(squeezed) for p in lex.longest):
        p = m.start()
        k = m.lastindex  # the group of the alternative that matched: the rest of the form
        longest = squeezed[p:m.end(k)] if k else m.group()
        start = where[p]
        for form in heads[longest]:
            end = where[p + len(form) - 1] + 1
            if (start, end) in skip:
                continue
            if form in latin and not _latin_edge_ok(view, start, end, form):
                continue
            found.append((rank[form], start, end, form))
    found.sort()
    return found


def _split_check(unit: ParagraphUnit, lex: _Lexicon, hit_spans: set[tuple[int, int]],
                 key: dict) -> list[dict]:
    """:func:`_split_rows` with the prepared lexicon."""
    view = unit.text_analysis
    squeezed, where = _squeezed(view)  # once per paragraph, not once per term
    rows: list[dict] = []
    tokens = unit.tokens
    starts: set[int] = set()
    ends: set[int] = set()
    for _rank, start, end, form in _all_occurrences(view, squeezed, where, lex, hit_spans):
        if any(s <= start and end <= e for s, e in hit_spans):
            continue  # inside a longer match: the longest-match rule, not a split
        if not starts:  # built only for the few paragraphs with a split
            starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
        reason = "overlap" if start in starts and end in ends else "split"
        covering = "/".join(
            unit.text[t.start:t.end] for t in tokens if t.start < end and t.end > start
        )
        matched = unit.text[start:end]
        for fid, term in lex.index[form]:
            rows.append({
                **key, "frame": fid, "term": term.term, "matched": matched,
                "start": start, "end": end, "tokens": covering, "reason": reason,
            })
    return rows


# ---------------------------------------------------------------------------------------
# scores


def _score_rows(unit: ParagraphUnit, match: UnitMatch,
                frame_ids: Sequence[str]) -> list[dict]:
    """The ``frame_scores`` rows of a scored unit, one per frame of ``frame_ids`` (sorted)."""
    counted: dict[str, list[float]] = {fid: [] for fid in frame_ids}
    negated = dict.fromkeys(frame_ids, 0)
    for h in match.hits:  # one pass, in hit order (the order the weights are summed in)
        if h["negated"]:
            negated[h["frame"]] += 1
        else:
            counted[h["frame"]].append(h["weight"])
    doc_id, para_id, n_tokens = unit.doc_id, unit.para_id, match.n_tokens
    rows = []
    for fid in frame_ids:
        weights = counted[fid]
        weight = float(sum(weights))
        rows.append({
            "doc_id": doc_id, "para_id": para_id, "frame": fid,
            "hits": len(weights), "hits_negated": negated[fid],
            "weight": weight, "n_tokens": n_tokens, "density": 100.0 * weight / n_tokens,
        })
    return rows


def sentence_spans(view: str) -> list[tuple[int, int]]:
    """Sentences of a paragraph: ``[start, end)`` offsets, in order, covering the text.

    A sentence ends after a character of :data:`SENTENCE_ENDS` and any closing quotes or
    brackets that follow it; text after the last end mark is a last sentence of its own when
    it holds more than white space (otherwise it joins the previous sentence). A text without
    an end mark is one sentence. Offsets index the analysis view and so the original text.

    Parameters
    ----------
    view : str
        The paragraph's analysis view.

    Returns
    -------
    list of (int, int)
        At least one span (``[(0, 0)]`` for an empty text).
    """
    spans: list[tuple[int, int]] = []
    start, i, n = 0, 0, len(view)
    while i < n:
        if view[i] in SENTENCE_ENDS:
            j = i + 1
            while j < n and view[j] in _CLOSERS:
                j += 1
            spans.append((start, j))
            start = i = j
            continue
        i += 1
    if start < n and view[start:].strip():
        spans.append((start, n))
    elif spans:
        spans[-1] = (spans[-1][0], n)
    return spans or [(0, n)]


#: The end of a first sentence: an end mark and the closing quotes or brackets after it.
_FIRST_END = re.compile("[" + re.escape(SENTENCE_ENDS) + "][" + re.escape(_CLOSERS) + "]*")


def _lead_end(view: str) -> int:
    """End offset of the lead sentence: ``sentence_spans(view)[0][1]`` without the list.

    The first span ends after the first end mark and its closers, unless nothing but white
    space follows (the text then is one sentence, extended to the end); without an end mark
    the whole text is the lead.
    """
    m = _FIRST_END.search(view)
    if m is None or not view[m.end():].strip():
        return len(view)
    return m.end()


def frame_strengths(hits: Iterable[dict], lead_end: int,
                    lead_factor: float) -> dict[str, float]:
    """Per-frame strength of one paragraph for the dominance rule (rule 6).

    Parameters
    ----------
    hits : iterable of dict
        The paragraph's ``frame_hits`` rows (``frame``, ``start``, ``weight``, ``negated``).
    lead_end : int
        End offset of the lead sentence (``sentence_spans(view)[0][1]``).
    lead_factor : float
        Multiplier of a hit that starts before ``lead_end`` (``codebook.lead_factor``); 1
        gives the plain summed weight (the rule up to codebook 1.2.0).

    Returns
    -------
    dict of str to float
        Frame id → summed weight of its counted (non-negated) hits, lead hits multiplied.
    """
    out: dict[str, float] = {}
    for h in hits:
        if h["negated"]:
            continue
        factor = lead_factor if h["start"] < lead_end else 1.0
        out[h["frame"]] = out.get(h["frame"], 0.0) + h["weight"] * factor
    return out


def dominant_frame(weights: dict[str, float], threshold: float,
                   strengths: dict[str, float] | None = None) -> tuple[str, float, str]:
    """Apply the dominant-frame rule (rule 6) to one paragraph's frame weights.

    Parameters
    ----------
    weights : dict of str to float
        Frame id → weight (summed term weights): decides which frames are present
        (weight at least ``threshold``).
    threshold : float
        The codebook's ``dominant_threshold``.
    strengths : dict of str to float, optional
        Frame id → strength (:func:`frame_strengths`) that ranks the present frames; frames
        absent from it have strength 0. Default: the weights themselves.

    Returns
    -------
    (str, float, str)
        ``dominant_frame`` (empty for none or a tie), ``dominant_weight`` (weight of the
        dominant frame; the largest weight when there is none), and ``tied_frames`` (present
        frame ids tied for the largest strength, ``|``-joined, empty when there is no tie).
    """
    if not weights:
        return "", 0.0, ""
    top = float(max(weights.values()))
    # Weights are sums of codebook weights; rounding guards against float noise (0.1 + 0.2).
    present = [f for f, w in weights.items() if w > 0 and _round9(w - threshold) >= 0]
    if not present:
        return "", top, ""
    rank = weights if strengths is None else strengths
    ranks = [rank.get(f, 0.0) for f in present]
    best = max(ranks)
    tied = sorted(f for f, r in zip(present, ranks, strict=True) if _round9(r - best) == 0)
    if len(tied) == 1:
        return tied[0], float(weights[tied[0]]), ""
    return "", top, "|".join(tied)


def _round9(x: float) -> float:
    """``round(x, 9)`` where its sign and whether it is zero can differ from ``x``'s (only
    within 1e-9 of zero), else ``x``. Only those two facts are used (``>= 0``, ``== 0``), and
    ``round`` with digits is slow (it goes through the decimal digits of ``x``).
    """
    return round(x, 9) if -1e-9 < x < 1e-9 else x


def score_article(units: list[ParagraphUnit], codebook: Codebook) -> dict[str, list[dict]]:
    """Score one article's paragraph units against the codebook.

    Parameters
    ----------
    units : list of ParagraphUnit
        The article's units (any order; outputs are sorted).
    codebook : Codebook

    Returns
    -------
    dict of str to list of dict
        ``frame_hits``: one row per (token-matched hit, frame), negated hits included;
        ``frame_term_splits``: one row per (unmatched term occurrence, frame);
        ``frame_scores``: one row per (scored paragraph, frame), zeros kept;
        ``paragraphs``: one row per paragraph with ``doc_id, para_id, dominant_frame,
        dominant_weight, tied_frames, frames_scored``.
        Columns as in :data:`TABLE_SCHEMAS` and :data:`PARAGRAPH_COLUMNS`.
    """
    return _score_article(units, codebook, codebook.lead_factor)


def _score_article(units: list[ParagraphUnit], codebook: Codebook,
                   lead_factor: float) -> dict[str, list[dict]]:
    """:func:`score_article` with the lead-sentence factor of rule 6 given (it overrides
    ``codebook.lead_factor``)."""
    lex = _lexicon(codebook)
    hits: list[dict] = []
    splits: list[dict] = []
    scores: list[dict] = []
    paras: list[dict] = []
    for unit in sorted(units, key=lambda u: (u.doc_id, u.para_id)):
        n_tokens = _n_words(unit.tokens)
        scored = unit.analysed and n_tokens > 0  # is_scored(unit)
        dom, top, tied = "", 0.0, ""
        if scored:  # an unscored unit has no hits and no splits (match_unit)
            match = _match_scored(unit, lex, n_tokens)
            hits.extend(match.hits)
            splits.extend(match.splits)
            rows = _score_rows(unit, match, lex.frame_ids)
            scores.extend(rows)
            dom, top, tied = dominant_frame(
                {r["frame"]: r["weight"] for r in rows}, codebook.dominant_threshold,
                frame_strengths(match.hits, _lead_end(unit.text_analysis), lead_factor),
            )
        paras.append({
            "doc_id": unit.doc_id, "para_id": unit.para_id, "dominant_frame": dom,
            "dominant_weight": top, "tied_frames": tied, "frames_scored": scored,
        })
    order = operator.itemgetter("doc_id", "para_id", "start", "end", "frame")
    hits.sort(key=order)
    splits.sort(key=order)
    return {"frame_hits": hits, "frame_term_splits": splits, "frame_scores": scores,
            "paragraphs": paras}


def score_units(units: Iterable[ParagraphUnit], codebook: Codebook,
                lead_factor: float | None = None) -> dict[str, pd.DataFrame]:
    """Score many articles' units; the tables of :func:`score_article` as DataFrames.

    Parameters
    ----------
    units : iterable of ParagraphUnit
    codebook : Codebook
    lead_factor : float, optional
        Overrides the codebook's ``lead_factor`` (rule 6), a number >= 1. Only for comparing
        rules (``scripts/codebook_holdout.py``): 1 reproduces the rule of codebooks up to
        1.2.0. ``framing analyze`` never overrides it, so its outputs follow the codebook
        whose hash they record. Default: ``codebook.lead_factor``.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``frame_hits``, ``frame_term_splits``, ``frame_scores``, ``paragraphs``; rows as
        in :func:`score_article`, sorted by keys, columns in schema order even when empty.

    Raises
    ------
    ConfigError
        When ``lead_factor`` is given and is not a finite number >= 1 (the codebook's rule).
    """
    if lead_factor is None:
        lead_factor = codebook.lead_factor
    elif not MIN_LEAD_FACTOR <= lead_factor < float("inf"):  # NaN fails too
        raise ConfigError(f"lead_factor must be a number >= {MIN_LEAD_FACTOR:g}, "
                          f"not {lead_factor!r}")
    by_doc: dict[str, list[ParagraphUnit]] = {}
    for u in units:
        by_doc.setdefault(u.doc_id, []).append(u)
    parts: dict[str, list[dict]] = {"frame_hits": [], "frame_term_splits": [],
                                    "frame_scores": [], "paragraphs": []}
    for doc_id in sorted(by_doc):
        for name, rows in _score_article(by_doc[doc_id], codebook, lead_factor).items():
            parts[name].extend(rows)
    cols = {"frame_hits": HIT_COLUMNS, "frame_term_splits": SPLIT_COLUMNS,
            "frame_scores": SCORE_COLUMNS, "paragraphs": PARA_COLUMNS}
    schemas = {**TABLE_SCHEMAS, "paragraphs": [("doc_id", "string", ""),
                                               ("para_id", "integer", ""),
                                               *PARAGRAPH_COLUMNS]}
    out = {}
    for name, rows in parts.items():
        df = pd.DataFrame(rows, columns=cols[name])
        # Typed even when empty, so that filters such as df[~df.negated] behave.
        types = {c: _DTYPES[t] for c, t, _ in schemas[name] if t in _DTYPES}
        out[name] = df.astype(types)
    return out


_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool"}


# ---------------------------------------------------------------------------------------
# the scores in wide form

#: Values of ``frame_scores`` that :func:`frame_matrix` keeps, one column per frame each.
MATRIX_VALUES = ("density", "weight")
_SCORE_KEYS = ["doc_id", "para_id"]


def frame_matrix(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """The ``frame_scores`` table in wide form: what the corpus-wide stages read of it.

    ``frame_scores`` has one row per (scored paragraph, frame): on a large corpus tens of
    millions of rows repeating ``doc_id``, ``para_id`` and the frame name. The corpus-wide
    stages need only each scored paragraph's density and weight per frame, so
    ``framing analyze`` keeps this projection, about a fifth of the memory, and writes the
    long table to its file as the articles are analysed.

    Parameters
    ----------
    frame_scores : pandas.DataFrame
        ``doc_id, para_id, frame`` and ``density``, ``weight`` or both (other columns
        ignored), at most one row per (paragraph, frame).

    Returns
    -------
    pandas.DataFrame
        One row per scored paragraph (a paragraph with at least one row), sorted by
        ``doc_id, para_id``: ``doc_id``, ``para_id``, then ``density:<frame>`` for each
        frame (sorted by frame id), then ``weight:<frame>`` likewise (each when the input
        has that column). A frame the
        paragraph has no row for is NaN (the engine writes a row, zeros included, for every
        frame of every scored paragraph, so there is none in its tables).
    """
    values = [v for v in MATRIX_VALUES if v in frame_scores.columns]
    frames = sorted(frame_scores["frame"].astype(str).unique())
    names = [f"{v}:{f}" for v in values for f in frames]
    n_frames, n = len(frames), len(frame_scores)
    if not n:
        return pd.DataFrame(columns=[*_SCORE_KEYS, *names])
    if n % n_frames == 0:
        # The engine's rows: each paragraph's frames together, in sorted order, keys in
        # order. Checked, then reshaped without a pivot (which costs a group-by per piece).
        grid = {c: frame_scores[c].to_numpy().reshape(-1, n_frames)
                for c in ("frame", *_SCORE_KEYS)}
        regular = ((grid["frame"] == np.array(frames, dtype=object)).all()
                   and all((grid[k] == grid[k][:, :1]).all() for k in _SCORE_KEYS))
        if regular:
            keys = pd.DataFrame({k: grid[k][:, 0] for k in _SCORE_KEYS})
            if _keys_sorted(keys):
                block = np.hstack([frame_scores[v].to_numpy(dtype=float).reshape(-1, n_frames)
                                   for v in values])
                return pd.concat([keys, pd.DataFrame(block, columns=names)], axis=1)
    # (not pivot_table: without dropna it makes a row for every doc_id x para_id pair, and
    # with it drops the paragraphs whose values are all missing)
    wide = (frame_scores.assign(frame=frame_scores["frame"].astype(str))
            .groupby([*_SCORE_KEYS, "frame"], sort=True)[values].first().unstack("frame"))
    wide = wide.reindex(columns=pd.MultiIndex.from_product([values, frames]))
    wide.columns = names
    return wide.sort_index().reset_index()


def _keys_sorted(keys: pd.DataFrame) -> bool:
    """True when the ``doc_id, para_id`` rows are strictly increasing (unique, in order)."""
    if len(keys) < 2:
        return True
    doc = keys["doc_id"].to_numpy()
    para = keys["para_id"].to_numpy()
    same = doc[1:] == doc[:-1]
    return bool(((doc[1:] > doc[:-1]) | (same & (para[1:] > para[:-1]))).all())


def as_frame_matrix(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` in the wide form of :func:`frame_matrix`: the ``frame_scores`` table is
    converted, a table already in that form is returned as it is."""
    if "frame" in scores.columns:
        return frame_matrix(scores)
    return scores


def matrix_frames(matrix: pd.DataFrame) -> list[str]:
    """The frame ids of a :func:`frame_matrix` table, in its column order (sorted)."""
    prefix = f"{MATRIX_VALUES[0]}:"
    return [c[len(prefix):] for c in matrix.columns if c.startswith(prefix)]


def matrix_values(matrix: pd.DataFrame, value: str) -> pd.DataFrame:
    """One value of a :func:`frame_matrix` table (``density`` or ``weight``): one column
    per frame, named by the frame id, on the matrix's index."""
    frames = matrix_frames(matrix)
    out = matrix[[f"{value}:{f}" for f in frames]]
    out.columns = frames
    return out


# ---------------------------------------------------------------------------------------
# outlet profiles


def _stable_int(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)


@one_blas_thread
def bootstrap_means(
    mats: Sequence[np.ndarray],
    groups: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    chunk: int = 250,
) -> list[np.ndarray]:
    """Bootstrap the column means of row-aligned matrices, resampling groups of rows.

    Parameters
    ----------
    mats : sequence of ndarray, each (n_rows, n_cols)
        Statistics per row (e.g. one row per paragraph, one column per frame).
    groups : ndarray of int, (n_rows,)
        Resampling unit of each row, numbered 0..G-1 (rows themselves: ``arange(n_rows)``;
        articles: the article index). Groups are drawn with replacement, G per replicate,
        and the statistic is the pooled mean over all rows of the drawn groups.
    n_boot : int
    rng : numpy.random.Generator

    Returns
    -------
    list of ndarray, each (n_boot, n_cols)
        Replicate means; NaN rows are impossible unless a matrix holds NaN.
    """
    n_groups = int(groups.max()) + 1
    sizes = np.bincount(groups, minlength=n_groups).astype(float)
    sums = []
    for m in mats:
        s = np.zeros((n_groups, m.shape[1]))
        np.add.at(s, groups, m)
        sums.append(s)
    out: list[list[np.ndarray]] = [[] for _ in mats]
    probs = np.full(n_groups, 1.0 / n_groups)
    chunk = rows_per_chunk(n_groups, chunk)  # bounded memory on large groups
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        counts = rng.multinomial(n_groups, probs, size=size).astype(float)
        total = counts @ sizes
        for k, s in enumerate(sums):
            out[k].append((counts @ s) / total[:, None])
        done += size
    return [np.vstack(parts) for parts in out]


def _interval(boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    return lo, hi


def _widen_collapsed(
    counts: np.ndarray, n: int, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Replace a share's bootstrap bound that collapsed at 0 or 1 by the exact bound.

    When a frame dominates in none (all) of an outlet's n paragraphs, every replicate gives
    0 (1) and the percentile interval is a point. The exact (Clopper-Pearson) 95% bound for
    0 of n, ``1 - 0.025 ** (1 / n)``, is used instead (and symmetrically for n of n).
    """
    bound = 1.0 - 0.025 ** (1.0 / n)
    hi = np.where(counts == 0, np.maximum(hi, bound), hi)
    lo = np.where(counts == n, np.minimum(lo, 1.0 - bound), lo)
    return lo, hi


@one_blas_thread
def outlet_frames(
    paragraphs: pd.DataFrame,
    frame_scores: pd.DataFrame,
    n_boot: int = N_BOOT,
    seed: int = SEED,
    resample: str = "paragraph",
    jobs: int = 1,
) -> pd.DataFrame:
    """Outlet × frame profile: dominant-frame share and mean density with bootstrap intervals.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        One row per paragraph with ``doc_id``, ``para_id``, ``dominant_frame`` (other
        columns ignored).
    frame_scores : pandas.DataFrame
        The ``frame_scores`` table, or its wide form (:func:`frame_matrix`), with an
        ``outlet`` column added. Its paragraphs are the scored ones: sign-offs never enter
        the denominators.
    n_boot : int
        Bootstrap replicates (percentile intervals).
    seed : int
        Seed; each outlet draws from its own stream (seeded by ``seed`` and the outlet
        name), so adding an outlet does not change another outlet's intervals.
    resample : {"paragraph", "article"}
        Resampling unit within an outlet (see module docstring, rule 7). With ``article``,
        outlets with fewer than two articles get no interval (NaN).
    jobs : int
        Threads the outlets are shared among; the table is the same for any number.

    Returns
    -------
    pandas.DataFrame
        One row per (outlet, frame), sorted, columns as ``TABLE_SCHEMAS["outlet_frames"]``.
    """
    if resample not in ("paragraph", "article"):
        raise ConfigError(f"resample must be 'paragraph' or 'article', not {resample!r}")
    if n_boot < 1:
        raise ConfigError(f"n_boot must be at least 1, not {n_boot}")
    long = "frame" in frame_scores.columns
    score_cols = ["outlet", *_SCORE_KEYS, *(["frame", "density"] if long else [])]
    for name, df, cols in (("paragraphs", paragraphs, ["doc_id", "para_id", "dominant_frame"]),
                           ("frame_scores", frame_scores, score_cols)):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ConfigError(f"outlet_frames: table {name} lacks columns {missing}")
    matrix = frame_scores
    if long:
        outlet_of = frame_scores.drop_duplicates(_SCORE_KEYS)[[*_SCORE_KEYS, "outlet"]]
        matrix = frame_matrix(frame_scores).merge(outlet_of, on=_SCORE_KEYS, how="left")
    matrix = matrix[matrix["outlet"].notna()]  # (a pivot by outlet leaves these out)
    frames = matrix_frames(matrix)
    wide = matrix_values(matrix, "density")
    wide.index = pd.MultiIndex.from_frame(matrix[["outlet", *_SCORE_KEYS]])
    wide = wide.fillna(0.0).sort_index()
    dom = paragraphs.set_index(["doc_id", "para_id"])["dominant_frame"].fillna("").astype(str)
    if not dom.index.is_unique:
        raise ConfigError("outlet_frames: table paragraphs has several rows for one "
                          "(doc_id, para_id)")
    pandas_lock = threading.Lock()

    def one_outlet(outlet: str) -> list[dict]:
        rows = []
        # (pandas builds some index structures when first used: one thread at a time)
        with pandas_lock:
            part = wide.xs(outlet, level="outlet")
            keys = part.index
            # each scored paragraph's dominant frame ("" when it has none), looked up by
            # index alignment: no Python tuple per paragraph
            dom_vals = dom.reindex(keys).fillna("").to_numpy(dtype=object)
            xmat = part.to_numpy(dtype=float)
            docs = part.index.get_level_values("doc_id")
            doc_codes = pd.factorize(docs, sort=True)[0]
            del part
        dmat = np.stack([(dom_vals == f).astype(float) for f in frames], axis=1)
        groups = np.arange(len(keys)) if resample == "paragraph" else doc_codes
        n_groups = int(groups.max()) + 1
        if n_groups >= 2:
            rng = np.random.default_rng([seed, _stable_int(outlet)])
            bd, bx = bootstrap_means([dmat, xmat], groups, n_boot, rng)
            (dlo, dhi), (xlo, xhi) = _interval(bd), _interval(bx)
            dlo, dhi = _widen_collapsed(dmat.sum(axis=0), len(keys), dlo, dhi)
        else:
            dlo = dhi = xlo = xhi = np.full(len(frames), np.nan)
        for j, f in enumerate(frames):
            rows.append({
                "outlet": outlet, "frame": f, "n_articles": int(doc_codes.max()) + 1,
                "n_paragraphs": len(keys), "n_dominant": int(dmat[:, j].sum()),
                "dominant_share": float(dmat[:, j].mean()),
                "dominant_share_lo": float(dlo[j]), "dominant_share_hi": float(dhi[j]),
                "mean_density": float(xmat[:, j].mean()),
                "mean_density_lo": float(xlo[j]), "mean_density_hi": float(xhi[j]),
                "ci_unit": resample, "n_boot": n_boot,
            })
        return rows

    # Each outlet draws from its own stream, so the outlets can share the local cores: in
    # threads, which hold no copy of the tables (forked processes would, on a large corpus
    # at the run's largest moment), and run together because NumPy's draws and matrix
    # products release the GIL. (One BLAS thread: outlet_frames is decorated.)
    outlets = sorted(wide.index.get_level_values("outlet").unique())
    if jobs > 1 and len(outlets) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(jobs, len(outlets))) as pool:
            parts = list(pool.map(one_outlet, outlets))
    else:
        parts = [one_outlet(outlet) for outlet in outlets]
    rows = [row for part in parts for row in part]
    return pd.DataFrame(rows, columns=OUTLET_COLUMNS)


def summarize(
    outlet_table: pd.DataFrame,
    focus: Sequence[str] = ("strategic_anxiety", "talent_war_drama"),
    top: int = 3,
) -> str:
    """A short text summary of ``outlet_frames`` for the terminal.

    Parameters
    ----------
    outlet_table : pandas.DataFrame
        Output of :func:`outlet_frames`.
    focus : sequence of str
        Frames compared across outlets line by line (skipped when absent).
    top : int
        Frames listed per outlet, by dominant share.

    Returns
    -------
    str
    """
    if outlet_table.empty:
        return "frames: no scored paragraphs\n"
    lines = []
    unit = str(outlet_table["ci_unit"].iloc[0])
    lines.append(f"frames: share of paragraphs in which a frame dominates "
                 f"[bootstrap 95% interval, resampling {unit}s]")
    for outlet, part in outlet_table.groupby("outlet", sort=True):
        first = part.iloc[0]
        best = part.sort_values(["dominant_share", "frame"], ascending=[False, True]).head(top)
        shown = ", ".join(_fmt_share(r) for _, r in best.iterrows())
        lines.append(f"  {outlet} ({first.n_articles} article(s), {first.n_paragraphs} "
                     f"paragraphs): {shown}")
    for f in focus:
        part = outlet_table[outlet_table["frame"] == f].sort_values("outlet")
        if part.empty:
            continue
        for col, label, fmt in (("dominant_share", "dominant share", "{:.0%}"),
                                ("mean_density", "mean density", "{:.2f}")):
            shown = ", ".join(f"{r.outlet} {_fmt_ci(r, col, fmt)}"
                              for _, r in part.iterrows())
            lines.append(f"  {f}, {label}: {shown}; largest: {_leader(part, col)}")
    if unit == "paragraph":
        lines.append("  note: paragraphs of one article are not independent; intervals "
                     "describe these texts, not the outlet's coverage in general")
    return "\n".join(lines) + "\n"


def _fmt_share(row: pd.Series, name: bool = True) -> str:
    label = f"{row.frame} " if name else ""
    return label + _fmt_ci(row, "dominant_share", "{:.0%}")


def _fmt_ci(row: pd.Series, col: str, fmt: str) -> str:
    lo, hi = row[f"{col}_lo"], row[f"{col}_hi"]
    ci = f" [{fmt.format(lo)}–{fmt.format(hi)}]" if pd.notna(lo) else " [no interval]"
    return fmt.format(row[col]) + ci


def _leader(part: pd.DataFrame, col: str) -> str:
    """The outlet with the largest value, flagged when its interval overlaps another's."""
    leader = part.sort_values([col, "outlet"], ascending=[False, True]).iloc[0]
    if len(part) < 2:
        return str(leader.outlet)
    others = part[part["outlet"] != leader.outlet]
    unclear = part[f"{col}_lo"].isna().any() or bool(
        (others[f"{col}_hi"] >= leader[f"{col}_lo"]).any())
    return str(leader.outlet) + (" (intervals overlap: not a clear difference)" if unclear
                                 else " (intervals do not overlap)")


# ---------------------------------------------------------------------------------------
# lexicon audit


@dataclass
class TermStats:
    """Per-term hit counts over a corpus and the warnings a lexicon audit raises.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (frame, term) of the codebook, sorted: ``frame, term, weight, hits``
        (non-negated token hits), ``hits_negated``, ``splits`` (unmatched occurrences, not
        counted), ``n_paragraphs`` and ``n_articles`` (with a counted hit),
        ``frame_hit_share`` (the term's share of the frame's counted hits; NaN when the
        frame has none), ``never_hit`` (no token match at all, negated or not) and
        ``dominates_frame`` (share above
        :data:`DOMINANT_TERM_SHARE`).
    warnings : list of str
        Human-readable warnings.
    """

    table: pd.DataFrame
    warnings: list[str]


def term_stats(units: Iterable[ParagraphUnit], codebook: Codebook) -> TermStats:
    """Audit a lexicon over a corpus: per-term hits, terms that never hit, dominating terms.

    Parameters
    ----------
    units : iterable of ParagraphUnit
    codebook : Codebook

    Returns
    -------
    TermStats
    """
    tables = score_units(units, codebook)
    hits, splits = tables["frame_hits"], tables["frame_term_splits"]
    lex = codebook.to_frame()[["frame", "term", "weight"]]
    counted = hits[~hits["negated"].astype(bool)]
    agg = counted.groupby(["frame", "term"]).agg(
        hits=("doc_id", "size"), n_articles=("doc_id", "nunique")
    )
    agg["n_paragraphs"] = (
        counted.drop_duplicates(["frame", "term", "doc_id", "para_id"])
        .groupby(["frame", "term"]).size()
    )
    agg = agg.reset_index()
    neg = hits[hits["negated"].astype(bool)].groupby(["frame", "term"]).size()
    spl = splits.groupby(["frame", "term"]).size()
    table = lex.merge(agg, on=["frame", "term"], how="left")
    table["hits_negated"] = [int(neg.get((f, t), 0)) for f, t in zip(table.frame, table.term,
                                                                        strict=True)]
    table["splits"] = [int(spl.get((f, t), 0)) for f, t in zip(table.frame, table.term,
                                                                strict=True)]
    for col in ("hits", "n_paragraphs", "n_articles"):
        table[col] = table[col].fillna(0).astype(int)
    totals = table.groupby("frame")["hits"].transform("sum")
    table["frame_hit_share"] = (table["hits"] / totals.where(totals > 0)).astype(float)
    table["never_hit"] = (table["hits"] + table["hits_negated"]) == 0
    table["dominates_frame"] = table["frame_hit_share"] > DOMINANT_TERM_SHARE
    table = table[["frame", "term", "weight", "hits", "hits_negated", "splits",
                   "n_paragraphs", "n_articles", "frame_hit_share", "never_hit",
                   "dominates_frame"]].sort_values(["frame", "term"]).reset_index(drop=True)
    return TermStats(table, _stats_warnings(table, codebook))


def _stats_warnings(table: pd.DataFrame, codebook: Codebook) -> list[str]:
    warnings = []
    for fid in sorted(codebook.frame_ids):
        part = table[table["frame"] == fid]
        total = int(part["hits"].sum())
        if total == 0:
            warnings.append(f"{fid}: no term of this frame hit the corpus")
            continue
        never = part[part["never_hit"]]["term"].tolist()
        if never:
            warnings.append(f"{fid}: {len(never)} of {len(part)} terms never matched: "
                            f"{'、'.join(never)}")
        for _, r in part[part["dominates_frame"]].iterrows():
            warnings.append(f"{fid}: term {r.term!r} supplies {r.frame_hit_share:.0%} of the "
                            f"frame's {total} counted hits")
        split = part[part["splits"] > 0]
        for _, r in split.iterrows():
            warnings.append(f"{fid}: term {r.term!r} occurs {r.splits} time(s) where it is "
                            "not a token match (see frame_term_splits); not counted")
    for form, fids in codebook.shared_terms().items():
        warnings.append(f"term form {form!r} is listed in several frames: {', '.join(fids)}")
    return warnings
