"""The fault matrix of the model endpoint: every failure a chat-completions server can show,
injected by a local server on 127.0.0.1, with ``followup write`` run as a real process.

Each case runs::

    followup write examples/interview.yaml --json --model test-model --timeout 2

with OPENAI_BASE_URL pointing at :class:`FaultServer` (a :class:`FakeOpenAIServer` whose
replies are chosen per interviewer and per request), a fake OPENAI_API_KEY and a fresh
FOLLOWUP_HOME. Faults of the whole service (a rejected key, an unknown model) hit every
interviewer; the others hit Marcus Chen only (the interviewer the system prompt names),
so each case also shows that the drafts that did finish are printed and saved.

For every case the test checks: the exit code; no traceback; exactly one ``followup: ...``
line on stderr that names what went wrong and what to do (none when a retry fixed it);
the number of requests the server saw per interviewer (retries only where a retry can
help); the wall time (bounded by --timeout and the transport budget); the finished drafts
in the --json output, in ``followup history --json`` and in ``followup show RUN --json``.

The cases run concurrently (each with its own server, process and FOLLOWUP_HOME), so the
matrix costs about as long as its slowest case (the read timeout, ~11 s).

Run this file as a script to print the observed matrix as the Markdown table of
``docs/reliability.md``::

    python tests/test_faults.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # when run as a script
    sys.path.insert(0, str(TESTS))

import fake_openai_server
import pytest
from cli_helpers import FOLLOWUP_COMMAND
from fake_openai_server import FakeOpenAIServer, _Reply
from test_openai_model import closed_port, good_note, interviewer_of
from typer.testing import CliRunner

from followup.cli import app

REPO = TESTS.parent
FAKE_KEY = "sk-test-faults-0123456789abcdef"
MODEL = "test-model"
TIMEOUT = 2.0  # --timeout of every run
WRITE = ("write", "examples/interview.yaml", "--json", "--model", MODEL, "--timeout", str(int(TIMEOUT)))
DANA, PRIYA, MARCUS = "Dana Whitfield", "Priya Raman", "Marcus Chen"
EVERYONE = (DANA, PRIYA, MARCUS)
TRIES = 4  # followup.models.openai_chat.TRANSPORT_ATTEMPTS
BACKOFF = 0.5 + 1.0 + 2.0  # the most three jittered exponential waits can add up to (multiplier 0.5)
SLACK = 5.0  # process start-up and the cases running side by side on a small machine
HEADROOM = 3.0  # upper bounds are this many times what the code needs: other work may share the 2 cores
# (the waits themselves are checked exactly, with an injected clock, in test_openai_model and test_model_limits)


# --- the server --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """What the server does with one request. ``content=None`` with status 200 is a good note."""

    status: int = 200
    content: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    drop: bool = False  # read the request, close the connection without a reply
    cut: bool = False  # send the headers and half of a good reply, then close the connection


Plan = Callable[[str, int], "Fault | None"]  # (interviewer, how many requests for them so far) -> fault


class FaultServer(FakeOpenAIServer):
    """A fake OpenAI server whose reply to each request is ``plan(interviewer, n)``.

    ``None`` from the plan means a good note (``good_note``). The interviewer is the one the
    system prompt names; ``n`` counts that interviewer's requests, from 1.
    """

    def __init__(self, plan: Plan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.default = good_note
        self.plan = plan
        self._local = threading.local()
        self._seen: Counter[str] = Counter()
        fake = self

        class Handler(fake_openai_server._Handler):
            def _chat_completion(self, body: Any) -> None:
                fault = fake._fault_for(body)
                if fault is not None and fault.drop:
                    self._close_now()
                    return
                if fault is not None and fault.cut:
                    self._send_half(body)
                    return
                if fault is not None:
                    content = fault.content
                    if content is None and fault.status != 200:
                        content = f"Fake error {fault.status}"
                    fake._local.reply = _Reply(content, fault.status, fault.delay, fault.headers, fault.finish_reason,
                                               fault.raw_body, None)
                try:
                    super()._chat_completion(body)
                finally:
                    fake._local.reply = None

            def _close_now(self) -> None:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def _send_half(self, body: Any) -> None:
                data = json.dumps({
                    "id": "chatcmpl-cut", "object": "chat.completion", "created": 0, "model": MODEL,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": good_note(body)},
                                 "finish_reason": "stop"}],
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self._close_now()

        self._httpd.RequestHandlerClass = Handler

    def _fault_for(self, body: Any) -> Fault | None:
        if not isinstance(body, dict):
            return None
        name = interviewer_of(body)
        with self._lock:
            self._seen[name] += 1
            number = self._seen[name]
        return self.plan(name, number)

    def _next_reply(self) -> _Reply:
        chosen = getattr(self._local, "reply", None)
        return chosen if chosen is not None else super()._next_reply()

    def counts(self) -> dict[str, int]:
        """Chat-completion requests seen, per interviewer."""
        return dict(Counter(interviewer_of(r["json"]) for r in self.requests
                            if r["path"] == "/v1/chat/completions" and isinstance(r["json"], dict)))


def only(person: str, fault: Fault, first: int | None = None) -> Plan:
    """``fault`` for ``person`` (for their first ``first`` requests only, if given); good notes otherwise."""
    return lambda name, n: fault if name == person and (first is None or n <= first) else None


def everyone(fault: Fault) -> Plan:
    return lambda name, n: fault


# --- running followup ---------------------------------------------------------------------


def process_env(home: Path, base_url: str, key: str = FAKE_KEY) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY=key, FOLLOWUP_HOME=str(home))
    return env


def followup(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FOLLOWUP_COMMAND, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout, check=False)


@dataclass
class Outcome:
    returncode: int | None  # None: still running at the cap, killed
    stdout: str
    stderr: str
    seconds: float
    requests: dict[str, int] | None  # None: no server to count them
    history: list[dict[str, Any]] = field(default_factory=list)
    shown: dict[str, Any] | None = None

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    @property
    def payload(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.stdout)
        except ValueError:
            return None

    @property
    def drafts(self) -> dict[str, dict[str, Any]]:
        return {d["to"]: d for d in (self.payload or {}).get("drafts", [])}


def run_write(plan: Plan | None, cap: float, home: Path, args: tuple[str, ...] = WRITE) -> Outcome:
    """``followup write`` against a FaultServer running ``plan`` (None: nothing listens), killed at ``cap`` seconds."""
    server = FaultServer(plan) if plan is not None else None
    try:
        base_url = server.base_url if server else f"http://127.0.0.1:{closed_port()}/v1"
        started = time.monotonic()
        process = subprocess.Popen([*FOLLOWUP_COMMAND, *args], cwd=REPO, env=process_env(home, base_url),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = process.communicate(timeout=cap)
            code: int | None = process.returncode
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            code = None
        seconds = time.monotonic() - started
        counts = server.counts() if server else None
    finally:
        if server:
            server.close()
    return Outcome(code, out, err, seconds, counts)


def read_back(outcome: Outcome, home: Path) -> None:
    """What ``followup history --json`` and ``followup show RUN --json`` say afterwards (in-process, one at a time)."""
    env = {"FOLLOWUP_HOME": str(home), "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None}
    listing = CliRunner().invoke(app, ["history", "--json"], env=env)
    if listing.exit_code == 0:
        outcome.history = json.loads(listing.stdout)
    if outcome.payload:
        shown = CliRunner().invoke(app, ["show", outcome.payload["run_id"], "--json"], env=env)
        if shown.exit_code == 0:
            outcome.shown = json.loads(shown.stdout)


def run_matrix(cases: list[Case], cap: Callable[[Case], float]) -> dict[str, Outcome]:
    """Every case side by side (slowest first), each with its own server, process and FOLLOWUP_HOME."""
    folder = Path(tempfile.mkdtemp(prefix="followup-faults-"))
    try:
        homes = {case.id: folder / case.id for case in cases}
        slowest_first = sorted(cases, key=lambda case: -cap(case))
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = dict(pool.map(lambda case: (case.id, run_write(case.plan, cap(case), homes[case.id], case.args)),
                                    slowest_first))
        for case_id, outcome in results.items():
            read_back(outcome, homes[case_id])
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the matrix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    fault: str  # as the doc names it
    plan: Plan | None  # None: connection refused
    exit: tuple[int, ...]  # acceptable exit codes
    requests: dict[str, int | tuple[int, int]] | None  # per interviewer: exactly, or (fewest, most); None: unobservable
    line: str | None  # regex the one stderr line must match (None: stderr must be empty)
    finished: tuple[str, ...]  # drafts that must be shown and saved, passing
    max_seconds: float
    min_seconds: float = 0.0
    affected: tuple[str, ...] = (MARCUS,)  # named on the stderr line
    failing_draft_ok: bool = False  # the affected draft may exist with passed: false (exit 1)
    xfail: str | None = None
    args: tuple[str, ...] = WRITE


CONTEXT_TOO_LONG = json.dumps({"error": {
    "message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9046 tokens. "
               "Please reduce the length of the messages.",
    "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}).encode()
TRUNCATED = json.dumps({"subject": "Thank you, Marcus", "body": "Dear Marcus,\n\nThank you for taking the time"})[:-2]
ONE_EACH = {DANA: 1, PRIYA: 1, MARCUS: 1}
MARCUS_TRIES = {DANA: 1, PRIYA: 1, MARCUS: TRIES}
MARCUS_ONCE = ONE_EACH
MARCUS_TWICE = {DANA: 1, PRIYA: 1, MARCUS: 2}
FAST = 1.0 + SLACK  # one round of requests, no waits

CASES: list[Case] = [
    Case("connection-refused", "connection refused (nothing listens at OPENAI_BASE_URL)", None, (3,), None,
         r"could not reach the model service at http://127\.0\.0\.1:\d+/v1.*OPENAI_BASE_URL", (),
         BACKOFF + SLACK, affected=EVERYONE),
    Case("connection-dropped", "connection closed before any reply", only(MARCUS, Fault(drop=True)), (3,),
         MARCUS_TRIES, r"model service.*OPENAI_BASE_URL", (DANA, PRIYA), BACKOFF + SLACK),
    Case("reply-cut", "reply cut mid-body (Content-Length not reached; the non-streaming analogue of a cut stream)",
         only(MARCUS, Fault(cut=True)), (3,), MARCUS_TRIES, r"model service.*OPENAI_BASE_URL", (DANA, PRIYA),
         BACKOFF + SLACK),
    Case("read-timeout", "no reply within --timeout 2 (server holds the request 30 s)",
         only(MARCUS, Fault(delay=30)), (3,), {DANA: 1, PRIYA: 1, MARCUS: (3, TRIES)},
         r"did not answer in time.*--timeout", (DANA, PRIYA), TRIES * TIMEOUT + BACKOFF + SLACK,
         min_seconds=3 * TIMEOUT),
    Case("read-timeout-once", "first reply late, the retry answers", only(MARCUS, Fault(delay=30), first=1), (0,),
         MARCUS_TWICE, None, EVERYONE, TIMEOUT + 0.5 + SLACK, min_seconds=TIMEOUT),
    Case("429-retry-after", "429 with Retry-After: 1, every time", only(MARCUS, Fault(429, headers={"Retry-After": "1"})),
         (3,), MARCUS_TRIES, r"rate limiting.*\(429\).*try again", (DANA, PRIYA), 3 * 1.0 + SLACK,
         min_seconds=3 * 1.0),
    Case("429-no-retry-after", "429 without Retry-After, every time", only(MARCUS, Fault(429)), (3,), MARCUS_TRIES,
         r"rate limiting.*\(429\).*try again", (DANA, PRIYA), BACKOFF + SLACK),
    Case("429-once", "429 with Retry-After: 1 once, then a reply", only(MARCUS, Fault(429, headers={"Retry-After": "1"}), 1),
         (0,), MARCUS_TWICE, None, EVERYONE, 1.0 + SLACK, min_seconds=1.0),
    Case("429-retry-after-3600", "429 with Retry-After: 3600 (longer than any wait followup will do)",
         only(MARCUS, Fault(429, headers={"Retry-After": "3600"})), (3,), MARCUS_ONCE,
         r"\(429\).*(3600|60 min|an hour|1 h)", (DANA, PRIYA), FAST),
    Case("429-retry-after-3600-default-timeout", "the same, with the default --timeout 60 (a 180 s budget: 3 attempts x 60 s)",
         only(MARCUS, Fault(429, headers={"Retry-After": "3600"})), (3,), MARCUS_ONCE,
         r"\(429\).*(3600|60 min|an hour|1 h)", (DANA, PRIYA), FAST, args=WRITE[:-2]),
    *[Case(f"{status}", f"{status} every time", only(MARCUS, Fault(status)), (3,), MARCUS_TRIES,
           rf"failed \({status}\) after retrying.*try again", (DANA, PRIYA), BACKOFF + SLACK)
      for status in (500, 502, 503)],
    Case("503-once", "503 once, then a reply", only(MARCUS, Fault(503), 1), (0,), MARCUS_TWICE, None, EVERYONE,
         0.5 + SLACK),
    Case("401", "401 (key rejected)", everyone(Fault(401, "Incorrect API key provided: sk-test-****cdef")), (3,),
         ONE_EACH, r"API key was rejected \(401\).*OPENAI_API_KEY", (), FAST, affected=EVERYONE),
    Case("403", "403 (key may not use the model)", everyone(Fault(403, "You do not have access to this model")), (3,),
         ONE_EACH, r"\(403\).*--model", (), FAST, affected=EVERYONE),
    Case("404", "404 (unknown model)", everyone(Fault(404, "The model `test-model` does not exist")), (3,), ONE_EACH,
         r"model 'test-model' was not found.*\(404\).*--model", (), FAST, affected=EVERYONE),
    Case("400-context", "400 context_length_exceeded", only(MARCUS, Fault(400, raw_body=CONTEXT_TOO_LONG)), (3,),
         MARCUS_ONCE, r"\(400\).*maximum context length.*reduce", (DANA, PRIYA), FAST),
    Case("not-json-html", "200 with an HTML body (text/html)",
         only(MARCUS, Fault(raw_body=b"<html><body>502 Bad Gateway</body></html>",
                            headers={"Content-Type": "text/html"})), (3,), MARCUS_ONCE,
         r"model service.*OPENAI_BASE_URL", (DANA, PRIYA), FAST),
    Case("not-json", "200 with a body that is not JSON (labelled application/json)",
         only(MARCUS, Fault(raw_body=b"upstream connect error or disconnect/reset before headers")), (3,), MARCUS_ONCE,
         r"not JSON.*OPENAI_BASE_URL", (DANA, PRIYA), FAST),
    Case("not-a-completion", 'valid JSON that is not a completion ({"hello": "world"})',
         only(MARCUS, Fault(raw_body=b'{"hello": "world"}')), (3,), MARCUS_ONCE,
         r"no completion.*OPENAI_BASE_URL", (DANA, PRIYA), FAST),
    Case("empty-completion", "empty completion (content \"\")", only(MARCUS, Fault(content="")), (3,), MARCUS_ONCE,
         r"empty note.*(try again|--model)", (DANA, PRIYA), FAST),
    Case("finish-length", "finish_reason length every time (reply cut at max_tokens): repaired, then the offline draft",
         only(MARCUS, Fault(content=TRUNCATED, finish_reason="length")), (0,), {DANA: 1, PRIYA: 1, MARCUS: 3},
         r"Marcus Chen: test-model's drafts failed the guardrails 3 times; showing the offline draft \(version 2\)",
         EVERYONE, FAST),
    Case("content-filter", "finish_reason content_filter", only(MARCUS, Fault(content="", finish_reason="content_filter")),
         (3,), MARCUS_ONCE, r"content filter.*(try again|facts)", (DANA, PRIYA), FAST),
    Case("refusal", 'a refusal ("I can\'t help with that.")', only(MARCUS, Fault(content="I can't help with that.")),
         (3,), MARCUS_ONCE, r"declined to write the note.*--model", (DANA, PRIYA), FAST),
    *[Case(name, f"structured output that breaks its schema ({reply})", only(MARCUS, Fault(content=reply)), (1, 3),
           {DANA: 1, PRIYA: 1, MARCUS: (1, 3)}, r"(format|schema|JSON|subject|body)", (DANA, PRIYA), FAST,
           failing_draft_ok=True)
      for name, reply in (("schema-number", '{"subject": 5}'), ("schema-wrong-keys", '{"title": "Thank you"}'))],
]


def cap_for(case: Case) -> float:
    return case.max_seconds * HEADROOM + 2.0


_OUTCOMES: dict[str, Outcome] = {}
_OUTCOMES_LOCK = threading.Lock()


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    """Every case, run side by side once per module."""
    with _OUTCOMES_LOCK:
        if not _OUTCOMES:
            _OUTCOMES.update(run_matrix(CASES, cap_for))
    return _OUTCOMES


def _params() -> list[Any]:
    return [pytest.param(case, id=case.id,
                         marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [])
            for case in CASES]


@pytest.mark.parametrize("case", _params())
def test_fault(case: Case, outcomes: dict[str, Outcome]) -> None:
    got = outcomes[case.id]
    context = f"{case.id}: exit {got.returncode} after {got.seconds:.1f}s, requests {got.requests}\n{got.stderr}"

    # Bounded time: --timeout and the transport budget, never an open-ended wait.
    assert got.returncode is not None, f"still running after {cap_for(case):.0f}s: {context}"
    assert got.seconds <= case.max_seconds * HEADROOM, context
    assert got.seconds >= case.min_seconds, context
    assert got.returncode in case.exit, context
    assert "Traceback" not in got.stderr + got.stdout, context

    # One line on stderr saying what happened and what to do (nothing when a retry fixed it).
    if case.line is None:
        assert got.lines == [], context
    else:
        assert len(got.lines) == 1, context
        [line] = got.lines
        assert line.startswith("followup: "), line
        assert re.search(case.line, line, re.IGNORECASE), line
        for name in case.affected:
            assert name in line, line
    assert FAKE_KEY not in got.stderr + got.stdout

    # Retries only where a retry can help.
    if got.requests is not None and case.requests is not None:
        assert set(got.requests) == set(case.requests), context
        for name, expected in case.requests.items():
            fewest, most = expected if isinstance(expected, tuple) else (expected, expected)
            assert fewest <= got.requests[name] <= most, context

    # Every draft that finished is shown, and saved.
    payload = got.payload
    assert payload is not None, f"stdout is not the --json payload: {got.stdout[:300]!r}"
    drafts = got.drafts
    for name in case.finished:
        assert name in drafts, context
        assert drafts[name]["passed"] is True, drafts[name]
    extra = set(drafts) - set(case.finished)
    if case.failing_draft_ok:
        for name in extra:
            assert drafts[name]["passed"] is False, drafts[name]  # never passed: true for a broken reply
    else:
        assert not extra, context
    [run] = [r for r in got.history if r["id"] == payload["run_id"]]
    assert {d["to"] for d in run["drafts"]} == set(drafts)
    assert {d["to"]: d["passed"] for d in run["drafts"]} == {n: d["passed"] for n, d in drafts.items()}
    assert got.shown is not None
    assert {d["to"]: (d["subject"], d["body"]) for d in got.shown["drafts"]} == {
        n: (d["subject"], d["body"]) for n, d in drafts.items()}


def test_requests_never_ask_for_a_stream() -> None:
    """followup does not stream: a cut stream cannot happen (the cut-body case above is its analogue)."""
    with FaultServer(lambda name, n: None) as server, tempfile.TemporaryDirectory() as home:
        done = followup(*WRITE, env=process_env(Path(home), server.base_url))
        bodies = [r["json"] for r in server.requests if r["path"] == "/v1/chat/completions"]
    assert done.returncode == 0, done.stderr
    assert len(bodies) == 3
    assert not any(body.get("stream") for body in bodies)
    assert all("stream_options" not in body for body in bodies)


# --- the table in docs/reliability.md -------------------------------------------------------


def _retries(case: Case, got: Outcome) -> str:
    if got.requests is None:
        return "not observable (nothing listens); tried 4 times by the transport policy"
    asked = ", ".join(f"{name.split()[0]} {count}" for name, count in sorted(got.requests.items()))
    return asked


def _kept(got: Outcome) -> str:
    drafts = got.drafts
    if not drafts:
        return "none finished"
    saved = {d["to"] for r in got.history for d in r["drafts"]} if got.history else set()
    parts = [f"{name.split()[0]} ({'passed' if d['passed'] else 'FAILED'}){'' if name in saved else ' NOT SAVED'}"
             for name, d in drafts.items()]
    return "shown and saved: " + ", ".join(parts)


def markdown_table(results: dict[str, Outcome]) -> str:
    rows = ["| fault | requests the server saw | exit | seconds | stderr (the one line, verbatim) | finished drafts |",
            "|---|---|---|---|---|---|"]
    for case in CASES:
        got = results[case.id]
        line = " / ".join(got.lines) or "(nothing)"
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line).replace("|", "\\|")
        code = "killed" if got.returncode is None else str(got.returncode)
        rows.append(f"| {case.fault} | {_retries(case, got)} | {code} | {got.seconds:.1f} | `{line}` | {_kept(got)} |")
    return "\n".join(rows)


if __name__ == "__main__":
    # Uncapped (10 minutes), so that the slow cases show how long they really take.
    print(markdown_table(run_matrix(CASES, lambda case: 600.0)))
