"""The polarity lexicon and the rules that turn its matches into a score.

framing ships its own lexicon, ``framing-news-polarity`` (``framing/data/sentiment/``), written
by hand by the framing developers for news and released under framing's MIT licence; its
name, version, source and licence are read from ``lexicon.yaml`` and recorded in the outputs.
A researcher may pass another lexicon in the same CSV format (:func:`load_lexicon`).

Matching rules (stated here, tested by hand in ``tests/test_sentiment_lexicon.py``)
------------------------------------------------------------------------------------
1. **Analysis view.** Entries are written once, in any script, and converted to the analysis
   view (:func:`framing.textview.analysis_view`, Simplified) when loaded; they are compared
   with the analysis form of tokens (``Token.text``), so 風險 and 风险 match alike.
2. **Whole tokens, longest match first.** At each token, the longest run of consecutive,
   touching tokens (no white space between them) whose forms concatenate to an entry is
   matched, and matching resumes after it. An entry therefore never matches half a token:
   好 does not match inside 好像.
3. **Compound rule.** A Han token of three or more characters that is not itself an entry
   (jieba and the domain dictionary make compounds such as 技术垄断 or 抗风险) is searched
   for entries of two or more characters inside it, left to right, longest first,
   non-overlapping.
4. **Masks.** Entries of polarity ``neutral`` (weight 0) are fixed expressions that contain a
   polar word but carry no tone (风险投资 *venture capital*, 人工智慧, 独立日). They take part
   in the longest match and are then dropped, so the polar word inside them does not count.
5. **Entities are not words of tone.** Tokens that are entity aliases (``Token.entity``) are
   never matched.
6. **Negation.** Look back from the first token of a match over at most
   :data:`NEGATION_WINDOW` (3) tokens, in the same clause: the look-back stops at a token
   holding a clause break (:data:`CLAUSE_BREAKS`: ，,。；;！？!?：:、… and dashes) and at the
   previous polar match. Punctuation other than clause breaks (quotes, brackets) is skipped
   without being counted. Each negator token found (``modifiers.csv``, kind ``negator``:
   不, 没有, 并非, 未, 毫无, 无法, 缺乏 ... and reversers such as 避免, 降低, 摆脱) counts
   once; an odd count flips the polarity, an even count (double negation: 并非不好) does
   not. A negator directly followed by 只/只是/仅/光/单 ("not only": 不只是) is not a
   negator. Inside a compound token, a negating character right before the match (不 无 未 没 非,
   and 抗 防 避 as in 抗风险 *risk-resistant*) also counts.
7. **Degree.** In the same look-back, the nearest degree adverb (kind ``degree``) multiplies
   the match's weight: 极其 ×2, 很/非常/十分 ×1.5, 更/越来越 ×1.25, 比较 ×0.75,
   稍微/略/有点 ×0.5 (weights in ``modifiers.csv``). Only the nearest one counts. Negation
   and degree are independent, so 很不好 and 不很好 score alike (a known simplification).
8. **Value of a match.** ``value = ±weight × degree``, positive for a positive entry, negative
   for a negative one, sign flipped when negated.
9. **Score.** ``pos`` is the sum of the positive values, ``neg`` the sum of the absolute
   negative values, and ``score = (pos − neg) / (pos + neg)``, in [−1, 1]. A text without
   matches has no score (NaN, reason ``no_lexicon_hits``), because 0 would claim a balance
   that was never observed.

Not handled: contrast (但是 ... weighting the second clause), rhetorical questions, irony,
and the target of the tone (领先 counts as positive whoever leads).
"""

from __future__ import annotations

import csv
import functools
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

from framing.errors import ConfigError
from framing.textview import analysis_view, count_han
from framing.tokens import Token, data_path, file_sha256

#: Polarities an entry can have.
POLARITIES = ("positive", "negative", "neutral")
#: Kinds of modifier in ``modifiers.csv``.
MODIFIER_KINDS = ("negator", "degree")
#: Tokens looked back over for negators and degree adverbs (rules 6 and 7).
NEGATION_WINDOW = 3
#: Characters that end a clause: negation and degree never reach across them.
CLAUSE_BREAKS = frozenset("，,。；;！？!?：:、…—\n")
#: Shortest entry the compound rule looks for inside a token (rule 3).
MIN_COMPOUND_ENTRY = 2
#: Tokens that turn a preceding negator into "not only" (不只是, 并不仅是): rule 6.
NOT_ONLY = frozenset({"只", "只是", "仅", "仅是", "仅仅", "光", "单", "单单", "止"})
#: Negator characters recognised inside a compound token (rule 6).
IN_TOKEN_NEGATORS = frozenset("不无未没非抗防避")

_SUBDIR = "sentiment"
#: Distinct token forms whose compound-rule matches are kept (per lexicon; emptied when
#: full). About 110 bytes a form: this bounds them to about 14 MB.
_FORM_CACHE_SIZE = 1 << 17


@dataclass(frozen=True)
class LexiconEntry:
    """One entry of a polarity lexicon, in analysis form."""

    term: str
    polarity: str
    weight: float
    domain: str


@dataclass(frozen=True)
class Lexicon:
    """A polarity lexicon with its negators, degree adverbs and metadata.

    Attributes
    ----------
    entries : mapping of str to LexiconEntry
        Entries by analysis form.
    negators : frozenset of str
        Negator tokens (analysis form).
    degrees : mapping of str to float
        Degree adverbs and their multipliers.
    info : mapping of str to str
        ``name``, ``version``, ``source``, ``licence`` and the SHA-256 of the files.
    """

    entries: Mapping[str, LexiconEntry]
    negators: frozenset[str]
    degrees: Mapping[str, float]
    info: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def max_len(self) -> int:
        """Length of the longest entry (characters)."""
        return max((len(t) for t in self.entries), default=0)

    @functools.cached_property
    def matcher(self) -> _Matcher:
        """Lookup tables for matching (built on first use, kept with the lexicon)."""
        return _Matcher(self)

    @property
    def label(self) -> str:
        """``name version``, as recorded in ``sentiment_hits.csv``."""
        return f"{self.info.get('name', '')} {self.info.get('version', '')}".strip()

    def counts(self) -> dict[str, int]:
        """Number of entries by polarity, and of negators and degree adverbs."""
        out = {p: 0 for p in POLARITIES}
        for e in self.entries.values():
            out[e.polarity] += 1
        out["negator"] = len(self.negators)
        out["degree"] = len(self.degrees)
        return out


def _float(value: str, path: Path, line: int, what: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise ConfigError(f"{path}:{line}: {what} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise ConfigError(f"{path}:{line}: {what} must be finite, got {value!r}")
    return x


def _rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV with their physical line numbers; checks the header."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(
                    f"{path}:1: missing column(s) {', '.join(missing)}; expected a header "
                    f"with {', '.join(required)}"
                )
            out = []
            for row in reader:
                out.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()
                                              if k is not None}))
            return out
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon file ({exc.strerror})") from None


def read_entries(path: str | os.PathLike[str]) -> dict[str, LexiconEntry]:
    """Read a polarity lexicon CSV (``term, polarity[, weight][, domain]``).

    ``weight`` defaults to 1 (0 for ``neutral``) and must be positive for polar entries.
    Terms are converted to the analysis view; two rows with the same analysis form are an
    error (the message names both lines).

    Raises
    ------
    ConfigError
        On a missing column, an unknown polarity, a bad weight, an empty or duplicate term.
    """
    p = Path(path)
    entries: dict[str, LexiconEntry] = {}
    lines: dict[str, int] = {}
    for line, row in _rows(p, ("term", "polarity")):
        term, pol = analysis_view(row["term"]), row["polarity"]
        if not term.strip():
            raise ConfigError(f"{p}:{line}: empty term")
        if pol not in POLARITIES:
            raise ConfigError(
                f"{p}:{line}: polarity must be one of {', '.join(POLARITIES)}, got {pol!r}"
            )
        default = "0" if pol == "neutral" else "1"
        weight = _float(row.get("weight") or default, p, line, "weight")
        if pol != "neutral" and weight <= 0:
            raise ConfigError(f"{p}:{line}: weight of a polar entry must be > 0, got {weight}")
        if term in entries:
            raise ConfigError(
                f"{p}:{line}: term {row['term']!r} repeats line {lines[term]} "
                "(entries are compared on their Simplified analysis form)"
            )
        entries[term] = LexiconEntry(term, pol, 0.0 if pol == "neutral" else weight,
                                     row.get("domain", ""))
        lines[term] = line
    return entries


def read_modifiers(path: str | os.PathLike[str]) -> tuple[frozenset[str], dict[str, float]]:
    """Read negators and degree adverbs (``term, kind, weight``).

    Returns
    -------
    negators : frozenset of str
    degrees : dict of str to float
        Multiplier of each degree adverb (must be > 0).
    """
    p = Path(path)
    negators: set[str] = set()
    degrees: dict[str, float] = {}
    seen: dict[str, int] = {}
    for line, row in _rows(p, ("term", "kind", "weight")):
        term, kind = analysis_view(row["term"]), row["kind"]
        if not term.strip():
            raise ConfigError(f"{p}:{line}: empty term")
        if kind not in MODIFIER_KINDS:
            raise ConfigError(
                f"{p}:{line}: kind must be one of {', '.join(MODIFIER_KINDS)}, got {kind!r}"
            )
        if term in seen:
            raise ConfigError(f"{p}:{line}: term {row['term']!r} repeats line {seen[term]}")
        seen[term] = line
        if kind == "negator":
            negators.add(term)
        else:
            w = _float(row["weight"], p, line, "weight")
            if w <= 0:
                raise ConfigError(f"{p}:{line}: degree weight must be > 0, got {w}")
            degrees[term] = w
    return frozenset(negators), degrees


def _metadata(path: Path) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as fh:
            meta = yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read lexicon metadata ({exc})") from None
    if not isinstance(meta, dict):
        raise ConfigError(f"{path}: expected a mapping with name, version, source, licence")
    missing = [k for k in ("name", "version", "source", "licence") if not meta.get(k)]
    if missing:
        raise ConfigError(f"{path}: missing metadata field(s): {', '.join(missing)}")
    return {k: " ".join(str(v).split()) for k, v in meta.items() if not isinstance(v, dict)}


def load_lexicon(
    terms_path: str | os.PathLike[str] | None = None,
    modifiers_path: str | os.PathLike[str] | None = None,
    metadata_path: str | os.PathLike[str] | None = None,
) -> Lexicon:
    """Load a polarity lexicon.

    Parameters
    ----------
    terms_path : path, optional
        Entries CSV; defaults to the shipped ``news_polarity.csv``.
    modifiers_path : path, optional
        Negators and degree adverbs; defaults to the shipped ``modifiers.csv``.
    metadata_path : path, optional
        YAML with ``name``, ``version``, ``source``, ``licence``. Defaults to the shipped
        ``lexicon.yaml`` when the shipped entries are used; for a user lexicon without one,
        the name is the file name and the licence is recorded as unknown.

    Returns
    -------
    Lexicon
    """
    shipped = terms_path is None
    tp = Path(terms_path) if terms_path else data_path(f"{_SUBDIR}/news_polarity.csv")
    mp = Path(modifiers_path) if modifiers_path else data_path(f"{_SUBDIR}/modifiers.csv")
    entries = read_entries(tp)
    negators, degrees = read_modifiers(mp)
    if metadata_path is not None or shipped:
        info = _metadata(Path(metadata_path) if metadata_path
                         else data_path(f"{_SUBDIR}/lexicon.yaml"))
    else:
        info = {"name": tp.name, "version": "", "source": f"user-supplied file {tp}",
                "licence": "unknown (user-supplied)"}
    info["terms_sha256"] = file_sha256(tp)
    info["modifiers_sha256"] = file_sha256(mp)
    return Lexicon(entries, negators, degrees, info)


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return load_lexicon()


class LexiconHit(NamedTuple):
    """One polar match in a text.

    ``start``/``end`` index the original text; ``value`` is the signed contribution
    (rule 8 of the module docstring). A named tuple rather than a frozen dataclass: one is
    made per match, and a tuple is made about thirty times faster.
    """

    term: str
    start: int
    end: int
    polarity: str
    weight: float
    negated: bool
    negator: str
    degree: float
    degree_word: str
    value: float


class _Match(NamedTuple):
    # A tuple, not a frozen dataclass: one is made per match, and a tuple is made faster.
    entry: LexiconEntry
    first: int  # index of the first token
    last: int  # index of the last token
    start: int
    end: int
    prefix: str  # analysis text before the match inside its token (compound rule)


class _Matcher:
    """Lookup tables of one lexicon for :func:`_find_matches`, built once per lexicon.

    ``prefixes`` holds every prefix of every entry (the empty one and the entries included):
    once the forms joined so far are not a prefix, no longer run of tokens can be an entry,
    so the longest-match scan stops there instead of joining up to ``max_len`` characters.
    ``compound`` keeps the compound-rule matches (rule 3) of each token form seen that can
    take part in a match (a prefix, or a form with compound matches): they depend on the
    form alone, and news text repeats the same forms again and again. ``idle`` holds the
    forms seen that can do neither; tokens with those forms are passed over without a
    Python step of their own.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.entries = lexicon.entries
        self.max_len = lexicon.max_len
        self.prefixes = frozenset(t[:k] for t in lexicon.entries for k in range(len(t) + 1))
        # Rule 3 only looks for entries of MIN_COMPOUND_ENTRY+ characters with a Han one.
        self.inner = {t: e for t, e in lexicon.entries.items()
                      if len(t) >= MIN_COMPOUND_ENTRY and count_han(t)}
        self.compound: dict[str, tuple[tuple[int, int, LexiconEntry], ...]] = {}
        self.idle: set[str] = set()

    def _compound_hits(self, form: str) -> tuple[tuple[int, int, LexiconEntry], ...]:
        """Rule 3 on one token form: ``(offset, length, entry)``, left to right."""
        if len(form) <= MIN_COMPOUND_ENTRY:
            return ()
        inner, out, k, n = self.inner, [], 0, len(form)
        while k < n:
            for length in range(min(self.max_len, n - k), MIN_COMPOUND_ENTRY - 1, -1):
                entry = inner.get(form[k : k + length])
                if entry is not None:
                    out.append((k, length, entry))
                    k += length
                    break
            else:
                k += 1
        return tuple(out)

    def learn(self, form: str) -> tuple[tuple[int, int, LexiconEntry], ...]:
        """Compound matches of a form not seen before; files it in ``compound`` or ``idle``."""
        if len(self.compound) + len(self.idle) >= _FORM_CACHE_SIZE:
            self.compound.clear()
            self.idle.clear()
        hits = self._compound_hits(form)
        if hits or form in self.prefixes:
            self.compound[form] = hits
        else:
            self.idle.add(form)
        return hits


def _find_matches(tokens: Sequence[Token], lexicon: Lexicon) -> list[_Match]:
    """Rules 2–5: longest whole-token matches, then the compound rule."""
    m = lexicon.matcher
    entries, prefixes = m.entries, m.prefixes
    out: list[_Match] = []
    compound, idle = m.compound, m.idle
    n, resume = len(tokens), 0
    # Tokens with an idle form can neither start a match nor hold one (see _Matcher); a
    # match resumes the scan after its last token, as a scan over every token would.
    for i in [i for i, t in enumerate(tokens) if t.text not in idle]:
        if i < resume:
            continue
        tok = tokens[i]
        form = tok.text
        hits = compound.get(form)
        if hits is None:
            hits = m.learn(form)
        if tok.entity or tok.kind == "punct":
            continue
        if form in prefixes:
            # Extend over touching, non-entity tokens while the joined forms can still
            # grow into an entry; remember the longest one that is an entry.
            best, best_form = (i, form) if form in entries else (-1, "")
            j, end = i + 1, tok.end
            while j < n:
                nxt = tokens[j]
                if nxt.entity or nxt.start != end:
                    break
                form += nxt.text
                if form not in prefixes:
                    break
                if form in entries:
                    best, best_form = j, form
                end = nxt.end
                j += 1
            if best >= 0:
                out.append(_Match(entries[best_form], i, best, tok.start, tokens[best].end, ""))
                resume = best + 1
                continue
            form = tok.text
        if hits and tok.kind == "han":
            out.extend(_Match(entry, i, i, tok.start + k, tok.start + k + length, form[:k])
                       for k, length, entry in hits)
    return [x for x in out if x.entry.polarity != "neutral"]


def _look_back(
    tokens: Sequence[Token], first: int, stop_after: int, lexicon: Lexicon
) -> tuple[list[int], int | None]:
    """Rules 6–7: indices of negator tokens and of the nearest degree token before ``first``.

    The look-back covers at most :data:`NEGATION_WINDOW` counted tokens after index
    ``stop_after`` (the last token of the previous polar match) and stops at a clause break.
    """
    negs: list[int] = []
    degree: int | None = None
    counted, k = 0, first - 1
    while k > stop_after and counted < NEGATION_WINDOW:
        t = tokens[k]
        if t.kind == "punct":
            if not CLAUSE_BREAKS.isdisjoint(t.text):
                break
            k -= 1
            continue
        if t.text in lexicon.negators:
            if not (k + 1 < len(tokens) and tokens[k + 1].text in NOT_ONLY):
                negs.append(k)
        elif degree is None and t.text in lexicon.degrees:
            degree = k
        counted += 1
        k -= 1
    return negs, degree


def match_lexicon(
    tokens: Sequence[Token], text: str, lexicon: Lexicon | None = None
) -> list[LexiconHit]:
    """Find the polar matches of a tokenised text under the module's rules.

    Parameters
    ----------
    tokens : sequence of Token
        Tokens of ``text`` (as made by :class:`framing.tokens.Tokenizer`), in order.
    text : str
        The original text the token offsets index (used to quote negators and degree words).
    lexicon : Lexicon, optional
        Defaults to the shipped lexicon.

    Returns
    -------
    list of LexiconHit
        One per polar match, in text order.
    """
    lex = lexicon or default_lexicon()
    hits: list[LexiconHit] = []
    prev_last = -1
    for m in _find_matches(tokens, lex):
        negs, deg = _look_back(tokens, m.first, prev_last, lex)
        negator_words = [text[tokens[k].start : tokens[k].end] for k in reversed(negs)]
        if m.prefix and m.prefix[-1] in IN_TOKEN_NEGATORS:
            negator_words.append(text[m.start - 1 : m.start])
        negated = len(negator_words) % 2 == 1
        degree = lex.degrees[tokens[deg].text] if deg is not None else 1.0
        degree_word = text[tokens[deg].start : tokens[deg].end] if deg is not None else ""
        sign = 1.0 if m.entry.polarity == "positive" else -1.0
        value = sign * m.entry.weight * degree * (-1.0 if negated else 1.0)
        hits.append(LexiconHit(m.entry.term, m.start, m.end, m.entry.polarity,
                               m.entry.weight, negated, "+".join(negator_words), degree,
                               degree_word, value))
        prev_last = m.last
    return hits


def lexicon_score(hits: Sequence[LexiconHit]) -> tuple[float, float, float]:
    """Rule 9: ``(pos, neg, score)`` of a set of hits; ``score`` is NaN without hits.

    Returns
    -------
    pos, neg : float
        Summed positive values and summed absolute negative values (weights × degree,
        after negation).
    score : float
        ``(pos - neg) / (pos + neg)`` in [-1, 1], or NaN when there is no hit.
    """
    if not hits:  # most sentences: the sums below would give 0.0 and 0.0
        return 0.0, 0.0, math.nan
    pos = float(sum(h.value for h in hits if h.value > 0))
    neg = float(-sum(h.value for h in hits if h.value < 0))
    total = pos + neg
    return pos, neg, ((pos - neg) / total if total > 0 else math.nan)
