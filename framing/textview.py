"""The analysis view of a text and its script.

Every analysis in framing runs on one *analysis view* of the original text, so that one
lexicon, one jieba dictionary and SnowNLP see the same characters whatever script an outlet
wrote in. The view is built character by character, so it has exactly the length of the
original and an offset into one is an offset into the other: a hit found in the view is
quoted from the original at the same ``start``/``end``.

Rules, applied in this order, each one character in, one character out:

1. Zero-width and control characters (U+200B–U+200D, U+2060, U+FEFF, and every ``Cc``
   character other than tab and newline) become a space, so they can neither glue two words
   together nor hide inside a term.
2. Full-width Latin letters and digits (``Ａ``–``Ｚ``, ``ａ``–``ｚ``, ``０``–``９``), CJK
   compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) and Kangxi radicals
   (U+2F00–U+2FD5, common in text extracted from PDF) are folded with NFKC. Punctuation is
   left as written: full-width punctuation carries sentence boundaries.
3. Traditional characters become Simplified with OpenCC's ``t2s`` conversion (the official
   ``opencc`` package). ``t2s`` is run on the whole text, because some characters depend on
   their neighbours; if it ever changes the length, the text is converted one character at a
   time instead, which always keeps the length. ``t2s`` is applied again until the text no
   longer changes (at most :data:`MAX_T2S_PASSES` times), because a few of its mappings chain
   (薴 → 苧 → 苎): so the view of a view is the view itself.

``t2s`` is chosen over ``tw2sp`` because the latter rewrites phrases (記憶體 → 内存) and changes
lengths, which would break offsets.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import opencc

#: Characters replaced by a space in the analysis view.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

#: Names of the script classes written to ``articles.csv`` and ``paragraphs.csv``.
SCRIPTS = ("traditional", "simplified", "mixed", "undetermined", "none")


@functools.lru_cache(maxsize=4)
def converter(config: str = "t2s") -> opencc.OpenCC:
    """Return a cached OpenCC converter (one per process) for ``config``."""
    return opencc.OpenCC(config)


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\t\n"):
        return " "
    if (
        0xFF10 <= code <= 0xFF19
        or 0xFF21 <= code <= 0xFF3A
        or 0xFF41 <= code <= 0xFF5A
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
        or 0x2F00 <= code <= 0x2FD5
    ):
        folded = unicodedata.normalize("NFKC", ch)
        return folded if len(folded) == 1 else ch
    return ch


#: Every character :func:`_fold_char` may change (a superset: it decides per character).
#: Scanning for these with one regular expression keeps ordinary text out of Python loops.
#: Tab and newline, which it keeps, are left out: most texts then have nothing to fold.
_FOLDABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\uff10-\uff19\uff21-\uff3a"
    "\uff41-\uff5a\uf900-\ufaff\u2f00-\u2fd5\U0002f800-\U0002fa1f]"
)


@functools.lru_cache(maxsize=4096)
def _fold_cached(ch: str) -> str:
    return _fold_char(ch)


def fold(text: str) -> str:
    """Apply rules 1 and 2 of the module docstring (length-preserving)."""
    if text.isascii() and text.isprintable():
        return text
    return _FOLDABLE.sub(lambda m: _fold_cached(m.group()), text)


#: Most ``t2s`` passes :func:`to_simplified` makes while the text still changes.
MAX_T2S_PASSES = 4


def _t2s_once(text: str) -> str:
    conv = converter("t2s")
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = conv.convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def to_simplified(text: str) -> str:
    """Convert ``text`` to Simplified characters, keeping its length (rule 3).

    ``t2s`` is repeated until the text is stable, so ``to_simplified`` is idempotent.
    """
    out = _t2s_once(text)
    # A pass that changed nothing needs no second pass to confirm it: t2s is a function of
    # its input, so converting ``out`` again would give ``out`` (for Simplified text this
    # saves one of the two OpenCC calls).
    if out == text:
        return out
    for _ in range(MAX_T2S_PASSES - 1):
        if out.isascii():
            break
        again = _t2s_once(out)
        if again == out:
            break
        out = again
    return out


def analysis_view(text: str) -> str:
    """Return the analysis view of ``text``: same length, folded, Simplified.

    Parameters
    ----------
    text : str
        Original text (a paragraph, a sentence or a term).

    Returns
    -------
    str
        A string with ``len(result) == len(text)`` in which character ``i`` is the analysis
        form of character ``i`` of ``text``.
    """
    view = to_simplified(fold(text))
    if len(view) != len(text):  # pragma: no cover - guarded by to_simplified
        raise AssertionError("analysis view changed the text length")
    return view


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x3134F
        or 0xF900 <= code <= 0xFAFF
    )


#: The Han ranges of :func:`_is_han`, for counting in C rather than per character in Python.
HAN_CLASS = "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0003134f\uf900-\ufaff"
_HAN = re.compile(f"[{HAN_CLASS}]")
#: Runs of anything else: deleting them leaves the Han characters (faster than counting them).
_NON_HAN_RUNS = re.compile(f"[^{HAN_CLASS}]+")


def count_han(text: str) -> int:
    """Number of Han (CJK ideograph) characters in ``text`` (those :func:`_is_han` accepts)."""
    return len(_NON_HAN_RUNS.sub("", text))


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array: comparing two texts character by character
    is then one vectorised step (a Python loop over a long article takes milliseconds)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _n_changed(codes: np.ndarray | None, text: str, converted: str) -> int:
    """Number of positions where ``converted`` (of the same length) differs from ``text``.

    ``codes`` is ``_code_points(text)``, made only when one of the texts compared differs.
    """
    if converted == text:  # common (a text already in one script): no arrays to build
        return 0
    return int(np.count_nonzero(codes != _code_points(converted)))


def detect_script(text: str) -> str:
    """Classify the Chinese script of ``text``.

    A character is *Traditional-only* when ``t2s`` changes it and *Simplified-only* when
    ``s2t`` changes it (characters the same in both scripts count for neither). With ``t``
    and ``s`` those counts:

    - ``none``: no Han character at all;
    - ``undetermined``: fewer than 3 characters that tell the scripts apart;
    - ``traditional`` when ``t / (t + s) >= 0.9``, ``simplified`` when it is ``<= 0.1``;
    - ``mixed`` otherwise.

    Returns
    -------
    str
        One of :data:`SCRIPTS`.
    """
    folded = fold(text)
    if _HAN.search(folded) is None:  # count_han(folded) == 0, without building a string
        return "none"
    to_s = to_simplified(folded)
    to_t = converter("s2t").convert(folded)
    if len(to_s) != len(folded):  # pragma: no cover - the analysis view keeps lengths
        raise ValueError("t2s changed the length of a text")
    codes = _code_points(folded) if to_s != folded or to_t != folded else None
    n_trad = _n_changed(codes, folded, to_s)
    if len(to_t) == len(folded):
        n_simp = _n_changed(codes, folded, to_t)
    else:  # pragma: no cover - s2t keeps lengths on everything seen so far
        n_simp = sum(1 for ch in folded if converter("s2t").convert(ch) != ch)
    total = n_trad + n_simp
    if total < 3:
        return "undetermined"
    share = n_trad / total
    if share >= 0.9:
        return "traditional"
    if share <= 0.1:
        return "simplified"
    return "mixed"
