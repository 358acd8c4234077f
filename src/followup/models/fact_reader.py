"""Reading jotted facts for what they are, so the offline composer can weave them in.

People write facts in a hurry: "we talked about my CRRT experience", "she asked how I handle a
short-staffed night", "i said 10 yrs but its 12", "note to self - mention the skills fair lol".
Pasted into a sentence frame as typed, these break the note. :func:`read_fact` first tidies an
item (lead-ins, shorthand, filler, capitals of weekdays, months and languages) and then says what
kind of thing it is, so the composer can pick a frame that fits; an item it cannot place is
``unusable`` and is left out with a notice (:func:`left_out_notices`) rather than pasted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..facts import Facts

# Kinds of item:
#   topic       a noun phrase: "the on-call rotation", "how I would run a crew"
#   question    the interviewer's question, as its object: "how I handle a short-staffed night"
#   point       a clause about the interviewer, said to them: "you want someone who can mentor"
#   moment      something that happened, as a clause: "I made the braised short rib"
#   interest    shared ground as a clause: "we both coach little league", "you also speak Spanish"
#   interest_np shared ground as a noun phrase: "trail running"
#   strength_np / strength_adj / strength_clause   a candidate strength as a phrase, "good with ...", "I ran ..."
#   highlight   a clause true of the whole day: "the unit is opening 8 new beds in March"
#   missing     something not said in the interview: "my CCRN", "that I can work Sundays"
#   explain     something said too thinly: "my Opera PMS experience"
#   addition    a first-person clause to add: "I use SBAR and escalate ..."
#   followup    a question whose answer deserves more: the question's object
#   doubt       a point the candidate undersold: its subject ("online teaching")
#   correction  a number to correct: text is the corrected statement, ``wrong`` the number said
#   unusable    anything else: left out, with a notice
KINDS = ("topic", "question", "point", "moment", "interest", "interest_np", "strength_np", "strength_adj",
         "strength_clause", "highlight", "missing", "explain", "addition", "followup", "doubt", "correction",
         "unusable")


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str  # the item as a phrase or clause to embed mid-sentence
    source: str  # the item as written (what tweaks and guardrails match against)
    path: str = ""  # its field path in the facts file, for notices
    wrong: str = ""  # for a correction: the figure first given
    added: str = ""  # for a clarify point with a second half: what to add ("my answer was brief; I led X")


# --- tidying ----------------------------------------------------------------------------

_CAPITALISED = {w.lower(): w for w in (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April June July August September "
    "October November December English Spanish French German Portuguese Italian Mandarin Cantonese Chinese "
    "Japanese Korean Arabic Hindi Urdu Bengali Punjabi Russian Polish Ukrainian Vietnamese Tagalog Filipino Farsi "
    "Persian Hebrew Greek Turkish Dutch Swahili Somali Amharic Haitian Creole Thai Khmer Hmong Navajo Latin "
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho "
    "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi "
    "Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia "
    "Washington Wisconsin Wyoming Chicago Boston Seattle Denver Atlanta Houston Dallas Philadelphia Phoenix "
    "Toronto Vancouver Montreal London Paris Berlin Madrid Rome Lyon Dublin Sydney Melbourne Tokyo Mexico "
    "Canada Europe Asia Africa America Christmas Thanksgiving Easter Ramadan Diwali").split()}
_TWO_WORD_NAMES = {"new york": "New York", "new jersey": "New Jersey", "new mexico": "New Mexico",
                   "north carolina": "North Carolina", "south carolina": "South Carolina",
                   "north dakota": "North Dakota", "south dakota": "South Dakota", "west virginia": "West Virginia",
                   "rhode island": "Rhode Island", "new hampshire": "New Hampshire", "los angeles": "Los Angeles",
                   "san francisco": "San Francisco", "san diego": "San Diego", "sign language": "Sign Language",
                   "new orleans": "New Orleans", "las vegas": "Las Vegas"}
# "march" and "may" are months only where a date is meant.
_AMBIGUOUS_MONTH = re.compile(r"\b(?:(?<=in )|(?<=by )|(?<=since )|(?<=until )|(?<=early )|(?<=late )|(?<=mid )|"
                              r"(?<=mid-)|(?<=next )|(?<=last )|(?<=this )|(?<=of ))(march|may)\b"
                              r"|\b(march|may)(?= \d)")
_SHORTHAND = [
    (r"\bw/o\b", "without"), (r"\bw/(?=\s|\w)", "with "), (r"\bb/c\b", "because"), (r"\bbc\b", "because"),
    (r"(?<=\w) \+ (?=\w)", " and "), (r"(?<=[a-z]) & (?=[a-z])", " and "), (r"(?<=\w)\+(?=[a-z])", " and "),
    (r"\b(?:yrs|yr)\b", "years"), (r"\bhrs\b", "hours"), (r"\bhr\b", "hour"), (r"\bmins\b", "minutes"),
    (r"(?<=\d )min\b", "minutes"), (r"\bppl\b", "people"), (r"\bmgmt\b", "management"), (r"\bmgr\b", "manager"),
    (r"\bdept\b", "department"), (r"\besp\.?(?=\s)", "especially"), (r"\bapprox\.?(?=\s)", "about"),
    (r"\bthru\b", "through"), (r"\bgovt\b", "government"), (r"\babt\b", "about"), (r"\bpt\b(?= \w)", "part-time"),
    (r"\bwks\b", "weeks"), (r"\bwk\b", "week"), (r"(?<=\d )mos\b", "months"), (r"(?<=\d )mo\b", "months"),
    (r"\bvs\.?(?=\s)", "versus"), (r"\bcerts\b", "certifications"), (r"\bcert\b", "certification"),
    (r"\bdoc review\b", "document review"), (r"\bexp\b", "experience"), (r"\binfo\b", "information"),
    (r"\bi\.e\.,?", "that is,"), (r"\b(?:re|ref):\s*", "about "), (r"\s*->\s*", " to "), (r"\s@\s", " at "),
    (r"\bgrads\b", "graduates"), (r"\bdidnt\b", "did not"), (r"\bdont\b", "do not"), (r"\bcant\b", "cannot"),
    (r"\bwasnt\b", "was not"), (r"\bisnt\b", "is not"), (r"\bim\b", "I am"), (r"\bive\b", "I have"),
    (r"\bi'm\b", "I am"), (r"\bi've\b", "I have"), (r"\bi'd\b", "I would"), (r"\bi'll\b", "I will"),
    (r"\bI'm\b", "I am"), (r"\bI've\b", "I have"), (r"\bI'd\b", "I would"), (r"\bI'll\b", "I will"),
    (r"\bthey're\b", "they are"), (r"\bwe're\b", "we are"), (r"\bshe's\b", "she is"), (r"\bhe's\b", "he is"),
    (r"\bit's\b", "it is"), (r"\bits\b(?= (?:actually|really|\d|[a-z]+ly\b))", "it is"), (r"\bthat's\b", "that is"),
    (r"\bdidn't\b", "did not"), (r"\bdon't\b", "do not"), (r"\bcan't\b", "cannot"), (r"\bwasn't\b", "was not"),
    (r"\bisn't\b", "is not"), (r"\bwon't\b", "will not"), (r"\bwouldn't\b", "would not"), (r"\bcouldn't\b", "could not"),
    (r"\bshouldn't\b", "should not"), (r"\bhaven't\b", "have not"), (r"\bi\b", "I"),
]
_SHORTHAND_COMPILED = [(re.compile(p, re.I if p.startswith(r"\b(?:yrs") else 0), r) for p, r in _SHORTHAND]
_FILLER = re.compile(
    r"\s*\b(?:lol|lmao|haha+|hehe|tbh|imo|imho|fwiw|btw|ugh|omg|idk|ngl|smh|jk|yay|oops|whew|phew|yikes|eek)\b[.!]*"
    r"|\s*\((?:[^()]*\?[^()]*|\s*(?:check|verify|tbd|not sure|i think|maybe|sp\?)\s*)\)"
    r"|\s*[!?]{2,}|\s*\.{3,}|\s*\u2026|[\U0001F300-\U0001FAFF\u2600-\u27BF]", re.I)
_LIKE = re.compile(r"\b(?:(?<=for )|(?<=was )|(?<=is )|(?<=took )|(?<=about )|(?<=, ))like,?\s+(?=\w)|\blike\s+(?=\d)|,\s*like,", re.I)
_SMILEY = re.compile(r"(?<!\w)[:;=][\-o']?[)(DPp](?!\w)")


def tidy(text: str) -> str:
    """An item as a clean phrase: no filler, shorthand spelled out, names capitalised, no final stop."""
    text = " ".join(str(text).split())
    text = _SMILEY.sub("", text)
    text = _FILLER.sub("", text)
    text = _LIKE.sub("", text)
    for pattern, replacement in _SHORTHAND_COMPILED:
        text = pattern.sub(replacement, text)
    text = re.sub(r",?\s*\(?\be\.?g\.?,?\s+([^,;()]+)\)?", r" (for example, \1)", text, flags=re.I)
    text = re.sub(r"\s*\betc\.?$", "", text)
    text = _capitalise_names(text)
    text = re.sub(r"\s+([,;:])", r"\1", " ".join(text.split()))
    return text.strip(" .!?;:,-\u2013\u2014\"'")


def _capitalise_names(text: str) -> str:
    for lower, proper in _TWO_WORD_NAMES.items():
        text = re.sub(rf"\b{lower}\b", proper, text)
    text = _AMBIGUOUS_MONTH.sub(lambda m: m.group().capitalize(), text)
    return re.sub(r"\b[a-z]+\b", lambda m: _CAPITALISED.get(m.group()) or _plural_name(m.group()), text)


def _plural_name(word: str) -> str:
    """"tuesdays" is "Tuesdays"."""
    proper = _CAPITALISED.get(word[:-1]) if word.endswith("days") else None
    return proper + "s" if proper else word


# --- lead-ins and person ----------------------------------------------------------------

_LEAD_IN = re.compile(
    r"^(?:(?:we|i|she|he|they|the two of us|both of us)\s+)?(?:also\s+|briefly\s+|mostly\s+|then\s+|really\s+)?"
    r"(?:talked|spoke|chatted|went over|went through|got into|discussed|covered|touched on|dug into|"
    r"had a (?:long |good |great |quick )?(?:chat|talk|conversation|discussion)|a lot of talk|lots of talk|"
    r"conversation|discussion|talk|chat|convo)"
    r"(?:\s+(?:a lot|a bit|a little|at length|for a while|briefly|mostly))?\s*(?:about|on|re|around|regarding|of)?\s+",
    re.I)
# "talked it for like 5 min", "for a while", "for 20 minutes": how long something was discussed.
_DURATION = re.compile(r"\s*,?\s*(?:\b(?:we\s+)?(?:talked|spoke|chatted)\b(?:\s+(?:it|about it|that))?\s*)?"
                       r"\b(?:for|about)\s+(?:a while|a bit|ages|a long time|(?:about |around )?\d+\s*(?:minutes|min|hours|mins))\b.*$",
                       re.I)
_SUBJECT = r"(?:she|he|they)"
_ASKED = re.compile(rf"^(?:{_SUBJECT}\s+)?(?:also\s+)?(?:asked|quizzed|grilled|pressed)(?:\s+me)?(?:\s+(?:a lot|a bunch|a few questions|questions|lots))?"
                    r"\s*(?:about|on|regarding|re|for)?\s+(?P<rest>.+)$", re.I)
_CANDIDATE_ASKED = re.compile(r"^I\s+(?:also\s+)?asked(?:\s+(?:her|him|them|about))?\s+(?:about\s+)?(?P<rest>.+)$", re.I)
_REPORTED = re.compile(rf"^{_SUBJECT}\s+(?:also\s+)?(?P<verb>said|mentioned|explained|told me|shared|noted|described|pointed out|"
                       r"brought up|talked about|walked me through|showed me|gave me|stressed|emphasi[sz]ed)"
                       r"(?:\s+(?P<that>that))?\s+(?P<rest>.+)$", re.I)
_THEIR_CLAUSE = re.compile(rf"^(?P<subject>{_SUBJECT})\s+(?P<adverb>(?:also|too|both|really|still|just|clearly|now)\s+)?(?P<verb>[a-z']+)(?P<rest>.*)$",
                           re.I)
_BOTH = re.compile(r"^(?:we\s+)?both\s+|^we\s+(?:both|each)\s+|^(?:same|also)\s+", re.I)
_CLAUSE_START = re.compile(r"^(?:I|we|you|she|he|they|it|there)\b", re.I)
_QUESTION_WORD = re.compile(r"^(?:how|what|why|when|where|whether|which|who|if)\b", re.I)
_THIRD_TO_SECOND = {"has": "have", "is": "are", "was": "were", "does": "do", "doesn't": "do not", "isn't": "are not"}
_NOT_VERBS = {"and", "or", "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "both", "also", "too"}
_FINITE = re.compile(
    r"(?<![-\w'])(?:is|are|was|were|has|have|had|do|does|did|will|would|can|could|should|may|might|must|wants?|needs?|"
    r"thinks?|said|says|asked|asks|told|loves?|likes?|uses?|runs?|plans?|expects?|hopes?|lost|lose|gets?|got|"
    r"makes?|made|goes|went|takes?|took|knows?|knew|starts?|started|opens?|opened|launch(?:es)?|launched|"
    r"moves?|moved|hires?|hired|works?|worked|spends?|spent|grows?|grew|keeps?|kept|sees?|saw|calls?|called|"
    r"speaks?|spoke|studied|studies|trained|coach(?:es)?|coached|volunteers?|volunteered|did|does|feels?|felt|"
    r"hate|hates|love|prefer|prefers|rotate|rotates|cover|covers|offer|offers|struggle|struggles|"
    r"aims?|intends?|tries|tried|am)(?![-\w'])", re.I)
# The verbs that make an item a clause rather than a noun phrase ("the unit is short-staffed").
_CLAUSE_VERB = re.compile(r"(?<![-\w'])(?:is|are|was|were|has|have|had|will|would|can|could|should|must|does|did|do|"
                          r"wants|needs|thinks|said|says|told|asked|seems|feels|looks|sounds|lost|went|got)(?![-\w'])", re.I)
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|where|when|how|what|why|whether|if|because|while)\b", re.I)
_PAST_START = re.compile(
    r"^(?:ran|led|built|wrote|opened|won|grew|cut|managed|launched|started|created|designed|trained|taught|"
    r"raised|saved|reduced|increased|improved|handled|oversaw|supervised|developed|implemented|organi[sz]ed|"
    r"coordinated|delivered|completed|passed|earned|made|did|cooked|served|worked|taught|mentored|coached|"
    r"precepted|ran|hosted|drove|sold|closed|fixed|installed|wired|rebuilt|redesigned|migrated|"
    r"shadowed|toured|met|presented|demoed|showed|walked|gave|brought|prepared|cleaned|wrote|won|took|set up|spent)\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:blank\w*|fumbl\w*|stumbl\w*|mess\w* up|messed|botch\w*|bomb\w*|flubb?\w*|struggl\w*|wrong|mistakes?|"
    r"undersold|understated|downplayed|screw\w* up|choked|froze|awkward|nervous|rambl\w*|terrible|awful|"
    r"embarrass\w*|regret\w*|ugh|dumb|stupid|bad)\b", re.I)
_UNFIT = re.compile(r"\?|\b(?:todo|tbd|ask (?:her|him|them)|remember to|look up|find out|check if|"
                    r"not sure|idk|maybe|salary|pay|benefits|pto|per hour|an hour|/hr)\b", re.I)


def _second_person(clause: str) -> str:
    """A clause about the interviewer said to them: "she also has a dog" becomes "you also have a dog"."""
    match = _THEIR_CLAUSE.match(clause)
    if not match:
        return _possessives(clause, plural=True)
    verb = match.group("verb")
    lower = verb.lower()
    if lower in _THIRD_TO_SECOND:
        verb = _THIRD_TO_SECOND[lower]
    elif match.group("subject").lower() != "they":
        if lower.endswith("ies") and len(lower) > 4:
            verb = verb[:-3] + "y"
        elif re.search(r"(?:ss|sh|ch|x|z|o)es$", lower):
            verb = verb[:-2]
        elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
            verb = verb[:-1]
    return _possessives(f"you {match.group('adverb') or ''}{verb}{match.group('rest')}", plural=True)


def _possessives(text: str, plural: bool = False) -> str:
    """The interviewer's "her team", "his unit" said to them: "your team", "your unit". With ``plural``
    (the item is about "they", the interviewer's side), "their" and "they" are shifted too."""
    text = re.sub(r"\b(?:her|his)\b(?= (?:own )?[a-z])", "your", text)
    text = re.sub(r"\b(?:she|he)\b(?= \w)", "you", text)
    text = re.sub(r"\bhim\b", "you", text)
    if plural:
        text = re.sub(r"\btheir\b(?= (?:own )?[a-z])", "your", text)
        text = re.sub(r"\bthey\b(?= \w)", "you", text)
        text = re.sub(r"\bthem\b", "you", text)
    text = re.sub(r"\byou (?:is|was)\b", lambda m: "you are" if "is" in m.group() else "you were", text)
    text = re.sub(r"\byou (has|does|wants|needs|says|thinks|likes|loves|runs|uses|plans|expects|hopes|speaks)\b",
                  lambda m: "you " + {"has": "have", "does": "do"}.get(m.group(1), m.group(1)[:-1]), text)
    return text


_COMMON_STARTS = set(
    "a an the how what why when where which whether who our my we your their its this that these those both some "
    "more most much many any all each every she he they you it there asked talked discussed spoke chatted "
    "mentioned said told wants needs has have had is are was were also just really lots lot another other "
    "new old big small great good long short first second last next about".split())


def _lower_first(text: str) -> str:
    """Mid-sentence, a fact starts lower-case unless its first word may be a name, an acronym or "I"."""
    first = text.split(" ", 1)[0]
    if not first[:1].isupper() or not first[1:].islower() or first.lower() in _CAPITALISED:
        return text
    if first.lower() in _COMMON_STARTS or re.fullmatch(r"[A-Z][a-z]+(?:ing|ed)", first):
        return first.lower() + text[len(first):]
    return text


def _has_finite_verb(text: str) -> bool:
    return bool(_FINITE.search(text))


def _is_clause(text: str) -> bool:
    """A main verb outside any relative clause: "the unit is short-staffed", not "the team that is growing"."""
    for match in _CLAUSE_VERB.finditer(text):
        before = text[: match.start()].split()[-4:]
        if not any(_RELATIVE.fullmatch(word) for word in before):
            return True
    return False


def _clean_clause(text: str) -> str:
    """"How I'd run a crew" and the like: first word lower-case, contractions spelled out."""
    return _lower_first(tidy(text))


# --- reading ----------------------------------------------------------------------------

_MISSING = re.compile(
    r"^(?:I\s+)?(?:also\s+)?"
    r"(?P<aux>did not|didn't|didnt|forgot to|never got to|neglected to|failed to|meant to|wanted to|want to|need to|"
    r"should have|should've|wish I(?: had| would have| would)?|regret not|could have|would like to|'d like to|"
    r"must|have to|gotta|remember to)?\s*"
    r"(?P<verb>mention(?:ed|ing)?|say|said|saying|talk(?:ed|ing)? about|bring(?:ing)? up|brought up|bring|explain(?:ed|ing)?|"
    r"show(?:ed|n|ing)?|describe[d]?|describing|cover(?:ed|ing)?|share[d]?|sharing|highlight(?:ed|ing)?|"
    r"add(?:ed|ing)?|ask(?:ed)? about|ask(?:ed)?|go into|went into|walk (?:her|him|them) through|tell (?:her|him|them)(?: about)?|"
    r"emphasi[sz]e[d]?|stress(?:ed)?|talk up)\s+(?:that\s+)?(?P<rest>.+)$", re.I)
_BASE_VERB = re.compile(r"^(?:mention|say|bring up|explain|show|describe|cover|share|highlight|talk about|tell|emphasi[sz]e|stress|talk up)\b", re.I)
_NOTE_TO_SELF = re.compile(r"^(?:note to self|reminder|n\.?b\.?|remember)\s*[-:,]?\s*(?P<rest>.+)$", re.I)
_ADDITION_LEAD = re.compile(r"^(?:I\s+)?(?:want|wanted|would like|'d like|need)\s+to\s+(?:add|say|mention|clarify|note|stress|emphasi[sz]e)\s+(?:that\s+)?", re.I)
_CORRECTION = re.compile(
    r"^(?:correction\s*[-:,]?\s*)?I\s+(?:said|told (?:her|him|them)|mentioned|put|wrote|claimed)\s+(?:that\s+)?(?P<said>.+?)"
    r"\s*(?:,|;|\s-\s|\bbut\b|\bwhen\b)+\s*(?:but\s+)?(?:(?:it|that|the real number|the number|the answer|really|in fact)\s*"
    r"(?:is|was|'s|are|were)?\s*)?(?:actually|really|in fact)?\s*(?P<real>[\w.,%+-]+(?:\s+[\w%-]+){0,3})$", re.I)
_NUMBER = r"\d+(?:\.\d+)?%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
_FOLLOWUP = re.compile(r"\b(?:my\s+)?(?:answer|response|reply|example)\s+(?:to|about|on|regarding|around|for)\s+(?:the\s+question\s+(?:about|on)\s+)?"
                       r"(?P<subject>.+?)(?:\s+(?:was|were|felt|came out|came across|sounded|seemed|got|wasn't|was not|"
                       r"lacked|missed|skipped|did not|didn't)\b.*)?$"
                       r"|\b(?:the\s+)?question\s+(?:about|on|regarding)\s+(?P<subject2>.+?)(?:\s+(?:was|were|went|threw)\b.*)?$", re.I)
_DOUBT = re.compile(r"\b(?:less|little|limited|no|not (?:much|enough|a lot of)) (?:experience|background|exposure|practice)\s+"
                    r"(?:with|in|on|of|at|doing)\s+(?P<subject>.+?)(?:\s+than\b.*)?$", re.I)
_SEPARATOR = re.compile(r"\s*(?:;|\s-\s|\s\u2013\s|:|,\s*(?:but|so|and)?\s*(?=(?:I|want|need|would|wanna)\b))\s*")
_WELL = re.compile(r"\s+(?:very |that |so |really )?(?:well|clearly|enough|fully|properly|in detail|at all|much)$", re.I)


def read_fact(text: str, field: str, path: str = "") -> list[Fact]:
    """What one list item of the facts says, as one or more facts ready for a frame.

    ``field`` is the list it comes from: topics, shared_interests, clarify, strengths or highlights.
    """
    source = str(text)
    return [Fact(kind, phrase, source, path, wrong, added) for kind, phrase, wrong, added in _read(source, field)]


@lru_cache(maxsize=4096)
def _read(source: str, field: str) -> tuple[tuple[str, str, str, str], ...]:
    text = tidy(source)
    if not text or len(text.split()) > 32:
        return (("unusable", text, "", ""),)
    # Corrections, regrets and additions read the same wherever they were jotted.
    if (found := _as_clarification(text, strict=field != "clarify")) is not None:
        return found
    if _UNFIT.search(text) or (_NEGATIVE.search(text) and field not in ("strengths", "clarify")):
        return (("unusable", text, "", ""),)
    if field == "strengths":
        return (_as_strength(text),)
    if field == "highlights":
        return (_as_highlight(text),)
    if field == "clarify":
        return (_as_clause_to_add(text),)
    if field == "shared_interests" or _BOTH.match(text) or re.match(r"^we (?:both|all)\b", text, re.I):
        return (_as_interest(text),)
    return _as_topic(text)


def _as_clarification(text: str, strict: bool) -> tuple[tuple[str, str, str, str], ...] | None:
    if (match := _CORRECTION.match(text)) and (found := _correction(match.group("said"), match.group("real"))):
        return (found,)
    to_self = _NOTE_TO_SELF.match(text)
    if to_self and not strict:
        text = to_self.group("rest")
    if match := _ADDITION_LEAD.match(text):
        return None if strict else (_as_clause_to_add(text[match.end():]),)
    match = _MISSING.match(text)
    if match and not match.group("aux") and (strict or not _BASE_VERB.match(match.group("verb"))):
        match = None
    if match:
        verb, rest = match.group("verb").lower(), _WELL.sub("", match.group("rest"))
        rest = _clean_clause(rest)
        if not rest or _UNFIT.search(rest) or _NEGATIVE.search(rest):
            return (("unusable", text, "", ""),)
        if _CLAUSE_START.match(rest) and not rest.lower().startswith(("it ", "there ")):
            rest = "that " + rest
        return ((("explain" if verb.startswith(("explain", "describ", "go into", "went into", "walk")) else "missing"),
                 rest, "", ""),)
    if to_self and not strict:
        return (("unusable", text, "", ""),)
    return None


def _correction(said: str, real: str) -> tuple[str, str, str, str] | None:
    """"I said I had four years of ICU experience, it is actually six": a clean correction of the number."""
    said, real = tidy(said), tidy(real)
    number = re.search(rf"\b(?:{_NUMBER})(?=\b|%)", said, re.I)
    real_number = re.match(rf"^(?:{_NUMBER})\b", real, re.I)
    if not number or not real_number:
        return None
    corrected = said[: number.start()] + real_number.group() + said[number.end():]
    wrong = number.group()
    unit = real[real_number.end():].strip()
    if unit and unit.lower() not in corrected.lower():
        return None  # "10 years but it's 12 months": not the same measure
    statement = re.sub(r"^I\s+(?:had|have|'ve|’ve)\s+", "I have ", corrected, flags=re.I)
    if not statement.startswith("I "):
        statement = _lower_first(statement)
        if _has_finite_verb(statement):
            return None
    return ("correction", statement, wrong, "")


def _as_clause_to_add(text: str) -> tuple[str, str, str, str]:
    """A clarify point: a fumble turned into what to add, a first-person clause, or a subject to say more about."""
    parts = _SEPARATOR.split(text, maxsplit=1)
    problem = parts[0].strip()
    added = parts[1].strip() if len(parts) > 1 else ""
    if added:
        added = _addition_text(added)
        # "messed up the sauce temp, want to say I know it should be 165": without its first half, "it" means nothing.
        if not added or _NEGATIVE.search(added) or _UNFIT.search(added) or (
                _NEGATIVE.search(problem) and re.search(r"\b(?:it|that|this|they|them)\b", added, re.I)):
            added = ""
    if match := _ADDITION_LEAD.match(problem):
        problem = problem[match.end():]
    if match := _DOUBT.search(problem):
        return ("doubt", _clean_clause(match.group("subject")), "", added)
    if match := _FOLLOWUP.search(problem):
        subject = _clean_clause(match.group("subject") or match.group("subject2") or "")
        if subject and not _NEGATIVE.search(subject):
            return ("followup", subject, "", added)
    if _NEGATIVE.search(problem):
        if added:
            return ("addition", added, "", "")
        return ("unusable", text, "", "")
    if re.match(r"^I\b", problem) and _has_finite_verb(problem):
        return ("addition", _addition_text(problem) or problem, "", "")
    if _PAST_START.match(problem) or re.match(r"^(?:have|am|can|speak|know|hold)\b", problem, re.I):
        return ("addition", "I " + _lower_first(problem), "", "")
    if _has_finite_verb(problem) or _CLAUSE_START.match(problem):
        return ("unusable", text, "", "")
    return ("explain", _lower_first(problem), "", added)


def _addition_text(text: str) -> str:
    text = tidy(text)
    if match := _ADDITION_LEAD.match(text):
        text = text[match.end():]
    text = re.sub(r"^(?:wanna|want to|need to|would like to)\s+(?:say|add|mention)\s+(?:that\s+)?", "", text, flags=re.I)
    if not re.match(r"^I\b", text):
        return ""
    return text


def _as_strength(text: str) -> tuple[str, str, str, str]:
    parts = [p.strip() for p in re.split(r",\s*|;\s*", text) if p.strip()]
    phrases = [_strength_part(p) for p in parts]
    if len(phrases) > 1 and all(kind == "strength_np" for kind, _ in phrases):
        short = all(len(p.split()) <= 5 for _, p in phrases)
        return ("strength_np", (" and " if short else ", ").join(p for _, p in phrases), "", "")
    kind, phrase = phrases[0] if len(phrases) == 1 else _strength_part(text)
    return (kind, phrase, "", "")


def _strength_part(text: str) -> tuple[str, str]:
    text = re.sub(r"\b([A-Z][A-Za-z0-9]*)\s+certified\b", r"\1 certification", text)
    text = re.sub(r"^(\d+|[a-z]+) years (?=[A-Z]{2,}$)", r"\1 years of ", text)
    if re.match(r"^(?:\d+|[a-z]+) years of [A-Z]{2,}$", text):
        text += " experience"
    elif m := re.match(r"^((?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|[a-z]+teen|twenty)\+? years?) "
                       r"(?!of\b|in\b|as\b|with\b|at\b|on\b|running\b|\w+ing\b|experience\b)(.+)$", text):
        text = f"{m.group(1)} of {m.group(2)}"
    if re.match(r"^I\b", text):
        return ("strength_clause", text)
    if re.match(r"^(?:good|great|strong|skilled|fluent|comfortable|calm|patient|experienced|certified|bilingual|"
                r"trilingual|organi[sz]ed|reliable|flexible|detail-oriented|used|familiar|quick|fast|able|happy|"
                r"available|licensed|trained|proficient|confident)\b", text, re.I):
        return ("strength_adj", _lower_first(text))
    if _PAST_START.match(text) or re.match(r"^[a-z]+ed\b", text):
        return ("strength_clause", "I " + text)
    if _is_clause(text) or _CLAUSE_START.match(text):
        return ("unusable", text)
    return ("strength_np", _lower_first(text))


def _as_highlight(text: str) -> tuple[str, str, str, str]:
    clause = _possessives(_lower_first(text), plural=re.match(r"^they\b", text, re.I) is not None)
    if not _has_finite_verb(clause):
        return ("topic", clause, "", "")
    words = clause.split()
    if (words and words[0].islower() and words[0] not in {"the", "a", "an", "you", "we", "our", "your", "every",
                                                           "each", "all", "most", "there", "this", "that", "its"}
            and not words[0][0].isdigit() and any(_FINITE.fullmatch(w) for w in words[1:3])):
        clause = "the " + clause  # "unit is opening 8 new beds" reads "the unit is opening 8 new beds"
    return ("highlight", clause, "", "")


def _as_interest(text: str) -> tuple[str, str, str, str]:
    text = _lower_first(text)
    if match := _BOTH.match(text):
        rest = text[match.end():]
        if _has_finite_verb(rest.split(" ", 1)[0]) or _PAST_START.match(rest) or re.match(r"^[a-z]+(?:ed|s)?\b", rest):
            verb = rest.split(" ", 1)[0]
            if verb.endswith("ing"):
                return ("interest_np", rest, "", "")
            return ("interest", f"we both {rest}", "", "")
        return ("interest_np", rest, "", "")
    if re.match(rf"^{_SUBJECT}\b", text, re.I):
        return ("interest", _second_person(text), "", "")
    if re.match(r"^(?:we|you|I|my|our|your)\b", text):
        return ("interest", text, "", "") if _has_finite_verb(text) else ("interest_np", _possessives(text), "", "")
    if _has_finite_verb(text):
        return ("unusable", text, "", "")
    return ("interest_np", text, "", "")


def _as_topic(text: str) -> tuple[tuple[str, str, str, str], ...]:
    # "staff retention, she said they lost 3 cooks": a topic, then a point about it.
    head, _, tail = text.partition(", ")
    found: list[tuple[str, str, str, str]] = []
    if tail and not _is_clause(head) and not _QUESTION_WORD.match(head) and not _PAST_START.match(head):
        tail = _DURATION.sub("", tail)
        tail_read = _as_topic(tail) if tail and (_CLAUSE_START.match(tail) or _LEAD_IN.match(tail)) else ()
        if tail_read or not tail or _LEAD_IN.match(tail + " "):
            found.append(_one_topic(head))
            found += [t for t in tail_read if t[0] in ("point", "question")]
            return tuple(found)
    if tail and len(tail.split()) <= 3 and re.search(r"\d", tail) and not _is_clause(tail):
        kind, phrase, _, _ = _one_topic(head)
        return ((kind, f"{phrase} ({tail})", "", ""),)  # "a typical week, 50-60 hours"
    return (_one_topic(_DURATION.sub("", text)),)


def _one_topic(text: str) -> tuple[str, str, str, str]:
    text = text.strip(" ,")
    lead = _LEAD_IN.match(text + " ")
    if lead and lead.end() <= len(text):
        text = text[lead.end():].strip()
        if re.match(r"^(?:it|that|this)$", text, re.I) or not text:
            return ("unusable", text, "", "")
    if match := _CANDIDATE_ASKED.match(text):
        return ("topic", _clean_clause(_possessives(match.group("rest"))), "", "")
    if match := _ASKED.match(text):
        rest = _possessives(_clean_clause(match.group("rest")))
        rest = re.sub(r"^(?:me\s+)?(?:about\s+)?", "", rest)
        if re.match(r"^(?:to\s+)", rest):
            return ("unusable", text, "", "")
        if rest.lower().startswith(("if ", "whether ")) or _QUESTION_WORD.match(rest) or not _has_finite_verb(rest):
            return ("question", rest, "", "")
        return ("unusable", text, "", "")
    if match := _REPORTED.match(text):
        rest = _possessives(_clean_clause(match.group("rest")), plural=True)
        verb = match.group("verb").lower()
        if match.group("that") or (_has_finite_verb(rest) and not _QUESTION_WORD.match(rest)):
            return ("point", rest, "", "")
        if verb in ("said", "told me") and not _QUESTION_WORD.match(rest):
            return ("unusable", text, "", "")
        return ("topic", rest, "", "")
    if re.match(rf"^{_SUBJECT}\b", text, re.I):
        clause = _second_person(_lower_first(text))
        return ("point", clause, "", "") if _has_finite_verb(clause) else ("unusable", text, "", "")
    if re.match(r"^(?:I|we)\b", text) and _has_finite_verb(text):
        return ("moment", _possessives(text), "", "")
    if _PAST_START.match(text):
        parts = [p for p in text.split(", ")]
        if not all(_PAST_START.match(p) for p in parts):
            return ("unusable", text, "", "")
        return ("moment", _possessives("I " + _lower_first(" and ".join(parts))), "", "")
    text = _possessives(_lower_first(text))
    if _QUESTION_WORD.match(text):
        return ("topic", text, "", "")
    if _is_clause(text):
        return ("unusable", text, "", "")
    return ("topic", text, "", "")


# --- whole files ------------------------------------------------------------------------

_HOW_TO_PHRASE = {
    "topics": "write it as a short phrase (\"the night-shift staffing plan\") or a sentence such as "
              "\"she asked how I would handle X\"",
    "shared_interests": "write it as \"we both ...\" or a short phrase (\"trail running\")",
    "clarify": "write it as \"I did not mention X\", \"I said 4 years but it is 6\" or a sentence starting with I",
    "strengths": "write it as a short phrase (\"six years in the ICU\") or a sentence starting with I",
    "highlights": "write it as a short sentence (\"the unit is opening 8 new beds in March\")",
}


def read_interviewer_facts(facts: Facts, index: int) -> dict[str, list[Fact]]:
    """Every item of one interviewer's lists, read; the lists keyed by field name."""
    person = facts.interviewers[index]
    return {field: [fact for i, item in enumerate(getattr(person, field))
                    for fact in read_fact(item, field, f"interviewers[{index}].{field}[{i}]")]
            for field in ("topics", "shared_interests", "clarify")}


def read_candidate_facts(facts: Facts) -> dict[str, list[Fact]]:
    return {
        "strengths": [f for i, s in enumerate(facts.candidate.strengths)
                      for f in read_fact(s, "strengths", f"candidate.strengths[{i}]")],
        "highlights": [f for i, h in enumerate(facts.interview.highlights)
                       for f in read_fact(h, "highlights", f"interview.highlights[{i}]")],
    }


def left_out_notices(facts: Facts, names: list[str] | None = None) -> list[str]:
    """One line per item the offline composer leaves out (of the notes to ``names``, or all),
    naming its field and how to phrase it so it can be used."""
    found = []
    lists = [read_candidate_facts(facts)] + [read_interviewer_facts(facts, i) for i, p in enumerate(facts.interviewers)
                                             if names is None or p.name in names]
    for by_field in lists:
        for field, items in by_field.items():
            for fact in items:
                if fact.kind == "unusable":
                    shown = fact.source if len(fact.source) <= 60 else fact.source[:57] + "..."
                    found.append(f"{fact.path}: left out of the offline notes ({shown!r}); {_HOW_TO_PHRASE[field]}")
    return found
