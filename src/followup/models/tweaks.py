"""Reading a user's tweak ("shorter", "mention the on-call rotation") into a change the offline composer can make.

A language model takes tweaks as free text; the offline composer understands the common
ones listed here and refuses the rest with :class:`UnsupportedTweak`, never silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import InputError
from ..facts import Facts, Interviewer, texts_of
from ..guardrails.text import content_stems

_LENGTH_SHORTER = re.compile(r"^(?:make it |a bit |a little |much |slightly |even )*(?:shorter|briefer|more brief|less wordy|trim(?: it)?|cut it down|tighten(?: it)?(?: up)?)$")
_LENGTH_LONGER = re.compile(r"^(?:make it |a bit |a little |much |slightly |even )*(?:longer|(?:add )?more detail(?:ed|s)?|expand(?: it)?|fuller|add more)$")
_FORMAL = re.compile(r"^(?:make it |a bit |a little |much |slightly )*(?:more formal|formal|less casual|more professional)$")
_WARM = re.compile(r"^(?:make it |a bit |a little |much |slightly )*(?:warmer|more warm|warm|friendlier|more friendly|more personal|less formal|less stiff)$")
_CONCISE = re.compile(r"^(?:make it |a bit |a little |much |slightly )*(?:more concise|concise|more direct|to the point)$")
_MENTION = re.compile(r"^(?:please )?(?:also )?(?:mention|include|reference|talk about|bring up|add|cite|refer to)\s+(.+)$")
_AVOID = re.compile(
    r"^(?:please )?(?:don'?t|do not|never|stop|no longer|without)\s+(?:mention(?:ing)?|includ(?:e|ing)|referenc(?:e|ing)|talk(?:ing)? about|bring(?:ing)? up)\s+(.+)$"
    r"|^(?:remove|drop|leave out|cut|omit)\s+(?:the )?(?:mention of |reference to |part about |bit about )?(.+)$"
)


class UnsupportedTweak(InputError):
    """The offline composer cannot apply this tweak; the message says why and what to do."""


@dataclass(frozen=True)
class Tweak:
    kind: str  # shorter | longer | formal | warm | concise | mention | avoid
    facts: tuple[str, ...] = ()  # the facts to mention (the best match) or to avoid (every match)
    asked: str = ""  # the tweak as the user wrote it


def parse_tweak(asked: str, facts: Facts, interviewer: Interviewer) -> Tweak:
    """Read one tweak; ``mention``/``avoid`` tweaks are matched to the fact they mean."""
    text = " ".join(asked.lower().strip().rstrip(".!").split())
    for kind, pattern in (("shorter", _LENGTH_SHORTER), ("longer", _LENGTH_LONGER), ("formal", _FORMAL),
                          ("warm", _WARM), ("concise", _CONCISE)):
        if pattern.match(text):
            return Tweak(kind, asked=asked)
    if match := _MENTION.match(text):
        wanted = match.group(1)
        found = matching_facts(wanted, facts, interviewer)
        if not found:
            raise UnsupportedTweak(
                f"{asked!r}: nothing in the facts for {interviewer.name} matches {wanted!r}; add it to the facts "
                "file first, then run regenerate again with --facts FILE (a note may only say what the facts support)"
            )
        return Tweak("mention", tuple(found[:1]), asked)
    if match := _AVOID.match(text):
        unwanted = match.group(1) or match.group(2)
        found = matching_facts(unwanted, facts, interviewer)
        if not found:
            raise UnsupportedTweak(f"{asked!r}: nothing in the facts for {interviewer.name} matches {unwanted!r}")
        return Tweak("avoid", tuple(found), asked)
    raise UnsupportedTweak(
        f"{asked!r}: the offline composer understands shorter, longer, more formal, warmer, more concise, "
        "'mention X' and 'don't mention X'; this tweak needs a language model (set OPENAI_API_KEY or "
        "OPENAI_BASE_URL and pass --model)"
    )


def matching_facts(wanted: str, facts: Facts, interviewer: Interviewer) -> list[str]:
    """The facts of this interviewer and of the whole interview (every field but names and addresses)
    that ``wanted`` names, best first."""
    wanted_stems = set(content_stems(wanted))
    if not wanted_stems:
        return []
    need = math.ceil(len(wanted_stems) * 0.6)
    candidates = [t.text for t in texts_of(facts, interviewer, content=True)]
    scored = [(len(wanted_stems & set(content_stems(fact))), fact) for fact in candidates]
    return [fact for overlap, fact in sorted(scored, key=lambda item: -item[0]) if overlap >= need]
