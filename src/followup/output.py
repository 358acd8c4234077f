"""Showing and saving drafts: terminal panels, plain text, JSON, and .md/.eml files."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import TYPE_CHECKING

from .facts import Facts
from .guardrails import Violation

if TYPE_CHECKING:
    from rich.console import Console

    from .drafting import Draft, DraftFailure
    from .evals import SuiteReport
    from .guardrails.engine import CheckResult
    from .history import RunSummary
    from .notes import Note


# --- the send-by deadline -------------------------------------------------------------


def deadline_line(facts: Facts, now: datetime | None = None) -> str | None:
    """'send by Thu 16:30, 7 h left', or what to do once the 24 hours have passed."""
    send_by = facts.send_by
    if send_by is None:
        return None
    now = now or datetime.now(timezone.utc)
    left = send_by - now
    if left.total_seconds() <= 0:
        return "24 h have passed since the interview: send today anyway"
    hours, minutes = divmod(int(left.total_seconds() // 60), 60)
    remaining = f"{hours} h left" if hours else f"{minutes} min left"
    # In the interview's time zone; named when it is not this machine's.
    zone = "" if send_by.utcoffset() == send_by.astimezone().utcoffset() else f" ({send_by.strftime('UTC%z')[:-2]}:{send_by.strftime('%z')[-2:]})"
    return f"send by {send_by.strftime('%a %H:%M')}{zone}, {remaining}"


# --- JSON -------------------------------------------------------------------------------


def drafts_payload(run_id: str, facts: Facts, drafts: Sequence[Draft]) -> dict[str, object]:
    """The ``--json`` shape of write and regenerate (design.md)."""
    return {
        "run_id": run_id,
        "send_by": facts.send_by.isoformat() if facts.send_by else None,
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


def plain_drafts(drafts: Sequence[Draft], failures: Sequence[DraftFailure], deadline: str | None) -> str:
    parts = []
    for draft in drafts:
        lines = [f"=== To: {draft.to}" + (f" <{draft.email}>" if draft.email else ""), f"Subject: {draft.subject}", "",
                 draft.body, "", f"[{status_text(draft)}]"]
        lines += [f"  {violation_text(v)}" for v in draft.violations]
        parts.append("\n".join(lines))
    parts += [f"=== To: {failure.to}\n[no draft: {failure.error}]" for failure in failures]
    if deadline:
        parts.append(deadline)
    return "\n\n".join(parts) + "\n"


def print_drafts(console: Console, drafts: Sequence[Draft], failures: Sequence[DraftFailure], deadline: str | None) -> None:
    """One panel per interviewer with subject, body and status; violations under it."""
    from rich.panel import Panel
    from rich.text import Text

    for draft in drafts:
        content = Text()
        content.append("Subject: ", style="bold")
        content.append(draft.subject + "\n\n")
        content.append(draft.body)
        title = draft.to + (f" <{draft.email}>" if draft.email else "")
        style = "green" if draft.passed else "red"
        # Titles as Text: a str title is read as rich markup, and a name may hold "[link=...]".
        console.print(Panel(content, title=Text(title), title_align="left", subtitle=Text(status_text(draft)),
                            subtitle_align="left", border_style=style))
        for violation in draft.violations:
            colour = "red" if violation.severity == "error" else "yellow"
            console.print(Text("  " + violation_text(violation), style=colour))
    for failure in failures:
        console.print(Panel(Text(failure.error, style="red"), title=Text(f"{failure.to}: no draft"), border_style="red"))
    if deadline:
        console.print(Text(deadline, style="bold"))


# --- files ------------------------------------------------------------------------------


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "interviewer"


def eml_message(facts: Facts, draft: Draft, when: datetime | None = None) -> EmailMessage:
    """An RFC 5322 message for a draft: To, Subject, From (when known) and Date."""
    message = EmailMessage()
    message["To"] = formataddr((draft.to, draft.email or ""))
    if facts.candidate.email:
        message["From"] = formataddr((facts.candidate.name, facts.candidate.email))
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(when or datetime.now(timezone.utc).astimezone())
    message.set_content(draft.body + "\n")
    return message


def markdown(draft: Draft) -> str:
    return f"**To:** {draft.to}\n**Subject:** {draft.subject}\n\n{draft.body}\n"


def write_files(out_dir: Path, facts: Facts, drafts: Sequence[Draft]) -> list[Path]:
    """Write ``<slug>.md`` (and ``<slug>.eml`` where the email is known) for each draft; never overwrite."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for draft in drafts:
        written.append(write_new_file(out_dir, slug(draft.to), ".md", markdown(draft).encode()))
        if draft.email:
            written.append(write_new_file(out_dir, slug(draft.to), ".eml", eml_message(facts, draft).as_bytes()))
    return written


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write atomically under a name not yet taken: stem.md, else stem-2.md, stem-3.md, ..."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{stem}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        for number in range(1, 1000):
            target = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(temp_name, target)  # fails if the target exists: nothing is overwritten
                return target
            except FileExistsError:
                continue
        raise FileExistsError(f"{folder}: too many files named {stem}*{suffix}")
    finally:
        os.unlink(temp_name)


# --- history ----------------------------------------------------------------------------


def draft_from_row(row: dict) -> Draft:  # type: ignore[type-arg]
    """A saved draft (a row of the drafts table) as a Draft."""
    from .drafting import Draft

    return Draft(
        to=row["interviewer"], email=row["email"], version=row["version"], subject=row["subject"], body=row["body"],
        passed=bool(row["passed"]), attempts=row["attempts"], model=row["model"],
        violations=[Violation(**v) for v in json.loads(row["violations_json"])],
        parent_version=row["parent_version"], tweaks=json.loads(row["tweaks_json"]),
    )


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
        source = getattr(note, field)
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
            rows.append((result.case, result.engine, draft.to, str(draft.attempts), "yes" if draft.passed else "NO",
                         ", ".join(draft.first_violations) or "-", "; ".join(draft.problems) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines.append("")
    for total in report.totals:
        lines.append(
            f"{total.engine}: {total.drafts} drafts, final pass rate {total.final_pass_rate:.0%}, first-attempt pass "
            f"rate {total.first_attempt_pass_rate:.0%}, expectations met {total.expectation_rate:.0%}, mean attempts "
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
