"""Corpus-wide stages at scale: term counts, topics and distinctive terms on 1M paragraphs.

Issue #7 asks that the corpus-wide stages stay within memory at a million paragraphs. This
builds a synthetic corpus article by article, the way the engine feeds the main process:
each article's token columns go through :func:`framing.termcounts.article_terms` (worker
work, timed apart) and into a :class:`framing.termcounts.TermCounts`; then
:func:`framing.topics.fit_topics` and :func:`framing.terms.distinctive_terms` run on the
counts, with the settings ``framing analyze`` uses. It reports seconds and peak resident
memory (RSS, sampled every 50 ms) per step.

Synthetic text (seeded): a Zipfian vocabulary (exponent 1.07) of ``--vocab`` terms of two to
four Han characters (5% Latin), a third of them with a second written spelling that the
Traditional half of the ``--outlets`` outlets use; 40 entity aliases of 20 entities; each
article draws half its terms from one of 30 themes (a permuted Zipf over the same vocabulary)
and half from the common distribution. Paragraphs have about 45 tokens, about 35 of them
terms, the rest stopwords, punctuation, numbers and one-character words.

``--check-corpus DIR`` instead checks, on a real corpus, that the counts built article by
article from the engine's ``tokens`` and ``paragraphs`` tables give exactly the topic and
distinctive-term tables of the DataFrame path (``pd.testing.assert_frame_equal``, exact).

Usage::

    PYTHONPATH=. .venv/bin/python bench/bench_corpus_wide.py                 # 1M paragraphs
    PYTHONPATH=. .venv/bin/python bench/bench_corpus_wide.py --paragraphs 100000 --json o.json
    PYTHONPATH=. .venv/bin/python bench/bench_corpus_wide.py --check-corpus /tmp/s3/c1k
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import psutil

from framing.termcounts import TermCounts, article_terms

STOPWORDS = ["的", "了", "是", "在", "我们", "和", "也", "就", "都", "而"]
PUNCT = ["，", "。", "、", "「", "」", "：", "？"]
SINGLES = ["新", "高", "大", "多", "前", "后", "著"]


class Peak:
    """Peak RSS of this process, sampled every ``interval`` seconds on a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.interval)

    def reset(self) -> None:
        self.peak = self.proc.memory_info().rss

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def step(name: str, report: dict, peak: Peak) -> Iterator[None]:
    """Time a step and record its peak RSS (MiB)."""
    peak.reset()
    t0 = time.perf_counter()
    yield
    seconds = time.perf_counter() - t0
    rss = max(peak.peak, peak.proc.memory_info().rss)
    report["steps"][name] = {"seconds": round(seconds, 2), "peak_rss_mib": round(rss / 2**20)}
    print(f"{name:22s} {seconds:8.1f} s   peak RSS {rss / 2**20:7.0f} MiB", flush=True)


# ---------------------------------------------------------------------------------------
# synthetic corpus
# ---------------------------------------------------------------------------------------


class Synthetic:
    """Seeded generator of articles as the engine's token columns and paragraph texts."""

    def __init__(self, n_vocab: int, n_outlets: int, seed: int) -> None:
        rng = self.rng = np.random.default_rng(seed)
        han = rng.integers(0x4E00, 0x9FA5, size=(n_vocab * 2, 4))
        lengths = rng.choice([2, 2, 2, 3, 3, 4], size=n_vocab * 2)
        words = dict.fromkeys("".join(map(chr, row[:n])) for row, n in zip(han, lengths,
                                                                           strict=True))
        words = list(words)[:n_vocab]
        latin = rng.random(n_vocab) < 0.05
        for i in np.flatnonzero(latin):
            words[i] = "".join(chr(c) for c in rng.integers(65, 91, size=rng.integers(2, 6)))
        self.words = words
        # a second written spelling (as Traditional text would show) for a third of them
        alt = rng.random(n_vocab) < 1 / 3
        self.alt = {i: words[i][:-1] + chr(0x4E00 + (ord(words[i][-1]) * 7) % 20000)
                    for i in np.flatnonzero(alt & ~latin)}
        self.entities = [(f"实体{i // 2}", f"别名{i}") for i in range(40)]
        ranks = np.arange(1, n_vocab + 1, dtype=float)
        p = ranks ** -1.07
        self.cdf = np.cumsum(p / p.sum())
        self.themes = [rng.permutation(n_vocab) for _ in range(30)]
        self.n_outlets = n_outlets

    def article(self, doc: int, n_paras: int) -> tuple[dict[str, list], dict[int, str], str]:
        """Token columns, paragraph texts and outlet of one article."""
        rng = self.rng
        outlet = doc % self.n_outlets
        traditional = outlet % 2 == 1
        theme = self.themes[int(rng.integers(len(self.themes)))]
        cols: dict[str, list] = {c: [] for c in ("doc_id", "para_id", "token_id", "token",
                                                 "start", "end", "kind", "stop", "entity")}
        texts: dict[int, str] = {}
        doc_id = f"doc{doc:07d}"
        for para in range(n_paras):
            n = int(rng.integers(38, 53))
            ids = np.searchsorted(self.cdf, rng.random(n), side="right")
            ids = np.minimum(ids, len(self.words) - 1)
            themed = rng.random(n) < 0.5
            ids[themed] = theme[ids[themed]]
            other = rng.random(n)
            pieces, pos = [], 0
            for t, (i, r) in enumerate(zip(ids.tolist(), other.tolist(), strict=True)):
                entity = ""
                if r < 0.12:
                    token = STOPWORDS[t % len(STOPWORDS)]
                    kind, stop = "han", True
                elif r < 0.2:
                    token, kind, stop = PUNCT[t % len(PUNCT)], "punct", False
                elif r < 0.23:
                    token, kind, stop = str(1000 + i % 9000), "number", False
                elif r < 0.27:
                    token, kind, stop = SINGLES[t % len(SINGLES)], "han", False
                elif r < 0.28:
                    entity, token = self.entities[i % len(self.entities)]
                    kind, stop = "han", False
                else:
                    token = self.words[i]
                    kind = "latin" if token.isascii() else "han"
                    stop = False
                written = self.alt.get(i, token) if traditional and not entity else token
                pieces.append(written)
                cols["doc_id"].append(doc_id)
                cols["para_id"].append(para)
                cols["token_id"].append(t)
                cols["token"].append(token)
                cols["start"].append(pos)
                cols["end"].append(pos + len(written))
                cols["kind"].append(kind)
                cols["stop"].append(stop)
                cols["entity"].append(entity)
                pos += len(written)
            texts[para] = "".join(pieces)
        return cols, texts, f"outlet{outlet}"


def run_bench(args: argparse.Namespace) -> dict:
    from framing.analyze import DEFAULT_SEED, DISTINCTIVE_TOP
    from framing.terms import distinctive_terms
    from framing.topics import fit_topics

    peak = Peak()
    report: dict = {"paragraphs": args.paragraphs, "articles": args.articles,
                    "vocab": args.vocab, "outlets": args.outlets, "seed": args.seed,
                    "steps": {}}
    with step("generate vocabulary", report, peak):
        syn = Synthetic(args.vocab, args.outlets, args.seed)
    sizes = syn.rng.multinomial(args.paragraphs, [1 / args.articles] * args.articles)
    counts = TermCounts()
    t_gen = t_terms = t_add = 0.0
    n_tokens = n_terms = 0
    outlets = []
    with step("build term counts", report, peak):
        for doc, n_paras in enumerate(sizes.tolist()):
            t0 = time.perf_counter()
            cols, texts, outlet = syn.article(doc, n_paras)
            t1 = time.perf_counter()
            terms = article_terms(cols, texts)
            t2 = time.perf_counter()
            counts.add(f"doc{doc:07d}", terms)
            t3 = time.perf_counter()
            t_gen, t_terms, t_add = t_gen + t1 - t0, t_terms + t2 - t1, t_add + t3 - t2
            n_tokens += len(cols["token"])
            n_terms += len(terms["term"])
            outlets.append(outlet)
            if args.progress and doc % 10000 == 0:
                print(f"  {doc} articles", file=sys.stderr, flush=True)
        counts.rows()  # the final arrays, made once
    report["build"] = {"generate_seconds": round(t_gen, 1),
                       "article_terms_seconds": round(t_terms, 1),
                       "add_seconds": round(t_add, 1), "tokens": n_tokens,
                       "term_occurrences": n_terms, "paragraphs_with_terms": len(counts),
                       "distinct_terms": len(counts.vocabulary()),
                       "matrix_entries": int(counts.rows().indptr[-1])}
    print(f"  generate {t_gen:.1f} s, article_terms {t_terms:.1f} s "
          f"({n_tokens / max(t_terms, 1e-9) / 1e6:.2f} M tokens/s), add {t_add:.1f} s; "
          f"{n_terms:,} term occurrences, {report['build']['matrix_entries']:,} matrix "
          f"entries, {report['build']['distinct_terms']:,} terms", flush=True)
    doc_ids = [f"doc{d:07d}" for d in range(args.articles)]
    paragraphs = pd.DataFrame({"doc_id": np.repeat(np.asarray(doc_ids, dtype=object), sizes),
                               "para_id": np.concatenate([np.arange(n) for n in sizes])})
    articles = pd.DataFrame({"doc_id": doc_ids, "outlet": outlets})
    with step("fit_topics", report, peak):
        tables = fit_topics(counts, paragraphs, articles, random_state=DEFAULT_SEED)
    report["topics"] = {name: len(df) for name, df in tables.items()}
    print("  " + ", ".join(f"{k} {v:,} rows" for k, v in report["topics"].items()))
    del tables
    with step("distinctive_terms", report, peak):
        dist = distinctive_terms(counts, articles, by="outlet", top=DISTINCTIVE_TOP)
    report["distinctive_terms_rows"] = len(dist)
    peak.stop()
    report["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"whole run: peak RSS {report['max_rss_mib']} MiB (getrusage)")
    return report


# ---------------------------------------------------------------------------------------
# check on a real corpus
# ---------------------------------------------------------------------------------------


def check_corpus(corpus_dir: str) -> dict:
    """Article-by-article counts from the engine's tables == the DataFrame path, exactly."""
    from framing import analyze
    from framing.corpus import load_corpus
    from framing.engine import RunOptions
    from framing.terms import distinctive_terms
    from framing.topics import fit_topics

    config = analyze.Config()
    articles, run = analyze.per_article_run(load_corpus(corpus_dir), config,
                                            RunOptions(cache=False))
    tokens, paragraphs = run.tables["tokens"], run.tables["paragraphs"]
    t0 = time.perf_counter()
    counts = TermCounts()
    texts: dict[str, dict[int, str]] = {}
    for doc, para, text in zip(paragraphs["doc_id"], paragraphs["para_id"],
                               paragraphs["text"], strict=True):
        texts.setdefault(doc, {})[int(para)] = text
    cols = {c: tokens[c].tolist() for c in tokens.columns}
    docs = cols["doc_id"]
    starts = [0] + [i for i in range(1, len(docs)) if docs[i] != docs[i - 1]] + [len(docs)]
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        part = {c: v[a:b] for c, v in cols.items()}
        counts.add(docs[a], article_terms(part, texts.get(docs[a], {})))
    t1 = time.perf_counter()
    new = fit_topics(counts, paragraphs, articles, k=config.topics_k, random_state=config.seed)
    old = fit_topics(tokens, paragraphs, articles, k=config.topics_k, random_state=config.seed)
    for name in old:
        pd.testing.assert_frame_equal(new[name], old[name], check_exact=True)
    new_d = distinctive_terms(counts, articles, by="outlet", top=analyze.DISTINCTIVE_TOP)
    old_d = distinctive_terms(tokens, articles, by="outlet", top=analyze.DISTINCTIVE_TOP,
                              paragraphs=paragraphs)
    pd.testing.assert_frame_equal(new_d, old_d, check_exact=True)
    out = {"corpus": corpus_dir, "articles": len(articles), "tokens": len(tokens),
           "paragraphs_with_terms": len(counts), "build_seconds": round(t1 - t0, 2),
           "tables_equal": sorted([*old, "distinctive_terms"])}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--vocab", type=int, default=200_000)
    ap.add_argument("--outlets", type=int, default=8)
    ap.add_argument("--seed", type=int, default=20250704)
    ap.add_argument("--json", default=None, help="write the report here")
    ap.add_argument("--progress", action="store_true")
    ap.add_argument("--check-corpus", default=None, metavar="DIR",
                    help="check the article-by-article path against the DataFrame path")
    args = ap.parse_args(argv)
    if args.check_corpus:
        report = check_corpus(args.check_corpus)
    else:
        report = run_bench(args)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
