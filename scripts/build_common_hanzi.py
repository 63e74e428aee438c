"""Build ``framing/data/common_hanzi.txt``, the common-character list used by
:mod:`framing.encoding` to judge how plausible a candidate decoding is as Chinese.

How the file is made (deterministic; run ``python scripts/build_common_hanzi.py``
inside the project virtualenv, no network access needed):

1. Read jieba's own dictionary, ``jieba/dict.txt`` from the *installed* jieba
   package (jieba 0.42.1, MIT licence).  Each line is ``word frequency [tag]``.
2. Give every CJK Unified Ideograph (basic block, Extension A and Extensions B+)
   a weight: the sum, over all dictionary words containing it, of
   ``word frequency x occurrences of the character in the word``.
3. Drop characters that are not Simplified, i.e. whose OpenCC ``t2s``
   conversion differs from the character itself.
4. Drop characters that occur in fewer than ``MIN_WORDS`` (3) distinct
   multi-character dictionary words.  jieba's dictionary contains a few
   high-frequency single-character entries that are mojibake (UTF-8 bytes read
   as GBK, e.g. 鐨 for 的, 紝 for ，, 銆 for 。); they appear in no real words
   and must not be counted as "common Chinese".
5. Keep the ``N_SIMPLIFIED`` (4000) heaviest characters (ties broken by code
   point).  These cover about 99 % of the character weight of the dictionary.
6. Add their Traditional forms using OpenCC (Apache-2.0) with the ``s2t``,
   ``s2tw`` and ``s2hk`` configurations:
   a. each of the 4000 characters converted on its own (default mapping);
   b. every multi-character dictionary word made only of those 4000
      characters, converted as a word, so that one-to-many mappings that
      depend on context are captured too (发→發/髮, 里→裏/裡, 干→幹/乾,
      制→制/製, 周→周/週 ...).  Only conversions that keep the word length
      are used, character by character.
7. Write the 4000 Simplified characters in weight order, then the added
   Traditional forms in order of first appearance, one character per line,
   after a ``#`` comment header naming the sources, versions and licences.

The output depends only on the jieba dictionary and the OpenCC version, both
recorded in the header.  Re-running the script with the same versions
reproduces the file byte for byte.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from importlib import metadata
from pathlib import Path

import jieba
import opencc

N_SIMPLIFIED = 4000
MIN_WORDS = 3
CONFIGS = ("s2t", "s2tw", "s2hk")

HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "framing" / "data" / "common_hanzi.txt"


def _read_dictionary(path: Path) -> list[tuple[str, int]]:
    """Return ``(word, frequency)`` pairs from a jieba ``dict.txt``."""
    words: list[tuple[str, int]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            words.append((parts[0], int(parts[1])))
    return words


def build(dict_path: Path) -> tuple[list[str], list[str]]:
    """Compute the Simplified list and the Traditional additions.

    Parameters
    ----------
    dict_path : Path
        Path of jieba's ``dict.txt``.

    Returns
    -------
    tuple of (list of str, list of str)
        The ``N_SIMPLIFIED`` Simplified characters in weight order and the
        Traditional forms added by OpenCC, in order of first appearance.
    """
    words = _read_dictionary(dict_path)
    weight: collections.Counter[str] = collections.Counter()
    n_words: collections.Counter[str] = collections.Counter()
    for word, freq in words:
        for char in set(word):
            if HAN_RE.fullmatch(char):
                weight[char] += freq * word.count(char)
                if len(word) > 1:
                    n_words[char] += 1

    t2s = opencc.OpenCC("t2s")
    ranked = sorted(weight, key=lambda c: (-weight[c], ord(c)))
    simplified = [c for c in ranked if n_words[c] >= MIN_WORDS and t2s.convert(c) == c]
    simplified = simplified[:N_SIMPLIFIED]
    chosen = set(simplified)

    added: list[str] = []
    seen = set(chosen)

    def add(char: str) -> None:
        if len(char) == 1 and HAN_RE.fullmatch(char) and char not in seen:
            seen.add(char)
            added.append(char)

    converters = [opencc.OpenCC(name) for name in CONFIGS]
    for converter in converters:
        converted = converter.convert("\n".join(simplified)).split("\n")
        if len(converted) != len(simplified):
            raise RuntimeError("OpenCC changed the number of lines")
        for char in converted:
            add(char)

    word_list = [w for w, _ in words if len(w) > 1 and all(c in chosen for c in w)]
    for converter in converters:
        converted = converter.convert("\n".join(word_list)).split("\n")
        if len(converted) != len(word_list):
            raise RuntimeError("OpenCC changed the number of lines")
        for original, trad in zip(word_list, converted, strict=True):
            if len(original) != len(trad):
                continue
            for char in trad:
                add(char)
    return simplified, added


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: write the list to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    dict_path = Path(jieba.__file__).resolve().parent / "dict.txt"
    simplified, added = build(dict_path)
    jieba_version = metadata.version("jieba")
    opencc_version = metadata.version("opencc")
    header = [
        "# common_hanzi.txt: common Chinese characters, used by framing.encoding to score",
        "# how plausible a candidate decoding (GB18030 / CP950 / Big5-HKSCS) is as Chinese.",
        "# Generated by scripts/build_common_hanzi.py; do not edit by hand.",
        f"# Source 1: jieba {jieba_version} dict.txt (https://github.com/fxsjy/jieba),"
        " MIT licence.",
        f"#   The {N_SIMPLIFIED} Simplified characters with the largest summed word frequency,",
        f"#   excluding characters found in fewer than {MIN_WORDS} multi-character words"
        " (mojibake entries).",
        f"# Source 2: OpenCC {opencc_version} (https://github.com/BYVoid/OpenCC),"
        " Apache-2.0 licence.",
        "#   Traditional forms of those characters via the s2t, s2tw and s2hk configurations",
        "#   (character by character and word by word over jieba's dictionary).",
        f"# Counts: {len(simplified)} Simplified + {len(added)} Traditional forms"
        f" = {len(simplified) + len(added)} characters.",
        "# Format: one character per line; lines starting with # are comments.",
    ]
    text = "\n".join(header + simplified + added) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out} ({len(simplified)} + {len(added)} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
