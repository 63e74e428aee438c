"""The ``framing analyze`` run: corpus → per-article stages → corpus-wide stages → outputs.

Per-article work (paragraphs, tokens, entities, frame hits, sentiment) depends on one article
only; it is done by :func:`process_article`, a module-level function of plain data, so it can
run in worker processes and be cached by content. Corpus-wide work (topics, distinctive terms,
outlet aggregates, agreement) reads the concatenated per-article tables.

Every table is sorted by its keys before it is written, so reruns give byte-identical files.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from framing import __version__
from framing.corpus import Article, Corpus, load_corpus
from framing.errors import CorpusError
from framing.tokens import Tokenizer, default_tokenizer
from framing.units import ParagraphUnit, make_units

#: Name of the run manifest every output folder holds (also the folder's ownership marker).
RUN_MANIFEST = "manifest.json"


@dataclass
class Prepared:
    """A corpus read and tokenised, ready for the analysis stages.

    Attributes
    ----------
    corpus : Corpus
        The loaded corpus with its ledger.
    articles : DataFrame
        One row per ingested article (see ``framing.schema`` for the columns).
    units : list of ParagraphUnit
        Every paragraph of every article, sorted by ``doc_id``, ``para_id``.
    paragraphs, tokens, entities : DataFrame
        The base per-paragraph, per-token and per-entity-mention tables.
    """

    corpus: Corpus
    articles: pd.DataFrame
    units: list[ParagraphUnit]
    paragraphs: pd.DataFrame
    tokens: pd.DataFrame
    entities: pd.DataFrame
    tokenizer: Tokenizer = field(repr=False, default_factory=default_tokenizer)

    @property
    def corpus_dir(self) -> Path:
        """The corpus folder."""
        return self.corpus.root


@dataclass
class ArticleResult:
    """Everything computed for one article: its units and per-table row lists."""

    doc_id: str
    units: list[ParagraphUnit]
    tables: dict[str, list[dict]]
    summary: dict[str, object] = field(default_factory=dict)


def base_tables(units: list[ParagraphUnit], tokens: bool = True) -> dict[str, list[dict]]:
    """The base tables of one article's units.

    Parameters
    ----------
    units : list of ParagraphUnit
    tokens : bool
        Also make the ``tokens`` rows (the engine builds that table column-wise instead,
        :func:`token_columns`).

    Returns
    -------
    dict
        ``paragraphs`` (one row per paragraph), ``tokens`` (one row per token) and
        ``entities`` (one row per entity mention), rows in key order.
    """
    paragraphs, entities = [], []
    for u in units:
        content = [t for t in u.tokens if t.kind != "punct"]
        paragraphs.append(
            {
                "doc_id": u.doc_id,
                "para_id": u.para_id,
                "role": u.role,
                "text": u.text,
                "text_analysis": u.text_analysis,
                "n_chars": len(u.text),
                "n_tokens": len(content),
                "signoff": u.signoff,
            }
        )
        for t in u.tokens:
            if t.entity:
                entities.append(
                    {
                        "doc_id": u.doc_id,
                        "para_id": u.para_id,
                        "entity": t.entity,
                        "surface": u.text[t.start : t.end],
                        "offset": t.start,
                        "end": t.end,
                    }
                )
    out = {"paragraphs": paragraphs, "entities": entities}
    if tokens:
        columns = token_columns(units)
        out["tokens"] = [dict(zip(columns, row, strict=True))
                         for row in zip(*columns.values(), strict=True)]
    return out


#: Columns of the ``tokens`` table, in order.
TOKEN_COLUMNS = ("doc_id", "para_id", "token_id", "token", "start", "end", "kind", "stop",
                 "entity")


def token_columns(units: list[ParagraphUnit]) -> dict[str, list]:
    """The ``tokens`` table of one article's units as column lists (one token per position),
    or ``{}`` when there is no token.

    Built column-wise (``zip`` over the token tuples), which the engine uses directly: a table
    with a million rows is not first made of a million dicts.
    """
    cols: dict[str, list] = {c: [] for c in TOKEN_COLUMNS}
    for u in units:
        n = len(u.tokens)
        if not n:
            continue
        cols["doc_id"] += [u.doc_id] * n
        cols["para_id"] += [u.para_id] * n
        cols["token_id"] += range(n)
        text, start, end, kind, stop, entity = zip(*u.tokens, strict=True)
        cols["token"] += text
        cols["start"] += start
        cols["end"] += end
        cols["kind"] += kind
        cols["stop"] += stop
        cols["entity"] += entity
    return cols if cols["doc_id"] else {}


def article_summary(units: list[ParagraphUnit]) -> dict[str, object]:
    """Per-article counts for the ``articles`` table: paragraphs, characters, tokens, sign-off."""
    signoffs = [u.signoff for u in units if u.signoff]
    return {
        "n_paragraphs": len(units),
        "n_chars": sum(len(u.text) for u in units),
        "n_tokens": sum(1 for u in units for t in u.tokens if t.kind != "punct"),
        "signoff": signoffs[-1] if signoffs else "",
    }


def process_article(article: Article, tokenizer: Tokenizer) -> ArticleResult:
    """Segment and tokenise one article and build its base tables (:func:`base_tables`)."""
    units = make_units(article.doc_id, article.text, tokenizer, title=article.title or None)
    return ArticleResult(article.doc_id, units, base_tables(units), article_summary(units))


def articles_frame(corpus: Corpus, summaries: dict[str, dict[str, object]]) -> pd.DataFrame:
    """One row per ingested article: manifest metadata, parsed date, script and counts.

    ``summaries`` maps each ``doc_id`` to its :func:`article_summary`, which may hold the
    ``script`` too (the engine's workers detect it): the article's own is read only when not.
    """
    known = {"doc_id", "outlet", "date", "date_precision", "title", "url", "script", "file",
             "source", "text_sha256", "encoding"}
    rows = []
    for a in corpus.articles:
        summary = summaries[a.doc_id]
        row = {
            "doc_id": a.doc_id,
            "outlet": a.outlet,
            "date": a.date.value,
            "date_precision": a.date.precision,
            "date_start": a.date.start.isoformat(),
            "date_end": a.date.end.isoformat(),
            "title": a.title,
            "url": a.url,
            "source": a.source,
            # the engine's workers detect the script with the rest of the per-article work
            "script": summary["script"] if "script" in summary else a.script,
            "file": a.file,
            "encoding": a.encoding,
            "text_sha256": a.sha256,
            **summary,
        }
        meta = a.meta  # (built on each access)
        for key in sorted(k for k in meta if k not in known):
            # An extra manifest column never overwrites a computed one (n_chars, date_start...).
            row[f"manifest_{key}" if key in row else key] = meta[key]
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["doc_id"])


def frame_of(rows: list[dict], keys: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    """Build a DataFrame from row dicts, sorted by ``keys`` (stable), index reset."""
    if not rows:
        return pd.DataFrame(columns=columns or keys)
    return pd.DataFrame(rows).sort_values(keys, kind="mergesort").reset_index(drop=True)


def prepare(
    corpus_dir: str | Path, tokenizer: Tokenizer | None = None, progress: bool = False,
    allow_skipped: bool = True,
) -> Prepared:
    """Read, check, segment and tokenise a corpus.

    Parameters
    ----------
    corpus_dir : path
        Corpus folder.
    tokenizer : Tokenizer, optional
        Defaults to the shipped dictionary and alias table.
    progress : bool
        Show progress bars on standard error.
    allow_skipped : bool
        If False, raise :class:`CorpusError` when any manifest row was skipped.

    Returns
    -------
    Prepared
    """
    from tqdm import tqdm

    corpus = load_corpus(corpus_dir, progress=progress)
    if not allow_skipped:
        check_ledger(corpus)
    tk = tokenizer or default_tokenizer()
    results = [
        process_article(a, tk)
        for a in tqdm(corpus.articles, desc="segmenting", unit="article", disable=not progress,
                      leave=False)
    ]
    return prepared_from_results(corpus, results, tk)


def prepared_from_results(corpus: Corpus, results: list[ArticleResult], tk: Tokenizer
                          ) -> Prepared:
    """Assemble :class:`Prepared` from per-article results."""
    def rows(name: str) -> list[dict]:
        return [row for r in results for row in r.tables[name]]

    units = [u for r in sorted(results, key=lambda r: r.doc_id) for u in r.units]
    return Prepared(
        corpus=corpus,
        articles=articles_frame(corpus, {r.doc_id: r.summary for r in results}),
        units=units,
        paragraphs=frame_of(rows("paragraphs"), ["doc_id", "para_id"]),
        tokens=frame_of(rows("tokens"), ["doc_id", "para_id", "token_id"]),
        entities=frame_of(
            rows("entities"), ["doc_id", "para_id", "offset"],
            ["doc_id", "para_id", "entity", "surface", "offset", "end"],
        ),
        tokenizer=tk,
    )


def check_ledger(corpus: Corpus) -> None:
    """Raise :class:`CorpusError` listing the skipped rows, if any."""
    skipped = [r for r in corpus.ledger if r.status == "skipped"]
    if skipped:
        lines = "\n  ".join(r.detail for r in skipped[:20])
        more = f"\n  ... and {len(skipped) - 20} more" if len(skipped) > 20 else ""
        raise CorpusError(
            f"{len(skipped)} manifest row(s) cannot be read; fix them or rerun with "
            f"--skip-bad to analyse the rest:\n  {lines}{more}",
            str(corpus.root / "manifest.csv"),
        )


def ledger_frame(corpus: Corpus) -> pd.DataFrame:
    """The ledger as a table: one row per manifest row, in manifest order."""
    cols = ["line", "doc_id", "file", "status", "code", "detail", "duplicate_of"]
    return pd.DataFrame([r.__dict__ for r in corpus.ledger], columns=cols)


def package_versions() -> dict[str, str]:
    """Versions of framing and the libraries whose behaviour shapes the numbers."""
    out = {"framing": __version__, "python": platform.python_version()}
    for dist in ("jieba", "snownlp", "scikit-learn", "pandas", "numpy", "scipy", "OpenCC",
                 "stopwordsiso", "matplotlib", "seaborn"):
        try:
            out[dist.lower()] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[dist.lower()] = ""
    return out


def corpus_hash(articles: pd.DataFrame) -> str:
    """SHA-256 over the sorted ``doc_id`` and text hashes and metadata of the articles."""
    import hashlib

    payload = articles.sort_values("doc_id").to_csv(index=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def dump_json(obj: object) -> str:
    """Deterministic JSON text (sorted keys, two-space indent, UTF-8 characters kept)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
