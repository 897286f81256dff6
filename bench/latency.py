"""The latency scenario: many groups against a slow API, serial, xdist, concurrency, both.

200 groups of 3 chained steps against the bench server answering each request after
100 ms: the shape of a real suite against a staging API, where the time is spent waiting.
Four contenders run the same project: ``-n 0``, ``-n 4``, ``--orbit-concurrency 32`` and
``-n 4 --orbit-concurrency 32``. All of them store their results in the project's SQLite
file, and the stored step rows of every timed run must be the same (ids, times and
durations aside): being faster must not change what was recorded.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import scenarios
from scenarios import Contender


def contenders(
    root: Path, python: str, base_url: str, groups: int, steps: int, workers: int, width: int
) -> list[Contender]:
    """Serial, -n WORKERS, --orbit-concurrency WIDTH and both, on one project."""
    serial, spread = scenarios.parallel_orbit(root, python, base_url, groups, steps, workers)
    flags = ("--orbit-concurrency", str(width))
    concurrent = replace(serial, name=f"testorbit --orbit-concurrency {width}")
    concurrent.argv = [*serial.argv, *flags]
    both = replace(spread, name=f"testorbit -n {workers} --orbit-concurrency {width}")
    both.argv = [*spread.argv, *flags]
    return [serial, spread, concurrent, both]


def stored_runs(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each stored run's step rows, ids, times and durations left out, in a stable order."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            """
            SELECT g.run_id, c.file, c.group_key, s.step_id, s.step_order, s.outcome,
                   s.method, s.url, s.status_code, s.message
            FROM orbit_step_result s
            JOIN orbit_group_result g ON s.group_result_id = g.id
            JOIN orbit_case_group c ON g.case_group_id = c.id
            ORDER BY g.run_id, c.file, c.group_key, s.step_order
            """
        ).fetchall()
    runs: dict[str, list[tuple[Any, ...]]] = {}
    for run_id, *rest in rows:
        runs.setdefault(run_id, []).append(tuple(rest))
    return runs


def same_rows_note(database: Path, expected_runs: int) -> str:
    """Whether every stored run holds the same rows, as a note for the report."""
    if not database.exists():
        return "Latency: no results store was written, so the stored rows were not compared."
    runs = stored_runs(database)
    distinct = {tuple(rows) for rows in runs.values()}
    steps = len(next(iter(runs.values()), []))
    verdict = "identical" if len(distinct) == 1 else f"NOT identical ({len(distinct)} variants)"
    return (
        f"Latency: the {len(runs)} stored runs (of {expected_runs} started) hold {verdict} step "
        f"rows ({steps} each: file, group, step, order, outcome, method, URL, status, message)."
    )
