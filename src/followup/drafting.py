"""Drafting: one note per interviewer, each through the guardrails, re-asked until it passes.

The content loop (re-ask the model with the violations) lives here; the transport retries
(rate limits, timeouts) live with the model client. Interviewers are drafted concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from . import defaults, prompts
from .facts import Facts, Interviewer
from .guardrails import Policy, Violation, check_note, check_panel, errors_in, passes
from .guardrails.autofix import autofix
from .guardrails.policy import NoteLimits
from .models import OFFLINE, DraftRequest, Model, ModelReply, ModelServiceError, TimeBudget
from .notes import Note

DEFAULT_MAX_ATTEMPTS = defaults.MAX_ATTEMPTS
MAX_PARALLEL = 8
FALLBACKS = ("offline", "none")  # --fallback: what stands in for a model's draft that still fails

StatusCallback = Callable[[str, str], None]  # (interviewer name, status text)


class Attempt(BaseModel):
    """One call to the model and what the guardrails made of its answer."""

    number: int
    purpose: str
    messages: list[dict[str, str]]
    raw_response: str
    subject: str
    body: str
    violations: list[Violation]
    fixed_rules: list[str] = Field(default_factory=list)  # errors the mechanical fix-up removed
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    started_at: datetime
    finished_at: datetime


class Draft(BaseModel):
    """A finished draft, as ``--json`` shows it; ``history`` carries its attempts."""

    to: str
    email: str | None = None
    version: int = 1
    subject: str
    body: str
    passed: bool
    attempts: int
    violations: list[Violation]
    model: str
    fallback: bool = False  # the offline composer's draft, standing in for a model's that failed
    parent_version: int | None = Field(None, exclude=True)
    tweaks: list[str] = Field(default_factory=list, exclude=True)
    history: list[Attempt] = Field(default_factory=list, exclude=True)
    # With a fallback: the model's failing draft it stands in for, saved as its parent version.
    replaced: Draft | None = Field(None, exclude=True)

    @property
    def note(self) -> Note:
        return Note(subject=self.subject, body=self.body)


class DraftFailure(BaseModel):
    to: str
    error: str
    kind: str = "service"


class DraftingResult(BaseModel):
    drafts: list[Draft]
    failures: list[DraftFailure]


def reply_token_limit(limits: NoteLimits) -> int:
    """A ``max_tokens`` bound that fits the longest note allowed: words at ~1.3 tokens each, doubled
    for slack, plus the subject and the JSON around them."""
    return 2 * limits.max_words + 4 * limits.max_subject + 50


def draft_note(
    facts: Facts,
    interviewer: Interviewer,
    model: Model,
    policy: Policy,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_tokens: int | None = None,
    fallback: str = "offline",
    previous: Note | None = None,
    tweaks: list[str] | None = None,
    earlier_tweaks: list[str] | None = None,
    on_status: StatusCallback | None = None,
) -> Draft:
    """Ask ``model`` for one interviewer's note (or a tweaked version of ``previous``) until it passes.

    ``earlier_tweaks`` are those that made ``previous``: the offline composer replays the whole chain.
    A model's draft that still fails gives way to the offline composer's when that one passes
    (``fallback="offline"``); the model's draft is kept as the fallback's ``replaced``.
    """
    limits = policy.note_limits
    if previous is not None and tweaks:
        purpose, messages = "tweak", prompts.tweak_messages(facts, interviewer, limits, previous, tweaks)
    else:
        purpose, messages = "draft", prompts.draft_messages(facts, interviewer, limits)
    timeout = getattr(model, "timeout", None)
    request = DraftRequest(facts, interviewer, messages, purpose, previous=previous, tweaks=list(tweaks or []),
                           tweak_chain=[*(earlier_tweaks or []), *(tweaks or [])],
                           max_tokens=max_tokens or reply_token_limit(limits),
                           budget=TimeBudget(max_attempts * timeout) if timeout else None)
    history = _attempts(request, model, policy, [], max_attempts, on_status)
    draft = _draft_from(interviewer, model.name, history, list(tweaks or []))
    if draft.passed or fallback != "offline" or model.name == OFFLINE:
        return draft
    return _offline_fallback(draft, request, policy, on_status) or draft


def _offline_fallback(failed: Draft, request: DraftRequest, policy: Policy,
                      on_status: StatusCallback | None) -> Draft | None:
    """The offline composer's draft for the same request, if it passes; None otherwise."""
    from .models.offline import OfflineComposer
    from .models.tweaks import UnsupportedTweak

    try:
        # Two tries: re-asked, the composer leaves out a sentence a learned rule misread (leave_out_flagged).
        history = _attempts(replace(request, purpose="fallback", budget=None), OfflineComposer(), policy, [], 2,
                            on_status)
    except UnsupportedTweak:  # a tweak only a language model can make: keep the model's draft
        return None
    draft = _draft_from(request.interviewer, OFFLINE, history, failed.tweaks)
    if not draft.passed:
        return None
    return draft.model_copy(update={"fallback": True, "replaced": failed, "version": failed.version + 1,
                                    "parent_version": failed.version})


def fallback_notice(draft: Draft) -> str | None:
    """The line that says a fallback stands in for the model's draft, or None."""
    if not (draft.fallback and draft.replaced):
        return None
    failed = draft.replaced
    times = "once" if failed.attempts == 1 else f"{failed.attempts} times"
    return (f"{draft.to}: {failed.model}'s drafts failed the guardrails {times}; showing the offline draft "
            f"(version {draft.version}); the model's draft is version {failed.version}")


def _attempts(request: DraftRequest, model: Model, policy: Policy, history: list[Attempt], max_attempts: int,
              on_status: StatusCallback | None) -> list[Attempt]:
    """The content loop: ask, fix mechanical faults, check; re-ask with what broke until it passes."""
    status = on_status or (lambda name, text: None)
    facts, interviewer = request.facts, request.interviewer
    history = list(history)
    while len(history) < max_attempts:
        number = len(history) + 1
        status(interviewer.name, "drafting" if number == 1 else f"repairing (attempt {number}/{max_attempts})")
        started = datetime.now(timezone.utc)
        reply = model.complete(request)
        note, fixed = autofix(reply.note, policy)
        violations = check_note(note, facts, interviewer, policy=policy).violations + _cut_off(reply, request)
        # What the fix-up removed still counts as what the model got wrong (the eval suite reports it).
        fixed_rules = sorted(
            {v.rule for v in errors_in(check_note(reply.note, facts, interviewer, policy=policy).violations)}
            - {v.rule for v in violations}
        ) if fixed else []
        history.append(Attempt(
            number=number, purpose=request.purpose, messages=request.messages, raw_response=reply.raw,
            subject=note.subject, body=note.body, violations=violations, fixed_rules=fixed_rules,
            prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens, started_at=started,
            finished_at=datetime.now(timezone.utc),
        ))
        if passes(violations):
            break
        request = _repair_request(request, note, errors_in(violations), policy)
    status(interviewer.name, "passed" if passes(history[-1].violations) else "failed guardrails")
    return history


def _cut_off(reply: ModelReply, request: DraftRequest) -> list[Violation]:
    """A reply that stopped at max_tokens is an unfinished note, whatever the rules made of it."""
    if not reply.cut_off:
        return []
    return [Violation(rule="cut_off", category="structure", severity="error",
                      message=f"The note was cut off at the reply limit ({request.max_tokens} tokens): "
                              "write a complete, shorter note.", excerpt=reply.note.body[-60:])]


def _repair_request(request: DraftRequest, note: Note, errors: list[Violation], policy: Policy,
                    purpose: str = "repair") -> DraftRequest:
    """A fresh, bounded prompt: the original request, the failed draft and what it broke."""
    messages = prompts.repair_messages(request.facts, request.interviewer, policy.note_limits, note, errors)
    return replace(request, messages=messages, purpose=purpose, violations=errors)


def _draft_from(interviewer: Interviewer, model_name: str, history: list[Attempt], tweaks: list[str]) -> Draft:
    last = history[-1]
    return Draft(
        to=interviewer.name, email=interviewer.email, subject=last.subject, body=last.body,
        passed=passes(last.violations), attempts=len(history), violations=last.violations, model=model_name,
        tweaks=tweaks, history=history,
    )


def draft_all(
    facts: Facts,
    interviewers: list[Interviewer],
    model: Model,
    policy: Policy,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_tokens: int | None = None,
    fallback: str = "offline",
    on_status: StatusCallback | None = None,
    on_draft: Callable[[Draft], None] | None = None,
) -> DraftingResult:
    """Draft every interviewer's note concurrently; ``on_draft`` sees each as soon as it is done,
    and again if the panel checks (near copies) change it afterwards.

    A model failure for one interviewer does not stop the others: it is reported in
    ``failures`` and the drafts that finished are kept.
    """
    status = on_status or (lambda name, text: None)

    def one(person: Interviewer) -> Draft | DraftFailure:
        try:
            draft = draft_note(facts, person, model, policy, max_attempts=max_attempts, max_tokens=max_tokens,
                               fallback=fallback, on_status=status)
        except ModelServiceError as error:
            status(person.name, "model error")
            return DraftFailure(to=person.name, error=str(error), kind=error.kind)
        if on_draft:
            on_draft(draft)
        return draft

    workers = max(1, min(MAX_PARALLEL, len(interviewers)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="draft")
    try:
        futures = [pool.submit(one, person) for person in interviewers]
        outcomes = [future.result() for future in futures]
    finally:
        # On Ctrl-C, stop waiting: what finished is already saved by on_draft.
        pool.shutdown(wait=False, cancel_futures=True)
    drafts = [o for o in outcomes if isinstance(o, Draft)]
    failures = [o for o in outcomes if isinstance(o, DraftFailure)]
    as_drafted = [d.model_copy() for d in drafts]
    apply_panel_checks(drafts, policy)
    drafts = [_repair_near_copy(d, drafts[:i], facts, model, policy, max_attempts, status, failures)
              for i, d in enumerate(drafts)]
    apply_panel_checks(drafts, policy)
    if on_draft:
        for before, after in zip(as_drafted, drafts):
            if (before.body, before.violations) != (after.body, after.violations):
                on_draft(after)
    return DraftingResult(drafts=drafts, failures=failures)


def _repair_near_copy(draft: Draft, earlier: list[Draft], facts: Facts, model: Model, policy: Policy,
                      max_attempts: int, status: StatusCallback, failures: list[DraftFailure]) -> Draft:
    """Re-ask for a note that reads as a copy of an earlier panel member's, while attempts remain.

    Of two near copies only the later interviewer's note is re-asked: the earlier one may stay.
    """
    flagged = any(v.rule == "near_copy" for v in draft.violations)  # the whole-panel check ran already
    if not flagged or draft.fallback or draft.attempts >= max_attempts or not any(
        check_panel({other.to: other.note, draft.to: draft.note}, policy=policy)[draft.to] for other in earlier
    ):
        return draft
    interviewer = next(p for p in facts.interviewers if p.name == draft.to)
    request = _repair_request(DraftRequest(facts, interviewer, []), draft.note, errors_in(draft.violations), policy,
                              purpose="panel-repair")
    try:
        history = _attempts(request, model, policy, draft.history, max_attempts, status)
    except ModelServiceError as error:
        failures.append(DraftFailure(to=draft.to, error=f"while asking for a less similar note: {error}", kind=error.kind))
        return draft
    return _draft_from(interviewer, model.name, history, draft.tweaks)


def apply_panel_checks(drafts: list[Draft], policy: Policy) -> None:
    """Flag notes of one panel that are near copies of each other (after each was drafted)."""
    if len(drafts) < 2:
        return
    found = check_panel({d.to: d.note for d in drafts}, policy=policy)
    for draft in drafts:
        # The note's own verdict, plus what the panel shows now (a repaired neighbour may have cleared it).
        own = draft.history[-1].violations if draft.history else draft.violations
        draft.violations = own + found[draft.to]
        draft.passed = passes(draft.violations)
