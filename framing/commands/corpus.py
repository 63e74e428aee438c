"""Corpus commands: ``init``, ``add``, ``import``, ``validate``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the commands themselves: the parser is built without them
    from framing.corpus import LedgerRow


def register(sub: argparse._SubParsersAction) -> None:
    """Add the corpus commands to the ``framing`` parser."""
    p = sub.add_parser("init", help="make an empty corpus (manifest.csv + articles/)")
    p.add_argument("dir", help="folder to create")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "add",
        help="copy article files into a corpus as UTF-8",
        description="Copy article files into a corpus as UTF-8 and list them in its manifest. "
        "An article whose text is already in the corpus is refused.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("files", nargs="+", metavar="FILE", help="article text files")
    p.add_argument("--outlet", required=True, help="outlet name as it should appear in outputs")
    p.add_argument(
        "--date",
        required=True,
        help="publication date: 2025-07-03, 2025/07/03, 2025年7月3日, 民國114年7月3日, "
        "114/07/03, or approximate: 2025-06 (month), 2025-W27 (ISO week), 2025 (year)",
    )
    p.add_argument("--date-precision", default="", choices=["", "day", "week", "month", "year"],
                   help="coarsen a day to the week/month/year known")
    p.add_argument("--title", default="")
    p.add_argument("--url", default="")
    p.add_argument("--source", default="", help="original publisher, if the outlet relays it")
    p.add_argument("--doc-id", default="", help="id for a single file (default: content hash)")
    p.add_argument("--encoding", default=None,
                   help="declared encoding of the files (default: detect; UTF-8 first)")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser(
        "import",
        help="bulk-import articles from a CSV or JSONL table",
        description="Bulk-import articles from a CSV or JSON Lines table with columns "
        "text or file, outlet, date and optionally date_precision, title, url, source, doc_id, "
        "encoding; other columns are kept as metadata. Exit 1 if any row was skipped.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("table", help="CSV or .jsonl file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "validate",
        help="check manifest and files and print the ledger",
        description="Check the manifest and article files and print the ledger: rows read, "
        "ingested, skipped (with reasons) and duplicates. Exit 1 if any row was skipped.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.set_defaults(func=cmd_validate)


def cmd_init(args: argparse.Namespace) -> int:
    from framing import corpus as corpus_lib

    path = corpus_lib.init_corpus(args.dir)
    print(f"created empty corpus {path}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from framing import corpus as corpus_lib

    rows = corpus_lib.add_articles(
        args.corpus,
        args.files,
        outlet=args.outlet,
        date=args.date,
        date_precision=args.date_precision,
        title=args.title,
        url=args.url,
        source=args.source,
        doc_id=args.doc_id,
        encoding=args.encoding,
    )
    for row in rows:
        print(f"added {row['doc_id']}  {row['outlet']}  {row['date']} ({row['date_precision']})"
              f"  {row['script']}  -> {row['file']}")
    return 0


def print_ledger(ledger: list[LedgerRow], orphans: list[str] | None = None) -> int:
    """Print a ledger summary and every row that was not plainly ingested; return exit code."""
    n = len(ledger)
    ing = sum(r.status == "ingested" for r in ledger)
    skip = sum(r.status == "skipped" for r in ledger)
    dup = sum(r.status == "duplicate" for r in ledger)
    print(f"rows read: {n}  ingested: {ing}  skipped: {skip}  duplicates: {dup}")
    for r in ledger:
        if r.status != "ingested" or r.code:
            label = r.status if r.status != "ingested" else "warning"
            print(f"  {label} [{r.code}] {r.detail}")
    for o in orphans or []:
        print(f"  orphan file (not in the manifest): {o}")
    assert n == ing + skip + dup
    return 1 if skip else 0


def cmd_import(args: argparse.Namespace) -> int:
    from framing import corpus as corpus_lib

    ledger = corpus_lib.import_table(args.corpus, args.table)
    return print_ledger(ledger)


def cmd_validate(args: argparse.Namespace) -> int:
    from framing import corpus as corpus_lib

    corpus = corpus_lib.load_corpus(args.corpus, progress=sys.stderr.isatty())
    return print_ledger(corpus.ledger, corpus.orphans)
