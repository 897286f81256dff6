"""Docs completeness: every option, ini key, command and hook is written up in docs/."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path

import pytest

from pytest_testorbit import cli
from pytest_testorbit.plugin import hookspecs, options

DOCS = Path(__file__).resolve().parents[1] / "docs"
OPTIONS_PAGE = (DOCS / "reference" / "options.md").read_text(encoding="utf-8")
COMMANDS_PAGE = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("option", options.OPTIONS, ids=lambda option: option.flag)
def test_every_option_and_its_ini_key_is_in_the_options_reference(option: options.Option) -> None:
    assert f"`{option.flag}" in OPTIONS_PAGE
    if option.ini:
        assert f"`{option.dest}`" in OPTIONS_PAGE


def _commands() -> list[str]:
    """Every `orbit` command, sub-commands included: "report", "db upgrade", ..."""
    found = []

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:  # argparse has no public walk of sub-parsers
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append(f"{prefix}{name}")
                    walk(sub, f"{prefix}{name} ")

    walk(cli.build_parser(), "")
    return found


@pytest.mark.parametrize("command", _commands())
def test_every_orbit_command_is_in_the_commands_reference(command: str) -> None:
    assert f"orbit {command}" in COMMANDS_PAGE


@pytest.mark.parametrize(
    "hook", [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)]
)
def test_every_hook_is_in_the_options_reference(hook: str) -> None:
    assert f"`{hook}(" in OPTIONS_PAGE
