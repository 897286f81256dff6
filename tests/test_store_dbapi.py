"""The SQLite store opened with sqlite3 alone: the rows it writes, when it is used, threads."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

import store_servers
from pytest_testorbit.store import migrate, open_store, queries
from pytest_testorbit.store.dbapi import SQLiteStore, open_sqlite, sqlite_file
from pytest_testorbit.store.records import finish_record, group_record, run_record
from pytest_testorbit.store.sink import Sink
from pytest_testorbit.store.writer import deliver
from test_store_writer import T0, group, info

sqlite_url = store_servers.sqlite_url
TABLES = ("orbit_run", "orbit_run_shard", "orbit_case_group", "orbit_group_result")


def a_history() -> list[list[dict[str, object]]]:
    """Batches as test runs send them: two shards of one run key, a partial one, a group
    written twice, groups with parameters, owners and tags, failures and not-run steps."""
    first = info("pipeline-9")
    second = info(
        "pipeline-9", started=T0 - timedelta(minutes=1), partial=True, selection="-k login"
    )
    later = T0 + timedelta(seconds=3)
    return [
        [run_record(first), group_record(first.id, group("checkout", "passed", "failed"), T0)],
        [group_record(first.id, group("checkout", "passed", "passed"), later)],  # again
        [
            run_record(second),
            group_record(second.id, group("login", "passed", param="eu"), T0),
            group_record(second.id, group("login", "passed", "not_run", param="us"), later),
        ],
        [finish_record(second.id, "interrupted", later, partial="stopped: -x")],
        [finish_record(first.id, "passed", later + timedelta(seconds=1))],
    ]


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        found = {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
        found["steps"] = connection.execute(
            "SELECT * FROM orbit_step_result ORDER BY group_result_id, step_order"
        ).fetchall()
    connection.close()
    return found


def test_sqlite3_alone_writes_the_rows_sqlalchemy_s_connection_writes(tmp_path: Path) -> None:
    direct_url, pooled_url = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    open_store(direct_url).close()  # a new file is made through SQLAlchemy and Alembic
    direct = open_sqlite(direct_url, migrate.newest_revision)
    assert isinstance(direct, SQLiteStore)
    pooled = open_store(pooled_url)
    for batch in a_history():
        assert deliver(direct, batch) == deliver(pooled, batch)
    direct.close()
    pooled.close()
    written = rows(tmp_path / "a.db")
    assert written == rows(tmp_path / "b.db")
    assert len(written["orbit_run"]) == 1 and len(written["orbit_run_shard"]) == 2
    assert len(written["orbit_group_result"]) == 3  # checkout once, login twice

    store = open_store(direct_url)  # and the models read sqlite3's rows back
    with store.session() as session:
        (run,) = queries.runs(session)
        results = queries.group_results(session, [run.id])[run.id]
    store.close()
    assert (run.status, run.partial) == ("interrupted", True)
    assert run.started_at == T0 - timedelta(minutes=1)  # the earlier shard's start
    assert run.selection == "-k login; stopped: -x"
    assert run.finished_at == T0 + timedelta(seconds=4)
    assert sorted((r.group_id, r.param, r.passed, r.not_run) for r in results) == [
        ("checkout", "", 2, 0),
        ("login", "eu", 1, 0),
        ("login", "us", 1, 1),
    ]
    assert {tuple(r.owners) for r in results} == {("alice@example.com",)}


def test_only_an_existing_sqlite_file_at_the_code_s_revision_is_opened_directly(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    assert open_sqlite(url, migrate.newest_revision) is None  # no file: SQLAlchemy makes it
    assert not (tmp_path / "results.db").exists()
    open_store(url).close()
    assert open_sqlite(url, lambda: "9999_future") is None  # older or newer: Alembic decides
    opened = open_sqlite(url, migrate.newest_revision)
    assert opened is not None
    opened.close()
    (tmp_path / "other.db").write_bytes(b"not a database at all")
    assert open_sqlite(f"sqlite:///{tmp_path / 'other.db'}", migrate.newest_revision) is None
    assert sqlite_file(f"{url}?timeout=5") is None  # options: SQLAlchemy reads them
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://db/orbit") is None


def test_groups_handed_over_from_several_threads_are_all_stored(
    tmp_path: Path, sqlite_url: str
) -> None:
    open_store(sqlite_url).close()
    sink = Sink(sqlite_url, tmp_path / "spool.jsonl")
    run = info()
    sink.send([run_record(run)])

    def send_groups(worker: int) -> None:
        for index in range(10):
            name = f"g{worker}-{index}"
            sink.send([group_record(run.id, group(name, "passed"), T0)])

    threads = [threading.Thread(target=send_groups, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sink.send([finish_record(run.id, "passed", T0)])
    assert sink.problem is None
    assert isinstance(sink.store, SQLiteStore)  # the file existed at the code's revision
    sink.close()
    (written,) = rows(Path(sqlite_url.removeprefix("sqlite:///")))["orbit_run"]
    assert written[12:15] == (40, 40, 0)  # groups_total, passed, failed


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_a_server_store_is_written_through_sqlalchemy_s_driver_connection(
    backend: str, tmp_path: Path
) -> None:
    for url in store_servers.database_url(backend, tmp_path):
        sink = Sink(url, tmp_path / "spool.jsonl")
        for batch in a_history():
            sink.send(batch)
        assert sink.problem is None, sink.problem
        assert type(sink.store).__name__ == "Store"
        sink.close()
        store = open_store(url)
        with store.session() as session:
            (run,) = queries.runs(session)
        store.close()
        assert (run.status, run.groups_total, run.steps_total) == ("interrupted", 3, 5)
        assert run.selection == "-k login; stopped: -x"
