"""RELIABILITY.md quotes the suite's own counts (so the page cannot drift from the suite).

Counts fixed by the suite's definition (cases, mutations, cells, kill points, examples) are
compared here; measured outcomes are asserted by the tests that measure them.
"""

from __future__ import annotations

import collections

from framing.corpus import MAX_ARTICLE_BYTES, MAX_FIELD_CHARS, MAX_LINE_CHARS

from . import test_crash, test_fuzz, test_properties
from .cases import CASES
from .conftest import ROOT
from .test_encoding_matrix import CELLS

PAGE = ROOT / "RELIABILITY.md"


def page() -> str:
    """The page with white space collapsed (line wrapping does not matter)."""
    return " ".join(PAGE.read_text(encoding="utf-8").split())


def test_catalogue_counts_are_quoted() -> None:
    text = page()
    by_expect = collections.Counter(c.expect for c in CASES)
    assert f"**{len(CASES)}** ({by_expect['refused']} refused, {by_expect['skipped']} skipped, " \
           f"{by_expect['normalised']} normalised)" in text
    for area, n in collections.Counter(c.area for c in CASES).items():
        label = {"manifest": "manifest structure", "values": "manifest values",
                 "bytes": "bytes and encodings of article files", "text": "text content",
                 "import": "import tables", "add": "`framing add`",
                 "spreadsheet": "spreadsheet exports"}.get(area, area)
        assert f"{label} ({n})" in text, (area, n)


def test_fuzz_and_matrix_counts_are_quoted() -> None:
    text = page()
    for n in (test_fuzz.N_MANIFEST, test_fuzz.N_ARTICLE, test_fuzz.N_IMPORT):
        assert f"**{n:,}**" in text
    assert f"**{test_fuzz.N_JSON_IMPORTS}**" in text
    assert f"seed {test_fuzz.SEED}" in text
    assert f"**{len(CELLS)}**" in text


def test_property_and_crash_counts_are_quoted() -> None:
    text = page()
    assert f"**{test_properties.REQUIRED:,}** each" in text
    for module, name in test_properties.PROPERTIES.values():
        where = "tests/reliability/test_properties.py" if module == "." else f"tests/{module}.py"
        assert f"`{where}::{name}`" in text
    n = (len(test_crash.ADD_POINTS) + len(test_crash.IMPORT_POINTS) + len(test_crash.INIT_POINTS)
         + len(test_crash.ANALYZE_POINTS) + len(test_crash.FIRST_ANALYZE_POINTS))
    assert f"**{n}** ({len(test_crash.ADD_POINTS)} add, {len(test_crash.IMPORT_POINTS)} import, " \
           f"{len(test_crash.INIT_POINTS)} init, " \
           f"{len(test_crash.ANALYZE_POINTS) + len(test_crash.FIRST_ANALYZE_POINTS)} analyze)" \
           in text


def test_limits_are_quoted() -> None:
    text = page()
    assert f"{MAX_ARTICLE_BYTES:,} bytes" in text
    assert f"{MAX_LINE_CHARS:,} characters" in text
    assert f"{MAX_FIELD_CHARS:,} characters" in text


def test_readme_links_the_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(RELIABILITY.md)" in readme
