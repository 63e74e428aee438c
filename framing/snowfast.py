"""SnowNLP's sentiment score, exactly, at a fraction of the cost.

``snownlp.SnowNLP(text).sentiments`` spends about 96 % of its time in SnowNLP's
character-based segmenter, a second-order hidden Markov model (TnT style) whose Viterbi
search copies every candidate tag path at every character. :class:`FastSnowNLP`
re-implements the same computation with back-pointers, per-character-pair caches and
pruning of impossible states, and loads the very model files SnowNLP itself loads from its
installed package (``seg/seg.marshal.3``, ``sentiment/sentiment.marshal.3``,
``normal/stopwords.txt``). Nothing is read from a corpus or a temporary folder.

What is reproduced, step by step (so that the floats agree bit for bit):

1. **No normalisation.** ``SnowNLP(text).sentiments`` scores ``text`` as given (no
   Traditional-to-Simplified conversion, no case folding); framing feeds it the analysis
   view (:mod:`framing.textview`).
2. **Runs.** The text is split into runs of U+4E00–U+9FA5 and other runs; each run is
   stripped of white space and skipped if empty; Han runs are segmented, other runs are
   split on white space.
3. **Segmenter.** For each character, tags ``b m e s`` (begin, middle, end, single). A
   character the model never saw with any tag adds no log-probability and keeps, for each
   new state, the *last* predecessor SnowNLP's loop visits (tag ``s`` two characters back).
   Otherwise each transition adds ``log(l1·P(c,t) + l2·P(c,t | c',t') + l3·P(c,t | c'',t'',
   c',t'))`` with SnowNLP's exact operation order, and a state keeps the *first*
   predecessor with the strictly largest score, in SnowNLP's visiting order. The final
   state is the first maximum in SnowNLP's state order (tag of the last character, then
   tag of the one before). Tags are joined into words as SnowNLP does (``e`` closes a word,
   ``b`` and ``s`` open one, ``m`` extends one).
4. **Stop words.** Words in SnowNLP's stop-word list are dropped.
5. **Naive Bayes.** For each class in the model's order (``neg``, ``pos``):
   ``log(N_k) − log(N)`` plus ``log(count_k(w) / N_k)`` word by word (add-one counts); the
   posterior of class ``k`` is ``1 / Σ_j exp(s_j − s_k)`` (0 on overflow); the first class
   with the strictly largest posterior wins and the score is its posterior if it is ``pos``,
   else ``1 −`` it.

Pruning is exact: a state whose score is ``-inf`` can never lie on the winning path when a
finite state exists, and the rare Han run in which every state ends at ``-inf`` is re-run
with the unpruned search, which keeps every state and SnowNLP's tie-breaking among them.

The one deliberate difference: ``SnowNLP('')`` raises ``ZeroDivisionError`` (its BM25 index
divides by the text length); :func:`sentiment` raises :class:`framing.errors.FramingError`
instead. White space only is scored, as SnowNLP does (the class prior, 0.5389...).
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import marshal
import math
import re
from collections.abc import Iterable
from pathlib import Path

from framing.errors import FramingError

__all__ = ["FastSnowNLP", "default_model", "sentiment", "snownlp_dir"]

#: Same character class SnowNLP uses to find Han runs (CJK Unified Ideographs, basic block).
_HAN_RUN = re.compile("([\u4e00-\u9fa5]+)")
#: SnowNLP's tag set, in the order its Viterbi loop visits tags.
_TAGS = ("b", "m", "e", "s")
#: Stands for SnowNLP's empty begin-of-sentence "character" in cache keys (never a Han char).
_BOS = "\x00"
_NEG = float("-inf")
#: Distinct Han runs whose segmentation is kept (runs repeat a lot in news text).
_RUN_CACHE_SIZE = 200_000
#: Distinct character pairs whose transition table is kept.
_PAIR_CACHE_SIZE = 200_000


def snownlp_dir() -> Path:
    """Directory of the installed ``snownlp`` package (found without importing it)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise FramingError("the snownlp package is not installed; install framing's dependencies")
    return Path(spec.origin).parent


def _load_model(path: Path) -> dict:
    # SnowNLP's own shipped model file, read exactly as SnowNLP reads it (gzip, else plain
    # marshal). It comes from the installed package, never from user data, so unmarshalling
    # it is as safe as importing snownlp itself.
    raw = path.read_bytes()
    try:
        raw = gzip.decompress(raw)
    except OSError:
        pass
    return marshal.loads(raw)  # noqa: S302


def _div(num: float, den: float) -> float:
    # SnowNLP's CharacterBasedGenerativeModel.div: 0 for a zero denominator.
    if den == 0:
        return 0
    return float(num) / den


def _log(value: float) -> float:
    return math.log(value) if value != 0 else _NEG


def _join_tags(run: str, tags: Iterable[int]) -> list[str]:
    """SnowNLP's rule for turning a tag sequence into words."""
    words: list[str] = []
    cur = ""
    for char, tag in zip(run, tags, strict=True):
        if tag == 2:  # e: close the word
            words.append(cur + char)
            cur = ""
        elif tag == 0 or tag == 3:  # b, s: start a new word
            if cur:
                words.append(cur)
            cur = char
        else:  # m: extend
            cur += char
    if cur:
        words.append(cur)
    return words


class _Segmenter:
    """SnowNLP's character-based generative segmenter with a back-pointer Viterbi."""

    def __init__(self, model: dict) -> None:
        if tuple(model["status"]) != _TAGS:
            raise FramingError(
                f"unexpected SnowNLP segmenter tags {model['status']!r}; expected {_TAGS!r}"
            )
        if any(model[name]["none"] != 0 for name in ("uni", "bi", "tri")):
            # The grouped tables below treat an unseen n-gram as a zero count.
            raise FramingError("unexpected SnowNLP segmenter model: unseen n-gram count is not 0")
        self.l1, self.l2, self.l3 = model["l1"], model["l2"], model["l3"]
        self._uni_d, self._uni_total = model["uni"]["d"], model["uni"]["total"]
        self._bi_d = model["bi"]["d"]
        self._bi_group = self._group(model["bi"]["d"])
        self._tri_group = self._group(model["tri"]["d"])
        self._uni_cache: dict[str, tuple[bool, tuple[float, ...]]] = {}
        self._pair_cache: dict[str, tuple] = {}
        self._tri_cache: dict[str, tuple | None] = {}
        self._run_cache: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ model look-ups
    @staticmethod
    def _group(counts: dict) -> dict[str, list[tuple[int, int]]]:
        """Counts of (char, tag) n-grams grouped by their characters.

        Key: the characters joined, SnowNLP's begin-of-sentence symbol ``('', 'BOS')`` as
        ``_BOS``; value: (tag index, count) with the tags read as base-4 digits (BOS as 0).
        """
        tag_index = {"b": 0, "m": 1, "e": 2, "s": 3, "BOS": 0}
        grouped: dict[str, list[tuple[int, int]]] = {}
        for key, count in counts.items():
            chars, index = "", 0
            for char, tag in key:
                if (char == "") != (tag == "BOS") or len(char) > 1 or tag not in tag_index:
                    # SnowNLP's model only holds single characters and BOS; anything else
                    # would break the character keys used here.
                    raise FramingError(f"unexpected symbol {(char, tag)!r} in SnowNLP's model")
                chars += char or _BOS
                index = index * 4 + tag_index[tag]
            grouped.setdefault(chars, []).append((index, count))
        return grouped

    def _sym(self, char: str, tag: int) -> tuple[str, str]:
        return ("", "BOS") if char == _BOS else (char, _TAGS[tag])

    def _unigram(self, char: str) -> tuple[bool, tuple[float, ...], tuple[int, ...]]:
        """(seen with some tag, l1·P(char, tag) and count for each tag), as SnowNLP has them."""
        hit = self._uni_cache.get(char)
        if hit is None:
            if char == _BOS:
                counts = (self._uni_d.get(("", "BOS"), 0),) * 4
            else:
                counts = tuple(self._uni_d.get((char, t), 0) for t in _TAGS)
            freqs = [float(c) / self._uni_total for c in counts]
            found = any(f != 0 for f in freqs)
            hit = (found, tuple(self.l1 * f for f in freqs), counts)
            self._uni_cache[char] = hit
        return hit

    def _pair(self, c1: str, c2: str) -> tuple:
        """(uni + bi terms, their logs, finite columns) for (tag of c1, tag of c2).

        Terms and logs are indexed t1*4+t2; the columns list, for each t1, the t2 whose
        log is finite as (t2, index, log).
        """
        key = c1 + c2
        hit = self._pair_cache.get(key)
        if hit is not None:
            return hit
        uni_terms = self._unigram(c2)[1]
        dens = self._unigram(c1)[2]
        # An unseen bigram adds 0.0, which leaves the unigram term's float unchanged.
        sums = list(uni_terms) * 4
        for index, count in self._bi_group.get(key, ()):
            if c1 == _BOS:
                index %= 4
                for t1 in range(4):  # one begin-of-sentence "tag", repeated in every slot
                    sums[t1 * 4 + index] = uni_terms[index] + _div(self.l2 * count, dens[0])
            else:
                sums[index] = uni_terms[index % 4] + _div(self.l2 * count, dens[index // 4])
        log = math.log
        logs = tuple([log(v) if v != 0 else _NEG for v in sums])
        # Per previous tag a: the (tag b, index, log) with a finite log, b increasing.
        cols = []
        for k0 in (0, 4, 8, 12):
            cols.append(tuple([(k - k0, k, logs[k]) for k in range(k0, k0 + 4)
                               if logs[k] != _NEG]))
        hit = (tuple(sums), logs, tuple(cols))
        if len(self._pair_cache) >= _PAIR_CACHE_SIZE:
            self._pair_cache.clear()
        self._pair_cache[key] = hit
        return hit

    def _triple(self, c0: str, c1: str, c2: str) -> tuple | None:
        """None if no trigram of these characters was seen, else (overrides, columns).

        ``overrides[t0*16+t1*4+t2]`` is log(uni + bi + tri) where the trigram term is not
        zero (elsewhere the pair log applies); the columns are the pair's, widened by any
        tag pair that only the trigram term makes possible.
        """
        key = c0 + c1 + c2
        try:
            return self._tri_cache[key]
        except KeyError:
            pass
        entries = self._tri_group.get(key)
        hit = None
        if entries:
            sums, logs16, cols = self._pair(c1, c2)
            over: dict[int, float] = {}
            for index, count in entries:
                t0, t1, t2 = index // 16, index // 4 % 4, index % 4
                den = self._bi_d.get((self._sym(c0, t0), self._sym(c1, t1)), 0)
                tri = _div(self.l3 * count, den)
                if tri != 0:  # a zero term leaves SnowNLP's sum, hence its log, unchanged
                    over[index] = _log(sums[t1 * 4 + t2] + tri)
            if c0 == _BOS:  # one begin-of-sentence "tag", repeated in every slot
                over.update({z * 16 + k: v for k, v in list(over.items()) for z in (1, 2, 3)})
            if any(logs16[k % 16] == _NEG for k in over):
                cols = tuple(
                    tuple((b, a * 4 + b, logs16[a * 4 + b]) for b in range(4)
                          if logs16[a * 4 + b] != _NEG
                          or any(z * 16 + a * 4 + b in over for z in range(4)))
                    for a in range(4)
                )
            hit = (over, cols, frozenset(k % 16 for k in over)) if over else None
        if len(self._tri_cache) >= _PAIR_CACHE_SIZE:
            self._tri_cache.clear()
        self._tri_cache[key] = hit
        return hit

    # ------------------------------------------------------------------ Viterbi
    def _tables(self, run: str, i: int) -> tuple:
        """(character seen, pair tables, trigram tables or None) for position ``i``."""
        char = run[i]
        if not self._unigram(char)[0]:
            return False, None, None
        c1 = run[i - 1] if i >= 1 else _BOS
        c0 = run[i - 2] if i >= 2 else _BOS
        return True, self._pair(c1, char), self._triple(c0, c1, char)

    def tag_pruned(self, run: str) -> list[int] | None:
        """Best tag indices for a Han run, keeping only finite-score states.

        Returns None when every state ends at ``-inf``; :meth:`tag_full` decides then.
        """
        # groups[a]: finite states (z, a) as (z, score), z increasing = SnowNLP's visit order.
        groups: list[list[tuple[int, float]]] = [[], [], [], []]
        found, pair, tri = self._tables(run, 0)
        for b in range(4):
            lp = (pair[1][b] if tri is None else tri[0].get(b, pair[1][b])) if found else 0.0
            if lp != _NEG:
                groups[b].append((0, 0.0 + lp))
        back: list[list[int]] = [[]]  # no back-pointers at position 0
        unigram, pair_of, triple_of = self._unigram, self._pair, self._triple
        pair_cache, neg = self._pair_cache, _NEG
        c0, c1 = _BOS, run[0]
        for i in range(1, len(run)):
            char = run[i]
            new: list[list[tuple[int, float]]] = [[], [], [], []]
            bp = [0] * 16
            if not unigram(char)[0]:
                # SnowNLP overwrites, so the last predecessor visited wins: tag s (or BOS).
                last = 3 if i >= 2 else 0
                for a in range(4):
                    for z, x in groups[a]:
                        if z == last:
                            for b in range(4):
                                new[b].append((a, x))
                                bp[a * 4 + b] = last
            else:
                cols = (pair_cache.get(c1 + char) or pair_of(c1, char))[2]
                tri = triple_of(c0, c1, char)
                over = None
                if tri is not None:
                    over, cols, over_keys = tri
                for a in range(4):
                    preds = groups[a]
                    if not preds:
                        continue
                    for b, k, lp in cols[a]:
                        best, bz = neg, -1
                        if over is None or k not in over_keys:
                            for z, x in preds:
                                p = x + lp
                                if p > best:  # first strict maximum, as SnowNLP keeps
                                    best, bz = p, z
                        else:  # trigram terms differ by predecessor
                            for z, x in preds:
                                p = x + over.get(z * 16 + k, lp)
                                if p > best:
                                    best, bz = p, z
                        if bz >= 0:
                            new[b].append((a, best))
                            bp[k] = bz
            groups = new
            back.append(bp)
            c0, c1 = c1, char
        return self._backtrack(run, groups, back)

    @staticmethod
    def _backtrack(run: str, groups: list[list[tuple[int, float]]], back: list[list[int]]):
        """Tags of the best final state, or None when every state scores -inf.

        The final state is the first strict maximum in SnowNLP's state order (last tag
        outer, previous tag inner); the tags are then read back through ``back``.
        """
        best = _NEG
        state = None
        for b in range(4):  # SnowNLP's state order: last tag, then the tag before it
            for a, x in groups[b]:
                if state is None or x > best:
                    best, state = x, (a, b)
        if state is None or best == _NEG:
            return None
        a, b = state
        n = len(run)
        tags = [0] * n
        tags[n - 1] = b
        if n >= 2:
            tags[n - 2] = a
        for i in range(n - 1, 1, -1):
            z = back[i][a * 4 + b]
            tags[i - 2] = z
            a, b = z, a
        return tags

    def tag_full(self, run: str) -> list[int]:
        """Best tag indices for a Han run, keeping all 16 states as SnowNLP does."""
        # score[z*4+a] for state (tag two back z, previous tag a); at i = 0 only z = 0 (BOS).
        found, pair, tri = self._tables(run, 0)
        score = [_NEG] * 16
        for b in range(4):
            lp = (pair[1][b] if tri is None else tri[0].get(b, pair[1][b])) if found else 0.0
            score[b] = 0.0 + lp
        back: list[list[int]] = [[]]  # no back-pointers at position 0
        for i in range(1, len(run)):
            found, pair, tri = self._tables(run, i)
            logs = ()
            if found:
                over = tri[0] if tri is not None else {}
                logs = [over.get(k, pair[1][k % 16]) for k in range(64)]
            zs = (0,) if i == 1 else (0, 1, 2, 3)
            new = [_NEG] * 16
            bp = [0] * 16
            for a in range(4):
                for b in range(4):
                    k = a * 4 + b
                    if not found:
                        bz = zs[-1]
                        best = score[bz * 4 + a]
                    else:
                        bz = -1
                        for z in zs:
                            p = score[z * 4 + a] + logs[z * 16 + k]
                            if bz < 0 or p > best:
                                best, bz = p, z
                    new[k] = best
                    bp[k] = bz
            score = new
            back.append(bp)
        # State order as SnowNLP lists them: last tag outer, previous tag inner.
        groups = [[(a, score[a * 4 + b]) for a in ((0,) if len(run) == 1 else range(4))]
                  for b in range(4)]
        tags = self._backtrack(run, groups, back)
        if tags is None:  # every state is -inf: SnowNLP still takes the first one listed
            first = groups[0][0][0]
            tags = self._backtrack(run, [[(first, 0.0)], [], [], []], back)
        return tags

    def segment_run(self, run: str) -> tuple[str, ...]:
        """SnowNLP's words for one run of U+4E00–U+9FA5 characters (cached)."""
        hit = self._run_cache.get(run)
        if hit is None:
            tags = self.tag_pruned(run)
            if tags is None:
                tags = self.tag_full(run)
            hit = tuple(_join_tags(run, tags))
            if len(self._run_cache) >= _RUN_CACHE_SIZE:
                self._run_cache.clear()
            self._run_cache[run] = hit
        return hit


class _Bayes:
    """SnowNLP's two-class naive Bayes with add-one counts, with log terms precomputed."""

    def __init__(self, model: dict) -> None:
        total = model["total"]
        self.classes: tuple[str, ...] = tuple(model["d"])  # model order: SnowNLP's loop order
        self._prior: list[float] = []
        self._logp: list[dict[str, float]] = []
        self._log_none: list[float] = []
        for name in self.classes:
            counts = model["d"][name]
            n_k = counts["total"]
            # The same expressions SnowNLP evaluates, so every term is the same float.
            self._prior.append(math.log(n_k) - math.log(total))
            self._logp.append({w: math.log(float(c) / n_k) for w, c in counts["d"].items()})
            self._log_none.append(math.log(float(counts["none"]) / n_k))

    def positive(self, words: list[str]) -> float:
        """P(pos | words) exactly as ``snownlp.sentiment.Sentiment.classify`` returns it."""
        scores = []
        for prior, logp, none in zip(self._prior, self._logp, self._log_none, strict=True):
            s = prior
            for w in words:
                s += logp.get(w, none)
            scores.append(s)
        label, prob = 0, 0
        for s_k, name in zip(scores, self.classes, strict=True):
            now = 0
            try:
                for s_j in scores:
                    now += math.exp(s_j - s_k)
                now = 1 / now
            except OverflowError:
                now = 0
            if now > prob:
                label, prob = name, now
        return prob if label == "pos" else 1 - prob


class FastSnowNLP:
    """SnowNLP's sentiment model, computed exactly and fast.

    Parameters
    ----------
    package_dir : path, optional
        The installed ``snownlp`` package directory (default: found with importlib). Its
        ``seg/seg.marshal.3``, ``sentiment/sentiment.marshal.3`` and
        ``normal/stopwords.txt`` are loaded, as SnowNLP loads them.

    Notes
    -----
    Loading takes about two seconds (the segmenter's trigram table is indexed once); use
    :func:`default_model` for the process-wide instance.
    """

    def __init__(self, package_dir: str | Path | None = None) -> None:
        root = Path(package_dir) if package_dir is not None else snownlp_dir()
        self.package_dir = root
        self._seg = _Segmenter(_load_model(root / "seg" / "seg.marshal.3"))
        self._bayes = _Bayes(_load_model(root / "sentiment" / "sentiment.marshal.3"))
        text = (root / "normal" / "stopwords.txt").read_text(encoding="utf-8")
        # SnowNLP strips each line of its stop-word file; an empty line adds "".
        self._stop = frozenset(line.strip() for line in text.splitlines(keepends=True))

    def words(self, text: str) -> list[str]:
        """SnowNLP's segmentation of ``text`` (``SnowNLP(text).words``)."""
        out: list[str] = []
        for piece in _HAN_RUN.split(text):
            piece = piece.strip()
            if not piece:
                continue
            if _HAN_RUN.match(piece):
                out.extend(self._seg.segment_run(piece))
            else:
                out.extend(w for w in piece.split() if w.strip())
        return out

    def sentiment_words(self, words: list[str]) -> float:
        """SnowNLP's score of an already segmented text (stop words are removed here)."""
        stop = self._stop
        return float(self._bayes.positive([w for w in words if w not in stop]))

    def sentiment(self, text: str) -> float:
        """``SnowNLP(text).sentiments``, the probability that ``text`` is positive.

        Raises
        ------
        FramingError
            If ``text`` is empty (SnowNLP itself raises ``ZeroDivisionError`` there).
        """
        if not text:
            raise FramingError(
                "SnowNLP cannot score an empty text (it divides by zero); gate it first"
            )
        return self.sentiment_words(self.words(text))


@functools.lru_cache(maxsize=1)
def default_model() -> FastSnowNLP:
    """The process-wide :class:`FastSnowNLP` (loaded on first use)."""
    return FastSnowNLP()


def sentiment(text: str) -> float:
    """Exactly ``snownlp.SnowNLP(text).sentiments``, computed by :class:`FastSnowNLP`.

    Parameters
    ----------
    text : str
        Text to score, as SnowNLP would receive it (framing passes the analysis view).

    Returns
    -------
    float
        Probability in [0, 1] that the text is positive under SnowNLP's product-review model.

    Raises
    ------
    FramingError
        If ``text`` is empty.
    """
    return default_model().sentiment(text)
