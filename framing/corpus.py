"""A corpus on disk: ``manifest.csv`` plus article files, read with a ledger of every row.

Layout::

    corpora/NAME/
        manifest.csv        one row per article (UTF-8, header first)
        articles/ID.txt     article texts, UTF-8
        coding/             optional coded sheets for validation

Manifest columns: ``doc_id, outlet, date, date_precision, title, url, script, file, source``
are required; ``text_sha256`` (written by :func:`add_articles`) and ``encoding`` (the declared
encoding of a file that is not UTF-8) are optional; every other column is kept as metadata and
flows through to the outputs.

Rules when reading (:func:`load_corpus`):

- The manifest must be UTF-8 (a BOM is accepted) without NUL bytes; its header must hold every
  required column, once. A quoted field that runs over a line break stops the read with the line
  where it starts: it is what an unclosed quote looks like, and it would swallow the rows after
  it. These problems raise :class:`~framing.errors.CorpusError` (file, line, value).
- Every other problem concerns one row. The row is **skipped** with a code and a reason in the
  ledger, never dropped without a word: wrong number of fields, an empty or malformed
  ``doc_id``, a ``doc_id`` used before, no outlet, a date that cannot be read, a file path that
  is absolute, contains ``..``, a hidden part or a back-slash, or leads outside the corpus
  through a link, a missing or oversized file, bytes that cannot be decoded, an article with no
  text or with a line longer than :data:`MAX_LINE_CHARS`, an outlet holding an invisible
  character, a row that repeats the header.
- A row whose text (see :func:`text_sha256`) equals an earlier row's is a **duplicate** of it.
- Rows in = ingested + skipped + duplicates, always (:meth:`Corpus.counts`).
- Values are read as text exactly as written: ``NA``, ``None`` and ``001`` stay strings.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import functools
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from framing import atomic
from framing.dates import DateError, ParsedDate, parse_date
from framing.encoding import DecodeError, decode_bytes
from framing.errors import CorpusError
from framing.segment import has_paragraphs
from framing.textview import SCRIPTS, detect_script

MANIFEST = "manifest.csv"
ARTICLES_DIR = "articles"
REQUIRED_COLUMNS = (
    "doc_id",
    "outlet",
    "date",
    "date_precision",
    "title",
    "url",
    "script",
    "file",
    "source",
)
#: Columns ``framing init`` writes: the required ones and the content hash.
MANIFEST_COLUMNS = (*REQUIRED_COLUMNS, "text_sha256")
#: Largest article file read, in bytes (checked before reading).
MAX_ARTICLE_BYTES = 5_000_000
#: Longest manifest or import field, in characters (an import table's ``text`` excepted).
MAX_FIELD_CHARS = 10_000
#: Longest line (paragraph) of an article, in characters: a longer one is almost always a
#: file that lost its line breaks (scraped HTML, a PDF dump), not a paragraph.
MAX_LINE_CHARS = 50_000
#: Allowed ``doc_id``: safe as a file name on every system.
DOC_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
#: Ledger statuses.
STATUSES = ("ingested", "skipped", "duplicate")

# Fields up to the article size limit are read, so that an oversized field is skipped with
# its row (field_too_long, too_large) instead of stopping the whole table.
csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_BYTES + 1))


# --------------------------------------------------------------------------- text hashing


def normalise_newlines(text: str) -> str:
    """Return ``text`` with ``\\r\\n`` and ``\\r`` line ends turned into ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_sha256(text: str) -> str:
    """Content hash of an article, used to find duplicates.

    The hash is SHA-256 over the UTF-8 bytes of the *canonical text*: the decoded text (BOM
    already removed) with line ends turned into ``\\n``, trailing white space removed from
    every line and trailing empty lines removed. So the same article saved with another
    encoding, a BOM or Windows line ends has the same hash; any change to a character does
    not. No Unicode normalisation is applied (NFC would merge compatibility ideographs).
    """
    lines = [ln.rstrip() for ln in normalise_newlines(text).split("\n")]
    canonical = "\n".join(lines).rstrip("\n")
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class LedgerRow:
    """What happened to one manifest (or import) row.

    Attributes
    ----------
    line : int
        Physical line of the row in its file (1-based; the header is line 1).
    doc_id : str
        The row's ``doc_id`` as written (may be empty for a skipped row).
    file : str
        The row's ``file`` value (or ``text`` for imports of inline text).
    status : str
        ``ingested``, ``skipped`` or ``duplicate``.
    code : str
        Short machine-readable reason (``bad_date``, ``missing_file`` ...); for ingested rows
        an optional warning code (``text_changed``) or empty.
    detail : str
        Human-readable reason naming the value and what was expected.
    duplicate_of : str
        For duplicates, the ``doc_id`` of the article it repeats.
    """

    line: int
    doc_id: str
    file: str
    status: str
    code: str = ""
    detail: str = ""
    duplicate_of: str = ""


#: Public attributes of :class:`Article`, in the order of its constructor.
_ARTICLE_FIELDS = ("doc_id", "outlet", "date", "title", "url", "source", "file", "text",
                   "encoding", "line", "sha256", "script")


@functools.lru_cache(maxsize=64)
def _shared_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The first key tuple seen equal to ``keys``: every article of a manifest shares one."""
    return keys


class Article:
    """One ingested article: metadata from the manifest plus its decoded text.

    Attributes
    ----------
    doc_id, outlet, title, url, source, file : str
        Manifest values (``outlet`` stripped of surrounding spaces).
    date : ParsedDate
        The parsed ``date``.
    text : str
        The decoded text, ``\\n`` line ends.
    encoding : str
        Codec the file was decoded with.
    line : int
        Manifest line of the row.
    sha256 : str
        :func:`text_sha256` of the text.
    script : str
        :func:`framing.textview.detect_script` of the text: computed when first read unless
        given (``framing analyze`` has its worker processes compute it with the rest of the
        per-article work instead of reading every text twice in the main process).
    meta : dict of str to str
        Every manifest column of the row, as written.

    Notes
    -----
    A loaded corpus keeps every article in memory, so an article is kept small: no instance
    dictionary (``__slots__``), and ``meta`` is stored as a tuple of values with a key tuple
    shared by all articles of the manifest (half the size of a dict). ``meta`` therefore
    returns a new dict on each access: assign ``article.meta = {...}`` to change it.
    """

    __slots__ = (*(f for f in _ARTICLE_FIELDS if f != "script"), "_script", "_meta_keys",
                 "_meta_values")

    def __init__(self, doc_id: str, outlet: str, date: ParsedDate, title: str, url: str,
                 source: str, file: str, text: str, encoding: str, line: int, sha256: str,
                 script: str | None = None, meta: dict[str, str] | None = None) -> None:
        self.doc_id, self.outlet, self.date, self.title = doc_id, outlet, date, title
        self.url, self.source, self.file, self.text = url, source, file, text
        self.encoding, self.line, self.sha256, self._script = encoding, line, sha256, script
        self.meta = {} if meta is None else meta

    @property
    def script(self) -> str:
        """:func:`framing.textview.detect_script` of the text (computed on first access)."""
        if self._script is None:
            self._script = detect_script(self.text)
        return self._script

    @script.setter
    def script(self, value: str) -> None:
        self._script = value

    @property
    def meta(self) -> dict[str, str]:
        """Every manifest column of the row, as written (a new dict on each access)."""
        return dict(zip(self._meta_keys, self._meta_values, strict=True))

    @meta.setter
    def meta(self, value: dict[str, str]) -> None:
        self._meta_keys = _shared_keys(tuple(value))
        self._meta_values = tuple(value.values())

    def _fields(self) -> tuple[object, ...]:
        return (*(getattr(self, name) for name in _ARTICLE_FIELDS), self.meta)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value (as a dataclass)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip((*_ARTICLE_FIELDS, "meta"), self._fields(), strict=True))
        return f"Article({shown})"


@dataclass
class Corpus:
    """A loaded corpus: its ingested articles and the ledger of every manifest row."""

    root: Path
    columns: list[str]
    articles: list[Article]
    ledger: list[LedgerRow]
    orphans: list[str]

    def counts(self) -> dict[str, int]:
        """Row counts: ``rows``, ``ingested``, ``skipped``, ``duplicates``, ``orphan_files``."""
        c = {s: sum(1 for r in self.ledger if r.status == s) for s in STATUSES}
        out = {
            "rows": len(self.ledger),
            "ingested": c["ingested"],
            "skipped": c["skipped"],
            "duplicates": c["duplicate"],
            "orphan_files": len(self.orphans),
        }
        if out["rows"] != out["ingested"] + out["skipped"] + out["duplicates"]:
            raise AssertionError("ledger does not conserve rows")  # pragma: no cover
        return out

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"<Corpus {self.root.name!r}: {c['ingested']} articles, "
            f"{c['skipped']} skipped, {c['duplicates']} duplicates>"
        )


# --------------------------------------------------------------------------- CSV reading


def read_table_bytes(data: bytes, path: str) -> str:
    """Decode a manifest or import table: UTF-8 (BOM allowed), no NUL bytes.

    Raises
    ------
    CorpusError
        naming the line of the first NUL or undecodable byte.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise CorpusError(
                "file is UTF-16; save it as 'CSV UTF-8' (framing reads tables as UTF-8)", path
            )
        raise CorpusError("NUL byte in the file; tables must be plain UTF-8 text", path, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"not valid UTF-8 at byte {exc.start}; save the table as 'CSV UTF-8' "
            "(GBK or Big5 tables are not guessed)",
            path,
            line,
            repr(data[exc.start : exc.start + 8]),
        ) from None


def iter_csv_records(
    text: str, path: str, multiline_column: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, fields)`` for each record of a CSV text, header included.

    ``line`` is the physical line where the record starts. A record that spans several
    lines (a quoted field with a line break) raises :class:`CorpusError` at its first line,
    because that is how an unclosed quote shows itself; only the column named
    ``multiline_column`` (the ``text`` of an import table, where line breaks separate
    paragraphs) may hold line breaks. A syntax error (a quote that is never
    closed before the end of the file, text after a closing quote) is also reported at the
    first line of the record it occurs in, with the line where it was noticed. Blank lines
    are passed over.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    prev_end = 0
    multiline = -1  # index of the column allowed to span lines, once the header is read
    header_seen = False
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _syntax_error(text, path, prev_end + 1, reader.line_num, exc) from None
        end = reader.line_num
        # Blank lines come back as empty records, so a record starts right after the last.
        start = prev_end + 1
        prev_end = end
        if not fields:
            continue
        if not header_seen:
            header_seen = True
            names = [f.strip().lstrip("\ufeff") for f in fields]
            if multiline_column in names:
                multiline = names.index(multiline_column)
        spans = [i for i, f in enumerate(fields) if "\n" in f or "\r" in f]
        if end > start and (not spans or any(i != multiline for i in spans)):
            spanning = next((fields[i] for i in spans if i != multiline), "")
            raise CorpusError(
                f"a quoted field runs from line {start} to line {end}: probably an unclosed "
                "quote ("
                + (f"only column {multiline_column!r} may hold line breaks)" if multiline >= 0
                   else "each row must stay on one line)"),
                path,
                start,
                spanning[:80],
            )
        yield start, fields


def _syntax_error(text: str, path: str, start: int, seen: int, exc: csv.Error) -> CorpusError:
    """A CorpusError for a CSV syntax error in the record starting at line ``start``."""
    lines = io.StringIO(text, newline="").readlines()
    # Blank lines before the record belong to no record: point at the record's first text.
    while start < seen and start <= len(lines) and not lines[start - 1].strip("\r\n"):
        start += 1
    first = lines[start - 1].rstrip("\r\n") if start <= len(lines) else ""
    if seen > start:
        message = (f"CSV syntax error ({exc}) in the record starting at line {start}, noticed "
                   f"at line {seen}: probably an unclosed quote on line {start}")
    else:
        message = f"CSV syntax error: {exc}"
    return CorpusError(message, path, start, first[:80])


def read_header(fields: list[str], path: str, required: Sequence[str]) -> list[str]:
    """Check a header row: names stripped, none empty or repeated, required ones present."""
    names = [f.strip() for f in fields]
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        raise CorpusError(
            "header has one column; the file looks semicolon- or tab-separated "
            "(framing reads comma-separated UTF-8)",
            path,
            1,
            names[0],
        )
    for i, name in enumerate(names):
        if not name:
            raise CorpusError(f"header column {i + 1} has no name", path, 1)
        if name in names[:i]:
            raise CorpusError("column name appears twice in the header", path, 1, name)
    missing = [c for c in required if c not in names]
    if missing:
        raise CorpusError(
            f"header lacks required column(s) {', '.join(missing)}; "
            f"found {', '.join(names)}",
            path,
            1,
        )
    return names


def read_manifest(root: str | os.PathLike[str]) -> tuple[list[str], list[tuple[int, dict]]]:
    """Read ``manifest.csv`` of a corpus.

    Returns
    -------
    columns : list of str
        Header names in file order.
    rows : list of (int, dict or list)
        ``(line, {column: value})`` per record; a record with the wrong number of fields is
        returned as ``(line, list_of_fields)`` so the caller can skip it with a reason.
    """
    path = Path(root) / MANIFEST
    shown = str(path)
    if not path.is_file():
        raise CorpusError(
            "no manifest.csv here; create a corpus with 'framing init DIR'", shown
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the manifest: {exc.strerror}", shown) from None
    text = read_table_bytes(data, shown)
    records = iter_csv_records(text, shown)
    first = next(records, None)
    if first is None:
        raise CorpusError("manifest is empty (no header line)", shown, 1)
    columns = read_header(first[1], shown, REQUIRED_COLUMNS)
    rows: list[tuple[int, dict]] = []
    for line, fields in records:
        if len(fields) != len(columns):
            rows.append((line, fields))  # type: ignore[arg-type]
        else:
            rows.append((line, dict(zip(columns, fields, strict=True))))
    return columns, rows


# --------------------------------------------------------------------------- row checks


class RowSkip(Exception):
    """One row cannot be ingested; carries the ledger code and reason."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


_DRIVE = re.compile(r"[A-Za-z]:")


def check_relative_path(value: str) -> PurePosixPath:
    """Validate a manifest ``file`` value as a safe relative POSIX path (or raise RowSkip)."""
    return PurePosixPath(_relative_path(value))


def _relative_path(value: str) -> str:
    """:func:`check_relative_path` as a string: ``str(PurePosixPath(value))`` of a safe path.

    Done with string operations, which read ``value`` exactly as :class:`PurePosixPath` does
    (empty and ``.`` parts dropped, ``.`` for no part), without a path object per row.
    """
    if not value:
        raise RowSkip("missing_file", "column 'file' is empty")
    if "\x00" in value:
        raise RowSkip("bad_path", f"file path {value!r} contains a NUL character")
    if "\\" in value:
        raise RowSkip("bad_path", f"file path {value!r} uses '\\'; write paths with '/'")
    if value.startswith("/") or _DRIVE.match(value) or "://" in value:
        raise RowSkip("path_absolute", f"file path {value!r} is absolute; give it relative to "
                      "the corpus folder")
    parts = [p for p in value.split("/") if p and p != "."]
    if ".." in parts:
        raise RowSkip("path_escape", f"file path {value!r} leads outside the corpus ('..')")
    if any(p.startswith(".") for p in parts):
        raise RowSkip("bad_path", f"file path {value!r} has a hidden part (starting with '.')")
    return "/".join(parts) or "."


def read_article_file(root: Path, value: str) -> bytes:
    """Return the bytes of the article file ``value`` (relative to ``root``) or raise RowSkip."""
    return _read_article(root, os.path.realpath(root), _relative_path(value), value)


def _read_article(root: Path, root_real: str, rel: str, value: str) -> bytes:
    """:func:`read_article_file` of ``value``, checked already as ``rel``.

    ``root_real`` is ``os.path.realpath(root)``: a loop over a manifest resolves its corpus
    once, not once per file.
    """
    data = _read_plain_file(root_real, rel, value)
    if data is not None:
        return data
    # Something on the way is a link, missing or not a plain folder or file: resolve the path
    # in full to tell whether it stays inside the corpus, and why it cannot be read.
    return _read_resolved(root, rel, value)


def _read_resolved(root: Path, rel: str, value: str) -> bytes:
    """Read ``root/rel`` after resolving it in full (links followed), or raise RowSkip:
    the check every path once went through, and the one :func:`_read_plain_file` must agree
    with (``tests/test_corpus.py`` compares them on links, odd spellings and missing
    files)."""
    path = root / rel
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise RowSkip("missing_file", f"file {value!r} does not exist") from None
    except (OSError, RuntimeError) as exc:
        raise RowSkip("bad_path", f"file {value!r} cannot be resolved: {exc}") from None
    if not resolved.is_relative_to(root.resolve()):
        raise RowSkip("path_escape", f"file {value!r} is a link leading outside the corpus")
    if not resolved.is_file():
        raise RowSkip("not_a_file", f"{value!r} is not a regular file")
    size = resolved.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise RowSkip(
            "too_large", f"file {value!r} has {size} bytes; the limit is {MAX_ARTICLE_BYTES}"
        )
    try:
        return resolved.read_bytes()
    except OSError as exc:
        raise RowSkip("unreadable", f"file {value!r} cannot be read: {exc.strerror}") from None


def _read_plain_file(root_real: str, rel: str, value: str) -> bytes | None:
    """Read ``root_real/rel`` when no part of ``rel`` is a link (else return None).

    ``rel`` is a checked relative path (no ``..``, no empty or ``.`` part) and ``root_real``
    holds no link, so when every part of ``rel`` is a plain folder, and the last a regular
    file, none of them a link, the path is its own resolution and lies inside the corpus:
    :func:`read_article_file` would find exactly this file. One ``lstat`` per part replaces
    that function's ``realpath`` of the whole path (an ``lstat`` of every part of the corpus
    folder as well) for each file. Anything else returns None and is left to the full check.
    """
    if rel == ".":
        return None
    path = root_real
    parts = rel.split("/")
    last = len(parts) - 1
    for i, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except (OSError, ValueError):
            return None
        if not (stat.S_ISREG(info.st_mode) if i == last else stat.S_ISDIR(info.st_mode)):
            return None  # a link (S_ISLNK), or a file where a folder should be, or a folder
    if info.st_size > MAX_ARTICLE_BYTES:
        raise RowSkip(
            "too_large", f"file {value!r} has {info.st_size} bytes; the limit is "
            f"{MAX_ARTICLE_BYTES}"
        )
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise RowSkip("unreadable", f"file {value!r} cannot be read: {exc.strerror}") from None


def decode_article(data: bytes, declared: str | None, source: str) -> tuple[str, str]:
    """Decode article bytes; return ``(text with \\n line ends, encoding)`` or raise RowSkip."""
    try:
        dec = decode_bytes(data, declared=declared or None, source=source)
    except DecodeError as exc:
        raise RowSkip("bad_encoding", str(exc)) from None
    text = normalise_newlines(dec.text)
    if not has_paragraphs(text):
        raise RowSkip("empty_article", f"file {source!r} holds no text")
    check_lines(text, f"file {source!r}")
    return text, dec.encoding


def check_lines(text: str, what: str) -> None:
    """Raise RowSkip if a line of ``text`` (``\n`` line ends) exceeds :data:`MAX_LINE_CHARS`."""
    if len(text) <= MAX_LINE_CHARS:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise RowSkip(
                "line_too_long",
                f"{what}: line {number} has {len(line)} characters; the limit is "
                f"{MAX_LINE_CHARS} (a file that lost its line breaks?)",
            )


def read_date(value: str, precision: str) -> ParsedDate:
    """Parse a manifest date with its precision, or raise RowSkip."""
    if not value.strip():
        raise RowSkip("bad_date", "column 'date' is empty")
    try:
        return parse_date(value, precision=precision.strip() or None)
    except DateError as exc:
        raise RowSkip("bad_date", str(exc)) from None


#: Control characters (category Cc: U+0000-U+001F, U+007F-U+009F) other than tab. A regular
#: expression scans a 200,000-character field in microseconds, a Python loop in milliseconds.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def check_unicode(text: str, what: str) -> None:
    """Raise RowSkip if ``text`` holds a lone surrogate (possible only from a JSON escape).

    Such a string is not Unicode text: it cannot be written as UTF-8 or hashed.
    """
    found = _SURROGATE.search(text)
    if found is not None:
        bad = found.start()
        raise RowSkip(
            "bad_text",
            f"{what} holds a lone surrogate U+{ord(text[bad]):04X} at character {bad} "
            "(a broken '\\u' escape); it is not valid Unicode text",
        )


#: A character no field value may hold: a control character other than tab, or a surrogate.
_BAD_IN_VALUE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


@functools.lru_cache(maxsize=64)
def _names_clean(names: tuple[str, ...]) -> bool:
    """Whether every column name passes the checks of :func:`_check_each_field`."""
    return all(_SURROGATE.search(name) is None and name and name == name.strip()
               and not _has_control(name) and len(name) <= 100 for name in names)


def _fields_all_clean(values: dict[str, str]) -> bool:
    """Whether no check of :func:`_check_each_field` fails, in one scan of all the values.

    The column names are the header's, the same on every row (cached); a tab, allowed in a
    value, joins the values. When this is False the checks run one by one, which raises
    the first failure with its message.
    """
    return (_names_clean(tuple(values))
            and all(len(v) <= MAX_FIELD_CHARS for v in values.values())
            and _BAD_IN_VALUE.search("\t".join(values.values())) is None)


@functools.lru_cache(maxsize=4096)
def _invisible_char(outlet: str) -> str | None:
    """The first invisible (format, ``Cf``) character of ``outlet``, or None.

    Cached: a corpus has few outlets, each on many rows.
    """
    return next((ch for ch in outlet if unicodedata.category(ch) == "Cf"), None)


def _check_each_field(values: dict[str, str]) -> None:
    """The per-column checks of :func:`check_fields`, in order (raise RowSkip)."""
    for name, value in values.items():
        check_unicode(value, f"column {name!r}")
        check_unicode(name, "a column name")
        if not name or name != name.strip() or _has_control(name) or len(name) > 100:
            raise RowSkip("bad_column", f"column name {name!r} must be 1-100 characters, "
                          "without surrounding spaces or control characters")
        if len(value) > MAX_FIELD_CHARS:
            raise RowSkip(
                "field_too_long",
                f"column {name!r} has {len(value)} characters; the limit is {MAX_FIELD_CHARS}",
            )
        if _has_control(value):
            raise RowSkip("bad_value", f"column {name!r} holds a line break or control "
                          f"character ({value[:40]!r}); manifest values stay on one line")


def check_fields(values: dict[str, str]) -> None:
    """Check doc_id, outlet, script, column names and values of one row (raise RowSkip).

    Values may not hold line breaks or control characters other than tab (a manifest row stays
    on one line, and a NUL makes the whole manifest unreadable); column names must be
    non-empty, without surrounding spaces or control characters.
    """
    if not _fields_all_clean(values):
        _check_each_field(values)
    doc_id = values.get("doc_id", "")
    if not doc_id:
        raise RowSkip("bad_doc_id", "column 'doc_id' is empty")
    if not DOC_ID_PATTERN.fullmatch(doc_id):
        raise RowSkip(
            "bad_doc_id",
            f"doc_id {doc_id!r} must be 1-128 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit",
        )
    outlet = values.get("outlet", "")
    if not outlet.strip():
        raise RowSkip("missing_outlet", "column 'outlet' is empty")
    hidden = _invisible_char(outlet)
    if hidden is not None:
        # Outputs group by outlet: "聯合報" and "聯合\u200b報" would be two outlets that look
        # the same in every table and figure.
        raise RowSkip("bad_value", f"outlet {outlet!r} holds the invisible character "
                      f"U+{ord(hidden):04X}; retype the name")
    script = values.get("script", "")
    if script and script not in SCRIPTS:
        raise RowSkip("bad_script", f"script {script!r} is not one of {', '.join(SCRIPTS)}")


# --------------------------------------------------------------------------- loading


#: Manifest columns whose values differ from row to row: not worth looking up in the table
#: of shared values.
_UNIQUE_COLUMNS = frozenset({"doc_id", "title", "url", "file", "text_sha256"})


def load_corpus(root: str | os.PathLike[str], progress: bool = False) -> Corpus:
    """Read and check a corpus: every manifest row ends up in the ledger.

    Parameters
    ----------
    root : path
        The corpus folder (holding ``manifest.csv``).
    progress : bool
        Show a progress bar on standard error.

    Returns
    -------
    Corpus
        Ingested articles sorted by ``doc_id``, and one ledger row per manifest row in file
        order.

    Raises
    ------
    CorpusError
        When the manifest itself cannot be read (see the module rules).
    """
    from tqdm import tqdm

    root_path = Path(root)
    columns, rows = read_manifest(root_path)
    shown = str(root_path / MANIFEST)
    root_real = os.path.realpath(root_path)
    ledger: list[LedgerRow] = []
    articles: list[Article] = []
    seen_ids: dict[str, int] = {}
    seen_hash: dict[str, str] = {}
    referenced: set[str] = set()
    # Dates repeat across rows: each (date, precision) is parsed once and its ParsedDate
    # (frozen) shared by the articles. Values that repeat (outlet, source, precision,
    # script...) are kept once: the CSV reader makes a new string for every field.
    dates: dict[tuple[str, str], ParsedDate] = {}
    shared: dict[str, str] = {}
    bar = tqdm(rows, desc="reading articles", unit="article", disable=not progress, leave=False)
    for line, values in bar:
        if isinstance(values, list):
            ledger.append(
                LedgerRow(
                    line,
                    values[0] if values else "",
                    "",
                    "skipped",
                    "row_arity",
                    f"{shown}:{line}: row has {len(values)} fields, the header has "
                    f"{len(columns)}",
                )
            )
            continue
        doc_id, file_value = values.get("doc_id", ""), values.get("file", "")
        if all(values[c].strip() == c for c in REQUIRED_COLUMNS):
            ledger.append(LedgerRow(line, doc_id, file_value, "skipped", "repeated_header",
                                    f"{shown}:{line}: this row repeats the header (two "
                                    "manifests pasted together?)"))
            continue
        # A file that a row names is listed, even if the row is skipped: not an orphan. The
        # path's own problem, if any, is the row's reason only after the checks before it.
        try:
            rel, bad_path = _relative_path(file_value), None
            referenced.add(rel)
        except RowSkip as skip:
            rel, bad_path = "", skip
        try:
            check_fields(values)
            if doc_id in seen_ids:
                raise RowSkip(
                    "duplicate_doc_id", f"doc_id {doc_id!r} is already used on line "
                    f"{seen_ids[doc_id]}"
                )
            seen_ids[doc_id] = line
            date_key = (values["date"], values["date_precision"])
            date = dates.get(date_key)
            if date is None:
                date = dates[date_key] = read_date(*date_key)
            if bad_path is not None:
                raise bad_path
            data = _read_article(root_path, root_real, rel, file_value)
            text, encoding = decode_article(data, values.get("encoding"), file_value)
        except RowSkip as skip:
            ledger.append(
                LedgerRow(line, doc_id, file_value, "skipped", skip.code,
                          f"{shown}:{line}: {skip.detail}")
            )
            continue
        sha = text_sha256(text)
        if sha in seen_hash:
            ledger.append(
                LedgerRow(line, doc_id, file_value, "duplicate", "duplicate_text",
                          f"{shown}:{line}: same text as article {seen_hash[sha]!r}",
                          seen_hash[sha])
            )
            continue
        seen_hash[sha] = doc_id
        code = detail = ""
        recorded = values.get("text_sha256", "")
        if recorded and recorded != sha:
            code = "text_changed"
            detail = (f"{shown}:{line}: text of {file_value!r} differs from the text_sha256 "
                      "recorded when it was added (the file was edited)")
        ledger.append(LedgerRow(line, doc_id, file_value, "ingested", code, detail))
        for key, value in values.items():
            if key not in _UNIQUE_COLUMNS:
                values[key] = shared.setdefault(value, value)
        values["date"] = date.raw
        if recorded == sha:
            values["text_sha256"] = sha
        outlet = values["outlet"].strip()
        articles.append(
            Article(
                doc_id=doc_id,
                outlet=shared.setdefault(outlet, outlet),
                date=date,
                title=values["title"],
                url=values["url"],
                source=values["source"],
                file=file_value,
                text=text,
                encoding=encoding,
                line=line,
                sha256=sha,
                script=None,  # detect_script(text) when first read: see Article
                meta=values,
            )
        )
    orphans = find_orphans(root_path, referenced)
    articles.sort(key=lambda a: a.doc_id)
    return Corpus(root_path, columns, articles, ledger, orphans)


def find_orphans(root: Path, referenced: set[str]) -> list[str]:
    """Files under ``articles/`` that no manifest row references (sorted).

    Every entry below ``articles/`` is looked at as ``Path.rglob("*")`` would list it (links
    to folders are not followed, unreadable folders are passed over); a regular file, or a
    link to one, outside hidden folders and not hidden itself, is an orphan unless listed.
    """
    folder = root / ARTICLES_DIR
    if not folder.is_dir():
        return []
    found = []
    for entry, rel in _entries_below(os.fspath(folder), ARTICLES_DIR):
        if _is_file(entry) and not any(p.startswith(".") for p in rel.split("/")):
            if rel not in referenced:
                found.append(rel)
    return sorted(found)


#: Errors that :meth:`pathlib.Path.is_file` reads as "not a file" (pathlib._IGNORED_ERRNOS).
_IGNORED_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _entries_below(folder: str, rel: str) -> Iterator[tuple[os.DirEntry[str], str]]:
    """``(entry, path relative to the corpus)`` of everything below ``folder``, depth first.

    Walks as :meth:`pathlib.Path.rglob` does, with the same errors, but with one ``scandir``
    per folder and no path object per file.
    """
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except PermissionError:
        return
    for entry in entries:
        child = f"{rel}/{entry.name}"
        yield entry, child
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            if exc.errno not in _IGNORED_ERRNOS:
                raise
            is_dir = False
        if is_dir and not entry.is_symlink():
            yield from _entries_below(entry.path, child)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """:meth:`pathlib.Path.is_file` of a directory entry (links followed)."""
    try:
        return stat.S_ISREG(entry.stat().st_mode)
    except OSError as exc:
        if exc.errno not in _IGNORED_ERRNOS:
            raise
        return False
    except ValueError:  # pragma: no cover - a name with a NUL cannot come from scandir
        return False


# --------------------------------------------------------------------------- writing


def init_corpus(root: str | os.PathLike[str]) -> Path:
    """Create an empty corpus: ``manifest.csv`` (header only) and ``articles/``.

    Raises
    ------
    CorpusError
        If ``root`` already holds a manifest.
    """
    path = Path(root)
    if (path / MANIFEST).exists():
        raise CorpusError("a corpus already exists here (manifest.csv found)", str(path))
    if path.exists() and not path.is_dir():
        raise CorpusError("path exists and is not a folder", str(path))
    try:
        (path / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
        # A killed init may have left its temporary manifest; there is no corpus (and so no
        # other writer) until the manifest exists.
        atomic.remove_stale_temps(path)
        atomic.write_text(path / MANIFEST, manifest_text(list(MANIFEST_COLUMNS), []))
    except OSError as exc:
        raise CorpusError(f"cannot create the corpus: {exc.strerror}",
                          exc.filename or str(path)) from None
    return path


def manifest_text(columns: list[str], rows: Sequence[dict[str, str] | list[str]]) -> str:
    """Render manifest rows as CSV text (UTF-8, ``\\n`` line ends, minimal quoting).

    A row given as a list (a row of an existing manifest with the wrong number of fields) is
    written back field for field, neither padded nor cut, so it stays visibly broken.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row if isinstance(row, list) else [row.get(c, "") for c in columns])
    return buf.getvalue()


#: Lock file of a corpus (held with an OS lock while a command writes the corpus).
LOCK_FILE = ".framing.lock"


def _try_os_lock(fd: int) -> bool:
    """Take an exclusive OS lock on ``fd`` without waiting; False if another process holds it.

    The operating system releases the lock when its holder dies, even by SIGKILL, so a lock
    is never "stale" and nothing has to guess from a process id whether its holder still runs.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def corpus_lock(root: Path) -> Iterator[None]:
    """Hold the corpus lock so that two writers can never interleave.

    The lock is an OS lock (``flock``) on ``.framing.lock`` in the corpus, which holds the
    holder's process id for the message another command prints. A second command is refused
    at once, naming that process. The file is removed on release; a file left by a killed
    process is not locked, so the next command simply takes it (the OS released the lock when
    the process died). Temporary files a killed writer left in the corpus are removed once
    the lock is held.
    """
    if not (root / MANIFEST).is_file():
        raise CorpusError("no manifest.csv here; create a corpus with 'framing init DIR'",
                          str(root / MANIFEST))
    lock = root / LOCK_FILE
    for _attempt in range(20):
        try:
            # os.open: a raw descriptor (bytes only, for the OS lock); the pid written into
            # it is encoded and decoded explicitly as ASCII below.
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise CorpusError(f"cannot write the lock file: {exc.strerror}", str(lock)) from None
        if not _try_os_lock(fd):
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise CorpusError(
                f"another framing command{who} is writing this corpus; wait for it to finish",
                str(root),
            )
        # The previous holder removes the file before releasing it: if we opened it just
        # before that, we locked a file that is no longer the corpus's lock. Try again.
        try:
            current = os.stat(lock)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(os.fstat(fd), current):
            break
        os.close(fd)
    else:  # pragma: no cover - the lock file vanished 20 times in a row
        raise CorpusError("could not take the corpus lock", str(root))
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        atomic.kill_point("corpus:locked")
        for folder in (root, root / ARTICLES_DIR):
            atomic.remove_stale_temps(folder)
        yield
    finally:
        # Remove the file while still holding the lock (see the retry above), then release.
        lock.unlink(missing_ok=True)
        os.close(fd)


@dataclass(frozen=True)
class NewArticle:
    """An article checked and ready to be written by :func:`commit_articles`."""

    row: dict[str, str]
    text: str


def used_ids(rows: Sequence[tuple[int, dict | list[str]]]) -> dict[str, tuple[str, int]]:
    """Map lower-cased ``doc_id`` → (doc_id, manifest line) for a manifest's rows.

    Ids are compared without case when articles are added: ``articles/Abc.txt`` and
    ``articles/abc.txt`` are one file on Windows and macOS, so the second would overwrite
    the first there.
    """
    return {v.get("doc_id", "").lower(): (v.get("doc_id", ""), line)
            for line, v in rows if isinstance(v, dict)}


def id_clash(new_id: str, used: str) -> str:
    """Message for a new ``doc_id`` that an article already uses (perhaps in another case)."""
    if new_id == used:
        return f"doc_id {new_id!r} is already used"
    return (f"doc_id {new_id!r} differs from {used!r} only in case (their files would be one "
            "file on Windows and macOS)")


def existing_hashes(root: Path, columns: list[str], rows: list[tuple[int, dict]]) -> dict:
    """Map text hash → (doc_id, line) for the corpus's current rows (reads files lacking one)."""
    hashes: dict[str, tuple[str, int]] = {}
    for line, values in rows:
        if not isinstance(values, dict):
            continue
        sha = values.get("text_sha256", "")
        if not sha:
            try:
                data = read_article_file(root, values.get("file", ""))
                text, _ = decode_article(data, values.get("encoding"), values.get("file", ""))
            except RowSkip:
                continue
            sha = text_sha256(text)
        hashes.setdefault(sha, (values.get("doc_id", ""), line))
    return hashes


def prepare_article(
    text: str,
    *,
    outlet: str,
    date: str,
    date_precision: str = "",
    title: str = "",
    url: str = "",
    source: str = "",
    doc_id: str = "",
    extra: dict[str, str] | None = None,
) -> NewArticle:
    """Check one new article's metadata and text; raise RowSkip with the reason if bad.

    A leading BOM character is removed (as decoding does for files). The text must read back
    unchanged from the UTF-8 file it will be written to, so that :func:`load_corpus` ingests
    what was accepted (no NUL or other binary-looking content).
    """
    check_unicode(text, "the text")
    size = len(text.encode("utf-8"))
    if size > MAX_ARTICLE_BYTES:
        raise RowSkip("too_large", f"the text has {size} bytes as UTF-8; the limit is "
                      f"{MAX_ARTICLE_BYTES}")
    text = normalise_newlines(text.removeprefix("\ufeff"))
    check_lines(text, "the text")
    try:
        back = decode_bytes(text.encode("utf-8"), source="the text").text
    except DecodeError as exc:
        raise RowSkip("bad_text", f"the text would not read back as an article: {exc.reason}"
                      ) from None
    if back != text:  # pragma: no cover - decode_bytes removes nothing but a leading BOM
        raise RowSkip("bad_text", "the text does not read back unchanged")
    if not has_paragraphs(text):
        raise RowSkip("empty_article", "the article holds no text")
    parsed = read_date(date, date_precision)
    sha = text_sha256(text)
    doc_id = doc_id or sha[:16]
    row = {
        "doc_id": doc_id,
        "outlet": outlet.strip(),
        "date": parsed.value,
        "date_precision": parsed.precision,
        "title": title,
        "url": url,
        "script": detect_script(text),
        "file": f"{ARTICLES_DIR}/{doc_id}.txt",
        "source": source,
        "text_sha256": sha,
    }
    for key, value in (extra or {}).items():
        row.setdefault(key, value)
    check_fields(row)
    return NewArticle(row, text)


def commit_articles(root: Path, columns: list[str],
                    old_rows: Sequence[tuple[int, dict | list[str]]],
                    new: list[NewArticle]) -> None:
    """Write new article files, then the manifest (the commit point), atomically.

    ``old_rows`` are the manifest's rows as :func:`read_manifest` returns them; they are
    written back unchanged (a row with the wrong number of fields too, field for field). New
    metadata columns are appended to the header, which would shift such a broken row into
    them, so adding columns to a manifest with broken rows is refused.

    If the process dies before the manifest is replaced, the corpus is unchanged: the new
    files are not listed (``framing validate`` reports them as orphans and a rerun of the same
    command rewrites them). A write error (disk full, permissions) raises
    :class:`CorpusError` naming the file, with the manifest unchanged.
    """
    header = list(columns)
    for art in new:
        for key in art.row:
            if key not in header:
                header.append(key)
    broken = [line for line, v in old_rows if isinstance(v, list)]
    if broken and header != list(columns):
        raise CorpusError(
            f"manifest rows on line(s) {', '.join(map(str, broken[:10]))} have the wrong number "
            f"of fields; adding column(s) {', '.join(header[len(columns):])} would shift them. "
            "Fix those rows first (see 'framing validate'); nothing was added",
            str(root / MANIFEST), broken[0],
        )
    rows = [*(v for _line, v in old_rows), *(a.row for a in new)]
    target = root / MANIFEST
    try:
        atomic.kill_point("corpus:before-commit")
        for art in new:
            target = root / art.row["file"]
            atomic.write_text(target, art.text)
        atomic.kill_point("corpus:articles-written")
        target = root / MANIFEST
        atomic.write_text(target, manifest_text(header, rows))
    except OSError as exc:
        raise CorpusError(
            f"cannot write: {exc.strerror or exc}; nothing was committed (the manifest is "
            "unchanged)", str(target)
        ) from None


def add_articles(
    root: str | os.PathLike[str],
    files: Sequence[str | os.PathLike[str]],
    *,
    outlet: str,
    date: str,
    date_precision: str = "",
    title: str = "",
    url: str = "",
    source: str = "",
    doc_id: str = "",
    encoding: str | None = None,
) -> list[dict[str, str]]:
    """Copy article files into a corpus as UTF-8 and list them in its manifest.

    All files are checked before anything is written; one bad file stops the command and
    nothing changes.

    Parameters
    ----------
    root : path
        Corpus folder (made by :func:`init_corpus`).
    files : sequence of path
        Article text files, in any encoding :func:`framing.encoding.decode_bytes` reads.
    outlet, date, date_precision, title, url, source : str
        Manifest values for every file. ``date`` may be approximate (``2025-06``,
        ``2025-W27``); it is stored in canonical form with its precision.
    doc_id : str
        Id for a single file; by default the first 16 hex digits of its content hash.
    encoding : str, optional
        Declared encoding of the files (otherwise detected).

    Returns
    -------
    list of dict
        The manifest rows added.

    Raises
    ------
    CorpusError
        For a file that is missing, undecodable, empty, or duplicates an article already in
        the corpus (the message names that article), or a bad date or id.
    """
    root_path = Path(root)
    if doc_id and len(files) != 1:
        raise CorpusError("--doc-id can only be given with a single file", str(root_path))
    with corpus_lock(root_path):
        columns, rows = read_manifest(root_path)
        hashes = existing_hashes(root_path, columns, rows)
        ids = used_ids(rows)
        new: list[NewArticle] = []
        earlier: dict[str, str] = {}  # text hash -> file given earlier in this command
        for f in files:
            path = Path(f)
            try:
                if not path.is_file():
                    raise RowSkip("missing_file", "no such file")
                size = path.stat().st_size
                if size > MAX_ARTICLE_BYTES:
                    raise RowSkip("too_large", f"{size} bytes; the limit is {MAX_ARTICLE_BYTES}")
                text, _enc = decode_article(_read_bytes(path), encoding, str(path))
                art = prepare_article(
                    text, outlet=outlet, date=date, date_precision=date_precision, title=title,
                    url=url, source=source, doc_id=doc_id,
                )
            except RowSkip as skip:
                raise CorpusError(skip.detail, str(path)) from None
            sha, new_id = art.row["text_sha256"], art.row["doc_id"]
            if sha in hashes:
                dup_id, dup_line = hashes[sha]
                where = (f"manifest line {dup_line}" if dup_line > 0
                         else f"file {earlier[sha]} of this command")
                raise CorpusError(
                    f"same text as article {dup_id!r} ({where}); not added", str(path)
                )
            if new_id.lower() in ids:
                used, line = ids[new_id.lower()]
                raise CorpusError(f"{id_clash(new_id, used)} (manifest line {line})", str(path))
            hashes[sha] = (new_id, 0)
            earlier[sha] = str(path)
            ids[new_id.lower()] = (new_id, 0)
            new.append(art)
        commit_articles(root_path, columns, rows, new)
    return [a.row for a in new]


# --------------------------------------------------------------------------- bulk import

#: Columns an import table may use besides extra metadata.
IMPORT_COLUMNS = ("text", "file", "outlet", "date", "date_precision", "title", "url",
                  "source", "doc_id", "encoding")


class _DuplicateKey(ValueError):
    pass


def _json_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json.loads keeps the last of two equal keys without a word; a row that gives 'text'
    # twice would lose one of them silently, so it is refused instead.
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def json_record(raw: str) -> dict[str, str]:
    """Read one JSON Lines record as ``{column: text}``, or raise RowSkip.

    Values become text exactly as the line writes them: a string as is, a number as its
    literal (``1.50`` stays ``1.50``, ``001`` is not JSON), ``true``/``false`` as those
    words, ``null`` as an empty value. An array or object value, a key given twice and a line
    that is not an object are refused: any reading of them would lose or invent something.
    """
    keep = str  # numbers and NaN/Infinity keep the spelling of the file
    try:
        obj = json.loads(raw, object_pairs_hook=_json_pairs, parse_float=keep,
                         parse_int=keep, parse_constant=keep)
    except json.JSONDecodeError as exc:
        raise RowSkip("bad_row", f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    except _DuplicateKey as exc:
        raise RowSkip("bad_row", f"key {str(exc)!r} appears twice in the object") from None
    if not isinstance(obj, dict):
        raise RowSkip("bad_row", "a JSON line must be an object {...}")
    rec: dict[str, str] = {}
    for key, value in obj.items():
        if isinstance(value, bool):
            rec[key] = "true" if value else "false"
        elif value is None:
            rec[key] = ""
        elif isinstance(value, str):
            rec[key] = value
        else:
            kind = "an array" if isinstance(value, list) else "an object"
            raise RowSkip("bad_value", f"key {key!r} holds {kind}; give text or a number")
    return rec


def _import_records(table: Path) -> tuple[list[str], list[tuple[int, dict | list | RowSkip]]]:
    """Read an import table (CSV or JSON Lines) into ``(columns, [(line, record)])``.

    A record is a dict, a list (CSV row with the wrong number of fields) or a RowSkip (a
    JSON line that cannot be read as a record, with the reason).
    """
    shown = str(table)
    if not table.is_file():
        raise CorpusError("no such file", shown)
    try:
        data = table.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the table: {exc.strerror}", shown) from None
    text = read_table_bytes(data, shown)
    if table.suffix.lower() in (".jsonl", ".ndjson"):
        records: list[tuple[int, dict | list | RowSkip]] = []
        keys: list[str] = []
        # JSON Lines are separated by "\n" only: str.splitlines() would also cut at U+2028,
        # U+0085 or a form feed, which JSON strings may hold unescaped.
        for i, raw in enumerate(text.split("\n"), start=1):
            raw = raw.removesuffix("\r")
            if not raw.strip():
                continue
            try:
                rec = json_record(raw)
            except RowSkip as skip:
                records.append((i, skip))
                continue
            keys.extend(k for k in rec if k not in keys)
            records.append((i, rec))
        return keys, records
    if table.suffix.lower() != ".csv":
        raise CorpusError("import tables must be .csv or .jsonl", shown)
    it = iter_csv_records(text, shown, multiline_column="text")
    first = next(it, None)
    if first is None:
        raise CorpusError("table is empty (no header line)", shown, 1)
    columns = read_header(first[1], shown, ("outlet", "date"))
    if "text" not in columns and "file" not in columns:
        raise CorpusError("table needs a 'text' or a 'file' column", shown, 1)
    out: list[tuple[int, dict | list | RowSkip]] = []
    for line, fields in it:
        if len(fields) != len(columns):
            out.append((line, fields))
        else:
            out.append((line, dict(zip(columns, fields, strict=True))))
    return columns, out


def import_table(root: str | os.PathLike[str], table: str | os.PathLike[str]) -> list[LedgerRow]:
    """Bulk-import articles from a CSV or JSON Lines table.

    Each row gives the article as ``text`` (inline) or ``file`` (a path, relative to the
    table's folder or absolute), plus ``outlet``, ``date`` and optionally ``date_precision,
    title, url, source, doc_id, encoding``; any other column is kept as metadata. Good rows
    are written together (one manifest commit); bad rows are skipped with a reason.

    Returns
    -------
    list of LedgerRow
        One per table row, in table order: ``ingested``, ``skipped`` (with reason) or
        ``duplicate`` (of an article already in the corpus or earlier in the table).
    """
    root_path, table_path = Path(root), Path(table)
    shown = str(table_path)
    _cols, records = _import_records(table_path)
    ledger: list[LedgerRow] = []
    with corpus_lock(root_path):
        columns, rows = read_manifest(root_path)
        hashes = existing_hashes(root_path, columns, rows)
        ids = used_ids(rows)
        new: list[NewArticle] = []
        for line, rec in records:
            if isinstance(rec, RowSkip):
                ledger.append(LedgerRow(line, "", "", "skipped", rec.code,
                                        f"{shown}:{line}: {rec.detail}"))
                continue
            if isinstance(rec, list):
                ledger.append(LedgerRow(line, "", "", "skipped", "row_arity",
                                        f"{shown}:{line}: row has {len(rec)} fields, the header "
                                        f"has {len(_cols)}"))
                continue
            given_file = rec.get("file", "")
            try:
                text = _import_text(rec, table_path.parent)
                extra = {k: v for k, v in rec.items() if k not in IMPORT_COLUMNS}
                art = prepare_article(
                    text,
                    outlet=rec.get("outlet", ""),
                    date=rec.get("date", ""),
                    date_precision=rec.get("date_precision", ""),
                    title=rec.get("title", ""),
                    url=rec.get("url", ""),
                    source=rec.get("source", ""),
                    doc_id=rec.get("doc_id", ""),
                    extra=extra,
                )
                sha = art.row["text_sha256"]
                if sha not in hashes and art.row["doc_id"].lower() in ids:
                    used, where = ids[art.row["doc_id"].lower()]
                    place = (f"manifest line {where}" if where > 0
                             else f"line {-where} of this table")
                    raise RowSkip("duplicate_doc_id",
                                  f"{id_clash(art.row['doc_id'], used)} ({place})")
            except RowSkip as skip:
                ledger.append(LedgerRow(line, rec.get("doc_id", ""), given_file, "skipped",
                                        skip.code, f"{shown}:{line}: {skip.detail}"))
                continue
            if sha in hashes:
                # Checked before the id, so importing the same table again only finds duplicates.
                dup_id = hashes[sha][0]
                ledger.append(LedgerRow(line, art.row["doc_id"], given_file, "duplicate",
                                        "duplicate_text",
                                        f"{shown}:{line}: same text as article {dup_id!r}", dup_id))
                continue
            hashes[sha] = (art.row["doc_id"], -line)
            ids[art.row["doc_id"].lower()] = (art.row["doc_id"], -line)
            new.append(art)
            ledger.append(LedgerRow(line, art.row["doc_id"], given_file, "ingested"))
        if new:
            commit_articles(root_path, columns, rows, new)
    return ledger


def _import_text(rec: dict[str, str], base: Path) -> str:
    if rec.get("text", "").strip():
        if rec.get("file", "").strip():
            raise RowSkip("ambiguous_text", "row gives both 'text' and 'file'; give one")
        return rec["text"]
    value = rec.get("file", "").strip()
    if not value:
        raise RowSkip("missing_text", "row has neither 'text' nor 'file'")
    path = Path(value) if os.path.isabs(value) else base / value
    if not path.is_file():
        raise RowSkip("missing_file", f"file {value!r} does not exist")
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise RowSkip("too_large", f"file {value!r} has {size} bytes; the limit is "
                      f"{MAX_ARTICLE_BYTES}")
    text, _enc = decode_article(_read_bytes(path), rec.get("encoding") or None, value)
    return text


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RowSkip("unreadable", f"file {str(path)!r} cannot be read: {exc.strerror}") from None
