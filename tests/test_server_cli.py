"""``orbit user`` and ``orbit serve`` as people run them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_testorbit.cli import main
from pytest_testorbit.server import users
from pytest_testorbit.server.settings import ServerSettings
from pytest_testorbit.store import open_store
from schedule_suite import write_suite
from server_fixtures import serve
from server_world import PASSWORD
from store_servers import sqlite_url as sqlite_url  # the fixture


def orbit_user(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["user", *args])
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_add_assign_and_list_users(sqlite_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    added = orbit_user(
        capsys,
        monkeypatch,
        "add",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
        "--db",
        sqlite_url,
        stdin=PASSWORD + "\n",
    )
    assert added == (0, "Added user alice <alice@example.com>.", "")
    admin = orbit_user(
        capsys,
        monkeypatch,
        "add",
        "root",
        "--email",
        "root@example.com",
        "--admin",
        "--password-stdin",
        "--db",
        sqlite_url,
        stdin=PASSWORD,
    )
    assert admin == (0, "Added admin root <root@example.com>.", "")
    assigned = orbit_user(
        capsys, monkeypatch, "assign", "alice", "--projects", "shop, billing", "--db", sqlite_url
    )
    assert assigned == (0, "alice may now change the schedules of: billing, shop.", "")

    code, out, _ = orbit_user(capsys, monkeypatch, "list", "--db", sqlite_url)
    assert code == 0
    assert out.splitlines() == [
        "NAME   E-MAIL             ADMIN  PROJECTS",
        "alice  alice@example.com  no     billing,shop",
        "root   root@example.com   yes    -",
    ]
    code, out, _ = orbit_user(capsys, monkeypatch, "list", "--format", "json", "--db", sqlite_url)
    assert '"projects": [\n      "billing",\n      "shop"\n    ]' in out

    store = open_store(sqlite_url)
    try:
        with store.begin() as session:
            assert users.login(session, "alice", PASSWORD) is not None
            assert users.login(session, "alice", "not it at all") is None
    finally:
        store.close()


def test_no_users_yet(sqlite_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert orbit_user(capsys, monkeypatch, "list", "--db", sqlite_url) == (
        0,
        "No users: add one with `orbit user add NAME --email ADDRESS`.",
        "",
    )


def test_the_password_is_asked_twice_at_a_terminal(sqlite_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter([PASSWORD, PASSWORD])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert main(["user", "add", "alice", "--email", "a@example.com", "--db", sqlite_url]) == 0
    assert prompts == ["Password: ", "Password (again): "]

    answers = iter([PASSWORD, PASSWORD + "!"])
    assert main(["user", "add", "bob", "--email", "b@example.com", "--db", sqlite_url]) == 2
    assert capsys.readouterr().err.strip() == (
        "orbit: error: the two passwords differ: nothing was changed; try again"
    )


USER_ERRORS = {
    "no terminal": (
        ["add", "alice", "--email", "a@example.com"],
        "",
        "orbit: error: no terminal to ask for the password: pipe it in with --password-stdin",
    ),
    "empty stdin": (
        ["add", "alice", "--email", "a@example.com", "--password-stdin"],
        "",
        "orbit: error: --password-stdin: stdin has no password on its first line",
    ),
    "short password": (
        ["add", "alice", "--email", "a@example.com", "--password-stdin"],
        "short\n",
        "orbit: error: the password is too short: use at least 8 characters",
    ),
    "bad e-mail": (
        ["add", "alice", "--email", "alice", "--password-stdin"],
        PASSWORD,
        "orbit: error: --email 'alice' is not an e-mail address (like alice@example.com)",
    ),
    "bad name": (
        ["add", "al ice", "--email", "a@example.com", "--password-stdin"],
        PASSWORD,
        "orbit: error: user name 'al ice' is not valid: use letters, digits, '.', '_' or '-' (up to 100, starting with a letter or digit)",
    ),
    "unknown user": (
        ["assign", "nobody", "--projects", "shop"],
        "",
        "orbit: error: no user 'nobody' (`orbit user list` shows them)",
    ),
}


@pytest.mark.parametrize("case", USER_ERRORS)
def test_user_errors_say_what_to_fix(sqlite_url: str, capsys, monkeypatch, case: str) -> None:  # type: ignore[no-untyped-def]
    args, stdin, message = USER_ERRORS[case]
    assert orbit_user(capsys, monkeypatch, *args, "--db", sqlite_url, stdin=stdin) == (
        2,
        "",
        message,
    )


def test_a_taken_name_is_refused(sqlite_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    args = ("add", "alice", "--email", "a@example.com", "--password-stdin", "--db", sqlite_url)
    assert orbit_user(capsys, monkeypatch, *args, stdin=PASSWORD)[0] == 0
    assert orbit_user(capsys, monkeypatch, *args, stdin=PASSWORD) == (
        2,
        "",
        "orbit: error: there is already a user 'alice' (`orbit user list` shows them)",
    )


# --- orbit serve -------------------------------------------------------------------------


@pytest.fixture
def served_process(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``orbit serve --port 0`` in the suite's folder; yields its URL (read from its log)."""
    suite = write_suite(tmp_path / "suite")
    (suite / "orbit.yaml").write_text(
        (suite / "orbit.yaml").read_text() + f"database: sqlite:///{tmp_path / 'team.db'}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_testorbit.cli", "serve", "--port", "0", "--anonymous-read"],
        cwd=suite,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    url = None
    for line in process.stderr:  # uvicorn says where it listens once it accepts connections
        found = re.search(r"Uvicorn running on (http://\S+)", line)
        if found:
            url = found[1]
            break
    drain = threading.Thread(target=process.stderr.read, daemon=True)  # keep the pipe from filling
    drain.start()
    try:
        assert url, "orbit serve stopped before it listened"
        yield url, tmp_path / "team.db"
    finally:
        process.terminate()
        process.wait(timeout=30)
        drain.join(timeout=30)
        process.stderr.close()


def test_orbit_serve_serves_the_store_of_orbit_yaml(served_process: tuple[str, Path]) -> None:
    url, database = served_process
    assert database.exists()  # orbit.yaml's database, migrated at start
    assert requests.get(f"{url}/api/schedules", timeout=30).json() == []  # --anonymous-read
    docs = requests.get(f"{url}/docs", timeout=30)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    paths = requests.get(f"{url}/openapi.json", timeout=30).json()["paths"]
    assert {"/api/login", "/api/schedules", "/api/schedules/{schedule_id}/cancel"} <= set(paths)
    # its suite is the current folder: a schedule of project shop is checked against it
    refused = requests.post(
        f"{url}/api/schedules", json={"project": "shop", "groups": ["x"]}, timeout=30
    )
    assert refused.status_code == 401  # anonymous read, never anonymous change


def test_anonymous_read_is_off_unless_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with serve(ServerSettings(db_url=url)) as closed:
        assert closed.get("/api/schedules").status_code == 401
    with serve(ServerSettings(db_url=url, anonymous_read=True)) as open_:
        assert open_.get("/api/schedules").json() == []
        assert open_.get("/api/schedules", token="not-a-token").status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--port", "70000"],
            "orbit: error: --port 70000 is not a port: use 1-65535 (0: any free port)",
        ),
        (
            ["--project", "nowhere"],
            "orbit: error: --project nowhere: there is no orbit.yaml in that folder",
        ),
    ],
)
def test_orbit_serve_errors(tmp_path: Path, capsys, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    code = main(["serve", "--db", f"sqlite:///{tmp_path / 'r.db'}", *args])
    assert (
        code,
        capsys.readouterr().err.strip().replace(str(Path("nowhere").resolve()), "nowhere"),
    ) == (2, message)


def test_two_suites_of_one_project_are_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    first, second = write_suite(tmp_path / "a"), write_suite(tmp_path / "b")
    code = main(
        [
            "serve",
            "--db",
            f"sqlite:///{tmp_path / 'r.db'}",
            "--project",
            str(first),
            "--project",
            str(second),
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"orbit: error: --project {second}: project 'shop' is already served from {first}"
    )


def test_orbit_serve_hands_its_options_to_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--host, --port and --forwarded-allow-ips reach uvicorn (proxy headers on, no Server header)."""
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options, app=app))
    args = [
        "serve",
        "--db",
        f"sqlite:///{tmp_path / 'r.db'}",
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
    ]
    assert main([*args, "--forwarded-allow-ips", "10.0.0.5"]) == 0
    app = seen.pop("app")
    assert seen == {
        "host": "0.0.0.0",
        "port": 9000,
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.5",
        "server_header": False,
    }
    assert app.state.settings.anonymous_read is False  # type: ignore[attr-defined]
    app.state.store.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "module", "message"),
    [
        (
            ["serve"],
            "uvicorn",
            "orbit: error: orbit serve needs uvicorn: install the server: pip install 'pytest-testorbit[server]'",
        ),
        (
            ["user", "list"],
            "argon2",
            "orbit: error: orbit user needs argon2: install the server: pip install 'pytest-testorbit[server]'",
        ),
    ],
)
def test_without_the_server_extra_the_commands_say_how_to_install_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    module: str,
    message: str,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    assert main([*args, "--db", f"sqlite:///{tmp_path / 'r.db'}"]) == 2
    assert capsys.readouterr().err.strip() == message
