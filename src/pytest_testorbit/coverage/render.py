"""API coverage as a table for people and as JSON for tools."""

from __future__ import annotations

import json

from .match import Coverage


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def coverage_table(found: Coverage) -> str:
    summary = found.summary()
    lines = [
        f"API coverage of {found.spec} by run {found.run_id}",
        f"operations: {summary['operations_covered']} of {summary['operations']} covered "
        f"({_percent(summary['operations_covered'], summary['operations'])}); "
        f"documented statuses: {summary['statuses_covered']} of {summary['statuses']} "
        f"({_percent(summary['statuses_covered'], summary['statuses'])})",
        "",
    ]
    rows = [("operation", "requests", "statuses")]
    for op in found.operations:
        marks = [f"{s}{'+' if s in op.seen else '-'}" for s in op.statuses]
        marks += [f"{code}?" for code in sorted(op.undocumented)]
        rows.append((f"{op.method} {op.path}", str(op.requests), " ".join(marks)))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines += [f"{a:<{width[0]}}  {b:>{width[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.append("")
    lines.append("+ exercised, - not exercised, ? a status the description does not document")
    if found.unmatched:
        lines.append(f"Requests that match no operation ({len(found.unmatched)}):")
        lines += [f"  {r['method']} {r['url']} -> {r['status']}" for r in found.unmatched]
    return "\n".join(lines) + "\n"


def coverage_json(found: Coverage) -> str:
    return json.dumps(found.to_dict(), indent=2) + "\n"
