"""The README stays true: its first lines are the two commands, and it documents every setting and command."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey.cli import _parser
from survey.config import setting_docs

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "brukarenkat") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                found += nested or [f"{prefix} {name}"]
    return found


def test_the_readme_opens_with_make_demo_and_make_test():
    first = [line.strip() for line in README.splitlines() if line.strip()][:2]
    assert first[0].startswith("make demo")
    assert first[1].startswith("make test")


def test_every_setting_is_documented():
    for variable in setting_docs():
        assert f"`{variable}`" in README, variable


def test_every_command_is_documented():
    commands = _commands(_parser())
    assert "brukarenkat tokens issue" in commands
    for command in commands:
        assert f"`{command}" in README, command


def test_the_makefile_and_ci_run_the_same_test_command():
    root = Path(__file__).parent.parent
    assert "make test" in (root / ".ci" / "run").read_text()
    assert "\ntest:" in (root / "Makefile").read_text()
