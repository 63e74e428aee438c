"""Test-wide settings and fixtures.

- jieba's dictionary cache goes to a private folder made for this test session, so the tests
  never read or write the user's cache or the shared temp folder's ``jieba.cache``.
- Hypothesis runs derandomised; the number of examples per property comes from
  ``FRAMING_HYPOTHESIS_EXAMPLES`` (default 10,000, as CI requires) in each test module.
- matplotlib's missing-glyph warnings are errors (pyproject ``filterwarnings``), so a figure
  with empty boxes instead of Chinese characters fails the suite.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("FRAMING_CACHE_DIR", tempfile.mkdtemp(prefix="framing-test-cache-"))
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpora" / "ai-talent-war"


@pytest.fixture(scope="session")
def seed_prepared():
    """The shipped seed corpus read, segmented and tokenised once per test session."""
    from framing.pipeline import prepare

    return prepare(SEED_CORPUS)
