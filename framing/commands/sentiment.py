"""Command ``sentiment``: per-outlet sentiment, scorer agreement and tone validation."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``sentiment`` to the ``framing`` parser."""
    p = sub.add_parser(
        "sentiment",
        help="paragraph sentiment per outlet: SnowNLP and the news lexicon, and how they agree",
        description="Score every paragraph with SnowNLP (product-review model, for "
        "comparability) and the framing-news-polarity lexicon, then print per-outlet means, "
        "the agreement of the two scorers, their agreement with human tone codes "
        "(coding/tone_*.csv in the corpus, or --codes) and the tone of sentences mentioning "
        "each entity. The full tables are written by 'framing analyze'.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--codes", action="append", default=[], metavar="CSV",
                   help="tone coding sheet (doc_id, para_id, coder, tone); repeatable "
                   "(default: coding/tone_*.csv in the corpus)")
    p.add_argument("--lexicon", default=None, metavar="CSV",
                   help="polarity lexicon CSV (term, polarity[, weight]) instead of the "
                   "shipped one")
    p.add_argument("--modifiers", default=None, metavar="CSV",
                   help="negators and degree adverbs CSV (term, kind, weight)")
    p.set_defaults(func=cmd_sentiment)


def cmd_sentiment(args: argparse.Namespace) -> int:
    """Print the sentiment summary of a corpus."""
    lexicon = None
    if args.lexicon or args.modifiers:
        from framing.sentiment_lexicon import load_lexicon

        lexicon = load_lexicon(args.lexicon, args.modifiers)
    from framing import sentiment as sentiment_lib
    from framing.pipeline import prepare

    summary = sentiment_lib.summarize(prepare(args.corpus), args.codes, lexicon)
    print(summary.render())
    return 0
