"""The frame codebook: load, validate and hash it.

The codebook ships as data (``framing/data/codebook.yaml``, read with
:mod:`importlib.resources`); a user can point at their own file with the same layout. It holds
the frames (id, Chinese and English label, definition, inclusion and exclusion notes, example
sentences, terms with optional weights) and the scoring rules (dominance threshold, lead
factor and the negation rule), so that everything that decides a score is in one auditable,
versioned file.

Rules
-----
- **Terms are written once**, in any script. A term's *form* is its analysis view
  (:func:`framing.textview.analysis_view`) with white space removed and Latin letters in
  lower case; matching compares forms, so 挖角 matches 挖角 and 挖角 alike and ``Offer``
  matches ``offer``.
- **Validation** rejects, with the file, line and value: unknown fields, missing required
  fields, a frame id that is not ``snake_case``, duplicate frame ids, empty terms, a term
  listed twice in one frame (compared on forms, so 戰略 and 战略 are duplicates), a weight that
  is not a positive number, duplicate YAML keys, and invalid rules. A term may belong to two
  frames (a hit then counts for both); ``framing codebook stats`` lists such terms.
- **Lead factor.** ``rules.lead_factor`` (optional, a number >= 1) is how many times a hit in
  a paragraph's lead sentence counts when the present frames are ranked for the dominant
  frame (:mod:`framing.frames`, rule 6). Absent, it is :data:`DEFAULT_LEAD_FACTOR` (1: no
  emphasis, the plain largest weight), which is the rule every codebook up to 1.2.0 was
  written and validated under; the shipped codebook sets 2 (since 1.3.1; 1.3.0 had the same
  rule as a constant in the code). Below 1 the topic sentence would count *less* than the
  rest, a rule nobody has evaluated, so it is refused rather than guessed at.
- **Content hash.** ``sha256`` is the SHA-256 of the codebook's parsed content written as
  canonical JSON (sorted keys, UTF-8). Comments and layout do not change it; any change of a
  label, definition, term, weight or rule does. Every output records ``version`` and
  ``sha256``. The effective ``lead_factor`` is always part of the hashed content (also when
  the file leaves it out), so one hash never stands for two dominance rules; as a
  consequence, hashes computed by framing before ``lead_factor`` existed differ from today's
  for the same file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from framing.errors import ConfigError
from framing.textview import analysis_view
from framing.tokens import data_path

#: File name of the shipped codebook in ``framing/data``.
DEFAULT_CODEBOOK = "codebook.yaml"

_TOP_FIELDS = {"version": True, "name": False, "description": False, "rules": True, "frames": True}
_RULE_FIELDS = {"dominant_threshold": True, "lead_factor": False, "negation": True}
_NEG_FIELDS = {"window": True, "negators": True, "not_negating_next": False, "clause_breaks": False}
_FRAME_FIELDS = {
    "id": True,
    "label_zh": True,
    "label_en": True,
    "definition": True,
    "include": True,
    "exclude": True,
    "examples": True,
    "terms": True,
    "source": False,
}
_TERM_FIELDS = {"term": True, "weight": False, "note": False}
_FRAME_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_DEFAULT_CLAUSE_BREAKS = "，,。．.！!？?；;：:…\n"
#: ``rules.lead_factor`` of a codebook that leaves it out: lead-sentence hits count once,
#: i.e. the dominance rule of codebooks up to 1.2.0 (the plain largest weight).
DEFAULT_LEAD_FACTOR = 1.0
#: Smallest accepted ``rules.lead_factor`` (see the module docstring).
MIN_LEAD_FACTOR = 1.0


def term_form(text: str) -> str:
    """Return the matching form of a term or token: analysis view, no white space, lower case.

    Lower-casing is done character by character and only where it keeps one character, so
    the form of a string has a fixed relation to its characters (no ``ß`` → ``ss``).
    """
    view = analysis_view(text)
    return "".join(_lower1(ch) for ch in view if not ch.isspace())


def _lower1(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


@dataclass(frozen=True)
class Term:
    """One lexicon entry of a frame.

    Attributes
    ----------
    term : str
        The term as written in the codebook.
    form : str
        Its matching form (see :func:`term_form`).
    weight : float
        Contribution of one (non-negated) hit to the frame's weight.
    note : str
        Free-text note from the codebook.
    """

    term: str
    form: str
    weight: float = 1.0
    note: str = ""


@dataclass(frozen=True)
class Frame:
    """One frame of the codebook (see the module docstring for the fields' meaning)."""

    id: str
    label_zh: str
    label_en: str
    definition: str
    include: str
    exclude: str
    examples: tuple[str, ...]
    terms: tuple[Term, ...]
    source: str = ""

    @property
    def label(self) -> str:
        """English and Chinese label, for figures: ``Strategic anxiety 戰略焦慮``."""
        return f"{self.label_en} {self.label_zh}"


@dataclass(frozen=True)
class NegationRule:
    """The negation rule: negator tokens, look-back window and clause breaks.

    Attributes
    ----------
    window : int
        Number of word (non-punctuation) tokens before a hit that are searched for a negator.
    negators : tuple of str
        Negator token forms.
    not_negating_next : tuple of str
        A negator directly followed by one of these token forms is not a negation
        ("不只是", "not only").
    clause_breaks : str
        Characters that end a clause; the look-back stops at a token made of them.
    """

    window: int
    negators: tuple[str, ...]
    not_negating_next: tuple[str, ...] = ()
    clause_breaks: str = _DEFAULT_CLAUSE_BREAKS


@dataclass(frozen=True)
class Codebook:
    """A validated frame codebook.

    Attributes
    ----------
    version : str
        Version string written in the codebook.
    sha256 : str
        Content hash (canonical JSON of the parsed content, see module docstring).
    frames : tuple of Frame
        Frames in codebook order.
    dominant_threshold : float
        Minimum weight of a frame to be present (and so to dominate) in a paragraph.
    negation : NegationRule
        The negation rule.
    lead_factor : float
        ``rules.lead_factor``: how many times a hit in the paragraph's lead sentence counts
        when the present frames are ranked (rule 6 of :mod:`framing.frames`); 1 ranks them
        by their plain weight. :data:`DEFAULT_LEAD_FACTOR` when the file has no such field.
    name, description : str
        Free text.
    path : str
        File the codebook was read from.
    """

    version: str
    sha256: str
    frames: tuple[Frame, ...]
    dominant_threshold: float
    negation: NegationRule
    lead_factor: float = DEFAULT_LEAD_FACTOR
    name: str = ""
    description: str = ""
    path: str = ""
    _by_id: dict[str, Frame] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id: f for f in self.frames})

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [f.id for f in self.frames]

    def frame(self, frame_id: str) -> Frame:
        """Return the frame with id ``frame_id`` (``ConfigError`` if there is none)."""
        try:
            return self._by_id[frame_id]
        except KeyError:
            raise ConfigError(
                f"{self.path}: no frame {frame_id!r}; frames are: {', '.join(self.frame_ids)}"
            ) from None

    @functools.cached_property
    def term_index(self) -> dict[str, list[tuple[str, Term]]]:
        """Map each term form to the ``(frame_id, Term)`` pairs that list it."""
        index: dict[str, list[tuple[str, Term]]] = {}
        for f in self.frames:
            for t in f.terms:
                index.setdefault(t.form, []).append((f.id, t))
        return index

    @functools.cached_property
    def prefixes(self) -> frozenset[str]:
        """Every non-empty prefix of every term form (for longest-match scanning)."""
        return frozenset(form[:i] for form in self.term_index for i in range(1, len(form) + 1))

    def to_frame(self) -> pd.DataFrame:
        """One row per term: the lexicon as a table.

        Returns
        -------
        pandas.DataFrame
            Columns ``frame`` (frame id), ``term`` (as written), ``form`` (matching form),
            ``weight``, ``label_zh``, ``label_en``, ``note``; one row per (frame, term),
            sorted by ``frame`` then ``term``.
        """
        rows = [
            {
                "frame": f.id,
                "term": t.term,
                "form": t.form,
                "weight": t.weight,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "note": t.note,
            }
            for f in self.frames
            for t in f.terms
        ]
        cols = ["frame", "term", "form", "weight", "label_zh", "label_en", "note"]
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(["frame", "term"], kind="stable").reset_index(drop=True)

    def shared_terms(self) -> dict[str, list[str]]:
        """Term forms listed in more than one frame, with their frame ids."""
        return {
            form: [fid for fid, _ in pairs]
            for form, pairs in sorted(self.term_index.items())
            if len(pairs) > 1
        }


# ---------------------------------------------------------------------------------------
# YAML with line numbers


class _LineDict(dict):
    line: int = 0
    key_lines: dict[str, int]


class _LineList(list):
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping, key and list item."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data.key_lines:
            raise ConfigError(
                f"{loader.name}:{key_node.start_mark.line + 1}: duplicate key {key!r} "
                f"(first on line {data.key_lines[key]})"
            )
        data.key_lines[key] = key_node.start_mark.line + 1
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = _LineList()
    data.lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: codebook file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: codebook is not UTF-8 text ({exc.reason})") from None
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------
# validation


class _Checker:
    """Collects the file name for messages and checks fields of mappings."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int | None, message: str, value: object = None) -> ConfigError:
        where = f"{self.path}:{line}" if line else str(self.path)
        text = f"{where}: {message}"
        if value is not None:
            shown = str(value)
            text += f" (value: {shown if len(shown) <= 80 else shown[:77] + '...'!r})"
        return ConfigError(text)

    def mapping(self, obj: object, what: str, line: int | None, fields: dict[str, bool]) -> dict:
        if not isinstance(obj, dict):
            raise self.fail(line, f"{what} must be a mapping of fields", type(obj).__name__)
        lines = getattr(obj, "key_lines", {})
        for key in obj:
            if key not in fields:
                raise self.fail(
                    lines.get(key, line),
                    f"unknown field {key!r} in {what}; expected one of: {', '.join(fields)}",
                )
        for key, required in fields.items():
            if required and key not in obj:
                raise self.fail(getattr(obj, "line", line), f"{what} lacks required field {key!r}")
        return obj

    def text(self, obj: dict, key: str, what: str, required: bool = True) -> str:
        value = obj.get(key, "")
        line = getattr(obj, "key_lines", {}).get(key, getattr(obj, "line", None))
        if value is None:
            value = ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.fail(line, f"{what} field {key!r} must be text", value)
        value = str(value).strip()
        if required and not value:
            raise self.fail(line, f"{what} field {key!r} is empty")
        return value

    def str_list(self, obj: dict, key: str, what: str) -> list[tuple[str, int | None]]:
        value = obj.get(key)
        line = getattr(obj, "key_lines", {}).get(key, getattr(obj, "line", None))
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(line, f"{what} field {key!r} must be a list", value)
        lines = getattr(value, "lines", [line] * len(value))
        out = []
        for item, item_line in zip(value, lines, strict=True):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                raise self.fail(item_line, f"{what} field {key!r}: items must be text", item)
            if not str(item).strip():
                raise self.fail(item_line, f"{what} field {key!r}: empty item")
            out.append((str(item).strip(), item_line))
        return out


def _positive_number(chk: _Checker, value: object, line: int | None, what: str,
                     minimum: float | None = None) -> float:
    """A finite number > 0, or >= ``minimum`` when given; else an error naming the value."""
    need = "a positive number" if minimum is None else f"a number >= {minimum:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise chk.fail(line, f"{what} must be {need}", value)
    number = float(value)
    big_enough = number > 0 if minimum is None else number >= minimum
    # NaN fails every comparison, so `big_enough` is False for it too.
    if not big_enough or number == float("inf"):
        raise chk.fail(line, f"{what} must be {need}", value)
    return number


def _parse_rules(chk: _Checker, raw: object, line: int | None
                 ) -> tuple[float, float, NegationRule]:
    rules = chk.mapping(raw, "rules", line, _RULE_FIELDS)
    rlines = getattr(rules, "key_lines", {})
    threshold = _positive_number(
        chk, rules["dominant_threshold"], rlines.get("dominant_threshold"), "dominant_threshold"
    )
    lead_factor = _positive_number(
        chk, rules.get("lead_factor", DEFAULT_LEAD_FACTOR), rlines.get("lead_factor"),
        "lead_factor", minimum=MIN_LEAD_FACTOR,
    )
    neg = chk.mapping(rules["negation"], "rules.negation", rlines.get("negation"), _NEG_FIELDS)
    nlines = getattr(neg, "key_lines", {})
    window = neg["window"]
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise chk.fail(nlines.get("window"), "negation window must be a whole number >= 0", window)
    negators = tuple(term_form(t) for t, _ in chk.str_list(neg, "negators", "rules.negation"))
    nexts = tuple(term_form(t) for t, _ in chk.str_list(neg, "not_negating_next", "negation"))
    breaks = neg.get("clause_breaks", _DEFAULT_CLAUSE_BREAKS)
    if not isinstance(breaks, str) or not breaks:
        raise chk.fail(nlines.get("clause_breaks"), "clause_breaks must be a non-empty string")
    return threshold, lead_factor, NegationRule(window, negators, nexts, breaks)


def _parse_terms(chk: _Checker, frame: dict, fid: str) -> tuple[Term, ...]:
    raw = frame["terms"]
    line = frame.key_lines.get("terms") if hasattr(frame, "key_lines") else None
    if not isinstance(raw, list) or not raw:
        raise chk.fail(line, f"frame {fid!r}: 'terms' must be a non-empty list", raw)
    lines = getattr(raw, "lines", [line] * len(raw))
    terms: list[Term] = []
    seen: dict[str, tuple[str, int | None]] = {}
    for item, item_line in zip(raw, lines, strict=True):
        if isinstance(item, dict):
            entry = chk.mapping(item, f"term of frame {fid!r}", item_line, _TERM_FIELDS)
            text = chk.text(entry, "term", f"term of frame {fid!r}", required=False)
            weight = _positive_number(
                chk, entry.get("weight", 1.0), item_line, f"weight of term {text!r}"
            )
            note = chk.text(entry, "note", "term", required=False)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text, weight, note = str(item).strip(), 1.0, ""
        elif item is None:
            text, weight, note = "", 1.0, ""
        else:
            raise chk.fail(item_line, f"frame {fid!r}: a term must be text or a mapping", item)
        form = term_form(text) if text else ""
        if not form:
            raise chk.fail(item_line, f"frame {fid!r}: empty term")
        if form in seen:
            first, first_line = seen[form]
            raise chk.fail(
                item_line,
                f"frame {fid!r}: duplicate term {text!r} (same as {first!r} on line "
                f"{first_line} once converted to the analysis form {form!r})",
            )
        seen[form] = (text, item_line)
        terms.append(Term(text, form, weight, note))
    return tuple(terms)


def _parse_frame(chk: _Checker, raw: object, line: int | None) -> Frame:
    frame = chk.mapping(raw, "frame", line, _FRAME_FIELDS)
    fid = chk.text(frame, "id", "frame")
    if not _FRAME_ID.match(fid):
        raise chk.fail(
            frame.key_lines.get("id", line) if hasattr(frame, "key_lines") else line,
            "frame id must be snake_case ASCII (a-z, 0-9, _; starting with a letter)",
            fid,
        )
    what = f"frame {fid!r}"
    examples = tuple(t for t, _ in chk.str_list(frame, "examples", what))
    return Frame(
        id=fid,
        label_zh=chk.text(frame, "label_zh", what),
        label_en=chk.text(frame, "label_en", what),
        definition=chk.text(frame, "definition", what),
        include=chk.text(frame, "include", what),
        exclude=chk.text(frame, "exclude", what),
        examples=examples,
        terms=_parse_terms(chk, frame, fid),
        source=chk.text(frame, "source", what, required=False),
    )


def _canonical(cb_fields: dict[str, Any]) -> str:
    return json.dumps(cb_fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _content(version: str, name: str, description: str, threshold: float, lead_factor: float,
             negation: NegationRule, frames: tuple[Frame, ...]) -> dict[str, Any]:
    return {
        "version": version,
        "name": name,
        "description": description,
        "rules": {
            "dominant_threshold": threshold,
            # Always written, also when the file leaves it out: the hash must tell rules apart.
            "lead_factor": lead_factor,
            "negation": {
                "window": negation.window,
                "negators": list(negation.negators),
                "not_negating_next": list(negation.not_negating_next),
                "clause_breaks": negation.clause_breaks,
            },
        },
        "frames": [
            {
                "id": f.id,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "definition": f.definition,
                "include": f.include,
                "exclude": f.exclude,
                "examples": list(f.examples),
                "source": f.source,
                "terms": [{"term": t.term, "weight": t.weight, "note": t.note} for t in f.terms],
            }
            for f in frames
        ],
    }


def parse_codebook(data: object, path: str | os.PathLike[str] = "<codebook>") -> Codebook:
    """Validate parsed codebook data and build a :class:`Codebook`.

    Parameters
    ----------
    data : object
        The YAML document as loaded (a mapping).
    path : path-like
        Name used in error messages.

    Returns
    -------
    Codebook

    Raises
    ------
    ConfigError
        When a field is unknown, missing or invalid (see the module docstring).
    """
    chk = _Checker(Path(path))
    top = chk.mapping(data, "codebook", None, _TOP_FIELDS)
    version = chk.text(top, "version", "codebook")
    tlines = getattr(top, "key_lines", {})
    threshold, lead_factor, negation = _parse_rules(chk, top["rules"], tlines.get("rules"))
    raw_frames = top["frames"]
    if not isinstance(raw_frames, list) or not raw_frames:
        raise chk.fail(tlines.get("frames"), "'frames' must be a non-empty list")
    lines = getattr(raw_frames, "lines", [None] * len(raw_frames))
    frames: list[Frame] = []
    seen: dict[str, int | None] = {}
    for raw, line in zip(raw_frames, lines, strict=True):
        frame = _parse_frame(chk, raw, line)
        if frame.id in seen:
            raise chk.fail(line, f"duplicate frame id (first on line {seen[frame.id]})", frame.id)
        seen[frame.id] = line
        frames.append(frame)
    name = chk.text(top, "name", "codebook", required=False)
    description = chk.text(top, "description", "codebook", required=False)
    content = _content(version, name, description, threshold, lead_factor, negation,
                       tuple(frames))
    digest = hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()
    return Codebook(
        version=version,
        sha256=digest,
        frames=tuple(frames),
        dominant_threshold=threshold,
        negation=negation,
        lead_factor=lead_factor,
        name=name,
        description=description,
        path=str(path),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Codebook:
    p = Path(path)
    return parse_codebook(_read_yaml(p), p)


def default_codebook_path() -> Path:
    """Path of the codebook shipped in ``framing/data``."""
    return data_path(DEFAULT_CODEBOOK)


def load_codebook(path: str | os.PathLike[str] | None = None) -> Codebook:
    """Load and validate a codebook.

    Parameters
    ----------
    path : path-like, optional
        A user's codebook (YAML). ``None`` loads the shipped default
        (``framing/data/codebook.yaml``).

    Returns
    -------
    Codebook
        With ``version``, ``sha256``, ``frames`` and ``to_frame()``.

    Raises
    ------
    ConfigError
        If the file is missing, is not YAML, or is not a valid codebook; the message names
        the file, the line and the offending value.
    """
    p = Path(path) if path is not None else default_codebook_path()
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ConfigError(f"{p}: codebook file not found") from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


def dominance_rule_text(codebook: Codebook) -> str:
    """The codebook's dominance rule in one sentence (for ``framing codebook show``).

    Parameters
    ----------
    codebook : Codebook

    Returns
    -------
    str
        How the dominant frame is chosen among the present frames, with the codebook's
        ``lead_factor`` (rule 6 of :mod:`framing.frames`).
    """
    if codebook.lead_factor == 1:
        ranking = "the present frame with the largest weight"
    else:
        ranking = (f"the present frame with the largest weight when hits in the lead sentence "
                   f"(up to the first 。！？) count {codebook.lead_factor:g} times "
                   f"(lead_factor {codebook.lead_factor:g})")
    return f"{ranking}, strictly above every other present frame (a tie gives none)"


def format_codebook(codebook: Codebook, terms: bool = True) -> str:
    """Render a codebook as readable text (``framing codebook show``).

    Parameters
    ----------
    codebook : Codebook
    terms : bool
        Include the term lists with their weights.

    Returns
    -------
    str
    """
    neg = codebook.negation
    lines = [
        f"codebook {codebook.name or '(unnamed)'}  version {codebook.version}",
        f"sha256   {codebook.sha256}",
        f"file     {codebook.path}",
        f"rules    present frame: weight >= {codebook.dominant_threshold:g}",
        textwrap.fill(f"dominant frame: {dominance_rule_text(codebook)}", width=92,
                      initial_indent=" " * 9, subsequent_indent=" " * 9),
        f"         negation: a negator among the {neg.window} word tokens before a hit, same "
        f"clause: {' '.join(neg.negators)}",
        f"         not a negation when followed by: {' '.join(neg.not_negating_next)}",
        "",
    ]
    for f in codebook.frames:
        lines.append(f"[{f.id}] {f.label_en} / {f.label_zh}")
        lines.append(f"  definition: {f.definition}")
        lines.append(f"  include:    {f.include}")
        lines.append(f"  exclude:    {f.exclude}")
        if f.source:
            lines.append(f"  source:     {f.source}")
        for ex in f.examples:
            lines.append(f"  example:    {ex}")
        if terms:
            shown = [t.term if t.weight == 1 else f"{t.term}({t.weight:g})" for t in f.terms]
            lines.append(f"  terms ({len(f.terms)}): {'、'.join(shown)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
