"""Prompts, rendered from the template files in ``prompts/``.

The facts go into the prompt as JSON between ``<facts>`` tags. ``<`` is escaped inside
that JSON so that text in the facts cannot close the block and pose as instructions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .facts import Facts, Interviewer
from .notes import Note
from .resources import data_dir

if TYPE_CHECKING:
    import jinja2

    from .guardrails import Violation

Messages = list[dict[str, str]]


@dataclass(frozen=True)
class NoteLimits:
    """The length bounds the prompts ask for: ``Policy.note_limits``, the policy's limits."""

    min_words: int
    max_words: int
    max_subject: int


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("prompts"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(template: str, **context: Any) -> str:
    """Render ``prompts/<template>.jinja``; a variable the template uses but is not given is an error."""
    return _environment().get_template(f"{template}.jinja").render(**context).strip()


def facts_for(facts: Facts, interviewer: Interviewer) -> dict[str, Any]:
    """The slice of the facts that one interviewer's note may draw on."""
    data = facts.model_dump(mode="json", exclude_none=True, exclude={"interviewers"})
    data["interviewer"] = interviewer.model_dump(mode="json", exclude_none=True)
    others = [p.name for p in facts.interviewers if p.name != interviewer.name]
    if others:
        data["other_interviewers"] = others
    return data


def facts_block(facts: Facts, interviewer: Interviewer) -> str:
    text = json.dumps(facts_for(facts, interviewer), indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def _inline(value: str) -> str:
    """A fact quoted in the prompt's own sentences (a name, the role): it cannot open or close a tag there."""
    return value.replace("<", "‹").replace(">", "›")


def draft_messages(facts: Facts, interviewer: Interviewer, limits: NoteLimits) -> Messages:
    """The system and user messages asking for one interviewer's note."""
    return _messages(interviewer, limits, _draft_request(facts, interviewer))


def repair_messages(
    facts: Facts, interviewer: Interviewer, limits: NoteLimits, draft: Note, violations: list[Violation]
) -> Messages:
    """A fresh, bounded request: the original ask, the failed draft and what it broke."""
    return _about_draft("repair", facts, interviewer, limits, draft, violations=violations)


def tweak_messages(
    facts: Facts, interviewer: Interviewer, limits: NoteLimits, draft: Note, tweaks: list[str]
) -> Messages:
    """Ask for a new version of ``draft`` with the user's changes applied."""
    return _about_draft("tweak", facts, interviewer, limits, draft, tweaks=tweaks)


def _about_draft(template: str, facts: Facts, interviewer: Interviewer, limits: NoteLimits, draft: Note,
                 **context: Any) -> Messages:
    """A request that restates the original ask and carries an earlier draft (repairs and tweaks)."""
    user = render(template, original_request=_draft_request(facts, interviewer),
                  subject=draft.subject[:2 * limits.max_subject], body=_bounded(draft.body, limits), **context)
    return _messages(interviewer, limits, user)


def _bounded(body: str, limits: NoteLimits) -> str:
    """An earlier draft as the prompt carries it: a runaway reply is cut, never sent back whole."""
    words = body.split(" ")
    most = 2 * limits.max_words
    if len(words) <= most:
        return body
    return " ".join(words[:most]) + f" [... cut here: the draft went on for {len(words) - most} more words]"


def _messages(interviewer: Interviewer, limits: NoteLimits, user: str) -> Messages:
    return [{"role": "system", "content": _system(interviewer, limits)}, {"role": "user", "content": user}]


def _system(interviewer: Interviewer, limits: NoteLimits) -> str:
    return render(
        "system",
        interviewer_name=_inline(interviewer.name),
        min_words=limits.min_words,
        max_words=limits.max_words,
        max_subject=limits.max_subject,
    )


def _draft_request(facts: Facts, interviewer: Interviewer) -> str:
    others = [p.name for p in facts.interviewers if p.name != interviewer.name]
    return render(
        "draft",
        candidate_name=_inline(facts.candidate.name),
        interviewer_name=_inline(interviewer.name),
        interviewer_title=_inline(interviewer.title or ""),
        role=_inline(facts.role),
        company=_inline(facts.company),
        tone=facts.tone,
        facts_json=facts_block(facts, interviewer),
        has_clarify=bool(interviewer.clarify),
        other_interviewers=_inline(", ".join(others)),
        has_contact=bool(facts.candidate.email or facts.candidate.phone),
    )
