"""The guardrail engine: runs the policy's rules over a note and collects violations."""

from __future__ import annotations

import bisect
import json

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Literal

from pydantic import BaseModel, Field, SerializationInfo, SerializerFunctionWrapHandler, model_serializer

from ..facts import Facts, Interviewer
from ..notes import Note, count_words
from . import text
from .policy import Category, RulePolicy, Severity

if TYPE_CHECKING:
    from .policy import Limits, Policy


class Violation(BaseModel):
    rule: str
    category: Category
    severity: Severity
    message: str
    excerpt: str = ""
    # Where the excerpt sits: in the subject or the body, as a character span.
    field: Literal["subject", "body"] = Field("body", exclude=True)
    start: int = Field(0, exclude=True)
    end: int = Field(0, exclude=True)
    # How many times the rule found this in the note; the span is the first one's.
    count: int = 1

    @model_serializer(mode="wrap")
    def _count_only_when_repeated(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict:  # type: ignore[type-arg]
        data = handler(self)
        if self.count == 1:
            data.pop("count", None)
        return data


@dataclass
class CheckContext:
    """One note under check, with what the rules need to know about it, computed once."""

    note: Note
    facts: Facts | None = None
    interviewer: Interviewer | None = None
    now: datetime | None = None
    policy: Policy = field(default=None)  # type: ignore[assignment]
    pasted: bool = False  # checked as someone pasted it (``check``), not as a draft followup wrote

    def __post_init__(self) -> None:
        if self.policy is None:
            from .policy import load_policy

            self.policy = load_policy()

    @cached_property
    def facts_text(self) -> str:
        """The facts as lower-case text, to tell a phrase the facts use from one the note brings in.

        Clarify points are left out: they are where a fumble is written down, and a note must
        not repeat it ("I blanked on ...") just because the facts say so.
        """
        if self.facts is None:
            return ""
        data = self.facts.model_dump(mode="json", exclude={"interviewers": {"__all__": {"clarify"}}})
        return json.dumps(data, ensure_ascii=False).lower()

    @cached_property
    def lines(self) -> list[text.Line]:
        return text.lines_of(self.note.body)

    @cached_property
    def greeting(self) -> text.Line | None:
        return text.find_greeting(self.lines)

    @cached_property
    def signoff_start(self) -> int:
        """Offset where the closing block (sign-off and signature) begins; the body before it is the message."""
        return text.signoff_offset(self.lines, self.note.body)

    @cached_property
    def message_tokens(self) -> list[text.Token]:
        """Word tokens of the message part: after the greeting, before the sign-off."""
        start = self.greeting.end if self.greeting else 0
        return [t for t in self.body_tokens if start <= t.start < self.signoff_start]

    @cached_property
    def word_count(self) -> int:
        return count_words(self.note.body)

    @cached_property
    def body_tokens(self) -> list[text.Token]:
        return text.tokens(self.note.body)

    def sentence_start(self, field: str, offset: int) -> int:
        """Where the sentence around ``offset`` of the subject or body starts; a binary search, so linear overall."""
        starts = self._sentence_starts[field]
        return starts[bisect.bisect_right(starts, offset) - 1]

    def sentence_end(self, field: str, start: int) -> int:
        """Where the sentence that starts at ``start`` ends (the next one starts)."""
        starts = self._sentence_starts[field]
        following = bisect.bisect_right(starts, start)
        return starts[following] if following < len(starts) else len(getattr(self.note, field))

    @cached_property
    def _sentence_starts(self) -> dict[str, list[int]]:
        return {field: [0, *(m.end() for m in text.SENTENCE_END.finditer(getattr(self.note, field)))]
                for field in ("subject", "body")}

    @cached_property
    def fact_vocabulary(self) -> text.Vocabulary:
        assert self.facts is not None
        return text.Vocabulary.of_facts(self.facts)


RuleFunction = Callable[[CheckContext, "RulePolicy"], Iterable[Violation]]
PanelFunction = Callable[[dict[str, Note], "RulePolicy", "Limits"], dict[str, list[Violation]]]
# A rule's mechanical fix: the note with what the rule flags removed, made before re-asking the model.
FixFunction = Callable[[Note, "Policy"], Note]


@dataclass
class RuleSpec:
    function: RuleFunction
    needs_facts: bool = False
    options: type[RulePolicy] = RulePolicy
    fix: FixFunction | None = None


REGISTRY: dict[str, RuleSpec] = {}
PANEL_REGISTRY: dict[str, PanelFunction] = {}


def rule(name: str, *, needs_facts: bool = False, options: type[RulePolicy] = RulePolicy,
         fix: FixFunction | None = None) -> Callable[[RuleFunction], RuleFunction]:
    """Register a note check under ``name``; the policy refers to it as ``check: name``.

    ``options``: the model of what the policy may say about a rule of this check (its phrase
    lists, thresholds); ``fix``: the check's mechanical fix, if it has one."""

    def register(function: RuleFunction) -> RuleFunction:
        REGISTRY[name] = RuleSpec(function, needs_facts, options, fix)
        return function

    return register


def options_model(check: str) -> type[RulePolicy] | None:
    """The model a policy rule of ``check`` is read with; None for a check nobody registered."""
    if check in REGISTRY:
        return REGISTRY[check].options
    return RulePolicy if check in PANEL_REGISTRY else None


def panel_rule(name: str) -> Callable[[PanelFunction], PanelFunction]:
    """Register a check that compares the notes of one panel with each other."""

    def register(function: PanelFunction) -> PanelFunction:
        PANEL_REGISTRY[name] = function
        return function

    return register


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
    from . import rules  # noqa: F401  (registers the check functions)
    from .policy import load_policy

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
    from . import rules  # noqa: F401
    from .policy import load_policy

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
