"""A wrong `orbit` argument is one line, `orbit: error: ...`, listing the valid choices; exit 2."""

from __future__ import annotations

import pytest

from pytest_testorbit.cli import main

INVALID = {
    "report format": (
        ["report", "--format", "xml"],
        "orbit: error: argument --format: invalid choice 'xml'; choose from table, json, csv, html",
    ),
    "runs format": (
        ["runs", "--format", "csv"],
        "orbit: error: argument --format: invalid choice 'csv'; choose from table, json",
    ),
    "flaky format": (
        ["flaky", "--format", "html"],
        "orbit: error: argument --format: invalid choice 'html'; choose from table, json",
    ),
    "schedule list format": (
        ["schedule", "list", "--format", "yaml"],
        "orbit: error: argument --format: invalid choice 'yaml'; choose from table, json",
    ),
    "command": (
        ["reprot"],
        "orbit: error: argument COMMAND: invalid choice 'reprot'; "
        "choose from report, runs, flaky, db, schedule, scheduler, schema, import, coverage, "
        "serve, user",
    ),
    "db command": (
        ["db", "migrate"],
        "orbit: error: argument COMMAND: invalid choice 'migrate'; choose from upgrade, flush",
    ),
    "schema kind": (
        ["schema", "cases"],
        "orbit: error: argument kind: invalid choice 'cases'; choose from case, project",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_an_invalid_choice_is_one_line_that_lists_the_valid_ones(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, line = INVALID[case]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == line + "\n"
    assert captured.out == ""


def test_an_unknown_option_is_one_line_that_points_at_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--bogus"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "orbit: error: unrecognized arguments: --bogus (see `orbit --help`)\n"
    )


def test_a_bad_option_value_names_the_command_to_ask_for_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--runs", "x"])
    assert capsys.readouterr().err == (
        "orbit: error: argument --runs: must be a whole number of runs, 1 or more, not 'x' "
        "(see `orbit report --help`)\n"
    )
