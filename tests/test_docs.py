"""Documentation cannot rot: every command is in the README, the data dictionary is current."""

from __future__ import annotations

import argparse
from pathlib import Path

from framing import schema
from framing.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def subcommands() -> list[str]:
    parser = build_parser()
    names = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.extend(action.choices)
    return sorted(names)


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in subcommands() if f"framing {c}" not in readme]
    assert missing == []


def test_readme_quick_start_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make analyze" in readme and "make test" in readme


def test_output_dictionary_is_generated_from_the_schemas():
    expected = "# Output tables\n\n" + schema.DICTIONARY_INTRO + "\n" + schema.dictionary_markdown()
    current = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert current == expected, "run: python -m framing.schema > docs/outputs.md"


def test_cli_option_choices_match_the_library():
    from framing import terms, topics
    from framing.commands import terms as terms_cmd

    assert terms_cmd.METHODS == terms.METHODS
    assert terms_cmd.N_TOP_TERMS == topics.N_TOP_TERMS
