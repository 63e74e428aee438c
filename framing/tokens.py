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
import logging
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jieba

from framing.errors import ConfigError
from framing.textview import analysis_view, count_han

jieba.setLogLevel(logging.WARNING)

#: Frequency given to domain words that jieba's dictionary does not already rank higher.
DOMAIN_WORD_FREQ = 2000

_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-._+&/']*\Z|[0-9]+[A-Za-z][A-Za-z0-9\-._+&/']*\Z")
_NUMBER = re.compile(r"[0-9０-９.,，%％~～\-+]+\Z")


def private_cache_dir() -> Path:
    """Return framing's private cache folder (created with mode 0700).

    ``$FRAMING_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/framing`` or ``~/.cache/framing``.
    jieba's dictionary cache lives in its ``jieba`` subfolder, never in the shared temp folder.
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


def data_path(name: str) -> Path:
    """Path of a data file shipped in ``framing/data``."""
    return Path(str(resources.files("framing").joinpath("data", name)))


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def token_kind(token: str) -> str:
    """Return ``han``, ``latin``, ``number`` or ``punct`` for a token (see module rules)."""
    if count_han(token):
        return "han"
    if _LATIN.match(token):
        return "latin"
    if _NUMBER.match(token) and any(ch.isdigit() for ch in token):
        return "number"
    return "punct"


@dataclass(frozen=True)
class Token:
    """One token of a text: ``text`` is the analysis form of ``original[start:end]``."""

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
    """

    def __init__(
        self,
        terms_path: str | os.PathLike[str] | None = None,
        entities_path: str | os.PathLike[str] | None = None,
        hmm: bool = True,
    ) -> None:
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
            if w[0].isascii() and w[0].isalnum():
                pat = r"(?<![A-Za-z0-9])" + pat
            if w[-1].isascii() and w[-1].isalnum():
                pat = pat + r"(?![A-Za-z0-9])"
            parts.append(pat)
        self._protected = re.compile("|".join(parts)) if parts else None
        self._han_words = sorted(w for w in terms if all(count_han(ch) for ch in w))
        self._jieba: jieba.Tokenizer | None = None

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
            tk.initialize()
            for w in self._han_words:
                tk.add_word(w, freq=max(DOMAIN_WORD_FREQ, tk.FREQ.get(w, 0) or 0))
            self._jieba = tk
        return self._jieba

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["_jieba"] = None  # rebuilt lazily in each worker process
        return state

    def _spans(self, view: str) -> list[tuple[int, int]]:
        """Token spans of an analysis view, white space dropped."""
        tk = self._tk()
        spans: list[tuple[int, int]] = []

        def cut(lo: int, hi: int) -> None:
            if lo >= hi:
                return
            for _w, s, e in tk.tokenize(view[lo:hi], HMM=self.hmm):
                spans.append((lo + s, lo + e))

        pos = 0
        if self._protected is not None:
            for m in self._protected.finditer(view):
                cut(pos, m.start())
                spans.append((m.start(), m.end()))
                pos = m.end()
        cut(pos, len(view))
        return [(s, e) for s, e in spans if view[s:e].strip()]

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
        stops = stopwords()
        out = []
        for s, e in self._spans(view):
            tok = view[s:e]
            out.append(
                Token(tok, s, e, token_kind(tok), tok in stops, self.aliases.get(tok, ""))
            )
        return out


@functools.lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The process-wide tokenizer built from the shipped dictionary files."""
    return Tokenizer()
