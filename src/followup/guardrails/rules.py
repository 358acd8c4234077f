"""The checks behind the policy's rules, one small function each.

A check gets the note under test (:class:`CheckContext`) and its rule's policy entry
(phrases, thresholds, message) and yields violations. What a check looks for lives in the
policy file; the code here only knows how to look.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from ..notes import Note
from .engine import CheckContext, Violation, panel_rule, rule
from .policy import Limits, PhraseMatcher, RulePolicy
from .text import STOPWORDS, content_stems, find_citation, numbers_in, signoff_line, tokens

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_EMOJI = re.compile(
    "[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF\U00002B00-\U00002BFF\uFE0F\u200D]"
    r"|(?<![\w:/])(?:[:;=8][\-o*']?[)\](\[dDpP/\\|@3*]|<3+|\^_*\^|[xX]D)(?![\w/])"
)
_GENERIC_ADDRESS = {
    "dear", "hi", "hello", "hey", "greetings", "good", "morning", "afternoon", "evening", "day", "to", "whom", "it",
    "may", "concern", "hiring", "manager", "team", "sir", "madam", "or", "there", "all", "everyone", "recruiter",
    "committee", "panel", "interviewer", "friend", "folks", "mr", "ms", "mrs", "dr", "prof", "professor", "and",
    "the", "search", "recruiting", "talent", "members", "of", "selection", "colleagues",
}
_COMPANY_FILLER = {"inc", "llc", "ltd", "corp", "corporation", "company", "co", "group", "the", "and", "of", "plc", "gmbh"}


def _violation(context: CheckContext, policy: RulePolicy, start: int = 0, end: int = 0,
               field: str = "body", **details: object) -> Violation:
    source = context.note.subject if field == "subject" else context.note.body
    excerpt = " ".join(source[start:end].split())
    if len(excerpt) > 100:
        excerpt = excerpt[:97] + "..."
    return Violation(
        rule=policy.id, category=policy.category, severity=policy.severity,  # type: ignore[arg-type]
        message=_fill(policy.message, details), excerpt=excerpt, field=field, start=start, end=end,  # type: ignore[arg-type]
    )


def _fill(message: str, details: dict[str, object]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(details.get(m.group(1), m.group(0))), message)


def _matches(context: CheckContext, pattern: re.Pattern[str] | PhraseMatcher | None) -> Iterator[tuple[str, re.Match[str]]]:
    """Matches of ``pattern`` in the subject, then the body."""
    if pattern is None:
        return
    for field in ("subject", "body"):
        for match in pattern.finditer(getattr(context.note, field)):
            yield field, match


# --- phrase lists ------------------------------------------------------------------------


@rule("phrases")
def phrases(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    """Any phrase of the list; with ``unless_in_facts``, not those the facts themselves use.

    A rule may also list ``counted`` words, each harmless alone: more than ``max_counted``
    of them in one note is a violation too (three superlatives are gushing; two apologies grovel).
    """
    facts_text = context.facts_text if policy.unless_in_facts else ""
    found = False
    for field, match in _matches(context, policy.pattern()):
        if facts_text and match.group().lower().strip() in facts_text:
            continue
        found = True
        yield _violation(context, policy, match.start(), match.end(), field)
    counted = list(_matches(context, policy.pattern("counted")))
    if policy.option("count_sentences", False):  # count sentences that hold any of them, not the words
        sentences = {(field, _sentence_at(getattr(context.note, field), m.start())) for field, m in counted}
        counted = counted if len(sentences) > int(policy.option("max_counted", 0)) else []
    if not found and len(counted) > int(policy.option("max_counted", 0)):
        field, last = counted[-1]
        yield _violation(context, policy, last.start(), last.end(), field)


def _sentence_at(text: str, offset: int) -> int:
    """The start of the sentence around ``offset``."""
    return max(text.rfind(mark, 0, offset) for mark in ".!?\n") + 1


@rule("phrases_required")
def phrases_required(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    """None of the phrases appears in the body: something every note needs is missing."""
    pattern = policy.pattern()
    if pattern is not None and pattern.search(context.note.body) is None:
        yield _violation(context, policy)


# --- professionalism ---------------------------------------------------------------------


@rule("emoji")
def emoji(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    for field, match in _matches(context, _EMOJI):
        yield _violation(context, policy, match.start(), match.end(), field)


@rule("exclamation")
def exclamation(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    allowed = context.policy.limits.max_exclamations
    seen = 0
    for field in ("subject", "body"):
        text = getattr(context.note, field)
        for match in re.finditer(r"!+", text):
            seen += 1
            if len(match.group()) > 1 or seen > allowed:
                sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
                yield _violation(context, policy, sentence_start, match.end(), field)


@rule("shouting")
def shouting(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    allowed = {w.upper() for w in policy.option("allow", [])}
    loud_words = {w.upper() for w in policy.option("words", [])}
    known = context.fact_vocabulary.words if context.facts else set()
    for field, field_tokens in (("subject", tokens(context.note.subject)), ("body", context.body_tokens)):
        for token in field_tokens:
            if not token.text.isupper():
                continue
            word = token.text.strip("'’")
            letters = re.sub(r"[^A-Za-z]", "", word)
            if len(letters) < 2 or word.upper() in allowed or word.lower() in known:
                continue
            if letters in loud_words or len(letters) >= 6:
                yield _violation(context, policy, token.start, token.end, field)


@rule("employer_criticism")
def employer_criticism(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    employer, negative = policy.pattern("employer"), policy.pattern("negative")
    if employer is None or negative is None:
        return
    for sentence in _SENTENCE.finditer(context.note.body):
        text = sentence.group()
        if employer.search(text) and negative.search(text):
            yield _violation(context, policy, sentence.start(), sentence.end())


# --- positivity --------------------------------------------------------------------------


# --- specificity -------------------------------------------------------------------------


def _greeting_names(context: CheckContext) -> list[tuple[str, int, int]]:
    """Capitalised words in the greeting that may be a name: (word, start, end)."""
    greeting = context.greeting
    if greeting is None:
        return []
    found = []
    for token in tokens(greeting.text):
        word = token.text.strip(".,:;!'’").removesuffix("'s")
        if word[:1].isupper() and word.lower() not in _GENERIC_ADDRESS:
            found.append((word, greeting.start + token.start, greeting.start + token.end))
    return found


def _names_this_interviewer(context: CheckContext) -> bool:
    assert context.interviewer is not None and context.greeting is not None
    own = {part.lower().strip(".,") for part in context.interviewer.name.split()}
    return any(word.lower() in own for word, _, _ in _greeting_names(context))


@rule("greeting_name", needs_facts=True)
def greeting_name(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    greeting = context.greeting
    if greeting is None or _names_this_interviewer(context):
        return
    if _greeting_names(context):
        return  # addressed to some other name: the grounding rule wrong_recipient reports it
    yield _violation(context, policy, greeting.start, greeting.end, name=context.interviewer.name)  # type: ignore[union-attr]


def _context_stems(context: CheckContext) -> frozenset[str]:
    """Stems of the company and role, which every note names and which so cite nothing."""
    assert context.facts is not None
    acronyms = {a.lower() for a in _acronyms(context.facts.role)}
    return frozenset(content_stems(f"{context.facts.company} {context.facts.role}")) | acronyms


@rule("no_reference", needs_facts=True)
def no_reference(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    person = context.interviewer
    assert person is not None
    facts = person.topics + person.shared_interests
    if not facts:
        return
    ignore = _context_stems(context)
    if any(find_citation(fact, context.message_tokens, ignore) for fact in facts):
        return
    examples = "; ".join(f'"{fact}"' for fact in facts[:2])
    yield _violation(context, policy, examples=examples)


@rule("company_role", needs_facts=True)
def company_role(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    facts = context.facts
    assert facts is not None
    text = f"{context.note.subject}\n{context.note.body}"
    lower = text.lower()
    company_words = [t.lower for t in tokens(facts.company) if t.lower not in _COMPANY_FILLER and len(t.text) > 2]
    if any(re.search(rf"\b{re.escape(word)}", lower) for word in company_words):
        return
    if find_citation(facts.role, tokens(text), frozenset(), window=5):
        return
    if any(acronym in text for acronym in _acronyms(facts.role)):
        return
    yield _violation(context, policy, company=facts.company, role=facts.role)


def _acronyms(role: str) -> set[str]:
    """'Senior Site Reliability Engineer' gives SSRE and SRE."""
    initials = [w[0].upper() for w in role.split() if w[:1].isalpha() and w.lower() not in STOPWORDS]
    return {"".join(initials[i:]) for i in range(len(initials) - 1) if len(initials) - i >= 2}


@rule("placeholder")
def placeholder(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    for field, match in _matches(context, policy.pattern()):
        yield _violation(context, policy, match.start(), match.end(), field)


@panel_rule("near_copy")
def near_copy(notes: dict[str, Note], policy: RulePolicy, limits: Limits) -> dict[str, list[Violation]]:
    """Notes of one panel that are near copies of each other once the names are taken out."""
    threshold = limits.near_copy_similarity
    found: dict[str, list[Violation]] = {name: [] for name in notes}
    names = list(notes)
    shapes = {name: _shape(notes[name].body, names) for name in names}
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            ratio = difflib.SequenceMatcher(None, shapes[first], shapes[second], autojunk=False).ratio()
            if ratio >= threshold:
                for this, other in ((first, second), (second, first)):
                    found[this].append(_violation(CheckContext(notes[this]), policy, other=other))
    return found


def _shape(body: str, names: list[str]) -> list[str]:
    name_words = {part.lower() for name in names for part in name.split()}
    return [t.lower for t in tokens(body) if t.lower not in name_words]


# --- grounding ---------------------------------------------------------------------------


@rule("wrong_recipient", needs_facts=True)
def wrong_recipient(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    if context.greeting is None:
        return
    names = _greeting_names(context)
    if _names_this_interviewer(context):
        # Addressed to them, and also to someone else of the panel ("Dear Dana and Marcus,")?
        assert context.facts is not None and context.interviewer is not None
        own = {part.lower().strip(".,") for part in context.interviewer.name.split()}
        others = {part.lower().strip(".,") for person in context.facts.interviewers
                  if person.name != context.interviewer.name for part in person.name.split()} - own
        names = [entry for entry in names if entry[0].lower() in others]
    if names:
        found = " ".join(word for word, _, _ in names)
        yield _violation(context, policy, names[0][1], names[-1][2], found=found,
                         name=context.interviewer.name)  # type: ignore[union-attr]


@rule("invented_fact", needs_facts=True)
def invented_fact(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    vocabulary = context.fact_vocabulary
    known_numbers = vocabulary.numbers | _date_numbers(context)
    common = {w.lower() for w in policy.option("common", [])}
    shouting_rule = context.policy.rule("shouting")
    allowed_caps = {w.upper() for w in shouting_rule.option("allow", [])} if shouting_rule else set()
    loud_words = {w.lower() for w in shouting_rule.option("words", [])} if shouting_rule else set()
    body = context.note.body
    reported: set[str] = set()

    def report(word: str, start: int, end: int) -> Iterator[Violation]:
        if word.lower() not in reported:
            reported.add(word.lower())
            yield _violation(context, policy, start, end, found=word)

    for token in context.message_tokens:
        first = token.text[0]
        if first.isdigit():
            for number in numbers_in(token.text, words=False):
                if number not in known_numbers and not _clock_time(body, token.start, token.end):
                    yield from report(token.text, token.start, token.end)
            continue
        if not first.isupper():
            continue
        word = re.split(r"['’]", token.text)[0]
        if len(word) < 2 or _sentence_initial(body, token.start) or word.lower() in loud_words:
            continue  # "I NEED THIS JOB" is shouting, not three invented names
        if word.lower() in common or word.upper() in allowed_caps or vocabulary.knows(word):
            continue
        if any(ch.isdigit() for ch in word):
            continue
        yield from report(word, token.start, token.end)
    cues = policy.pattern("name_cues")
    if cues:
        for match in cues.finditer(body[: context.signoff_start]):
            name = next((g for g in match.groups() if g and g[:1].isupper() and g.lower() not in common), None)
            if name and not vocabulary.knows(name):
                start = match.start() + match.group().find(name)
                yield from report(name, start, start + len(name))


def _clock_time(body: str, start: int, end: int) -> bool:
    """Part of a time of day such as 16:30: a time is not a claim about the candidate or the company."""
    return body[end:end + 1] == ":" and body[end + 1:end + 2].isdigit() or body[start - 1:start] == ":"


_HONORIFIC = re.compile(r"\b(?:Mr|Ms|Mrs|Mx|Dr|Prof|St|Sr|Jr)\.$")


def _sentence_initial(body: str, start: int) -> bool:
    before = body[:start].rstrip(" \t\"'“‘(")
    if _HONORIFIC.search(before):
        return False  # "Mr. Jenkins": the full stop ends a title, not a sentence
    return not before or before[-1] in ".!?:\n;"


def _date_numbers(context: CheckContext) -> set[str]:
    ended = context.facts.interview.ended_at if context.facts else None
    if ended is None:
        return set()
    return {str(ended.year), str(ended.day)}


# --- structure ---------------------------------------------------------------------------


@rule("no_greeting")
def no_greeting(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    if context.greeting is None:
        first = context.lines[0] if context.lines else None
        name = context.interviewer.name if context.interviewer else "the interviewer's name"
        yield _violation(context, policy, first.start if first else 0, first.end if first else 0, name=name)


@rule("no_signoff")
def no_signoff(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    closing = context.lines[-4:]
    tail = " ".join(line.text for line in closing).lower()
    if context.facts is not None:
        candidate = context.facts.candidate.name.lower()
        parts = candidate.split()
        if candidate in tail or (len(parts) > 1 and parts[0] in tail.split()):
            return
        yield _violation(context, policy, candidate=context.facts.candidate.name)
    elif signoff_line(context.lines) is None or signoff_line(context.lines) == context.lines[-1]:
        yield _violation(context, policy, candidate="your name")


@rule("length")
def length(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    limits = context.policy.limits
    words = context.word_count
    if words < limits.min_words_error or words > limits.max_words_error:
        yield _violation(context, policy, words=words, low=limits.min_words_error, high=limits.max_words_error)


@rule("length_range")
def length_range(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    limits = context.policy.limits
    words = context.word_count
    if limits.min_words_error <= words < limits.min_words or limits.max_words < words <= limits.max_words_error:
        yield _violation(context, policy, words=words, low=limits.min_words, high=limits.max_words)


@rule("subject")
def subject(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    if not context.note.subject.strip():
        yield _violation(context, policy, field="subject")


@rule("subject_length")
def subject_length(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    limit = context.policy.limits.max_subject_chars
    chars = len(context.note.subject)
    if chars > limit:
        yield _violation(context, policy, limit, chars, field="subject", chars=chars, limit=limit)


# --- timeliness --------------------------------------------------------------------------


@rule("late", needs_facts=True)
def late(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    ended = context.facts.interview.ended_at if context.facts else None
    if ended is None:
        return
    now = context.now or datetime.now(timezone.utc)
    hours = (now - ended).total_seconds() / 3600
    if hours > context.policy.limits.send_within_hours:
        yield _violation(context, policy, hours=int(hours))


from . import fluency  # noqa: E402,F401  (registers the fluency checks)
