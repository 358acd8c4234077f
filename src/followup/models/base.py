"""What every model shares: the request it is given, the reply it returns, its errors.

Every model takes a :class:`DraftRequest` and returns a :class:`ModelReply`. A model that
cannot answer raises :class:`ModelServiceError` with one line saying what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .. import defaults
from ..errors import InputError, ServiceError
from ..facts import Facts, Interviewer
from ..notes import Note

if TYPE_CHECKING:
    from ..guardrails import Violation
    from ..prompts import Messages

OFFLINE = "offline"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = defaults.MODEL_TIMEOUT
DEFAULT_PARALLEL = defaults.PARALLEL


@dataclass
class DraftRequest:
    """What a model is asked for: the rendered messages plus the structured facts behind them."""

    facts: Facts
    interviewer: Interviewer
    messages: Messages
    purpose: str = "draft"  # draft | repair | tweak
    previous: Note | None = None
    tweaks: list[str] = field(default_factory=list)  # the changes asked for now
    tweak_chain: list[str] = field(default_factory=list)  # every tweak from version 1 on, these last
    violations: list[Violation] = field(default_factory=list)  # of the previous attempt, when repairing
    max_tokens: int | None = None  # the bound on the reply's length, sent with every request
    budget: TimeBudget | None = None  # shared by every call made for this interviewer's note


@dataclass
class TimeBudget:
    """The seconds one interviewer's model calls may take in all (attempts x --timeout).

    Only time spent waiting on the service (replies and back-off) is charged: a request that
    waits for a free slot (--parallel) has not started yet.
    """

    total: float
    spent: float = 0.0

    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)

    def charge(self, seconds: float) -> None:
        self.spent += max(0.0, seconds)


@dataclass
class ModelReply:
    note: Note
    raw: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cut_off: bool = False  # the reply stopped at max_tokens: the note is incomplete


class Model(Protocol):
    name: str
    timeout: float | None  # seconds for one reply; None where no service is waited on

    def complete(self, request: DraftRequest) -> ModelReply: ...


class ModelServiceError(ServiceError):
    """The model service failed; the message is one line a user can act on.

    ``kind`` names the failure for callers that treat some differently ("not_recorded": the
    request has no answer in a replayed recording).
    """

    def __init__(self, message: str, kind: str = "service") -> None:
        super().__init__(message)
        self.kind = kind


class ModelConfigError(InputError):
    """The model settings are unusable (bad input: exit 2)."""


_SECRET = re.compile(r"\b(sk-[A-Za-z0-9_\-*]{4,}|Bearer\s+\S+)")
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys (the given ones, and anything shaped like one) from a message."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _SECRET.sub("***", text)


def public_url(url: str) -> str:
    """A URL fit for a message: without the user name and password it may carry."""
    return _USERINFO.sub("", url)
