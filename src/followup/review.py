"""The review page: one self-contained HTML file showing a panel's notes side by side.

Each card shows a note as it will be sent, its status, every violation marked in the text
with its message, the versions with word diffs, copy buttons, a mailto link and the .eml.
The eval report uses the same cards. Styles and script are inline and the page's
Content-Security-Policy allows only them, by hash: it fetches nothing, and text that reached
it from a facts file or a model reply is escaped and could not run even if it were not.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup, escape

from .formats import eml, slug
from .textsafety import clean_line, clean_text

if TYPE_CHECKING:
    from .drafting import Attempt, Draft
    from .evals import SuiteReport
    from .facts import Facts
    from .guardrails import Violation
    from .history import History

TEMPLATE = "review.html.jinja"


@dataclass
class Problem:
    """A violation as the page lists it: ``id`` ties the list entry to its marks in the text."""

    id: str
    label: str  # "error 1", "warning 2": the mark says it in words, not only in colour
    severity: str
    rule: str
    message: str
    excerpt: str
    marked: bool


@dataclass
class Version:
    number: int
    parent: int | None
    tweaks: list[str]
    status: str
    copy_id: str
    diff: Markup  # against the parent; the whole text for a first version


@dataclass
class AttemptView:
    number: int
    purpose: str
    subject: Markup
    body: Markup
    problems: list[Problem]


@dataclass
class Card:
    id: str
    to: str
    title: str | None
    email: str | None
    status: str
    subject: Markup
    body: Markup
    problems: list[Problem]
    version: int
    mailto: str
    eml_name: str
    eml_href: str | None
    eml_missing: str | None
    versions: list[Version] = field(default_factory=list)
    attempts: list[AttemptView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else a reader should know (an eval's missed expectations)


@dataclass
class Section:
    title: str | None
    cards: list[Card]
    error: str | None = None


@dataclass
class Page:
    title: str
    heading: str
    details: list[str]
    sections: list[Section]
    copy_texts: dict[str, dict[str, str]]
    send_by: str | None = None
    deadline: str | None = None
    overdue: str = ""  # what the countdown says once the policy's send_within_hours have passed
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)  # (caption, head, rows)


# --- text with marks --------------------------------------------------------------------


def problems_of(violations: Sequence[Violation], prefix: str, subject: str, body: str) -> list[tuple[Problem, Violation]]:
    numbered = []
    for number, violation in enumerate(violations, 1):
        text = subject if violation.field == "subject" else body
        marked = 0 <= violation.start < violation.end <= len(text)
        numbered.append((Problem(id=f"{prefix}-v{number}", label=f"{violation.severity} {number}",
                                 severity=violation.severity, rule=violation.rule, message=clean_line(violation.message),
                                 excerpt=clean_line(violation.excerpt), marked=marked), violation))
    return numbered


def marked_html(text: str, problems: Sequence[tuple[Problem, Violation]], field_name: str) -> Markup:
    """``text`` escaped, each violation's span in a focusable <mark> naming it; overlapping spans split into pieces."""
    spans = [(v.start, v.end, p) for p, v in problems if p.marked and v.field == field_name]
    bounds = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for start, end in zip(bounds, bounds[1:]):
        piece = escape(clean_text(text[start:end]))
        covering = [p for s, e, p in spans if s <= start and end <= e]
        if not covering:
            out.append(piece)
            continue
        severity = "error" if any(p.severity == "error" for p in covering) else "warning"
        ids = " ".join(p.id for p in covering)
        tip = "; ".join(f"{p.label}, {p.rule}: {p.message}" for p in covering)
        out.append(Markup('<mark class="{}" tabindex="0" data-violations="{}" aria-describedby="{}" data-tip="{}">{}</mark>')
                   .format(severity, ids, ids, tip, piece))
        for s, e, p in spans:
            if e == end:
                out.append(Markup('<span class="label {}" data-label="{}" aria-hidden="true"></span>').format(p.severity, p.label))
    return Markup("").join(out)


def diff_html(before: Draft | None, after: Draft) -> Markup:
    """Subject and body of ``after`` with the words changed since ``before`` in <del>/<ins>; as is without a parent."""
    from .output import word_diff

    tags = {"same": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}

    def changes(old: str, new: str) -> Markup:
        if before is None:
            return escape(clean_text(new))
        return Markup("").join(Markup(tags[kind]).format(clean_text(piece)) for kind, piece in word_diff(old, new))

    return Markup("Subject: {}\n\n{}").format(changes(before.subject if before else "", after.subject),
                                                changes(before.body if before else "", after.body))


# --- cards ------------------------------------------------------------------------------


def copy_text(draft: Draft) -> dict[str, str]:
    """What the copy buttons put on the clipboard: exactly what is sent, no markup."""
    subject, body = clean_line(draft.subject), clean_text(draft.body)
    return {"subject": subject, "body": body, "both": f"Subject: {subject}\n\n{body}"}


def mailto(draft: Draft) -> str:
    """A mailto: link (RFC 6068) with the note's subject and body; without a To when no usable email is known."""
    to = ""
    if draft.email:
        try:
            to = eml.address(draft.to, draft.email).addr_spec
        except ValueError:
            pass
    text = copy_text(draft)
    body = text["body"].replace("\n", "\r\n")
    return f"mailto:{quote(to, safe='@')}?subject={quote(text['subject'], safe='')}&body={quote(body, safe='')}"


def card(draft: Draft, facts: Facts, card_id: str, status: str, *, versions: Sequence[Version] = (),
         attempts: Sequence[Attempt] = (), notes: Sequence[str] = ()) -> Card:
    problems = problems_of(draft.violations, card_id, draft.subject, draft.body)
    eml_href = eml_missing = None
    missing = eml.FORMAT.skip(draft)
    if missing:
        eml_missing = missing
    else:
        try:
            eml_href = "data:message/rfc822;base64," + base64.b64encode(eml.render(draft, facts)).decode()
        except (ValueError, UnicodeError) as error:
            eml_missing = str(error)
    person = next((p for p in facts.interviewers if p.name == draft.to), None)
    return Card(
        id=card_id, to=clean_line(draft.to), title=clean_line(person.title) if person and person.title else None,
        email=clean_line(draft.email) if draft.email else None, status=status,
        subject=marked_html(draft.subject, problems, "subject"), body=marked_html(draft.body, problems, "body"),
        problems=[p for p, _ in problems], version=draft.version, mailto=mailto(draft),
        eml_name=f"{slug(draft.to)}.eml", eml_href=eml_href, eml_missing=eml_missing,
        versions=list(versions), attempts=[attempt_view(a, f"{card_id}-a{a.number}") for a in attempts],
        notes=[clean_line(n) for n in notes],
    )


def attempt_view(attempt: Attempt, prefix: str) -> AttemptView:
    problems = problems_of(attempt.violations, prefix, attempt.subject, attempt.body)
    return AttemptView(number=attempt.number, purpose=attempt.purpose,
                       subject=marked_html(attempt.subject, problems, "subject"),
                       body=marked_html(attempt.body, problems, "body"), problems=[p for p, _ in problems])


def draft_status(draft: Draft, sent: bool) -> str:
    """sent, else fallback (the offline composer stood in for a model's failing draft), else passed or failed."""
    if sent:
        return "sent"
    if draft.fallback:
        return "fallback"
    return "passed" if draft.passed else "failed"


# --- pages ------------------------------------------------------------------------------


def run_page(store: History, run_id: str, now: datetime | None = None) -> Page:
    """The review of one run: per interviewer the version sent (else the latest), with the others."""
    from .guardrails import load_policy
    from .history import draft_from_row
    from .output import deadline_line

    facts = store.run_facts(run_id)
    run_model = store.run_model(run_id)
    by_person: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for row in store.drafts(run_id):
        by_person.setdefault(row["interviewer"], []).append(row)
    order = {p.name: i for i, p in enumerate(facts.interviewers)}
    cards, copies = [], {}
    for name in sorted(by_person, key=lambda n: order.get(n, len(order))):
        rows = by_person[name]
        chosen = max(rows, key=lambda r: (r["sent_at"] is not None, r["sent_at"] or "", r["version"]))
        drafts = {r["version"]: draft_from_row(r) for r in rows}
        card_id = slug(name)
        versions = []
        for row in rows:
            draft = drafts[row["version"]]
            parent = drafts.get(draft.parent_version) if draft.parent_version else None
            copy_id = f"{card_id}-version-{draft.version}"
            copies[copy_id] = copy_text(draft)
            versions.append(Version(
                number=draft.version, parent=draft.parent_version, tweaks=[clean_line(t) for t in draft.tweaks],
                status=draft_status(draft, row["sent_at"] is not None), copy_id=copy_id,
                diff=diff_html(parent, draft),
            ))
        shown = drafts[chosen["version"]]
        copies[card_id] = copy_text(shown)
        cards.append(card(shown, facts, card_id, draft_status(shown, chosen["sent_at"] is not None),
                          versions=versions if len(versions) > 1 else ()))
    unsent = any(c.status != "sent" for c in cards)
    missing = [p.name for p in facts.interviewers if p.name not in by_person]  # the model failed for them
    written = (now or datetime.now(timezone.utc)).astimezone().strftime("%Y-%m-%d %H:%M")
    return Page(
        title=f"Review: {clean_line(facts.company)}, {clean_line(facts.role)}",
        heading=f"{clean_line(facts.company)} · {clean_line(facts.role)}",
        details=[f"run {run_id}", f"model {clean_line(run_model)}", f"{len(cards)} note{'s' if len(cards) != 1 else ''}",
                 *([f"no draft for {', '.join(missing)}"] if missing else []), f"page written {written}"],
        sections=[Section(None, cards)], copy_texts=copies,
        send_by=load_policy().send_by_text(facts) if unsent else None,
        deadline=(deadline_line(facts, now) if unsent else "every note is marked as sent"),
        overdue=f"{load_policy().limits.send_within_hours:g} h have passed: send today anyway",
    )


def eval_page(report: SuiteReport) -> Page:
    """The eval suite's results: per case and engine the drafts with their attempts, then the scores."""
    sections, copies = [], {}
    for result in report.cases:
        cards = []
        for judged in result.drafts:
            if judged.draft is None:
                continue
            card_id = f"{slug(result.case)}-{result.engine}-{slug(judged.to)}"
            copies[card_id] = copy_text(judged.draft)
            assert result.facts is not None  # set with every draft
            cards.append(card(judged.draft, result.facts, card_id, "passed" if judged.passed else "failed",
                              attempts=judged.draft.history, notes=[f"missed: {p}" for p in judged.problems]))
        sections.append(Section(f"{result.case} · {result.engine}", cards, result.error))
    tables = [("Drafts", ["engine", "drafts", "final pass rate", "first-attempt pass rate", "expectations met",
                          "mean attempts"],
               [[t.engine, str(t.drafts), f"{t.final_pass_rate:.0%}", f"{t.first_attempt_pass_rate:.0%}",
                 f"{t.expectation_rate:.0%}", f"{t.mean_attempts:.2f}"] for t in report.totals])]
    if report.guardrails is not None:
        score = report.guardrails
        categories = sorted({*score.recall, *score.false_positives})
        tables.append((f"Guardrails on {score.notes} labelled notes (false-positive rate "
                       f"{score.false_positive_rate:.3f})", ["category", "recall", "false positives"],
                       [[c, f"{score.recall[c]:.2f}" if c in score.recall else "-", str(score.false_positives.get(c, 0))]
                        for c in categories]))
    verdict = "all thresholds met" if report.ok else f"{len(report.failures)} problem(s)"
    return Page(title="followup eval", heading="Eval suite", details=[verdict, *report.failures],
                sections=sections, copy_texts=copies, tables=tables)


# --- HTML -------------------------------------------------------------------------------


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def render(page: Page) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .resources import data_dir

    folder = data_dir("templates")
    environment = Environment(loader=FileSystemLoader(folder), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    style = (folder / "review.css").read_text(encoding="utf-8")
    script = (folder / "review.js").read_text(encoding="utf-8")
    policy = (f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    return environment.get_template(TEMPLATE).render(page=page, style=Markup(style), script=Markup(script),
                                                     content_security_policy=policy)


def default_path(run_id: str) -> Path:
    from .history import home_dir

    return home_dir() / "reviews" / f"{run_id}.html"


def write_page(path: Path, html: str) -> Path:
    """Write (or replace) the page atomically; OSError when the folder or file cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(html)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        os.unlink(temp_name)
        raise
    return path
