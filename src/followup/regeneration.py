"""Regeneration: a new version of one interviewer's draft, made with the user's tweaks.

The new version joins the run's version tree as a child of the version it was made from
(a fallback brings the model's draft it replaced as one more version between them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .drafting import Draft, draft_note
from .errors import InputError
from .facts import Facts, FactsError, Interviewer, find_interviewer
from .guardrails import Policy
from .history import History, HistoryError, draft_from_row
from .models import OFFLINE, open_model, settings_from_env
from .models.tweaks import UnsupportedTweak
from .notes import Note


@dataclass
class Regenerated:
    run_id: str
    facts: Facts  # the facts the new version was drafted from
    draft: Draft  # the new version
    parent: Draft  # the version it was made from
    unsaved: str | None = None  # why history could not keep the new version; it is returned all the same


@dataclass(frozen=True)
class Options:
    """How to draft the new version; as for write."""

    model: str | None = None  # default: the one that wrote the parent when that was offline, else the run's
    timeout: float | None = None
    max_attempts: int = 3
    max_tokens: int | None = None
    fallback: str = "offline"


def regenerate(store: History, to: str, tweaks: list[str], policy: Policy, *, run: str | None = None,
               from_version: int | None = None, facts_file: Path | None = None, facts: Facts | None = None,
               options: Options = Options()) -> Regenerated:
    """Draft a new version of ``to``'s note in ``run`` (default: the latest run with their drafts).

    ``facts`` (loaded from ``facts_file``) replace the run's from now on, keeping its version tree.
    """
    tweaks = [t.strip() for t in tweaks if t.strip()]
    if not tweaks:
        raise InputError("--tweak: say what to change, e.g. --tweak shorter")
    run_id = store.resolve_run(run, to)
    parent = store.draft(run_id, to, from_version)
    earlier = store.tweak_chain(run_id, parent["interviewer"], parent["version"])
    facts = facts or store.run_facts(run_id)
    interviewer = _interviewer_in(facts, parent["interviewer"], facts_file)
    name = model_for(options.model, parent["model"], bool(parent["fallback"]), store.run_model(run_id))
    model = open_model(settings_from_env(name, options.timeout))
    try:
        draft = draft_note(facts, interviewer, model, policy, max_attempts=options.max_attempts,
                           max_tokens=options.max_tokens, fallback=options.fallback,
                           previous=Note(subject=parent["subject"], body=parent["body"]), tweaks=tweaks,
                           earlier_tweaks=earlier)
    except UnsupportedTweak as error:
        raise UnsupportedTweak(f"{model.name}: {error}") from None
    draft.parent_version = parent["version"]
    result = Regenerated(run_id, facts, draft, draft_from_row(parent))
    try:
        store.save_new_version(run_id, draft, facts if facts_file else None, str(facts_file) if facts_file else None)
    except HistoryError as error:
        result.unsaved = str(error)
    return result


def model_for(asked: str | None, parent_model: str, parent_fallback: bool, run_model: str) -> str:
    """The model of a new version: the one asked for; else offline for a draft the user drafted
    offline; else the run's (also for an offline fallback, which stood in for the run's model)."""
    return asked or (OFFLINE if parent_model == OFFLINE and not parent_fallback else run_model)


def _interviewer_in(facts: Facts, name: str, facts_file: Path | None) -> Interviewer:
    """The draft's interviewer in the facts; an edited facts file must still list them."""
    try:
        return find_interviewer(facts, name)
    except FactsError:
        if facts_file is None:
            raise
        raise InputError(f"{facts_file}: no interviewer named {name!r}; the run's drafts are for them") from None
