"""Frame commands: ``kwic``, ``codebook show|validate|stats``, ``coding export|report``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands import what they use: the parser is built without pandas
    import pandas as pd


def register(sub: argparse._SubParsersAction) -> None:
    """Add the frame commands to the ``framing`` parser."""
    p = sub.add_parser(
        "kwic",
        help="keyword in context: a term, or every hit of a frame, in the original text",
        description="List every occurrence of TERM (any script; a codebook term or not) or "
        "every hit of --frame F, quoted from the original text with doc, paragraph and "
        "outlet, and what the scorer did with it (hit, negated, split, overlap, ...).",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("term", nargs="?", default=None, help="term to search (omit with --frame)")
    p.add_argument("--frame", default=None, help="frame id: list all its hits and splits")
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.add_argument("--width", type=int, default=20, help="characters of context (default 20)")
    p.add_argument("--csv", default=None, help="also write the table to this CSV file")
    p.set_defaults(func=cmd_kwic)

    cb = sub.add_parser("codebook", help="show, validate or audit the frame codebook")
    cbs = cb.add_subparsers(dest="codebook_command", metavar="ACTION")
    p = cbs.add_parser("show", help="print the codebook: frames, definitions, terms, rules")
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.add_argument("--no-terms", action="store_true", help="leave out the term lists")
    p.add_argument("--csv", default=None, help="write the term table (one row per term)")
    p.set_defaults(func=cmd_codebook_show)
    p = cbs.add_parser("validate", help="check a codebook file; exit 2 with the reason if "
                                        "it is invalid")
    p.add_argument("path", help="codebook YAML")
    p.set_defaults(func=cmd_codebook_validate)
    p = cbs.add_parser("stats", help="per-term hit counts over a corpus and lexicon warnings")
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.add_argument("--csv", default=None, help="write the per-term table to this CSV file")
    p.set_defaults(func=cmd_codebook_stats)
    cb.set_defaults(func=lambda args: (cb.print_help(), 2)[1])

    co = sub.add_parser("coding", help="validation harness: export a coding sheet, report "
                                       "agreement")
    cos = co.add_subparsers(dest="coding_command", metavar="ACTION")
    p = cos.add_parser(
        "export",
        help="write a blank coding sheet of sampled paragraphs",
        description="Sample paragraphs stratified by outlet and the lexicon's dominant frame "
        "(fixed seed) and write a blank coding sheet; the lexicon's frames are not shown.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-o", "--out", required=True, help="CSV file to write")
    p.add_argument("--n", type=int, default=None, help="paragraphs to sample (default: all)")
    p.add_argument("--seed", type=int, default=20250704)
    p.add_argument("--min-per-stratum", type=int, default=2)
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.set_defaults(func=cmd_coding_export)
    p = cos.add_parser(
        "report",
        help="Krippendorff's alpha and lexicon precision/recall/F1 from coded sheets",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("sheets", nargs="*", metavar="SHEET",
                   help="coded sheets (default: the corpus's coding/frames*.csv)")
    p.add_argument("-o", "--out", default=None, help="folder for coding_*.csv and "
                                                     "coding_report.json")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    p.add_argument("--seed", type=int, default=20250704)
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.set_defaults(func=cmd_coding_report)
    co.set_defaults(func=lambda args: (co.print_help(), 2)[1])


def _write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    from framing import output

    return output.write_csv(df, path)


def cmd_kwic(args: argparse.Namespace) -> int:
    from framing.codebook import load_codebook
    from framing.kwic import format_kwic, kwic
    from framing.pipeline import prepare

    codebook = load_codebook(args.codebook)
    prep = prepare(args.corpus)
    table = kwic(prep.units, codebook, term=args.term, frame=args.frame,
                 outlets=prep.articles, width=args.width)
    print(format_kwic(table, width=args.width), end="")
    if args.csv:
        print(f"wrote {_write_csv(table, args.csv)}")
    return 0


def cmd_codebook_show(args: argparse.Namespace) -> int:
    from framing.codebook import format_codebook, load_codebook

    codebook = load_codebook(args.codebook)
    print(format_codebook(codebook, terms=not args.no_terms), end="")
    if args.csv:
        print(f"wrote {_write_csv(codebook.to_frame(), args.csv)}")
    return 0


def cmd_codebook_validate(args: argparse.Namespace) -> int:
    from framing.codebook import load_codebook

    codebook = load_codebook(args.path)
    n_terms = sum(len(f.terms) for f in codebook.frames)
    print(f"valid: {args.path}: {len(codebook.frames)} frames, {n_terms} terms, version "
          f"{codebook.version}, sha256 {codebook.sha256}")
    return 0


def cmd_codebook_stats(args: argparse.Namespace) -> int:
    from framing.codebook import load_codebook
    from framing.frames import term_stats
    from framing.pipeline import prepare

    codebook = load_codebook(args.codebook)
    prep = prepare(args.corpus)
    stats = term_stats(prep.units, codebook)
    table = stats.table
    print(f"codebook {codebook.version} ({codebook.sha256[:12]}), corpus {args.corpus}")
    per_frame = table.groupby("frame").agg(terms=("term", "size"), hits=("hits", "sum"),
                                           negated=("hits_negated", "sum"),
                                           splits=("splits", "sum"),
                                           never_matched=("never_hit", "sum"))
    print(per_frame.to_string())
    top = table[table["hits"] > 0].sort_values(["frame", "hits", "term"],
                                               ascending=[True, False, True])
    print("\nterms with counted hits:")
    for frame, part in top.groupby("frame", sort=True):
        shown = ", ".join(f"{r.term} {r.hits}" for r in part.itertuples(index=False))
        print(f"  {frame}: {shown}")
    if stats.warnings:
        print("\nwarnings:")
        for w in stats.warnings:
            print(f"  - {w}")
    if args.csv:
        print(f"wrote {_write_csv(table, args.csv)}")
    return 0


def cmd_coding_export(args: argparse.Namespace) -> int:
    from framing.codebook import load_codebook
    from framing.pipeline import prepare
    from framing.validate import export_coding_sheet

    codebook = load_codebook(args.codebook)
    prep = prepare(args.corpus)
    sheet = export_coding_sheet(prep.units, prep.articles, codebook, n=args.n, seed=args.seed,
                                min_per_stratum=args.min_per_stratum)
    path = _write_csv(sheet, args.out)
    meta = {"codebook_version": codebook.version, "codebook_sha256": codebook.sha256,
            "corpus": str(args.corpus), "n": len(sheet), "seed": args.seed,
            "min_per_stratum": args.min_per_stratum,
            "strata": "outlet x lexicon dominant frame (none when empty)"}
    meta_path = Path(str(path) + ".json")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    print(f"wrote {path} ({len(sheet)} paragraphs) and {meta_path}")
    return 0


def cmd_coding_report(args: argparse.Namespace) -> int:
    from framing.codebook import load_codebook
    from framing.errors import ConfigError
    from framing.pipeline import prepare
    from framing.validate import coding_report, coding_sheets

    codebook = load_codebook(args.codebook)
    sheets = args.sheets or [str(p) for p in coding_sheets(args.corpus)]
    if not sheets:
        raise ConfigError(f"{args.corpus}: no coded sheet given and none in coding/frames*.csv")
    prep = prepare(args.corpus)
    report = coding_report(prep.units, prep.articles, codebook, sheets, n_boot=args.n_boot,
                           seed=args.seed)
    print(report.summary(), end="")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, df in report.tables().items():
            _write_csv(df, out / f"{name}.csv")
        (out / "coding_report.json").write_text(
            json.dumps(report.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote coding_alpha.csv, coding_prf.csv, coding_disagreements.csv and "
              f"coding_report.json to {out}")
    return 0
