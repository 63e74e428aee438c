"""Commands ``terms`` (distinctive terms by group) and ``topics`` (TF-IDF + NMF topics)."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

# The analysis modules import scikit-learn and scipy (seconds); load them only when a
# command runs, so `framing --help` and the corpus commands start fast.
METHODS = ("log_odds_dirichlet", "chi2", "log_likelihood", "tfidf")
N_TOP_TERMS = 10


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``terms`` and ``topics`` to the ``framing`` parser."""
    p = sub.add_parser(
        "terms",
        help="distinctive terms of each outlet, period or other group",
        description="Distinctive terms of each group against the rest of the corpus (and "
        "pairwise with --pairwise): log-odds ratio with an informative Dirichlet prior "
        "(z-score), chi-squared and log-likelihood keyness (quanteda definitions), TF-IDF "
        "by group. Without --out, prints the table as CSV.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--by", default="outlet",
                   help="articles column to group by (outlet, source, a manifest column) or "
                   "'period' (default: outlet)")
    p.add_argument("--freq", default=None,
                   help="period length for --by period: D, W (ISO week), M (default), Q, Y; "
                   "articles whose date is known less precisely are left out and counted")
    p.add_argument("--method", action="append", choices=METHODS, default=None,
                   help="method (repeat for several; default: all)")
    p.add_argument("--top", type=int, default=20,
                   help="terms per group and method (default 20; 0 = all)")
    p.add_argument("--pairwise", action="store_true", help="also compare groups pairwise")
    p.add_argument("--prior-scale", type=float, default=1.0,
                   help="log-odds prior = this x corpus counts (default 1)")
    p.add_argument("--no-entities", action="store_true",
                   help="count entity aliases separately instead of under the entity name")
    p.add_argument("--out", default=None,
                   help="folder for distinctive_terms.csv and its figure")
    p.set_defaults(func=cmd_terms)

    p = sub.add_parser(
        "topics",
        help="TF-IDF + NMF topics of the corpus's paragraphs",
        description="Fit topics (TF-IDF over paragraphs, NMF with a fixed seed) and report "
        "top terms, topic shares per outlet and a k diagnostic. Without --out, prints the "
        "topics and their top terms.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-k", "--k", type=int, default=None,
                   help="number of topics (default: floor(sqrt(paragraphs/2)) within 2-10)")
    p.add_argument("--random-state", type=int, default=0, help="NMF seed (default 0)")
    p.add_argument("--k-max", type=int, default=12,
                   help="largest k in the diagnostic (default 12; 0 skips it)")
    p.add_argument("--top-terms", type=int, default=N_TOP_TERMS,
                   help="terms listed per topic")
    p.add_argument("--no-entities", action="store_true",
                   help="count entity aliases separately instead of under the entity name")
    p.add_argument("--out", default=None, help="folder for the topic tables and figures")
    p.set_defaults(func=cmd_topics)


def _prepare(corpus: str):
    """Read and tokenise the corpus (a seam tests can replace)."""
    from framing.pipeline import prepare

    return prepare(corpus)


def cmd_terms(args: argparse.Namespace) -> int:
    from framing import terms as terms_lib
    from framing.output import csv_text, write_csv

    prep = _prepare(args.corpus)
    with warnings.catch_warnings():
        # the exclusion count is printed below from the result itself
        warnings.simplefilter("ignore", terms_lib.ExcludedArticlesWarning)
        result = terms_lib.distinctive_terms(
            prep.tokens, prep.articles, by=args.by, freq=args.freq,
            methods=args.method or terms_lib.METHODS, top=args.top or None,
            pairwise=args.pairwise, paragraphs=prep.paragraphs,
            entities=not args.no_entities, prior_scale=args.prior_scale,
        )
    for reason, n in result.attrs.get("excluded_articles", {}).items():
        print(f"note: {n} article(s) left out of --by {args.by}: {reason}", file=sys.stderr)
    if args.out is None:
        sys.stdout.write(csv_text(result))
        return 0
    from framing.figures_terms import write_terms_figures

    out = Path(args.out)
    write_csv(result, out / "distinctive_terms.csv")
    write_terms_figures(result, out)
    print(f"wrote {out / 'distinctive_terms.csv'} ({len(result)} rows) and figures")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from framing import topics as topics_lib
    from framing.output import write_csv

    prep = _prepare(args.corpus)
    k_values = range(2, args.k_max + 1) if args.k_max and args.k_max >= 2 else ()
    res = topics_lib.fit_topics(
        prep.tokens, prep.paragraphs, prep.articles, k=args.k, random_state=args.random_state,
        k_values=k_values, n_top=args.top_terms, entities=not args.no_entities,
    )
    if args.out is None:
        print(res["topics"].to_string(index=False))
        print()
        print(res["topic_terms"].to_string(index=False))
        return 0
    from framing.figures_terms import write_topic_figures

    out = Path(args.out)
    for name in ("topic_terms", "topics", "paragraph_topics", "outlet_topics",
                 "topic_k_diagnostics"):
        write_csv(res[name], out / f"{name}.csv")
    write_topic_figures(res, out)
    print(f"wrote {len(res['topics'])} topics to {out}")
    return 0
