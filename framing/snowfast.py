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
   else ``1 −`` it. (Both sums are built in that word order from one table of per-word
   term pairs, looked up once per distinct Han run or text between runs and cached.)

Pruning is exact: a state whose score is ``-inf`` can never lie on the winning path when a
finite state exists, and the rare Han run in which every state ends at ``-inf`` is re-run
with the unpruned search, which keeps every state and SnowNLP's tie-breaking among them.
The pruned search also takes, per previous tag, the best predecessor once for all four
next tags: IEEE addition is monotonic, so ``x + lp`` is largest for the largest ``x``, and
an earlier predecessor can only tie with it after rounding when the two scores are within a
few units in the last place of the sums (:data:`_TIE_MARGIN`); such a row, and every
transition a trigram changes per predecessor, is scanned predecessor by predecessor as
SnowNLP scans it.

**Many runs at once.** :meth:`FastSnowNLP.sentiments` scores several texts (framing passes
an article's paragraphs and sentences) and segments their distinct Han runs together
(:meth:`_Segmenter.segment_many`): a full 16-state search with numpy over all runs in
lockstep, character ``i`` of every run longer than ``i`` in one step. Each candidate is the
same single IEEE addition SnowNLP makes, the new score is the maximum of the four, and the
predecessor kept is the first one that reaches it (SnowNLP's first strict maximum, the
first one when all are ``-inf``); a character the model never saw keeps the last
predecessor with nothing added. The transition tables come from the same arrays and
logarithms as the one-run search, read for every character of the runs at once (binary
searches in the sorted model arrays, queries sorted first).
Tested bit for bit against the one-run search and SnowNLP on every training line.

**Loading.** SnowNLP's segmenter model is a 13 MB gzip of a marshalled dict of 1.3 million
n-gram counts keyed by nested tuples; unmarshalling it alone takes about 3-4 s. The first
load therefore converts it once (:func:`_compact`, about 10 s in all on a busy 2-core
machine) into flat sorted arrays: per character pair, the log of each bigram transition,
and per trigram the log of its transition, each formed with SnowNLP's own operations in
SnowNLP's order and Python's logarithm. They are kept in framing's private cache folder
(``$FRAMING_CACHE_DIR/snowfast``, see :func:`framing.tokens.private_cache_dir`) as an
``.npz`` file of plain numeric arrays, read back with ``allow_pickle=False`` (never pickle
or marshal). The file is used only if its recorded SHA-256 of the installed
``seg.marshal.3`` equals that file's current digest and the SHA-256 of its arrays matches;
otherwise it is rebuilt (written to a temporary name, then renamed). Later loads take about
0.2 s; a character pair's or triple's tables are read from the arrays on first use.

The one deliberate difference: ``SnowNLP('')`` raises ``ZeroDivisionError`` (its BM25 index
divides by the text length); :func:`sentiment` raises :class:`framing.errors.FramingError`
instead. White space only is scored, as SnowNLP does (the class prior, 0.5389...).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import gzip
import hashlib
import importlib.util
import json
import marshal
import math
import os
import re
import tempfile
import zipfile
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, repeat
from pathlib import Path

import numpy as np

from framing.errors import FramingError

__all__ = ["FastSnowNLP", "default_model", "sentiment", "snownlp_dir"]

#: Same character class SnowNLP uses to find Han runs (CJK Unified Ideographs, basic block).
_HAN_RUN = re.compile("([\u4e00-\u9fa5]+)")
#: SnowNLP's tag set, in the order its Viterbi loop visits tags.
_TAGS = ("b", "m", "e", "s")
#: Stands for SnowNLP's empty begin-of-sentence "character" (code point 0, never a Han char).
_BOS = "\x00"
_NEG = float("-inf")
#: Distinct Han runs whose segmentation is kept (runs repeat a lot in news text).
_RUN_CACHE_SIZE = 200_000
#: Distinct character pairs (and triples) whose transition tables the one-run search keeps.
_PAIR_CACHE_SIZE = 200_000
#: Most characters whose runs :meth:`_Segmenter.segment_many` searches in one lockstep group
#: (its tables take about 800 bytes per character, 13 MB at this size; measured on news, a
#: group of 16,384 costs about 10 % less per character than one of 8,192, a larger one no
#: less); a longer run is searched on its own.
_BATCH_CHARS = 16384
#: The code points SnowNLP's Han runs are made of (U+4E00 to U+9FA5).
_HAN_LO, _HAN_HI = 0x4E00, 0x9FA5
#: Per previous tag a, the state indices a*4+b of the four next tags b.
_ROWS = tuple(tuple(range(a * 4, a * 4 + 4)) for a in range(4))
#: A rounding tie between two predecessors x < x' is impossible when x' - x exceeds
#: (|x| + |x'| + |lp|) times this: twice what rounding both sums (2**-53 each) can close.
_TIE_MARGIN = 2.0**-50
#: Index of the first set bit of 0-7 (bit z: predecessor z reaches the best score), 3 if
#: none is set (then only the fourth can).
_FIRST_TRUE = np.array([3, 0, 1, 0, 2, 0, 1, 0], dtype=np.int64)
#: Bits of a code point in a packed character pair (all of Unicode fits in 21).
_CP_BITS = 21
#: Bits of a trigram key (code point of c0 times 64 plus three tags) in a packed trigram.
_TRI_KEY_BITS = _CP_BITS + 6
#: Version of the compact arrays' layout; a cache file of another version is rebuilt.
_CACHE_FORMAT = 2
#: The compact segmenter model: array name -> (dtype, number of dimensions).
_ARRAYS = {
    # Model characters as code points, row 0 the begin-of-sentence symbol (code point 0).
    "chars": ("<u4", 1),
    # Unigram count of (character, tag), one row per character, columns b m e s; the
    # begin-of-sentence row holds its one count in every column (as SnowNLP looks it up).
    "uni": ("<i8", 2),
    # Character pairs (c1, c2) that have a bigram or a trigram ending in them, sorted.
    "pairs": ("<u4", 2),
    # bi_tag/bi_log[bi_start[j]:bi_start[j + 1]]: for the bigrams of pair j, tag t1*4+t2,
    # log(uni + bi) of the transition (c1, t1) -> (c2, t2), as SnowNLP computes it.
    "bi_start": ("<i8", 1),
    "bi_tag": ("<i8", 1),
    "bi_log": ("<f8", 1),
    # tri_key/tri_log[tri_start[j]:tri_start[j + 1]]: trigrams (c0, c1, c2) ending in pair j
    # whose trigram term is not 0, keyed ord(c0)*64 + t0*16 + t1*4 + t2 (sorted), with
    # log(uni + bi + tri) of the transition.
    "tri_start": ("<i8", 1),
    "tri_key": ("<i8", 1),
    "tri_log": ("<f8", 1),
}


def snownlp_dir() -> Path:
    """Directory of the installed ``snownlp`` package (found without importing it)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise FramingError("the snownlp package is not installed; install framing's dependencies")
    return Path(spec.origin).parent


def _unmarshal(raw: bytes) -> dict:
    # SnowNLP's own shipped model file, read exactly as SnowNLP reads it (gzip, else plain
    # marshal). It comes from the installed package, never from user data, so unmarshalling
    # it is as safe as importing snownlp itself.
    try:
        raw = gzip.decompress(raw)
    except OSError:
        pass
    return marshal.loads(raw)  # noqa: S302


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while SnowNLP's model is unmarshalled and read.

    The segmenter model is millions of nested tuples (no cycles: reference counting frees
    them); with the collector running, it rescans them again and again, which triples
    the conversion time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_model(path: Path) -> dict:
    return _unmarshal(path.read_bytes())


def _best(x0: float, x1: float, x2: float, x3: float, tie: float) -> tuple[float, int, bool]:
    """(first strict maximum, its index, whether some step up to it was at most ``tie``).

    The maximum is the one SnowNLP's scan keeps; the last step up is from the best value
    before it, the only one that can tie with it after adding a log-probability.
    """
    x, z, near = x0, 0, False
    if x1 > x:
        near = x1 - x <= tie
        x, z = x1, 1
    if x2 > x:
        near = near or x2 - x <= tie
        x, z = x2, 2
    if x3 > x:
        near = near or x3 - x <= tie
        x, z = x3, 3
    return x, z, near


def _largest_abs(values: Iterable[float]) -> float:
    return max([abs(v) for v in values if v != _NEG], default=0.0)


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, index) of every index in the ranges ``lo[m]:hi[m]``, range by range."""
    size = hi - lo
    owner = np.repeat(np.arange(len(lo)), size)
    index = np.arange(int(size.sum())) + np.repeat(lo - (np.cumsum(size) - size), size)
    return owner, index


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


# ---------------------------------------------------------------------- compact model
def _code_points(chars: Iterable[object]) -> dict[str, int]:
    """Code point of each model character, 0 for SnowNLP's begin-of-sentence ``''``."""
    out = {}
    for char in chars:
        # SnowNLP's model only holds single characters and BOS (''); anything else would
        # break the one-character keys used here.
        if not isinstance(char, str) or len(char) > 1 or char == _BOS:
            raise FramingError(f"unexpected character {char!r} in SnowNLP's segmenter model")
        out[char] = ord(char) if char else 0
    return out


def _ngram_arrays(counts: dict, order: int, cp_of: dict[str, int]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair, key, count) per n-gram of a SnowNLP table of ``order``-grams.

    ``pair`` packs the code points of the last two characters (``c1 << 21 | c2``, for
    unigrams just ``c2``); ``key`` is the tag digits read in base 4, plus ``ord(c0) * 64``
    for trigrams. SnowNLP's begin-of-sentence symbol ``('', 'BOS')`` becomes code point 0
    with tag digit 0. The loops run in C (map, chain): the tables hold 1.3 million n-grams.
    """
    bad = FramingError(f"unexpected {order}-gram symbols in SnowNLP's segmenter model")
    syms = counts if order == 1 else chain.from_iterable(counts)
    try:
        flat = list(chain.from_iterable(syms))  # char, tag, char, tag, ...
    except TypeError:
        raise bad from None
    if len(flat) != 2 * order * len(counts):
        raise bad
    names, tag_names = flat[0::2], flat[1::2]
    try:
        # The characters are those of the unigram table as a rule (looked up without
        # first collecting the 2.8 million names in a set); otherwise all are collected.
        cps = np.array(list(map(cp_of.__getitem__, names)), dtype=np.int64)
    except (KeyError, TypeError):
        cp_of.update(_code_points(set(names)))
        cps = np.array(list(map(cp_of.__getitem__, names)), dtype=np.int64)
    cps = cps.reshape(-1, order)
    tag_of = {"b": 0, "m": 1, "e": 2, "s": 3, "BOS": 4}
    try:
        tags = np.array(list(map(tag_of.__getitem__, tag_names)), dtype=np.int64)
    except (KeyError, TypeError):
        raise bad from None
    tags = tags.reshape(-1, order)
    if ((cps == 0) != (tags == 4)).any():  # BOS is exactly the empty character
        raise bad
    tags[tags == 4] = 0
    if set(map(type, counts.values())) - {int}:
        raise bad
    values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    digits = np.zeros(len(counts), dtype=np.int64)
    for column in range(order):
        digits = digits * 4 + tags[:, column]
    pair = cps[:, -1] if order == 1 else (cps[:, -2] << _CP_BITS) | cps[:, -1]
    key = digits + cps[:, 0] * 64 if order == 3 else digits
    return pair, key, values


def _sorted_entries(pair: np.ndarray, key: np.ndarray, *values: np.ndarray,
                    what: str) -> tuple[np.ndarray, ...]:
    """Entries sorted by (pair, key); a (pair, key) listed twice is an error."""
    order = np.lexsort((key, pair))
    pair, key = pair[order], key[order]
    if ((pair[1:] == pair[:-1]) & (key[1:] == key[:-1])).any():
        raise FramingError(f"SnowNLP's model lists a {what} twice")
    return (pair, key, *(v[order] for v in values))


def _logs(values: np.ndarray) -> np.ndarray:
    # math.log, not numpy's log: SnowNLP takes Python's (libm's) logarithm, and numpy's own
    # implementation may differ in the last bit.
    log, neg = math.log, _NEG
    return np.array([log(v) if v != 0 else neg for v in values.tolist()], dtype=np.float64)


def _lookup(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, found) of each query in a sorted key array."""
    pos = np.minimum(np.searchsorted(sorted_keys, queries), max(len(sorted_keys) - 1, 0))
    found = sorted_keys[pos] == queries if len(sorted_keys) else np.zeros(len(queries), bool)
    return pos, found


def _compact(model: dict) -> tuple[dict[str, np.ndarray], dict]:
    """SnowNLP's segmenter model as the flat arrays of :data:`_ARRAYS` plus its scalars.

    Each transition's sum is formed with SnowNLP's operations in SnowNLP's order
    (``CharacterBasedGenerativeModel.log_prob``: ``l1 * (count / total)``, then
    ``+ div(l2 * count, count)``, then ``+ div(l3 * count, count)``, ``div`` being 0 for a
    zero denominator) on the model's own integers. numpy's elementwise ``+ * /`` on float64
    are IEEE operations rounded exactly as Python's, and the logarithm is Python's, so
    every value is the float SnowNLP computes.
    """
    if tuple(model["status"]) != _TAGS:
        raise FramingError(
            f"unexpected SnowNLP segmenter tags {model['status']!r}; expected {_TAGS!r}"
        )
    if any(model[name]["none"] != 0 for name in ("uni", "bi", "tri")):
        # The tables below treat an unseen n-gram as a zero count.
        raise FramingError("unexpected SnowNLP segmenter model: unseen n-gram count is not 0")
    scalars = {"l1": model["l1"], "l2": model["l2"], "l3": model["l3"],
               "uni_total": model["uni"]["total"]}
    if not all(isinstance(v, float) for v in scalars.values()):
        raise FramingError(f"unexpected SnowNLP segmenter weights {scalars!r}")
    l1, l2, l3, total = scalars["l1"], scalars["l2"], scalars["l3"], scalars["uni_total"]
    uni: dict[int, list[int]] = {0: [0, 0, 0, 0]}
    cp_of = _code_points({char for char, _ in model["uni"]["d"]})
    cps, tags, values = _ngram_arrays(model["uni"]["d"], 1, cp_of)
    for cp, tag, count in zip(cps.tolist(), tags.tolist(), values.tolist(), strict=True):
        if cp == 0:  # begin of sentence: one count, looked up under every tag
            uni[0] = [count] * 4
        else:
            uni.setdefault(cp, [0, 0, 0, 0])[tag] = count
    chars = np.array(sorted(uni), dtype=np.int64)  # code point 0 (begin of sentence) first
    uni_counts = np.array([uni[cp] for cp in chars.tolist()], dtype=np.int64).reshape(-1, 4)
    uni_terms = l1 * (uni_counts.astype(np.float64) / total)  # l1 * freq(char, tag)
    mask = (1 << _CP_BITS) - 1

    def unigram(cp: np.ndarray, tag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        row, seen = _lookup(chars, cp)
        return np.where(seen, uni_counts[row, tag], 0), np.where(seen, uni_terms[row, tag], 0.0)

    # Bigrams, sorted by pair then tag: uni(c2, t2) + div(l2 * count, count(c1, t1)).
    bi_pair, bi_tag, bi_count = _sorted_entries(
        *_ngram_arrays(model["bi"]["d"], 2, cp_of), what="bigram")
    den, _ = unigram(bi_pair >> _CP_BITS, bi_tag >> 2)
    _, term = unigram(bi_pair & mask, bi_tag & 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        bi_sum = term + np.where(den != 0, (l2 * bi_count) / den, 0.0)
    # Trigrams: + div(l3 * count, count((c0, t0), (c1, t1))); where that term is 0 the sum,
    # hence the log, is the bigram transition's, and the trigram is left out.
    tri_pair, tri_key, tri_count = _ngram_arrays(model["tri"]["d"], 3, cp_of)
    bi_full = bi_pair * 16 + bi_tag  # sorted, as bi_pair then bi_tag are
    c0, index = tri_key >> 6, tri_key & 63
    pos, seen = _lookup(bi_full, ((c0 << _CP_BITS) | (tri_pair >> _CP_BITS)) * 16 + (index >> 2))
    den = np.where(seen, bi_count[pos], 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tri_term = np.where(den != 0, (l3 * tri_count) / den, 0.0)
    keep = tri_term != 0
    tri_pair, tri_key, tri_term, index = tri_pair[keep], tri_key[keep], tri_term[keep], index[
        keep]
    pos, seen = _lookup(bi_full, tri_pair * 16 + (index & 15))
    _, term = unigram(tri_pair & mask, index & 3)
    tri_sum = np.where(seen, bi_sum[pos], term) + tri_term
    tri_pair, tri_key, tri_sum = _sorted_entries(tri_pair, tri_key, tri_sum, what="trigram")
    pairs = np.sort(np.concatenate([bi_pair, tri_pair]))  # np.union1d is slower here
    pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])]
    arrays = {
        "chars": chars, "uni": uni_counts,
        "pairs": np.stack([pairs >> _CP_BITS, pairs & mask], axis=1),
        "bi_start": np.append(np.searchsorted(bi_pair, pairs), len(bi_pair)),
        "bi_tag": bi_tag, "bi_log": _logs(bi_sum),
        "tri_start": np.append(np.searchsorted(tri_pair, pairs), len(tri_pair)),
        "tri_key": tri_key, "tri_log": _logs(tri_sum),
    }
    arrays = {name: np.ascontiguousarray(a, dtype=_ARRAYS[name][0]) for name, a in arrays.items()}
    return arrays, scalars


def _digest(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over the names, types, shapes and bytes of the compact arrays."""
    h = hashlib.sha256()
    for name in _ARRAYS:
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}\n".encode())
        h.update(a.data)
    return h.hexdigest()


def _cache_file(cache_dir: Path, model_sha: str) -> Path:
    return cache_dir / f"snownlp-seg-{model_sha[:24]}.v{_CACHE_FORMAT}.npz"


def _read_cache(path: Path, model_sha: str) -> tuple[dict[str, np.ndarray], dict] | None:
    """The cached arrays and scalars, or None if the file is missing, stale or damaged."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != _CACHE_FORMAT or meta.get("model_sha256") != model_sha:
                return None
            arrays = {name: npz[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    for name, (dtype, ndim) in _ARRAYS.items():
        if arrays[name].dtype != np.dtype(dtype) or arrays[name].ndim != ndim:
            return None
    if meta.get("arrays_sha256") != _digest(arrays):
        return None
    scalars = meta.get("scalars")
    if not isinstance(scalars, dict) or not all(
            isinstance(scalars.get(k), float) for k in ("l1", "l2", "l3", "uni_total")):
        return None
    return arrays, scalars


def _write_cache(path: Path, model_sha: str, arrays: dict[str, np.ndarray],
                 scalars: dict) -> None:
    # JSON keeps the floats exactly (repr round-trips); write-then-rename, so concurrent
    # workers never see half a file.
    meta = {"format": _CACHE_FORMAT, "model_sha256": model_sha, "scalars": scalars,
            "arrays_sha256": _digest(arrays)}
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=blob, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _default_cache_dir() -> Path | None:
    """``snowfast`` in framing's private cache folder; None if that cannot be created."""
    from framing.tokens import private_cache_dir  # imported here: it pulls in jieba

    try:
        return private_cache_dir() / "snowfast"
    except OSError:
        return None  # a read-only home: convert in memory each time (slower, still exact)


def load_segmenter_arrays(
    path: Path, cache_dir: Path | None
) -> tuple[dict[str, np.ndarray], dict]:
    """The compact arrays of SnowNLP's segmenter model file ``path``.

    Read from ``cache_dir`` when a verified cache file is there; otherwise computed from
    the model (about 10 s) and, if ``cache_dir`` is given, written there.
    """
    model_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    target = _cache_file(cache_dir, model_sha) if cache_dir is not None else None
    if target is not None:
        cached = _read_cache(target, model_sha)
        if cached is not None:
            return cached
    # Read again right before unmarshalling: marshal only ever decodes bytes just read
    # from SnowNLP's installed package (what framing's file-audit tests check), and the
    # digest is of exactly those bytes.
    raw = path.read_bytes()
    model_sha = hashlib.sha256(raw).hexdigest()
    target = _cache_file(cache_dir, model_sha) if cache_dir is not None else None
    with _no_gc():
        arrays, scalars = _compact(_unmarshal(raw))
    if target is not None:
        try:
            _write_cache(target, model_sha, arrays, scalars)
        except OSError:
            pass  # a read-only cache folder only costs the next process this build again
    return arrays, scalars


def _as_array(a: np.ndarray) -> array:
    # array.array gives plain Python ints on indexing (numpy scalars would be slow and would
    # turn the float arithmetic into numpy's). One copy, in native byte order.
    out = array("q")
    out.frombytes(np.ascontiguousarray(a, dtype=np.int64).view(np.uint8))
    return out


def _as_floats(a: np.ndarray) -> array:
    out = array("d")
    out.frombytes(np.ascontiguousarray(a, dtype=np.float64).view(np.uint8))
    return out


def _decode(code_points: np.ndarray) -> str:
    return code_points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


class _Segmenter:
    """SnowNLP's character-based generative segmenter with a back-pointer Viterbi.

    Parameters
    ----------
    arrays, scalars
        The compact model of :func:`_compact` (or its cache file).
    """

    def __init__(self, arrays: dict[str, np.ndarray], scalars: dict) -> None:
        # l2 and l3 are already in the arrays' logs; l1 also weighs the unigram-only tables.
        self.l1, self._uni_total = scalars["l1"], scalars["uni_total"]
        uni = arrays["uni"]
        self._uni_counts = dict(zip(_decode(arrays["chars"]), map(tuple, uni.tolist()),
                                    strict=True))
        self._uni_cache: dict[str, tuple[bool, tuple[float, ...], tuple[int, ...]]] = {}
        # Characters seen with some tag (SnowNLP's "found": a count over a finite positive
        # total is a nonzero frequency); the others add no log-probability.
        if not (0 < self._uni_total < math.inf):
            raise FramingError(f"unexpected SnowNLP unigram total {self._uni_total!r}")
        self._found = frozenset(_decode(arrays["chars"][(uni != 0).any(axis=1)]))
        # Pair j is (chr(pairs[j, 0]), chr(pairs[j, 1])), sorted; per first character the
        # range of its pairs, searched by the second character's code point on first use.
        pairs = arrays["pairs"]
        firsts, starts = np.unique(pairs[:, 0], return_index=True)
        ends = np.append(starts[1:], len(pairs))
        self._pair_range = dict(zip(_decode(firsts), zip(starts.tolist(), ends.tolist(),
                                                          strict=True), strict=True))
        self._pair_second = _as_array(pairs[:, 1])
        # Each pair packed as c1 << 21 | c2: sorted, as the pairs are (for segment_many).
        self._pair_code = (pairs[:, 0].astype(np.int64) << _CP_BITS) | pairs[:, 1]
        self._np: dict[str, np.ndarray] | None = None
        self._range = np.arange(0, dtype=np.int64)
        self._bi_start, self._tri_start = (_as_array(arrays["bi_start"]),
                                           _as_array(arrays["tri_start"]))
        self._bi_tag, self._bi_log = _as_array(arrays["bi_tag"]), _as_floats(arrays["bi_log"])
        self._tri_key, self._tri_log = (_as_array(arrays["tri_key"]),
                                        _as_floats(arrays["tri_log"]))
        self._pair_cache: dict[str, tuple] = {}
        self._lone_cache: dict[str, tuple] = {}
        self._tri_cache: dict[str, tuple | None] = {}
        self._run_cache: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------ model look-ups
    def _unigram(self, char: str) -> tuple[bool, tuple[float, ...], tuple[int, ...]]:
        """(seen with some tag, l1·P(char, tag) and count for each tag), as SnowNLP has them."""
        hit = self._uni_cache.get(char)
        if hit is None:
            counts = self._uni_counts.get(char, (0, 0, 0, 0))
            freqs = [float(c) / self._uni_total for c in counts]
            found = any(f != 0 for f in freqs)
            hit = (found, tuple(self.l1 * f for f in freqs), counts)
            self._uni_cache[char] = hit
        return hit

    def _new_lone(self, c2: str) -> tuple:
        """Tables of any pair (c1, c2) without n-grams: the unigram terms, in all 4 rows."""
        logs = [math.log(v) if v != 0 else _NEG for v in self._unigram(c2)[1]]
        # Tuples of floats (not lists): the garbage collector stops tracking them, so
        # hundreds of thousands of cached tables cost it nothing.
        hit = (tuple(logs * 4), 0, 0, _largest_abs(logs))
        self._lone_cache[c2] = hit
        return hit

    def _pair(self, c1: str, c2: str) -> tuple:
        """Transition tables of the character pair (c1, c2), c2 a character the model saw.

        ``(logs, trigram start, trigram end, largest |log|)``: log(uni + bi) (``-inf`` for
        0) for (tag of c1, tag of c2) at index t1*4+t2; the slice of the trigram arrays
        that ends in this pair; and an upper bound of the finite ``|log|`` (for the tie
        test of :meth:`tag_pruned`).
        """
        hit = self._pair_cache.get(c1 + c2)
        return hit if hit is not None else self._new_pair(c1, c2)

    def _new_pair(self, c1: str, c2: str) -> tuple:
        hit = self._lone_cache.get(c2) or self._new_lone(c2)
        span = self._pair_range.get(c1)
        if span is not None:
            lo, hi = span
            code, second = ord(c2), self._pair_second
            j = bisect_left(second, code, lo, hi)
            if j < hi and second[j] == code:
                # An unseen bigram adds 0.0, which leaves the unigram term's float (and log)
                # unchanged: only the entries with a bigram differ from the lone tables.
                logs, largest = list(hit[0]), hit[3]
                tags, values, neg = self._bi_tag, self._bi_log, _NEG
                bos = c1 == _BOS
                for r in range(self._bi_start[j], self._bi_start[j + 1]):
                    index, lv = tags[r], values[r]
                    if lv != neg and abs(lv) > largest:
                        largest = abs(lv)
                    if bos:  # one begin-of-sentence "tag", repeated in every slot
                        logs[index] = logs[index + 4] = logs[index + 8] = logs[index + 12] = lv
                    else:
                        logs[index] = lv
                hit = (tuple(logs), self._tri_start[j], self._tri_start[j + 1], largest)
        if len(self._pair_cache) >= _PAIR_CACHE_SIZE:
            self._pair_cache.clear()
        self._pair_cache[c1 + c2] = hit
        return hit

    def _triple(self, c0: str, c1: str, c2: str, pair: tuple) -> tuple | None:
        """None if no trigram of these characters was seen, else (overrides, keys, largest).

        ``overrides[t0*16+t1*4+t2]`` is log(uni + bi + tri) where the trigram term is not
        zero (elsewhere the pair's log applies); keys are the t1*4+t2 indices that have an
        override; largest is the largest ``|override|``. ``pair``: ``self._pair(c1, c2)``.
        """
        if pair[1] == pair[2]:
            return None
        hit = self._tri_cache.get(c0 + c1 + c2, pair)
        return hit if hit is not pair else self._new_triple(c0, c1, c2, pair)

    def _new_triple(self, c0: str, c1: str, c2: str, pair: tuple) -> tuple | None:
        _, lo, hi, _ = pair
        tri_key = self._tri_key
        base = ord(c0) * 64  # _BOS is code point 0, as in the arrays
        lo = bisect_left(tri_key, base, lo, hi)
        hit = None
        if lo < hi and tri_key[lo] < base + 64:
            hi = bisect_left(tri_key, base + 64, lo, hi)
            values, neg = self._tri_log, _NEG
            over = {tri_key[r] - base: values[r] for r in range(lo, hi)}  # t0*16+t1*4+t2
            if c0 == _BOS:  # one begin-of-sentence "tag", repeated in every slot
                over.update({z * 16 + k: v for k, v in list(over.items()) for z in (1, 2, 3)})
            hit = (over, tuple(sorted({k & 15 for k in over})),
                   max([abs(v) for v in over.values() if v != neg], default=0.0))
        if len(self._tri_cache) >= _PAIR_CACHE_SIZE:
            self._tri_cache.clear()
        self._tri_cache[c0 + c1 + c2] = hit
        return hit

    def _tables(self, run: str, i: int) -> tuple:
        """(character seen, pair tables, trigram tables or None) for position ``i``."""
        char = run[i]
        if char not in self._found:
            return False, None, None
        c1 = run[i - 1] if i >= 1 else _BOS
        c0 = run[i - 2] if i >= 2 else _BOS
        pair = self._pair(c1, char)
        return True, pair, self._triple(c0, c1, char, pair)

    # ------------------------------------------------------------------ Viterbi
    def _first_scores(self, run: str) -> list[float]:
        """Scores of the four states after the first character (slots z*4+a, z = BOS = 0)."""
        found, pair, tri = self._tables(run, 0)
        score = [_NEG] * 16
        for b in range(4):
            lp = (pair[0][b] if tri is None else tri[0].get(b, pair[0][b])) if found else 0.0
            score[b] = 0.0 + lp
        return score

    def tag_pruned(self, run: str) -> list[int] | None:
        """Best tag indices for a Han run, keeping only finite-score states.

        Returns None when every state ends at ``-inf``; :meth:`tag_full` decides then.
        """
        # score[z*4+a]: best score of a path whose last two tags are (z, a); -inf = dead.
        score = self._first_scores(run)
        back: list[list[int]] = [[]]  # no back-pointers at position 0
        found, pair_cache, pair_of = self._found, self._pair_cache, self._new_pair
        tri_cache, triple_of = self._tri_cache, self._new_triple
        neg, margin = _NEG, _TIE_MARGIN
        # An upper bound of |score| over the finite scores, for the rounding-tie test below:
        # grown by the largest |log| of each step (its own rounding, 2**-53 per step, is
        # far inside the factor 2 that _TIE_MARGIN keeps in reserve).
        bound = _largest_abs(score)
        c0, c1 = _BOS, run[0]
        for i in range(1, len(run)):
            char = run[i]
            if char not in found:
                # SnowNLP overwrites, so the last predecessor visited wins: tag s (or BOS).
                z = 12 if i >= 2 else 0
                score = [score[z + a] for a in range(4) for _ in range(4)]
                back.append([z >> 2] * 16)
                c0, c1 = c1, char
                continue
            pair = pair_cache.get(c1 + char) or pair_of(c1, char)
            step = pair[3]
            over, fix = None, []
            if pair[1] != pair[2]:  # some trigram ends in (c1, char)
                tri = tri_cache.get(c0 + c1 + char, pair)  # pair: not looked up yet
                if tri is pair:
                    tri = triple_of(c0, c1, char, pair)
                if tri is not None:
                    over, keys, largest = tri
                    fix.extend(keys)
                    step = max(step, largest)
            # Per previous tag a: xa, the first strict maximum over the predecessors (z, a)
            # in SnowNLP's order, and za its z. xa + lp is then the best sum for every next
            # tag (IEEE addition is monotonic); an earlier predecessor can only tie with it
            # after rounding if it is within `tie` of it (|sum| <= 2 bound + |lp|, rounding
            # error <= 2**-53 |sum|): then that row is rescanned as SnowNLP scans it. (This
            # step runs once per character: the 16 sums are written out, not looped.)
            tie = (bound + bound + pair[3]) * margin
            s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15 = score
            x0, z0, t0 = _best(s0, s4, s8, s12, tie)
            x1, z1, t1 = _best(s1, s5, s9, s13, tie)
            x2, z2, t2 = _best(s2, s6, s10, s14, tie)
            x3, z3, t3 = _best(s3, s7, s11, s15, tie)
            if t0 or t1 or t2 or t3:
                for a, t in enumerate((t0, t1, t2, t3)):
                    if t:
                        fix.extend(_ROWS[a])
            l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15 = pair[0]
            new = [x0 + l0, x0 + l1, x0 + l2, x0 + l3, x1 + l4, x1 + l5, x1 + l6, x1 + l7,
                   x2 + l8, x2 + l9, x2 + l10, x2 + l11, x3 + l12, x3 + l13, x3 + l14, x3 + l15]
            bp = [z0, z0, z0, z0, z1, z1, z1, z1, z2, z2, z2, z2, z3, z3, z3, z3]
            logs = pair[0]
            for k in fix:
                # Trigram terms differ by predecessor (or an earlier one may tie after
                # rounding): SnowNLP's scan, first strict maximum.
                a, lp = k >> 2, logs[k]
                best, bz = neg, 0
                for z in (0, 1, 2, 3):
                    p = score[z * 4 + a] + (over.get(z * 16 + k, lp) if over else lp)
                    if p > best:
                        best, bz = p, z
                new[k] = best
                bp[k] = bz
            score = new
            back.append(bp)
            bound += step
            c0, c1 = c1, char
        best, state = neg, -1
        for b in range(4):  # SnowNLP's state order: last tag, then the tag before it
            for a in range(4):
                if score[a * 4 + b] > best:
                    best, state = score[a * 4 + b], a * 4 + b
        if state < 0:
            return None
        return self._walk(len(run), state >> 2, state & 3, back)

    @staticmethod
    def _walk(n: int, a: int, b: int, back: list[list[int]]) -> list[int]:
        """Tags of a run of ``n`` characters that ends in tags (a, b), read back through
        ``back`` (``back[i][a*4+b]``: the tag two characters before ``i``)."""
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
        score = self._first_scores(run)
        back: list[list[int]] = [[]]  # no back-pointers at position 0
        for i in range(1, len(run)):
            found, pair, tri = self._tables(run, i)
            logs = ()
            if found:
                over = tri[0] if tri is not None else {}
                logs = [over.get(k, pair[0][k % 16]) for k in range(64)]
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
        # The first state SnowNLP lists (last tag outer, previous tag inner) with the
        # largest score; when every state is -inf, simply the first one listed.
        best, state = 0.0, None
        for b in range(4):
            for a in ((0,) if len(run) == 1 else range(4)):
                if state is None or score[a * 4 + b] > best:
                    best, state = score[a * 4 + b], (a, b)
        return self._walk(len(run), state[0], state[1], back)

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

    # ------------------------------------------------------------------ many runs at once
    def _batch_tables(self) -> dict[str, np.ndarray]:
        """numpy views and lookup tables of the model for :meth:`segment_many` (built once).

        Everything is derived from the tables the one-run search uses, so both searches
        read the same floats: the unigram-only logs come from :meth:`_new_lone` (Python's
        logarithm), the bigram and trigram logs are the model arrays themselves (viewed,
        not copied), and only index arrays are new: per trigram, its pair row and key in
        one sortable integer, and the groups of trigrams that share a pair row and a first
        character (their key and where each starts).
        """
        if self._np is not None:
            return self._np
        han = [chr(c) for c in range(_HAN_LO, _HAN_HI + 1)]
        found = np.array([c in self._found for c in han], dtype=bool)
        # Per Han character, the four unigram-only logs (tag of this character); a
        # character the model never saw with a tag keeps zeros (its row is never read).
        lone = np.zeros((len(han), 4), dtype=np.float64)
        for k in np.flatnonzero(found).tolist():
            lone[k] = self._new_lone(han[k])[0][:4]
        tri_start = np.frombuffer(self._tri_start, dtype=np.int64)
        rows = np.repeat(np.arange(len(tri_start) - 1, dtype=np.int64), np.diff(tri_start))
        self._np = {
            "found": found, "lone": lone,
            "pair_code": self._pair_code,
            "bi_start": np.frombuffer(self._bi_start, dtype=np.int64),
            "bi_tag": np.frombuffer(self._bi_tag, dtype=np.int64),
            "bi_log": np.frombuffer(self._bi_log, dtype=np.float64),
            # Sorted: the trigrams are sorted by pair row, then by key (< 2**27).
            "tri_code": (rows << _TRI_KEY_BITS) | np.frombuffer(self._tri_key, dtype=np.int64),
            "tri_log": np.frombuffer(self._tri_log, dtype=np.float64),
        }
        # The trigrams of one pair row and one first character c0 form a group of
        # consecutive entries: its key row << 21 | c0 (sorted, distinct) and its start.
        prefix = self._np["tri_code"] >> 6
        first = np.flatnonzero(np.diff(prefix, prepend=-1))  # none for a model without any
        self._np["tri_prefix"] = prefix[first]
        self._np["tri_group"] = np.append(first, len(prefix))
        return self._np

    def segment_many(self, runs: Sequence[str]) -> list[tuple[str, ...]]:
        """:meth:`segment_run` of each run, the Viterbi searches of many runs in lockstep.

        Runs longer than :data:`_BATCH_CHARS` characters take :meth:`segment_run` (the
        lockstep tables of one run grow with its length); the others are searched in
        groups of at most that many characters by :meth:`_tag_lockstep`. Nothing is read
        from or written to the cache of whole runs.
        """
        out: list[tuple[str, ...]] = [()] * len(runs)
        order = sorted(range(len(runs)), key=lambda k: -len(runs[k]))
        group: list[int] = []
        size = 0
        for k in order:
            n = len(runs[k])
            if n > _BATCH_CHARS:
                tags = self.tag_pruned(runs[k])
                out[k] = tuple(_join_tags(runs[k], tags if tags is not None
                                          else self.tag_full(runs[k])))
                continue
            if size + n > _BATCH_CHARS:
                self._segment_group([runs[g] for g in group], group, out)
                group, size = [], 0
            group.append(k)
            size += n
        if group:
            self._segment_group([runs[g] for g in group], group, out)
        return out

    def _segment_group(self, runs: list[str], where: list[int],
                       out: list[tuple[str, ...]]) -> None:
        """Words of ``runs`` (longest first, all non-empty) into ``out`` at ``where``."""
        text = "".join(runs)
        tags, starts = self._tag_lockstep(runs)
        # SnowNLP's rule (_join_tags): a word starts at a run's start, at a b or s tag, and
        # right after an e tag; each word runs to the next start.
        cut = (tags == 0) | (tags == 3)
        cut[1:] |= tags[:-1] == 2
        cut[starts] = True
        cuts = np.flatnonzero(cut)
        ends = cuts[1:].tolist()
        ends.append(len(text))
        words = list(map(text.__getitem__, map(slice, cuts.tolist(), ends)))
        # Every run starts with a cut: the words of run r are those from its first cut on.
        first = np.searchsorted(cuts, starts).tolist()
        first.append(len(words))
        for r, k in enumerate(where):
            out[k] = tuple(words[first[r]:first[r + 1]])

    def _tag_lockstep(self, runs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Tags of ``runs`` (longest first), concatenated, and each run's offset in them."""
        top, states, counts, step_at = self._viterbi_lockstep(runs)
        lens = np.fromiter(map(len, runs), dtype=np.int64, count=len(runs))
        starts = np.cumsum(lens) - lens
        # Walk back from each run's final state, all runs together (as _walk does): the
        # state a*4+b holds the tags of characters i-1 and i, and the tag of character i-2
        # is the first z of top[z, a, b, k], k = step_at[i] + r the position of character i
        # of run r. Run r joins the walk at its last character (counts[i]: runs longer
        # than i).
        tags = np.empty(int(lens.sum()), dtype=np.int64)
        last = starts + lens - 1
        tags[last] = states & 3
        two = lens >= 2
        tags[last[two] - 1] = states[two] >> 2
        stride = len(tags)
        # The first predecessor z that reaches each state's best score, [a*4+b, k] flat.
        # (Every entry of top is 0 or 1: three of them as the bits of an index into
        # _FIRST_TRUE, which gives the first z set, or 3.)
        bits = top.reshape(4, 16 * stride).view(np.uint8)
        back = _FIRST_TRUE[bits[0] | (bits[1] << 1) | (bits[2] << 2)]
        at = self._arange(stride)  # the positions of step i: at[step_at[i]:][:counts[i]]
        for i, n, lo in zip(range(int(lens[0]) - 1, 1, -1), counts.tolist()[:1:-1],
                            step_at.tolist()[:1:-1], strict=True):
            state = states[:n]
            z = back[state * stride + at[lo:lo + n]]
            tags[starts[:n] + (i - 2)] = z
            state >>= 2
            state += z * 4
        return tags, starts

    def _arange(self, n: int) -> np.ndarray:
        """``np.arange(n)`` (int64), from one array kept for the purpose."""
        if len(self._range) < n:
            self._range = np.arange(max(n, 2 * len(self._range)), dtype=np.int64)
        return self._range[:n]

    def _lockstep_logs(self, c0: np.ndarray, c1: np.ndarray, c2: np.ndarray,
                       found: np.ndarray) -> np.ndarray:
        """``logs[z, a, b, k]``: log-probability of tag b at position k after tags z, a.

        Position k is character ``c2[k]`` after ``c1[k]`` and ``c0[k]`` (code point 0:
        SnowNLP's begin-of-sentence symbol). The entries are those of :meth:`_pair` and
        :meth:`_triple`, read straight from the model arrays for all positions at once:
        the unigram-only logs of c2 for every (z, a); over them the bigram logs of the
        pair (c1, c2) for every z (for every a too after the begin-of-sentence symbol, its
        one "tag"); over those the trigram logs of (c0, c1, c2) where the trigram term is
        not 0 (for every z after the begin-of-sentence symbol). A character the model never
        saw has no log-probability (zeros, never read). The floats are copied, never
        computed, so they are the one-run search's bit for bit. (Looked up anew each time:
        news text repeats few character triples within a run of articles, so a cache of
        them costs more than binary searches in C.)
        """
        t = self._batch_tables()
        n = len(c2)
        seen = np.flatnonzero(found)
        # pair[a, b, k]: the unigram-only log of tag b of c2[k] (zeros for an unseen c2).
        pair = np.empty((4, 4, n), dtype=np.float64)
        pair[:] = t["lone"][c2 - _HAN_LO].T
        # Binary searches in sorted order: far fewer cache misses in the big model arrays.
        codes = (c1[seen] << _CP_BITS) | c2[seen]
        order = np.argsort(codes)
        at, codes = seen[order], codes[order]
        j, hit = _lookup(t["pair_code"], codes)
        at, j = at[hit], j[hit]  # positions whose pair has n-grams, and its model row
        owner, r = _ranges(t["bi_start"][j], t["bi_start"][j + 1])
        k, tag, value = at[owner], t["bi_tag"][r], t["bi_log"][r]
        bos = c1[k] == 0
        flat = pair.reshape(16, n)
        flat[tag[~bos], k[~bos]] = value[~bos]
        for a in range(4):  # the begin-of-sentence "tag" stands for every tag a
            flat[a * 4 + (tag[bos] & 3), k[bos]] = value[bos]
        logs = np.empty((4, 4, 4, n), dtype=np.float64)
        logs[:] = pair
        # The trigrams (c0, c1, c2) of each pair: keys model row << 27 | c0 << 6 | tags.
        # Sorted, as j is and then c0 within a pair.
        prefix = (j << _CP_BITS) | c0[at]
        g, hit = _lookup(t["tri_prefix"], prefix)
        at, g = at[hit], g[hit]
        lo, hi = t["tri_group"][g], t["tri_group"][g + 1]
        owner, r = _ranges(lo, hi)
        k, key, value = at[owner], t["tri_code"][r] & 63, t["tri_log"][r]  # t0*16+t1*4+t2
        bos = c0[k] == 0
        flat = logs.reshape(64, n)
        flat[key[~bos], k[~bos]] = value[~bos]
        for z in range(4):  # the begin-of-sentence "tag" stands for every tag z
            flat[z * 16 + key[bos], k[bos]] = value[bos]
        return logs

    def _viterbi_lockstep(self, runs: list[str]
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The Viterbi search of :meth:`tag_full` for many runs (longest first) at once.

        All 16 states with SnowNLP's tie-breaking, for all the runs at once: step ``i``
        advances every run longer than ``i``, which (longest first) are the first ones.
        Each state's new score is the first strict maximum over its four predecessors in
        SnowNLP's order (one IEEE addition per candidate, as in SnowNLP), and a character
        the model never saw keeps the last predecessor with no log-probability added.

        Returns
        -------
        top : ndarray
            ``top[z, a, b, k]``: whether tag z two characters back reaches the best score
            of the state (a, b) of tags at position ``k`` (the first such z is the one on
            the best path).
        states : ndarray
            The final state a*4+b of each run.
        counts, step_at : ndarray
            How many runs are longer than ``i``, and the position of the first run's
            character ``i`` (run r's is ``step_at[i] + r``).
        """
        t = self._batch_tables()
        lens = np.fromiter(map(len, runs), dtype=np.int64, count=len(runs))
        n_runs, n_chars, longest = len(lens), int(lens.sum()), int(lens[0])
        starts = np.cumsum(lens) - lens
        # Code points after two zeros (SnowNLP's begin-of-sentence symbol, code point 0).
        cp = np.zeros(n_chars + 2, dtype=np.int64)
        cp[2:] = np.frombuffer("".join(runs).encode("utf-32-le"), dtype=np.uint32)
        # Step-major order: position k is character i of run r, for i = 0, 1, ... and,
        # within a step, the runs in order; counts[i] runs are longer than i.
        counts = np.searchsorted(-lens, -np.arange(longest), side="left")
        step_at = np.cumsum(counts) - counts
        step = np.repeat(np.arange(longest), counts)
        at = starts[np.arange(n_chars) - np.repeat(step_at, counts)] + step  # in the text
        c2 = cp[at + 2]
        c1 = np.where(step >= 1, cp[at + 1], 0)  # 0: before the run's first character
        c0 = np.where(step >= 2, cp[at], 0)
        found = t["found"][c2 - _HAN_LO]
        logs = self._lockstep_logs(c0, c1, c2, found)
        score = np.full((4, 4, n_runs), _NEG)
        score[0] = 0.0 + logs[0, 0, :, :n_runs]  # 0.0 + 0.0 for an unseen character
        # top[z, a, b, k]: whether predecessor z reaches the best score of state (a, b) at
        # position k. The first such z is SnowNLP's choice (its first strict maximum; z = 0
        # also when all are -inf, as in tag_full); the walk back reads it for its path only.
        top = np.empty((4, 4, 4, n_chars), dtype=bool)
        top[:, :, :, :n_runs] = False  # position 0: no predecessor, never read
        unseen = ~found
        unseen_at = np.logical_or.reduceat(unseen, step_at).tolist()  # per step
        for i, n, lo in zip(range(1, longest), counts.tolist()[1:], step_at.tolist()[1:],
                            strict=True):
            cand = score[:, :, None, :n] + logs[:, :, :, lo:lo + n]
            if unseen_at[i]:
                z = 3 if i >= 2 else 0
                before = score[z, :, :n].copy()
            new = cand.max(axis=0, out=score[:, :, :n])  # (a, b, r): the next (z, a, r)
            np.equal(cand, new, out=top[:, :, :, lo:lo + n])
            if unseen_at[i]:
                # SnowNLP overwrites: the last predecessor visited wins (tag s, or BOS at
                # i = 1), and nothing is added.
                miss = np.flatnonzero(unseen[lo:lo + n])
                new[:, :, miss] = before[:, None, miss]
                top[:, :, :, lo + miss] = False
                top[z, :, :, lo + miss] = True
        # The final state: the first maximum in SnowNLP's order (last tag, then the one
        # before); the first state listed when all are -inf, as in tag_full.
        last = score.transpose(2, 1, 0).reshape(n_runs, 16).argmax(axis=1)  # b*4+a
        return top, (last & 3) * 4 + (last >> 2), counts, step_at


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
        return self.decide(scores)

    def word_table(self, skip: frozenset[str]) -> dict[str, tuple[float, float] | None]:
        """Each known word's log terms of a two-class model; ``None`` for ``skip``.

        One lookup per word then serves both classes; a word missing from a class's counts
        takes that class's ``none`` term, as :meth:`positive` does.
        """
        (first, second), (first_none, second_none) = self._logp, self._log_none
        table: dict[str, tuple[float, float] | None] = {
            w: (first.get(w, first_none), second.get(w, second_none))
            for w in first.keys() | second.keys()}
        table.update(dict.fromkeys(skip))
        return table

    @property
    def prior(self) -> tuple[float, ...]:
        """Log prior of each class, in class order."""
        return tuple(self._prior)

    @property
    def unseen(self) -> tuple[float, ...]:
        """Log term per class of a word no class has counted."""
        return tuple(self._log_none)

    def decide_two(self, s0: float, s1: float) -> float:
        """:meth:`decide` of a two-class model's scores ``[s0, s1]``, the same float.

        The same operations in the same order, written out: for class k the sum starts at
        ``0 + exp(0.0)`` = 1.0 (or at ``0 + exp(s0 - s1)``, the same float) and adds the
        other term, then ``1 /`` it, or 0 when an ``exp`` overflows.
        """
        exp = math.exp
        try:
            p0 = 1 / (1.0 + exp(s1 - s0))
        except OverflowError:
            p0 = 0
        try:
            p1 = 1 / (exp(s0 - s1) + 1.0)
        except OverflowError:
            p1 = 0
        label, prob = 0, 0
        if p0 > prob:
            label, prob = self.classes[0], p0
        if p1 > prob:
            label, prob = self.classes[1], p1
        return prob if label == "pos" else 1 - prob

    def decide(self, scores: list[float]) -> float:
        """SnowNLP's posterior and decision from the per-class log scores."""
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
    cache_dir : path, optional
        Folder for the compact segmenter model (default: ``snowfast`` in
        :func:`framing.tokens.private_cache_dir`).
    cache : bool
        False: neither read nor write a cache file (every load then converts SnowNLP's
        model again, about 10 s).

    Notes
    -----
    With the cache file in place loading takes about 0.2 s (plus importing numpy and
    :mod:`framing.tokens`, whose :func:`~framing.tokens.private_cache_dir` names the
    folder); use :func:`default_model` for the process-wide instance.
    """

    def __init__(self, package_dir: str | Path | None = None,
                 cache_dir: str | Path | None = None, cache: bool = True) -> None:
        root = Path(package_dir) if package_dir is not None else snownlp_dir()
        self.package_dir = root
        folder = None
        if cache:
            folder = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        self._seg = _Segmenter(*load_segmenter_arrays(root / "seg" / "seg.marshal.3", folder))
        self._bayes = _Bayes(_load_model(root / "sentiment" / "sentiment.marshal.3"))
        text = (root / "normal" / "stopwords.txt").read_text(encoding="utf-8")
        # SnowNLP strips each line of its stop-word file; an empty line adds "".
        self._stop = frozenset(line.strip() for line in text.splitlines(keepends=True))
        # SnowNLP's model has two classes (neg, pos): then one table lookup per word serves
        # both sums and drops stop words at the same time.
        self._table = (self._bayes.word_table(self._stop)
                       if len(self._bayes.classes) == 2 else None)
        self._unseen = self._bayes.unseen
        # Per piece of text (a Han run or the text between two runs): the word-table terms
        # of its words, stop words left out. The two kinds of piece share no character, so
        # one dictionary serves both; the empty piece has no words.
        self._terms: dict[str, tuple[tuple[float, float], ...]] = {"": ()}

    def words(self, text: str) -> list[str]:
        """SnowNLP's segmentation of ``text`` (``SnowNLP(text).words``)."""
        out: list[str] = []
        # re.split with one group alternates other text (even places, possibly empty) and
        # Han runs (odd places). A Han run has no white space, so it is segmented as it is;
        # other text is split on white space (str.split drops the empty pieces).
        for k, piece in enumerate(_HAN_RUN.split(text)):
            if k & 1:
                out.extend(self._seg.segment_run(piece))
            elif piece:
                out.extend(piece.split())
        return out

    def sentiment_words(self, words: list[str]) -> float:
        """SnowNLP's score of an already segmented text (stop words are removed here)."""
        stop = self._stop
        return float(self._bayes.positive([w for w in words if w not in stop]))

    def _piece_terms(self, piece: str, han: bool) -> tuple[tuple[float, float], ...]:
        """Word-table terms of one piece's words, stop words left out (then cached).

        A Han run's words come from the segmenter; other text is split on white space.
        """
        words = self._seg.segment_run(piece) if han else piece.split()
        return self._keep_terms(piece, words)

    def _keep_terms(self, piece: str, words: Iterable[str]) -> tuple[tuple[float, float], ...]:
        """Word-table terms of ``words``, stop words left out, cached as ``piece``'s."""
        # Stop words map to None (falsy), every other word to a pair of floats.
        terms = tuple(filter(None, map(self._table.get, words,  # type: ignore[union-attr]
                                       repeat(self._unseen))))
        if len(self._terms) >= _RUN_CACHE_SIZE:
            self._terms.clear()
            self._terms[""] = ()
        self._terms[piece] = terms
        return terms

    def _score_two(self, text: str) -> float:
        """:meth:`sentiment` for a two-class model, without building the word list.

        The pieces are those of :meth:`words` (Han runs at odd places of the split); each
        class's sum is built word by word in the order of :meth:`_Bayes.positive`, so it
        is the same float, and one table lookup per word, made once per distinct piece,
        serves both classes.
        """
        s0, s1 = self._bayes.prior
        cache = self._terms
        for k, piece in enumerate(_HAN_RUN.split(text)):
            terms = cache.get(piece)
            if terms is None:
                terms = self._piece_terms(piece, bool(k & 1))
            for t0, t1 in terms:
                s0 += t0
                s1 += t1
        return float(self._bayes.decide_two(s0, s1))

    def sentiments(self, texts: Sequence[str]) -> list[float]:
        """:meth:`sentiment` of each text, the same floats, segmenting runs together.

        Each distinct Han run of all the texts is segmented once, and the runs not in the
        cache are segmented together (:meth:`_Segmenter.segment_many`): a paragraph and
        its sentences share their runs, and many short runs searched in lockstep cost far
        less than one by one. The pieces' terms are then added up text by text exactly as
        :meth:`sentiment` adds them.

        Raises
        ------
        FramingError
            If a text is empty.
        """
        if not all(texts):
            raise FramingError(
                "SnowNLP cannot score an empty text (it divides by zero); gate it first"
            )
        if self._table is None:
            return [self.sentiment(text) for text in texts]
        split = [_HAN_RUN.split(text) for text in texts]
        # Terms of every distinct piece, held here for this call (the shared cache may be
        # emptied meanwhile, or be tiny); Han runs at odd places of each split, the text
        # between them at even places (the two kinds share no character).
        cache = self._terms
        runs = dict.fromkeys(chain.from_iterable(parts[1::2] for parts in split))
        terms: dict[str, tuple[tuple[float, float], ...]] = {}
        for piece in dict.fromkeys(chain.from_iterable(parts[0::2] for parts in split)):
            hit = cache.get(piece)
            terms[piece] = hit if hit is not None else self._piece_terms(piece, False)
        todo = []
        for run in runs:
            hit = cache.get(run)
            if hit is None:
                todo.append(run)
            else:
                terms[run] = hit
        if todo:
            # One table lookup over all the new runs' words (stop words map to None).
            words = self._seg.segment_many(todo)
            found = list(map(self._table.get, chain.from_iterable(words),
                             repeat(self._unseen)))
            ends = list(accumulate(map(len, words)))
            if len(cache) + len(todo) > _RUN_CACHE_SIZE:
                cache.clear()
                cache[""] = ()
            keep = len(todo) <= _RUN_CACHE_SIZE
            for run, start, end in zip(todo, [0, *ends], ends, strict=False):
                terms[run] = run_terms = tuple(filter(None, found[start:end]))
                if keep:
                    cache[run] = run_terms
        prior, decide, get = self._bayes.prior, self._bayes.decide_two, terms.__getitem__
        scores = []
        for parts in split:
            s0, s1 = prior
            # Word by word in text order, as Bayes.positive adds them.
            for t0, t1 in chain.from_iterable(map(get, parts)):
                s0 += t0
                s1 += t1
            scores.append(float(decide(s0, s1)))
        return scores

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
        if self._table is not None:
            return self._score_two(text)
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
