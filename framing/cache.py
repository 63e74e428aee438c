"""Per-article result cache: content-addressed, JSON in SQLite, in framing's private folder.

``framing analyze`` stores what the per-article stages computed for each article (see
:mod:`framing.engine`) under a key that hashes everything the result depends on: the
article's id, title and text, the codebook, the dictionaries, the sentiment lexicon, the
library versions and the format version of the result. A rerun looks each article up and
recomputes only the misses, so adding 100 articles to a large corpus redoes the per-article
work for those 100 only. Because a hit returns exactly what was stored, and what is stored is
exactly what a fresh computation returns (JSON keeps Python floats to the last bit, and the
packed integer and float columns of :func:`framing.engine.pack` are stored as their raw bytes),
the outputs of a cached run equal a full recomputation byte for byte (tested).

What is stored for a result (:func:`encode`): :data:`MAGIC`, the length of a JSON header
(8 bytes, little-endian), the header (the result as JSON, each packed column replaced by a
reference ``{"$array": typecode, "at": offset, "n": count}``, each list of strings by
``{"$strings": offset, "n": count, "size": bytes}``), then the columns' bytes one after the
other (numbers little-endian; strings UTF-8, joined by :data:`STRING_SEP`); the whole
compressed with Zstandard (pyarrow's codec) behind its length. Raw bytes instead of base64
inside the JSON: an article's tokens table alone holds four integer columns, and base64 made
the JSON a third larger and its writing, compression and reading slower (together about 40 %
of the encoding time). Joined strings instead of JSON string lists: one ``join`` and one
``split`` instead of quoting each token, a quarter less encoding time.

Why SQLite and JSON: one file with transactions, so a run killed while writing leaves the
previous entries intact and never a half-written one; and JSON plus raw numbers, not pickle,
because nothing framing reads from disk may execute code when it is loaded. Each entry also
stores the SHA-256 of its uncompressed bytes, checked on every read: an entry that does not
match (or cannot be read) is treated as a miss and overwritten.

Settings records: each entry also stores the fingerprint of the settings it was made under
(:func:`framing.engine.fingerprint`), and the ``settings`` table the first and latest time a
run used each fingerprint (:meth:`ResultCache.use`), the framing version and the codebook.
A framing release that changes the per-article code, or another codebook, makes a new set of
entries (about 1.3 GB per 100,000 articles); :func:`cache_summary` lists the cache by
settings and :func:`prune_cache` removes the entries of settings not used for a number of
days (``framing cache info`` and ``framing cache prune``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

#: File name of the cache database inside the cache folder.
CACHE_FILE = "article-results-v1.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    payload BLOB NOT NULL,
    settings TEXT
);
CREATE TABLE IF NOT EXISTS settings (
    fingerprint TEXT PRIMARY KEY,
    first_used TEXT NOT NULL,
    last_used TEXT NOT NULL,
    framing_version TEXT NOT NULL,
    codebook TEXT NOT NULL
);
"""
# (``results.settings``, the fingerprint an entry was made under, came with the ``settings``
# table; a cache file written before has the column added, empty: see ResultCache.)
_INDEX = "CREATE INDEX IF NOT EXISTS results_by_settings ON results (settings)"


def default_cache_dir() -> Path:
    """framing's private cache folder (``$FRAMING_CACHE_DIR`` or ``~/.cache/framing``)."""
    from framing.tokens import private_cache_dir

    return private_cache_dir()


#: First bytes of every stored result (:func:`encode`); a change of layout changes it.
MAGIC = b"FRC3"
#: Key marking a packed number column (:class:`array.array`) in the stored JSON header.
ARRAY_KEY = "$array"
#: Largest uncompressed entry read back (1 GiB): a damaged length could otherwise ask for any
#: amount of memory before the hash is checked. An article's entry is about 75 kB per
#: thousand characters of text.
MAX_ENTRY_BYTES = 1 << 30
#: Key marking a list of one string repeated (an article's ``doc_id`` column) in the stored
#: JSON: ``{"$repeat": value, "n": count}``.
REPEAT_KEY = "$repeat"
#: Key marking a list of strings stored as bytes after the header (:class:`_Blobs`).
STRINGS_KEY = "$strings"
#: Separator of the joined strings: the ASCII unit separator. A list in which a string holds
#: it stays a JSON list (the count of separators tells).
STRING_SEP = "\x1f"


class _Blobs:
    """The columns of one result being encoded, as bytes after the JSON header: packed number
    columns (``default`` for :func:`json.dumps`; little-endian, exact to the bit, NaN and
    -0.0 included) and lists of strings (:meth:`strings`), each leaving a reference in its
    place."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def _add(self, raw: bytes) -> int:
        at = self.size
        self.parts.append(raw)
        self.size += len(raw)
        return at

    def default(self, value: object) -> dict:
        if isinstance(value, array) and value.typecode in "qd":
            raw = value.tobytes() if sys.byteorder == "little" else _swapped(value).tobytes()
            return {ARRAY_KEY: value.typecode, "at": self._add(raw), "n": len(value)}
        raise TypeError(f"cannot store a {type(value).__name__} in the cache")

    def strings(self, values: list) -> dict | None:
        """The reference of ``values`` joined and stored, or None when they are not all
        strings or one of them holds :data:`STRING_SEP` (they then stay a JSON list)."""
        try:
            joined = STRING_SEP.join(values)
        except TypeError:  # not all strings
            return None
        if joined.count(STRING_SEP) != len(values) - 1:
            return None
        raw = joined.encode("utf-8")
        return {STRINGS_KEY: self._add(raw), "n": len(values), "size": len(raw)}


class _Damaged(Exception):
    """Stored bytes that do not form an entry (never raised past :func:`decode`)."""


def _object_hook(body: memoryview) -> Callable[[dict], object]:
    """The JSON object hook that turns the header's references back into columns (read
    from ``body``, the bytes after the header) and the folded repeats into lists."""

    def hook(obj: dict) -> object:
        n_keys = len(obj)
        if n_keys == 3 and ARRAY_KEY in obj:
            typecode, at, n = obj[ARRAY_KEY], obj.get("at"), obj.get("n")
            if (typecode not in ("q", "d") or type(at) is not int or type(n) is not int
                    or at < 0 or n < 0 or at + 8 * n > len(body)):
                raise _Damaged(f"bad column reference {obj!r}")
            out = array(typecode)
            out.frombytes(body[at : at + 8 * n])
            return out if sys.byteorder == "little" else _swapped(out)
        if n_keys == 3 and STRINGS_KEY in obj:
            at, n, size = obj[STRINGS_KEY], obj.get("n"), obj.get("size")
            if (type(at) is not int or type(n) is not int or type(size) is not int
                    or at < 0 or n < 1 or size < 0 or at + size > len(body)):
                raise _Damaged(f"bad strings reference {obj!r}")
            values = str(body[at : at + size], "utf-8").split(STRING_SEP)
            if len(values) != n:
                raise _Damaged(f"{len(values)} strings where {n} were stored")
            return values
        if n_keys == 2 and REPEAT_KEY in obj and type(obj[REPEAT_KEY]) is str:
            return [obj[REPEAT_KEY]] * obj["n"]
        return obj

    return hook


def _swapped(values: array) -> array:
    out = array(values.typecode, values)
    out.byteswap()
    return out


def _folded(value: dict, blobs: _Blobs) -> dict:
    """``value`` with the lists of strings inside it and its nested dicts folded: a list of
    one string repeated (two or more times; each per-article table repeats its article's
    id on every row) becomes a :data:`REPEAT_KEY` marker, another list of strings goes to
    ``blobs`` (:meth:`_Blobs.strings`). Lists are not searched inside; ``value`` is not
    changed."""
    out = {}
    for key, v in value.items():
        kind = type(v)
        if kind is dict:
            v = _folded(v, blobs)
        elif kind is list and len(v) > 1 and type(v[0]) is str:
            if v.count(v[0]) == len(v):
                v = {REPEAT_KEY: v[0], "n": len(v)}
            else:
                v = blobs.strings(v) or v
        out[key] = v
    return out


class Encoded(NamedTuple):
    """A result ready to store: SHA-256 of its stored bytes and those bytes compressed."""

    sha256: str
    payload: bytes


def stored_bytes(result: object) -> bytes:
    """The uncompressed bytes stored for a result (module docstring): JSON header with floats
    exact and NaN kept, repeated ids folded, packed columns and lists of strings as raw bytes
    after it."""
    blobs = _Blobs()
    folded = _folded(result, blobs) if type(result) is dict else result
    head = json.dumps(folded, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True, default=blobs.default).encode("utf-8")
    return b"".join([MAGIC, len(head).to_bytes(8, "little"), head, *blobs.parts])


def _compress(raw: bytes) -> bytes:
    import pyarrow as pa

    # Zstandard at pyarrow's default level: for these entries about 2.5 times as fast as
    # zlib at level 1, and a little smaller.
    return len(raw).to_bytes(8, "little") + pa.compress(raw, codec="zstd", asbytes=True)


def uncompressed(payload: bytes) -> bytes:
    """The bytes :func:`encode` compressed (raises :class:`ValueError` when they cannot be)."""
    import pyarrow as pa

    size = int.from_bytes(payload[:8], "little")
    if len(payload) < 8 or size > MAX_ENTRY_BYTES:
        raise ValueError("not a stored entry")
    try:
        return pa.decompress(payload[8:], decompressed_size=size, codec="zstd", asbytes=True)
    except (OSError, pa.ArrowException) as exc:
        raise ValueError(f"not a stored entry: {exc}") from exc


def encode(result: object) -> Encoded:
    """A result (JSON values and packed columns) → SHA-256 of its stored bytes
    (:func:`stored_bytes`) and those bytes compressed."""
    raw = stored_bytes(result)
    return Encoded(hashlib.sha256(raw).hexdigest(), _compress(raw))


def decode(sha256: str, payload: bytes) -> object | None:
    """The stored result, or None when the bytes cannot be read or do not match their
    recorded hash."""
    try:
        raw = uncompressed(payload)
    except ValueError:
        return None
    if hashlib.sha256(raw).hexdigest() != sha256:
        return None
    view = memoryview(raw)
    n_head = int.from_bytes(view[4:12], "little")
    if view[:4] != MAGIC or 12 + n_head > len(view):
        return None
    try:
        return json.loads(bytes(view[12 : 12 + n_head]).decode("utf-8"),
                          object_hook=_object_hook(view[12 + n_head :]))
    except (_Damaged, ValueError, TypeError, KeyError):
        return None


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
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(results)")}
        if "settings" not in columns:  # a cache file from before the settings were recorded
            self._db.execute("ALTER TABLE results ADD COLUMN settings TEXT")
        self._db.execute(_INDEX)
        self._db.commit()
        self._settings: str | None = None

    def use(self, fingerprint: str, framing_version: str, codebook: str,
            now: datetime | None = None) -> None:
        """Record that a run uses the settings ``fingerprint`` (now): the entries it stores
        carry it, and :func:`prune_cache` keeps them while these settings were used recently.

        Parameters
        ----------
        fingerprint : str
            :func:`framing.engine.fingerprint` of the run's settings.
        framing_version, codebook : str
            Shown by :func:`cache_summary` (which framing, which codebook made them).
        now : datetime, optional
            The time recorded (default: the current time, UTC).
        """
        stamp = _stamp(now)
        with self._db:
            self._db.execute(
                "INSERT INTO settings (fingerprint, first_used, last_used, framing_version, "
                "codebook) VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET "
                "last_used = excluded.last_used",
                (fingerprint, stamp, stamp, framing_version, codebook))
        self._settings = fingerprint

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
                if hashlib.sha256(uncompressed(payload)).hexdigest() == sha:
                    out.add(key)
            except ValueError:
                pass
        return out

    def put_many(self, items: Mapping[str, object]) -> None:
        """Store results (one transaction: all of them or none).

        A value may be already :class:`Encoded` (workers encode their own results, so the
        process writing the cache does not spend its time on JSON and compression).
        """
        from framing.atomic import kill_point

        rows = [(key, *(value if isinstance(value, Encoded) else encode(value)),
                 self._settings) for key, value in items.items()]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO results (key, sha256, payload, settings) "
                "VALUES (?, ?, ?, ?)", rows
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


def _stamp(when: datetime | None = None) -> str:
    """A UTC time as ISO 8601 to the second (``2026-11-24T08:30:00Z``)."""
    when = (when or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


#: Columns of :func:`cache_summary`, with what each holds.
SUMMARY_COLUMNS = {
    "settings": "fingerprint of the settings the entries were made under "
                "(framing.engine.fingerprint); empty for entries stored before framing "
                "recorded it",
    "entries": "stored article results",
    "mib": "their compressed size, MiB",
    "first_used": "first run with these settings (UTC)",
    "last_used": "latest run with these settings (UTC)",
    "framing_version": "framing's version in that run",
    "codebook": "codebook version and the start of its SHA-256",
    "current": "whether these are the settings of this framing with the shipped codebook",
}


def _open_existing(folder: str | Path | None) -> ResultCache | None:
    """The cache in ``folder`` (default :func:`default_cache_dir`), None if it has none."""
    root = Path(folder) if folder is not None else default_cache_dir()
    return ResultCache(root) if (root / CACHE_FILE).is_file() else None


def cache_summary(folder: str | Path | None = None, current: str | None = None
                  ) -> pd.DataFrame:
    """What the result cache holds, by the settings its entries were made under.

    Parameters
    ----------
    folder : path, optional
        The cache folder (default: ``$FRAMING_CACHE_DIR`` or ``~/.cache/framing``).
    current : str, optional
        Fingerprint to mark in the ``current`` column (the CLI passes the one of this
        framing with the shipped codebook).

    Returns
    -------
    DataFrame
        One row per settings fingerprint (:data:`SUMMARY_COLUMNS`), the most recently used
        first; no rows when there is no cache. ``attrs["path"]`` is the cache file and
        ``attrs["file_mib"]`` its size on disk.
    """
    import pandas as pd

    store = _open_existing(folder)
    if store is None:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS})
        out.attrs.update(path=None, file_mib=0.0)
        return out
    with store:
        # length() of a blob is read from the record header: the payloads are not loaded
        counts = pd.DataFrame(
            store._db.execute("SELECT COALESCE(settings, ''), COUNT(*), "
                              "COALESCE(SUM(LENGTH(payload)), 0) FROM results "
                              "GROUP BY settings").fetchall(),
            columns=["settings", "entries", "bytes"])
        known = pd.DataFrame(
            store._db.execute("SELECT fingerprint, first_used, last_used, framing_version, "
                              "codebook FROM settings").fetchall(),
            columns=["settings", "first_used", "last_used", "framing_version", "codebook"])
        path = store.path
    out = known.merge(counts, on="settings", how="outer").fillna(
        {"entries": 0, "bytes": 0, "first_used": "", "last_used": "", "framing_version": "",
         "codebook": ""})
    out["entries"] = out["entries"].astype("int64")
    out["mib"] = (out["bytes"] / 2**20).round(1)
    out["current"] = out["settings"] == current
    out = out.sort_values(["last_used", "settings"], ascending=[False, True],
                          kind="mergesort").reset_index(drop=True)[list(SUMMARY_COLUMNS)]
    out.attrs.update(path=str(path), file_mib=round(path.stat().st_size / 2**20, 1))
    return out


def prune_cache(folder: str | Path | None = None, older_than_days: float = 30.0,
                dry_run: bool = False, now: datetime | None = None) -> dict:
    """Remove the entries of every settings fingerprint not used for ``older_than_days``.

    Entries stored before framing recorded the settings (no fingerprint) go too. The
    database is then rewritten (SQLite ``VACUUM``) so the file shrinks; that needs free disk
    space about the size of what is kept.

    Parameters
    ----------
    folder : path, optional
        The cache folder (default: ``$FRAMING_CACHE_DIR`` or ``~/.cache/framing``).
    older_than_days : float
        Settings whose latest run is at least this old are removed (0 removes everything).
    dry_run : bool
        Only report what would be removed.
    now : datetime, optional
        The time the ages are counted from (default: now).

    Returns
    -------
    dict
        ``removed_entries``, ``removed_settings`` (their fingerprints, sorted),
        ``kept_entries``, ``file_mib_before`` and ``file_mib_after``.

    Raises
    ------
    ConfigError
        A negative ``older_than_days``.
    """
    from framing.errors import ConfigError

    if not older_than_days >= 0:
        raise ConfigError(f"--older-than must be 0 or more days, got {older_than_days}")
    store = _open_existing(folder)
    if store is None:
        return {"removed_entries": 0, "removed_settings": [], "kept_entries": 0,
                "file_mib_before": 0.0, "file_mib_after": 0.0}
    cutoff = _stamp((now or datetime.now(UTC)) - timedelta(days=older_than_days))
    with store:
        db = store._db
        before = round(store.path.stat().st_size / 2**20, 1)
        stale = sorted(f for (f,) in db.execute(
            "SELECT fingerprint FROM settings WHERE last_used <= ?", (cutoff,)))
        # settings that have entries but no record (entries from before the records)
        unrecorded = "settings IS NULL OR settings NOT IN (SELECT fingerprint FROM settings)"
        gone = f"({unrecorded} OR settings IN (SELECT fingerprint FROM settings " \
               "WHERE last_used <= ?))"
        removed = int(db.execute(f"SELECT COUNT(*) FROM results WHERE {gone}",
                                 (cutoff,)).fetchone()[0])
        kept = len(store) - removed
        if not dry_run:
            with db:
                db.execute(f"DELETE FROM results WHERE {gone}", (cutoff,))
                db.execute("DELETE FROM settings WHERE last_used <= ?", (cutoff,))
            db.execute("VACUUM")
        after = round(store.path.stat().st_size / 2**20, 1)
    return {"removed_entries": removed, "removed_settings": stale, "kept_entries": kept,
            "file_mib_before": before, "file_mib_after": after}
