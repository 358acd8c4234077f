"""Replays of recorded HTTP exchanges with an OpenAI-compatible endpoint (vcrpy cassettes).

The cassettes in ``tests/cassettes/`` are real HTTP recordings of the ``openai`` SDK talking
to the local ``tests/fake_openai_server.py``, but the model answers in them were WRITTEN
BY HAND (``good_note`` / ``bad_note`` in ``tests/test_openai_model.py``): no language model
produced them, and each cassette says so in its first lines. Regenerate them with
``python tests/record_cassettes.py``, which also holds the vcrpy configuration.

Replays run with ``record_mode="none"`` and no server at all: the client points at
http://127.0.0.1:9/v1, where nothing listens, so any request that is not in the cassette
fails instead of reaching a network. Requests match on method, path and the body as
parsed JSON; a changed prompt is a miss. A miss surfaces as vcrpy's
``ModelServiceError`` of kind ``not_recorded`` out of ``OpenAIChatModel.complete``, with
vcrpy's ``CannotOverwriteExistingCassetteException`` as its cause (the SDK, with
``max_retries=0``, passes it through, and our transport retries do not retry it).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

from followup.drafting import draft_note
from followup.models import ModelServiceError
from followup.guardrails import load_policy
from followup.models.openai_chat import NOTE_SCHEMA
from record_cassettes import (
    CASSETTES,
    HAND_WRITTEN_NOTE,
    SCENARIOS,
    draft_request,
    example_facts,
    make_model,
    make_vcr,
    record,
)

DEAD_URL = "http://127.0.0.1:9/v1"  # nothing listens there: a replay never needs a server
REPLAY_KEY = "sk-test-replay-key"


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.glob("*.yaml"))


def interactions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]


def test_every_scenario_has_a_cassette() -> None:
    assert {p.name for p in cassette_files()} == set(SCENARIOS)


def test_replay_a_draft_for_dana() -> None:
    with make_vcr().use_cassette("dana_draft.yaml") as cassette:
        reply = make_model(DEAD_URL, REPLAY_KEY).complete(draft_request(example_facts(), "Dana Whitfield"))
        assert cassette.play_count == 1 and cassette.all_played

    assert reply.note.subject == "Thank you, Dana"
    assert reply.note.body.startswith("Dear Dana,")
    assert "cutting on-call pages by 40% with better alert routing" in reply.note.body
    assert reply.note.body.endswith("Jordan Rivera")
    [recorded] = cassette.requests
    assert recorded.path == "/v1/chat/completions"


def test_replayed_draft_passes_the_guardrails() -> None:
    facts = example_facts()
    dana = facts.interviewers[0]
    with make_vcr().use_cassette("dana_draft.yaml"):
        draft = draft_note(facts, dana, make_model(DEAD_URL, REPLAY_KEY), load_policy())
    assert draft.passed and draft.attempts == 1


def test_replay_a_repair() -> None:
    facts = example_facts()
    dana = facts.interviewers[0]
    with make_vcr().use_cassette("dana_repair.yaml") as cassette:
        draft = draft_note(facts, dana, make_model(DEAD_URL, REPLAY_KEY), load_policy())
        assert cassette.play_count == 2 and cassette.all_played

    assert draft.passed and draft.attempts == 2
    assert [a.purpose for a in draft.history] == ["draft", "repair"]
    assert "desperation" in {v.rule for v in draft.history[0].violations}
    assert "Your previous draft was" in draft.history[1].messages[1]["content"]


def test_cassettes_hold_no_secrets() -> None:
    assert cassette_files()
    for path in cassette_files():
        text = path.read_text(encoding="utf-8")
        assert "authorization" not in text.lower(), path.name
        assert "sk-" not in text, path.name
        assert "bearer" not in text.lower(), path.name
        for exchange in interactions(path):
            headers = {name.lower() for name in exchange["request"]["headers"]}
            assert not headers & {"authorization", "api-key", "openai-organization", "cookie"}, path.name


def test_cassettes_say_their_answers_were_written_by_hand() -> None:
    for path in cassette_files():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# written by hand"), path.name
        assert text.startswith(HAND_WRITTEN_NOTE), path.name


def test_cassettes_record_structured_requests_to_a_local_server() -> None:
    for path in cassette_files():
        for exchange in interactions(path):
            request = exchange["request"]
            assert request["method"] == "POST"
            assert request["uri"].startswith("http://127.0.0.1:")
            assert json.loads(request["body"])["response_format"] == NOTE_SCHEMA


@pytest.mark.parametrize(
    ("interviewer", "tone"),
    [("Priya Raman", None), ("Dana Whitfield", "formal")],
    ids=["other-interviewer", "other-tone"],
)
def test_a_changed_prompt_is_a_miss_not_a_silent_replay(interviewer: str, tone: str | None) -> None:
    request = draft_request(example_facts(tone), interviewer)
    started = time.monotonic()
    with make_vcr().use_cassette("dana_draft.yaml") as cassette:
        with pytest.raises(ModelServiceError) as caught:
            make_model(DEAD_URL, REPLAY_KEY).complete(request)
        assert cassette.play_count == 0

    assert caught.value.kind == "not_recorded"
    miss = caught.value.__cause__
    assert isinstance(miss, CannotOverwriteExistingCassetteException)
    assert miss.reason == "no_match"
    assert "messages" in str(miss)  # the body matcher says which part differs
    assert time.monotonic() - started < 2.0  # failed at once, not retried


def test_a_replayed_exchange_is_not_played_twice() -> None:
    request = draft_request(example_facts(), "Dana Whitfield")
    with make_vcr().use_cassette("dana_draft.yaml"):
        model = make_model(DEAD_URL, REPLAY_KEY)
        model.complete(request)
        with pytest.raises(ModelServiceError) as caught:
            model.complete(request)
    assert caught.value.kind == "not_recorded"
    assert caught.value.__cause__.reason == "already_played"


def test_recording_again_gives_the_same_exchanges(tmp_path: Path) -> None:
    """The recorder reproduces the committed cassettes (same requests, same answers)."""
    for fresh in record(tmp_path):
        committed = CASSETTES / fresh.name
        assert fresh.read_text(encoding="utf-8").startswith(HAND_WRITTEN_NOTE)
        old, new = interactions(committed), interactions(fresh)
        assert len(old) == len(new), fresh.name
        for before, after in zip(old, new):
            assert json.loads(before["request"]["body"]) == json.loads(after["request"]["body"]), fresh.name
            answer = [json.loads(x["response"]["body"]["string"])["choices"][0]["message"]["content"]
                      for x in (before, after)]
            assert answer[0] == answer[1], fresh.name
