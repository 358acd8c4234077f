"""The offline composer: a deterministic note writer that needs no network and no key.

Every jotted fact is first read for what it is (:mod:`followup.models.fact_reader`): a topic, the
interviewer's question, something they said, a correction, a regret. The composer then picks a
sentence frame that fits that kind (:mod:`followup.models.frames`); a fact that fits none is left
out, never pasted. Choices are seeded by the facts and shifted by the interviewer's seat in the
panel, and no sentence of ten or more words is reused from an earlier note of the same panel.

Every piece a note could hold is phrased in one fixed order before the style decides which
pieces to keep, so a tweak ("shorter", "mention X") changes what it asks for and nothing else.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..facts import IDENTITY_FIELDS, Facts, Interviewer, capitalised_words, fact_texts, written_name
from ..guardrails import load_policy
from ..guardrails.text import SENTENCE_END, Vocabulary, content_stems, find_citation, find_greeting, lines_of, signoff_offset, tokens
from ..notes import Note, count_words
from .base import DraftRequest, ModelReply
from .fact_reader import Fact, acronyms_capitalised, read_candidate_facts, read_interviewer_facts, salvage_topic, tidy
from .frames import FRAMES
from .tweaks import UnsupportedTweak, parse_tweak

if TYPE_CHECKING:
    from ..guardrails import Violation

# A concise note is padded to this many words above the policy's min_words, so a light tweak stays within it.
SHORT_NOTE_MARGIN = 5
LONG_SENTENCE_WORDS = 10  # a sentence this long must not recur in two notes of one panel
# Words too common for a repeated pair of them to read as repetition.
_FILLER = {"a", "an", "the", "to", "of", "in", "on", "at", "for", "and", "with", "my", "your", "our", "i", "you",
           "we", "it", "is", "was", "that", "this", "about", "me", "be", "as", "by", "am", "are", "so", "from",
           "have", "had", "has", "will", "would", "i'd", "i'm"}
# Words of appreciation that read as a tic when they come twice in one short note.
_STOCK_WORDS = {"appreciated", "enjoyed", "pleasure", "glad", "great", "highlight", "exciting", "keen", "welcome",
                "valued", "informative", "useful", "helpful", "excited", "delighted", "conversation", "thanks"}
# Stems too general for a strength and a topic to share meaning through them.
_GENERIC_STEMS = set(content_stems("experience years year skills background people staff patients customers "
                                   "clients students work job role position handling managing running strong good "
                                   "level time day week month large small high low open care service number part "
                                   "process program plan support"))
_ABOUT_SELF = re.compile(r"^(?:my|how I|what I|why I|when I|where I|whether I|I)\b")
# Lengths by level: facts cited, strengths said, clarify points, highlights.
_REFERENCES = {-2: 1, -1: 1, 0: 2, 1: 3, 2: 4}
_STRENGTHS = {-2: 0, -1: 0, 0: 1, 1: 2, 2: 3}
_HIGHLIGHTS = {-2: 0, -1: 0, 0: 1, 1: 1, 2: 2}


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
        style = style_for(request.facts, request.interviewer, request.tweak_chain, len(request.tweaks))
        note = compose(request.facts, request.interviewer, style)
        if request.violations:
            note = leave_out_flagged(note, request.violations)
        if request.tweaks:
            # Against the version the user has: the facts may have been edited since it was written.
            before = request.previous or compose(request.facts, request.interviewer, style_for(
                request.facts, request.interviewer, request.tweak_chain[: -len(request.tweaks)], 0))
            _check_tweaks_took_effect(request.tweaks, before, note)
        return ModelReply(note=note, raw=json.dumps(note.model_dump(), ensure_ascii=False))


# What the composer repairs by leaving a sentence out: how a sentence reads, not what the note lacks.
_LEFT_OUT_CATEGORIES = ("positivity", "professionalism")


def leave_out_flagged(note: Note, violations: list[Violation]) -> Note:
    """The note without the sentences that ``violations`` found fault with.

    The composer's sentences are each built to pass the rules, but a fact may still carry a
    word a rule reads as unprofessional or negative ("your dog" from a client's dog), or a learned
    rule may read a sentence as pressing for an answer. Re-asked, the composer would write the
    same note again, so it drops the sentence that holds what was flagged. The guardrails check
    what is left like any draft.
    """
    body = note.body
    for violation in violations:
        if violation.field != "body" or violation.category not in _LEFT_OUT_CATEGORIES:
            continue
        lines = lines_of(body)  # the greeting and the sign-off are no sentences to leave out ("Dear Mgr inż. Nowak,")
        greeting = find_greeting(lines)
        message = range(greeting.end if greeting else 0, signoff_offset(lines, body))
        excerpt = violation.excerpt.removesuffix("...")
        if not excerpt.strip():
            continue
        # Where the rule found it, if the body is still the one it read; else the excerpt as a whole word.
        if body[violation.start:violation.start + len(excerpt)] == excerpt:
            found = violation.start
        else:
            match = re.search(rf"(?<!\w){re.escape(excerpt)}(?!\w)", body)
            if match is None:
                continue
            found = match.start()
        if found not in message:
            continue
        # The sentence: from the end of the one before (or the line's start) to its own end (or the line's).
        start = max(max((m.end() for m in SENTENCE_END.finditer(body, 0, found)), default=0), body.rfind("\n", 0, found) + 1)
        end_mark = SENTENCE_END.search(body, found + len(excerpt) - 1)
        line_end = body.find("\n", found + len(excerpt))
        end = min(end_mark.end() if end_mark else len(body), line_end if line_end >= 0 else len(body))
        before, after = body[:start], body[end:].lstrip(" ")
        space = " " if before[-1:] not in ("", " ", "\n") and after[:1] not in ("", "\n") else ""
        body = before + space + after  # "... picking." and "I hope ...": two sentences, one space between
    body = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", body))
    return note if body == note.body else note.model_copy(update={"body": body})


def style_for(facts: Facts, interviewer: Interviewer, tweaks: list[str], new: int | None = None) -> Style:
    """The facts' tone with every tweak of the chain applied in order.

    Only the last ``new`` tweaks (all when None) must apply: an earlier one that no longer
    matches the facts (the facts file was edited since) is passed over.
    """
    style = Style(tone=facts.tone)
    first_new = len(tweaks) - (len(tweaks) if new is None else new)
    for index, asked in enumerate(tweaks):
        try:
            tweak = parse_tweak(asked, facts, interviewer)
        except UnsupportedTweak:
            if index >= first_new:
                raise
            continue
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
    """Write a complete note for one interviewer, unlike the notes to those before them in the panel."""
    seat = _seat(facts, interviewer)
    taken: set[str] = set()
    for earlier in facts.interviewers[:seat]:
        taken |= long_sentences(_compose(facts, earlier, Style(tone=style.tone), frozenset(taken)).body)
    return _compose(facts, interviewer, style, frozenset(taken))


def long_sentences(body: str) -> set[str]:
    """The sentences of a note long enough that a second note of the panel must not repeat them."""
    found = set()
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", body):
        words = re.findall(r"[a-z0-9'%-]+", sentence.lower())
        if len(words) >= LONG_SENTENCE_WORDS:
            found.add(" ".join(words))
    return found


# --- the note --------------------------------------------------------------------------


@dataclass
class _Piece:
    """One sentence the note may hold, with the fact it cites (for mention and avoid)."""

    text: str
    fact: Fact | None = None


def _compose(facts: Facts, interviewer: Interviewer, style: Style, taken: frozenset[str]) -> Note:
    seat = _seat(facts, interviewer)
    seed = zlib.crc32(f"{facts.candidate.name}|{facts.company}|{facts.role}".encode())
    pick = _Picker(seed, seat, set(re.findall(r"[a-z']+", facts.model_dump_json().lower())), taken, style.tone)
    own = read_interviewer_facts(facts, seat) if seat < len(facts.interviewers) else \
        {"topics": [], "shared_interests": [], "clarify": []}
    candidate = read_candidate_facts(facts)
    role = role_case(facts.role)
    values = {"role": role, "company": proper_case(facts.company), "a_role": f"{_article(role)} {role}",
              "meeting": {"video": "speaking with me", "phone": "speaking with me"}.get(facts.interview.format or "",
                                                                                      "meeting with me")}

    # Every piece, phrased in one fixed order whatever the style keeps (see the module docstring).
    citations = _Citations(facts, interviewer.name, style.tone)
    references = _citing_first(_reference_facts(own), own, citations)
    clarify_facts = [f for f in own["clarify"] if f.kind != "unusable"] + \
        [f for f in own["topics"] + own["shared_interests"] if f.kind in _CLARIFY_KINDS]
    strengths = _ordered_strengths([f for f in candidate["strengths"] if f.kind != "unusable"], references, seat)
    highlights = [f for f in candidate["highlights"] if f.kind == "highlight"]

    thanks = pick("thanks", values)
    # The first fact cited is said in a phrasing that the guardrails count as citing it.
    # The first fact follows the thanks, so it is not thanked for again ("Thanks for ... Thank you for asking ...").
    first_forms = {id(f): pick(citations.first_slot(f), values, x=f.text, added=f.added,
                               keep=(lambda text, f=f: citations.cites(f, text) and not _THANKS.match(text),
                                     lambda text, f=f: citations.cites(f, text)))
                   if i == 0 else pick(f"first.{_kind(f)}", values, x=f.text, added=f.added, keep=lambda text: not _THANKS.match(text))
                   for i, f in enumerate(references)}
    later_forms = {id(f): pick(f"later.{_kind(f)}", values, x=f.text, added=f.added) for f in references}
    related = {id(s): pick(f"related.{s.kind}", values, x=s.text) for s in strengths}
    alone = {id(s): pick(f"alone.{s.kind}", values, x=s.text) for s in strengths}
    clarifications = {id(f): _clarification(f, pick, values) for f in clarify_facts}
    highlight_lines = {id(h): pick("highlight", values, x=h.text) for h in highlights}
    renewal_after = pick("renewal.after_highlight", values, after=tuple(highlight_lines.values()))
    renewal_alone = pick("renewal", values, after=tuple(alone.values()))
    closing = pick("closing", values, after=(renewal_after, renewal_alone),
                   keep=lambda text: not _ECHOED_WORD.search(text) or not any(
                       _ECHOED_WORD.search(renewal) for renewal in (renewal_after, renewal_alone)))
    signoff = pick("signoff", values)

    # What this style keeps.
    level = style.level
    wanted = set(style.mention)
    kept_references = [f for f in references if f.source not in style.avoid]
    chosen = kept_references[: _REFERENCES[level]]
    mentioned = [f for f in kept_references if f.source in wanted and f not in chosen]
    spare = [f for f in kept_references if f not in chosen and f not in mentioned]
    kept_strengths = [s for s in strengths if s.source not in style.avoid]
    kept_clarify = [f for f in clarify_facts if f.source not in style.avoid]
    kept_highlights = [h for h in highlights if h.source not in style.avoid]

    combined: dict[tuple[str, ...], str] = {}

    def clarified(points: list[Fact]) -> list[str]:
        """The clarify sentences; things not mentioned are said in one sentence, not one each."""
        missing = sorted((f for f in points if f.kind == "missing"), key=lambda f: f.text.startswith("that "))
        if len(missing) < 2:
            return [clarifications[id(f)] for f in points]
        key = tuple(f.source for f in missing)
        if key not in combined:  # "Tagalog, or that I know Dentrix": phrases first, then clauses
            clauses = any(f.text.startswith("that ") for f in missing)
            together = ", ".join(f.text for f in missing[:-1]) + (", or " if clauses else " or ") + missing[-1].text
            combined[key] = pick("clarify.missing_several", values, x=together)
        return [combined[key] if f is missing[0] else clarifications[id(f)] for f in points
                if f is missing[0] or f not in missing]

    def strength_plan(count: int, padded: bool, cited: list[Fact], asked: set[str]) -> tuple[dict[int, Fact], list[Fact]]:
        """Strengths to say: each beside a cited fact it shares meaning with, or else on its own."""
        said = kept_strengths[:count] + [s for s in kept_strengths[count:] if s.source in asked]
        beside: dict[int, Fact] = {}
        on_own: list[Fact] = []
        for strength in said:
            host = next((f for f in cited if id(f) not in beside and f.kind not in _INTEREST_KINDS
                         and _share_meaning(strength, f)), None)
            if host is not None:
                beside[id(host)] = strength
            elif level > -1 or padded or strength.source in asked:
                on_own.append(strength)
        return beside, on_own

    def body(count: int, extra_references: list[Fact], extra_highlights: list[Fact], asked: set[str]) -> str:
        """The note; ``asked`` holds the facts a "mention" tweak brings in, on top of what the length keeps."""
        cited = chosen + [f for f in mentioned if f.source in asked] + extra_references
        beside, on_own = strength_plan(count, bool(extra_references or extra_highlights) or count > _STRENGTHS[level],
                                       cited, asked)
        points = kept_clarify if level >= 0 else kept_clarify[:1] + [f for f in kept_clarify[1:] if f.source in asked]
        said_highlights = kept_highlights[: _HIGHLIGHTS[level]] + \
            [h for h in kept_highlights[_HIGHLIGHTS[level]:] if h.source in asked] + extra_highlights

        def cite(fact: Fact, first: bool) -> str:
            sentence = (first_forms if first else later_forms)[id(fact)]
            strength = beside.get(id(fact))
            return f"{sentence} {related[id(strength)]}" if strength else sentence

        paragraphs = [_greeting(facts, interviewer, style.tone),
                      " ".join([thanks] + ([cite(cited[0], True)] if cited else []))]
        if len(cited) > 1:
            paragraphs.append(" ".join(cite(f, False) for f in cited[1:]))
        if points:
            paragraphs.append(" ".join(clarified(points)))
        highlight = " ".join(highlight_lines[id(h)] for h in dict.fromkeys(said_highlights))
        # The renewal depends on the facts, not on the length: "shorter" must not reword it.
        closing_paragraph = [alone[id(s)] for s in on_own] + [highlight, renewal_after if highlights else renewal_alone,
                                                               closing]
        paragraphs.append(" ".join(filter(None, closing_paragraph)))
        paragraphs.append(_signature(facts, signoff))
        return "\n\n".join(_SECOND_ALSO.sub(r"\1", p) for p in paragraphs)

    # A concise note still needs substance: below the length a note should have, it says one more thing.
    # Whether it does is decided without the mentioned facts, so that "mention X" only adds X.
    count = _STRENGTHS[level]
    padding: tuple[int, list[Fact], list[Fact]] = (count, [], [])
    if level == -1 and style.length == 0:
        for more in ((count + 1, [], []), (count + 1, spare[:1], []), (count + 1, spare[:1], kept_highlights[:1])):
            if count_words(body(*padding, set())) >= load_policy().limits.min_words + SHORT_NOTE_MARGIN:
                break
            padding = more
    text = body(*padding, wanted)
    # The subject is read on its own: it need not avoid the body's words, so it gets its own picker.
    subject_pick = _Picker(seed, seat, set(), frozenset(), style.tone)
    return Note(subject=_subject(facts, interviewer, style.tone, subject_pick), body=text)


_INTEREST_KINDS = ("interest", "interest_np")
_CLARIFY_KINDS = ("missing", "unasked", "explain", "more", "addition", "followup", "doubt", "correction")
_REFERENCE_KINDS = ("topic", "topic_self", "question", "asked", "point", "want", "exercise", "moment", "recap",
                    "enjoyed")


def _reference_facts(own: dict[str, list[Fact]]) -> list[Fact]:
    """The facts to cite, in the order a note takes them: one topic and one shared interest read less
    like a recap than two topics."""
    topics = [f for f in own["topics"] + own["shared_interests"] if f.kind in _REFERENCE_KINDS]
    interests = [f for f in own["topics"] + own["shared_interests"] if f.kind in _INTEREST_KINDS]
    return topics[:1] + interests[:1] + topics[1:] + interests[1:]


class _Citations:
    """Whether a sentence cites a fact the way the ``no_reference`` guardrail counts it: a jotted fact
    read and tidied ("mgmt is basically just him") may keep too few of its words, or only words a
    colleague's topics share ("the edit test" where another interviewer talked about edits and
    testing), which cannot tell whose conversation it was."""

    def __init__(self, facts: Facts, name: str, tone: str) -> None:
        self.ignore = frozenset(content_stems(f"{facts.company} {facts.role}"))
        self.others = frozenset(s for person, stems in Vocabulary.of_facts(facts).topic_stems.items() if person != name
                                for s in stems)
        self.tone = tone

    def cites(self, fact: Fact, sentence: str) -> bool:
        said = tokens(sentence)  # as the guardrail reads a topic: as jotted, or as read
        return any(find_citation(phrasing, said, self.ignore, shared=self.others) is not None
                   for phrasing in dict.fromkeys((fact.source, fact.text)))

    def can_cite(self, fact: Fact, echo: bool = False) -> bool:
        """Whether a phrasing of the fact's own slot (or, with ``echo``, of its echo slot) cites it."""
        return self._citing(fact, f"{'echo' if echo else 'first'}.{_kind(fact)}")

    def first_slot(self, fact: Fact) -> str:
        """The slot to open with ``fact``: its own, or where none of that cites it, one that echoes
        how it was jotted ("I was glad we went over caseload")."""
        slot, echo = f"first.{_kind(fact)}", f"echo.{_kind(fact)}"
        return echo if not self._citing(fact, slot) and self._citing(fact, echo) else slot

    def _citing(self, fact: Fact, slot: str) -> bool:
        options = FRAMES.get(f"{slot}.{self.tone}") or FRAMES.get(slot, [])
        return any(self.cites(fact, re.sub(r"\{(?!x\})\w+\}", "", option).replace("{x}", fact.text))
                   for option in options)


def _citing_first(references: list[Fact], own: dict[str, list[Fact]], citations: _Citations) -> list[Fact]:
    """The references with one that the guardrails will recognise as citing its fact first: a
    topic of theirs where one can, a shared interest where none can, then a topic said as it was
    jotted ("we went over caseload"), or, as a last resort, a topic read without its hedges."""
    leader = next((f for f in references if f.kind not in _INTEREST_KINDS and citations.can_cite(f)), None) or \
        next((f for f in references if citations.can_cite(f)), None) or \
        next((f for f in references if citations.can_cite(f, echo=True)), None)
    if leader is None:
        salvaged = [salvage_topic(f.source) for f in own["topics"] if f.kind == "unusable"]
        leader = next((f for f in salvaged if f is not None and (citations.can_cite(f) or
                                                                 citations.can_cite(f, echo=True))), None)
        return [leader, *references] if leader else references
    rest = [f for f in references if f is not leader]
    interest = next((f for f in rest if f.kind in _INTEREST_KINDS), None)
    if interest is not None and leader.kind not in _INTEREST_KINDS:  # then a shared interest, as _reference_facts has it
        rest = [interest, *(f for f in rest if f is not interest)]
    return [leader, *rest]


# A word a closing must not say again when the sentence before it has ("what comes next ... next steps").
_ECHOED_WORD = re.compile(r"\b(?:next|soon|again)\b")


_THANKS = re.compile(r"^(?:Thank|Thanks)\b")
# "I also enjoyed finding out that you are also from Worcester": a frame's "also" and the fact's, once.
_SECOND_ALSO = re.compile(r"(\balso\b[^.!?]*?) also\b")
# A point that is hard news for them ("you lost two RTs this year"): said plainly, never "glad to hear".
_HARD_NEWS = re.compile(r"\b(?:lost|losing|short|shortage|short-staffed|understaffed|struggl\w*|behind|backlog|vacanc\w*|"
                        r"turnover|quit|left|leaving|burn(?:ed|t)?[- ]?out|drowning|cuts?|layoffs?|laid off|closed|closing|"
                        r"delays?|complaints?|problems?|issues?|mandatory|overtime|attrition|injur\w*|incidents?)\b", re.I)


def _kind(fact: Fact) -> str:
    if fact.kind == "topic" and _ABOUT_SELF.match(fact.text):
        return "topic_self"
    if fact.kind == "point" and _HARD_NEWS.search(fact.text):
        return "point_hard"
    if fact.kind == "question" and fact.text.startswith("whether "):
        return "question_answered" if fact.added else "question_whether"  # "Thank you for asking whether I can work weekends": the word they used, asked
    return fact.kind


def _ordered_strengths(strengths: list[Fact], references: list[Fact], seat: int) -> list[Fact]:
    """Strengths that share meaning with a cited fact first, then the rest turned by seat."""
    if not strengths:
        return []
    rotation = {id(s): (i - seat) % len(strengths) for i, s in enumerate(strengths)}
    return sorted(strengths, key=lambda s: (not any(_share_meaning(s, f) for f in references[:2]), rotation[id(s)]))


def _share_meaning(strength: Fact, fact: Fact) -> bool:
    ours = set(content_stems(strength.text)) - _GENERIC_STEMS
    return bool(ours & (set(content_stems(fact.text)) - _GENERIC_STEMS))


def _clarification(fact: Fact, pick: _Picker, values: dict[str, str]) -> str:
    if fact.kind == "missing":
        sentence = pick("clarify.missing", values, x=fact.text)
        return sentence if fact.text.startswith("that ") else f"{sentence} {pick('clarify.missing.tail', values)}"
    if fact.kind == "addition":
        return pick("clarify.addition", values, x=fact.text)
    if fact.kind == "followup":
        if fact.added:
            return pick("clarify.followup_added", values, x=fact.text, added=fact.added)
        return pick("clarify.followup", values, x=fact.text)
    if fact.kind == "correction":
        return pick("clarify.correction", values, x=fact.text, wrong=fact.wrong)
    sentence = pick(f"clarify.{fact.kind}", values, x=fact.text)
    if fact.added:
        sentence += " " + pick("clarify.addition", values, x=fact.added)
    return sentence


class _Picker:
    """Chooses among a slot's phrasings: the facts seed each slot, the interviewer's seat shifts it,
    so notes to one panel differ; a phrasing that repeats two words the note already used, or a long
    sentence an earlier note of the panel used, is passed over."""

    def __init__(self, seed: int, seat: int, fact_words: set[str], taken: frozenset[str], tone: str) -> None:
        self.seed = seed
        self.seat = seat
        self.fact_words = fact_words
        self.taken = taken
        self.tone = tone
        self.said: set[tuple[str, ...]] = set()
        self.last_opening = ""

    def __call__(self, slot: str, values: dict[str, str], after: tuple[str, ...] = (),
                 keep: Callable[[str], bool] | tuple[Callable[[str], bool], ...] | None = None, **fact: str) -> str:
        """A phrasing for ``slot``; ``after`` are sentences it may follow, whose openings it should not repeat;
        ``keep``, where given, says which phrasings will do when any will (a tuple: tests in order of preference)."""
        options = FRAMES.get(f"{slot}.{self.tone}") or FRAMES[slot]
        if ", " in fact.get("x", ""):  # a fact with commas of its own reads best at the end of its sentence
            options = [o for o in options if o.endswith("{x}.")] or options
        start = (zlib.crc32(f"{self.seed}:{slot}".encode()) + self.seat) % len(options)
        # A company that ends in a full stop ("Foods Inc.") must not end a sentence with two.
        rendered = [re.sub(r"\.(?=\.)", "", option.format(**values, **fact)) for option in options[start:] + options[:start]]
        for wanted in (keep if isinstance(keep, tuple) else (keep,) if keep else ()):
            if kept := [text for text in rendered if wanted(text)]:  # the first test some phrasing meets
                rendered = kept
                break
        fresh = [text for text in rendered if not long_sentences(text) & self.taken] or rendered
        # Two sentences in a row that open alike ("I hope ... I hope ...") read as a tic.
        openings = {self.last_opening, *map(_opening, after)}
        varied = [text for text in fresh if _opening(text) not in openings] or fresh
        choice = next((text for text in varied if not self._marks(text, fact) & self.said), varied[0])
        self.said |= self._marks(choice, fact)
        self.last_opening = _opening(choice)
        return choice

    def _marks(self, text: str, fact: dict[str, str]) -> set[tuple[str, ...]]:
        """What would read as repeated: a pair of words (not both filler), or one of the stock words of thanks."""
        for value in fact.values():
            text = text.replace(value, " ")
        words = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in self.fact_words]
        pairs = {(a, b) for a, b in zip(words, words[1:]) if not (a in _FILLER and b in _FILLER)}
        return pairs | {(w,) for w in words if w in _STOCK_WORDS}


def _opening(sentence: str) -> str:
    return " ".join(sentence.lower().split()[:2])


def _seat(facts: Facts, interviewer: Interviewer) -> int:
    names = [p.name for p in facts.interviewers]
    return names.index(interviewer.name) if interviewer.name in names else 0


def _greeting(facts: Facts, interviewer: Interviewer, tone: str) -> str:
    return f"Dear {_address(facts, interviewer, tone)},"


_MINOR_WORDS = {"of", "and", "the", "for", "at", "in", "on", "a", "an", "to", "with", "de", "la", "van", "von", "da"}


def proper_case(name: str) -> str:
    """A name jotted all in lower case ("harbor freight logistics", "kenji") as a name is written;
    one with any capital is left as its owner wrote it ("deVries", "iHeart")."""
    if any(ch.isupper() for ch in name):
        return name
    named = capitalised_words(acronyms_capitalised(name), _MINOR_WORDS).split(" ")
    if len(named) > 1 and named[-1].lower() in _LEGAL_FORMS:
        named[-1] = _LEGAL_FORMS[named[-1].lower()]  # "nordsjo subsea as": Nordsjo Subsea AS
    return " ".join(named)


def role_case(role: str) -> str:
    """A job title as titles are written in a letter: "Climbing arborist" and "ward clerk" as "Climbing
    Arborist" and "Ward Clerk"; words with capitals of their own ("LSQ-French", "iOS"), small words
    ("of", "and") and what follows the title ("(day shift)", ", band 2") are left as typed."""
    role = " ".join(role.split())
    # "Ramp Agent, DXB" and "Deckhand (matros), Moss–Horten crossing": the title, then what qualifies it in brackets,
    # so "the Ramp Agent (DXB) role" reads as one name.
    parts = re.match(r"^(?P<title>[^(),;]*?)\s*(?:\((?P<inside>[^()]*)\))?\s*(?:[,;]\s*(?P<after>.+))?$", role)
    if parts and (parts.group("inside") or parts.group("after")) and parts.group("title"):
        qualifiers = [tidy(q) for q in (parts.group("inside"), parts.group("after")) if q and tidy(q)]
        return _title_case(parts.group("title")) + (f" ({', '.join(qualifiers)})" if qualifiers else "")
    return _title_case(role)


def _title_case(title: str) -> str:
    head, rest = re.match(r"([^(,;+\d]*)(.*)", title, re.S).groups()
    rest = re.sub(r"(?<=\w) \+ (?=\w)", " and ", rest)  # "nights + weekends": no jotting in a letter
    if not any(ch.isupper() for ch in head):
        return proper_case(head.rstrip()) + head[len(head.rstrip()):] + rest
    return _title_words(head) + rest


def _title_words(role: str) -> str:
    return re.sub(r"(?<![\w'’-])([a-z])([a-z'’-]*)(?=[\s,;:)/]|$)",
                  lambda m: m.group() if m.group() in _MINOR_WORDS and m.start() else m.group(1).upper() + m.group(2), role)


_LEGAL_FORMS = {form.lower(): form for form in
                "AS ASA AB BV NV AG GmbH LLC LLP Ltd PLC SA SAS SARL SpA Srl Oy Pty KK Inc Co".split()}


def _address(facts: Facts, interviewer: Interviewer, tone: str) -> str:
    """One form of address for the whole panel, by tone and title, written as a name (see ``proper_case``)."""
    return proper_case(_form_of_address(facts, interviewer, tone))


def _form_of_address(facts: Facts, interviewer: Interviewer, tone: str) -> str:
    """One form of address for the whole panel, by tone and title.

    Warm notes use first names for everyone, unless the candidate wrote someone of the panel with a
    title ("Ms. Daniela Ferreira", "Dr. Farid Haddad"): then no one is greeted by first name, as
    below. Otherwise a person with a title ("Dr.", "Chef")
    is greeted by title and surname ("Dr. Iyer") in every note; in a formal note or a panel with
    titles, the others by "Ms." or "Mr." and surname when the candidate's own jottings say "she"
    or "he" of them, else by full name ("Linda Haverford"), as no rule can guess a title; in a
    concise note to an untitled panel, by first name.
    """
    if tone == "warm" and not any(p.honorific for p in facts.interviewers):
        return _first_name(interviewer)
    if _title(interviewer):
        return _titled_name(interviewer)
    if tone == "formal" or any(_title(p) for p in facts.interviewers):
        said = _pronoun_title(facts, interviewer)
        return f"{said} {written_name(interviewer.surname)}" if said and len(interviewer.plain_name.split()) > 1 else interviewer.plain_name
    return interviewer.first_name


def _pronoun_title(facts: Facts, interviewer: Interviewer) -> str | None:
    """"Ms." when the candidate's notes on this interviewer say "she" or "her" and never "he", "Mr." the other way."""
    seat = _seat(facts, interviewer)
    said = " ".join(t.text for t in fact_texts(facts) if t.interviewer == seat and t.field not in IDENTITY_FIELDS).lower()
    she, he = bool(_SHE.search(said)), bool(_HE.search(said))
    return "Ms." if she and not he else "Mr." if he and not she else None


_SHE = re.compile(r"\b(?:she|her|hers|herself)\b")
_HE = re.compile(r"\b(?:he|him|his|himself)\b")


# Words that start a name as a form of address, besides the honorifics the facts know ("Chef Antoine Marchal").
_ADDRESS_TITLES = {"chef", "coach", "captain", "capt", "pastor", "father", "rabbi", "imam", "sister", "brother",
                   "officer", "sergeant", "sgt", "chief", "principal", "superintendent", "nurse", "rev", "reverend",
                   "hon", "honorable", "honourable", "judge", "justice", "lt", "lieutenant", "cpl", "corporal", "major",
                   "maj", "col", "colonel", "cmdr", "commander", "director", "dean", "deputy", "detective", "det",
                   "inspector", "chaplain", "deacon", "bishop", "mayor", "professor", "prof", "maestro", "cantor"}


def _title(interviewer: Interviewer) -> str | None:
    parts = interviewer.plain_name.split()
    if interviewer.honorific:
        return interviewer.honorific
    if len(parts) < 3 or parts[0].rstrip(".").lower() not in _ADDRESS_TITLES:
        return None
    if parts[0].rstrip(".").lower().startswith("hon"):  # "Hon. Patricia Delgado", a judge: "Judge Delgado"
        return "Judge" if "judge" in (interviewer.title or "judge").lower() else parts[0]
    return parts[0]


def _first_name(interviewer: Interviewer) -> str:
    """"Antoine" of "Chef Antoine Marchal", as of "Dr. Mei Lin"."""
    parts = interviewer.plain_name.split()
    return parts[1] if not interviewer.honorific and _title(interviewer) else interviewer.first_name


def _titled_name(interviewer: Interviewer) -> str:
    """"Dr. Iyer", "Chef Marchal"."""
    title = _title(interviewer)
    return f"{title} {written_name(interviewer.surname)}" if title else interviewer.plain_name


def _signature(facts: Facts, signoff: str) -> str:
    lines = [signoff, proper_case(facts.candidate.name)]
    contact = " | ".join(filter(None, [facts.candidate.email, facts.candidate.phone]))
    if contact:
        lines.append(contact)
    return "\n".join(lines)


def _subject(facts: Facts, interviewer: Interviewer, tone: str, pick: _Picker) -> str:
    name = _address(facts, interviewer, tone)
    # A subject line names a first name or "Dr. Iyer", never a full name ("Thank you, Yuki Matsumoto").
    short = len(name.split()) == 1 or (_title(interviewer) is not None and len(name.split()) == 2)
    subject = pick("subject", {"role": role_case(facts.role), "company": proper_case(facts.company), "name": name},
                   keep=(lambda text: short or name not in text))
    return subject if len(subject) <= load_policy().limits.max_subject_chars else "Thank you for your time"


def _article(word: str) -> str:
    """"an ICU nurse", "an HR Generalist", "a Senior Engineer": by the sound of the first letter."""
    first = word.split(" ", 1)[0]
    if re.fullmatch(r"[A-Z]{2,}[\w/-]*", first):  # an acronym is read letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeio" else "a"
