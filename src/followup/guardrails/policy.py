"""Loading the guardrail policy (``guardrails/policy.yaml``, or the user's copy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SerializeAsAny

from ..errors import InputError
from ..facts import Facts
from ..prompts import NoteLimits

POLICY_ENV = "FOLLOWUP_GUARDRAILS"


class PolicyError(InputError):
    """The policy file cannot be used; the message names the file and the problem."""


Category = Literal["professionalism", "positivity", "specificity", "grounding", "structure", "timeliness"]
Severity = Literal["error", "warning"]
Text = Annotated[str, Field(strict=True)]  # YAML reads "on", "yes" and 401 as other types: they must be quoted


class Limits(BaseModel):
    """The numbers the rules, the prompts, the composer and the deadline read. A policy that leaves
    one out takes the shipped policy's value, so each number is written once, in the shipped file."""

    model_config = ConfigDict(extra="forbid")

    min_words_error: int
    max_words_error: int
    min_words: int
    max_words: int
    max_subject_chars: int
    max_exclamations: int
    send_within_hours: float
    near_copy_similarity: float


class Vocabulary(BaseModel):
    """Words every rule reads alike: acronyms are neither shouting nor invented names, and so on."""

    model_config = ConfigDict(extra="forbid")

    # All-caps words that are fine (acronyms), besides any the facts contain.
    acronyms: list[Text] = Field(default_factory=list)
    # Capitalised words that are never a name (days, months, words of greeting and sign-off).
    capitalised: list[Text] = Field(default_factory=list)
    # Ordinary words that are shouting in capitals even when short ("I NEED THIS JOB").
    emphasis: list[Text] = Field(default_factory=list)

    @cached_property
    def acronym_set(self) -> frozenset[str]:
        return frozenset(w.upper() for w in self.acronyms)

    @cached_property
    def capitalised_set(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.capitalised)

    @cached_property
    def emphasis_set(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.emphasis)


class ExampleNote(BaseModel):
    """A note a rule's example is checked as: the shipped test's good note with ``sentence`` put in
    place of ``replace`` (its last paragraph's first sentence when not given), or ``body`` whole."""

    model_config = ConfigDict(extra="forbid")

    sentence: str | None = None
    replace: str | None = None
    body: str | None = None
    subject: str | None = None
    hours_after: float = 0  # checked this many hours after the interview ended
    pasted: bool = False  # checked as a note pasted into ``followup check``


class Examples(BaseModel):
    """Notes a rule must flag and notes it must let through; a test runs every rule's examples."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    flag: list[str | ExampleNote] = Field(default_factory=list)
    pass_: list[str | ExampleNote] = Field(default_factory=list, alias="pass")


class RulePolicy(BaseModel):
    """One rule as the policy file describes it: what every rule has. A check that reads options
    of its own declares a subclass with them (see ``rules.py``); any other key is an error."""

    model_config = ConfigDict(extra="forbid")

    id: str
    check: str
    category: Category
    severity: Severity
    # In a note pasted into ``check`` (often an email's body alone, its subject and context elsewhere)
    # the severity instead of ``severity``; none: the same.
    pasted_severity: Severity | None = None
    message: str
    enabled: bool = True
    examples: Examples = Field(default_factory=Examples)

    _patterns: dict[str, PhraseMatcher | None] = PrivateAttr(default_factory=dict)

    def phrase_list(self, key: str) -> list[str]:
        """The phrase list called ``key``; a rule without it has none."""
        return list(getattr(self, key, None) or [])

    def pattern(self, key: str = "phrases") -> PhraseMatcher | None:
        """The phrase list under ``key`` compiled into one case-insensitive pattern (cached)."""
        # Through the private-attribute slot: pydantic's __getattr__ for ``self._patterns`` costs
        # more than the lookup itself, and this runs for every rule on every note.
        patterns = self.__pydantic_private__["_patterns"]  # type: ignore[index]
        if key not in patterns:
            patterns[key] = compile_phrases(self.phrase_list(key), f"{self.id}.{key}")
        return patterns[key]

    def compile(self) -> None:
        """Compile every phrase list now, so a bad pattern is reported when the policy loads."""
        self.pattern()


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limits: Limits
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    rules: list[SerializeAsAny[RulePolicy]]
    source: str = ""

    def rule(self, rule_id: str) -> RulePolicy | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def send_by(self, facts: Facts) -> datetime | None:
        """The end of the time in which a thank-you note should go out: ``send_within_hours`` after the interview."""
        ended = facts.interview.ended_at
        return ended + timedelta(hours=self.limits.send_within_hours) if ended else None

    def send_by_text(self, facts: Facts) -> str | None:
        """The send-by deadline as ISO 8601, as JSON and history keep it; None without an interview time."""
        send_by = self.send_by(facts)
        return send_by.isoformat() if send_by else None

    @property
    def note_limits(self) -> NoteLimits:
        return NoteLimits(self.limits.min_words, self.limits.max_words, self.limits.max_subject_chars)


_ESCAPE = re.compile(r"\\.")


@lru_cache(maxsize=64)
def _lower(text: str) -> str:
    """The text lower-cased, once per text: every phrase list of every rule runs on it (and on
    the sentences the ``together`` lists look inside, so room for a few dozen)."""
    return text.lower()


class PhraseMatcher:
    """A compiled phrase list. Case-blind phrases run on the lower-cased text without
    ``re.IGNORECASE``, which is several times faster; phrases that care about case
    (``(?-i:...)``, capitals in a pattern) run on the text as written."""

    def __init__(self, folded: re.Pattern[str] | None, exact: re.Pattern[str] | None) -> None:
        self.folded, self.exact = folded, exact

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches in text order; where the two kinds overlap, the first one found is kept, as one regex would."""
        found: list[re.Match[str]] = []
        if self.folded is not None:
            lowered = _lower(text)
            if len(lowered) == len(text):  # offsets still line up with the text
                if self.exact is None:  # one kind only: its matches are already in order, none overlap
                    yield from self.folded.finditer(lowered)
                    return
                found += self.folded.finditer(lowered)
            else:
                found += re.compile(self.folded.pattern, re.IGNORECASE | re.MULTILINE).finditer(text)
        elif self.exact is not None:
            yield from self.exact.finditer(text)
            return
        if self.exact is not None:
            found += self.exact.finditer(text)
        end = -1
        for match in sorted(found, key=lambda m: m.start()):
            if match.start() >= end:
                end = match.end()
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def compile_phrases(phrases: list[str], where: str) -> PhraseMatcher | None:
    """A phrase list as regular expressions: plain phrases as whole words, ``word*`` for any ending, ``re:`` as is.

    Alternatives that must start at a word boundary are grouped behind a single ``\\b``, so the
    regex engine tries them only where a word starts: this keeps a check well under a millisecond.
    """
    folded: list[str] = []
    exact: list[str] = []
    for phrase in map(str, phrases):
        if phrase.startswith("re:"):
            body = phrase[3:]
            cares_about_case = "(?-i:" in body or any(c.isupper() for c in _ESCAPE.sub("", body))
            (exact if cares_about_case else folded).append(body)
            continue
        escaped = re.escape(phrase.strip().lower()).replace(r"\ ", r"\s+")
        if escaped.endswith(r"\*"):
            escaped = escaped[:-2] + r"\w*"
        left = r"\b" if phrase[:1].isalnum() else ""
        right = r"\b" if escaped[-1:].isalnum() or escaped.endswith(r"\w*") else ""
        folded.append(left + escaped + right)
    try:
        return PhraseMatcher(_alternation(folded, re.MULTILINE), _alternation(exact, re.IGNORECASE | re.MULTILINE))
    except re.error as error:
        raise PolicyError(f"guardrail policy: {where}: bad pattern: {error}") from None


def _alternation(parts: list[str], flags: int) -> re.Pattern[str] | None:
    at_word = [p[2:] for p in parts if p.startswith(r"\b")]
    anywhere = [p for p in parts if not p.startswith(r"\b")]
    # A look-ahead for the characters the phrases can start with lets most word starts fail at
    # once instead of trying every phrase there: about a third off the time of a long list.
    starts = _first_characters(at_word)
    look = f"(?=[{''.join(re.escape(c) for c in sorted(starts))}])" if starts else ""
    groups = ([rf"\b{look}(?:{'|'.join(f'(?:{p})' for p in at_word)})"] if at_word else [])
    groups += [f"(?:{p})" for p in anywhere]
    return re.compile("|".join(groups), flags) if groups else None


def _first_characters(patterns: list[str]) -> set[str]:
    """Every character a match of one of ``patterns`` can start with; empty when that is not known."""
    try:
        from re import _parser  # the standard library's own regex parser
    except ImportError:  # pragma: no cover - a Python without it: no look-ahead, same matches
        return set()
    found: set[str] = set()
    for pattern in patterns:
        try:
            starts = _starts(_parser.parse(pattern).data, _parser)
        except Exception:  # noqa: BLE001 - anything unexpected: no look-ahead, same matches
            return set()
        if starts is None or starts[1]:
            return set()
        found |= starts[0]
    return found


def _starts(items: list, parser) -> tuple[set[str], bool] | None:  # type: ignore[type-arg]
    """(first characters, whether it can match empty) of a parsed pattern; None when unknown."""
    constants = parser  # the opcodes are importable from the parser module
    found: set[str] = set()
    for op, value in items:
        if op in (constants.AT, constants.ASSERT_NOT):
            continue  # zero-width: look at what follows
        if op is constants.LITERAL:
            return found | {chr(value)}, False
        if op is constants.IN:
            for kind, item in value:
                if kind is constants.LITERAL:
                    found.add(chr(item))
                elif kind is constants.RANGE and item[1] - item[0] <= 128:
                    found.update(chr(c) for c in range(item[0], item[1] + 1))
                else:
                    return None
            return found, False
        if op is constants.SUBPATTERN:
            branches = [value[-1].data]
        elif op is constants.BRANCH:
            branches = [branch.data for branch in value[1]]
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
            branches = [value[2].data]
        else:
            return None
        may_be_empty = op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and value[0] == 0
        for branch in branches:
            starts = _starts(branch, parser)
            if starts is None:
                return None
            found |= starts[0]
            may_be_empty = may_be_empty or starts[1]
        if not may_be_empty:
            return found, False
    return found, True
