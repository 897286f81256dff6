"""Migration 0004: the server's users, tokens and memberships, on every backend."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

import store_servers
from pytest_testorbit.cli import main
from pytest_testorbit.store import migrate, open_store
from pytest_testorbit.store.db import make_engine

db_url = store_servers.db_url


def test_orbit_db_upgrade_adds_the_server_tables_to_a_0003_store(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            command.upgrade(migrate.alembic_config(connection), "0003_partial_runs")
            connection.commit()
    finally:
        engine.dispose()

    assert main(["db", "upgrade", "--db", db_url]) == 0

    assert capsys.readouterr().out.rstrip().endswith("from 0003_partial_runs to 0004_users.")
    engine = make_engine(db_url)
    try:
        found = inspect(engine)
        columns = {
            t: {c["name"] for c in found.get_columns(t)}
            for t in ("orbit_user", "orbit_token", "orbit_membership")
        }
    finally:
        engine.dispose()
    assert columns == {
        "orbit_user": {
            "id",
            "name",
            "email",
            "password_hash",
            "is_admin",
            "created_at",
            "last_login",
        },
        "orbit_token": {"id", "token_hash", "user_id", "created_at", "retired_at"},
        "orbit_membership": {"id", "user_id", "project"},
    }


def test_user_names_are_unique_in_the_database_itself(db_url: str) -> None:
    from pytest_testorbit.server import users
    from pytest_testorbit.store.user_models import User

    store = open_store(db_url)
    try:
        with store.begin() as session:
            users.add_user(session, "alice", "alice@example.com", "correct horse")
        with pytest.raises(IntegrityError), store.begin() as session:
            # past add_user's own check: the unique index refuses a second alice
            session.add(
                User(
                    name="alice",
                    email="a@b.cd",
                    password_hash="x",
                    is_admin=False,
                    created_at=users.now(),
                )
            )
    finally:
        store.close()


def test_migration_0004_downgrades_cleanly(db_url: str) -> None:
    open_store(db_url).close()
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            command.downgrade(migrate.alembic_config(connection), "0003_partial_runs")
            connection.commit()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert not tables & {"orbit_user", "orbit_token", "orbit_membership"}
    assert "orbit_schedule" in tables
