"""Page weight and server time of ``orbit serve``'s pages on a generated store.

    python bench/serve_pages.py [--groups 1000] [--runs 500] [--db PATH] [--repeat 7]

Makes (once; kept at ``--db``) a SQLite store of ``--groups`` x ``--runs`` with the
generator of tests/server_store.py (Core bulk inserts), serves it with uvicorn on a free
port, and asks for each page ``--repeat`` times after one warm-up: the table shows the
bytes of the answer and the median and slowest time to the last byte, measured on the
client over loopback (so it is the server's time plus a little HTTP). The machine is
shared: compare medians, not single runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the generator and the uvicorn fixture

from pytest_testorbit.server.settings import ServerSettings  # noqa: E402
from pytest_testorbit.store import open_store  # noqa: E402
from server_fixtures import serve  # noqa: E402  (after the path is set)
from server_store import Shape, fill  # noqa: E402


def pages(shape: Shape) -> list[str]:
    last = shape.run_id(max(r for r in range(shape.runs) if not shape.partial(r)))
    return [
        "/runs",
        "/runs?offset=400",
        f"/runs/{last}",
        f"/runs/{last}?offset=950",
        f"/runs/{last}?status=passed&name=group-09",
        "/groups/4",
        "/flaky",
        "/projects/shop",
        "/projects/shop?offset=900",
        "/badge/shop.svg",
        "/api/runs?limit=50",
        f"/api/runs/{last}?limit=200",
        "/api/groups/4/history?limit=500",
        "/api/flaky",
        "/api/projects/shop/groups?limit=1000",
    ]


def make_store(path: Path, shape: Shape) -> None:
    if path.exists():
        return
    store = open_store(f"sqlite:///{path}", auto_upgrade=True)
    started = time.perf_counter()
    fill(store.engine, shape)
    store.close()
    print(f"generated {path} in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--db", type=Path, default=Path("/tmp/orbit-serve-bench.db"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    shape = Shape(args.groups, args.runs)
    make_store(args.db, shape)
    settings = ServerSettings(db_url=f"sqlite:///{args.db}", anonymous_read=True)
    print(f"{args.groups} groups x {args.runs} runs, SQLite, median of {args.repeat}")
    print(f"{'page':<44} {'bytes':>9} {'median ms':>10} {'max ms':>8}")
    with serve(settings) as served, requests.Session() as http:
        for path in pages(shape):
            http.get(served.url + path, timeout=120)  # warm-up: caches, compiled templates
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                answer = http.get(served.url + path, timeout=120)
                times.append((time.perf_counter() - started) * 1000)
                size = len(answer.content)
                assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
            print(f"{path:<44} {size:>9,} {statistics.median(times):>10.1f} {max(times):>8.1f}")


if __name__ == "__main__":
    main()
