"""Tokens and entities from one isolated jieba tokenizer.

framing never uses jieba's global tokenizer (``jieba.dt``) and never reads jieba's cache from
the shared temp folder: each :class:`Tokenizer` owns a ``jieba.Tokenizer`` whose cache lives
in a private folder (see :func:`private_cache_dir`).

Rules
-----
- Tokenisation runs on the analysis view (:func:`framing.textview.analysis_view`), so every
  dictionary entry is written once, in any script, and matched in Traditional and Simplified
  text alike. Offsets of the view are offsets of the original.
- **Domain dictionary.** ``framing/data/domain_terms.csv`` (people, companies, labs, products
  and story terms) and every alias of ``framing/data/entities.csv`` are added to the
  tokenizer. Entries made only of Han characters are added as jieba words; entries with Latin
  letters, digits, spaces or other signs (``Sam Altman``, ``Llama 4``, ``GPT-4``) are found
  first with one regular expression (longest entry first, case-sensitive, never inside a
  longer Latin word or number) and kept whole, and jieba segments the text between them.
  (jieba itself splits on spaces.)
- **Segmentation backend.** jieba is the reference. By default the Han blocks are cut by
  rjieba (the Rust port jieba-rs), about 20 times faster, loaded with *this* tokenizer's jieba
  dictionary, frequencies and total (domain words included), so it computes the same routes
  and HMM splits. The two differ only where jieba's HMM meets Latin letters or digits
  (``GPT-4``: jieba ``GPT/-/4``, jieba-rs ``GPT-4``), and on rare Han characters that
  jieba-rs counts as Han and jieba does not. So every jieba block that is not purely Han
  (letters, digits, ``+#&._%-``) is cut by jieba itself, and a text containing a rare Han
  character (CJK extension A, compatibility ideographs, supplementary planes, U+9FD6-U+9FFF)
  goes to jieba whole. ``tests/test_tokens.py`` proves token identity with jieba on the
  shipped corpus, the seeds, a benchmark corpus and generated strings. Set
  ``FRAMING_SEGMENTER=jieba`` (or ``Tokenizer(backend="jieba")``) to use jieba alone; without
  the rjieba package the tokenizer falls back to jieba.
- **Entities.** A token that is an alias is an entity mention; the alias table maps every
  spelling (祖克柏, 扎克伯格, Zuckerberg ...) to one canonical entity.
- **Stopwords** are the ``zh`` list of stopwords-iso (package ``stopwordsiso``), compared on
  the analysis view; tokens keep a ``stop`` flag rather than being removed.
- **Kinds**: ``han`` (has a Han character), ``latin`` (letters, possibly with digits or
  ``-._+&/'``), ``number`` (digits and number signs only), ``punct`` (everything else).
  White-space tokens are dropped.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import itertools
import logging
import marshal
import operator
import os
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import jieba

from framing.atomic import write_bytes
from framing.errors import ConfigError
from framing.filehash import file_sha256
from framing.textview import analysis_view, count_han

jieba.setLogLevel(logging.WARNING)

#: Frequency given to domain words that jieba's dictionary does not already rank higher.
DOMAIN_WORD_FREQ = 2000

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-._+&/']*\Z|[0-9]+[A-Za-z][A-Za-z0-9\-._+&/']*\Z")
_NUMBER = re.compile(r"[0-9０-９.,，%％~～\-+]+\Z")

#: Characters of jieba's blocks (``jieba.re_han_default``): each block is segmented on its own.
_BLOCK_CHARS = "\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-"
#: A jieba block holding one of ``+#&._%-``: the blocks cut by jieba, the rest going to
#: rjieba. The two part only there: when jieba's HMM meets Latin or digits in a run of
#: unknown characters it splits them with ``[a-zA-Z0-9]+(?:\.\d+)?%?``, and jieba-rs writes
#: that pattern with an unescaped dot (``GPT-4`` stays whole); a block of Han, Latin letters
#: and digits alone gives both the same runs (the equivalence tests in tests/test_tokens.py).
#: The look-behind makes a match start at a block's start; the possessive run of the other
#: block characters then needs one of these, so a block without one fails at once (linear).
_MIXED_BLOCK = re.compile(f"(?<![{_BLOCK_CHARS}])[\u4E00-\u9FD5a-zA-Z0-9]*+[+#&\\._%\\-]"
                          f"[{_BLOCK_CHARS}]*")
#: Characters jieba-rs puts inside its blocks but jieba does not (so the two would cut the
#: text around them differently): a text containing one is segmented by jieba alone.
_RS_ONLY_BLOCK = re.compile("[\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF]")
#: Token forms a tokenizer remembers the analysis of (emptied when full: bounds memory). News
#: text keeps bringing new forms (names, numbers), so a cache kept until it is full grows
#: with the corpus; at about 110 bytes a form this holds about 14 MB, and refilling it costs
#: a few microseconds per form.
FORM_CACHE_SIZE = 1 << 17
#: Non-Han blocks (``2025年``, ``GPT-4``) whose jieba cut a tokenizer remembers (emptied
#: when full). A block costs about 900 bytes (its words and their offsets) and a news corpus
#: brings some six new ones per article, so this bounds the cache to about 15 MB; cutting a
#: block again costs some tens of microseconds.
BLOCK_CACHE_SIZE = 1 << 14
#: Segmentation backends (``FRAMING_SEGMENTER``): ``auto`` uses rjieba when installed.
BACKENDS = ("auto", "jieba", "rjieba")


def private_cache_dir() -> Path:
    """Return framing's private cache folder (created with mode 0700).

    ``$FRAMING_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/framing`` or ``~/.cache/framing``.
    jieba's dictionary cache (and framing's prepared dictionary, :func:`_load_prepared`)
    lives in its ``jieba`` subfolder, never in the shared temp folder.
    That subfolder must belong to the user and is kept at mode 0700 (checked when the
    tokenizer starts), because jieba loads its cache with ``marshal``.
    """
    root = os.environ.get("FRAMING_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "framing")
    path = Path(root)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _check_private(folder: Path) -> None:
    """Make sure only this user can write ``folder`` (jieba's cache is loaded with marshal).

    A folder this user owns is set to mode 0700; one owned by another user is refused.
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows: per-user profile folders are private
        return
    st = folder.stat()
    if st.st_uid != getuid():
        raise ConfigError(
            f"{folder}: cache folder belongs to another user (uid {st.st_uid}); framing "
            "loads jieba's cache from it and will not trust it. Set FRAMING_CACHE_DIR to a "
            "folder of your own."
        )
    if st.st_mode & 0o077:
        folder.chmod(0o700)


#: File names (in the private cache's ``jieba`` folder) of prepared dictionaries, and the
#: version of their layout.
PREPARED_PREFIX = "framing-prefix-dict-"
PREPARED_FORMAT = 1


def _load_prepared(path: Path, key: str) -> tuple[dict[str, int], int] | None:
    """The prepared prefix dictionary ``(FREQ, total)`` stored under ``key``, or None when
    the file is missing, was written for another key, or is damaged.

    jieba reads its own cache with ``marshal.load`` on the open file, which fetches each of
    its half a million entries from the file object (0.66 s here); ``marshal.loads`` on the
    file's bytes takes 0.17 s. The private folder is checked first (:func:`_check_private`):
    marshal data is trusted like code.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        # trusted like jieba's own cache: the folder is private (_check_private)
        stored_key, freq, total = marshal.loads(data)  # noqa: S302
    except (EOFError, ValueError, TypeError):
        return None
    if stored_key != key or not isinstance(freq, dict) or not isinstance(total, int):
        return None
    return freq, total


def _save_prepared(path: Path, key: str, freq: dict[str, int], total: int) -> None:
    """Store the prepared dictionary (atomically) and remove the ones of other keys."""
    try:
        write_bytes(path, marshal.dumps((key, freq, total)))
        for old in path.parent.glob(f"{PREPARED_PREFIX}*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache only costs speed
        logging.getLogger(__name__).warning("could not store %s: %s", path, exc)


def data_path(name: str) -> Path:
    """Path of a data file shipped in ``framing/data``."""
    return Path(str(resources.files("framing").joinpath("data", name)))


def token_kind(token: str) -> str:
    """Return ``han``, ``latin``, ``number`` or ``punct`` for a token (see module rules)."""
    if count_han(token):
        return "han"
    if _LATIN.match(token):
        return "latin"
    if _NUMBER.match(token) and any(ch.isdigit() for ch in token):
        return "number"
    return "punct"


class Token(NamedTuple):
    """One token of a text: ``text`` is the analysis form of ``original[start:end]``.

    A named tuple rather than a dataclass: a corpus has millions of tokens, and a tuple is
    built about three times faster.
    """

    text: str
    start: int
    end: int
    kind: str
    stop: bool
    entity: str


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The ``zh`` stopword list of stopwords-iso, in analysis-view form."""
    import stopwordsiso

    return frozenset(analysis_view(w) for w in stopwordsiso.stopwords("zh"))


class Tokenizer:
    """An isolated jieba tokenizer with framing's domain dictionary and alias table.

    Parameters
    ----------
    terms_path, entities_path : path, optional
        Domain dictionary and alias table (CSV); default to the files shipped in
        ``framing/data``.
    hmm : bool
        Let jieba's HMM join unknown characters into words (jieba's default, on).
    backend : {"auto", "jieba", "rjieba"}, optional
        Who cuts the pure Han blocks (see the module notes); default ``$FRAMING_SEGMENTER``
        or ``auto`` (rjieba when installed, else jieba). Tokens are the same either way.
    """

    def __init__(
        self,
        terms_path: str | os.PathLike[str] | None = None,
        entities_path: str | os.PathLike[str] | None = None,
        hmm: bool = True,
        backend: str | None = None,
    ) -> None:
        backend = backend or os.environ.get("FRAMING_SEGMENTER") or "auto"
        if backend not in BACKENDS:
            raise ConfigError(
                f"segmenter backend {backend!r} (FRAMING_SEGMENTER) is not one of "
                f"{', '.join(BACKENDS)}"
            )
        if backend == "auto":
            backend = "rjieba" if importlib.util.find_spec("rjieba") else "jieba"
        self.backend = backend
        self.terms_path = Path(terms_path) if terms_path else data_path("domain_terms.csv")
        self.entities_path = Path(entities_path) if entities_path else data_path("entities.csv")
        self.hmm = hmm
        self.aliases: dict[str, str] = {}
        self.entity_types: dict[str, str] = {}
        for row in _read_csv(self.entities_path):
            alias = analysis_view(row["alias"].strip())
            self.aliases[alias] = row["entity"].strip()
            self.entity_types[row["entity"].strip()] = row.get("type", "").strip()
        terms = {analysis_view(r["term"].strip()) for r in _read_csv(self.terms_path)}
        terms.update(self.aliases)
        terms.discard("")
        self.words = frozenset(terms)
        protected = sorted(
            (w for w in terms if not all(count_han(ch) for ch in w)), key=lambda w: (-len(w), w)
        )
        parts = []
        for w in protected:
            pat = re.escape(w)
            if w[-1].isascii() and w[-1].isalnum():
                pat += r"(?![A-Za-z0-9])"
            if w[0].isascii() and w[0].isalnum():
                # "not after a letter or digit", checked once the entry has matched: with
                # every branch starting on a literal, the regex engine skips ahead to the
                # possible first characters (about 20 times faster than a leading lookbehind).
                pat += r"(?<![A-Za-z0-9]" + re.escape(w) + ")"
            parts.append(pat)
        self._protected = re.compile("|".join(parts)) if parts else None
        self._han_words = sorted(w for w in terms if all(count_han(ch) for ch in w))
        self._jieba: jieba.Tokenizer | None = None
        self._rs: object | None = None
        self._forms = _FormInfo(self.aliases)
        self._blocks: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = {}

    @property
    def dictionary_hashes(self) -> dict[str, str]:
        """SHA-256 of the domain dictionary and the alias table, for run manifests."""
        return {
            "domain_terms": file_sha256(self.terms_path),
            "entities": file_sha256(self.entities_path),
        }

    def _tk(self) -> jieba.Tokenizer:
        if self._jieba is None:
            tk = jieba.Tokenizer()
            cache = private_cache_dir() / "jieba"
            cache.mkdir(mode=0o700, exist_ok=True)
            _check_private(cache)
            tk.tmp_dir = str(cache)
            # The prefix dictionary with the domain words added, as framing last built it
            # for this jieba dictionary and these words (a worker's first 0.2 s instead of
            # jieba's 0.7 s: see _load_prepared).
            key = self._prepared_key(tk)
            prepared = cache / f"{PREPARED_PREFIX}{key[:32]}.marshal"
            state = _load_prepared(prepared, key)
            if state is not None:
                tk.FREQ, tk.total = state
                tk.initialized = True
            else:
                tk.initialize()
                for w in self._han_words:
                    tk.add_word(w, freq=max(DOMAIN_WORD_FREQ, tk.FREQ.get(w, 0) or 0))
                _save_prepared(prepared, key, tk.FREQ, tk.total)
            self._jieba = tk
        return self._jieba

    def _prepared_key(self, tk: jieba.Tokenizer) -> str:
        """What the prepared dictionary is made of: jieba's version and dictionary bytes,
        the domain words and their frequency floor."""
        h = hashlib.sha256(f"{PREPARED_FORMAT}\0{jieba.__version__}\0".encode())
        with tk.get_dict_file() as fh:  # jieba's dictionary (5 MB: 7 ms to hash)
            h.update(hashlib.sha256(fh.read()).digest())
        h.update(f"\0{DOMAIN_WORD_FREQ}\0{self.hmm}\0".encode())
        h.update("\n".join(self._han_words).encode("utf-8"))
        return h.hexdigest()

    def _rjieba(self) -> object:
        """rjieba loaded with exactly this tokenizer's jieba dictionary.

        jieba adds every word's frequency to its total, also when a word is added twice (a
        duplicate dictionary line, a domain word already in the dictionary); jieba-rs replaces
        the old frequency. A placeholder word made of private-use characters (never inside a
        block, so never matched) carries the difference, so both compute with the same total.
        """
        if self._rs is None:
            import rjieba

            tk = self._tk()
            rs = rjieba.Jieba.empty()
            summed = 0
            for word, freq in tk.FREQ.items():
                if freq:  # zero-frequency entries are jieba's prefix marks, not words
                    rs.add_word(word, freq, None)
                    summed += freq
            if tk.total > summed:
                rs.add_word("\ue000\ue001", tk.total - summed, None)
            self._rs = rs
        return self._rs

    def release(self) -> None:
        """Drop the loaded dictionaries (jieba's and rjieba's, a few hundred megabytes) and
        the block memo; the next tokenisation loads them again. The process that ran the
        per-article stages calls this before the corpus-wide ones, which never tokenise a
        whole corpus (:func:`framing.engine.release_models`)."""
        self._jieba = None
        self._rs = None
        self._blocks = {}

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["_jieba"] = None  # rebuilt lazily in each worker process
        state["_rs"] = None
        return state

    def _spans(self, view: str) -> list[tuple[int, int]]:
        """Token spans of an analysis view, white space dropped."""
        return [(t.start, t.end) for t in self.tokenize_view(view)]

    def _pieces(self, view: str) -> list[tuple[int, int, bool]]:
        """Split a view into ``(start, end, protected)`` pieces, in order.

        Protected pieces are Latin-script dictionary entries kept whole; the others are
        segmented.
        """
        pieces = []
        pos = 0
        if self._protected is not None:
            for m in self._protected.finditer(view):
                if pos < m.start():
                    pieces.append((pos, m.start(), False))
                pieces.append((m.start(), m.end(), True))
                pos = m.end()
        if pos < len(view):
            pieces.append((pos, len(view), False))
        return pieces

    def _cut(self, view: str, lo: int, hi: int) -> list[_Chunk]:
        """Segment ``view[lo:hi]`` (no protected entry inside) into chunks of tokens.

        Each chunk is ``(offset, words, starts, ends)``: the words of one stretch of the
        view, with offsets relative to ``offset`` (an offset in ``view``). Columns rather
        than one tuple per token, so that :meth:`tokenize_view` moves them in bulk.
        """
        text = view[lo:hi]
        if self.backend != "rjieba" or _RS_ONLY_BLOCK.search(text):
            return [(lo, *_columns(self._tk().tokenize(text, HMM=self.hmm)))]
        rs = self._rjieba()
        chunks: list[_Chunk] = []
        # jieba cuts each block on its own, so the text splits at block edges: stretches
        # without a non-Han block go to rjieba, the non-Han blocks to jieba.
        pos = 0
        for m in _MIXED_BLOCK.finditer(text):
            if pos < m.start():
                stretch = rs.tokenize(text[pos:m.start()], "default", self.hmm)
                chunks.append((lo + pos, *_columns(stretch)))
            chunks.append((lo + m.start(), *self._jieba_block(m.group())))
            pos = m.end()
        if pos < len(text):
            chunks.append((lo + pos, *_columns(rs.tokenize(text[pos:], "default", self.hmm))))
        return chunks

    def _jieba_block(self, block: str) -> tuple[tuple[str, ...], tuple[int, ...],
                                                 tuple[int, ...]]:
        """jieba's ``(words, starts, ends)`` of one block (memoised: ``2025``, ``Meta`` or
        ``GPT-4`` recur)."""
        cut = self._blocks.get(block)
        if cut is None:
            cut = _columns(self._tk().tokenize(block, HMM=self.hmm))
            if len(self._blocks) >= BLOCK_CACHE_SIZE:
                self._blocks.clear()
            self._blocks[block] = cut
        return cut

    def tokenize(self, text: str) -> list[Token]:
        """Tokenise a text (any script).

        Parameters
        ----------
        text : str
            Original text; it is converted to its analysis view first.

        Returns
        -------
        list of Token
            One per non-white-space token, in order; ``text[start:end]`` is the token as
            written and ``Token.text`` its analysis form.
        """
        return self.tokenize_view(analysis_view(text))

    def tokenize_view(self, view: str) -> list[Token]:
        """Tokenise a text already converted by :func:`framing.textview.analysis_view`.

        Offsets index ``view``, which has the original text's length, so they index the
        original too. Callers that hold the view already save a second conversion.
        """
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for lo, hi, protected in self._pieces(view):
            chunks = [(lo, (view[lo:hi],), (0,), (hi - lo,))] if protected \
                else self._cut(view, lo, hi)
            for offset, w, s, e in chunks:
                words += w
                if offset:
                    starts += map(offset.__add__, s)
                    ends += map(offset.__add__, e)
                else:  # the first stretch of a view: no new int objects
                    starts += s
                    ends += e
        # Everything per token runs in C through map: one dict lookup for the form's
        # (kind, stop, entity), or None for white space, whose tokens compress() and
        # filter() drop; then the Token is built from the joined tuple.
        infos = list(map(self._forms.__getitem__, words))
        rows = itertools.compress(zip(words, starts, ends, strict=True), infos)
        return list(map(_new_token, map(operator.add, rows, filter(None, infos))))


#: One stretch of a cut view: ``(offset, words, starts, ends)``, offsets relative to
#: ``offset`` (:meth:`Tokenizer._cut`).
_Chunk = tuple[int, Sequence[str], Sequence[int], Sequence[int]]

#: A Token from one tuple of its six fields, made in C (``Token._make`` without its length
#: check, which every caller here satisfies by construction).
_new_token = functools.partial(tuple.__new__, Token)


def _columns(triples: Iterable[tuple[str, int, int]]) -> tuple[tuple, tuple, tuple]:
    """``(word, start, end)`` triples → ``(words, starts, ends)``."""
    cols = tuple(zip(*triples, strict=True))
    return cols if cols else ((), (), ())  # type: ignore[return-value]


class _FormInfo(dict):
    """Token form → ``(kind, stop, entity)``, or None for white space, computed on first
    sight. The misses fill the dict themselves (``__missing__``), so a paragraph's lookups run
    through ``map`` in C. At most :data:`FORM_CACHE_SIZE` forms are kept (emptied when full:
    a cache that stopped filling would keep the forms of the corpus's start, and one kept
    whole would grow with the corpus).
    """

    def __init__(self, aliases: dict[str, str]) -> None:
        super().__init__()
        self.aliases = aliases
        # The distinct infos (a few hundred: kinds × stop × entities), each kept once, so
        # that a cached form costs its key and a slot, not a tuple of its own.
        self.shared: dict[tuple[str, bool, str], tuple[str, bool, str]] = {}

    def __missing__(self, form: str) -> tuple[str, bool, str] | None:
        info = (token_kind(form), form in stopwords(), self.aliases.get(form, "")) \
            if form.strip() else None
        if info is not None:
            info = self.shared.setdefault(info, info)
        if len(self) >= FORM_CACHE_SIZE:
            self.clear()
        self[form] = info
        return info


@functools.lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The process-wide tokenizer built from the shipped dictionary files."""
    return Tokenizer()
