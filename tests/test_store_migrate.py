"""Creating, checking and upgrading the store's schema, alone and concurrently."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect

import store_servers
from pytest_testorbit.errors import StoreBehind, StoreError
from pytest_testorbit.store import migrate, open_store
from pytest_testorbit.store.db import make_engine

# The database fixtures, one fresh database per test on each backend.
db_url = store_servers.db_url
sqlite_url = store_servers.sqlite_url

NEXT = "9999_next"


@pytest.fixture
def newer_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The migrations of a later pytest-testorbit: ours plus one revision on top."""
    heads = sorted(migrate.code_heads())
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{NEXT}.py").write_text(
        textwrap.dedent(
            f"""
            import sqlalchemy as sa
            from alembic import op

            revision = {NEXT!r}
            down_revision = {tuple(heads)!r}
            branch_labels = None
            depends_on = None

            def upgrade():
                op.create_table("orbit_next", sa.Column("id", sa.Integer, primary_key=True))
            """
        )
    )
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    return NEXT


def make_current(url: str) -> None:
    open_store(url).close()


def test_a_store_behind_the_code_refuses_and_says_orbit_db_upgrade(
    db_url: str, newer_code: str
) -> None:
    make_current_with_real_migrations(db_url)
    with pytest.raises(StoreBehind) as caught:
        open_store(db_url)
    message = str(caught.value)
    assert message.startswith("the results store at ")
    assert f"this pytest-testorbit needs {NEXT}: run `orbit db upgrade` to bring it forward" in (
        message
    )


def make_current_with_real_migrations(url: str) -> None:
    """Bring ``url`` to the heads shipped in the package, whatever ``newer_code`` patched."""
    real = Path(migrate.__file__).with_name("migrations")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "MIGRATIONS", real)
        make_current(url)


def test_the_default_sqlite_file_upgrades_itself_after_a_backup(
    tmp_path: Path, newer_code: str
) -> None:
    url = f"sqlite:///{tmp_path / '.orbit' / 'results.db'}"
    make_current_with_real_migrations(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        shipped = "-".join(sorted(migrate.current_revisions(connection)))
    engine.dispose()
    store = open_store(url, auto_upgrade=True)
    assert "orbit_next" in inspect(store.engine).get_table_names()
    store.close()
    backups = sorted(p.name for p in (tmp_path / ".orbit").glob("results.db.*.bak"))
    assert len(backups) == 1
    assert backups[0].startswith(f"results.db.{shipped}.")


def test_orbit_db_upgrade_brings_a_store_forward(
    db_url: str, newer_code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_testorbit.cli import main

    make_current_with_real_migrations(db_url)
    assert main(["db", "upgrade", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Upgraded the results store at ")
    assert out.rstrip().endswith(f"to {NEXT}.")
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert f"is up to date (revision {NEXT})." in capsys.readouterr().out
    open_store(db_url).close()  # no longer behind


def test_orbit_db_upgrade_creates_a_new_store(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_testorbit.cli import main

    assert main(["db", "upgrade", "--db", sqlite_url]) == 0
    heads = ", ".join(sorted(migrate.code_heads()))
    assert capsys.readouterr().out == (
        f"Created the results store at {sqlite_url} (revision {heads}).\n"
    )


def test_a_store_made_by_a_newer_version_is_refused(sqlite_url: str) -> None:
    make_current(sqlite_url)
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE {migrate.VERSION_TABLE} SET version_num = 'zz_future'")
    engine.dispose()
    with pytest.raises(StoreError, match="made by a newer pytest-testorbit; upgrade"):
        open_store(sqlite_url)


def test_a_store_that_cannot_be_reached_says_where_and_why() -> None:
    url = "postgresql+psycopg://orbit:hunter2@127.0.0.1:9/nothing"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith(
        "cannot reach the results store at postgresql+psycopg://orbit:***@127.0.0.1:9/nothing: "
    )
    assert "hunter2" not in message


def test_a_url_that_is_not_a_database_url_is_an_error() -> None:
    with pytest.raises(StoreError, match=r"not a database URL: 'results\.db'"):
        open_store("results.db")


def test_processes_creating_one_new_store_at_once_do_not_collide(db_url: str) -> None:
    script = (
        "import sys; from pytest_testorbit.store import open_store; open_store(sys.argv[1]).close()"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, db_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert migrate.current_revisions(connection) == migrate.code_heads()
    engine.dispose()


def test_a_test_run_facing_a_store_behind_the_code_spools_and_says_orbit_db_upgrade(
    sqlite_url: str, newer_code: str, tmp_path: Path
) -> None:
    from pytest_testorbit.store.sink import Sink

    make_current_with_real_migrations(sqlite_url)
    sink = Sink(sqlite_url, tmp_path / "spool.jsonl")
    sink.send([{"kind": "finish", "run_id": "x", "status": "passed", "finished_at": "2026"}])
    assert sink.problem is not None
    assert sink.problem.endswith("run `orbit db upgrade` to bring it forward")
    assert (tmp_path / "spool.jsonl").exists()


def test_a_url_of_an_unknown_database_kind_is_an_error() -> None:
    with pytest.raises(StoreError, match=r"^cannot use oracle\+nothing://x/y: "):
        open_store("oracle+nothing://x/y")


def test_the_quick_revision_check_agrees_with_alembic() -> None:
    from pytest_testorbit.store import migrate

    assert {migrate.newest_revision()} == migrate.code_heads()
