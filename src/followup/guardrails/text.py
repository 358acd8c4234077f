"""Text helpers shared by the rules: lines, tokens, a light stemmer and fact matching."""

from __future__ import annotations

import itertools
import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import lru_cache

from ..facts import CITABLE_FIELDS, Facts, fact_texts
from ..notes import MARKS

# A word in any script (Tomás, Zoë, प्रिया), with inner apostrophes and hyphens, or a number with its %.
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)+%?|[^\W_](?:[\w{MARKS}'’\-]*[\w{MARKS}])?%?")  # "16.5" and "1,200" are one number
# Sentences end at . ! ? and a line break, and at the full stops of Chinese, Japanese, Hindi and Arabic.
SENTENCE_END = re.compile(r"[.!?\n。！？।؟]+")
_GREETING_START = re.compile(
    r"^(?:(dear|hi|hello|hey|hiya|yo|greetings|good (morning|afternoon|evening|day)|to whom|sup|howdy|mr|ms|mrs|dr|prof"
    r"|عزيزي|عزيزتي|السيد|السيدة|الأستاذ|الأستاذة|الدكتور|الدكتورة|مرحبا|مرحباً|السلام|प्रिय|आदरणीय|नमस्ते|नमस्कार|श्री|श्रीमती|सुश्री)\b"
    r"|亲爱的|尊敬的|您好|你好|敬爱的|拝啓|안녕하세요)",
    re.I,
)
# Words of address around a name in scripts without capitals ("尊敬的王伟：", "عزيزي محمد،"): not names.
CASELESS_ADDRESS = re.compile(
    r"亲爱的|尊敬的|敬爱的|您好|你好|老师|先生|女士|小姐|经理|博士|教授|总监|主任|様|さん|님|"
    rf"(?<![\w{MARKS}])(?:عزيزي|عزيزتي|السيد|السيدة|الأستاذ|الأستاذة|الدكتور|الدكتورة|مرحبا|مرحباً|السلام|عليكم|"
    rf"प्रिय|आदरणीय|नमस्ते|नमस्कार|श्री|श्रीमती|सुश्री|जी|महोदय|महोदया)(?![\w{MARKS}])"  # whole words: प्रिया is a name
)
_SIGNOFF = re.compile(
    r"^(best|best regards|kind regards|warm regards|warmest regards|warmly|regards|sincerely|yours|respectfully|"
    r"thanks|thank you|many thanks|thanks again|thank you again|all the best|cheers|cordially|with gratitude|"
    r"gratefully|with appreciation|take care|love|hugs|xoxo|talk soon|until then)\b[^.!?]{0,40}[,!.]?$",
    re.I,
)

# Words that carry no topic on their own; a cited fact must share more than these.
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being both but by
    can could did do does doing for from had has have having he her here hers him his how i if in into is it its
    me more most my no nor not of off on once only or other our ours out over own same she should so some such
    than that the their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours really just like get got
    team teams work working role company interview conversation discussion talk talked chat today yesterday time
    thing things way lot new great good well much many one two""".split()
)


@dataclass(frozen=True)
class Line:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def lines_of(body: str) -> list[Line]:
    found, offset = [], 0
    for raw in body.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            found.append(Line(stripped, offset + lead, offset + lead + len(stripped)))
        offset += len(raw)
    return found


def tokens(body: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(body)]


def find_greeting(lines: list[Line]) -> Line | None:
    """The salutation line, if the note opens with one."""
    if not lines:
        return None
    first = lines[0]
    words = first.text.split()
    if _GREETING_START.match(first.text):
        return first
    # "Dana," or "Dana Whitfield -" alone on the first line is a greeting too (also with a Chinese or Arabic comma).
    if len(words) <= 4 and first.text.rstrip().endswith((",", ":", "-", "!", "，", "：", "،", "、")):
        return first
    # "石川様", "김서연 님께": a name with the honorific of its language, alone on the line.
    if len(words) <= 3 and re.search(r"(?:様|さま|さん|先生|殿|님|님께|씨|선생님께?)[,，、]?$", first.text.rstrip()):
        return first
    return None


def signoff_offset(lines: list[Line], body: str) -> int:
    """Where the closing block starts (the sign-off line among the last lines), or the end of the body."""
    for line in reversed(lines[-5:]):
        if _SIGNOFF.match(line.text) and len(line.text.split()) <= 6:
            return line.start
    return len(body)


def signoff_line(lines: list[Line]) -> Line | None:
    for line in reversed(lines[-5:]):
        if _SIGNOFF.match(line.text) and len(line.text.split()) <= 6:
            return line
    return None


_SUFFIXES = ("ational", "ization", "isation", "fulness", "ousness", "iveness", "ements", "ement", "ments", "ment",
             "ings", "ing", "ations", "ation", "ions", "ion", "ies", "ied", "ers", "er", "edly", "ed", "ly", "als",
             "al", "es", "s", "e", "y")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light suffix-stripping stemmer (two suffixes at most): 'simplifying' and 'simplify' meet at 'simplif'."""
    word = word.lower().strip("'’")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@lru_cache(maxsize=16384)
def word_stems(word: str) -> tuple[str, ...]:
    """Stems of a token's content words; a hyphenated word counts as its parts ("small-business")."""
    parts = [part for part in word.lower().split("-") if len(part) > 1 and part not in STOPWORDS]
    return tuple(stem(part) for part in parts)


def content_stems(text: str) -> list[str]:
    return [s for t in tokens(text) for s in word_stems(t.text)]


PHRASE_GAP = 3  # tokens: two fact words this close read as one phrase of the fact
# Words that count or time anything ("four", "years"): a note that shares only these with a fact
# ("four years" for "four electric trikes this year") has not cited it.
_CITES_NOTHING = frozenset(stem(w) for w in (
    "one two three four five six seven eight nine ten eleven twelve twenty hundred thousand first second third "
    "year years time times plus lot").split())


@dataclass(frozen=True)
class Citation:
    fact: str
    start: int
    end: int


def find_citation(fact: str, note_tokens: list[Token], ignore: frozenset[str], window: int = 30,
                  shared: frozenset[str] = frozenset()) -> Citation | None:
    """Where the note refers to ``fact``, allowing paraphrase, inflection and another word order.

    The fact's content words (minus ``ignore``: the company and role, which every note names)
    are stemmed. The note cites the fact when one window of it holds enough of them (all of
    one or two, two of three, half of four or more), or when two of them stand side by side
    as a phrase ("alert routing" for "cutting pages with better alert routing"). A citation
    made only of ``shared`` words (ones that other facts use too) does not count.
    """
    stems = [s for s in content_stems(fact) if s not in _CITES_NOTHING] or content_stems(fact)
    wanted = {s for s in stems if s not in ignore} or set(stems)
    if not wanted:
        return None
    need = len(wanted) if len(wanted) <= 2 else max(2, (len(wanted) + 1) // 2)
    hits = [(i, s) for i, t in enumerate(note_tokens) for s in word_stems(t.text) if s in wanted]
    for first, (i, s) in enumerate(hits):
        seen = {s}
        for j, other in itertools.islice(hits, first + 1, None):
            if j - i >= window:
                break
            seen.add(other)
            phrase = len(seen) == 2 and j - i <= PHRASE_GAP and len(wanted) > 2
            if (len(seen) >= need or phrase) and not seen <= shared:
                return Citation(fact, note_tokens[i].start, note_tokens[j].end)
        if need == 1 and s not in shared:
            return Citation(fact, note_tokens[i].start, note_tokens[i].end)
    return None


class Vocabulary:
    """Every word and number the facts contain, for telling grounded details from invented ones."""

    def __init__(self, words: set[str], numbers: set[str], names: set[str],
                 topic_stems: dict[str, frozenset[str]] | None = None,
                 counted: dict[str, set[str]] | None = None) -> None:
        self.words = words
        self.unaccented = {unaccented(w) for w in words}  # "Bartók" in the note, "Bartok" in the facts
        self.stems = {stem(w) for w in words}
        self.prefixes = {w[:n] for w in words if w.isalpha() for n in range(4, len(w))}  # shortenings: "tech"
        self.numbers = numbers
        self.names = names  # lower-cased first and last names of the people in the facts
        self.topic_stems = topic_stems or {}  # per interviewer: stems of their topics and shared interests
        self.counted = counted or {}  # stem of what a number counts ("barrel" of "30-barrel") -> the numbers given

    @classmethod
    def of_facts(cls, facts: Facts) -> Vocabulary:
        """The vocabulary of ``facts``, built once per facts object (a run checks many notes against one)."""
        cached = _VOCABULARIES.get(id(facts))
        if cached is not None and cached[0]() is facts:
            return cached[1]
        vocabulary = cls._build(facts)
        _VOCABULARIES[id(facts)] = (weakref.ref(facts), vocabulary)
        return vocabulary

    @classmethod
    def _build(cls, facts: Facts) -> Vocabulary:
        every = fact_texts(facts)  # every field, so a field added to the facts is known here too
        texts = [t.text for t in every]
        names = {word for t in every if t.field == "name" for word in t.text.lower().replace("\"", " ").split()}
        words: set[str] = set()
        numbers: set[str] = set()
        counted: dict[str, set[str]] = {}
        for piece in texts:
            words |= _acronyms_of(piece) | _initials_of(piece)
            for token in tokens(piece):
                words.add(token.lower)
                words.add(_SPELLED_OUT.get(token.lower, token.lower))
                words.update(part for part in re.split(r"[-'’]", token.lower) if part)  # "IV" of "IV-to-PO"
                numbers.update(numbers_in(token.text))
            for number, unit in counts_in(piece):
                counted.setdefault(unit, set()).add(number)
        topic_stems = {person.name: frozenset(s for t in every if t.interviewer == index and t.field in CITABLE_FIELDS
                                              for s in content_stems(t.text))
                       for index, person in enumerate(facts.interviewers)}
        return cls(words, numbers, names, topic_stems, counted)

    def knows(self, word: str) -> bool:
        """A word of the facts, also inflected ("SLOs"), possessive, or hyphenated onto lower-case
        words ("SARIMA-based"); a hyphenated word is known when each capitalised part is."""
        lower = word.lower().strip("'’")
        if lower.endswith(("'s", "’s")):
            lower = lower[:-2]
        if lower in self.words or stem(lower) in self.stems or lower.removesuffix("s") in self.words:
            return True
        if unaccented(lower) in self.unaccented:
            return True
        if len(lower) >= 4 and lower.isalpha() and word[:1].isupper() and lower in self.prefixes:
            return True  # "Tech" of "Technical College", "Univ" of "University": the fact, shortened
        if word[:1].isupper() and self._place_of(lower):
            return True
        parts = [part for part in word.strip("'’").split("-") if part]
        if len(parts) < 2:
            return False
        capitalised = [part for part in parts if part[:1].isupper()]
        return bool(capitalised) and all(self.knows(part) for part in capitalised)

    def _place_of(self, lower: str) -> bool:
        """A people or language named from a place of the facts ("Canadian" of Canada, "Japanese" of Japan)."""
        root = next((lower[:-len(end)] for end in _DEMONYM_ENDINGS if lower.endswith(end) and len(lower) > len(end) + 3), None)
        if root is None:
            return False
        return any(root[:n] in self.words or root[:n] in self.prefixes for n in range(len(root), max(4, len(root) - 2) - 1, -1))


_DEMONYM_ENDINGS = ("ian", "ese", "ish", "an", "ic", "i")
_VOCABULARIES: dict[int, tuple[weakref.ref[Facts], Vocabulary]] = {}


def unaccented(word: str) -> str:
    """``word`` without its accents: people type names with and without them (Bartók, Bartok)."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


# Greek and Cyrillic letters in Latin, as names are commonly romanized: enough to tell
# "Dear Oleh" to Олег Петренко from "Dear Ivan", not to spell every name one way.
_ROMAN = str.maketrans({**dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo")),
                        "θ": "th", "χ": "ch", "ψ": "ps",
                        **dict(zip("абвгдезийклмнопрстуфыэіїґ", "abvgdeziiklmnoprstufyeiig")),
                        "ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                        "ю": "yu", "я": "ya", "є": "ye", "ь": "", "ъ": ""})


def romanized(word: str) -> str | None:
    """A Greek or Cyrillic word in Latin letters, lower-cased and unaccented (Ελένη: eleni); None for other words."""
    if not any("\u0370" <= c <= "\u04ff" for c in word):
        return None
    return unaccented(word.lower()).translate(_ROMAN)


_LINKING = {"of", "and", "for", "the", "on", "in", "to", "&"}


def _acronyms_of(text: str) -> set[str]:
    """Lower-cased acronyms of the fact's runs of three to six words ("CCR" of "Consumer Confidence
    Report", "CoC" and "CC" of "Continuum of Care"): a note may abbreviate what the facts spell out."""
    words = [t.text for t in tokens(text)]
    found = set()
    for first in range(len(words)):
        if words[first].lower() in _LINKING:
            continue
        with_links = without_links = ""
        for word in words[first:first + 6]:
            with_links += word[0].lower()
            if word.lower() not in _LINKING:
                without_links += word[0].lower()
            for acronym in (with_links, without_links):
                if len(acronym) >= 3 and word.lower() not in _LINKING:
                    found.add(acronym)
    return found

NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_TENS = {w: 10 * i for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}
NUMBER_WORDS |= {w: str(n) for w, n in _TENS.items()}
_COMPOUND = rf"(?:twenty|{'|'.join(_TENS)})-(?:{'|'.join(list(NUMBER_WORDS)[1:10])})"  # "sixty-two"


def number_value(word: str) -> str | None:
    """The number a number word gives ("forty": "40", "sixty-two": "62"), or None."""
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    tens, _, unit = word.partition("-")
    if tens in NUMBER_WORDS and unit in NUMBER_WORDS and int(NUMBER_WORDS[tens]) % 10 == 0 and int(NUMBER_WORDS[unit]) < 10:
        return str(int(NUMBER_WORDS[tens]) + int(NUMBER_WORDS[unit]))
    return None
# A number and up to three words after it, each read as what it counts: "30-barrel", "2,400 intakes",
# "10+ yrs" (years), "14 trained Learning Champions" (champions too).
# A number is digits or a number word above one ("one" is as often "one of"): "two-phase" counts phases.
COUNT_NUMBER = (r"\d[\d,]*(?:\.\d+)?|" + _COMPOUND + r"\b|(?:"
                + "|".join(w for w in NUMBER_WORDS if w not in ("zero", "one")) + r")\b")
# (The words are read in a look-ahead, so the number of "six arriving with two days" is not lost.)
_COUNT = re.compile(rf"(?<![\w.,])({COUNT_NUMBER})\+?(?=(?:-|\s+)((?:(?:yr|hr|wk|mo|[a-z]{{3,}})[ -]){{0,2}}(?:yr|hr|wk|mo|[a-z]{{3,}}))\b)")
_NUMBER_WORD = re.compile(rf"\b(?:{_COMPOUND}|{'|'.join(NUMBER_WORDS)})\b")


def _initials_of(text: str) -> set[str]:
    """Initials of two or three content words in a row ("relative humidity": "rh"), so an acronym
    a note makes of a fact's words is the fact."""
    words = [part for t in tokens(text) for part in t.lower.split("-")  # "QC" of "quality-control"
             if part.isalpha() and part not in STOPWORDS]
    return {"".join(w[0] for w in words[i:i + n]) for n in (2, 3) for i in range(len(words) - n + 1)}


def counts_in(text: str) -> list[tuple[str, str]]:
    """(number, stem of what it counts) for each number followed by a word, and for every other
    number of the same text too: "said 5 techs, actually 7" counts techs in 5 and in 7."""
    units = {unit for _, words in _COUNT.findall(text.lower()) for word in re.split("[ -]", words)
             if (unit := count_unit(word))}
    numbers = {n.replace(",", "") for n in _NUMBER.findall(text)} | {number_value(w) for w in _NUMBER_WORD.findall(text.lower())}
    return [(number, unit) for unit in units for number in numbers]


def count_unit(word: str) -> str | None:
    """The stem of what a number counts ("barrel" of "30-barrel"), jotted or spelled out alike; None for a stopword."""
    word = word.lower()
    return None if word in STOPWORDS else stem(_SPELLED_OUT.get(word, word))


# Jotted words, so "5 yrs" in the facts and "5 years" in a note count the same thing, and the
# "univ" of the facts is the note's "University".
_SPELLED_OUT = {"yrs": "years", "yr": "year", "hrs": "hours", "hr": "hour", "mins": "minutes", "min": "minutes",
                      "mos": "months", "wks": "weeks", "wk": "week", "ppl": "people", "techs": "technicians",
                      "univ": "university", "uni": "university", "dept": "department", "depts": "departments",
                      "mgr": "manager", "govt": "government", "intl": "international", "cert": "certification",
                      "certs": "certifications"}


ORDINAL_WORDS = {w: str(i) for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str, words: bool = True) -> set[str]:
    """Numbers in ``text`` in a comparable form: '40%' gives '40', and with ``words`` 'five' gives '5'."""
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    lower = text.lower()
    if words and lower in NUMBER_WORDS:
        found.add(NUMBER_WORDS[lower])
    return found
