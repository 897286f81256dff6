"""Match stored requests (method, URL, status) to a description's operations and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..openapi.spec import Spec, documented_status


@dataclass
class Covered:
    method: str
    path: str
    operation_id: str | None
    statuses: list[str]  # documented: "200", "404", "2XX", "default"
    requests: int = 0
    seen: dict[str, int] = field(default_factory=dict)  # documented status -> requests
    undocumented: dict[int, int] = field(default_factory=dict)  # status code -> requests

    @property
    def covered(self) -> bool:
        return self.requests > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "covered": self.covered,
            "requests": self.requests,
            "statuses": [
                {"status": s, "covered": s in self.seen, "requests": self.seen.get(s, 0)}
                for s in self.statuses
            ],
            "undocumented_statuses": sorted(self.undocumented),
        }


@dataclass
class Coverage:
    spec: str
    run_id: str
    operations: list[Covered]
    unmatched: list[dict[str, Any]]  # requests that match no operation

    def summary(self) -> dict[str, Any]:
        statuses = [s for op in self.operations for s in op.statuses]
        seen = sum(len(op.seen) for op in self.operations)
        covered = sum(op.covered for op in self.operations)
        return {
            "operations": len(self.operations),
            "operations_covered": covered,
            "statuses": len(statuses),
            "statuses_covered": seen,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "run": self.run_id,
            "summary": self.summary(),
            "operations": [op.to_dict() for op in self.operations],
            "unmatched": self.unmatched,
        }


def coverage(spec: Spec, run_id: str, steps: list[tuple[str, str, int | None]]) -> Coverage:
    """``steps``: each stored request of the run as (method, URL, status code)."""
    found = {
        id(op): Covered(op.method, op.path, op.operation_id, list(op.responses))
        for op in spec.operations
    }
    unmatched: list[dict[str, Any]] = []
    for method, url, status in steps:
        operation = spec.find(method, url)
        if operation is None:
            unmatched.append({"method": method, "url": url, "status": status})
            continue
        entry = found[id(operation)]
        entry.requests += 1
        if status is None:
            continue
        key = documented_status(status, entry.statuses)
        if key is None:
            entry.undocumented[status] = entry.undocumented.get(status, 0) + 1
        else:
            entry.seen[key] = entry.seen.get(key, 0) + 1
    return Coverage(str(spec.path), run_id, list(found.values()), unmatched)
