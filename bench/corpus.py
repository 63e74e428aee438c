"""Reproducible benchmark corpora of Chinese news-like text that repeats about as little as news.

**Templates.** Sentences come from the two seed commentaries (real Traditional-Chinese news
prose) and from the sentence pools of :mod:`framing.synthetic` (Simplified news sentences
written around the codebook's frames). Each is converted to Simplified and segmented once with
framing's own tokenizer into *units* (tokens; a codebook or lexicon term that jieba cuts in two
is one unit with the tokens it overlaps). Each time a template is used, each unit that has a
class is replaced, with probability ``swap`` (default 0.9), by a word of its class:

- a **term** (codebook frame term, sentiment-lexicon entry, negator, degree adverb, entity
  alias, domain term, or a unit containing some) by a term with the same *signature*: the same
  frames and weights, polarities and weights, modifiers, entity, stopword flag, counted over
  every term inside it. So every stage counts the same hits, entities and weights as with the
  template's own word; only the strings change. Terms of a class are drawn with equal weight.
- a **stopword** of a grammatical class (pronoun, preposition, conjunction, adverb, verb ...)
  by a stopword of jieba's dictionary with the same tag and length; particles (的, 了, 着 ...),
  modal words and interjections stay as written.
- any **other word** whose jieba dictionary tag is a content or numeral class
  (:data:`SLOT_TAGS`) by a word of jieba's dictionary with the same tag and the same length.

Stopwords and other words are drawn by jieba's dictionary frequency (a count over news and
general text), from plain Han words of the CJK basic block that contain no term (so frame
terms, lexicon terms and entity mentions occur at the templates' rates). Word lengths and parts
of speech thus stay those of the templates (news prose), and the vocabulary follows the
dictionary's frequency distribution. Text that jieba's dictionary does not list, Latin words,
digits and punctuation stay as written. The text reads like word salad; its shape (word
lengths, parts of speech, punctuation, sentence and paragraph lengths) is news.

Why: with whole template sentences, the same Han stretches recur from article to article and
framing's caches keyed by a stretch of text (SnowNLP segmentations in
:mod:`framing.snowfast`) serve most of them, flattering ``framing analyze`` against a pipeline
without such caches. With the replacements a Han stretch repeats about as rarely as in real
news (measurements in ``bench/README.md``); ``swap=0`` gives back the old, repetitive text.

**Articles.** A paragraph joins two to five filled templates; company names, speakers and
numbers are varied as well. Half of the outlets publish in Simplified, half in Traditional
script (OpenCC ``s2twp``), so the pipeline's conversion and both dictionaries are exercised;
dates spread over 24 months. Everything is fixed by the seed (given the installed jieba
dictionary, framing's term lists and OpenCC's data): the same arguments give the same bytes.

Every article is labelled synthetic (title prefix ``[合成 bench]``); none of it is news.
"""

from __future__ import annotations

import functools
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

#: Outlets and their scripts (half each).
OUTLETS = {
    "華聲日報": "traditional", "港島財經": "traditional", "台北觀察": "traditional",
    "灣區科技評論": "traditional", "新京科技报": "simplified", "沪上财经": "simplified",
    "深圳创新周刊": "simplified", "中关村观察": "simplified",
}
COMPANIES = ["Meta", "OpenAI", "谷歌", "微軟", "蘋果", "亞馬遜", "Anthropic", "字節跳動",
             "騰訊", "阿里巴巴", "百度", "華為", "英偉達", "xAI", "DeepMind"]
PEOPLE = ["扎克伯格", "奧特曼", "黃仁勳", "馬斯克", "李飛飛", "楊立昆", "蘇茨克維", "王小川"]
#: Share of sentences given a speaker (``…表示，``), and the share of speakers that are
#: people of the entity table (the others are names drawn from jieba's dictionary).
SPEAKER = 0.2
SPEAKER_KNOWN = 0.5
#: Verbs that introduce a speaker (those that are lexicon terms or stopwords are left out).
SPEECH_VERBS = ("表示", "指出", "认为", "强调", "透露", "坦言", "提到", "解释", "介绍", "回应")
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]")

#: jieba dictionary tags whose words (other than terms and stopwords) are replaced. Every
#: other tag (p prepositions, c conjunctions, u* particles, y e o modal words and
#: interjections, x eng ...) stays as written.
SLOT_TAGS = frozenset({
    "n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng",  # nouns, names, places, organisations
    "v", "vn", "vd", "vi",  # verbs
    "a", "ad", "an",  # adjectives
    "d",  # adverbs (negators and degree adverbs are lexicon modifiers: exchanged as terms)
    "t", "s", "b", "z", "f",  # time, place, distinguishing, state words, localisers
    "m", "mq", "q", "r",  # numerals (Han: digits are varied apart), measure words, pronouns
    "i", "l", "j",  # idioms, fixed expressions, abbreviations
})
#: Tags of stopwords that stay as written (particles, modal words, interjections, affixes);
#: other stopwords are exchanged for stopwords of the same tag and length.
FIXED_STOP_TAGS = frozenset({"u", "uj", "ul", "uz", "ud", "ug", "uv", "y", "e", "o", "x", "k",
                             "h", "g", "zg"})
#: Default probability that a slot is replaced (see the module notes and bench/README.md).
SWAP = 0.9
#: Characters SnowNLP's runs are made of (CJK basic block); replacement words use only these.
_HAN_WORD = re.compile("[\u4e00-\u9fa5]+\\Z")
_STOP_ONLY = (("stop",),)
#: A Han run as SnowNLP (and framing.snowfast's cache) cuts text.
_HAN_RUN = re.compile("[\u4e00-\u9fa5]+")
#: Slices of [0, 1) indexed for drawing a word of a class (see Templates.draw).
_BUCKETS = 1024
#: Uniform draws taken from the generator at a time (one per slot).
_BLOCK = 1 << 16


def sentence_pool() -> list[str]:
    """The template sentences (seed sentences, then synthetic ones), as written."""
    pool: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        pool.extend(s.strip() for s in _SENT.findall(path.read_text(encoding="utf-8"))
                    if 8 <= len(s.strip()) <= 160)
    from framing import synthetic

    for sentences in (*synthetic.FRAME_SENTENCES.values(), synthetic.NEUTRAL_SENTENCES):
        pool.extend(sentences)
    if len(pool) < 100:
        raise RuntimeError(f"only {len(pool)} sentences found under {SEEDS}")
    return pool


def term_roles() -> dict[str, tuple[tuple[str, ...], ...]]:
    """What each fixed term is to the stages: analysis form → its roles.

    A role is ``("frame", frame id, weight)`` (codebook), ``("polar", polarity, weight)``
    (sentiment lexicon), ``("negator",)``, ``("degree", weight)``, ``("stop",)`` (stopword) or
    ``("entity", entity)`` (an alias: exchanged only for another alias of the same entity) or
    ``("domain",)`` (a term of framing's domain dictionary).
    """
    from framing.codebook import load_codebook
    from framing.sentiment_lexicon import default_lexicon
    from framing.tokens import default_tokenizer, stopwords

    lexicon = default_lexicon()
    roles: dict[str, list[tuple[str, ...]]] = {}
    for form, pairs in load_codebook(None).term_index.items():
        roles.setdefault(form, []).extend(("frame", f, str(t.weight)) for f, t in pairs)
    for form, entry in lexicon.entries.items():
        roles.setdefault(form, []).append(("polar", entry.polarity, str(entry.weight)))
    for form in lexicon.negators:
        roles.setdefault(form, []).append(("negator",))
    for form, weight in lexicon.degrees.items():
        roles.setdefault(form, []).append(("degree", str(weight)))
    for form in stopwords():
        roles.setdefault(form, []).append(("stop",))
    tokenizer = default_tokenizer()
    for form in tokenizer.words:
        entity = tokenizer.aliases.get(form)
        roles.setdefault(form, []).append(("entity", entity) if entity else ("domain",))
    return {form: tuple(sorted(r)) for form, r in roles.items() if form}


def dictionary() -> list[tuple[str, int, str]]:
    """``(word, frequency, tag)`` of every line of jieba's main dictionary (framing's base)."""
    import jieba

    out = []
    with jieba.get_dict_file() as fh:
        lines = fh.read().decode("utf-8").splitlines()
    for line in lines:
        word, freq, tag = line.split()
        out.append((word, int(freq), tag))
    return out


class Templates:
    """The template sentences cut into fixed text and slots, and the words for the slots.

    Attributes
    ----------
    sentences : list of list of (str, int)
        Per template, its pieces in order: ``(text, slot class)``, the class ``-1`` for fixed
        text.
    classes : list of (list of str, list of int)
        Per slot class, the candidate words and their cumulative weights: dictionary
        frequency for word and stopword classes, 1 each for term classes.
    class_of : dict
        Class index by key: ``("word", tag, length)``, ``("stop", tag, length)`` or
        ``("term", signature)``. Only classes with two candidates or more exist.
    """

    def __init__(self, pool: list[str]) -> None:
        import opencc

        from framing.textview import analysis_view
        from framing.tokens import default_tokenizer

        self.roles = term_roles()
        self._longest = max(map(len, self.roles))
        self._heads = {t[:2] for t in self.roles if len(t) >= 2}
        self._signatures: dict[str, tuple] = {}
        tags: dict[str, str] = {}
        by_class: dict[tuple, list[tuple[str, int]]] = {}
        for word, freq, tag in dictionary():
            if word in tags or freq <= 0 or not _HAN_WORD.match(word):
                continue
            tags[word] = tag
            sig = self.signature(word)
            if not sig and tag in SLOT_TAGS:
                by_class.setdefault(("word", tag, len(word)), []).append((word, freq))
            elif sig == _STOP_ONLY and tag not in FIXED_STOP_TAGS:
                by_class.setdefault(("stop", tag, len(word)), []).append((word, freq))
        for form in sorted(self.roles):  # sorted: sets' order changes from run to run
            sig = self.signature(form)
            if _HAN_WORD.match(form) and sig != _STOP_ONLY:
                by_class.setdefault(("term", sig), []).append((form, 1))
        keys = sorted((k for k, v in by_class.items() if len(v) > 1), key=repr)
        self.class_of = {k: i for i, k in enumerate(keys)}
        self.classes = [([w for w, _ in by_class[k]], list(accumulate(f for _, f in by_class[k])))
                        for k in keys]
        # Per class, the cumulative weights as fractions of the total, and for each of
        # _BUCKETS equal slices of [0, 1) the range of indices a draw in it can land on, so
        # that a draw bisects a few entries rather than up to 100,000 (generation time).
        self._draw_tables = []
        for _words, cum in self.classes:
            frac = [c / cum[-1] for c in cum]
            edges = [bisect_right(frac, b / _BUCKETS) for b in range(_BUCKETS + 1)]
            self._draw_tables.append((frac, edges[:-1], [min(e + 1, len(frac)) for e in edges[1:]]))

        to_simp = opencc.OpenCC("t2s")
        tokenizer = default_tokenizer()
        self.sentences: list[list[tuple[str, int]]] = []
        for raw in pool:
            text = to_simp.convert(raw)
            view = analysis_view(text)
            pieces: list[tuple[str, int]] = []
            pos = 0
            for s, e in _units(tokenizer.tokenize_view(view), self._occurrences(view)):
                unit = view[s:e]
                sig = self.signature(unit)
                key = (("word", tags.get(unit, ""), e - s) if not sig
                       else ("stop", tags.get(unit, ""), e - s) if sig == _STOP_ONLY
                       else ("term", sig))
                cls = self.class_of.get(key, -1)
                if cls < 0 or not _HAN_WORD.match(unit):
                    continue
                pieces.append((text[pos:s], -1))
                pieces.append((text[s:e], cls))
                pos = e
            pieces.append((text[pos:], -1))
            self.sentences.append([p for p in pieces if p[0]])

    def _occurrences(self, text: str) -> list[tuple[int, int]]:
        """Spans of the fixed terms in ``text``: all of it, or two characters or more.

        A stopword counts only as all of ``text``: framing flags stopwords by token, so a
        stopword inside a longer word (有的 in 前所未有的) is no stopword.
        """
        roles, heads, n = self.roles, self._heads, len(text)
        spans = [(0, n)] if text in roles else []
        for i in range(n - 1):
            if text[i:i + 2] in heads:  # most words contain no term: one lookup per character
                spans += [(i, j) for j in range(i + 2, min(n, i + self._longest) + 1)
                          if text[i:j] in roles and (i, j) != (0, n)
                          and roles[text[i:j]] != _STOP_ONLY]
        return spans

    def signature(self, word: str) -> tuple:
        """The roles of the fixed terms found in ``word`` (empty for a plain word).

        Two words with the same signature count the same in every stage (the same frame
        weights, polarities, modifiers, entities, stopword flags), so either can stand for the
        other.
        """
        sig = self._signatures.get(word)
        if sig is None:
            sig = tuple(sorted(r for a, b in self._occurrences(word)
                               for r in self.roles[word[a:b]]))
            self._signatures[word] = sig
        return sig

    def draw(self, cls: int, x: float) -> str:
        """The word of class ``cls`` at quantile ``x`` (in [0, 1)) of its weights."""
        frac, lo, hi = self._draw_tables[cls]
        b = int(x * _BUCKETS)
        return self.classes[cls][0][min(bisect_right(frac, x, lo[b], hi[b]), len(frac) - 1)]

    def fill(self, k: int, uniforms: Iterator[float], swap: float) -> str:
        """Template ``k`` with each slot replaced with probability ``swap``.

        One uniform draw per slot decides both whether it is replaced (below ``swap``) and,
        rescaled, by which word.
        """
        draw = self.draw
        return "".join(
            text if cls < 0 or (x := next(uniforms)) >= swap else draw(cls, x / swap)
            for text, cls in self.sentences[k])

    def slot_share(self) -> float:
        """Share of the templates' Han characters that lie in slots."""
        slot = sum(len(t) for s in self.sentences for t, c in s if c >= 0)
        han = sum(1 for s in self.sentences for t, _ in s for ch in t if _HAN_WORD.match(ch))
        return slot / max(han, 1)


def _units(tokens: list, terms: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the tokens, those that a fixed term overlaps merged with it into one unit.

    A term that jieba cuts in two (人才 / 争夺战) is then exchanged whole or kept whole,
    never half-replaced.
    """
    units: list[list[int]] = []
    for tok in tokens:
        s, e = tok.start, tok.end
        for a, b in terms:
            if a < e and b > s:
                s, e = min(s, a), max(e, b)
        while units and units[-1][1] > s:  # overlaps the previous unit: merge
            s, e = min(s, units[-1][0]), max(e, units.pop()[1])
        units.append([s, e])
    return [(s, e) for s, e in units]


@functools.lru_cache(maxsize=1)
def templates() -> Templates:
    """The templates of :func:`sentence_pool` (built once per process)."""
    return Templates(sentence_pool())


def _uniforms(rng: np.random.Generator) -> Iterator[float]:
    """An endless stream of uniform draws, taken from ``rng`` in blocks (fast, reproducible)."""
    while True:
        yield from rng.random(_BLOCK).tolist()


def articles(n: int, seed: int = 0, paragraphs: tuple[int, int] = (4, 10),
             swap: float = SWAP) -> Iterator[dict[str, str]]:
    """Yield ``n`` import records (``doc_id, outlet, date, title, source, text``).

    Parameters
    ----------
    n : int
        Number of articles.
    seed : int
        Seed of every random draw.
    paragraphs : (int, int)
        Inclusive range of paragraphs per article.
    swap : float
        Probability that a slot of a template is replaced (0 keeps the templates' words: the
        text then repeats far more than news).
    """
    import opencc

    to_simp = opencc.OpenCC("t2s")
    to_trad = opencc.OpenCC("s2twp")
    tpl = templates()
    n_tpl = len(tpl.sentences)
    names = [tpl.class_of[k] for k in (("word", "nr", 2), ("word", "nr", 3))]
    verbs = [v for v in SPEECH_VERBS if v not in tpl.roles]
    rng = np.random.default_rng(seed)
    # Word draws come from their own stream, so the articles' structure (outlets, lengths,
    # templates, names) does not depend on how many slots the templates have.
    uniforms = _uniforms(np.random.default_rng([seed, 1]))
    outlets = sorted(OUTLETS)

    def sentence(k: int) -> str:
        text = tpl.fill(k, uniforms, swap).replace("{co}", COMPANIES[rng.integers(len(COMPANIES))])
        text = re.sub(r"\d+", lambda m: str(int(rng.integers(1, 10 ** min(len(m.group()), 4)))),
                      text)
        if rng.random() < SPEAKER:
            who = (PEOPLE[rng.integers(len(PEOPLE))] if rng.random() < SPEAKER_KNOWN
                   else tpl.draw(names[rng.integers(len(names))], next(uniforms)))
            text = who + verbs[rng.integers(len(verbs))] + "，" + text
        return text

    for i in range(n):
        outlet = outlets[int(rng.integers(len(outlets)))]
        convert = to_simp.convert if OUTLETS[outlet] == "simplified" else to_trad.convert
        paras = []
        for _ in range(int(rng.integers(paragraphs[0], paragraphs[1] + 1))):
            picks = rng.integers(n_tpl, size=int(rng.integers(2, 6)))
            paras.append("".join(sentence(int(k)) for k in picks))
        title = "[合成 bench] " + sentence(int(rng.integers(n_tpl)))[:40]
        year, month = 2024 + (i * 24 // max(n, 1)) // 12, (i * 24 // max(n, 1)) % 12 + 1
        day = int(rng.integers(1, 29))
        yield {
            "doc_id": f"b{seed}-{i:07d}",
            "outlet": outlet,
            "date": f"{year}-{month:02d}-{day:02d}",
            "title": convert(title),
            "source": f"synthetic benchmark (bench/corpus.py, seed={seed}, swap={swap})",
            "text": convert("\n".join(paras)) + "\n",
        }


def repetition(texts: Iterable[str]) -> dict[str, float]:
    """How much Han text repeats: the share of Han-run occurrences seen earlier in ``texts``.

    Runs are maximal stretches of CJK basic-block characters of the analysis view, the pieces
    :mod:`framing.snowfast` segments and caches. ``runs`` counts occurrences, ``chars`` their
    characters: the share of characters is the share of SnowNLP work a cache of runs could
    skip.
    """
    from framing.textview import analysis_view

    seen: set[str] = set()
    n = repeated = chars = repeated_chars = 0
    for text in texts:
        for run in _HAN_RUN.findall(analysis_view(text)):
            n += 1
            chars += len(run)
            if run in seen:
                repeated += 1
                repeated_chars += len(run)
            else:
                seen.add(run)
    return {"runs": n, "repeated_runs": repeated / max(n, 1), "chars": chars,
            "repeated_chars": repeated_chars / max(chars, 1)}


def write_table(path: Path, records: Iterator[dict[str, str]]) -> int:
    """Write records as a JSON Lines import table; returns the number written."""
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
