"""How a run's notification reads: pass rates, failed steps, who hears about which group."""

from __future__ import annotations

from datetime import datetime, timezone

from pytest_testorbit.notify.message import (
    RunSummary,
    format_rate,
    groups_by_owner,
    html_body,
    markdown_body,
    subject,
    text_body,
)
from pytest_testorbit.outcomes import GroupIdentity, GroupOutcome, StepReport


def group(group_id: str, outcomes: list[str], owners: list[str]) -> GroupOutcome:
    steps = [
        StepReport(step_id=f"step-{i}", order=i, name=f"step {i}", outcome=outcome)
        for i, outcome in enumerate(outcomes)
    ]
    identity = GroupIdentity(f"{group_id}.orbit.yaml", group_id, "", owners=owners)
    return GroupOutcome(identity, steps=steps)


def summary(*groups: GroupOutcome) -> RunSummary:
    return RunSummary(
        run_id="0b8e",
        project="shop",
        environment="staging",
        status="failed",
        started_at=datetime(2026, 1, 2, 2, 0, tzinfo=timezone.utc),
        schedule_id=7,
        schedule_name="nightly",
        groups=list(groups),
    )


CHECKOUT = group("checkout", ["passed", "passed", "failed", "blocked"], ["alice@example.com"])
LOGIN = group("login", ["passed", "skipped"], ["bob@example.com", "alice@example.com"])
SEARCH = group("search", ["passed", "error", "passed"], ["carol@example.com"])


def test_pass_rates_read_as_percentages_and_nothing_counted_is_na() -> None:
    assert format_rate(1.0) == "100%"
    assert format_rate(0.5) == "50%"
    assert format_rate(2 / 3) == "66.7%"
    assert format_rate(None) == "n/a"


def test_the_text_lists_each_group_with_its_pass_rate_and_failed_steps() -> None:
    text = text_body(summary(CHECKOUT, LOGIN), [CHECKOUT, LOGIN])
    assert "nightly on staging: 1/2 groups passed" in text
    assert "- checkout: 50% (2/4 steps), failed: step-2" in text
    assert "- login: 100% (1/1 steps)" in text
    assert "Run: 0b8e" in text


def test_an_error_step_counts_as_a_failed_step() -> None:
    assert "- search: 66.7% (2/3 steps), failed: step-1" in text_body(summary(SEARCH), [SEARCH])


def test_the_subject_names_the_schedule_environment_and_passed_groups() -> None:
    assert subject(summary(CHECKOUT), [CHECKOUT]) == "[orbit] nightly on staging: 0/1 groups passed"


def test_a_run_that_could_not_be_made_says_so() -> None:
    broken = summary()
    broken.error = "pytest exited with code 4 (usage error)"
    assert subject(broken, []) == "[orbit] nightly on staging: the run could not be made"
    assert "Error: pytest exited with code 4 (usage error)" in text_body(broken, [])


def test_a_run_without_results_says_none_were_recorded() -> None:
    assert "No group results were recorded for this run." in text_body(summary(), [])


def test_owners_from_the_groups_hear_only_about_their_own_groups() -> None:
    owners = ["alice@example.com", "bob@example.com", "carol@example.com"]
    mapping = groups_by_owner([CHECKOUT, LOGIN, SEARCH], owners, owners_from_groups=True)
    assert [g.identity.group_id for g in mapping["alice@example.com"]] == ["checkout", "login"]
    assert [g.identity.group_id for g in mapping["bob@example.com"]] == ["login"]
    assert [g.identity.group_id for g in mapping["carol@example.com"]] == ["search"]


def test_owners_named_on_the_schedule_hear_about_every_group() -> None:
    mapping = groups_by_owner(
        [CHECKOUT, SEARCH], ["ops@example.com", "alice@example.com"], owners_from_groups=False
    )
    assert [g.identity.group_id for g in mapping["ops@example.com"]] == ["checkout", "search"]
    assert [g.identity.group_id for g in mapping["alice@example.com"]] == ["checkout", "search"]


def test_the_html_escapes_every_value() -> None:
    evil = group("<b>x</b>", ["passed"], [])
    body = html_body(summary(evil), [evil])
    assert "&lt;b&gt;x&lt;/b&gt;" in body and "<b>x</b>" not in body
    assert "<td>100%</td>" in body


def test_markdown_puts_each_group_on_a_bold_line() -> None:
    body = markdown_body(summary(CHECKOUT), [CHECKOUT])
    assert body.startswith("### nightly on staging: 0/1 groups passed")
    assert "- **checkout** 50% (2/4 steps), failed: step-2" in body


def test_the_json_summary_uses_the_report_field_names() -> None:
    data = summary(CHECKOUT).to_dict()
    assert data["run"]["id"] == "0b8e"
    assert data["run"]["started_at"] == "2026-01-02T02:00:00+00:00"
    assert data["schedule"] == {"id": 7, "name": "nightly"}
    (only,) = data["groups"]
    assert only["group"] == "checkout"
    assert only["pass_rate"] == 0.5
    assert (only["passed"], only["failed"], only["blocked"], only["total"]) == (2, 1, 1, 4)
    assert only["failed_steps"] == ["step-2"]
