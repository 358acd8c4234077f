"""The guardrail engine: runs the policy's rules over a note and collects violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from ..facts import Facts, Interviewer
from ..notes import Note
from .checks import PANEL_REGISTRY, REGISTRY, CheckContext, Violation
from .loading import load_policy

if TYPE_CHECKING:
    from .policy import Policy


@dataclass
class CheckResult:
    violations: list[Violation]
    skipped: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return passes(self.violations)


def check_note(
    note: Note,
    facts: Facts | None = None,
    interviewer: Interviewer | None = None,
    *,
    policy: Policy | None = None,
    now: datetime | None = None,
    pasted: bool = False,
) -> CheckResult:
    """Run every enabled rule on ``note``. Rules that need facts are skipped (and named) without them.

    ``pasted``: the note is what someone pasted into ``check``, often the body alone, so a
    missing subject is only a warning (drafts that followup writes always have one).
    """
    policy = policy or load_policy()
    context = CheckContext(note, facts, interviewer if facts else None, now, policy, pasted)
    found: list[Violation] = []
    skipped: list[str] = []
    for rule_policy in policy.rules:
        spec = REGISTRY.get(rule_policy.check)
        if spec is None:
            continue  # a panel rule: see check_panel
        if spec.needs_facts and (facts is None or interviewer is None):
            skipped.append(rule_policy.id)
            continue
        found.extend(_once_each(spec.function(context, rule_policy)))
    found.sort(key=lambda v: (v.severity != "error", v.field != "subject", v.start))
    return CheckResult(found, skipped)


def check_pasted(text: str, facts: Facts | None = None, interviewer: Interviewer | None = None, *,
                 policy: Policy | None = None) -> tuple[Note, CheckResult]:
    """Check a note as people hand it to ``check``: pasted text, a saved ``.md`` or ``.eml``."""
    from ..notes import parse_note_text

    note = parse_note_text(text)
    return note, check_note(note, facts, interviewer, policy=policy, pasted=True)


def _once_each(violations: Iterable[Violation]) -> list[Violation]:
    """One violation per rule, message and excerpt, counting repeats ("lorem ipsum" 16,000 times is
    one finding); different offending words stay apart, so a repair prompt still names each."""
    first: dict[tuple[str, str, str, str], Violation] = {}
    for violation in violations:
        key = (violation.rule, violation.severity, violation.message, violation.excerpt.casefold())
        if key in first:
            first[key].count += 1
        else:
            first[key] = violation
    for violation in first.values():
        if violation.count > 1:
            violation.message = f"{violation.message} ({violation.count} times)"
    return list(first.values())


def check_panel(notes: dict[str, Note], *, policy: Policy | None = None) -> dict[str, list[Violation]]:
    """Rules across one panel's notes (near copies), keyed by interviewer name."""
    policy = policy or load_policy()
    found: dict[str, list[Violation]] = {name: [] for name in notes}
    for rule_policy in policy.rules:
        function = PANEL_REGISTRY.get(rule_policy.check)
        if function is not None:
            for name, violations in function(notes, rule_policy, policy.limits).items():
                found[name].extend(violations)
    return found


def errors_in(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == "error"]


def passes(violations: Iterable[Violation]) -> bool:
    return not errors_in(violations)
