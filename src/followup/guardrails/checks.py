"""What a guardrail check is: the violation it reports, the context it reads, and the registry
that rules join with ``@rule`` (flake8's plugin shape). The engine runs them; the policy names them.
"""

from __future__ import annotations

import bisect
import json
import re
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
    policy: Policy = field(default=None)  # type: ignore[assignment]  # the caller's: the engine's, or a panel rule's
    pasted: bool = False  # checked as someone pasted it (``check``), not as a draft followup wrote

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

    def facts_use(self, phrase: str) -> bool:
        """Whether the facts hold ``phrase`` as whole words ("honey" of "the honey house", not "hun" of "hundred")."""
        phrase = phrase.lower().strip()
        return bool(phrase) and re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", self.facts_text) is not None

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

    def sentence_at(self, field: str, offset: int) -> tuple[int, str]:
        """Where the sentence around ``offset`` starts, and its text."""
        start = self.sentence_start(field, offset)
        return start, getattr(self.note, field)[start:self.sentence_end(field, start)]

    @cached_property
    def _sentence_starts(self) -> dict[str, list[int]]:
        return {field: [0, *(m.end() for m in text.SENTENCE_END.finditer(getattr(self.note, field)))]
                for field in ("subject", "body")}

    def in_address(self, field: str, offset: int) -> bool:
        """Whether ``offset`` of the subject or body falls inside an email address or a link."""
        spans = self._addresses[field]
        if not spans:
            return False
        index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
        return index >= 0 and spans[index][0] <= offset < spans[index][1]

    @cached_property
    def _addresses(self) -> dict[str, list[tuple[int, int]]]:
        return {field: [m.span() for m in _ADDRESS.finditer(getattr(self.note, field))] for field in ("subject", "body")}

    @cached_property
    def fact_vocabulary(self) -> text.Vocabulary:
        assert self.facts is not None
        return text.Vocabulary.of_facts(self.facts)


# An email address or a link: what is inside is not words of the note.
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://\S+|\bwww\.\S+", re.I)

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
