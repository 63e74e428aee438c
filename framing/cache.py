"""Per-article result cache: content-addressed, JSON in SQLite, in framing's private folder.

``framing analyze`` stores what the per-article stages computed for each article (see
:mod:`framing.engine`) under a key that hashes everything the result depends on: the
article's id, title and text, the codebook, the dictionaries, the sentiment lexicon, the
library versions and the format version of the result. A rerun looks each article up and
recomputes only the misses, so adding 100 articles to a large corpus redoes the per-article
work for those 100 only. Because a hit returns exactly what was stored, and what is stored is
exactly what a fresh computation returns (JSON keeps Python floats to the last bit, and the
packed integer and float columns of :func:`framing.engine.pack` are stored as their raw bytes,
base64 in the JSON), the outputs of a cached run equal a full recomputation byte for byte
(tested).

Why SQLite and JSON: one file with transactions, so a run killed while writing leaves the
previous entries intact and never a half-written one; and JSON, not pickle, because nothing
framing reads from disk may execute code when it is loaded. Each entry also stores the
SHA-256 of its JSON text, checked on every read: an entry that does not match is treated as a
miss and overwritten.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

#: File name of the cache database inside the cache folder.
CACHE_FILE = "article-results-v1.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    payload BLOB NOT NULL
)
"""


def default_cache_dir() -> Path:
    """framing's private cache folder (``$FRAMING_CACHE_DIR`` or ``~/.cache/framing``)."""
    from framing.tokens import private_cache_dir

    return private_cache_dir()


#: Key marking a packed number column (:class:`array.array`) in the stored JSON.
ARRAY_KEY = "$array"
#: Key marking a list of one string repeated (an article's ``doc_id`` column) in the stored
#: JSON: ``{"$repeat": value, "n": count}``.
REPEAT_KEY = "$repeat"


def _array_to_json(value: object) -> dict:
    # Packed int64/float64 columns are stored as their raw bytes (little-endian, base64):
    # exact to the bit (NaN, -0.0), and far faster to write and read back than JSON numbers.
    if isinstance(value, array) and value.typecode in "qd":
        raw = value.tobytes() if sys.byteorder == "little" else _swapped(value).tobytes()
        return {ARRAY_KEY: value.typecode, "data": base64.b64encode(raw).decode("ascii")}
    raise TypeError(f"cannot store a {type(value).__name__} in the cache")


def _array_from_json(obj: dict) -> object:
    if len(obj) == 2:
        if ARRAY_KEY in obj:
            out = array(obj[ARRAY_KEY])
            out.frombytes(base64.b64decode(obj["data"]))
            return out if sys.byteorder == "little" else _swapped(out)
        if REPEAT_KEY in obj and type(obj[REPEAT_KEY]) is str:
            return [obj[REPEAT_KEY]] * obj["n"]
    return obj


def _swapped(values: array) -> array:
    out = array(values.typecode, values)
    out.byteswap()
    return out


def _repeats_folded(value: dict) -> dict:
    """``value`` with every list of one string repeated (two or more times) inside it and
    its nested dicts replaced by a :data:`REPEAT_KEY` marker: each per-article table repeats
    its article's id on every row. Lists are not searched inside; ``value`` is not changed."""
    out = {}
    for key, v in value.items():
        kind = type(v)
        if kind is dict:
            v = _repeats_folded(v)
        elif (kind is list and len(v) > 1 and type(v[0]) is str
              and v.count(v[0]) == len(v)):
            v = {REPEAT_KEY: v[0], "n": len(v)}
        out[key] = v
    return out


class Encoded(NamedTuple):
    """A result ready to store: SHA-256 of its JSON text and the compressed bytes."""

    sha256: str
    payload: bytes


def encode(result: object) -> Encoded:
    """JSON text of a result (floats exact, NaN kept, packed columns as bytes, repeated ids
    folded) → its SHA-256 and compressed bytes."""
    folded = _repeats_folded(result) if type(result) is dict else result
    text = json.dumps(folded, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True, default=_array_to_json)
    raw = text.encode("utf-8")
    # Level 1: a third of level 6's time for 20 % more bytes (JSON of news tables compresses
    # about 6:1 either way); the cache is written once per article and run.
    return Encoded(hashlib.sha256(raw).hexdigest(), zlib.compress(raw, 1))


def decode(sha256: str, payload: bytes) -> object | None:
    """The stored result, or None when the bytes do not match their recorded hash."""
    try:
        raw = zlib.decompress(payload)
    except zlib.error:
        return None
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None
    return json.loads(raw.decode("utf-8"), object_hook=_array_from_json)


class ResultCache:
    """A key → JSON-value store in one SQLite file.

    Parameters
    ----------
    folder : path, optional
        Cache folder; defaults to :func:`default_cache_dir`. Created with mode 0700.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        root = Path(folder) if folder is not None else default_cache_dir()
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = root / CACHE_FILE
        # A generous timeout: two runs sharing a cache wait for each other's commits.
        self._db = sqlite3.connect(self.path, timeout=120)
        self._db.execute(_SCHEMA)
        self._db.commit()

    def _select(self, columns: str, keys: Iterable[str]) -> Iterator[tuple]:
        """``columns`` of the stored rows whose key is among ``keys``."""
        keys = list(keys)
        # SQLite limits the number of bound parameters; query in slices.
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            yield from self._db.execute(
                f"SELECT {columns} FROM results WHERE key IN ({marks})", part
            )

    def _rows(self, keys: Iterable[str]) -> Iterator[tuple[str, str, bytes]]:
        """``(key, sha256, payload)`` of the stored keys among ``keys``."""
        return self._select("key, sha256, payload", keys)

    def get_many(self, keys: Iterable[str]) -> dict[str, object]:
        """Stored results of the keys that are present and intact."""
        out: dict[str, object] = {}
        for key, sha, payload in self._rows(keys):
            value = decode(sha, payload)
            if value is not None:
                out[key] = value
        return out

    def raw_many(self, keys: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """``key → (sha256, payload)`` of the stored keys, not decoded or checked
        (:func:`decode` does both, wherever the result is needed)."""
        return {key: (sha, payload) for key, sha, payload in self._rows(keys)}

    def present_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys that have a stored entry (its bytes not checked: see :meth:`intact_keys`)."""
        return {k for (k,) in self._select("key", keys)}

    def intact_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys whose stored bytes are present and match their hash (nothing is parsed).

        Lets a run decide what to compute before it reads the stored results one slice at a
        time (:meth:`get_many`), so a large corpus is never decoded into memory at once.
        """
        out: set[str] = set()
        for key, sha, payload in self._rows(keys):
            try:
                if hashlib.sha256(zlib.decompress(payload)).hexdigest() == sha:
                    out.add(key)
            except zlib.error:
                pass
        return out

    def put_many(self, items: Mapping[str, object]) -> None:
        """Store results (one transaction: all of them or none).

        A value may be already :class:`Encoded` (workers encode their own results, so the
        process writing the cache does not spend its time on JSON and compression).
        """
        from framing.atomic import kill_point

        rows = [(key, *(value if isinstance(value, Encoded) else encode(value)))
                for key, value in items.items()]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO results (key, sha256, payload) VALUES (?, ?, ?)", rows
            )
            kill_point("cache:put:uncommitted")

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
