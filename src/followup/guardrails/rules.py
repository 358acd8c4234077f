"""The checks behind the policy's rules, one small function each.

A check gets the note under test (:class:`CheckContext`) and its rule's policy entry
(phrases, thresholds, message) and yields violations. What a check looks for lives in the
policy file; the code here only knows how to look.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Literal

from pydantic import Field, model_validator

from ..facts import CITABLE_FIELDS, IDENTITY_FIELDS, fact_texts, texts_of
from ..notes import Note, count_words
from .checks import CheckContext, Violation, panel_rule, rule
from .matching import PhraseMatcher, compile_phrases
from .policy import Limits, Policy, RulePolicy, Severity, Text
from .text import (
    CASELESS_ADDRESS,
    COUNT_NUMBER,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    STOPWORDS,
    Token,
    Vocabulary,
    content_stems,
    count_unit,
    find_citation,
    number_value,
    numbers_in,
    romanized,
    signoff_line,
    stem,
    tokens,
    unaccented,
)

# Emoji characters, one class for the rule and its fix, so whatever emoji the rule flags the fix removes.
_EMOJI_CHARACTERS = "[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF\U00002B00-\U00002BFF\uFE0F\u200D]"
# The rule also flags emoticons: ":)", ";-P", "8-)" (an "8" eye needs its nose, so "83%" and "8D" stay
# numbers). Those are left to the model to rewrite: made of ordinary characters, they are not removed blind.
_EMOJI = re.compile(
    _EMOJI_CHARACTERS + r"|(?<![\w:/])(?:[:;=][\-o*']?[)\](\[dDpP/\\|@3*]|8-[)\]dDpP]|<3+|\^_*\^|[xX]D)(?![\w/])"
)
_EMOJI_AND_SPACE = re.compile(f"{_EMOJI_CHARACTERS} ?")
_EXCLAMATION_RUN = re.compile(r"!{2,}")
_GENERIC_ADDRESS = {
    "dear", "hi", "hello", "hey", "greetings", "good", "morning", "afternoon", "evening", "day", "to", "whom", "it",
    "may", "concern", "hiring", "manager", "team", "sir", "madam", "or", "there", "all", "everyone", "recruiter",
    "committee", "panel", "interviewer", "friend", "folks", "mr", "ms", "mrs", "dr", "prof", "professor", "and",
    "the", "search", "recruiting", "talent", "members", "of", "selection", "colleagues",
}
_COMPANY_FILLER = {"inc", "llc", "ltd", "corp", "corporation", "company", "co", "group", "the", "and", "of", "plc", "gmbh"}


def _violation(context: CheckContext, policy: RulePolicy, start: int = 0, end: int = 0,
               field: str = "body", severity: str | None = None, **details: object) -> Violation:
    source = context.note.subject if field == "subject" else context.note.body
    excerpt = " ".join(source[start:end].split())
    if len(excerpt) > 100:
        excerpt = excerpt[:97] + "..."
    if severity is None and context.pasted:
        severity = policy.pasted_severity
    return Violation(
        rule=policy.id, category=policy.category, severity=severity or policy.severity,  # type: ignore[arg-type]
        message=_fill(policy.message, details), excerpt=excerpt, field=field, start=start, end=end,  # type: ignore[arg-type]
    )


def _fill(message: str, details: dict[str, object]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(details.get(m.group(1), m.group(0))), message)


def _matches(context: CheckContext, pattern: re.Pattern[str] | PhraseMatcher | None) -> Iterator[tuple[str, re.Match[str]]]:
    """Matches of ``pattern`` in the subject, then the body; not inside an email address or a link
    (the "r" of "priya.r@example.com" is no texting shorthand)."""
    if pattern is None:
        return
    for field in ("subject", "body"):
        for match in pattern.finditer(getattr(context.note, field)):
            if not context.in_address(field, match.start()):
                yield field, match


# --- phrase lists ------------------------------------------------------------------------


class PhraseListRule(RulePolicy):
    phrases: list[Text] = Field(default_factory=list)


class PhraseRule(PhraseListRule):
    """A ``phrases`` rule. The lists that ``together`` names are keys of the rule in the file
    ("employer: [...]"); they are read into ``lists``, and any other unknown key is an error."""

    unless_in_facts: bool = False
    in_facts_severity: Severity | None = None
    # A phrase of ``phrases`` in a sentence that holds one of these is let through (pay as the
    # subject of a payroll job, not the candidate's own).
    phrases_unless: list[Text] = Field(default_factory=list)
    together: list[Text] = Field(default_factory=list)
    unless: list[Text] = Field(default_factory=list)
    counted: list[Text] = Field(default_factory=list)
    max_counted: int = 0
    count_sentences: bool = False
    # Only when the interview took place this way (as the facts' ``interview.format`` says).
    when_format: list[Literal["onsite", "video", "phone"]] = Field(default_factory=list)
    lists: dict[str, list[Text]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _named_lists(cls, data: object) -> object:
        if not isinstance(data, dict) or not isinstance(data.get("together"), list):
            return data
        named = {key.strip() for combination in data["together"] if isinstance(combination, str)
                 for key in combination.split("+")}
        lists = {key: data[key] for key in named if key in data and key not in cls.model_fields}
        return {**{k: v for k, v in data.items() if k not in lists}, "lists": {**data.get("lists", {}), **lists}}

    @model_validator(mode="after")
    def _together_names_lists(self) -> PhraseRule:
        for combination in self.together:
            for key in (k.strip() for k in combination.split("+")):
                if key not in self.lists and key not in ("phrases", "unless", "counted"):
                    raise ValueError(f"together names {key!r}, which is not a phrase list of the rule")
        return self

    def phrase_list(self, key: str) -> list[str]:
        return self.lists[key] if key in self.lists else super().phrase_list(key)

    def compile(self) -> None:
        for key in ("phrases", "phrases_unless", "unless", "counted", *self.lists):
            self.pattern(key)


@rule("phrases", options=PhraseRule)
def phrases(context: CheckContext, policy: PhraseRule) -> Iterator[Violation]:
    """Any phrase of the list; with ``unless_in_facts``, not those the facts themselves use
    (or, with ``in_facts_severity``, those at that severity instead).

    ``phrases_unless``: a phrase in a sentence that holds one of these is let through.

    ``together`` names phrase lists joined by "+" ("asks + deadlines"): one sentence holding a
    phrase of each is a violation, unless it also holds one of the ``unless`` list (or, with
    ``unless_in_facts``, its phrase of the first list is one the facts use). This is how a
    rule catches an intent (a request for an answer tied to a deadline) in words nobody listed.

    A rule may also list ``counted`` words, each harmless alone: more than ``max_counted``
    of them in one note is a violation too (three superlatives are gushing; two apologies grovel).
    """
    if policy.when_format and (context.facts is None or context.facts.interview.format not in policy.when_format):
        return
    facts_text = context.facts_text if policy.unless_in_facts else ""
    in_facts_severity = policy.in_facts_severity
    found = False
    sentences: set[tuple[str, int]] = set()  # those a phrase was found in: the together lists add nothing there
    let_through = policy.pattern("phrases_unless") if policy.phrases_unless else None
    names = context.fact_vocabulary.names if context.facts is not None else frozenset()
    for field, match in _matches(context, policy.pattern()):
        severity = None
        if names and getattr(context.note, field)[match.start()].isupper() and match.group().lower() in names:
            continue  # "Mgr" of "Dear Mgr inż. Nowak", "Joy" of a greeting: part of a name the facts give
        if facts_text and context.facts_use(match.group()):
            if in_facts_severity is None:
                continue
            severity = in_facts_severity
        if let_through is not None:
            start = context.sentence_start(field, match.start())
            if let_through.search(getattr(context.note, field)[start:context.sentence_end(field, start)]):
                continue
        found = found or severity is None
        sentences.add((field, context.sentence_start(field, match.start())))
        yield _violation(context, policy, match.start(), match.end(), field, severity)
    for combination in policy.together:
        for field, start, end in _together(context, policy, [key.strip() for key in combination.split("+")]):
            if (field, context.sentence_start(field, start)) not in sentences:
                found = True
                sentences.add((field, context.sentence_start(field, start)))
                yield _violation(context, policy, start, end, field)
    counted = list(_matches(context, policy.pattern("counted")))
    if policy.count_sentences:  # count sentences that hold any of them, not the words
        sentences = {(field, context.sentence_start(field, m.start())) for field, m in counted}
        counted = counted if len(sentences) > policy.max_counted else []
    if not found and len(counted) > policy.max_counted:
        field, last = counted[-1]
        yield _violation(context, policy, last.start(), last.end(), field)


def _together(context: CheckContext, policy: PhraseRule, keys: list[str]) -> Iterator[tuple[str, int, int]]:
    """(field, start, end) of each sentence that holds a phrase of every list in ``keys`` and none of ``unless``.

    The first list is matched over the whole text; the others only inside the sentences still
    in the running, so a rule costs little more than one phrase list, and stays linear in the
    note's length. (List the rarest first.)
    """
    facts_text = context.facts_text if policy.unless_in_facts else ""
    candidates: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for field, match in _matches(context, policy.pattern(keys[0])):
        if facts_text and context.facts_use(match.group()):
            continue  # a topic of the interview ("the onboarding program"), not talk of the note's own
        candidates.setdefault((field, context.sentence_start(field, match.start())), [match.span()])
    for key in [*keys[1:], *(["unless"] if policy.unless else [])]:
        pattern = policy.pattern(key)
        for (field, start), spans in list(candidates.items()):
            text = getattr(context.note, field)
            match = pattern.search(text[start:context.sentence_end(field, start)]) if pattern else None
            if (match is None) == (key != "unless"):
                del candidates[(field, start)]
            elif match is not None:
                spans.append((start + match.start(), start + match.end()))
        if not candidates:
            return
    for (field, _), spans in sorted(candidates.items()):
        yield field, min(s for s, _ in spans), max(e for _, e in spans)


@rule("phrases_required", options=PhraseListRule)
def phrases_required(context: CheckContext, policy: PhraseListRule) -> Iterator[Violation]:
    """None of the phrases appears in the body: something every note needs is missing."""
    pattern = policy.pattern()
    if pattern is not None and pattern.search(context.note.body) is None:
        yield _violation(context, policy)


# --- professionalism ---------------------------------------------------------------------


def remove_emoji(note: Note, policy: Policy) -> Note:
    return Note(subject=_EMOJI_AND_SPACE.sub("", note.subject), body=_EMOJI_AND_SPACE.sub("", note.body))


@rule("emoji", fix=remove_emoji)
def emoji(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    for field, match in _matches(context, _EMOJI):
        yield _violation(context, policy, match.start(), match.end(), field)


def fewer_exclamations(note: Note, policy: Policy) -> Note:
    """"!!" as "!", none in the subject, and in the body the first ``max_exclamations`` kept; the rest become full stops."""
    kept = policy.limits.max_exclamations

    def keep_first(match: re.Match[str]) -> str:
        nonlocal kept
        kept -= 1
        return "!" if kept >= 0 else "."

    body = re.sub("!", keep_first, _EXCLAMATION_RUN.sub("!", note.body))
    return Note(subject=_EXCLAMATION_RUN.sub("!", note.subject).replace("!", "."), body=body)


@rule("exclamation", fix=fewer_exclamations)
def exclamation(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    allowed = context.policy.limits.max_exclamations
    for field in ("subject", "body"):  # a "Thank you!" subject is the subject's own, not the note's one
        text = getattr(context.note, field)
        seen = 0
        for match in re.finditer(r"!+", text):
            seen += 1
            if len(match.group()) > 1 or seen > allowed:
                yield _violation(context, policy, context.sentence_start(field, match.start()), match.end(), field)


@rule("shouting")
def shouting(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    vocabulary = context.policy.vocabulary
    allowed, loud_words = vocabulary.acronym_set, vocabulary.emphasis_set
    known = context.fact_vocabulary.words if context.facts else set()
    for field, field_tokens in (("subject", tokens(context.note.subject)), ("body", context.body_tokens)):
        for token in field_tokens:
            if not token.text.isupper():
                continue
            word = token.text.strip("'’")
            letters = re.sub(r"[^A-Za-z]", "", word)
            if len(letters) < 2 or word.upper() in allowed or word.lower() in known:
                continue
            if letters.lower() in loud_words or len(letters) >= 6:
                yield _violation(context, policy, token.start, token.end, field)


# --- positivity --------------------------------------------------------------------------


# --- specificity -------------------------------------------------------------------------


def _greeting_names(context: CheckContext) -> list[tuple[str, int, int]]:
    """Words in the greeting that may be a name: (word, start, end). In Latin, Greek or Cyrillic
    a name is capitalised; in scripts without capitals (Chinese, Arabic, Devanagari) it is
    what is left of a word once the words of address ("尊敬的", "عزيزي", "प्रिय") are taken out."""
    greeting = context.greeting
    if greeting is None:
        return []
    found = []
    for token in tokens(greeting.text):
        word = _HONORIFIC_SUFFIX.sub("", token.text.strip(".,:;!'’").removesuffix("'s"))  # "Tanaka-san": Tanaka
        if _caseless(word):
            word = CASELESS_ADDRESS.sub("", word)
        elif not word[:1].isupper() or word.lower() in _GENERIC_ADDRESS:
            continue
        if word:
            found.append((word, greeting.start + token.start, greeting.start + token.end))
    return found


_HONORIFIC_SUFFIX = re.compile(r"-(?:san|sama|sensei|kun|chan|senpai|nim|ssi|ji|jee)$", re.I)


def _caseless(word: str) -> bool:
    return word[:1].isalpha() and not word[:1].isupper() and not word[:1].islower()


def _caseless_name(name: str) -> bool:
    """A name written wholly in scripts without capitals (Chinese, Arabic, Devanagari)."""
    letters = [character for character in name if character.isalpha()]
    return bool(letters) and all(_caseless(character) for character in letters)


def _name_parts(name: str) -> set[str]:
    """The words of a name as a greeting may use them: 'Richard "Rick" Doyle' gives richard, rick, doyle."""
    return {part.lower().strip(".,\"“”‘’()") for part in name.split()}


def _names_this_interviewer(context: CheckContext) -> bool:
    """Whether a name in the greeting is one of the interviewer's: as written, in part (in a
    script without capitals), or romanized from Greek or Cyrillic (Oleh or Oleg to Олег: the
    first two letters agree, as spellings of one name differ)."""
    assert context.interviewer is not None and context.greeting is not None
    own = _name_parts(context.interviewer.name)
    romanized_own = {roman[:2] for part in own if (roman := romanized(part))}
    return any(word.lower() in own or (_caseless(word) and any(word in part or part in word for part in own))
               or (word.isascii() and unaccented(word.lower())[:2] in romanized_own)
               for word, _, _ in _greeting_names(context))


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
    """Nothing of this interviewer's own conversation is cited. A citation made only of words
    that another panel member's topics share cannot tell whose conversation the note is about,
    so citing only a colleague's topic does not count."""
    person = context.interviewer
    assert person is not None and context.facts is not None
    facts = [t for t in texts_of(context.facts, person, CITABLE_FIELDS) if not _about_pay(context, t.text)]
    if not facts:
        return
    topic_stems = context.fact_vocabulary.topic_stems
    others = frozenset(s for name, stems in topic_stems.items() if name != person.name for s in stems)
    # What the whole day shared (the highlights: "the tour of MV Kestrel Bay") tells no conversation apart either.
    others |= _stems_of(tuple(context.facts.interview.highlights))
    ignore = _context_stems(context)
    if any(find_citation(phrasing, context.message_tokens, ignore, shared=others)
           for fact in facts for phrasing in fact_phrasings(fact.text, fact.field)):
        return
    examples = "; ".join(f'"{fact.text}"' for fact in facts[:2])
    yield _violation(context, policy, examples=examples)


def _about_pay(context: CheckContext, text: str) -> bool:
    """Whether ``compensation`` would flag a note saying ``text`` ("pay approx $68k + super"): no topic
    for a thank-you note, so never one it must cite. A talk that was only about pay leaves nothing to
    cite; a payroll job's topics ("pay runs for 10-month staff") are let through as that rule lets them.
    ``compensation`` reads an offer of relocation money only when asked about; as a topic it is pay all the same."""
    from ..models.fact_reader import about_pay  # the composer's reading: what it leaves out, no rule asks for

    pay = context.policy.rule("compensation")
    if pay is None or not pay.enabled:
        return False
    unless = pay.pattern("phrases_unless")
    if unless is not None and unless.search(text):
        return False  # pay as the work itself ("spreading pay for 10-month staff")
    # Its phrases, the money and perks it flags when asked about, and what the composer leaves out as pay.
    return about_pay(text) or any(found is not None and found.search(text) for found in (pay.pattern(), pay.pattern("money")))


@functools.lru_cache(maxsize=1024)
def fact_phrasings(item: str, field: str) -> tuple[str, ...]:
    """A jotted topic as written and as the fact reader reads it: "chatted about parking at funerals,
    traffic management lol" is cited by "parking at funerals", without the lead-in and the asides."""
    from ..models.fact_reader import read_fact  # the one reading of jotted facts; imported when a note is checked

    read = [fact.text for fact in read_fact(item, field) if fact.kind != "unusable" and fact.text != item]
    return (item, *dict.fromkeys(read))


@functools.lru_cache(maxsize=64)
def _stems_of(texts: tuple[str, ...]) -> frozenset[str]:
    return frozenset(content_stems(" ".join(texts)))


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


@rule("placeholder", options=PhraseListRule)
def placeholder(context: CheckContext, policy: PhraseListRule) -> Iterator[Violation]:
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
    assert context.facts is not None and context.interviewer is not None
    names = _greeting_names(context)
    own = _name_parts(context.interviewer.name)
    others = {part for person in context.facts.interviewers if person.name != context.interviewer.name
              for part in _name_parts(person.name)} - own
    if _names_this_interviewer(context):
        # Addressed to them, and also to someone else of the panel ("Dear Dana and Marcus,")?
        names = [entry for entry in names if entry[0].lower() in others]
    elif _caseless_name(context.interviewer.name):
        # A name in a script without capitals is often greeted romanized ("Dear Ms. Tanaka" to 田中 美咲),
        # which no rule can check letter by letter: only the name of another person of the panel is sure.
        names = [entry for entry in names if _caseless(entry[0]) or entry[0].lower() in others]
    if names:
        found = " ".join(word for word, _, _ in names)
        yield _violation(context, policy, names[0][1], names[-1][2], found=found, name=context.interviewer.name)


class InventedFactRule(RulePolicy):
    # Programs and plans: words before these that are mostly new to the facts are an invented program.
    initiatives: list[Text] = Field(default_factory=list)
    # Words before a program that describe it without saying what it is.
    generic_modifiers: list[Text] = Field(default_factory=list)
    # Places and equipment, and the words that make one new: "the new isolation ward".
    facilities: list[Text] = Field(default_factory=list)
    new_words: list[Text] = Field(default_factory=list)
    # Phrases that introduce a person's name; the name is their first capitalised group.
    name_cues: list[Text] = Field(default_factory=list)
    # Phrases that attribute a plan to the interviewer; the words after them, to the end of the
    # clause, mostly new to the facts are an invented plan ("your plan to open on Saturdays").
    plan_cues: list[Text] = Field(default_factory=list)
    # Phrases before who the candidate says they are ("As a paramedic"): a person-word new to the facts.
    identity_cues: list[Text] = Field(default_factory=list)

    def compile(self) -> None:
        for key in ("name_cues", "plan_cues", "identity_cues"):
            self.pattern(key)

    @functools.cached_property
    def word_sets(self) -> dict[str, frozenset[str]]:
        """The word lists lower-cased as sets, made once: they are looked up for every word of every note."""
        return {key: frozenset(w.lower() for w in getattr(self, key))
                for key in ("initiatives", "generic_modifiers", "facilities", "new_words")}


@rule("invented_fact", needs_facts=True, options=InventedFactRule)
def invented_fact(context: CheckContext, policy: InventedFactRule) -> Iterator[Violation]:
    """Names, numbers and programs the facts do not have: a capitalised word the facts never use,
    a number (in digits, or "seven" counting a thing of the facts) they do not give, and an
    ``initiatives`` word ("program") after words mostly new to the facts ("the youth aftercare program")."""
    vocabulary = context.fact_vocabulary
    known_numbers = vocabulary.numbers | _date_numbers(context)
    shared = context.policy.vocabulary
    common, allowed_caps, loud_words = shared.capitalised_set, shared.acronym_set, shared.emphasis_set
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
                if body[token.start - 1:token.start] in ("'", "’") and any(
                        len(n) == 4 and n.endswith(number) for n in known_numbers):
                    continue  # "the '78 F-150" of the facts' 1978 Ford
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
        if ORDINAL_WORDS.get(word.lower()) in known_numbers:
            continue  # "the Second Symphony" where the facts say "Symphony No. 2"
        if any(ch.isdigit() for ch in word) and (len(word) > 15 or re.fullmatch(r"[A-Z]{1,2}\d{1,3}[a-z]?|[A-Z][a-z]?-?\d+\w*", word)):
            continue  # "Q3", "A320", a long ID: a code, not a name; "Route4Me" is a name
        yield from report(word, token.start, token.end)
    yield from (violation for token, found in _invented_counts_and_programs(context, policy, known_numbers)
                for violation in report(found, token.start, token.end))
    yield from (violation for found, start, end in _miscounted(context) for violation in report(found, start, end))
    yield from (violation for found, start, end in [*_invented_plans(context, policy), *_invented_identities(context, policy)]
                for violation in report(found, start, end))
    cues = policy.pattern("name_cues")
    if cues:
        for match in cues.finditer(body[: context.signoff_start]):
            name = next((g for g in match.groups() if g and g[:1].isupper() and g.lower() not in common), None)
            if name and not vocabulary.knows(name):
                start = match.start() + match.group().find(name)
                yield from report(name, start, start + len(name))


class TitleAsRoleRule(RulePolicy):
    job_words: list[Text] = Field(default_factory=list)  # "<title> role", "role of <title>"
    applied_for: list[Text] = Field(default_factory=list)  # "applying for <title>"


@rule("title_as_role", needs_facts=True, options=TitleAsRoleRule)
def title_as_role(context: CheckContext, policy: TitleAsRoleRule) -> Iterator[Violation]:
    """An interviewer's own title named as the job applied for ("the Engineering Manager position")."""
    facts = context.facts
    assert facts is not None
    role = " ".join(facts.role.lower().split())
    titles = tuple(sorted({title for person in facts.interviewers if person.title
                           for title in [person.title.split(",")[0].strip()] if title and title.lower() not in role}))
    if not titles:
        return
    pattern = _title_pattern(titles, tuple(policy.job_words), tuple(policy.applied_for))
    for field, match in _matches(context, pattern):
        yield _violation(context, policy, match.start(), match.end(), field,
                         found=" ".join(next(g for g in match.groups() if g).split()), role=facts.role)


@rule("corrected_value", needs_facts=True)
def corrected_value(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    """A figure or name the candidate's own clarification corrects, stated as true: "my IMO Level 3
    training" where the facts say "my training is IMO Level 2, not Level 3"."""
    facts = context.facts
    assert facts is not None
    clarified = tuple(item for person in facts.interviewers for item in person.clarify)
    body = context.note.body
    for pattern, right in _corrections(clarified, context.facts_text):
        for match in pattern.finditer(body, 0, context.signoff_start):
            if not _SAID_OR_DENIED.search(body[max(0, match.start() - 30):match.start()]):
                yield _violation(context, policy, match.start(), match.end(), found=match.group(), right=right)
                break


class DeniedCredentialRule(RulePolicy):
    denials: list[Text] = Field(default_factory=list)  # how the facts deny a credential
    claims: list[Text] = Field(default_factory=list)  # how a note claims one
    hedges: list[Text] = Field(default_factory=list)  # a sentence that holds one of these claims nothing
    # How the facts say something was never done; the group "done" is the verb and what it was done to
    # ("never re-plated pistons"): a note sentence with both, unhedged, claims it.
    undone: list[Text] = Field(default_factory=list)


@rule("denied_credential", needs_facts=True, options=DeniedCredentialRule)
def denied_credential(context: CheckContext, policy: DeniedCredentialRule) -> Iterator[Violation]:
    """A certification or licence the candidate's own facts deny, claimed: "as a CSA Z98 certified
    supervisor" where the facts say "awareness training, not a full certification"."""
    facts = context.facts
    assert facts is not None
    own = [*facts.candidate.strengths, *(item for person in facts.interviewers for item in person.clarify)]
    denials, claims, hedges = policy.pattern("denials"), policy.pattern("claims"), policy.pattern("hedges")
    if denials is None or claims is None:
        return
    body = context.note.body
    yield from _claimed_undone(context, policy, own)
    # What a denied credential is called ("CSA Z98", "CKA"): a claim must name it to be about it.
    names = {word for item in own if denials.search(item.lower())
             for word in re.findall(r"(?<![\w-])(?=[\w-]*[A-Z0-9])[\w-]{2,}", item) if word != "I"}
    if not names:
        return
    for match in claims.finditer(body):
        if match.start() >= context.signoff_start:
            break
        _, sentence = context.sentence_at("body", match.start())
        if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", sentence) for name in names) and (
                hedges is None or not hedges.search(sentence)):
            yield _violation(context, policy, match.start(), match.end())
            return


def _claimed_undone(context: CheckContext, policy: DeniedCredentialRule, own: list[str]) -> Iterator[Violation]:
    """"Having re-plated pistons for several trumpets" where the facts say "never re-plated pistons myself"."""
    undone, hedges = policy.pattern("undone"), policy.pattern("hedges")
    if undone is None:
        return
    done = [match.group("done").split() for item in own for match in undone.finditer(item.lower())]
    body = context.note.body
    for verb, *objects in done:
        for match in re.finditer(rf"(?<![\w-]){re.escape(verb)}(?![\w-])", body[:context.signoff_start], re.I):
            _, sentence = context.sentence_at("body", match.start())
            if any(set(content_stems(o)) & set(content_stems(sentence)) for o in objects) and (
                    hedges is None or not hedges.search(sentence)):
                yield _violation(context, policy, match.start(), match.end())
                return


class ChangedTimeRule(RulePolicy):
    # Words of one kind, one season or month per entry; "autumn|fall" are one season said two ways.
    kinds: list[list[Text]] = Field(default_factory=list)
    # Words of a kind that are other words too ("may", "fall"): counted in a note only when capitalised.
    ambiguous: list[Text] = Field(default_factory=list)
    shared_words: int = 2  # content words a sentence shares with the fact it retells

    @functools.cached_property
    def canonical(self) -> dict[str, tuple[int, str]]:
        """Each word, lower-cased, to (its kind, the entry's first word)."""
        return {word.lower(): (index, entry.split("|")[0].lower())
                for index, kind in enumerate(self.kinds) for entry in kind for word in entry.split("|")}


@rule("changed_time", needs_facts=True, options=ChangedTimeRule)
def changed_time(context: CheckContext, policy: ChangedTimeRule) -> Iterator[Violation]:
    """A fact retold with another season or month than the facts give: "serviced each autumn" where
    the facts say each spring. Only a sentence that shares words with the fact it changes."""
    facts = context.facts
    assert facts is not None
    canonical, ambiguous = policy.canonical, {w.lower() for w in policy.ambiguous}
    body = context.note.body
    said_in_note = [t for t in context.message_tokens if t.lower in canonical and not (
        t.lower in ambiguous and (not t.text[0].isupper() or _sentence_initial(body, t.start)))]
    if not said_in_note:
        return  # most notes name no season or month
    timed = []  # (kind, time words, content stems) of each fact text that says a season or month
    for fact in fact_texts(facts):
        said = {canonical[t.lower] for t in tokens(fact.text) if t.lower in canonical}
        for kind in {k for k, _ in said}:
            timed.append((kind, {word for k, word in said if k == kind}, set(content_stems(fact.text))))
    for token in said_in_note:
        kind, word = canonical[token.lower]
        start, sentence = context.sentence_at("body", token.start)
        stems = set(content_stems(sentence))
        near = set(content_stems(body[max(start, token.start - _NEAR):token.end + _NEAR]))
        # The fact the sentence retells: the one of this kind it shares most words with, near the season word.
        overlap, words = max(((len(stems & fact_stems), words) for fact_kind, words, fact_stems in timed
                              if fact_kind == kind and near & fact_stems), key=lambda found: found[0], default=(0, set()))
        # A sentence that also gives the fact's own season retells it rightly ("winter repairs for every summer").
        given = {canonical[w][1] for t in tokens(sentence) for w in (t.lower, t.lower.removesuffix("s")) if w in canonical}
        if overlap >= policy.shared_words and word not in words and not words & given:
            yield _violation(context, policy, token.start, token.end, found=token.text, right=" or ".join(sorted(words)))
            return


_NEAR = 40  # characters either side of a season word where the fact it retells is named


class ClaimedCredentialRule(RulePolicy):
    # How a note claims a credential; the group "what" is what it is a credential in or as.
    claims: list[Text] = Field(default_factory=list)
    generic: list[Text] = Field(default_factory=list)  # words of a claim that name no credential ("full", "fully")
    # Words of one kind of credential or rank ("certified", "certificate", "cert"): the group "rank" of a
    # claim must be of a kind the candidate's own facts name too.
    kinds: list[list[Text]] = Field(default_factory=list)

    @functools.cached_property
    def matchers(self) -> list[PhraseMatcher]:
        """One per claim: each has its own group "what", which one alternation could not hold twice."""
        return [matcher for claim in self.claims if (matcher := compile_phrases([claim])) is not None]

    @functools.cached_property
    def kind_matchers(self) -> dict[str, PhraseMatcher]:
        """Each word of a kind to the phrase list of its whole kind."""
        return {word.lower().rstrip("*"): matcher for kind in self.kinds if (matcher := compile_phrases(kind)) is not None
                for word in kind}

    def kind_of(self, rank: str) -> PhraseMatcher | None:
        rank = rank.lower()
        return next((m for word, m in self.kind_matchers.items() if rank == word or rank.startswith(word) and len(word) >= 5), None)

    def compile(self) -> None:
        _ = self.matchers, self.kind_matchers


@rule("claimed_credential", needs_facts=True, options=ClaimedCredentialRule)
def claimed_credential(context: CheckContext, policy: ClaimedCredentialRule) -> Iterator[Violation]:
    """A certification, licence or title the candidate claims in words none of their own facts use:
    "as a certified Orgelbaumeister" where the facts give an apprenticeship certificate, and the word
    only in the interviewer's title."""
    facts = context.facts
    assert facts is not None
    # What the candidate and the interview are about: not the people's names and titles, nor the company.
    generic = {w.lower() for w in policy.generic}
    own: set[str] | None = None
    own_text = ""
    body = context.note.body[:context.signoff_start]
    for match in (match for matcher in policy.matchers for match in matcher.finditer(body)):
        said = [w for w in re.findall(r"[\w'’-]+", match.group("what")) if w.lower() not in STOPWORDS and w.lower() not in generic]
        if own is None:
            mine = [t.text for t in fact_texts(facts) if t.field not in IDENTITY_FIELDS - {"role"}]
            own, own_text = {s for text in mine for s in content_stems(text)}, " ".join(mine)
        rank = match.groupdict().get("rank")
        kind = policy.kind_of(rank) if rank else None
        unnamed = said and not any(set(content_stems(w)) & own for w in said)
        if unnamed or (kind is not None and kind.search(own_text) is None):
            found = body[match.start("rank") if rank else match.start("what"):match.end()].strip()
            yield _violation(context, policy, match.start(), match.end(), found=found)
            return


# "not Level 3", "rather than 25", "I said 8": the corrected value named as what it is.
_SAID_OR_DENIED = re.compile(r"\b(?:not|rather than|instead of|than|said|told you|mentioned|wrote|gave|from)\s+(?:[\w'’]+\s+){0,3}$", re.I)


@functools.lru_cache(maxsize=256)
def _corrections(clarified: tuple[str, ...], facts_text: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(how the wrong value reads in a note, the corrected statement) of each clarification that corrects
    a figure or a name the rest of the facts never give. A bare small number must come with what it counts."""
    from ..models.fact_reader import read_fact  # the one reading of jotted facts; imported when a note is checked

    found = []
    for item in clarified:
        for fact in read_fact(item, "clarify"):
            wrong = fact.wrong.strip()
            spelled = wrong.lower() in NUMBER_WORDS
            if fact.kind != "correction" or not (re.search(r"\d|[A-Z]", wrong) or spelled):
                continue
            pattern = rf"(?<![\w.]){re.escape(wrong)}(?![\w])"
            if re.fullmatch(r"\d{1,3}", wrong) or spelled:  # a small number: only with what it counts
                unit = re.search(rf"(?:\d+|{'|'.join(NUMBER_WORDS)})\s+([A-Za-z]{{3,}})", fact.text, re.I)
                if not unit:
                    continue
                pattern += rf"\s+{re.escape(unit.group(1))}"
            compiled = re.compile(pattern, re.I)
            if not compiled.search(facts_text):
                found.append((compiled, fact.text))
    return tuple(found)


def _contains_words(text: str, words: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(words)}(?![\w])", text, re.I) is not None


class WrongRoleRule(TitleAsRoleRule):
    # Ranks: a named job with one the role lacks is another job ("Chief Officer" for "Second Officer").
    ranks: list[Text] = Field(default_factory=list)


@rule("wrong_role", needs_facts=True, options=WrongRoleRule)
def wrong_role(context: CheckContext, policy: WrongRoleRule) -> Iterator[Violation]:
    """A job named as the one applied for ("the Assistant Winemaker position") that shares no word
    with the role or the company, or has a rank the role lacks, and is not an interviewer's title
    (that has its own rule)."""
    facts = context.facts
    assert facts is not None
    known = set(content_stems(f"{facts.role} {facts.company}"))
    role_words = {word.strip("(),").lower() for word in facts.role.split()}
    ranks = {rank.lower() for rank in policy.ranks} - role_words
    titles = {" ".join(p.title.split(",")[0].lower().split()) for p in facts.interviewers if p.title}
    for field, match in _named_jobs(context, tuple(policy.job_words)):
        named = match.group("named")
        stems = set(content_stems(named))
        other_rank = any(word.lower() in ranks for word in named.split())
        if not stems or (stems & known and not other_rank) or " ".join(named.lower().split()) in titles or named.upper() in _acronyms(facts.role):
            continue  # the role in other words, or a title (``title_as_role`` speaks to that)
        if " " not in named and context.fact_vocabulary.knows(named):
            continue  # "the Louth job": a place or project of the facts, not a job title
        if _CANDIDATE_OWN.search(getattr(context.note, field)[max(0, match.start() - 30):match.start()]):
            continue  # "my Assistant Winemaker job in Mendoza": the candidate's own past
        yield _violation(context, policy, match.start("named"), match.end("named"), field, found=named, role=facts.role)


_CANDIDATE_OWN = re.compile(r"\b(?:my|your|her|his|their|our)\s+(?:(?:current|previous|former|last|old|past)\s+)?$", re.I)


def _named_jobs(context: CheckContext, job_words: tuple[str, ...]) -> Iterator[tuple[str, re.Match[str]]]:
    """(field, match) of each capitalised name just before a job word ("Assistant Winemaker position"):
    the job words are found first, as they are rare, and only the words before them are read."""
    jobs, named = _job_patterns(job_words)
    for field in ("subject", "body"):
        text = getattr(context.note, field)
        for job in jobs.finditer(text):
            window = max(0, job.start() - _NAME_WINDOW)
            if match := named.search(text, window, job.start()):
                yield field, match


_NAME_WINDOW = 80  # characters before a job word: five capitalised words


@functools.lru_cache(maxsize=16)
def _job_patterns(job_words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    job = "|".join(map(re.escape, job_words)) or "role"
    return (re.compile(rf"\b(?:{job})\b"),
            re.compile(r"(?<![\w'’])(?P<named>[A-Z][\w-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w-]*){0,4})\s+$"))


@functools.lru_cache(maxsize=64)
def _title_pattern(titles: tuple[str, ...], job_words: tuple[str, ...], applied_for: tuple[str, ...]) -> PhraseMatcher | None:
    """"T role", "role of T" or "applying for T", for the titles T, but not "your T role" (theirs)."""
    def words(phrases: Iterable[str]) -> str:
        return "|".join(r"\s+".join(map(re.escape, phrase.lower().split())) for phrase in phrases)

    title, job, applied = words(titles), words(job_words) or "role", words(applied_for) or "applying for"
    return compile_phrases([
        rf"re:\b(?<!your )(?<!their )(?<!her )(?<!his )({title})\s+(?:{job})\b",
        rf"re:\b(?:{job})\s+of\s+(?:an?\s+|the\s+)?({title})\b",
        rf"re:\b(?:{applied})\s+(?:the\s+|an?\s+|your\s+)?(?:next\s+|new\s+)?(?:position\s+of\s+|role\s+of\s+)?({title})\b"
        r"(?!\s+(?:at|who|and|in|on|about|to)\b|\s*[,'’])",
        rf"re:\bjoin(?:ing)?\s+(?:[\w&.'’-]+\s+){{1,5}}?as\s+(?:an?\s+|the\s+|your\s+)?(?:next\s+|new\s+)?({title})\b"
        r"(?!\s+(?:at|who|and|in|on|about|to)\b|\s*[,'’]|(?-i:\s+[A-Z][a-z]))",  # not "join Chief Engineer Ali's team"
    ])


def _invented_counts_and_programs(context: CheckContext, policy: InventedFactRule,
                                  known_numbers: set[str]) -> Iterator[tuple[Token, str]]:
    """(where, what) of counts in words and named programs that the facts do not hold."""
    vocabulary = context.fact_vocabulary
    initiatives, generic, facilities, new_words = (policy.word_sets[key] for key in (
        "initiatives", "generic_modifiers", "facilities", "new_words"))
    message = context.message_tokens
    body = context.note.body
    for index, token in enumerate(message):
        count = number_value(token.lower)
        scale = _SCALES.get(message[index + 1].lower) if count is not None and index + 1 < len(message) else None
        if scale:  # "twelve thousand negatives" where the facts say 12,000
            count = str(int(count) * scale)
        if count is not None and count not in known_numbers and (int(count) >= 3 or (  # "two additional specialists"
                index + 1 < len(message) and message[index + 1].lower in ("additional", "more", "extra", "further", "new"))):
            counted = [t for t in message[index + 1:index + 3] if t.lower not in STOPWORDS]
            if any(vocabulary.knows(t.text) for t in counted):  # "seven booster stations" where the facts say three
                yield token, token.text
        if token.lower in facilities and index >= 2 and not vocabulary.knows(token.text):
            # "the new isolation ward": a new place named in a word the facts never use
            before, new = message[index - 1], message[index - 2]
            if new.lower in new_words and before.text.isalpha() and before.lower not in STOPWORDS \
                    and not _related_to_facts(vocabulary, before.lower) and not before.text[0].isupper():
                yield Token(body[new.start:token.end], new.start, token.end), body[before.start:token.end]
        if token.lower in initiatives:
            # "the|your|its|museum's [generic words] W1 W2 program": two or more words naming it
            modifiers: list[Token] = []
            determined = False
            later = token
            for before in reversed(message[max(0, index - 6):index]):
                if body[before.end:later.start].strip(" -"):
                    break
                later = before
                if before.lower in _DETERMINERS or before.lower.endswith(("'s", "’s")):
                    determined = True
                    break
                if before.lower in generic:
                    continue
                if before.lower in STOPWORDS or not before.text.isalpha() or before.text[0].isupper():
                    break  # a verb phrase, or a capitalised name the check above has looked at
                modifiers.append(before)
            unknown = [m for m in modifiers if not _related_to_facts(vocabulary, m.lower)]
            if determined and len(modifiers) >= 2 and len(unknown) * 2 >= len(modifiers):
                start = modifiers[-1].start
                yield Token(body[start:token.end], start, token.end), body[start:token.end]


def _miscounted(context: CheckContext) -> Iterator[tuple[str, int, int]]:
    """A number the facts give, but for something else: "18 operating rooms" where the facts say 14
    operating rooms (and 18 months), "the 40-barrel brewhouse" where they say 30-barrel."""
    counted = context.fact_vocabulary.counted
    body = context.note.body
    for match in _NOTE_COUNT.finditer(body) if counted else ():
        number = number_value(match.group(1)) or match.group(1).replace(",", "")
        if match.group(1).lower() in ("a", "an"):
            number = "1"  # "within an hour" where the facts say two hours
        unit = count_unit(match.group(2))
        given = counted.get(unit) if unit else None
        if given and any(number in numbers for other, numbers in counted.items() if other != unit and (
                other.endswith(unit) or unit.endswith(other))):
            continue  # "a 60-tow day" where the facts launch "60 aerotows"
        label = _NUMBER_LABEL.search(body, max(0, match.start() - 12), match.start())  # "Level 3 certification"
        if given and number not in given and not label and not _clock_time(body, match.start(1), match.end(1)):
            yield match.group(), match.start(), match.end()
    # Clarify points too: "Level 2, not Level 3" gives the level as much as a strength does.
    every_fact = context.facts_text + " " + " ".join(i for p in context.facts.interviewers for i in p.clarify).lower()
    levels = _levels(every_fact)
    for match in _LEVEL.finditer(body, 0, context.signoff_start):
        # "CAA Operations Level 2" where the facts give the candidate's Operations Level 1
        given = levels.get(_level_key(body, match))
        anywhere = {n for (_, label), numbers in levels.items() if label == match.group(1).lower() for n in numbers}
        if given and match.group(2) not in anywhere and not _SAID_OR_DENIED.search(body[max(0, match.start() - 40):match.start()]):
            yield match.group(), match.start(), match.end()
    ratios = set(_RATIO.findall(every_fact))
    for match in _RATIO.finditer(body, 0, context.signoff_start) if ratios else ():
        if match.group() not in ratios:  # "1:50 elevations" where the facts draw at 1:25
            yield match.group(), match.start(), match.end()
    for match in _VAGUE_COUNT.finditer(body, 0, context.signoff_start):
        # "dozens of wildlife patients" where the facts count two wildlife cases
        least = _VAGUE_LEAST[match.group(1).lower()]
        given = [n for word in match.group(2).split() if (unit := count_unit(word)) for n in counted.get(unit, ())]
        if given and all(float(n) < least for n in given):
            yield match.group(), match.start(), match.end()


# A number that names rather than counts: "Level 3", "Grade 2", "Part 1".
_NUMBER_LABEL = re.compile(r"\b(?:level|grade|class|tier|step|phase|stage|part|no\.?|number|version|type|category|band|unit|module|book)\s+$", re.I)
_NOTE_COUNT = re.compile(rf"(?<![\w.,$])(?<![A-Za-z]-)((?i:{COUNT_NUMBER})|(?<=within )an?)(?:-|\s+)([A-Za-z]{{3,}})\b")
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# A grade named by a number ("Level 2", "Band 5"), keyed by the word before it or, if that is a small word, after it.
_LEVEL = re.compile(r"\b(level|grade|band|tier|class|stage|step|category|module|part|year|dan|kyu)\s+(\d{1,2})\b", re.I)


@functools.lru_cache(maxsize=64)
def _levels(text: str) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for match in _LEVEL.finditer(text):
        found.setdefault(_level_key(text, match), set()).add(match.group(2))
    return found


def _level_key(text: str, match: re.Match[str]) -> tuple[str, str]:
    before = re.findall(r"[\w-]+", text[max(0, match.start() - 30):match.start()])
    after = re.findall(r"[\w-]+", text[match.end():match.end() + 30])
    word = before[-1].lower() if before and before[-1].lower() not in STOPWORDS else (after[0].lower() if after else "")
    return (stem(word), match.group(1).lower())


# A scale ("1:25"), not a time of day ("1:25 pm").
_RATIO = re.compile(r"(?<![\d:])1:\d{2,5}(?![\d:])(?!\s*(?:am|pm|a\.m|p\.m)\b)", re.I)
# A count said without a number, and the least it claims.
_VAGUE_LEAST = {"dozens": 24, "hundreds": 200, "thousands": 2000, "scores": 40, "countless": 50, "numerous": 5, "dozen": 12,
                "hundred": 80, "thousand": 800}
_VAGUE_COUNT = re.compile(r"\b(dozens|hundreds|thousands|scores|countless|numerous|(?<=a )dozen|(?<=a )hundred|(?<=a )thousand)\s+"
                          r"(?:of\s+)?((?:[A-Za-z-]{3,}\s+){0,2}[A-Za-z-]{3,})")


def _invented_plans(context: CheckContext, policy: InventedFactRule) -> Iterator[tuple[str, int, int]]:
    """(what, start, end) of each plan the note gives the interviewer in words mostly new to the facts."""
    cues = policy.pattern("plan_cues")
    if cues is None:
        return
    body, message = context.note.body, context.message_tokens
    lowered = body.lower()
    if not any(word in lowered for word in _PLAN_WORDS_SEEN):
        return  # most notes give the interviewer no plan: no need to scan
    generic = policy.word_sets["generic_modifiers"]
    starts = [t.start for t in message]
    for match in cues.finditer(body):  # the whole body: its lower-cased copy is the one every rule shares
        if match.start() >= context.signoff_start:
            break
        if _ASKED.search(body[max(0, match.start() - 20):match.start()]):
            continue  # "how you plan to stage it" is the candidate's question, not a claim
        clause_end = _CLAUSE_END.search(body, match.end())
        end = clause_end.start() if clause_end else len(body)
        first = bisect.bisect_left(starts, match.end())
        words = message[first:bisect.bisect_left(starts, end, first)][:_PLAN_WORDS]
        content = [t for t in words if t.text.replace("-", "").isalpha() and t.lower not in STOPWORDS and t.lower not in generic
                   and t.lower not in NUMBER_WORDS]
        unknown = [t for t in content if not _related_to_facts(context.fact_vocabulary, t.lower)]
        if len(unknown) >= 3 and len(unknown) * 2 > len(content):
            stop = words[-1].end
            yield body[match.start():stop], match.start(), stop


def _invented_identities(context: CheckContext, policy: InventedFactRule) -> Iterator[tuple[str, int, int]]:
    """(what, start, end) of each "as a <person>" the candidate claims to be that the facts never mention."""
    cues = policy.pattern("identity_cues")
    if cues is None:
        return
    body = context.note.body
    if "as a" not in body and "As a" not in body:  # every identity cue ends so
        return  # most notes: no need to scan
    for match in cues.finditer(body):
        if match.start() >= context.signoff_start:
            break
        if _NOT_IDENTITY_CUE.search(body, max(0, match.start() - 6), match.start()):
            continue  # "such as a", "as well as a": not who the candidate is
        words = _IDENTITY.match(body, match.end())
        if not words:
            continue
        head = words.group("head")
        if head.lower() in _NOT_PEOPLE:
            continue
        said = [w for w in words.group().split() if w not in _IDENTITY_GENERIC and w not in STOPWORDS]
        if all(_related_to_facts(context.fact_vocabulary, w) for w in said):
            continue
        yield words.group(), match.end(), words.end()


_NOT_IDENTITY_CUE = re.compile(r"\b(?:such|same|well|so|just) $", re.IGNORECASE)
# Up to three words, the last a word for a person ("former ground instructor", "paramedic"), then a break.
_IDENTITY = re.compile(r"(?:[a-z-]+ ){0,2}(?P<head>[a-z]+(?:er|or|ist|ian|ic|ant|ent|nurse|chef|lead|medic|tech|officer|"
                       r"parent|mother|father|veteran|volunteer|coach|mentor)s?)\b(?=\s*(?:[,.;:]|for|with|of|in|at|who|myself|I|as|and|since)\b)")
# Words that say what kind of the person, not who: "a former", "a licensed" add no claim of their own.
_IDENTITY_GENERIC = {"former", "licensed", "certified", "trained", "registered", "qualified", "experienced", "senior",
                     "junior", "new", "young", "lifelong", "proud", "working", "practicing", "practising", "longtime",
                     "long-time", "fellow", "big", "keen", "avid", "first-time", "full-time", "part-time"}
_NOT_PEOPLE = {"member", "number", "matter", "reminder", "whole", "result", "starter", "order", "former", "other", "rule",
               "center", "centre", "letter", "paper", "chapter", "layer", "filter", "buffer", "counter", "barrier",
               "corner", "border", "factor", "sector", "vector", "error", "mirror", "floor", "door", "minor", "major",
               "component", "element", "agent", "extent", "event", "moment", "point", "basic", "topic", "logic", "music"}


_CLAUSE_END = re.compile(r"[.,;:!?\n]|\s(?:and|but|which|so|because|is|are|was|were|sounds?|seems?|looks?|will|would|could|"
                         r"gave|made|helped|showed|left|told|means?|meant|felt|struck|stayed)\s")  # where the sentence goes on
# A word every plan cue holds (see ``plan_cues`` in the policy); a note without one has none.
_PLAN_WORDS_SEEN = ("plan", "goal", "intent", "aim", "ambition", "hop", "looking to", "want to", "invitation", "offer", "idea")
_ASKED = re.compile(r"\b(?:how|whether|what|when|where|if)\s+(?:\w+\s+)?$", re.IGNORECASE)
_PLAN_WORDS = 10  # a plan is said in a few words; past these the clause is about something else


_DETERMINERS = {"the", "your", "this", "that", "their", "its", "our", "a", "an", "his", "her"}


def _related_to_facts(vocabulary: Vocabulary, word: str) -> bool:
    """A word of the facts, or one that extends a longer stem of them ("mentorship" of "mentor")."""
    return vocabulary.knows(word) or any(word.startswith(s) for s in vocabulary.stems if len(s) >= 5)


def _clock_time(body: str, start: int, end: int) -> bool:
    """Part of a time of day such as 16:30: a time is not a claim about the candidate or the company."""
    return body[end:end + 1] == ":" and body[end + 1:end + 2].isdigit() or body[start - 1:start] == ":"


_HONORIFIC = re.compile(r"\b(?:Mr|Ms|Mrs|Mx|Dr|Prof|St|Sr|Jr)\.$")
_LOOK_BACK = 40  # characters: enough to see the end of the sentence before, and linear in the note's length


def _sentence_initial(body: str, start: int) -> bool:
    end = start
    while True:
        before = body[max(0, end - _LOOK_BACK):end].rstrip(" \t\"'“‘(")
        if before or end <= _LOOK_BACK:
            break
        end -= _LOOK_BACK  # a long run of spaces: look further back
    if _HONORIFIC.search(before):
        return False  # "Mr. Jenkins": the full stop ends a title, not a sentence
    return not before or before[-1] in ".!?:\n;。！？।؟"


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
    words, low = context.word_count, limits.min_words_error_for(context.pasted)
    if words < low or words > limits.max_words_error:
        yield _violation(context, policy, words=words, low=low, high=limits.max_words_error)


@rule("wall_of_text")
def wall_of_text(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    """A paragraph too long to read as one, as when a note is run into a single block."""
    most = context.policy.limits.max_paragraph_words
    offset = 0
    for line in context.note.body.split("\n"):
        words = count_words(line)
        if words > most:
            yield _violation(context, policy, offset, offset + len(line), words=words)
            return
        offset += len(line) + 1


class BulletListRule(RulePolicy):
    max_items: int = 2  # more lines than this that start with a bullet or a number: a list, not a letter


@rule("bullet_list", options=BulletListRule)
def bullet_list(context: CheckContext, policy: BulletListRule) -> Iterator[Violation]:
    """A note laid out as a list or a report ("- Topics: ...", "1. ..."), not written as a letter."""
    items = list(_BULLET_LINE.finditer(context.note.body))
    if len(items) > policy.max_items:
        yield _violation(context, policy, items[0].start(), items[-1].end(), items=len(items))


_BULLET_LINE = re.compile(r"^[ \t]*(?:[-*•·▪–]|\d{1,2}[.)])[ \t]+\S.*$", re.M)


@rule("length_range")
def length_range(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    limits = context.policy.limits
    words = context.word_count
    if limits.min_words_error_for(context.pasted) <= words < limits.min_words or limits.max_words < words <= limits.max_words_error:
        yield _violation(context, policy, words=words, low=limits.min_words, high=limits.max_words)


@rule("subject")
def subject(context: CheckContext, policy: RulePolicy) -> Iterator[Violation]:
    """No subject (in a note pasted into ``check``, often an email's body alone, see ``pasted_severity``)."""
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


