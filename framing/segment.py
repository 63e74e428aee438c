"""Split an article into paragraph units and give each a role.

Rules (they are the contract the rest of framing builds on):

- **Paragraphs.** Every line of the article that holds something other than white space is
  one paragraph. Lines end at ``\\n``, ``\\r\\n`` or ``\\r``. ``para_id`` counts paragraphs
  from 0 in file order. A paragraph's ``text`` is its line with leading and trailing white
  space (including U+3000 and zero-width characters) removed; ``start``/``end`` locate that
  text in the article, so ``article[start:end] == text`` always holds and no character of the
  article other than white space belongs to no paragraph.
- **Roles**, first match wins:

  ``signoff``
      the whole line is a short name in brackets, e.g. ``(JER學家)`` or ``（完）``
      (1–20 characters inside ``()`` or ``（）``, no sentence punctuation inside).
  ``title``
      paragraph 0, when it equals the article's title from the manifest (compared on the
      analysis view with white space removed, so the script does not matter).
  ``list_item``
      the line starts with an enumerator: ``1.``, ``1、``, ``1)``, ``(1)``, ``一、``, or a
      bullet (``•·●○■◆▪-*–``) followed by a space; or it is a short line (as for headings)
      right after a line ending in a colon (``:``/``：``), which introduces it.
  ``heading``
      a numbered section line (``01 事件核心:...``: one or two digits, then a space) of at most
      60 characters that does not end in sentence punctuation (``。！？!?；;…``) and holds no
      ``。`` (so ``12 位研究員已離職。`` stays body), or a line of at most 30 characters that
      does not end in sentence punctuation or a colon (``。！？!?；;…，,、:：``) and holds no
      ``。``.
  ``body``
      everything else.

- **Trailing sign-off.** A body paragraph that is the article's last and ends with a bracketed
  short name after white space or sentence punctuation (``…是什麼樣的。 (雲媒體)``) keeps its
  role, but the sign-off is recorded in ``signoff`` and left out of the analysed text
  (``analysed_end`` stops before it): a sign-off names the outlet and is not content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framing.textview import analysis_view

ROLES = ("title", "heading", "body", "list_item", "signoff")

_LINE = re.compile(r"[^\r\n]+")
_BLANK = "[\\s\u200b\u200c\u200d\u2060\ufeff]"
_CONTENT = re.compile(rf"(?:(?!{_BLANK}).)(?:.*(?:(?!{_BLANK}).))?")
#: A character that is not blank: a line holding one is a paragraph (line ends are blank).
_NON_BLANK = re.compile(rf"(?!{_BLANK})[\s\S]")
_SIGNOFF_LINE = re.compile(r"[(（]\s*[^()（）。！？!?，,；;]{1,20}?\s*[)）]")
_TRAILING_SIGNOFF = re.compile(r"(?<=[\s。！？!?…])\s*([(（][^()（）。！？!?，,；;]{1,20}[)）])$")
_LIST = re.compile(
    r"^(\d{1,2}[.、．)）]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、|[•·●○■◆▪\-*–]\s)"
)
_NUMBERED_HEADING = re.compile(r"^\d{1,2}\s+\S")
_END_PUNCT = tuple("。！？!?；;…，,、:：")
_SENTENCE_END = tuple("。！？!?；;…")

#: Longest line (in characters) that can be an unnumbered heading.
HEADING_MAX = 30
#: Longest line that can be a numbered heading (``01 事件核心:...``).
NUMBERED_HEADING_MAX = 60


@dataclass(frozen=True)
class Paragraph:
    """One paragraph unit of an article.

    Attributes
    ----------
    para_id : int
        Position among the article's paragraphs, from 0.
    role : str
        One of :data:`ROLES`.
    text : str
        The paragraph as written (original script), stripped of surrounding white space.
    start, end : int
        ``text == article[start:end]``.
    analysed_end : int
        Characters of ``text`` that are analysed: ``len(text)`` except for sign-offs (0) and
        a paragraph that ends with a trailing sign-off.
    signoff : str
        The sign-off text (``(JER學家)``) for sign-off paragraphs and trailing sign-offs,
        else ``""``.
    """

    para_id: int
    role: str
    text: str
    start: int
    end: int
    analysed_end: int
    signoff: str = ""

    @property
    def analysed_text(self) -> str:
        """The part of ``text`` that the analyses see, in the original script."""
        return self.text[: self.analysed_end]


def _squash(text: str) -> str:
    return "".join(analysis_view(text).split())


def classify_role(
    text: str, para_id: int, title: str | None, previous: str | None = None
) -> str:
    """Return the role of one paragraph under the module's rules.

    ``previous`` is the text of the paragraph before, if any.
    """
    if _SIGNOFF_LINE.fullmatch(text):
        return "signoff"
    if para_id == 0 and title and _squash(text) == _squash(title):
        return "title"
    if _LIST.match(text):
        return "list_item"
    if (
        _NUMBERED_HEADING.match(text)
        and len(text) <= NUMBERED_HEADING_MAX
        and not text.endswith(_SENTENCE_END)
        and "。" not in text
    ):
        return "heading"
    if len(text) <= HEADING_MAX and not text.endswith(_END_PUNCT) and "。" not in text:
        if previous and previous.endswith((":", "：")):
            return "list_item"
        return "heading"
    return "body"


def has_paragraphs(article: str) -> bool:
    """Whether ``split_paragraphs(article)`` is non-empty, without splitting the article.

    A line is a paragraph when it holds a character that is not blank, and line ends are
    blank, so this is whether the article holds a non-blank character anywhere.
    """
    return _NON_BLANK.search(article) is not None


def split_paragraphs(article: str, title: str | None = None) -> list[Paragraph]:
    """Split an article's text into paragraph units.

    Parameters
    ----------
    article : str
        The decoded article (original script).
    title : str, optional
        The manifest title; paragraph 0 gets the role ``title`` when it equals it.

    Returns
    -------
    list of Paragraph
        One per non-blank line, in file order.
    """
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(article):
        content = _CONTENT.search(m.group())
        if content:
            spans.append((m.start() + content.start(), m.start() + content.end()))
    paragraphs: list[Paragraph] = []
    last = len(spans) - 1
    for i, (start, end) in enumerate(spans):
        text = article[start:end]
        previous = paragraphs[-1].text if paragraphs else None
        role = classify_role(text, i, title, previous)
        analysed_end, signoff = len(text), ""
        if role == "signoff":
            analysed_end, signoff = 0, text
        elif i == last and role == "body":
            m = _TRAILING_SIGNOFF.search(text)
            if m:
                signoff = m.group(1)
                analysed_end = len(text[: m.start()].rstrip())
        paragraphs.append(Paragraph(i, role, text, start, end, analysed_end, signoff))
    return paragraphs
