"""The facts file: what happened in the interview, as the user wrote it down.

Loaded from YAML or JSON into pydantic models. Every problem becomes one line that names
the file, the YAML line where known, and the field path, e.g.
``interview.yaml:14: interviewers[1].name: field required``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .errors import InputError
from .files import STDIN, UnreadableFile, read_bounded
from .textsafety import clean_text

MAX_FACTS_BYTES = 1_000_000

Tone = Literal["warm", "formal", "concise"]
# Titles that may start a name, in English and as candidates elsewhere write them ("Dott.ssa Elena
# Ferraris", "Mgr inż. Katarzyna Nowak", "Dra. Lucía Pérez"), compared without their dots.
HONORIFICS = {"dr", "mr", "ms", "mrs", "miss", "mx", "prof", "professor", "dean", "judge", "rev", "sir", "dame",
              "dott", "dottssa", "dottor", "ing", "inż", "mgr", "mag", "dipl-ing", "dra", "lic", "licda", "sr", "sra",
              "srta", "herr", "frau", "mme", "mlle", "eng", "engr", "atty"}


# Small words that belong to the surname after them: "van der Merwe", "de la Cruz", "bin Rashid".
SURNAME_PARTICLES = {"van", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "von", "zu",
                     "ten", "ter", "bin", "binti", "bint", "al", "el", "ibn", "mac", "st", "st."}


def written_name(name: str) -> str:
    """A person's name jotted all in lower case ("dave", "johan van der merwe") as it is written on
    a letter; a name with any capital is left as its owner wrote it."""
    return name if any(ch.isupper() for ch in name) else capitalised_words(name, SURNAME_PARTICLES)


def capitalised_words(text: str, small: set[str]) -> str:
    """Each word with a capital first letter, except the ``small`` ones after the first ("of", "van")."""
    return " ".join(word if index and word in small else word[:1].upper() + word[1:]
                    for index, word in enumerate(text.split(" ")))


# A nickname written inside a name, in quotes or brackets: 'Richard "Rick" Doyle'.
_NICKNAME = re.compile(r"\s[\"“‘'(]([^\W\d_][\w'’-]*)[\"”’')](?=\s)")

# Every kind of line break, Unicode's own separators and vertical tab included.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")


def _one_line(value: str) -> str:
    # Names, titles, the company and the role are quoted in the prompt's own sentences: one line,
    # no angle brackets, so that no fact can pose as part of the instructions.
    if _LINE_BREAK.search(value):
        raise ValueError("must be a single line")
    if clean_text(value) != unicodedata.normalize("NFC", value):
        raise ValueError("must not contain control characters or escape sequences")
    if "<" in value or ">" in value:
        raise ValueError("must not contain < or >")
    if len(value) > 200:
        raise ValueError("is longer than 200 characters")
    return value


# RFC 5322 dot-atom before the @; a quoted local part ("a b"@x) is refused, no mail tool needs it.
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_EXAMPLE_ADDRESS = "such as dana@northwind.example"


def _email_address(value: str) -> str:
    """One address, as it can go into a To: or From: header: the domain IDNA-encoded.

    A non-ASCII local part would need SMTPUTF8 end to end, which the .eml file cannot promise;
    it is refused with a line that says so.
    """
    if "," in value or ";" in value or value.count("@") > 1:
        raise ValueError(f"must be one address, not a list (got {value!r})")
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in value):
        raise ValueError(f"must not contain spaces or control characters (got {value!r})")
    local, at, domain = value.rpartition("@")
    if not (at and local and domain):
        raise ValueError(f"expected an email address {_EXAMPLE_ADDRESS} (got {value!r})")
    if not local.isascii():
        raise ValueError(f"non-ASCII characters before the @ are not supported (got {value!r}); use an ASCII address")
    if not _LOCAL_PART.fullmatch(local):
        raise ValueError(f"the part before the @ has characters an address cannot have (got {value!r})")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{domain!r} is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"expected an email address {_EXAMPLE_ADDRESS} (got {value!r})")
    address = f"{local}@{ascii_domain}"
    if len(address) > 254:
        raise ValueError("is longer than an email address can be (254 characters)")
    return address


Line = Annotated[str, AfterValidator(_one_line)]
EmailAddress = Annotated[str, AfterValidator(_email_address)]
# Free text (topics, strengths, ...): control characters and escape sequences are removed.
FreeText = Annotated[str, AfterValidator(clean_text)]


class DuplicateInterviewer(ValueError):
    """Two interviewers share a name; ``index`` is the second one's place in the list."""

    def __init__(self, index: int, name: str) -> None:
        super().__init__(f"duplicate interviewer name {name!r}: names must be unique")
        self.index = index


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


class Candidate(_Strict):
    name: Line = Field(min_length=1, description="Your full name, used in the sign-off.")
    email: EmailAddress | None = Field(None, description="Your email: signature and the .eml From header.")
    phone: Line | None = Field(None, description="Your phone number, for the signature.")
    strengths: list[FreeText] = Field(default_factory=list, description="What to reiterate about yourself.")


class Interview(_Strict):
    ended_at: datetime | None = Field(
        None, description="When the interview ended (ISO 8601 with a time zone); drives the send-by deadline."
    )
    format: Literal["onsite", "video", "phone"] | None = None
    highlights: list[FreeText] = Field(default_factory=list, description="Things true of the whole interview day.")

    _assumed_local_time: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _attach_local_time_zone(self) -> Interview:
        # A time without a zone is read as the user's local time: that is what a person
        # writing "2026-11-25 16:30" means. The CLI says so on stderr.
        if self.ended_at is not None and not 1970 <= self.ended_at.year <= 2200:
            raise ValueError(f"ended_at year {self.ended_at.year} is out of range; give the interview's real date")
        if self.ended_at is not None and self.ended_at.tzinfo is None:
            self.ended_at = self.ended_at.astimezone()
            self._assumed_local_time = True
        return self


class Interviewer(_Strict):
    name: Line = Field(min_length=1, description="Unique within the file.")
    title: Line | None = None
    email: EmailAddress | None = Field(None, description="Used as the .eml To header.")
    topics: list[FreeText] = Field(default_factory=list, description="What you discussed with this person.")
    shared_interests: list[FreeText] = Field(default_factory=list, description="Professional common ground.")
    clarify: list[FreeText] = Field(default_factory=list, description="What you want to add or elaborate on.")

    @property
    def nickname(self) -> str | None:
        """"Rick" of 'Richard "Rick" Doyle' or "Richard (Rick) Doyle": the name they go by."""
        found = _NICKNAME.search(self.name)
        return found.group(1) if found else None

    @property
    def plain_name(self) -> str:
        """The name without a nickname in quotes: "Richard Doyle"."""
        return " ".join(_NICKNAME.sub(" ", self.name).split())

    @property
    def honorific(self) -> str | None:
        """"Dr." of "Dr. Mei Lin", "Mgr inż." of "Mgr inż. Katarzyna Nowak", if the name starts with a title."""
        parts = self.plain_name.split()
        count = 0
        while count < len(parts) - 1 and (parts[count].replace(".", "").lower() in HONORIFICS or (
                count and parts[count].endswith(".") and len(parts[count]) > 2)):  # "Dr. med.", "Prof. Dr."
            count += 1
        return " ".join(parts[:count]) or None

    @property
    def given_names(self) -> str:
        """The name without its title: "Mei Lin" of "Dr. Mei Lin"."""
        return self.plain_name[len(self.honorific or ""):].strip()

    @property
    def first_name(self) -> str:
        """"Mei" of "Dr. Mei Lin"; a title and a surname alone ("Miss Hughes") have no first name to use instead."""
        if self.nickname:
            return self.nickname
        parts = self.given_names.split()
        return parts[0] if len(parts) > 1 or not self.honorific else self.plain_name

    @property
    def surname(self) -> str:
        """"Lin" of "Dr. Mei Lin"; with its particles, "van der Merwe" of "Dr. Johan van der Merwe"."""
        parts = self.given_names.split() or self.plain_name.split()
        start = len(parts) - 1
        while start > 1 and parts[start - 1].lower() in SURNAME_PARTICLES:
            start -= 1
        return " ".join(parts[start:])


class Facts(_Strict):
    candidate: Candidate
    company: Line = Field(min_length=1)
    role: Line = Field(min_length=1)
    interview: Interview = Field(default_factory=Interview)
    tone: Tone = "warm"
    interviewers: list[Interviewer] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_interviewer_names(self) -> Facts:
        seen: set[str] = set()
        for index, person in enumerate(self.interviewers):
            key = person.name.casefold()
            if key in seen:
                raise DuplicateInterviewer(index, person.name)
            seen.add(key)
        return self

    def notices(self) -> list[str]:
        """Assumptions and gaps the user should hear about (the facts still load)."""
        found = []
        ended = self.interview.ended_at
        if self.interview._assumed_local_time and ended:
            zone = ended.strftime("%z")
            found.append(f"interview.ended_at has no time zone; assuming local time (UTC{zone[:3]}:{zone[3:]})")
        if ended and ended > datetime.now(ended.tzinfo):
            found.append(f"interview.ended_at ({ended.isoformat()}) is in the future; check the date")
        for index, person in enumerate(self.interviewers):
            if not (person.topics or person.shared_interests):
                found.append(f"interviewers[{index}] ({person.name}) has no topics or shared_interests: "
                             "their note can only be generic; add what you discussed with them")
        return found

    def fingerprint(self) -> str:
        """A stable hash of the facts, stored with each run."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FactText:
    """One piece of text in the facts, with where it sits in the file."""

    path: str  # the field path, as errors name it: "interviewers[1].topics[0]", "company"
    field: str  # the field's own name: "topics", "company", "name"
    text: str
    interviewer: int | None = None  # the index of the interviewer it belongs to; None for the whole interview


def fact_texts(facts: BaseModel, interviewer: int | None = None) -> list[FactText]:
    """Every text of the facts with its field path, in file order: the one view that the
    grounding vocabulary, the rules, tweaks, the composer and the prompts read.

    It walks the model, so a field added to it is seen by all of them at once. Settings that
    are a choice of words (tone, format) and dates are not texts of the interview.
    """
    cached = _VIEWS.get(id(facts))
    if interviewer is None and cached is not None and cached[0]() is facts:
        return list(cached[1])
    found: list[FactText] = []
    _walk(facts, "", interviewer, found)
    if interviewer is None:  # facts are not changed once loaded (a change is a model_copy), so the view keeps
        _VIEWS[id(facts)] = (weakref.ref(facts), tuple(found))
    return found


_VIEWS: dict[int, tuple[weakref.ref[BaseModel], tuple[FactText, ...]]] = {}


# What a note may cite as specific to one interviewer (the specificity rules and the composer read these).
CITABLE_FIELDS = ("topics", "shared_interests")
# Texts that say who or what, not what happened: names, addresses, the company and role.
IDENTITY_FIELDS = frozenset({"name", "title", "email", "phone", "company", "role"})


def texts_of(facts: Facts, interviewer: Interviewer | None = None, fields: tuple[str, ...] | None = None,
             content: bool = False) -> list[FactText]:
    """The view narrowed: one interviewer's texts and the whole interview's (or everyone's, with no
    interviewer); only ``fields`` if given; with ``content``, not the identity fields."""
    index = None if interviewer is None else facts.interviewers.index(interviewer)
    return [t for t in fact_texts(facts)
            if (index is None or t.interviewer in (None, index))
            and (fields is None or t.field in fields)
            and not (content and t.field in IDENTITY_FIELDS)]


def _walk(model: BaseModel, prefix: str, interviewer: int | None, found: list[FactText]) -> None:
    for name, info in type(model).model_fields.items():
        if _is_choice(info.annotation):
            continue
        value = getattr(model, name)
        path = f"{prefix}{name}"
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = path if index is None else f"{path}[{index}]"
            owner = index if name == "interviewers" else interviewer
            if isinstance(item, BaseModel):
                _walk(item, f"{where}.", owner, found)
            elif isinstance(item, str) and item:
                found.append(FactText(where, name, item, owner))


def _is_choice(annotation: Any) -> bool:
    """A Literal (or an optional one): a setting such as tone, not text the candidate wrote."""
    if get_origin(annotation) is Literal:
        return True
    return any(get_origin(arg) is Literal for arg in get_args(annotation))


class FactsError(InputError):
    """The facts file cannot be used. ``lines`` holds one message per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_facts(path: str | Path) -> Facts:
    """Read and validate a facts file (YAML, or JSON by its .json suffix); ``-`` reads standard input."""
    name = "standard input" if str(path) == STDIN else str(path)
    text = _read_text(path, name)
    if Path(path).suffix.lower() == ".json":
        data, lines = _parse_json(text, name), None
    else:
        data, lines = _parse_yaml(text, name)
    if not isinstance(data, dict):
        raise FactsError([f"{name}: expected a mapping of fields (candidate, company, role, interviewers), got {_kind(data)}"])
    try:
        return Facts.model_validate(data)
    except ValidationError as error:
        raise FactsError([_describe(name, e, lines) for e in error.errors()]) from None


def select_interviewers(facts: Facts, names: list[str] | None) -> list[Interviewer]:
    """The interviewers named (case-insensitively), or all of them when none are named."""
    if not names:
        return list(facts.interviewers)
    by_key = {person.name.casefold(): person for person in facts.interviewers}
    for person in facts.interviewers:
        if person.honorific:  # "Mei Lin" finds "Dr. Mei Lin"
            by_key.setdefault(person.given_names.casefold(), person)
    # A first name alone is enough when no one else on the panel shares it.
    first_names = [person.first_name.casefold() for person in facts.interviewers]
    for person in facts.interviewers:
        if first_names.count(person.first_name.casefold()) == 1:
            by_key.setdefault(person.first_name.casefold(), person)
    chosen: list[Interviewer] = []
    for name in names:
        person = by_key.get(name.strip().casefold())
        if person is None:
            valid = ", ".join(p.name for p in facts.interviewers)
            raise FactsError([f"--to: no interviewer named {name!r}; choose from: {valid}"])
        if person not in chosen:
            chosen.append(person)
    return chosen


def find_interviewer(facts: Facts, name: str) -> Interviewer:
    return select_interviewers(facts, [name])[0]


# --- reading ---------------------------------------------------------------------------


def _read_text(path: str | Path, name: str) -> str:
    try:
        raw = read_bounded(path, MAX_FACTS_BYTES)
    except UnreadableFile as error:
        raise FactsError([str(error)]) from None
    if not raw.strip():
        raise FactsError([f"{name}: file is empty; run 'followup init' for an example"])
    if b"\x00" in raw:
        raise FactsError([f"{name}: binary file, expected YAML or JSON text"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FactsError([f"{name}: not UTF-8 text (bad byte at offset {error.start})"]) from None


def _parse_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FactsError([f"{path}:{error.lineno}: invalid JSON: {error.msg}"]) from None
    except RecursionError:
        raise FactsError([f"{path}: JSON is nested too deeply"]) from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise FactsError([f"{path}: invalid JSON: {error}"]) from None


def _parse_yaml(text: str, path: str) -> tuple[Any, _LineIndex]:
    import yaml

    from .yamlfile import compose_and_load

    try:
        root, data = compose_and_load(text)
        index = _LineIndex(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = error.problem or error.context or "cannot parse"
        raise FactsError([f"{path}{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as error:
        raise FactsError([f"{path}: invalid YAML: {error}"]) from None
    except RecursionError:
        raise FactsError([f"{path}: YAML is nested too deeply"]) from None
    except _AliasFound as error:
        raise FactsError([f"{path}:{error.line}: YAML anchors and aliases are not allowed in a facts file"]) from None
    except _DuplicateKey as error:
        raise FactsError([f"{path}:{error.line}: duplicate key {error.key!r}"]) from None
    except (ValueError, TypeError, OverflowError, IndexError, KeyError, AttributeError) as error:
        # PyYAML builds some values itself (dates, numbers, !!tags) and fails with plain errors.
        raise FactsError([f"{path}: a value cannot be read ({error}); quote it to keep it as text"]) from None
    return data, index


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line


class _LineIndex:
    """Maps a field path (as pydantic reports it) to the line in the YAML source."""

    def __init__(self, root: Any) -> None:
        self.root = root
        # Aliases would let a tiny file expand into a huge document ("billion laughs"),
        # and a facts file has no use for them; refuse them while indexing.
        self._check(root, set())

    def _check(self, node: Any, seen: set[int]) -> None:
        import yaml

        if node is None:
            return
        if id(node) in seen:
            raise _AliasFound(node.start_mark.line + 1)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if key.value in keys:
                    raise _DuplicateKey(str(key.value), key.start_mark.line + 1)
                keys.add(key.value)
                self._check(value, seen)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._check(item, seen)

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """The line of the key (or list item) that ``loc`` ends at, or of the nearest existing parent."""
        import yaml

        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == part), None)
                if match is None:
                    break
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


def _describe(path: str, error: dict[str, Any], lines: _LineIndex | None) -> str:
    loc = tuple(error["loc"])
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, DuplicateInterviewer):
        loc = ("interviewers", cause.index, "name")
    field = _format_loc(loc)
    where = f"{path}"
    line = lines.line_of(loc) if lines else None
    if line:
        where += f":{line}"
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown field {loc[-1]!r}" + _did_you_mean(loc)
        field = _format_loc(loc[:-1])
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "value_error":
        message = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    elif kind == "too_short" and loc == ("interviewers",):
        message = "list at least one interviewer"
    elif kind.startswith(("datetime", "date_")):
        message = f"expected a date and time such as 2026-11-25T16:30:00-05:00 (got {error.get('input')!r})"
    else:
        message = error["msg"][0].lower() + error["msg"][1:]
        if "input" in error and kind not in ("too_short",) and not isinstance(error["input"], (dict, list)):
            message += f" (got {error['input']!r})"
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def _format_loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    model: Any = Facts
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        model = getattr(annotation, "__args__", (annotation,))[0]
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    allowed = ", ".join(model.model_fields)
    return f"; did you mean {close[0]!r}?" if close else f"; allowed: {allowed}"


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing"}.get(type(value), type(value).__name__)


def facts_json_schema() -> dict[str, Any]:
    """The JSON Schema of the facts file, for editors that validate YAML/JSON."""
    schema = Facts.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "followup interview facts"
    return schema
