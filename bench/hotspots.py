"""Where a benchmark scenario's time goes: ``python bench/hotspots.py chain --size 2000``.

Writes the scenario's testorbit project into a temporary folder, starts the benchmark server,
runs pytest on it under cProfile (one subprocess, as run.py measures it) and prints the
functions with the largest cumulative and self times, as a share of the whole run. The raw
profile is kept (``--out``) for snakeviz, pstats or ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script from anywhere

import scenarios
import server

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZE = {"chain": 2000, "many": 200, "collect": 1000}


def build(scenario: str, size: int, root: Path, url: str) -> scenarios.Contender:
    python = sys.executable
    if scenario == "chain":
        return scenarios.chain_orbit(root, python, url, size)
    if scenario == "many":
        return scenarios.many_orbit(root, python, url, size)
    return scenarios.collect_orbit(root, python, url, size, 10)


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})" if line else name


def report(profile: Path, top: int, focus: str) -> None:
    stats = pstats.Stats(str(profile))
    total = max(row[3] for row in stats.stats.values())
    rows = [(key, row[1], row[2], row[3]) for key, row in stats.stats.items()]
    print(f"whole run under the profiler: {total:.2f} s\n")
    for title, index in (("cumulative", 3), ("self", 2)):
        print(f"top {top} by {title} time (share of the whole run):")
        ranked = sorted(rows, key=lambda r: r[index], reverse=True)
        if focus:
            ranked = [r for r in ranked if focus in r[0][0]]
        for key, calls, own, cumulative in ranked[:top]:
            print(
                f"  {cumulative / total:6.1%} cum {own / total:6.1%} self "
                f"{calls:>8} calls  {_where(key)}"
            )
        print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(DEFAULT_SIZE))
    parser.add_argument("--size", type=int, help="Steps (chain), groups (many) or files (collect)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--focus", default="", help="Only functions whose file path has this")
    parser.add_argument("--out", type=Path, help="Where to keep the .prof file")
    args = parser.parse_args()
    size = args.size or DEFAULT_SIZE[args.scenario]
    out = args.out or REPO / "bench" / "out" / f"{args.scenario}{size}.prof"
    out.parent.mkdir(parents=True, exist_ok=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as run.py: bytecode caches on
    root = Path(tempfile.mkdtemp(prefix="orbit-profile-"))
    fast = server.start()
    try:
        contender = build(args.scenario, size, root, fast.url)
        pytest_args = contender.argv[3:]  # after "python -m pytest"
        # One unprofiled run first: it creates the results store and the bytecode caches.
        subprocess.run(contender.argv, cwd=contender.cwd, env=env, capture_output=True)
        argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "pytest", *pytest_args]
        done = subprocess.run(argv, cwd=contender.cwd, env=env, capture_output=True, text=True)
        print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr)
    finally:
        fast.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    report(out, args.top, args.focus)
    print(f"profile kept in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
