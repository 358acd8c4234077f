"""Showing drafts: in the terminal, as plain text and as JSON (files: the formats package)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .facts import Facts, written_name
from .guardrails import Violation
from .textsafety import clean_line, clean_text, visible

if TYPE_CHECKING:
    from rich.console import Console

    from .drafting import Draft, DraftFailure
    from .evals import SuiteReport
    from .guardrails import Policy
    from .guardrails.engine import CheckResult
    from .history import RunSummary
    from .notes import Note


# --- the send-by deadline -------------------------------------------------------------


def deadline_line(facts: Facts, now: datetime | None = None, policy: Policy | None = None) -> str | None:
    """'send by Thu 16:30, 7 h left', or what to do once the policy's ``send_within_hours`` have passed."""
    from .guardrails import load_policy

    policy = policy or load_policy()
    send_by = policy.send_by(facts)
    if send_by is None:
        return None
    now = now or datetime.now(timezone.utc)
    left = send_by - now
    if left.total_seconds() <= 0:
        return f"{policy.limits.send_within_hours:g} h have passed since the interview: send today anyway"
    hours, minutes = divmod(int(left.total_seconds() // 60), 60)
    remaining = f"{hours} h left" if hours else f"{minutes} min left"
    # In the interview's time zone; named when it is not this machine's.
    zone = "" if send_by.utcoffset() == send_by.astimezone().utcoffset() else f" ({send_by.strftime('UTC%z')[:-2]}:{send_by.strftime('%z')[-2:]})"
    return f"send by {send_by.strftime('%a %H:%M')}{zone}, {remaining}"


def _send_by_text(facts: Facts, policy: Policy | None) -> str | None:
    from .guardrails import load_policy

    return (policy or load_policy()).send_by_text(facts)


# --- JSON -------------------------------------------------------------------------------


def drafts_payload(run_id: str, facts: Facts, drafts: Sequence[Draft], policy: Policy | None = None) -> dict[str, object]:
    """The ``--json`` shape of write and regenerate (design.md)."""
    return {
        "run_id": run_id,
        "send_by": _send_by_text(facts, policy),
        "drafts": [draft.model_dump(mode="json") for draft in drafts],
    }


def to_json(payload: object) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


# --- plain text and terminal --------------------------------------------------------------


def status_text(draft: Draft) -> str:
    verdict = "passed" if draft.passed else "FAILED guardrails"
    tries = "1 attempt" if draft.attempts == 1 else f"{draft.attempts} attempts"
    return f"{verdict} · {tries} · model {draft.model} · version {draft.version}"


def violation_text(violation: Violation) -> str:
    mark = "error" if violation.severity == "error" else "warning"
    excerpt = f' ("{violation.excerpt}")' if violation.excerpt else ""
    return f"{mark}: {violation.rule}: {violation.message}{excerpt}"


def _to_line(draft: Draft) -> str:
    return f"To: {clean_line(written_name(draft.to))}" + (f" <{clean_line(draft.email)}>" if draft.email else "")


def plain_drafts(drafts: Sequence[Draft], failures: Sequence[DraftFailure], deadline: str | None) -> str:
    parts = []
    for draft in drafts:
        lines = [f"=== {_to_line(draft)}", f"Subject: {clean_line(draft.subject)}", "",
                 clean_text(draft.body), "", f"[{status_text(draft)}]"]
        lines += [f"  {violation_text(v)}" for v in draft.violations]
        parts.append("\n".join(lines))
    parts += [f"=== To: {failure.to}\n[no draft: {failure.error}]" for failure in failures]
    if deadline:
        parts.append(deadline)
    return "\n\n".join(parts) + "\n"


def print_drafts(console: Console, drafts: Sequence[Draft], failures: Sequence[DraftFailure], deadline: str | None) -> None:
    """Per interviewer a styled To line, then subject and body exactly as they will be sent, then status and violations.

    No panel and no wrapping at the terminal width: selecting the body copies the note, not borders and line breaks.
    """
    from rich.text import Text

    for draft in drafts:
        style = "green" if draft.passed else "red"
        console.print(Text(f"=== {_to_line(draft)}", style=f"bold {style}"), soft_wrap=True)
        console.print(Text(f"Subject: {clean_line(draft.subject)}\n"), soft_wrap=True)
        console.print(Text(clean_text(draft.body)), soft_wrap=True)
        console.print(Text(f"\n[{status_text(draft)}]", style=style), soft_wrap=True)
        for violation in draft.violations:
            colour = "red" if violation.severity == "error" else "yellow"
            console.print(Text("  " + violation_text(violation), style=colour), soft_wrap=True)
        console.print()
    for failure in failures:
        console.print(Text(f"=== To: {failure.to}\n[no draft: {failure.error}]", style="red"), soft_wrap=True)
    if deadline:
        console.print(Text(deadline, style="bold"))


# --- history ----------------------------------------------------------------------------


def run_payload(run: RunSummary, rows: list[dict]) -> dict[str, object]:  # type: ignore[type-arg]
    return {
        **run.model_dump(),
        "drafts": [
            {"to": r["interviewer"], "version": r["version"], "passed": bool(r["passed"]), "sent_at": r["sent_at"]}
            for r in rows
        ],
    }


def history_text(listing: list[tuple[RunSummary, list[dict]]]) -> str:  # type: ignore[type-arg]
    lines = []
    for run, rows in listing:
        lines.append(f"{run.id}  {run.created_at}  {run.company} · {run.role}  ({run.model})")
        versions: dict[str, list[dict]] = {}  # type: ignore[type-arg]
        for row in rows:
            versions.setdefault(row["interviewer"], []).append(row)
        for name, chain in versions.items():
            latest = max(chain, key=lambda r: r["version"])
            verdict = "passed" if latest["passed"] else "FAILED"
            count = f"{len(chain)} versions" if len(chain) > 1 else "1 version"
            sent = [f"v{r['version']} sent {r['sent_at']}" for r in chain if r["sent_at"]]
            lines.append(f"    {name}: {count}, latest v{latest['version']} {verdict}" + (f"; {', '.join(sent)}" if sent else ""))
    return "\n".join(lines) + "\n"


# --- check ------------------------------------------------------------------------------


def print_check(console: Console, note: Note, result: CheckResult) -> None:
    """The note with each offending span highlighted, and the messages under it."""
    from rich.text import Text

    for field, label in (("subject", "Subject: "), ("body", "")):
        source = visible(getattr(note, field))
        if field == "subject" and not source:
            continue  # a pasted body: there is no subject line to show
        text = Text(label + source)
        for violation in result.violations:
            if violation.field == field and violation.end > violation.start:
                colour = "bold red" if violation.severity == "error" else "bold yellow"
                text.stylize(f"{colour} underline", len(label) + violation.start, len(label) + violation.end)
        console.print(text)
        if field == "subject":
            console.print()
    console.print()
    for violation in result.violations:
        console.print(Text(violation_text(violation), style="red" if violation.severity == "error" else "yellow"))
    if result.skipped:
        console.print(Text(f"skipped without --facts: {', '.join(result.skipped)}", style="dim"))
    verdict = "passes the guardrails" if result.passed else "fails the guardrails"
    console.print(Text(f"The note {verdict}.", style="green" if result.passed else "red"))


# --- eval -------------------------------------------------------------------------------


def eval_table(report: SuiteReport) -> str:
    """Per case and draft: attempts, verdict, what the first attempt broke; then the totals."""
    rows = [("case", "engine", "to", "attempts", "passed", "first attempt broke", "missed")]
    for result in report.cases:
        if result.error:
            rows.append((result.case, result.engine, "-", "-", "ERROR", "-", result.error))
        for draft in result.drafts:
            verdict = ("yes (offline fallback)" if draft.fallback else "yes") if draft.passed else "NO"
            rows.append((result.case, result.engine, draft.to, str(draft.attempts), verdict,
                         ", ".join(draft.first_violations) or "-", "; ".join(draft.problems) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines.append("")
    for total in report.totals:
        lines.append(
            f"{total.engine}: {total.drafts} drafts, final pass rate {total.final_pass_rate:.0%}, first-attempt pass "
            f"rate {total.first_attempt_pass_rate:.0%}, fallback rate {total.fallback_rate:.0%}, expectations met "
            f"{total.expectation_rate:.0%}, mean attempts "
            f"{total.mean_attempts:.2f}, tokens {total.prompt_tokens} prompt + {total.completion_tokens} completion"
        )
    if report.guardrails is not None:
        recall = ", ".join(f"{category} {value:.2f}" for category, value in report.guardrails.recall.items())
        lines.append(f"guardrails on {report.guardrails.notes} labelled notes: recall {recall}; "
                     f"false-positive rate {report.guardrails.false_positive_rate:.3f}")
    lines += [f"BELOW THRESHOLD: {failure}" for failure in report.failures]
    lines.append("eval: " + ("all thresholds met" if report.ok else f"{len(report.failures)} problem(s)"))
    return "\n".join(lines) + "\n"


# --- diffs --------------------------------------------------------------------------------


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, text) pieces from ``before`` to ``after``: kind is "same", "removed" or "added"."""
    import difflib

    # Words keep their trailing white space, so a changed run of words reads as one phrase.
    old, new = re.findall(r"\S+\s*", before), re.findall(r"\S+\s*", after)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in old], [w.strip() for w in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return pieces


def diff_text(pieces: list[tuple[str, str]]) -> str:
    """A word diff as plain text: [-removed-] and {+added+}, as git diff --word-diff shows it."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return "".join(marks[kind].format(text) for kind, text in pieces)


def print_diff(console: Console, pieces: list[tuple[str, str]]) -> None:
    from rich.text import Text

    styles = {"same": "", "removed": "red strike", "added": "green bold"}
    text = Text()
    for kind, piece in pieces:
        text.append(piece, style=styles[kind])
    console.print(text)
