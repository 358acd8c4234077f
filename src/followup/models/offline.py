"""The offline composer: a deterministic note writer that needs no network and no key.

It builds each note from the facts with sentence patterns chosen so that a fact reads
naturally whatever its phrasing ("about <topic>" works for "cutting pages by 40%",
"how the team splits work" and "the on-call rotation" alike). The interviewer's place in
the panel picks the patterns, so notes to one panel differ in more than the name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from ..facts import Facts, Interviewer
from ..notes import Note, count_words
from .base import DraftRequest, ModelReply
from .tweaks import UnsupportedTweak, parse_tweak

# Words that start a fact but are not names, so they are lower-cased mid-sentence.
_COMMON_STARTS = {
    "a", "an", "the", "how", "what", "why", "when", "where", "which", "our", "my", "we",
    "your", "their", "its", "this", "that", "these", "those", "both", "some", "more",
}
_NEGATIVE = re.compile(
    r"\b(blank\w*|fumbl\w*|stumbl\w*|mess\w* up|botch\w*|struggl\w*|wrong|mistake\w*|undersold|understated|"
    r"downplayed)\b", re.I)
_VERBS = "mention|say|talk about|bring up|explain|show|describe|cover|share|walk through|go into|highlight"
_DONE_FORMS = {"mentioned": "mention", "said": "say", "talked about": "talk about", "brought up": "bring up",
               "explained": "explain", "shown": "show", "showed": "show", "described": "describe",
               "covered": "cover", "shared": "share", "highlighted": "highlight"}
_NOT_DONE = re.compile(
    rf"^(?:I\s+)?(?:did not|didn't|forgot to|never got to|neglected to|failed to)\s+({_VERBS})\s+(.+)$"
    rf"|^(?:I\s+)?(?:should have|wish I had|could have)\s+({'|'.join(_DONE_FORMS)})\s+(.+)$", re.I)
# "I want to add that X", "I'd like to add X": the addition is X.
_ADDITION = re.compile(r"^I(?:\s+(?:want|wanted|would like|'d like)\s+to|'d\s+like\s+to)\s+(?:add|say|mention)\s+(?:that\s+)?(.+)$", re.I)
_CORRECTION = re.compile(r"^I said (.+?),? but (?:it(?:'s| is| was)|that(?:'s| is| was))? ?(?:actually |really )?(.+)$", re.I)
# A third person at the start of a fact about the interviewer: "she asked how ...", "he has a dog".
_THIRD_PERSON = re.compile(r"^(?:she|he|they)\s+(?:asked(?:\s+me)?|mentioned|said|explained|described|told me)"
                           r"(?:\s+(?:that|about))?\s+(.+)$", re.I)
_QUESTION_ABOUT = re.compile(r"\b(?:question|answer)\s+(?:about|on|regarding|around)\s+(.+)$", re.I)
# A clarify point that sells the candidate short: "less experience with X than other candidates".
_SELF_DOUBT = re.compile(
    r"\b(?:less|little|limited|no|not (?:much|enough|a lot of)) (?:experience|background|exposure|practice)\b"
    r"|\bthan (?:the )?other (?:candidates|applicants)\b|\bnot as (?:strong|experienced|skilled)\b", re.I)
_SUBJECT_OF = re.compile(r"\b(?:with|in|on|about|of|at)\s+(.+?)(?:\s+than\b.*)?$", re.I)
# Where a clarify point turns from its subject to what went wrong: "... on error budgets | was rushed".
_SHORTCOMING = re.compile(
    r"\s+(?:was|were|felt|came out|came across|sounded|seemed|got|skipped|missed|left out|lacked|did not|didn't)\b.*$", re.I)
SHORT_NOTE_WORDS = 85
SUBJECT_CHARS = 78
# Words too common for a repeated pair of them to read as repetition.
_FILLER = {"a", "an", "the", "to", "of", "in", "on", "at", "for", "and", "with", "my", "your", "our", "i", "you",
           "we", "it", "is", "was", "that", "this", "about", "me", "be", "as", "by", "am", "are", "so", "from",
           "have", "had", "has", "will", "would", "i'd", "i'm"}
# Words of appreciation that read as a tic when they come twice in one short note.
_STOCK_WORDS = {"appreciated", "enjoyed", "pleasure", "glad", "great", "highlight", "exciting", "keen", "welcome",
                "valued", "informative", "useful"}
_CLAUSE_VERB = re.compile(r"\b(is|are|was|were|has|have|had|will|plans?|wants?|uses?|runs?|needs?)\b")


@dataclass(frozen=True)
class Style:
    """How to shape the note; tweaks adjust these."""

    tone: str = "warm"
    length: int = 0  # -2 shortest .. 2 longest, on top of the tone's own length
    mention: tuple[str, ...] = ()  # facts to put first
    avoid: tuple[str, ...] = field(default_factory=tuple)  # facts to leave out

    @property
    def level(self) -> int:
        """How much the note says: concise notes start one step shorter."""
        return max(-2, min(2, self.length - (1 if self.tone == "concise" else 0)))


class OfflineComposer:
    name = "offline"
    timeout = None  # nothing to wait for

    def complete(self, request: DraftRequest) -> ModelReply:
        style = style_for(request.facts, request.interviewer, request.tweak_chain)
        note = compose(request.facts, request.interviewer, style)
        if request.tweaks:
            before = compose(request.facts, request.interviewer,
                             style_for(request.facts, request.interviewer, request.tweak_chain[: -len(request.tweaks)]))
            _check_tweaks_took_effect(request.tweaks, before, note)
        return ModelReply(note=note, raw=json.dumps(note.model_dump(), ensure_ascii=False))


def style_for(facts: Facts, interviewer: Interviewer, tweaks: list[str]) -> Style:
    """The facts' tone with every tweak of the chain applied in order."""
    style = Style(tone=facts.tone)
    for asked in tweaks:
        tweak = parse_tweak(asked, facts, interviewer)
        if tweak.kind == "shorter":
            style = replace(style, length=style.length - 1)
        elif tweak.kind == "longer":
            style = replace(style, length=style.length + 1)
        elif tweak.kind == "concise" and style.tone == "concise":
            style = replace(style, length=style.length - 1)
        elif tweak.kind in ("formal", "warm", "concise"):
            if style.tone == tweak.kind:
                raise UnsupportedTweak(f"{asked!r}: the note is already {tweak.kind}")
            style = replace(style, tone=tweak.kind)
        elif tweak.kind == "mention":
            style = replace(style, mention=style.mention + tweak.facts,
                            avoid=tuple(a for a in style.avoid if a not in tweak.facts))
        elif tweak.kind == "avoid":
            style = replace(style, avoid=style.avoid + tweak.facts,
                            mention=tuple(m for m in style.mention if m not in tweak.facts))
    return style


def _check_tweaks_took_effect(tweaks: list[str], before: Note, after: Note) -> None:
    """A tweak that changes nothing is refused rather than passed off as done."""
    if after == before:
        raise UnsupportedTweak(f"{' and '.join(map(repr, tweaks))}: the note already reads that way; nothing changed")
    words_before, words_after = count_words(before.body), count_words(after.body)
    for asked in tweaks:
        lowered = asked.lower()
        if "short" in lowered or "brief" in lowered or "trim" in lowered or "concise" in lowered:
            if words_after >= words_before:
                raise UnsupportedTweak(f"{asked!r}: the offline composer cannot make this note any shorter; "
                                       "edit it by hand or use a language model (--model)")
        if "long" in lowered or "expand" in lowered or "detail" in lowered:
            if words_after <= words_before:
                raise UnsupportedTweak(f"{asked!r}: the facts hold nothing more to add; add topics or strengths "
                                       "to the facts file, or use a language model (--model)")


def compose(facts: Facts, interviewer: Interviewer, style: Style) -> Note:
    """Write a complete note for one interviewer."""
    seat = _seat(facts, interviewer)
    pick = _Picker(seat, set(re.findall(r"[a-z']+", facts.model_dump_json().lower())))
    formal = style.tone == "formal"
    level = style.level

    references = _references(interviewer, style)
    strengths = _strengths_for(facts, references, style, seat)
    paragraphs = [
        _greeting(interviewer, style.tone, pick),
        " ".join(filter(None, [
            _thanks(facts, style.tone, pick),
            _first_reference(references, strengths[:1] if level > -2 else [], seat, formal, pick),
        ])),
    ]
    second = _second_reference(references[1], pick) if len(references) > 1 else ""
    if second and level >= 0:
        paragraphs.append(second)
    first_strength_used = bool(references) and references[0][0] == "topic" and level > -2
    more_strengths = strengths[1:2] if level >= 1 else []
    if strengths and strengths[0] in style.mention and not first_strength_used:
        more_strengths = strengths[:1]  # asked for by a tweak: say it even where no topic carries it
    extra = [_second_reference(r, pick) for r in references[2:]] if level >= 1 else []
    extra += [pick([f"I would also bring {_phrase(s)} to the team."]) for s in more_strengths]
    if extra:
        paragraphs.append(" ".join(extra))
    clarify = [c for c in interviewer.clarify if c not in style.avoid]
    clarify.sort(key=lambda c: c not in style.mention)
    clarifications = [pick([_clarification(point, formal, pick)]) for point in clarify]
    if clarifications:
        paragraphs.append(" ".join(clarifications[:1] if level < 0 else clarifications))
    paragraphs.append(" ".join(filter(None, [_interest(facts, style, pick), _closing_line(style.tone, pick)])))
    paragraphs.append(_signature(facts, style.tone, pick))
    if second and level == -1 and count_words("\n\n".join(paragraphs)) < SHORT_NOTE_WORDS:
        # A concise note still needs substance: below the length a note should have, cite a second fact.
        paragraphs.insert(2, second)
    # The subject is read on its own: it need not avoid the body's words, so it gets its own picker.
    subject = _subject(facts, interviewer, style.tone, _Picker(seat, set()))
    return Note(subject=subject, body="\n\n".join(paragraphs))


# --- pieces ----------------------------------------------------------------------------


class _Picker:
    """Chooses among phrasings: the interviewer's seat in the panel picks first, so notes to one
    panel differ; a phrasing that would repeat two words the note already used is passed over."""

    def __init__(self, seat: int, fact_words: set[str]) -> None:
        self.seat = seat
        self.slot = 0
        self.fact_words = fact_words
        self.said: set[tuple[str, ...]] = set()

    def __call__(self, options: list[str]) -> str:
        self.slot += 1
        # The seat shifts every slot's choice, so two interviewers never share a phrasing in the same slot
        # (while the panel is no larger than the options); the slot mixes which options go together.
        start = (self.seat + self.slot * 7) % len(options)
        rotated = options[start:] + options[:start]
        choice = next((option for option in rotated if not self._marks(option) & self.said), rotated[0])
        self.said |= self._marks(choice)
        return choice

    def _marks(self, text: str) -> set[tuple[str, ...]]:
        """What would read as repeated: a pair of words (not both filler), or one of the stock verbs of thanks."""
        words = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in self.fact_words]
        pairs = {(a, b) for a, b in zip(words, words[1:]) if not (a in _FILLER and b in _FILLER)}
        return pairs | {(w,) for w in words if w in _STOCK_WORDS}


def _seat(facts: Facts, interviewer: Interviewer) -> int:
    names = [p.name for p in facts.interviewers]
    return names.index(interviewer.name) if interviewer.name in names else 0


def _references(interviewer: Interviewer, style: Style) -> list[tuple[str, str]]:
    """(kind, text) for the facts to cite, the ones the user asked to mention first."""
    items = [("topic", t) for t in interviewer.topics] + [("interest", i) for i in interviewer.shared_interests]
    items = [item for item in items if item[1] not in style.avoid]
    wanted = [item for item in items if item[1] in style.mention]
    topics = [item for item in items if item not in wanted and item[0] == "topic"]
    interests = [item for item in items if item not in wanted and item[0] == "interest"]
    # One topic and one shared interest read less like a recap than two topics.
    ordered = wanted + topics[:1] + interests[:1] + topics[1:] + interests[1:]
    limit = 3 if style.level >= 1 else 2
    return ordered[:limit]


def _strengths_for(facts: Facts, references: list[tuple[str, str]], style: Style, seat: int) -> list[str]:
    """The candidate's strengths, best first: asked for, then closest to what was discussed, then by seat."""
    strengths = [s for s in facts.candidate.strengths if s not in style.avoid]
    if not strengths:
        return []
    topic_words = set(re.findall(r"[a-z]{4,}", " ".join(text for _, text in references).lower()))
    rotation = {s: (i - seat) % len(strengths) for i, s in enumerate(strengths)}
    return sorted(strengths, key=lambda s: (s not in style.mention,
                                            -len(topic_words & set(re.findall(r"[a-z]{4,}", s.lower()))),
                                            rotation[s]))


def _greeting(interviewer: Interviewer, tone: str, pick: _Picker) -> str:
    if tone == "formal":
        return f"Dear {interviewer.formal_address},"
    if tone == "concise":
        return f"Hello {interviewer.first_name},"
    return pick([f"Dear {interviewer.first_name},", f"Hello {interviewer.first_name},", f"Hi {interviewer.first_name},"])


def _thanks(facts: Facts, tone: str, pick: _Picker) -> str:
    role, company = facts.role, facts.company
    meeting = {"video": "speaking with me", "phone": "speaking with me"}.get(facts.interview.format or "", "meeting with me")
    if tone == "formal":
        return pick([
            f"Thank you for {meeting} about the {role} position at {company}.",
            f"Thank you for the time you gave me during my interview for the {role} position at {company}.",
            f"Thank you for the opportunity to discuss the {role} position at {company} with you.",
        ])
    return pick([
        f"Thank you for {meeting} about the {role} role at {company}.",
        f"Thank you for your time during my interview for the {role} role at {company}.",
        f"Thanks for taking the time to talk with me about the {role} role at {company}.",
        f"I appreciated the chance to talk with you about the {role} role at {company}. Thank you for your time.",
    ])


def _first_reference(references: list[tuple[str, str]], strengths: list[str], seat: int, formal: bool,
                     pick: _Picker) -> str:
    if not references:
        return ""
    kind, text = references[0]
    sentence = _interest_sentence(text, pick) if kind == "interest" else _topic_sentence(text, formal, pick)
    if strengths and kind == "topic":
        strength = _phrase(strengths[0])
        sentence += " " + pick([
            f"It connects directly to my own background: {strength}.",
            f"That lines up well with my experience: {strength}.",
            f"It is close to the work I know best: {strength}.",
        ])
    return sentence


def _topic_sentence(topic: str, formal: bool, pick: _Picker) -> str:
    topic = _about(topic)
    if formal:
        return pick([
            f"I particularly valued our discussion about {topic}.",
            f"Our conversation about {topic} was especially informative.",
            f"I appreciated your perspective on {topic}.",
        ])
    return pick([
        f"I especially enjoyed our conversation about {topic}.",
        f"I keep thinking about what you shared about {topic}.",
        f"It was great to hear your perspective on {topic}.",
        f"Our discussion about {topic} was a highlight of the day for me.",
    ])


def _interest_sentence(interest: str, pick: _Picker) -> str:
    interest = _second_person(_phrase(interest))
    if interest.lower().startswith(("we ", "both of us", "you ", "i ", "my ", "our ")):
        return pick([f"It was a pleasure to discover that {interest}.", f"I also enjoyed finding out that {interest}.",
                     f"It was good to learn that {interest}."])
    return pick([
        f"I also enjoyed finding our shared interest in {interest}.",
        f"It was a pleasure to discover that we share an interest in {interest}.",
    ])


def _second_reference(reference: tuple[str, str], pick: _Picker) -> str:
    kind, text = reference
    if kind == "interest":
        return _interest_sentence(text, pick)
    return pick([
        f"I also appreciated hearing about {_about(text)}.",
        f"I was glad we also had time to talk about {_about(text)}.",
        f"Our exchange about {_about(text)} was just as useful.",
    ])


def _clarification(point: str, formal: bool, pick: _Picker) -> str:
    """A clarify point as a confident addition, never a rerun of what went wrong.

    "my answer on X was incomplete; I have led Y" keeps its second half: that is what to add.
    """
    parts = re.split(r"\s*(?:;|\s-\s|:)\s*", _phrase(point), maxsplit=1)
    problem, addition = parts[0], (_phrase(parts[1]) if len(parts) > 1 else "")
    more = "I would be glad to share more about it." if formal else "I'd be glad to tell you more about it."
    tail = f" I would add that {addition}." if addition else f" {more}"
    if match := _ADDITION.match(problem):
        return f"I would also like to add that {match.group(1)}."
    if match := _NOT_DONE.match(problem):
        verb = (match.group(1) or _DONE_FORMS[match.group(3).lower()]).lower()
        subject = match.group(2) or match.group(4)
        if subject.lower().startswith(("i ", "i'", "we ", "my team ")):
            subject = "that " + subject
        return f"I realize I did not {verb} {subject}.{tail}"
    if _SELF_DOUBT.search(problem) and (match := _SUBJECT_OF.search(problem)):
        return f"I would welcome the chance to tell you more about my approach to {match.group(1)}."
    if match := _QUESTION_ABOUT.search(problem):
        subject = _SHORTCOMING.sub("", match.group(1))
        if addition:
            return f"In further consideration of your question about {subject}, I would add that {addition}."
        return f"In further consideration of your question about {subject}, I would welcome the chance to expand on my answer."
    if _NEGATIVE.search(problem):
        subject = re.split(r"\b(?:on|about|with|regarding)\b", problem, maxsplit=1)[-1].strip()
        subject = _SHORTCOMING.sub("", re.sub(r"^I\s+\w+\s+", "", subject))
        return f"I have given more thought to {subject} since we spoke.{tail}"
    if match := _CORRECTION.match(problem):
        return f"One correction: I said {match.group(1)}, but it is actually {match.group(2)}."
    if problem.lower().startswith(("i ", "i'")):
        return f"I would also like to add that {problem}.{tail if addition else ''}"
    return f"I would also like to add a word about {problem}.{tail}"


def _interest(facts: Facts, style: Style, pick: _Picker) -> str:
    role, company = facts.role, facts.company
    highlights = [h for h in facts.interview.highlights if h not in style.avoid]
    highlights.sort(key=lambda h: h not in style.mention)
    highlight = highlights[0] if highlights and (style.level >= 0 or highlights[0] in style.mention) else ""
    if highlight and _CLAUSE_VERB.search(highlight):
        lead = pick([
            f"Learning that {_phrase(highlight)} made me even more interested in joining {company}.",
            f"It was exciting to hear that {_phrase(highlight)}.",
            f"Knowing that {_phrase(highlight)}, I can see where I would contribute at {company}.",
        ])
    elif highlight:
        lead = pick([
            f"Hearing about {_phrase(highlight)} made me even more interested in joining {company}.",
            f"I was glad to hear about {_phrase(highlight)}.",
        ])
    else:
        lead = ""
    renewal = pick([
        f"I am very interested in the {role} role and in contributing to the team.",
        f"I would welcome the chance to contribute as {_article(role)} {role}.",
        f"I left our conversation keen to join the team as {_article(role)} {role}.",
    ]) if lead else pick([
        f"I am very interested in the {role} role and in contributing to the team at {company}.",
        f"I would welcome the chance to contribute to {company} as {_article(role)} {role}.",
        f"Our conversation confirmed my interest in joining {company}.",
    ])
    return " ".join(filter(None, [lead, renewal]))


def _closing_line(tone: str, pick: _Picker) -> str:
    if tone == "formal":
        return pick(["Thank you again for your time and consideration.", "I look forward to the next steps in the process."])
    if tone == "concise":
        return pick(["Thank you again.", "I look forward to next steps."])
    return pick(["Thank you again for your time.", "Thanks again for a great conversation.", "I look forward to hearing about next steps."])


def _signature(facts: Facts, tone: str, pick: _Picker) -> str:
    closing = {
        "formal": ["Sincerely,", "Kind regards,", "Respectfully,"],
        "concise": ["Best,", "Best regards,", "Kind regards,"],
    }.get(tone, ["Warm regards,", "Best regards,", "All the best,"])
    lines = [pick(closing), facts.candidate.name]
    contact = " | ".join(filter(None, [facts.candidate.email, facts.candidate.phone]))
    if contact:
        lines.append(contact)
    return "\n".join(lines)


def _subject(facts: Facts, interviewer: Interviewer, tone: str, pick: _Picker) -> str:
    options = [
        f"Thank you for the {facts.role} interview",
        f"Thank you, {interviewer.first_name}",
        f"Following up on my {facts.role} interview at {facts.company}",
        f"Thanks for your time, {interviewer.first_name}",
    ]
    if tone == "formal":
        options = [f"Thank you for your time, {interviewer.formal_address}", f"Thank you: {facts.role} interview"]
    return pick([option for option in options if len(option) <= SUBJECT_CHARS] or ["Thank you for your time"])


def _phrase(text: str) -> str:
    """A fact as a phrase to embed mid-sentence: no final stop, a common first word lower-cased."""
    text = text.strip().rstrip(".!;")
    first = text.split(" ", 1)[0]
    if first.lower() in _COMMON_STARTS or (first.endswith("ing") and first[:1].isupper() and first[1:].islower()):
        text = first.lower() + text[len(first):]
    return text


def _about(fact: str) -> str:
    """A fact as what a conversation was about: "she asked how I would X" reads as "how I would X"."""
    text = _phrase(fact)
    if match := _THIRD_PERSON.match(text):
        text = _phrase(match.group(1))
    return _second_person(text)


_THIRD_PERSON_VERB = {"has": "have", "is": "are", "was": "were", "does": "do"}


def _second_person(clause: str) -> str:
    """A clause about the interviewer, said to them: "she also has a dog" -> "you also have a dog"."""
    match = re.match(r"^(she|he|they)\s+((?:also|too|both|really)\s+)?(\w+)(.*)$", clause, re.I)
    if not match:
        return clause
    verb = match.group(3)
    if verb.lower() in _THIRD_PERSON_VERB:
        verb = _THIRD_PERSON_VERB[verb.lower()]
    elif match.group(1).lower() != "they" and verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif match.group(1).lower() != "they" and re.search(r"(?:ss|sh|ch|x|z)es$", verb):
        verb = verb[:-2]
    elif match.group(1).lower() != "they" and verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    return f"you {match.group(2) or ''}{verb}{match.group(4)}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"
