"""Figures, the terminal summary and the generated methods text of an analysis run."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from framing.corpus import Corpus

#: Articles that get their own figure (frames paragraph by paragraph): the first ones by
#: ``doc_id``. A study of a few articles gets one per article; a corpus of 100,000 would get
#: 200,000 files and hours of drawing (the tables hold every article's numbers, and
#: :func:`framing.figures_frames.plot_article_frames` draws any of them).
ARTICLE_FIGURES = 30


def write_figures(tables: Mapping[str, pd.DataFrame], out_dir: Path, codebook: object,
                  scorer: str, jobs: int = 1) -> list[Path]:
    """Draw the figure set (PNG + SVG) from the analysis tables.

    Figures: outlet frame profiles with intervals, the frames of each of the first
    :data:`ARTICLE_FIGURES` articles paragraph by paragraph, distinctive terms per outlet,
    topic shares per outlet (and the k diagnostic), sentiment arcs and sentiment by dominant
    frame × outlet (drawn with ``scorer``).

    ``jobs``: local processes the drawings are shared among
    (:func:`framing.forked.map_forked`). Laying out the Chinese labels makes each figure take
    0.1-1 s, so the two seed articles' 18 files take about 6 s on one core; every file is
    the same whatever the number of processes.
    """
    from framing import (
        figures_frames,
        figures_sentiment,
        figures_terms,
        figures_timeline,
        plotting,
    )
    from framing.forked import map_forked

    # Each drawing writes its own files and returns their paths, in this order.
    drawings: list[Callable[[], list[Path]]] = []
    outlets = dict(zip(tables["articles"]["doc_id"], tables["articles"]["outlet"], strict=True))
    if not tables["outlet_frames"].empty:
        drawings.append(functools.partial(figures_frames.plot_outlet_frames,
                                          tables["outlet_frames"], codebook, out_dir))
        first = sorted(map(str, tables["articles"]["doc_id"]))[:ARTICLE_FIGURES]
        scores = (tables.rows_of("frame_scores", first) if hasattr(tables, "rows_of")
                  else tables["frame_scores"][tables["frame_scores"]["doc_id"].isin(first)])
        paragraphs = tables["paragraphs"]
        paragraphs = paragraphs[paragraphs["doc_id"].isin(first)]
        # one drawing per article, with the rows (frames) of all of them
        order = figures_frames.frame_order(codebook, list(scores["frame"].unique()))
        for doc_id, part in scores.groupby("doc_id", sort=True):
            drawings.append(functools.partial(
                figures_frames.plot_article_frames, part,
                paragraphs[paragraphs["doc_id"] == doc_id], codebook, out_dir,
                outlets=outlets, frame_rows=order))
    if "timeline" in tables and not tables["timeline"].empty:
        drawings.append(functools.partial(figures_timeline.plot_timeline, tables["timeline"],
                                          out_dir, codebook, kind="frame_share"))
    if not tables["distinctive_terms"].empty:
        drawings.append(functools.partial(figures_terms.write_terms_figures,
                                          tables["distinctive_terms"], out_dir))
    if "outlet_topics" in tables and not tables["outlet_topics"].empty:
        drawings.append(functools.partial(figures_terms.write_topic_figures, tables, out_dir))
    if not tables["sentiment_arcs"].empty:
        drawings.append(functools.partial(figures_sentiment.write_sentiment_arcs,
                                          tables["sentiment_arcs"], out_dir, scorer))
    if not tables["frame_sentiment"].empty:
        drawings.append(functools.partial(figures_sentiment.write_frame_sentiment,
                                          tables["frame_sentiment"], out_dir, scorer))
    # matplotlib, seaborn and the font set up here, once, not in each forked process
    plotting.setup()
    return [path for paths in map_forked(_draw, drawings, jobs) for path in paths]


def _draw(drawing: Callable[[], list[Path]]) -> list[Path]:
    return drawing()


def _top_terms(distinctive: pd.DataFrame, n: int = 8) -> list[str]:
    lines = []
    part = distinctive[distinctive["method"] == "log_odds_dirichlet"]
    for group, g in part.groupby("group", sort=True):
        g = g.sort_values("rank").head(n)
        col = "term_original" if "term_original" in g.columns else "term"
        lines.append(f"  {group}: " + ", ".join(str(t) for t in g[col]))
    return lines


def summary_text(tables: dict[str, pd.DataFrame], corpus: Corpus, scorer: str = "",
                 scorer_reason: str = "") -> str:
    """The short summary ``framing analyze`` prints."""
    from framing import frames

    counts = corpus.counts()
    arts = tables["articles"]
    lines = [
        f"corpus {corpus.root}: {counts['rows']} manifest rows, {counts['ingested']} "
        f"ingested, {counts['skipped']} skipped, {counts['duplicates']} duplicates; "
        f"{len(arts)} articles from {arts['outlet'].nunique() if len(arts) else 0} outlets, "
        f"{len(tables['paragraphs'])} paragraphs",
        frames.summarize(tables["outlet_frames"]).rstrip(),
        "distinctive terms (log-odds, informative Dirichlet prior; top 8 per outlet):",
        *_top_terms(tables["distinctive_terms"]),
    ]
    excluded = tables.get("timeline_excluded")
    if excluded is not None and len(excluded):
        lines.append(f"timeline: {len(excluded)} article(s) left out because their date spans "
                     "more than one period (see timeline_excluded.csv); none is put on a "
                     "precise day")
    agr = tables.get("sentiment_agreement")
    if agr is not None and not agr.empty:
        lines.append("sentiment: agreement of the two scorers (Spearman, sign agreement, "
                     "n paragraphs):")
        for _, r in agr.iterrows():
            where = r.get("outlet") or r.get("scope", "")
            lines.append(f"  {where}, lexicon vs {r.get('snownlp_column', '')}: "
                         f"rho={r.get('spearman', float('nan')):.2f} "
                         f"sign={r.get('sign_agreement', float('nan')):.2f} "
                         f"n={r.get('n_paragraphs', '')}")
    if scorer:
        lines.append(f"figures use {scorer}: {scorer_reason}")
    return "\n".join(lines)


def methods_text(tables: dict[str, pd.DataFrame], corpus: Corpus, manifest: dict) -> str:
    """A methods paragraph and codebook appendix for a paper, from the run's facts."""
    arts = tables["articles"]
    v = manifest["versions"]
    outlets = ", ".join(sorted(arts["outlet"].unique())) if len(arts) else "none"
    period = (f"{arts['date_start'].min()} to {arts['date_end'].max()}" if len(arts) else "—")
    cb = manifest.get("codebook", {})
    lex = manifest.get("sentiment_lexicon", {})
    hashes = ", ".join(f"{k} `{h[:12]}`" for k, h in manifest.get("dictionaries", {}).items())
    lines = [
        "# Methods (generated by framing)",
        "",
        f"The corpus holds {len(arts)} articles ({len(tables['paragraphs'])} paragraph units) "
        f"from {arts['outlet'].nunique() if len(arts) else 0} outlets ({outlets}), dated "
        f"{period}; dates known only to the week or month are kept at that precision. "
        f"Corpus SHA-256: `{manifest['corpus']['sha256']}`.",
        "",
        "Each non-blank line of an article is one paragraph unit. Texts were converted to "
        f"Simplified characters with OpenCC {v.get('opencc', '')} (`t2s`, applied "
        "character-aligned so that offsets index the original text) and segmented with an "
        f"isolated jieba {v.get('jieba', '')} tokenizer (HMM on) extended with a domain "
        "dictionary and an entity alias table shipped with framing "
        f"(hashes: {hashes}). "
        "Stopwords: stopwords-iso `zh`.",
        "",
        f"Frames were scored with framing's codebook version {cb.get('version', '')} "
        f"(SHA-256 `{cb.get('sha256', '')}`) by longest-match term lookup on tokens with a "
        "negation rule; a paragraph's dominant frame is its strongest frame above the "
        "codebook's threshold. Outlet shares carry bootstrap 95% intervals.",
        "",
        f"Sentiment: SnowNLP {v.get('snownlp', '')} (a naive Bayes model trained on product "
        "reviews; reported for comparability only, it does not track human tone codes on "
        f"news) and the lexicon {lex.get('name', '')} {lex.get('version', '')} "
        f"({lex.get('licence', lex.get('license', ''))}; {lex.get('source', '')}).",
        "",
        "Topics: TF-IDF over paragraphs and NMF (scikit-learn "
        f"{v.get('scikit-learn', '')}); distinctive terms: log-odds ratio with an informative "
        "Dirichlet prior (Monroe, Colaresi & Quinn 2008), chi-squared and log-likelihood "
        "keyness, TF-IDF by group.",
        "",
        "Timelines average the paragraph measures by period and outlet, with 95% intervals "
        "from a bootstrap over articles; an article enters a period only if its whole date "
        "interval lies inside it. Outlets are compared with two-sided permutation tests over "
        "articles, Cohen's h or d as effect size, and Holm's correction across measures.",
        "",
        f"Software: framing {v.get('framing')}, Python {v.get('python')}, pandas "
        f"{v.get('pandas')}, numpy {v.get('numpy')}, scipy {v.get('scipy')}.",
        "",
    ]
    lines.extend(_validation_lines(tables))
    lines.append("## Codebook appendix")
    lines.append("")
    lines.append(_codebook_appendix(manifest))
    return "\n".join(lines) + "\n"


def _ci(row: pd.Series, est: str, lo: str, hi: str) -> str:
    return f"{row[est]:.2f} [{row[lo]:.2f}, {row[hi]:.2f}]"


def _validation_lines(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Markdown sentences and tables reporting agreement with the corpus's coded sheets."""
    alpha = tables.get("coding_alpha")
    prf = tables.get("coding_prf")
    tone = tables.get("sentiment_validation")
    if (alpha is None or alpha.empty) and (tone is None or tone.empty):
        return ["No coded sheets were found in the corpus's `coding/` folder, so these "
                "measures are not validated on this corpus.", ""]
    out = ["## Validation against coded sheets", "",
           "Agreement with the human codes in the corpus's `coding/` folder (95% bootstrap "
           "intervals). Where the coders also developed the lexicons, these figures are "
           "in-sample and optimistic.", ""]
    if alpha is not None and not alpha.empty:
        out += ["| frames: comparison | Krippendorff's alpha, primary frame | macro-F1 presence "
                "| macro-F1 primary |", "|---|---|---|---|"]
        prim = alpha[alpha["variable"] == "primary_frame"]
        for _, r in prim.iterrows():
            f1p = f1q = ""
            if prf is not None and r["comparison"].startswith("lexicon_vs_"):
                coder = r["comparison"].removeprefix("lexicon_vs_")
                sel = prf[(prf["reference"] == coder) & (prf["outlet"] == "all")
                          & (prf["frame"] == "macro")]
                for level, name in (("presence", "p"), ("primary", "q")):
                    row = sel[sel["level"] == level]
                    if len(row):
                        text = _ci(row.iloc[0], "f1", "f1_lo", "f1_hi")
                        f1p, f1q = (text, f1q) if name == "p" else (f1p, text)
            out.append(f"| {r['comparison']} ({r['n_units']} paragraphs) | "
                       f"{_ci(r, 'alpha', 'alpha_lo', 'alpha_hi')} | {f1p} | {f1q} |")
        out.append("")
    if tone is not None and not tone.empty:
        out += ["| tone: scorer vs coder | n | alpha (ordinal) | macro-F1 | Spearman |",
                "|---|---|---|---|---|"]
        for _, r in tone.iterrows():
            out.append(f"| {r['scorer']} vs {r['coder']} | {r['n']} | "
                       f"{_ci(r, 'alpha', 'alpha_ci_low', 'alpha_ci_high')} | "
                       f"{_ci(r, 'macro_f1', 'macro_f1_ci_low', 'macro_f1_ci_high')} | "
                       f"{_ci(r, 'spearman', 'spearman_ci_low', 'spearman_ci_high')} |")
        out.append("")
    return out


def _codebook_appendix(manifest: dict) -> str:
    from framing.codebook import load_codebook

    path = manifest.get("config", {}).get("codebook")
    cb = load_codebook(path)
    table = cb.to_frame()
    out = []
    for frame in cb.frames:
        terms = table[table["frame"] == frame.id]["term"].tolist()
        out.append(f"- **{frame.id}** ({frame.label_zh} / {frame.label_en}): "
                   f"{frame.definition.strip()} Terms ({len(terms)}): {'、'.join(terms)}")
    return "\n".join(out)
