"""The paragraph unit that every per-article analysis receives.

A :class:`ParagraphUnit` bundles what the analysis stages (frames, sentiment, entities)
need about one paragraph: its original text for quoting, its analysis view and its tokens.
Offsets (``Token.start``/``Token.end``, hit offsets) index ``text``, the original paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framing.segment import Paragraph, split_paragraphs
from framing.textview import analysis_view
from framing.tokens import Token, Tokenizer


@dataclass(frozen=True)
class ParagraphUnit:
    """One paragraph of one article, ready for analysis.

    Attributes
    ----------
    doc_id : str
        Article id (manifest ``doc_id``).
    para_id : int
        Paragraph position in the article, from 0.
    role : str
        ``title``, ``heading``, ``body``, ``list_item`` or ``signoff``.
    text : str
        The paragraph as written (original script). Offsets index this string.
    text_analysis : str
        Analysis view of the analysed part of ``text``: Simplified, folded, same length as
        ``text[:len(text_analysis)]``. Empty for sign-offs; a trailing sign-off is left out.
    tokens : tuple of Token
        Tokens of ``text_analysis`` (white space dropped).
    signoff : str
        Sign-off text found in this paragraph, if any.
    """

    doc_id: str
    para_id: int
    role: str
    text: str
    text_analysis: str
    tokens: tuple[Token, ...] = field(default_factory=tuple)
    signoff: str = ""

    @property
    def analysed(self) -> bool:
        """Whether analyses score this paragraph (everything but sign-offs)."""
        return self.role != "signoff" and bool(self.text_analysis.strip())


def make_units(
    doc_id: str, article_text: str, tokenizer: Tokenizer, title: str | None = None
) -> list[ParagraphUnit]:
    """Split an article into paragraph units and tokenise each one.

    Parameters
    ----------
    doc_id : str
        Article id.
    article_text : str
        Decoded article text (original script).
    tokenizer : Tokenizer
        The run's tokenizer.
    title : str, optional
        Manifest title, used to recognise a title line.

    Returns
    -------
    list of ParagraphUnit
        One per paragraph, in order.
    """
    units = []
    for p in split_paragraphs(article_text, title=title):
        units.append(unit_from_paragraph(doc_id, p, tokenizer))
    return units


def unit_from_paragraph(doc_id: str, p: Paragraph, tokenizer: Tokenizer) -> ParagraphUnit:
    """Build the unit of one :class:`~framing.segment.Paragraph`."""
    analysed = p.analysed_text
    view = analysis_view(analysed)
    tokens = tuple(tokenizer.tokenize_view(view)) if analysed else ()
    return ParagraphUnit(doc_id, p.para_id, p.role, p.text, view, tokens, p.signoff)
