"""A store that cannot be reached: results go to the spool, and ``orbit db flush`` sends them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

import store_servers
from pytest_testorbit.cli import main
from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, RunInfo, StepReport
from pytest_testorbit.store import open_store, queries, spool
from pytest_testorbit.store.records import finish_record, group_outcome, group_record, run_record
from pytest_testorbit.store.sink import Sink

# The database fixtures, one fresh database per test on each backend.
db_url = store_servers.db_url
sqlite_url = store_servers.sqlite_url

CLOSED = "postgresql+psycopg://orbit:hunter2@127.0.0.1:9/results"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def run_info() -> RunInfo:
    return RunInfo(id=str(uuid.uuid4()), project="shop", environment="local", started_at=NOW)


def outcome(group_id: str, *results: str) -> GroupOutcome:
    steps = [StepReport(f"s{i}", i, f"s{i}", result) for i, result in enumerate(results)]
    return GroupOutcome(GroupIdentity(f"{group_id}.orbit.yaml", group_id, ""), steps=steps)


def test_an_unreachable_store_sends_the_run_to_the_spool(tmp_path: Path) -> None:
    path = tmp_path / ".orbit" / "spool.jsonl"
    sink = Sink(CLOSED, path)
    info = run_info()
    sink.send([run_record(info), group_record(info.id, outcome("a", "passed"), NOW)])
    sink.send([group_record(info.id, outcome("b", "failed"), NOW)])
    sink.send([finish_record(info.id, "failed", NOW)])
    assert sink.problem is not None
    assert sink.problem.startswith(
        "cannot reach the results store at postgresql+psycopg://orbit:***@127.0.0.1:9/results"
    )
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["run", "group", "group", "finish"]
    assert {line["db"] for line in lines} == {"postgresql+psycopg://orbit:***@127.0.0.1:9/results"}
    assert "hunter2" not in path.read_text()


def test_a_store_that_fails_mid_run_spools_the_rest_with_the_run_record(
    tmp_path: Path, sqlite_url: str
) -> None:
    path = tmp_path / "spool.jsonl"
    sink = Sink(sqlite_url, path)
    info = run_info()
    sink.send([run_record(info), group_record(info.id, outcome("a", "passed"), NOW)])
    assert sink.problem is None and sink.run_id == info.id
    assert sink.store is not None
    sink.store.close()  # its next write connects again, and cannot
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    database.unlink()
    database.mkdir()  # the store's file is gone: no connection can open it now
    sink.send([group_record(info.id, outcome("b", "failed"), NOW)])
    sink.send([finish_record(info.id, "failed", NOW)])
    sink.close()
    assert sink.problem is not None
    assert sink.problem.startswith("OperationalError: ")
    assert [line["kind"] for line in spool.read(path)] == ["run", "group", "finish"]


def test_orbit_db_flush_delivers_the_spool_once(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = spool.spool_path(tmp_path)
    sink = Sink(CLOSED, path)
    info = run_info()
    sink.send([run_record(info), group_record(info.id, outcome("a", "passed", "failed"), NOW)])
    sink.send([finish_record(info.id, "failed", NOW)])

    assert main(["db", "flush", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Delivered 3 spooled record(s) to ")
    assert out.endswith(f" (runs: {info.id}).\n")
    assert not path.exists()
    assert main(["db", "flush", "--db", db_url]) == 0
    assert capsys.readouterr().out == f"Nothing to flush: there is no spool file at {path}.\n"

    store = open_store(db_url)
    with store.session() as session:
        (run,) = queries.runs(session)
        (group,) = queries.group_results(session, [run.id])[run.id]
    store.close()
    assert (run.id, run.status, group.group, group.passed, group.failed) == (
        info.id,
        "failed",
        "a",
        1,
        1,
    )


def test_a_flush_cut_short_keeps_the_rest_and_a_second_flush_doubles_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "spool.jsonl"
    info = run_info()
    orphan = group_record("never-started", outcome("x", "passed"), NOW)
    batch = [run_record(info), group_record(info.id, outcome("a", "passed"), NOW), orphan]
    spool.append(path, batch, db="somewhere")
    with path.open("a") as handle:
        handle.write('{"kind": "gro\n')  # a write cut short by a crash
    store = open_store(sqlite_url)
    result = spool.flush(store, path)
    assert (result.delivered, result.remaining, result.damaged) == (2, 2, 0)
    assert result.error == "run never-started was never started in this store"
    assert [line["kind"] for line in spool.read(path)[:1]] == ["group"]
    # Deliver the start of the orphan's run, and flush again: the rest goes, nothing twice.
    spool.append(path, [], db="somewhere")
    path.write_text(
        json.dumps(run_record(RunInfo("never-started", "shop", "local", NOW)))
        + "\n"
        + path.read_text()
    )
    result = spool.flush(store, path)
    assert (result.delivered, result.remaining, result.damaged) == (2, 0, 1)
    assert result.damaged_path == path.with_name("spool.jsonl.damaged")
    assert not path.exists()
    with store.session() as session:
        assert len(queries.runs(session)) == 2
    store.close()


def test_orbit_db_flush_says_what_is_left_when_delivery_stops(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spool.jsonl"
    spool.append(path, [group_record("nope", outcome("x", "passed"), NOW)], db="somewhere")
    assert main(["db", "flush", "--db", sqlite_url, "--spool", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"1 record(s) are still in {path}: run nope was never started in this store"
    )


def test_orbit_db_flush_to_an_unreachable_store_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spool.jsonl"
    spool.append(path, [run_record(run_info())], db="somewhere")
    assert main(["db", "flush", "--db", CLOSED, "--spool", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "orbit: error: cannot reach the results store at "
        "postgresql+psycopg://orbit:***@127.0.0.1:9/results: "
    )
    assert len(spool.read(path)) == 1


def test_orbit_db_flush_sets_damaged_lines_aside_and_says_where(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spool.jsonl"
    spool.append(path, [run_record(run_info())], db="somewhere")
    with path.open("a") as handle:
        handle.write("{not json\n")
    assert main(["db", "flush", "--db", sqlite_url, "--spool", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Set aside 1 damaged line(s) in {tmp_path / 'spool.jsonl.damaged'}."
    )


def test_a_record_of_an_unknown_kind_is_refused(sqlite_url: str) -> None:
    from pytest_testorbit.errors import StoreError
    from pytest_testorbit.store.writer import apply

    store = open_store(sqlite_url)
    with pytest.raises(StoreError, match="unknown record kind 'nonsense'"):
        apply(store, {"kind": "nonsense"})
    store.close()


def test_a_group_record_is_one_flat_mapping_that_reads_back_equal() -> None:
    identity = GroupIdentity("orders/pay.orbit.yaml", "pay", "abc", "Pay", ["a@x.com"], ["smoke"])
    steps = [StepReport("s0", 0, "s0", "passed", duration=0.5, status_code=200)]
    outcome = GroupOutcome(identity, steps, duration=0.5, worker="gw1", partial=True)
    record = json.loads(json.dumps(group_record("run-1", outcome, NOW)))
    group = record["group"]
    assert (group["file"], group["group_id"], group["param_id"]) == identity.key
    assert (group["title"], group["owners"], group["tags"]) == ("Pay", ["a@x.com"], ["smoke"])
    assert (group["duration"], group["worker"], group["partial"]) == (0.5, "gw1", True)
    assert group_outcome(record) == outcome


def test_a_group_record_of_an_earlier_version_without_parallel_still_reads() -> None:
    identity = GroupIdentity("pay.orbit.yaml", "pay", "")
    record = group_record("run-1", GroupOutcome(identity, [StepReport("s0", 0, "s0")]), NOW)
    del record["group"]["parallel"]
    record["group"]["retired_key"] = 1  # a key this version does not know is left out
    assert group_outcome(record) == GroupOutcome(identity, [StepReport("s0", 0, "s0")])
