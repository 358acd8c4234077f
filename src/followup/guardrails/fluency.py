"""Fluency checks: a note that reads as jotted facts pasted into sentence frames.

Whoever wrote the note (a model or the offline composer), "I keep thinking about what you shared
about you want someone who ..." or "Our discussion about we talked about CRRT" is broken English
that a reader notices at once. The word lists these checks use live in the policy file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pydantic import Field

from .checks import CheckContext, Violation, rule
from .policy import RulePolicy, Text
from .rules import PhraseListRule, _violation

_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n\s*\n\s*")
_BULLET = re.compile(r"[-*\u2022]\s|\d+[.)]\s")


def _message(context: CheckContext) -> tuple[int, int]:
    """The span of the body between the greeting and the sign-off."""
    start = context.greeting.end if context.greeting else 0
    return start, context.signoff_start


class PastedFragmentRule(PhraseListRule):
    prepositions: list[Text] = Field(default_factory=list)
    subject_pronouns: list[Text] = Field(default_factory=list)
    # Only verbs that cannot be the main verb after a phrase ending in "you".
    you_verbs: list[Text] = Field(default_factory=list)
    jotted_verbs: list[Text] = Field(default_factory=list)


class SentenceCaseRule(RulePolicy):
    abbreviations: list[Text] = Field(default_factory=list)  # words ending in "." that do not end a sentence


def _lower(words: list[str]) -> tuple[str, ...]:
    return tuple(w.lower() for w in words)


@lru_cache(maxsize=8)
def _fragment_pattern(prepositions: tuple[str, ...], subjects: tuple[str, ...], you_verbs: tuple[str, ...],
                      jotted: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the three shapes, run on the lower-cased body (compiled once per word lists)."""
    def alternation(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)

    return re.compile(rf"\b(?:{alternation(prepositions)})\s+(?:(?:{alternation(subjects)})\s+[a-z']+"
                      rf"|you\s+(?:{alternation(you_verbs)})\b|(?:{alternation(jotted)})\b)")


@rule("pasted_fragment", options=PastedFragmentRule)
def pasted_fragment(context: CheckContext, policy: PastedFragmentRule) -> Iterator[Violation]:
    """A fact pasted into a frame that does not fit it: a preposition followed by a subject pronoun
    ("about we talked"), by "you" and a finite verb ("about you want"), or by a jotted verb
    ("about discussed"); and the frame mismatches the policy lists as phrases."""
    pattern = _fragment_pattern(_lower(policy.prepositions), _lower(policy.subject_pronouns),
                                _lower(policy.you_verbs), _lower(policy.jotted_verbs))
    start, end = _message(context)
    body = context.note.body
    lowered = body[:end].lower()
    if len(lowered) != end:  # a letter whose lower case is longer: offsets would not line up
        lowered = body[:end]
        pattern = re.compile(pattern.pattern, re.IGNORECASE)
    found = [m for m in pattern.finditer(lowered, start)]
    extra = policy.pattern()
    if extra is not None:
        found += [m for m in extra.finditer(body[:end]) if m.start() >= start]
    reported = -1
    for match in sorted(found, key=lambda m: m.start()):
        words = body[match.start():match.end()].split()
        if len(words) > 1 and words[-1][:1].isupper() and words[-1] != "I":
            continue  # "at Spoke & Satchel": a name that looks like a verb, not a pasted fragment
        if len(words) == 2 and _STRANDED.search(body, max(0, match.start() - 20), match.start()):
            continue  # "the program I scheduled for covered 14 languages": a preposition ending a clause
        if match.start() > reported:
            reported = match.end()
            yield _violation(context, policy, match.start(), match.end())


# A verb just before the preposition: the preposition ends a relative clause ("I worked for", "we applied to").
_STRANDED = re.compile(r"\b(?:I|we|you|they|he|she)\s+[a-z]+(?:ed|en|ked|ght)\s+$")


@rule("sentence_case", options=SentenceCaseRule)
def sentence_case(context: CheckContext, policy: SentenceCaseRule) -> Iterator[Violation]:
    """A sentence of the message that starts in lower case, as a jotted fact pasted at its start does."""
    abbreviations = set(_lower(policy.abbreviations))
    start, end = _message(context)
    body = context.note.body
    starts = [start] + [m.end() for m in _SENTENCE_END.finditer(body, start, end)]
    for offset in starts:
        rest = body[offset:end]
        word = re.match(r"\s*[\"'(\[]?([^\W\d_][\w'’-]*)", rest)
        if not word or _BULLET.match(rest.lstrip()):
            continue
        text = word.group(1)
        if not text[0].islower() or re.search(r"[a-z][A-Z]", text):  # "eBay", "iPhone"
            continue
        previous = body[max(0, offset - 12):offset].split()
        if previous and (previous[-1].lower() in abbreviations or re.search(r"^[A-Z]\.$|[^\W\d_]\.[^\W\d_]\.$", previous[-1])):
            continue  # "e.g. the ...", an initial ("T. maxima") and a dotted name ("S.A.T. with") end no sentence
        at = offset + word.start(1)
        sentence_end = body.find(".", at)
        yield _violation(context, policy, at, min(end, sentence_end + 1 if sentence_end >= 0 else end))
