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
import shutil
import tempfile
from pathlib import Path

import pytest

# One private cache folder per test session, made by the process that loads this file first
# (the xdist controller: its workers inherit the variable) and removed when that process ends.
_MADE_CACHE: str | None = None
if "FRAMING_CACHE_DIR" not in os.environ:
    _MADE_CACHE = tempfile.mkdtemp(prefix="framing-test-cache-")
    os.environ["FRAMING_CACHE_DIR"] = _MADE_CACHE
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _MADE_CACHE is not None:
        shutil.rmtree(_MADE_CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpora" / "ai-talent-war"


@pytest.fixture(scope="session")
def seed_prepared():
    """The shipped seed corpus read, segmented and tokenised once per test session."""
    from framing.pipeline import prepare

    return prepare(SEED_CORPUS)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true",
                     help="also run the heavier variants marked slow (or FRAMING_RUN_SLOW=1)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Heavier variants (marked slow) stay out of `make test` so CI stays short; they run with
    # --run-slow or FRAMING_RUN_SLOW=1.
    if config.getoption("--run-slow") or os.environ.get("FRAMING_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow variant: run with --run-slow or FRAMING_RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def framing_command() -> list[str]:
    """The installed ``framing`` command (beside this Python), else ``python -m framing``."""
    import sys

    exe = Path(sys.executable).with_name("framing")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "framing"]
