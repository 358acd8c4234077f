"""Near copies across a panel: flagged after drafting, and the later note is asked for again.

The model here is the local fake server with replies written by hand: the first reply for
every interviewer is the same note with the name swapped (what a lazy model does), and a
repair request gets a distinct, specific note.
"""

from __future__ import annotations

import json
from typing import Any

from fake_openai_server import FakeOpenAIServer
from followup.drafting import draft_all
from followup.facts import load_facts
from followup.guardrails import load_policy
from followup.models.openai_chat import OpenAIChatModel
from conftest import EXAMPLE
from test_openai_model import good_note, interviewer_of, user_message

TEMPLATE = (
    "Dear {first},\n\nThank you for meeting with me about the Senior Site Reliability Engineer role at Northwind "
    "Robotics. I enjoyed our conversation about the team and its work on Kubernetes, and about autoscaling the Spark "
    "clusters, cutting on-call pages with better alert routing, and the on-call rotation with follow-the-sun "
    "coverage. My five years running Kubernetes in production would let me contribute from the start.\n\n"
    "I am very interested in the role and would welcome the chance to join the team. Thank you again for your time.\n\n"
    "Best regards,\nJordan Rivera"
)


def copy_then_distinct(request: dict[str, Any]) -> str:
    if "Your previous draft was" in user_message(request):
        return good_note(request)
    first = interviewer_of(request).split()[0]
    return json.dumps({"subject": "Thank you", "body": TEMPLATE.format(first=first)})


def run_panel(max_attempts: int) -> dict[str, Any]:
    facts = load_facts(EXAMPLE)
    with FakeOpenAIServer() as server:
        server.default = copy_then_distinct
        model = OpenAIChatModel("test-model", base_url=server.base_url, api_key="sk-test",
                                attempts=1)
        result = draft_all(facts, list(facts.interviewers), model, load_policy(), max_attempts=max_attempts)
    return {d.to: d for d in result.drafts}


def test_near_copies_are_asked_for_again_and_end_distinct() -> None:
    drafts = run_panel(max_attempts=3)
    assert drafts["Dana Whitfield"].attempts == 1  # the first of the copies may stay
    for name in ("Priya Raman", "Marcus Chen"):
        assert drafts[name].attempts == 2
        assert drafts[name].history[-1].purpose == "panel-repair"
        assert "near_copy" in user_message({"messages": drafts[name].history[-1].messages})
    assert all(d.passed for d in drafts.values()), {n: d.violations for n, d in drafts.items()}
    assert not any(v.rule == "near_copy" for d in drafts.values() for v in d.violations)


def test_without_attempts_left_the_copies_stay_flagged() -> None:
    drafts = run_panel(max_attempts=1)
    flagged = {name for name, d in drafts.items() if any(v.rule == "near_copy" for v in d.violations)}
    assert flagged == set(drafts)
    assert not any(d.passed for d in drafts.values())


def test_the_saved_draft_is_the_repaired_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from followup.history import History

    facts = load_facts(EXAMPLE)
    store = History(tmp_path / "history.db")
    run_id = store.start_run(facts, str(EXAMPLE), "test-model")
    with FakeOpenAIServer() as server:
        server.default = copy_then_distinct
        model = OpenAIChatModel("test-model", base_url=server.base_url, api_key="sk-test",
                                attempts=1)
        result = draft_all(facts, list(facts.interviewers), model, load_policy(),
                           on_draft=lambda draft: store.save_draft(run_id, draft))
    # on_draft alone (as the CLI saves) must leave the store as the drafts ended: repaired, verdicts current.
    saved = {row["interviewer"]: row for row in store.drafts(run_id)}
    assert len(store.drafts(run_id)) == 3  # replaced, not duplicated
    for draft in result.drafts:
        assert saved[draft.to]["body"] == draft.body
        assert len(store.attempts(saved[draft.to]["id"])) == draft.attempts
        assert json.loads(saved[draft.to]["violations_json"]) == [v.model_dump(mode="json") for v in draft.violations]
        assert bool(saved[draft.to]["passed"]) is draft.passed
