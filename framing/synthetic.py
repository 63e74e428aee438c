"""A synthetic multi-outlet, multi-month corpus whose true frame shares are known.

Every article is made of paragraphs built from short Chinese news sentences. A *frame
paragraph* holds two sentences whose codebook terms all belong to one frame of the shipped
codebook (:func:`framing.codebook.load_codebook`), each sentence with at least one term of
weight 1, so the paragraph's dominant frame is that frame by construction (rule 6 of
:mod:`framing.frames`: weight ≥ 2 ≥ threshold, no other frame scored). A *neutral paragraph*
holds no codebook term, so it has no dominant frame. ``tests/test_synthetic.py`` checks both
claims on every sentence, in both scripts.

The frame of each paragraph is drawn from the shares given for the article's (outlet,
month) cell, either independently per paragraph (``composition="random"``: the cell's
*realised* share then scatters around the *nominal* share as in real sampling) or by
largest remainders per article (``composition="exact"``). The constructed frames travel
with each record in the ``synthetic_frames`` column (``|``-joined, one entry per body
paragraph, ``none`` for neutral), which ``framing import`` keeps as manifest metadata, so
the truth can be recomputed from the corpus itself (:func:`true_shares`).

Dates exercise the coarse-date rule of :func:`framing.terms.article_periods`: articles cycle
through the precisions in :data:`PRECISION_CYCLE` — a day, the month only, the ISO week of
the 15th (inside the month) and the ISO week of the 1st (for March–June 2025 that week
straddles two months, so it is placed in no month).

Everything here is labelled synthetic: titles start with ``[合成 synthetic]`` and the
``source`` column says ``synthetic (framing.synthetic, seed=N)``. None of it is news.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from framing.errors import ConfigError

#: Marker of a neutral (no-frame) paragraph in ``synthetic_frames``.
NEUTRAL = "none"

#: Outlet → script of the default corpus (``simplified`` or ``traditional``).
DEFAULT_OUTLETS: dict[str, str] = {
    "合成甲报": "simplified",
    "合成乙刊": "traditional",
    "合成丙網": "traditional",
}

#: Months of the default corpus.
DEFAULT_MONTHS: tuple[str, ...] = ("2025-03", "2025-04", "2025-05", "2025-06")

#: Date precision of article i of a cell is ``PRECISION_CYCLE[i % 6]``.
PRECISION_CYCLE: tuple[str, ...] = ("day", "month", "day", "week_mid", "day", "week_first")

#: Sentences (Simplified; converted with OpenCC ``s2t`` for Traditional outlets) whose
#: codebook terms all belong to one frame. ``{co}`` is a fictitious company name.
FRAME_SENTENCES: dict[str, tuple[str, ...]] = {
    "strategic_anxiety": (
        "{co}管理层坦言存在危机感，担心在大模型领域掉队。",
        "分析人士认为，{co}正在奋起直追，试图缩小与同行的差距。",
        "面对海外同行的技术领先，{co}急于抢占制高点。",
        "{co}高层表示，公司必须掌握主动权，加快追赶行业前沿。",
    ),
    "talent_war_drama": (
        "{co}以天价年薪挖角多名资深研究员。",
        "据知情人士透露，{co}开出签约奖金和期权，掀起新一轮抢人大战。",
        "猎头称，{co}近期频繁接触顶尖工程师，跳槽潮随之而来。",
        "{co}向核心团队发放留任奖金，以留住关键人员。",
    ),
    "conflict": (
        "{co}与同业在技术路线上分歧明显，双方的较量日趋激烈。",
        "业内人士指责{co}夸大宣传，引发不小争议。",
        "这场对决被视为两家企业之间的正面冲突。",
    ),
    "human_interest": (
        "一位工程师说实话，离开老团队时心情十分难过。",
        "谈起自己的人生选择，他说家人的支持让他感动。",
    ),
    "economic_consequences": (
        "受此影响，{co}股价下跌，市值蒸发数十亿元。",
        "财报显示，{co}营收放缓，利润承压。",
        "分析师预计，高额支出将推高{co}的运营成本。",
    ),
    "morality": (
        "评论人士认为，这种做法有违行业伦理与职业操守。",
        "有学者指出，企业行事应当讲求公平与诚信。",
    ),
    "responsibility": (
        "多名议员要求监管机构对此展开调查。",
        "政府正在制定相关政策，以明确企业责任。",
    ),
    "industry_concentration": (
        "观察人士指出，少数几家科技巨头正在形成寡头格局。",
        "中小企业面临越来越高的门槛，强者恒强的局面难以改变。",
    ),
    "research_culture": (
        "{co}创始人强调，保持好奇心和长期主义是实验室的使命。",
        "研究人员珍视自由探索的精神与开放的研究文化。",
    ),
    "business_strategy": (
        "{co}宣布与多家企业合作，加快产品化与商业化进程。",
        "{co}调整发展模式，希望借助生态系统扩大市场份额。",
    ),
    "knowledge_transfer": (
        "律师提醒，离职员工须遵守保密协议和竞业禁止条款。",
        "业内关注人才流动是否会引发知识产权纠纷。",
    ),
}

#: Sentences without any codebook term.
NEUTRAL_SENTENCES: tuple[str, ...] = (
    "{co}于本月在北京举办开发者大会。",
    "会上展示了多款新的人工智能应用。",
    "活动吸引了数千名观众到场参观。",
    "{co}表示，相关细节将在稍后公布。",
    "记者当天走访了位于深圳的办公园区。",
)

#: Fictitious company names.
COMPANIES: tuple[str, ...] = ("星河智能", "云帆科技", "北辰数据", "澜海实验室")


def default_shares(outlets: Sequence[str], months: Sequence[str]
                   ) -> dict[tuple[str, str], dict[str, float]]:
    """The default true shares: a rising, a flat and a mixed outlet.

    Outlet 1: ``strategic_anxiety`` rises linearly from 0.6 (first month) to 0.8 (last),
    ``talent_war_drama`` 0.1. Outlet 2: ``talent_war_drama`` 0.7 flat, ``strategic_anxiety``
    0.1. Outlet 3 (and any further outlet): ``conflict`` 0.3, ``talent_war_drama`` 0.3,
    ``strategic_anxiety`` 0.2. Every outlet: ``business_strategy`` 0.1 (a null difference by
    construction); the rest of each cell is neutral paragraphs.
    """
    out: dict[tuple[str, str], dict[str, float]] = {}
    n = len(months)
    for i, outlet in enumerate(outlets):
        for j, month in enumerate(months):
            if i == 0:
                rise = 0.6 + (0.2 * j / (n - 1) if n > 1 else 0.0)
                cell = {"strategic_anxiety": round(rise, 6), "talent_war_drama": 0.1}
            elif i == 1:
                cell = {"talent_war_drama": 0.7, "strategic_anxiety": 0.1}
            else:
                cell = {"conflict": 0.3, "talent_war_drama": 0.3, "strategic_anxiety": 0.2}
            cell["business_strategy"] = 0.1
            out[(outlet, month)] = cell
    return out


def _check_shares(shares: Mapping[tuple[str, str], Mapping[str, float]]) -> None:
    for cell, parts in shares.items():
        for frame, share in parts.items():
            if frame not in FRAME_SENTENCES:
                raise ConfigError(f"synthetic shares {cell}: unknown frame {frame!r}; "
                                  f"expected one of {', '.join(sorted(FRAME_SENTENCES))}")
            if not 0.0 <= share <= 1.0:
                raise ConfigError(f"synthetic shares {cell}: share of {frame} is {share}, "
                                  "expected a number in [0, 1]")
        if sum(parts.values()) > 1.0 + 1e-9:
            raise ConfigError(f"synthetic shares {cell}: shares sum to "
                              f"{sum(parts.values()):.3f} > 1")


def _frames_of_article(parts: Mapping[str, float], n: int, composition: str,
                       rng: np.random.Generator) -> list[str]:
    """The constructed frame of each of an article's ``n`` body paragraphs."""
    labels = sorted(parts) + [NEUTRAL]
    probs = np.array([parts[f] for f in sorted(parts)] + [0.0])
    probs[-1] = max(0.0, 1.0 - probs[:-1].sum())
    if composition == "random":
        drawn = rng.choice(len(labels), size=n, p=probs / probs.sum())
        return [labels[k] for k in drawn]
    # Largest remainders: counts as close to n * share as integers allow.
    raw = probs * n
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    for k in order[: n - counts.sum()]:
        counts[k] += 1
    out = [labels[k] for k, c in enumerate(counts) for _ in range(c)]
    return [out[k] for k in rng.permutation(n)]


def _paragraph(frame: str, company: str, rng: np.random.Generator) -> str:
    pool = NEUTRAL_SENTENCES if frame == NEUTRAL else FRAME_SENTENCES[frame]
    picks = rng.choice(len(pool), size=2, replace=len(pool) < 2)
    return "".join(pool[k].format(co=company) for k in picks)


def _date(month: str, i: int, rng: np.random.Generator) -> tuple[str, str]:
    """Date text and precision of article ``i`` of a cell in ``month`` (``YYYY-MM``)."""
    year, mon = (int(x) for x in month.split("-"))
    kind = PRECISION_CYCLE[i % len(PRECISION_CYCLE)]
    if kind == "day":
        return datetime.date(year, mon, int(rng.integers(1, 29))).isoformat(), "day"
    if kind == "month":
        return f"{year:04d}-{mon:02d}", "month"
    day = datetime.date(year, mon, 15 if kind == "week_mid" else 1)
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}", "week"


def _to_script(text: str, script: str) -> str:
    if script == "simplified":
        return text
    if script != "traditional":
        raise ConfigError(f"synthetic outlets: script {script!r}; expected 'simplified' or "
                          "'traditional'")
    from framing.textview import converter

    return converter("s2t").convert(text)


def synthetic_articles(
    seed: int = 0,
    outlets: Mapping[str, str] | None = None,
    months: Sequence[str] = DEFAULT_MONTHS,
    articles_per_cell: int = 6,
    paragraphs_per_article: int = 10,
    shares: Mapping[tuple[str, str], Mapping[str, float]] | None = None,
    composition: str = "random",
    signoff_every: int = 2,
) -> list[dict]:
    """Generate a reproducible synthetic corpus with known frame shares.

    Parameters
    ----------
    seed : int
        Seed; the same arguments give the same records.
    outlets : mapping of str to str, optional
        Outlet name → script (``simplified`` or ``traditional``); default
        :data:`DEFAULT_OUTLETS`.
    months : sequence of str
        ``YYYY-MM`` months.
    articles_per_cell : int
        Articles per (outlet, month).
    paragraphs_per_article : int
        Body paragraphs per article (a sign-off line may follow).
    shares : mapping, optional
        ``(outlet, month)`` → {frame id: share}; shares sum to at most 1, the rest is
        neutral paragraphs. Default :func:`default_shares`.
    composition : {"random", "exact"}
        Draw each paragraph's frame independently, or give each article the integer counts
        closest to its shares (largest remainders).
    signoff_every : int
        Every ``signoff_every``-th article ends with a sign-off line ``（outlet）`` (0: none),
        which analyses must leave out.

    Returns
    -------
    list of dict
        One record per article, in generation order, with ``doc_id, outlet, date,
        date_precision, title, source, text`` and the truth columns ``synthetic_month``
        (the cell's month), ``synthetic_frames`` (constructed frame of each body paragraph,
        ``|``-joined, ``none`` = neutral) and ``synthetic_seed``.
    """
    outlets = dict(DEFAULT_OUTLETS if outlets is None else outlets)
    if composition not in ("random", "exact"):
        raise ConfigError(f"composition must be 'random' or 'exact', not {composition!r}")
    if articles_per_cell < 1 or paragraphs_per_article < 1:
        raise ConfigError("articles_per_cell and paragraphs_per_article must be at least 1")
    shares = default_shares(list(outlets), months) if shares is None else shares
    _check_shares(shares)
    rng = np.random.default_rng(seed)
    records = []
    for o, (outlet, script) in enumerate(outlets.items()):
        for month in months:
            parts = shares.get((outlet, month), {})
            for i in range(articles_per_cell):
                frames = _frames_of_article(parts, paragraphs_per_article, composition, rng)
                company = COMPANIES[int(rng.integers(len(COMPANIES)))]
                lines = [_paragraph(f, company, rng) for f in frames]
                if signoff_every and i % signoff_every == 0:
                    lines.append(f"（{outlet}）")
                date, precision = _date(month, i, rng)
                records.append({
                    "doc_id": f"syn{seed}_{o}_{month}_{i:02d}",
                    "outlet": outlet,
                    "date": date,
                    "date_precision": precision,
                    "title": _to_script(f"[合成 synthetic] {outlet} {month} 第{i + 1}篇", script),
                    "source": f"synthetic (framing.synthetic, seed={seed})",
                    "text": _to_script("\n".join(lines), script) + "\n",
                    "synthetic_month": month,
                    "synthetic_frames": "|".join(frames),
                    "synthetic_seed": str(seed),
                })
    return records


def write_import_table(records: Sequence[Mapping[str, object]], path: str | Path) -> Path:
    """Write records as a JSON Lines table that ``framing import`` reads.

    Returns
    -------
    Path
        The file written (UTF-8, one JSON object per line, keys in record order).
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(dict(r), ensure_ascii=False) + "\n" for r in records)
    out.write_text(text, encoding="utf-8")
    return out


def true_shares(records: Sequence[Mapping[str, object]], doc_ids: Sequence[str] | None = None
                ) -> dict[str, dict[str, float]]:
    """Realised share of each constructed frame over the body paragraphs of some records.

    Parameters
    ----------
    records : sequence of mapping
        Records of :func:`synthetic_articles` (or articles-table rows with the
        ``synthetic_frames`` column).
    doc_ids : sequence of str, optional
        Restrict to these articles.

    Returns
    -------
    dict
        Frame id → share of the body paragraphs constructed with that frame (neutral
        paragraphs count in the denominator; frames never drawn are absent: share 0).
    """
    keep = None if doc_ids is None else set(doc_ids)
    counts: dict[str, int] = {}
    total = 0
    for r in records:
        if keep is not None and r["doc_id"] not in keep:
            continue
        for f in str(r["synthetic_frames"]).split("|"):
            total += 1
            counts[f] = counts.get(f, 0) + 1
    return {f: counts[f] / total for f in sorted(counts) if f != NEUTRAL} if total else {}
