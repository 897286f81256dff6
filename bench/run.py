"""pytest-testorbit's benchmark: prints a table of ratios and writes docs/performance.md.

Every figure is a ratio to a floor measured in the same run, because absolute times on a
shared machine mean little. Each measured thing is a whole process (a subprocess, timed from
start to exit); after one warm-up run each (which also checks that it passes), the contenders
of a scenario run alternately, ``--repeat`` rounds, and the medians are compared.

Scenarios: chain, many, collect, startup, parallel, latency, long (memory is read from the
chain and collect runs). ``--quick`` shrinks every size for a try-out; a quick or ``--only``
run writes to bench/out/ unless ``--out`` is given, so docs/performance.md only ever holds a
full run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script from anywhere

import latency
import scenarios
import server
from scenarios import Contender

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("chain", "many", "collect", "startup", "parallel", "latency", "long")
PACKAGES = ("pytest", "pytest-xdist", "requests", "PyYAML", "pytest-testorbit")


@dataclass(frozen=True)
class Sizes:
    chain: tuple[int, int] = (200, 2000)  # steps in the small and the large chain
    chain_targets: tuple[float, float] = (1.15, 1.05)  # against the pytest floor (a)
    many: int = 200  # groups of one step
    many_target: float = 1.2
    collect_files: int = 1000
    collect_steps: int = 10
    collect_target: float = 1.5
    startup_target: float = 0.03  # seconds of overhead
    startup_rounds: int = 3  # start-up runs are short: this many times --repeat rounds
    parallel_groups: int = 40
    parallel_steps: int = 3
    parallel_workers: int = 4
    parallel_latency: float = 0.1  # seconds per answer
    parallel_target: float = 3.0  # speed-up of -n 4 over -n 0
    latency_groups: int = 200  # groups of parallel_steps steps, parallel_latency each
    latency_width: int = 32  # --orbit-concurrency
    latency_targets: tuple[float, float] = (15.0, 3.0)  # speed-up over -n 0 and over -n 4
    long_group: tuple[int, int] = (2000, 10000)  # steps of one group: cost per step must hold
    long_target: float = 1.25  # per-step cost at the larger size over the smaller one


FULL = Sizes()
QUICK = Sizes(
    chain=(20, 200),
    many=20,
    collect_files=100,
    parallel_groups=8,
    latency_groups=40,
    long_group=(200, 1000),
)


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Sample:
    """The runs of one contender in one scenario."""

    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.rss_kib) / 1024


def _child_env() -> dict[str, str]:
    """The environment less anything that would change how pytest runs.

    Bytecode caches stay on, as on a developer's machine: without them every run would
    compile our modules and pytest would rewrite the floor's asserts anew each time.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_once(contender: Contender, timeout: float) -> tuple[float, int, str | None, str]:
    """Wall time, peak RSS (KiB, of this child alone), why it does not count, and its output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            contender.argv,
            cwd=contender.cwd,
            env={**_child_env(), **contender.env},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        # wait4, not getrusage(RUSAGE_CHILDREN): that is the maximum over every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss, contender.check(proc.returncode, output), output


def compare(
    title: str, contenders: list[Contender], repeat: int, timeout: float
) -> dict[str, Sample]:
    """One warm-up run each, then ``repeat`` rounds in turn, each round starting one further on."""
    samples = {c.name: Sample() for c in contenders}
    live = []
    for contender in contenders:
        _, _, error, output = run_once(contender, timeout)
        if error:
            samples[contender.name].error = error
            tail = "\n    ".join(output.strip().splitlines()[-12:])
            _log(f"  {title}: {contender.name} does not pass ({error}), left out:\n    {tail}")
        else:
            live.append(contender)
    for round_ in range(repeat):
        shift = round_ % max(len(live), 1)
        for contender in live[shift:] + live[:shift]:
            sample = samples[contender.name]
            if sample.error:
                continue
            seconds, rss, error, _ = run_once(contender, timeout)
            if error:
                sample.error = f"round {round_ + 1}: {error}"
                continue
            sample.seconds.append(seconds)
            sample.rss_kib.append(rss)
        _log(f"  {title}: round {round_ + 1}/{repeat} " + _medians(samples))
    return samples


def _medians(samples: dict[str, Sample]) -> str:
    return ", ".join(f"{name} {s.median:.2f}s" for name, s in samples.items() if s.ok)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- figures --------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    subject: str
    against: str
    figure: str
    target: str = ""
    verdict: str = ""  # "pass", "FAIL", "" (reported only) or why it was not measured


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    # scenario -> contender -> its runs
    samples: dict[str, dict[str, Sample]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _missing(*samples: Sample | None) -> str | None:
    for sample in samples:
        if sample is None:
            return "not run"
        if not sample.ok:
            return f"not measured: {sample.error}"
    return None


def ratio_row(
    scenario: str, samples: dict[str, Sample], subject: str, against: str, limit: float | None
) -> Row:
    """subject's median over against's; a pass when at most ``limit``."""
    target = f"≤ {limit:.2f}x" if limit else ""
    missing = _missing(samples.get(subject), samples.get(against))
    if missing:
        return Row(scenario, subject, against, "—", target, missing)
    ratio = samples[subject].median / samples[against].median
    verdict = ("pass" if ratio <= limit else "FAIL") if limit else ""
    return Row(scenario, subject, against, f"{ratio:.2f}x", target, verdict)


@dataclass
class Context:
    root: Path
    python: str
    tavern: str | None
    sizes: Sizes
    repeat: int
    timeout: float
    url: str = ""
    slow_url: str = ""


def store_note(label: str, ours: Contender, results: Results) -> None:
    """Say so when our runs did not write the results store they were meant to write."""
    if not (ours.cwd / ".orbit" / "results.db").exists():
        results.notes.append(
            f"{label}: testorbit left no .orbit/results.db, so it ran without the results store."
        )


def store_share(label: str, samples: dict[str, Sample], results: Results) -> None:
    """How much of our run the results store took: store on less store off, both medians."""
    on, off = samples.get("testorbit"), samples.get(scenarios.STORE_OFF)
    if on is not None and off is not None and on.ok and off.ok:
        results.notes.append(
            f"{label}: the results store took {on.median - off.median:.2f} s of testorbit's "
            f"{on.median:.2f} s (store on less store off)."
        )


def scenario_chain(ctx: Context, results: Results) -> None:
    medians: dict[int, dict[str, float]] = {}
    for steps, limit in zip(ctx.sizes.chain, ctx.sizes.chain_targets, strict=True):
        label = f"chain {steps}"
        contenders = [
            scenarios.chain_orbit(ctx.root, ctx.python, ctx.url, steps),
            scenarios.chain_pytest(ctx.root, ctx.python, ctx.url, steps),
            scenarios.chain_loop(ctx.root, ctx.python, ctx.url, steps),
        ]
        if ctx.tavern:
            contenders.append(scenarios.chain_tavern(ctx.root, ctx.tavern, ctx.url, steps))
        contenders.append(scenarios.without_store(contenders[0]))
        samples = compare(label, contenders, ctx.repeat, ctx.timeout)
        results.samples[label] = samples
        floor_a, floor_b = contenders[1].name, contenders[2].name
        results.rows.append(ratio_row(label, samples, "testorbit", floor_a, limit))
        results.rows.append(ratio_row(label, samples, "testorbit", floor_b, None))
        results.rows.append(ratio_row(label, samples, scenarios.STORE_OFF, floor_a, None))
        if ctx.tavern:
            results.rows.append(ratio_row(label, samples, "tavern", floor_a, None))
            results.rows.append(ratio_row(label, samples, "tavern", floor_b, None))
            results.rows.append(ratio_row(label, samples, "testorbit", "tavern", None))
        medians[steps] = {name: s.median for name, s in samples.items() if s.ok}
        store_note(label, contenders[0], results)
        store_share(label, samples, results)
    small, large = ctx.sizes.chain
    per_step = [
        f"{name} {(medians[large][name] - medians[small][name]) / (large - small) * 1000:.2f} ms"
        for name in medians[large]
        if name in medians[small]
    ]
    if per_step:
        results.notes.append(
            f"Cost of one more chained step (median at {large} steps less median at {small}, "
            f"over {large - small}): " + "; ".join(per_step) + "."
        )


def scenario_many(ctx: Context, results: Results) -> None:
    groups = ctx.sizes.many
    label = f"many groups {groups}"
    contenders = [
        scenarios.many_orbit(ctx.root, ctx.python, ctx.url, groups),
        scenarios.many_pytest(ctx.root, ctx.python, ctx.url, groups),
    ]
    contenders.append(scenarios.without_store(contenders[0]))
    samples = compare(label, contenders, ctx.repeat, ctx.timeout)
    results.samples[label] = samples
    results.rows.append(
        ratio_row(label, samples, "testorbit", contenders[1].name, ctx.sizes.many_target)
    )
    results.rows.append(ratio_row(label, samples, scenarios.STORE_OFF, contenders[1].name, None))
    store_note(label, contenders[0], results)
    store_share(label, samples, results)


def scenario_collect(ctx: Context, results: Results) -> None:
    files, steps = ctx.sizes.collect_files, ctx.sizes.collect_steps
    label = f"collect {files}x{steps}"
    contenders = [
        scenarios.collect_orbit(ctx.root, ctx.python, ctx.url, files, steps),
        scenarios.collect_floor(ctx.root, ctx.python, files, steps),
    ]
    samples = compare(label, contenders, ctx.repeat, ctx.timeout)
    results.samples[label] = samples
    results.rows.append(
        ratio_row(label, samples, "testorbit", contenders[1].name, ctx.sizes.collect_target)
    )
    ours = samples["testorbit"]
    if ours.ok:
        per_item = ours.median / (files * steps) * 1000
        results.notes.append(
            f"Collection: {per_item:.3f} ms per step item for testorbit, whole process "
            f"(Tavern's published figure: about 2.7 ms per test)."
        )


def scenario_startup(ctx: Context, results: Results) -> None:
    label = "start-up"
    loaded, disabled = scenarios.startup(ctx.root, ctx.python)
    rounds = ctx.repeat * ctx.sizes.startup_rounds
    samples = compare(label, [loaded, disabled], rounds, ctx.timeout)
    results.samples[label] = samples
    limit = ctx.sizes.startup_target
    target = f"≤ {limit:.2f} s"
    missing = _missing(samples[loaded.name], samples[disabled.name])
    if missing:
        results.rows.append(Row(label, loaded.name, disabled.name, "—", target, missing))
        return
    overhead = samples[loaded.name].median - samples[disabled.name].median
    verdict = "pass" if overhead <= limit else "FAIL"
    results.rows.append(
        Row(label, loaded.name, disabled.name, f"{overhead:+.3f} s", target, verdict)
    )


def scenario_parallel(ctx: Context, results: Results) -> None:
    s = ctx.sizes
    label = f"parallel {s.parallel_groups}x{s.parallel_steps}"
    ours = scenarios.parallel_orbit(
        ctx.root, ctx.python, ctx.slow_url, s.parallel_groups, s.parallel_steps, s.parallel_workers
    )
    floor = scenarios.parallel_pytest(
        ctx.root, ctx.python, ctx.slow_url, s.parallel_groups, s.parallel_steps, s.parallel_workers
    )
    samples = compare(label, [*ours, *floor], ctx.repeat, ctx.timeout)
    results.samples[label] = samples
    for (serial, spread), limit in ((ours, s.parallel_target), (floor, None)):
        results.rows.append(speedup_row(label, samples, spread.name, serial.name, limit))
    results.notes.append(
        f"Parallel: the server answers each request after {s.parallel_latency * 1000:.0f} ms; "
        f"{s.parallel_groups * s.parallel_steps} requests in all. The pytest floor "
        "(hand-written modules, `--dist loadfile`) shows what xdist itself reaches here."
    )
    cores = os.cpu_count() or 1
    if cores < s.parallel_workers:
        results.notes.append(
            f"Parallel: this machine has {cores} cores for {s.parallel_workers} workers, so the "
            "workers' start-up (importing pytest and collecting) competes for the CPU and caps "
            "the speed-up below what the latency alone would allow."
        )


def speedup_row(
    label: str, samples: dict[str, Sample], fast: str, slow: str, limit: float | None
) -> Row:
    """How many times faster ``fast``'s median is than ``slow``'s; a pass at ``limit`` or more."""
    target = f"≥ {limit:.1f}x faster" if limit else ""
    missing = _missing(samples.get(fast), samples.get(slow))
    if missing:
        return Row(label, fast, slow, "—", target, missing)
    speedup = samples[slow].median / samples[fast].median
    verdict = ("pass" if speedup >= limit else "FAIL") if limit else ""
    return Row(label, fast, slow, f"{speedup:.2f}x faster", target, verdict)


def scenario_latency(ctx: Context, results: Results) -> None:
    """Many groups on a slow API: --orbit-concurrency against serial and against -n 4."""
    s = ctx.sizes
    label = f"latency {s.latency_groups}x{s.parallel_steps}"
    serial, spread, concurrent, both = latency.contenders(
        ctx.root,
        ctx.python,
        ctx.slow_url,
        s.latency_groups,
        s.parallel_steps,
        s.parallel_workers,
        s.latency_width,
    )
    samples = compare(label, [serial, spread, concurrent, both], ctx.repeat, ctx.timeout)
    results.samples[label] = samples
    over_serial, over_xdist = s.latency_targets
    results.rows.append(speedup_row(label, samples, concurrent.name, serial.name, over_serial))
    results.rows.append(speedup_row(label, samples, concurrent.name, spread.name, over_xdist))
    results.rows.append(speedup_row(label, samples, spread.name, serial.name, None))
    results.rows.append(speedup_row(label, samples, both.name, serial.name, None))
    largest = max((x for x in samples.values() if x.ok), key=lambda x: x.peak_mib, default=None)
    if largest is not None:
        name = next(n for n, x in samples.items() if x is largest)
        results.notes.append(
            f"Latency: the largest process was {name}, {largest.peak_mib:.0f} MiB peak RSS "
            f"(serial: {samples[serial.name].peak_mib:.0f} MiB)."
            if samples[serial.name].ok
            else f"Latency: the largest process was {name}, {largest.peak_mib:.0f} MiB peak RSS."
        )
    started = sum(1 + len(x.seconds) for x in samples.values() if x.ok)
    results.notes.append(latency.same_rows_note(serial.cwd / ".orbit" / "results.db", started))
    results.notes.append(
        f"Latency: {s.latency_groups * s.parallel_steps} requests, each answered after "
        f"{s.parallel_latency * 1000:.0f} ms; under -n each xdist worker runs its groups one at a "
        "time, so the combined contender measures -n alone (see docs/performance.md's how-to)."
    )


def memory_rows(ctx: Context, results: Results) -> None:
    """Peak RSS of the large chain run and of the collection, reported against the floors."""
    large = f"chain {ctx.sizes.chain[1]}"
    collect = f"collect {ctx.sizes.collect_files}x{ctx.sizes.collect_steps}"
    for label, against in ((large, "pytest floor (a)"), (collect, "minimal collector")):
        samples = results.samples.get(label)
        if not samples:
            continue
        ours, floor = samples.get("testorbit"), samples.get(against)
        missing = _missing(ours, floor)
        if missing or ours is None or floor is None:
            row = Row(f"memory: {label}", "testorbit", against, "—", "", missing or "")
            results.rows.append(row)
            continue
        figure = (
            f"{ours.peak_mib:.0f} MiB against {floor.peak_mib:.0f} MiB "
            f"({ours.peak_mib / floor.peak_mib:.2f}x)"
        )
        results.rows.append(Row(f"memory: {label}", "testorbit", against, figure, "reported"))


def scenario_long(ctx: Context, results: Results) -> None:
    """One group of many steps: the cost of a step must not grow with the group's length."""
    small, large = ctx.sizes.long_group
    per_step: dict[int, float] = {}
    for steps in (small, large):
        label = f"one group of {steps}"
        ours = scenarios.chain_orbit(ctx.root, ctx.python, ctx.url, steps)
        samples = compare(label, [ours], ctx.repeat, ctx.timeout)
        results.samples[label] = samples
        if samples[ours.name].ok:
            per_step[steps] = samples[ours.name].median / steps * 1000
    label = f"one group, {large} vs {small} steps"
    target = f"≤ {ctx.sizes.long_target:.2f}"
    if len(per_step) < 2:
        results.rows.append(Row(label, "testorbit", "testorbit", "—", target, "no result"))
        return
    ratio = per_step[large] / per_step[small]
    verdict = "pass" if ratio <= ctx.sizes.long_target else "FAIL"
    results.rows.append(
        Row(label, f"per step at {large}", f"per step at {small}", f"{ratio:.2f}", target, verdict)
    )
    results.notes.append(
        f"One group, whole process per step: {per_step[small]:.2f} ms at {small} steps, "
        f"{per_step[large]:.2f} ms at {large} steps."
    )


RUNNERS: dict[str, Callable[[Context, Results], None]] = {
    "chain": scenario_chain,
    "many": scenario_many,
    "collect": scenario_collect,
    "startup": scenario_startup,
    "parallel": scenario_parallel,
    "latency": scenario_latency,
    "long": scenario_long,
}


# --- reporting ------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(results: Results) -> str:
    rows = [
        [r.scenario, r.subject, r.against, r.figure, r.target, r.verdict.replace("|", "/")]
        for r in results.rows
    ]
    return _table(["Scenario", "Measured", "Against", "Figure", "Target", "Result"], rows)


def medians_table(results: Results) -> str:
    rows = []
    for label, samples in results.samples.items():
        for name, s in samples.items():
            if s.ok:
                times = [f"{t:.3f}" for t in (s.median, min(s.seconds), max(s.seconds))]
                rows.append([label, name, *times, str(len(s.seconds)), f"{s.peak_mib:.0f}"])
            else:
                rows.append([label, name, "—", "—", "—", "0", f"— ({s.error})"])
    header = ["Scenario", "Contender", "Median s", "Min s", "Max s", "Runs", "Peak RSS MiB"]
    return _table(header, rows)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(tavern: str | None) -> list[str]:
    lines = [
        f"CPU: {_cpu_model()}, {os.cpu_count()} cores",
        f"OS: {platform.platform()}",
        f"Python: {platform.python_version()} ({sys.executable})",
        ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
    ]
    if tavern:
        probe = "import importlib.metadata as m; print(m.version('tavern'), m.version('pytest'))"
        out = subprocess.run([tavern, "-c", probe], capture_output=True, text=True).stdout.split()
        if len(out) == 2:
            lines.append(f"Tavern {out[0]} on pytest {out[1]} ({tavern})")
    return lines


def markdown(results: Results, args: argparse.Namespace, sizes: Sizes, started: datetime) -> str:
    command = "python bench/run.py" + (" --quick" if args.quick else "")
    command += f" --repeat {args.repeat}" + (f" --only {args.only}" if args.only else "")
    command += " --tavern PATH-TO-TAVERN-PYTHON" if args.tavern else ""
    quick = (
        "\n**A quick run: sizes are cut down, so the pass/fail marks are only indicative.**\n"
        if args.quick
        else ""
    )
    notes = "".join(f"- {note}\n" for note in results.notes)
    machine_lines = "".join(f"- {line}\n" for line in machine(args.tavern))
    return f"""\
# Performance

Generated by `{command}` on {started:%Y-%m-%d %H:%M} UTC; do not edit by hand.
{quick}
Every figure is a ratio to a floor measured in the same run, because absolute times on a
shared machine mean little. Each contender is a whole process, timed from start to exit;
after one warm-up run each (which must pass, and which creates the results store and the
bytecode caches), the contenders of a scenario run in turn, {args.repeat} rounds, each round
starting with the next contender, and medians are compared.

## Results

{results_table(results)}

{notes}
## Where the time goes

With the results store off, testorbit runs at or below the hand-written floor: templates are
compiled and JSONPaths parsed at collection, the collected tree is frozen out of the garbage
collector's way, and requests' per-request reading of the environment is skipped when no
proxy or `.netrc` is set. With the store on, a run pays for what the floors do not:

- opening the store: a run into an SQLite file at the code's revision (the default file,
  made by the warm-up run) opens it with `sqlite3` and reads the revision from one row, so
  it never imports SQLAlchemy and Alembic (0.4–0.7 s of CPU on this shared machine, most of
  the store's cost before). Importing them on a background thread while the steps ran was
  slower still (the import holds the interpreter lock the steps need), and a helper process
  for them cost a third of a second of a 2-second run here: two cores, shared;
- writing: groups that finish within half a second of each other share one transaction, a
  group's steps go in with one `executemany`, and the run's last groups and its status are
  one transaction; a transaction costs a few milliseconds on SQLite.

The notes under the results give the store's share measured in this run. Against Tavern
and the published figures of Newman and Step CI the store-on figures stand as they are.

## A 20-minute suite in one minute

A suite against a real API spends its time waiting: at 100 ms an answer, 1,000 groups of five
steps are 500 s of waiting and a few seconds of work. Three ways to wait less:

- **`--orbit-concurrency N`** (ini `orbit_concurrency`): one pytest process, up to N group
  instances at once on a thread pool, each group's steps in order on its own session; pytest
  still reports the steps one by one, in order, as a serial run would, and stores the same
  rows. It costs no start-up and little memory (threads, not processes), and it wins
  whenever the time is latency: the **latency** rows above. Start with 8–32 and raise it
  while the run gets faster and the API stays healthy.
- **`-n N`** (pytest-xdist): N processes, each running whole groups one at a time. It wins
  when the time is CPU: big bodies, heavy schemas, many Python tests beside the case
  files, a machine with cores to spare. Each worker costs its start-up and its memory.
- **both**: not yet: under `-n` each xdist worker runs its groups one at a time, and the
  header of the run says so (a worker has no public view of the work queued for it). Use
  concurrency on its own against a slow API, xdist on its own for CPU-heavy suites.

What it does to the API under test: N groups at once are N clients at once, N connections
and N times the request rate of a serial run, the load a small staging server may not be
sized for (rate limits answer 429, connection pools run dry, timeouts appear that a serial
run never saw). Groups that share state (one account, one cart) or that must not overlap
with anything (a migration, a reset) belong in `parallel: false` groups: those run alone,
with no other group in flight. The hooks and template functions of groups that run ahead
are called on the pool's worker threads ([options](reference/options.md#concurrency)), so
they must be safe to call from several threads at once.

## What each scenario runs

- **chain**: one group of {sizes.chain[0]} and one of {sizes.chain[1]} chained steps: each
  step POSTs the token the previous answer gave (the server answers 409 to any other), checks
  the status and `$.ok` and extracts the next token. testorbit runs with the results store on
  (the default SQLite file in the project). Floor (a): the same requests and checks written by
  hand as pytest test functions, one per request, chained through module state, i.e. the cost
  of pytest itself, one item per step. Floor (b): a plain `requests.Session` loop in one
  process. Published figures against (b): Tavern 6.1x, Newman 6.5–7.9x, Step CI 4.5–5.9x.
- **many groups**: {sizes.many} groups of one step each (one case file each) against
  {sizes.many} hand-written one-request tests (one module each, each with its own session).
- **collect**: {sizes.collect_files} case files of {sizes.collect_steps} steps,
  `pytest --collect-only`, against a minimal collector that only parses the same files with
  PyYAML's C loader and yields one trivial item per step (a conftest.py with
  `pytest_collect_file`, the shape of pytest's non-python example).
- **start-up**: one plain Python test, plugin installed against disabled
  (`-p no:testorbit`); the figure is the difference of the medians
  ({args.repeat * sizes.startup_rounds} rounds).
- **parallel**: {sizes.parallel_groups} groups × {sizes.parallel_steps} steps against a
  server that waits {sizes.parallel_latency * 1000:.0f} ms before each answer, `-n 0`
  against `-n {sizes.parallel_workers}`.
- **latency**: {sizes.latency_groups} groups × {sizes.parallel_steps} chained steps against
  the same slow server: `-n 0`, `-n {sizes.parallel_workers}`, `--orbit-concurrency
  {sizes.latency_width}` and both together, all storing their results; the stored step rows
  of every run are compared (they must be identical), and the largest peak RSS is noted.
- **long**: one group of {sizes.long_group[0]} and one of {sizes.long_group[1]} chained steps
  (the chain's files, store on); the figure is the per-step cost of the larger over the
  smaller, which stays near 1 when nothing grows with the length of one group.
- **memory**: the peak RSS of each process (`os.wait4`'s rusage of that child) in the large
  chain and the collection runs; the largest over the rounds.

Every pytest contender gets `{" ".join(scenarios.PYTEST_FLAGS)}`; the floors also get
`{" ".join(scenarios.WITHOUT_ORBIT)}`. The server (bench/server.py) is a threaded keep-alive
HTTP/1.1 JSON server on 127.0.0.1, in the benchmark's own process.

## Every contender's times

{medians_table(results)}

## Machine

{machine_lines}
## Reproduce

```
pip install -e .
python bench/run.py                  # the full run: writes docs/performance.md (about 10 minutes)
python bench/run.py --quick          # small sizes, writes bench/out/performance.md
python bench/run.py --only chain --repeat 3
python3 -m venv /tmp/tavern && /tmp/tavern/bin/pip install tavern "pytest<9"
python bench/run.py --tavern /tmp/tavern/bin/python
```

Tavern 3.7 imports pytest internals (`_pytest.python_api`) that pytest 9 removed, hence
`pytest<9` in its venv.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, for a try-out")
    parser.add_argument("--repeat", type=int, default=5, help="Timed rounds per scenario")
    parser.add_argument("--only", choices=SCENARIOS, help="Run one scenario")
    parser.add_argument("--tavern", metavar="PYTHON", help="Python of a venv with Tavern installed")
    parser.add_argument("--out", type=Path, help="Markdown file to write")
    parser.add_argument("--timeout", type=float, default=600, help="Seconds before a run is killed")
    parser.add_argument("--keep", action="store_true", help="Keep the generated projects")
    args = parser.parse_args(argv)
    if args.out is None:
        partial = args.quick or args.only
        args.out = REPO / ("bench/out/performance.md" if partial else "docs/performance.md")
    sizes = QUICK if args.quick else FULL
    started = datetime.now(timezone.utc)

    root = Path(tempfile.mkdtemp(prefix="orbit-bench-"))
    fast, slow = server.start(), server.start(latency=sizes.parallel_latency)
    ctx = Context(root, sys.executable, args.tavern, sizes, args.repeat, args.timeout)
    ctx.url, ctx.slow_url = fast.url, slow.url
    _log(f"projects in {root}; server {fast.url}, slow server {slow.url}")
    results = Results()
    try:
        for name in [args.only] if args.only else SCENARIOS:
            _log(f"{name} ...")
            RUNNERS[name](ctx, results)
        memory_rows(ctx, results)
    finally:
        fast.shutdown()
        slow.shutdown()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(results_table(results))
    print()
    print(medians_table(results))
    for note in results.notes:
        print(f"\n{note}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(results, args, sizes, started), encoding="utf-8")
    _log(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
