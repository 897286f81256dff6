"""Writing runs, groups and steps into a real database on every backend, and reading them back."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select

import store_servers
from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, RunInfo, StepReport
from pytest_testorbit.store import open_store, queries
from pytest_testorbit.store.models import CaseGroup, GroupResult, Run, RunShard, StepResult
from pytest_testorbit.store.records import finish_record, group_record, run_record
from pytest_testorbit.store.writer import apply, apply_groups

# The database fixtures, one fresh database per test on each backend.
db_url = store_servers.db_url
sqlite_url = store_servers.sqlite_url

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


def info(run_key: str | None = None, *, started: datetime = T0, **extra: object) -> RunInfo:
    return RunInfo(
        id=str(uuid.uuid4()),
        project="shop",
        environment="staging",
        started_at=started,
        run_key=run_key,
        host="ci-1",
        **extra,  # type: ignore[arg-type]  # RunInfo's other fields, each of its own type
    )


def group(group_id: str, *outcomes: str, param: str = "", file: str = "") -> GroupOutcome:
    steps = [
        StepReport(
            f"step-{i}",
            i,
            f"step {i}",
            outcome,
            duration=0.25,
            method="GET",
            url=f"https://api.example.com/{group_id}/{i}?token=***",
            status_code=500 if outcome == "failed" else 200,
            message="expected status 200, got 500" if outcome == "failed" else None,
            line=3 + i,
        )
        for i, outcome in enumerate(outcomes)
    ]
    identity = GroupIdentity(
        file or f"orders/{group_id}.orbit.yaml",
        group_id,
        param,
        title=f"The {group_id} group",
        owners=["alice@example.com"],
        tags=["smoke"],
    )
    return GroupOutcome(
        identity,
        steps=steps,
        duration=0.25 * len(steps),
        worker="gw0",
    )


def test_a_new_database_gets_every_orbit_table_on_first_use(db_url: str) -> None:
    store = open_store(db_url)
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "orbit_run",
        "orbit_run_shard",
        "orbit_case_group",
        "orbit_group_result",
        "orbit_step_result",
        "orbit_alembic_version",
    } <= tables
    store.close()


def test_the_models_and_the_migrations_describe_the_same_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pytest_testorbit.store.migrate import VERSION_TABLE
    from pytest_testorbit.store.models import Base

    # Every table of the store is on one Base: the scheduler's too, once it exists.
    with contextlib.suppress(ModuleNotFoundError):
        import pytest_testorbit.store.schedule_models  # noqa: F401  # imported for its tables, which join Base's metadata

    store = open_store(db_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": False}
        )
        diff = compare_metadata(context, Base.metadata)
    store.close()
    assert diff == []


def test_a_run_its_groups_and_steps_are_stored_and_read_back_in_utc(db_url: str) -> None:
    store = open_store(db_url)
    run = info(git_commit="abc123", git_branch="main", trigger="ci", schedule_id=7)
    apply(store, run_record(run))
    apply(store, group_record(run.id, group("checkout", "passed", "failed", "blocked"), T0))
    apply(store, group_record(run.id, group("login", "passed", "skipped"), T0))
    apply(store, finish_record(run.id, "failed", T0 + timedelta(seconds=5)))

    with store.session() as session:
        (row,) = queries.runs(session)
        groups = queries.group_results(session, [row.id])[row.id]
    assert row.id == run.id
    assert (row.status, row.environment, row.trigger, row.schedule_id) == (
        "failed",
        "staging",
        "ci",
        7,
    )
    assert (row.git_commit, row.git_branch, row.host) == ("abc123", "main", "ci-1")
    assert row.started_at == T0 and row.started_at.tzinfo is not None
    assert row.finished_at == T0 + timedelta(seconds=5)
    assert (row.groups_total, row.groups_passed, row.groups_failed) == (2, 1, 1)
    assert (row.steps_total, row.steps_passed, row.steps_failed) == (5, 2, 1)

    checkout, login = groups
    assert checkout.to_dict() | {"steps": None} == {
        "group": "checkout",
        "group_id": "checkout",
        "param": "",
        "file": "orders/checkout.orbit.yaml",
        "title": "The checkout group",
        "owners": ["alice@example.com"],
        "tags": ["smoke"],
        "passed": 1,
        "failed": 1,
        "blocked": 1,
        "skipped": 0,
        "not_run": 0,
        "total": 3,
        "pass_rate": pytest.approx(1 / 3),
        "duration": 0.75,
        "worker": "gw0",
        "steps": None,
        "trend": [],
        "partial": False,
    }
    failed = checkout.steps[1]
    assert (failed.step, failed.order, failed.outcome, failed.status_code) == (
        "step-1",
        1,
        "failed",
        500,
    )
    assert failed.message == "expected status 200, got 500"
    assert failed.url == "https://api.example.com/checkout/1?token=***"
    assert login.pass_rate == 1.0  # the skipped step is left out
    store.close()


def test_writing_the_same_records_twice_changes_nothing(db_url: str) -> None:
    store = open_store(db_url)
    run = info()
    batch = [
        run_record(run),
        group_record(run.id, group("checkout", "passed", "failed"), T0),
        finish_record(run.id, "failed", T0),
    ]
    for record in batch + batch:
        apply(store, record)
    with store.session() as session:
        counts = [
            session.scalar(select(func.count()).select_from(table))
            for table in (Run, RunShard, CaseGroup, GroupResult, StepResult)
        ]
    assert counts == [1, 1, 1, 1, 2]
    store.close()


def test_a_group_written_again_replaces_its_earlier_result(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    run = info()
    apply(store, run_record(run))
    apply(store, group_record(run.id, group("checkout", "passed", "not_run"), T0))
    apply(store, group_record(run.id, group("checkout", "passed", "passed"), T0))
    with store.session() as session:
        (row,) = queries.group_results(session, [run.id])[run.id]
        steps = session.scalar(select(func.count()).select_from(StepResult))
    assert (row.passed, row.not_run, row.pass_rate, steps) == (2, 0, 1.0, 2)
    store.close()


def test_groups_written_together_are_stored_once_each_with_the_run_counted(
    db_url: str,
) -> None:
    store = open_store(db_url)
    run = info()
    apply(store, run_record(run))
    together = [
        group_record(run.id, group("checkout", "passed", "failed"), T0),
        group_record(run.id, group("login", "passed"), T0),
    ]
    apply_groups(store, together)
    apply_groups(store, together)  # delivered twice, as a flushed spool may be
    with store.session() as session:
        rows = queries.group_results(session, [run.id])[run.id]
        stored = queries.get_run(session, run.id)
        steps = session.scalar(select(func.count()).select_from(StepResult))
    assert sorted((row.group, row.passed, row.failed) for row in rows) == [
        ("checkout", 1, 1),
        ("login", 1, 0),
    ]
    assert stored is not None
    assert (stored.steps_total, stored.steps_passed, steps) == (3, 2, 3)
    store.close()


def test_a_case_group_keeps_one_identity_across_runs(db_url: str) -> None:
    store = open_store(db_url)
    for title in ("first title", "second title"):
        run = info()
        apply(store, run_record(run))
        outcome = group("checkout", "passed", param="abc")
        outcome.identity.title = title
        apply(store, group_record(run.id, outcome, T0))
        apply(store, group_record(run.id, group("checkout", "failed", param="xyz"), T0))
    with store.session() as session:
        identities = session.execute(
            select(CaseGroup.group_key, CaseGroup.param_id, CaseGroup.title).order_by(
                CaseGroup.param_id
            )
        ).all()
    assert [tuple(row) for row in identities] == [
        ("checkout", "abc", "second title"),
        ("checkout", "xyz", "The checkout group"),
    ]
    store.close()


def test_shards_that_share_a_run_key_are_one_run(db_url: str) -> None:
    store = open_store(db_url)
    first, second = info("pipeline-42"), info("pipeline-42", started=T0 - timedelta(minutes=1))
    merged = apply(store, run_record(first))
    assert apply(store, run_record(second)) == merged == first.id
    apply(store, group_record(first.id, group("checkout", "passed"), T0))
    apply(store, group_record(second.id, group("login", "failed"), T0))
    apply(store, finish_record(first.id, "passed", T0 + timedelta(seconds=1)))
    with store.session() as session:
        assert queries.get_run(session, merged).status == "running"  # type: ignore[union-attr]  # the run was just written
    apply(store, finish_record(second.id, "failed", T0 + timedelta(seconds=2)))
    with store.session() as session:
        (row,) = queries.runs(session)
    assert (row.id, row.status, row.groups_total) == (first.id, "failed", 2)
    assert row.started_at == T0 - timedelta(minutes=1)
    assert row.finished_at == T0 + timedelta(seconds=2)
    store.close()


def test_an_interrupted_shard_makes_the_run_interrupted(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    first, second = info("k"), info("k")
    for run, status in ((first, "failed"), (second, "interrupted")):
        apply(store, run_record(run))
        apply(store, finish_record(run.id, status, T0))
    with store.session() as session:
        assert queries.runs(session)[0].status == "interrupted"
    store.close()


def test_a_group_of_a_run_never_started_is_refused_with_its_id(sqlite_url: str) -> None:
    from pytest_testorbit.errors import StoreError

    store = open_store(sqlite_url)
    with pytest.raises(StoreError, match="run 1234 was never started in this store"):
        apply(store, group_record("1234", group("checkout", "passed"), T0))
    with pytest.raises(StoreError, match="a run cannot finish as 'running'"):
        apply(store, run_record(run := info()))
        apply(store, finish_record(run.id, "running", T0))
    store.close()


def test_the_last_run_is_the_newest_run_that_has_results(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    older, newer_empty = info(started=T0), info(started=T0 + timedelta(hours=1))
    apply(store, run_record(older))
    apply(store, group_record(older.id, group("checkout", "passed"), T0))
    apply(store, run_record(newer_empty))
    with store.session() as session:
        assert queries.last_run(session).id == older.id  # type: ignore[union-attr]  # two runs were just written
        assert queries.last_run(session, environment="prod") is None
        assert [run.id for run in queries.runs(session)] == [newer_empty.id, older.id]
    store.close()
