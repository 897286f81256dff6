"""Databases for the store tests: a SQLite file in tmp_path, and a private schema/database
on the machine's PostgreSQL and MariaDB (127.0.0.1), made per test and dropped after it.

Not a test module (no ``test_`` prefix); the store and report tests import it. Each test
gets its own PostgreSQL schema (``search_path`` in the URL) or MariaDB database, so tests
running at once (``-n 2``, other sessions on the shared servers) never see each other.
A server that cannot be reached skips the test with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

# pytester's in-process runs drop every module first imported while a test that uses it
# runs, and SQLAlchemy warns when its dialects or our models are imported a second time.
# Whatever the store and the ``orbit`` command load is loaded here, at collection, once.
import alembic.command
import alembic.runtime.migration
import psycopg
import pymysql  # type: ignore[import-untyped]  # no stubs installed
import pytest
import sqlalchemy.dialects.mysql
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite

import pytest_testorbit.store.db
import pytest_testorbit.store.queries
import pytest_testorbit.store.sink
import pytest_testorbit.store.writer
from pytest_testorbit.cli import build_parser

build_parser()  # imports every command module, the scheduler's models among them
_PRELOADED = (
    psycopg,
    pymysql,
    alembic.command,
    alembic.runtime.migration,
    sqlalchemy.dialects.mysql,
    sqlalchemy.dialects.postgresql,
    sqlalchemy.dialects.sqlite,
    pytest_testorbit.store.db,
    pytest_testorbit.store.queries,
    pytest_testorbit.store.sink,
    pytest_testorbit.store.writer,
)

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/{database}?charset=utf8mb4"
BACKENDS = ("sqlite", "postgresql", "mysql")


def _unique() -> str:
    return "orbit_t_" + uuid.uuid4().hex[:12]


def _postgresql() -> Iterator[str]:
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as exc:  # the reason is the skip message
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 cannot be reached: {exc}")
    schema = _unique()
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield PG_URL.format(schema=schema)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _mysql() -> Iterator[str]:
    try:
        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=3)
    except Exception as exc:  # the reason is the skip message
        pytest.skip(f"MariaDB on 127.0.0.1:3306 cannot be reached: {exc}")
    database = _unique()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        yield MYSQL_URL.format(database=database)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        admin.close()


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'results.db'}"
    elif backend == "postgresql":
        yield from _postgresql()
    else:
        yield from _mysql()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend in turn."""
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'results.db'}"
