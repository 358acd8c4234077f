"""The language-model path, end to end through a local fake OpenAI-compatible server.

Everything here talks HTTP to :class:`FakeOpenAIServer` on 127.0.0.1 through the real
``openai`` SDK: nothing under test is mocked and nothing touches the network.

The notes the fake server "writes" come from :func:`good_note` / :func:`bad_note` below;
they read the interviewer out of the system prompt ("it is for NAME only") and the facts
out of the ``<facts>`` block of the user prompt. ``tests/record_cassettes.py`` and
``benchmarks/concurrency.py`` reuse them.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import fake_openai_server
from cli_helpers import FOLLOWUP_COMMAND
from fake_clock import FakeClock
from fake_openai_server import FakeOpenAIServer
from followup.drafting import draft_note
from followup.facts import Facts, Interviewer
from followup.guardrails import errors_in, load_policy
from followup.models import DraftRequest, ModelServiceError, TimeBudget
from followup.models.openai_chat import NOTE_SCHEMA, OpenAIChatModel
from followup.prompts import draft_messages
from conftest import REPO_ROOT

API_KEY = "sk-test-SECRET123456"
MODEL = "test-model"

# --- the fake model's writing -----------------------------------------------------------

_FOR = re.compile(r"it is for (.+?) only")
_FACTS = re.compile(r"<facts>\s*(\{.*?\})\s*</facts>", re.S)
REPAIR_MARK = "Your previous draft was"


def interviewer_of(request: dict[str, Any]) -> str:
    """The interviewer a chat request is for, read from the system prompt."""
    for message in request.get("messages", []):
        if message.get("role") == "system":
            found = _FOR.search(message.get("content", ""))
            if found:
                return found.group(1)
    raise ValueError("the request has no system message naming the interviewer")


def user_message(request: dict[str, Any]) -> str:
    return [m for m in request["messages"] if m.get("role") == "user"][-1]["content"]


def facts_of(request: dict[str, Any]) -> dict[str, Any]:
    """The facts JSON the prompt carries between <facts> and </facts>."""
    found = _FACTS.search(user_message(request))
    if not found:
        raise ValueError("the request has no <facts> block")
    return json.loads(found.group(1))


_OPENINGS = [
    "Thank you for taking the time to speak with me about the {role} role at {company}. "
    "I especially valued our conversation about {topic}.",
    "Thank you for meeting with me yesterday. Our discussion of {topic} was the part of the day I keep "
    "coming back to, and it made the {role} role at {company} feel concrete.",
    "I appreciated the time you spent with me during my interview at {company}. Talking through {topic} "
    "with you gave me a clear picture of what the work involves.",
    "Many thanks for our conversation about the {role} position. Hearing how {company} approaches {topic} "
    "was genuinely useful.",
    "Thank you for the thoughtful interview. You asked about {topic}, and that question has stayed with me "
    "as I think about joining {company}.",
]
_SECONDS = [
    "I also enjoyed comparing notes on {extra}.",
    "It was good to hear your view on {extra} as well.",
    "Our exchange about {extra} was a welcome bonus.",
    "I was glad we also touched on {extra}.",
    "The few minutes we spent on {extra} were a highlight too.",
]
_CLOSINGS = [
    "Everything I learned made me more interested in the role, and I would be glad to bring my experience "
    "to the team at {company}.",
    "I left even more interested in joining {company}, and I hope to contribute to the work we discussed.",
    "The conversation confirmed my interest in the {role} role, and I look forward to the next steps.",
    "I remain very interested in the position at {company} and would welcome the chance to help the team.",
    "I am keen to contribute at {company}, and I look forward to hearing about next steps.",
]
_SIGNOFFS = ["Best regards,", "Kind regards,", "Sincerely,", "Warm regards,", "With thanks,"]


def good_note(request: dict[str, Any]) -> str:
    """A note that passes the guardrails, as the JSON object the prompt asks for.

    It greets the interviewer named in the system prompt, thanks them, cites their first
    topic (or shared interest), names the company and signs with the candidate's name.
    The wording varies with the interviewer's place in the panel so that the notes of one
    panel are not near copies.
    """
    name = interviewer_of(request)
    facts = facts_of(request)
    person = facts["interviewer"]
    first = name.split()[0]
    items = [*person.get("topics", []), *person.get("shared_interests", [])]
    topic = items[0]
    extra = items[1] if len(items) > 1 else None
    panel = sorted([name, *facts.get("other_interviewers", [])])
    v = panel.index(name) % len(_OPENINGS)
    context = {"role": facts["role"], "company": facts["company"], "topic": topic, "extra": extra}
    paragraphs = [f"Dear {first},", _OPENINGS[v].format(**context)]
    if extra:
        paragraphs.append(_SECONDS[v].format(**context))
    strengths = facts.get("candidate", {}).get("strengths") or []
    if strengths:
        paragraphs.append(f"It connects with my own background: {strengths[v % len(strengths)]}.")
    paragraphs.append(_CLOSINGS[v].format(**context)
                      + " Thank you again for your time and for the candid answers to my questions.")
    paragraphs.append(f"{_SIGNOFFS[v]}\n{facts['candidate']['name']}")
    return json.dumps({"subject": f"Thank you, {first}", "body": "\n\n".join(paragraphs)})


def bad_note(request: dict[str, Any]) -> str:
    """A note that breaks the guardrails: an emoji, slang and a plea ("please hire me")."""
    name = interviewer_of(request)
    facts = facts_of(request)
    topics = facts["interviewer"].get("topics") or facts["interviewer"].get("shared_interests")
    body = (
        f"Dear {name.split()[0]},\n\n"
        f"Thank you for the interview for the {facts['role']} role at {facts['company']} \U0001F64F. "
        f"Our talk about {topics[0]} was the best part of my week, and I am gonna keep thinking about it. "
        "I know I can do this work well and I would bring a lot of energy and care to the team from day one.\n\n"
        "Please hire me, I really want to be part of what you are building there and I will work hard "
        "on every project you give me.\n\n"
        f"Best regards,\n{facts['candidate']['name']}"
    )
    return json.dumps({"subject": "Thank you", "body": body})


def bad_then_good(request: dict[str, Any]) -> str:
    """A bad note for a first draft; a good one once the prompt is a repair request."""
    return good_note(request) if REPAIR_MARK in user_message(request) else bad_note(request)


# --- helpers ------------------------------------------------------------------------------


class RoutedServer(FakeOpenAIServer):
    """A FakeOpenAIServer whose ``route(request_json)`` may answer a request with an error.

    ``route`` returns ``None`` (answer as usual) or ``(status, message)``. The fake server
    scripts replies in one queue for all requests; this picks the failure per request,
    which concurrent drafting needs (it swaps in a handler subclass, as a test helper).
    """

    def __init__(self, route: Callable[[dict[str, Any]], tuple[int, str] | None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        fake = self
        self.route = route

        class Handler(fake_openai_server._Handler):
            def _chat_completion(self, body: Any) -> None:
                failure = fake.route(body) if isinstance(body, dict) else None
                if failure is None:
                    super()._chat_completion(body)
                    return
                status, message = failure
                self._send_json(status, fake_openai_server._error_body(status, message), {"Retry-After": "0"})

        self._httpd.RequestHandlerClass = Handler



def make_model(base_url: str, *, attempts: int = 3, timeout: float = 2.0, clock: FakeClock | None = None,
               parallel: int = 8) -> OpenAIChatModel:
    """A model whose back-off waits return at once (``clock.slept`` says what was waited)."""
    return OpenAIChatModel(MODEL, base_url=base_url, api_key=API_KEY, timeout=timeout, attempts=attempts,
                           clock=clock or FakeClock(), parallel=parallel)


def request_for(facts: Facts, person: Interviewer, total: float = 5.0) -> DraftRequest:
    """A request whose calls may take ``total`` seconds in all (its TimeBudget)."""
    return DraftRequest(facts, person, draft_messages(facts, person, load_policy().note_limits),
                        budget=TimeBudget(total))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_error(model: OpenAIChatModel, request: DraftRequest) -> str:
    with pytest.raises(ModelServiceError) as caught:
        model.complete(request)
    return str(caught.value)


# --- OpenAIChatModel: replies -------------------------------------------------------------


def test_json_reply_becomes_a_note_and_request_carries_schema_and_prompt(server, facts, dana) -> None:
    request = request_for(facts, dana)
    reply = make_model(server.base_url).complete(request)

    assert reply.note.subject == "Thank you, Dana"
    assert reply.note.body.startswith("Dear Dana,")
    assert "Northwind Robotics" in reply.note.body and reply.note.body.endswith("Jordan Rivera")
    assert reply.prompt_tokens and reply.completion_tokens
    [sent] = server.requests
    assert sent["path"] == "/v1/chat/completions"
    assert sent["json"]["model"] == MODEL
    assert sent["json"]["response_format"] == NOTE_SCHEMA
    assert sent["json"]["response_format"]["type"] == "json_schema"
    assert sent["json"]["messages"] == draft_messages(facts, dana, load_policy().note_limits)
    assert sent["headers"]["authorization"] == f"Bearer {API_KEY}"


LLAMA_CPP_REFUSAL = ("1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
                     "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}")


@pytest.mark.parametrize("status, message", [
    (400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported."),
    (422, "response_format: unknown type json_schema"),
    (500, LLAMA_CPP_REFUSAL),  # what llama-cpp-python's server answers
])
def test_response_format_refused_falls_back_to_json_object_then_text(server, facts, dana, status, message) -> None:
    server.fail_next(status, message=message)
    server.fail_next(status, message=message.replace("json_schema", "json_object"))
    model = make_model(server.base_url)

    reply = model.complete(request_for(facts, dana))

    assert reply.note.subject == "Thank you, Dana"
    first, second, third = server.requests
    assert first["json"]["response_format"]["type"] == "json_schema"
    assert second["json"]["response_format"]["type"] == "json_object"
    assert "response_format" not in third["json"]
    assert first["json"]["messages"] == second["json"]["messages"] == third["json"]["messages"]
    # Chosen once per run: the next note is asked for as plain text at once.
    model.complete(request_for(facts, facts.interviewers[1]))
    assert len(server.requests) == 4 and "response_format" not in server.requests[3]["json"]
    assert model.response_format == "text"


def test_json_object_accepted_is_kept_for_the_run(server, facts, dana) -> None:
    server.fail_next(500, message=LLAMA_CPP_REFUSAL)
    model = make_model(server.base_url)
    model.complete(request_for(facts, dana))
    model.complete(request_for(facts, facts.interviewers[1]))
    assert [r["json"]["response_format"]["type"] for r in server.requests] == ["json_schema", "json_object", "json_object"]


def test_a_500_that_is_not_about_the_format_is_retried_not_a_fallback(server, facts, dana) -> None:
    server.fail_next(500, message="upstream exploded")
    make_model(server.base_url).complete(request_for(facts, dana))
    assert [r["json"]["response_format"]["type"] for r in server.requests] == ["json_schema", "json_schema"]


def test_other_400_is_not_a_fallback(server, facts, dana) -> None:
    server.fail_next(400, message="messages[1].content is too long")
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert "rejected the request (400)" in message and "too long" in message
    assert len(server.requests) == 1


def test_plain_text_reply_is_parsed(server, facts, dana) -> None:
    server.add_reply("Subject: Thank you, Dana\n\nDear Dana,\n\nThank you for your time.\n\nBest regards,\nJordan Rivera")
    note = make_model(server.base_url).complete(request_for(facts, dana)).note
    assert note.subject == "Thank you, Dana"
    assert note.body.startswith("Dear Dana,") and note.body.endswith("Jordan Rivera")


@pytest.mark.parametrize("fence", ["```json\n{}\n```", "```\n{}\n```"])
def test_fenced_json_reply_is_parsed(server, facts, dana, fence) -> None:
    payload = json.dumps({"subject": "Thank you, Dana", "body": "Dear Dana,\n\nThanks.\n\nJordan Rivera"})
    server.add_reply(fence.replace("{}", payload))
    note = make_model(server.base_url).complete(request_for(facts, dana)).note
    assert note.subject == "Thank you, Dana"
    assert note.body == "Dear Dana,\n\nThanks.\n\nJordan Rivera"


# --- OpenAIChatModel: transport retries and failures ------------------------------------


def test_429_with_retry_after_then_success(server, facts, dana) -> None:
    server.fail_next(429, headers={"Retry-After": "1.5"})
    clock = FakeClock()
    reply = make_model(server.base_url, clock=clock).complete(request_for(facts, dana))
    assert reply.note.subject == "Thank you, Dana"
    assert len(server.requests) == 2
    assert clock.slept == [1.5]  # the wait the server asked for, exactly


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_then_success(server, facts, dana, status) -> None:
    server.fail_next(status)
    reply = make_model(server.base_url).complete(request_for(facts, dana))
    assert reply.note.body.startswith("Dear Dana,")
    assert len(server.requests) == 2


def test_server_error_that_persists(server, facts, dana) -> None:
    server.fail_next(502, times=3)
    message = service_error(make_model(server.base_url, attempts=3), request_for(facts, dana))
    assert "failed (502) after retrying" in message
    assert len(server.requests) == 3


def test_connection_refused_names_openai_base_url(facts, dana) -> None:
    base_url = f"http://127.0.0.1:{closed_port()}/v1"
    clock = FakeClock()
    message = service_error(make_model(base_url, attempts=2, clock=clock), request_for(facts, dana))
    assert "could not reach the model service" in message
    assert "OPENAI_BASE_URL" in message and base_url in message
    assert len(clock.slept) == 1 and 0 <= clock.slept[0] <= 0.5  # one jittered back-off between the two tries


def test_401_is_not_retried_and_names_openai_api_key(server, facts, dana) -> None:
    server.fail_next(401, times=3)
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert message.startswith("the API key was rejected")
    assert "OPENAI_API_KEY" in message
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(server, facts, dana, status) -> None:
    server.fail_next(status, times=3, message="nope")
    service_error(make_model(server.base_url), request_for(facts, dana))
    assert len(server.requests) == 1


def test_404_names_the_model(server, facts, dana) -> None:
    server.fail_next(404, message="The model `test-model` does not exist")
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert repr(MODEL) in message and "(404)" in message and "--model" in message


def test_403_names_the_model(server, facts, dana) -> None:
    server.fail_next(403)
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert repr(MODEL) in message and "(403)" in message


def test_read_timeout_says_did_not_answer_in_time(server, facts, dana) -> None:
    server.hang_next(15)
    server.hang_next(15)
    started = time.monotonic()
    message = service_error(make_model(server.base_url, attempts=2, timeout=0.5), request_for(facts, dana))
    elapsed = time.monotonic() - started
    assert "did not answer in time" in message and server.base_url in message
    assert len(server.requests) == 2
    assert elapsed < 10.0  # two 0.5 s timeouts (waits take no time here), far from the 2 x 15 s hangs


def test_timeout_then_success(server, facts, dana) -> None:
    server.hang_next(5)
    reply = make_model(server.base_url, attempts=2, timeout=0.5).complete(request_for(facts, dana))
    assert reply.note.subject == "Thank you, Dana"


def test_total_retry_time_is_bounded(server, facts, dana) -> None:
    server.fail_next(500, times=100, headers={"Retry-After": "0.2"})
    clock = FakeClock()
    message = service_error(make_model(server.base_url, attempts=100, clock=clock), request_for(facts, dana, total=1.0))
    assert "after retrying" in message
    # Waits of 0.2 s within a 1 s budget: at most five, and never one that would end past it.
    assert 1 <= len(clock.slept) <= 5 and sum(clock.slept) <= 1.0
    assert len(server.requests) == len(clock.slept) + 1


def test_retry_after_longer_than_the_budget_is_not_waited_out(server, facts, dana) -> None:
    server.fail_next(503, times=5, headers={"Retry-After": "2"})
    clock = FakeClock()
    service_error(make_model(server.base_url, attempts=5, clock=clock), request_for(facts, dana, total=1.0))
    assert clock.slept == [] and len(server.requests) == 1


def test_empty_reply_is_a_service_error(server, facts, dana) -> None:
    server.add_reply("")
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert "empty note" in message


def test_content_filter_is_a_service_error(server, facts, dana) -> None:
    server.add_reply("partial", finish_reason="content_filter")
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert "content filter" in message


def test_non_json_body_is_a_service_error(server, facts, dana) -> None:
    server.add_reply("", raw_body=b"<html>502 Bad Gateway</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(ModelServiceError):
        make_model(server.base_url).complete(request_for(facts, dana))


# --- no key leak ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_error_echoing_the_key_does_not_leak_it(server, facts, dana, status) -> None:
    server.fail_next(status, times=5, headers={"Retry-After": "0"},
                     message=f"Incorrect API key provided: {API_KEY}. Authorization: Bearer {API_KEY}")
    message = service_error(make_model(server.base_url, attempts=2), request_for(facts, dana))
    assert API_KEY not in message
    assert "SECRET123456" not in message


# --- the repair loop (drafting with the real model client) -------------------------------


def test_repair_loop_fixes_a_bad_first_draft(server, facts, dana) -> None:
    server.default = bad_then_good
    draft = draft_note(facts, dana, make_model(server.base_url), load_policy())

    assert draft.passed and draft.attempts == 2
    assert draft.subject == "Thank you, Dana"
    first_errors = {v.rule for v in errors_in(draft.history[0].violations)}
    assert "desperation" in first_errors  # "please hire me"; the emoji is removed by autofix
    assert [a.purpose for a in draft.history] == ["draft", "repair"]
    first, second = server.requests
    assert REPAIR_MARK not in user_message(first["json"])
    repair = user_message(second["json"])
    assert REPAIR_MARK in repair
    for rule in first_errors:
        assert f"[{rule}]" in repair
    assert "Please hire me" in repair  # the previous draft is quoted back
    assert second["json"]["messages"][0] == first["json"]["messages"][0]  # same system prompt


def test_repair_loop_gives_up_after_max_attempts(server, facts, dana) -> None:
    server.default = bad_note
    draft = draft_note(facts, dana, make_model(server.base_url), load_policy(), fallback="none")
    assert not draft.passed and draft.attempts == 3
    assert len(server.requests) == 3
    assert any(v.rule == "desperation" for v in draft.violations)


# --- end to end through the command line -----------------------------------------------


def run_cli(*args: str, base_url: str, home: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY=API_KEY, FOLLOWUP_HOME=str(home))
    return subprocess.run([*FOLLOWUP_COMMAND, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def write_json(base_url: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("write", "examples/interview.yaml", "--json", "--model", MODEL, base_url=base_url, home=home)


def test_cli_write_through_the_server(server, tmp_path) -> None:
    done = write_json(server.base_url, tmp_path)

    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    drafts = payload["drafts"]
    assert [d["to"] for d in drafts] == ["Dana Whitfield", "Priya Raman", "Marcus Chen"]
    assert all(d["model"] == MODEL and d["passed"] and d["attempts"] == 1 for d in drafts)
    for draft in drafts:
        assert draft["body"].startswith(f"Dear {draft['to'].split()[0]},")
    assert {interviewer_of(r["json"]) for r in server.requests} == {d["to"] for d in drafts}
    assert API_KEY not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_cli_rejected_key_exits_3_without_traceback(server, tmp_path) -> None:
    server.fail_next(401, times=3, message=f"Incorrect API key provided: {API_KEY}")
    done = write_json(server.base_url, tmp_path)

    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3  # at most one per interviewer
    assert all(line.startswith("followup: ") and "OPENAI_API_KEY" in line for line in lines)
    assert API_KEY not in done.stdout + done.stderr
    assert len(server.requests) == 3  # one per interviewer, none retried


def test_cli_rejected_key_is_one_line(server, tmp_path) -> None:
    server.fail_next(401, times=3)
    done = write_json(server.base_url, tmp_path)
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_one_interviewer_failing_keeps_the_others(tmp_path) -> None:
    def marcus_fails(request: dict[str, Any]) -> tuple[int, str] | None:
        return (500, "upstream exploded") if interviewer_of(request) == "Marcus Chen" else None

    with RoutedServer(marcus_fails) as server:
        server.default = good_note
        done = write_json(server.base_url, tmp_path)
        marcus_requests = [r for r in server.requests if interviewer_of(r["json"]) == "Marcus Chen"]

    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    payload = json.loads(done.stdout)
    assert sorted(d["to"] for d in payload["drafts"]) == ["Dana Whitfield", "Priya Raman"]
    assert all(d["passed"] for d in payload["drafts"])
    assert "followup: Marcus Chen: the model service failed (500)" in done.stderr
    assert len(marcus_requests) == 4  # the transport retries, then it gave up

    history = run_cli("history", "--json", base_url="http://127.0.0.1:9/v1", home=tmp_path)
    assert history.returncode == 0, history.stderr
    [run] = json.loads(history.stdout)
    assert run["id"] == payload["run_id"] and run["model"] == MODEL
    assert sorted(d["to"] for d in run["drafts"]) == ["Dana Whitfield", "Priya Raman"]


def test_cli_always_bad_note_exits_1(server, tmp_path) -> None:
    server.default = bad_note
    done = run_cli("write", "examples/interview.yaml", "--json", "--model", MODEL, "--fallback", "none",
                   base_url=server.base_url, home=tmp_path)

    assert done.returncode == 1, done.stderr
    drafts = json.loads(done.stdout)["drafts"]
    assert len(drafts) == 3
    for draft in drafts:
        assert draft["passed"] is False and draft["attempts"] == 3
        assert "desperation" in {v["rule"] for v in draft["violations"]}
    assert len(server.requests) == 9


def test_cli_repair_through_the_server(server, tmp_path) -> None:
    server.default = bad_then_good
    done = write_json(server.base_url, tmp_path)

    assert done.returncode == 0, done.stderr
    drafts = json.loads(done.stdout)["drafts"]
    assert [(d["passed"], d["attempts"]) for d in drafts] == [(True, 2)] * 3
