"""The plugin's command-line options and ini keys, declared once, read and checked here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPLAY_CHOICES = ("run", "skip")


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    metavar: str | None = None
    ini: bool = True  # also readable as the ini key orbit_<name>
    flag_only: bool = False  # a boolean switch

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


OPTIONS = (
    Option(
        "--orbit-env",
        "Environment from orbit.yaml to run against (default: its default_env)",
        "NAME",
    ),
    Option(
        "--orbit-config", "Path of the project file (default: orbit.yaml at the rootdir)", "PATH"
    ),
    Option("--orbit-db", "URL of the results store (default: database: in orbit.yaml)", "URL"),
    Option("--orbit-no-db", "Do not store this run's results", ini=False, flag_only=True),
    Option(
        "--orbit-run-key",
        "Runs sharing this key (CI shards of one pipeline) are one run in the store",
        "KEY",
    ),
    Option(
        "--orbit-shard",
        "Run only the I-th of N shares of the case groups, whole groups",
        "I/N",
        ini=False,
    ),
    Option(
        "--orbit-replay",
        "What a step run alone does about its earlier steps: run them as setup, or skip them",
        "run|skip",
    ),
    Option(
        "--orbit-concurrency",
        "Group instances whose steps run at the same time in this process (default 1)",
        "N",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("orbit", "pytest-testorbit (API test groups in YAML)")
    for option in OPTIONS:
        if option.flag_only:
            group.addoption(
                option.flag, action="store_true", dest=option.dest, default=False, help=option.help
            )
        else:
            group.addoption(
                option.flag,
                dest=option.dest,
                metavar=option.metavar,
                default=None,
                help=option.help,
            )
        if option.ini:
            parser.addini(option.dest, help=option.help, default=None)


def get(config: pytest.Config, name: str) -> str | None:
    """An option's value: the command line first, then the ini key ``orbit_<name>``."""
    value = config.getoption(name)
    if value is None and any(o.dest == name and o.ini for o in OPTIONS):
        value = config.getini(name)
    return str(value) if value not in (None, "") else None


def replay_mode(config: pytest.Config) -> str:
    value = get(config, "orbit_replay") or "run"
    if value not in REPLAY_CHOICES:
        raise pytest.UsageError(
            f"--orbit-replay: {value!r} is not one of: {', '.join(REPLAY_CHOICES)}"
        )
    return value


def concurrency(config: pytest.Config) -> int:
    """``--orbit-concurrency N``: how many group instances run at once; 1 is serial."""
    value = get(config, "orbit_concurrency") or "1"
    if not value.strip().isdigit() or int(value) < 1:
        raise pytest.UsageError(
            f"--orbit-concurrency: {value!r} is not a whole number of 1 or more "
            "(1 runs one group at a time; try 8 or 32 against a slow API)"
        )
    return int(value)


_SHARD = re.compile(r"\A(\d+)/(\d+)\Z")


def shard(config: pytest.Config) -> tuple[int, int] | None:
    """``--orbit-shard I/N`` as (I, N), 1-based; None when not sharding."""
    value = get(config, "orbit_shard")
    if value is None:
        return None
    match = _SHARD.match(value.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise pytest.UsageError(
            f"--orbit-shard: {value!r} is not I/N with 1 <= I <= N (for example 1/3, 2/3, 3/3)"
        )
    return int(match.group(1)), int(match.group(2))


def config_path(config: pytest.Config) -> Path | None:
    value = get(config, "orbit_config")
    if value is None:
        return None
    path = Path(value)
    if not path.is_absolute():
        base = config.invocation_params.dir if config.getoption("orbit_config") else config.rootpath
        path = base / path
    if not path.is_file():
        raise pytest.UsageError(f"--orbit-config: {value!r} does not exist")
    return path
