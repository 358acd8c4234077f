"""Loading the guardrail policy (``guardrails/policy.yaml``, or the user's copy)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SerializeAsAny

from ..errors import InputError
from ..facts import Facts
from ..prompts import NoteLimits
from .matching import PhraseMatcher, compile_phrases

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
    # A note pasted into ``check`` was written by a person, who may send three short sentences.
    min_words_error_pasted: int
    max_words_error: int
    min_words: int
    max_words: int
    max_subject_chars: int
    max_exclamations: int
    send_within_hours: float
    near_copy_similarity: float
    max_paragraph_words: int  # a longer paragraph is a wall of text

    def min_words_error_for(self, pasted: bool) -> int:
        return self.min_words_error_pasted if pasted else self.min_words_error


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
    clarify: list[str] = Field(default_factory=list)  # clarify points the interviewer's facts gain for it
    interview_format: Literal["onsite", "video", "phone"] | None = None  # the interview's format, if not the facts' own


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
    # Other categories a violation of the rule also belongs to, for scoring labelled notes: a greeting
    # to the wrong person is a wrong fact and a broken structure; people file it under either.
    also_categories: list[Category] = Field(default_factory=list)
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
            try:
                patterns[key] = compile_phrases(self.phrase_list(key))
            except re.error as error:
                raise PolicyError(f"guardrail policy: {self.id}.{key}: bad pattern: {error}") from None
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
