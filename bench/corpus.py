"""Reproducible benchmark corpora of realistic Chinese news paragraphs, in both scripts.

Sentences come from the two seed commentaries (real Traditional-Chinese news prose) and from
the sentence pools of :mod:`framing.synthetic` (Simplified news sentences written around the
codebook's frames). A paragraph joins two to five sentences drawn at random; names, numbers and
companies are varied so that paragraphs rarely repeat exactly (repeats would flatter any cache).
Half of the outlets publish in Simplified, half in Traditional script (sentences converted with
OpenCC), so the pipeline's conversion and both dictionaries are exercised. Everything is fixed
by the seed: the same arguments give the same bytes.

Every article is labelled synthetic (title prefix ``[合成 bench]``); none of it is news.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

#: Outlets and their scripts (half each).
OUTLETS = {
    "華聲日報": "traditional", "港島財經": "traditional", "台北觀察": "traditional",
    "灣區科技評論": "traditional", "新京科技报": "simplified", "沪上财经": "simplified",
    "深圳创新周刊": "simplified", "中关村观察": "simplified",
}
COMPANIES = ["Meta", "OpenAI", "谷歌", "微軟", "蘋果", "亞馬遜", "Anthropic", "字節跳動",
             "騰訊", "阿里巴巴", "百度", "華為", "英偉達", "xAI", "DeepMind"]
PEOPLE = ["扎克伯格", "奧特曼", "黃仁勳", "馬斯克", "李飛飛", "楊立昆", "蘇茨克維", "王小川"]
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]")


def sentence_pool() -> list[str]:
    """The sentences paragraphs are drawn from (seed sentences, then synthetic ones)."""
    pool: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        pool.extend(s.strip() for s in _SENT.findall(path.read_text(encoding="utf-8"))
                    if 8 <= len(s.strip()) <= 160)
    from framing import synthetic

    for sentences in (*synthetic.FRAME_SENTENCES.values(), synthetic.NEUTRAL_SENTENCES):
        pool.extend(sentences)
    if len(pool) < 100:
        raise RuntimeError(f"only {len(pool)} sentences found under {SEEDS}")
    return pool


def _vary(sentence: str, rng: np.random.Generator) -> str:
    """Change numbers and names so that drawn sentences rarely repeat exactly."""
    sentence = sentence.replace("{co}", COMPANIES[rng.integers(len(COMPANIES))])
    sentence = re.sub(r"\d+", lambda m: str(int(rng.integers(1, 10 ** min(len(m.group()), 4)))),
                      sentence)
    if rng.random() < 0.3:
        sentence = PEOPLE[rng.integers(len(PEOPLE))] + "表示，" + sentence
    return sentence


def articles(n: int, seed: int = 0, paragraphs: tuple[int, int] = (4, 10)
             ) -> Iterator[dict[str, str]]:
    """Yield ``n`` import records (``doc_id, outlet, date, title, source, text``).

    Parameters
    ----------
    n : int
        Number of articles.
    seed : int
        Seed of every random draw.
    paragraphs : (int, int)
        Inclusive range of paragraphs per article.
    """
    import opencc

    to_simp = opencc.OpenCC("t2s")
    to_trad = opencc.OpenCC("s2twp")
    pool = sentence_pool()
    rng = np.random.default_rng(seed)
    outlets = sorted(OUTLETS)
    for i in range(n):
        outlet = outlets[int(rng.integers(len(outlets)))]
        convert = to_simp.convert if OUTLETS[outlet] == "simplified" else to_trad.convert
        paras = []
        for _ in range(int(rng.integers(paragraphs[0], paragraphs[1] + 1))):
            picks = rng.integers(len(pool), size=int(rng.integers(2, 6)))
            paras.append("".join(_vary(pool[j], rng) for j in picks))
        title = "[合成 bench] " + _vary(pool[int(rng.integers(len(pool)))], rng)[:40]
        year, month = 2024 + (i * 24 // max(n, 1)) // 12, (i * 24 // max(n, 1)) % 12 + 1
        day = int(rng.integers(1, 29))
        yield {
            "doc_id": f"b{seed}-{i:07d}",
            "outlet": outlet,
            "date": f"{year}-{month:02d}-{day:02d}",
            "title": convert(title),
            "source": f"synthetic benchmark (bench/corpus.py, seed={seed})",
            "text": convert("\n".join(paras)) + "\n",
        }


def write_table(path: Path, records: Iterator[dict[str, str]]) -> int:
    """Write records as a JSON Lines import table; returns the number written."""
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n
