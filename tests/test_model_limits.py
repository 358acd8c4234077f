"""What a real local server needs (issue 9) and what a hostile one must not get away with (issue 10).

Everything runs against :class:`FakeOpenAIServer` or a raw socket server on 127.0.0.1, through
the real ``openai`` SDK. Back-off waits go through :class:`FakeClock`; the few wall-clock
bounds left have at least 3x headroom over what the code needs.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import FOLLOWUP_COMMAND
from fake_clock import FakeClock
from fake_openai_server import FakeOpenAIServer
from conftest import REPO_ROOT
from followup.drafting import draft_note, reply_token_limit
from followup.guardrails import load_policy
from followup.history import History
from followup.models import TimeBudget
from followup.models.openai_chat import retry_after
from test_openai_model import API_KEY, MODEL, bad_note, good_note, make_model, request_for, service_error



def run_cli(*args: str, base_url: str, home: Path, key: str | None = API_KEY,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env.update(OPENAI_BASE_URL=base_url, FOLLOWUP_HOME=str(home))
    if key:
        env["OPENAI_API_KEY"] = key
    return subprocess.run([*FOLLOWUP_COMMAND, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def write(base_url: str, home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("write", "examples/interview.yaml", "--json", "--model", MODEL, *extra, base_url=base_url,
                   home=home)


# --- max_tokens --------------------------------------------------------------------------


def test_every_request_carries_max_tokens_from_the_word_limit(server, facts, dana) -> None:
    server.default = bad_note  # three attempts, then the offline fallback (which sends nothing)
    draft_note(facts, dana, make_model(server.base_url), load_policy())
    expected = reply_token_limit(load_policy().note_limits)
    assert [r["json"]["max_tokens"] for r in server.requests] == [expected] * 3
    # Room for the longest note allowed, and not a context's worth.
    assert load_policy().note_limits.max_words * 1.3 < expected < 2000


def test_max_tokens_option_is_sent(server, tmp_path) -> None:
    done = write(server.base_url, tmp_path, "--max-tokens", "321")
    assert done.returncode == 0, done.stderr
    assert {r["json"]["max_tokens"] for r in server.requests} == {321}


def test_a_reply_cut_off_at_max_tokens_is_repaired_not_a_service_failure(server, facts, dana) -> None:
    cut = json.dumps({"subject": "Thank you, Dana", "body": "Dear Dana,\n\nThank you for the time you spent"})[:-2]
    server.add_reply(cut, finish_reason="length")
    draft = draft_note(facts, dana, make_model(server.base_url), load_policy())
    first, second = draft.history
    assert "cut_off" in {v.rule for v in first.violations}
    assert first.body.startswith("Dear Dana,")  # what the reply said so far, not raw JSON
    assert second.purpose == "repair" and draft.passed and draft.model == MODEL


# --- the time budget ---------------------------------------------------------------------


def test_timeout_is_honoured_as_given(server, facts, dana) -> None:
    server.hang_next(2.5)  # a slow CPU model: longer than the old cap would allow per try, within --timeout
    reply = make_model(server.base_url, timeout=8.0).complete(request_for(facts, dana, total=8.0))
    assert reply.note.subject == "Thank you, Dana"
    assert len(server.requests) == 1


def test_one_reply_is_cut_at_what_is_left_of_the_budget(server, facts, dana) -> None:
    server.hang_next(20)
    budget = TimeBudget(1.0)  # less than --timeout: the reply gets only what is left
    started = time.monotonic()
    request = request_for(facts, dana)
    request.budget = budget
    message = service_error(make_model(server.base_url, timeout=10.0, attempts=1), request)
    assert "did not answer in time" in message
    assert time.monotonic() - started < 6.0  # 1 s asked (the 10 s timeout and the 20 s hang would be far longer)
    assert budget.remaining() == 0


def test_write_per_interviewer_is_bounded_by_attempts_times_timeout(tmp_path) -> None:
    with FakeOpenAIServer(delay=30) as server:  # never answers in time
        started = time.monotonic()
        done = write(server.base_url, tmp_path, "--timeout", "1", "--max-attempts", "2")
        elapsed = time.monotonic() - started
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "did not answer in time (1 s per reply, 2 s for this note)" in done.stderr
    assert elapsed < 20  # 2 x 1 s per interviewer, concurrently, plus start-up: far from the 30 s hang


def test_parallel_one_queues_requests_without_timing_them_out(tmp_path) -> None:
    # A server that answers one request at a time, each in 1 s, like llama.cpp's default.
    busy = threading.Lock()

    def one_at_a_time(request: dict[str, Any]) -> str:
        with busy:
            time.sleep(1.0)
        return good_note(request)

    with FakeOpenAIServer() as server:
        server.default = one_at_a_time
        done = write(server.base_url, tmp_path, "--parallel", "1", "--timeout", "3")
    assert done.returncode == 0, done.stderr
    assert all(d["model"] == MODEL for d in json.loads(done.stdout)["drafts"])  # none timed out into a fallback


# --- the offline fallback ----------------------------------------------------------------


def test_model_drafts_that_keep_failing_give_way_to_the_offline_draft(server, tmp_path) -> None:
    server.default = bad_note
    done = write(server.base_url, tmp_path)

    assert done.returncode == 0, done.stderr
    drafts = json.loads(done.stdout)["drafts"]
    assert [(d["model"], d["fallback"], d["version"], d["passed"]) for d in drafts] == [("offline", True, 2, True)] * 3
    lines = done.stderr.strip().splitlines()
    assert (f"followup: Dana Whitfield: {MODEL}'s drafts failed the guardrails 3 times; showing the offline draft "
            "(version 2); the model's draft is version 1") in lines
    assert len(server.requests) == 9  # three attempts each before the fallback

    store = History(tmp_path / "history.db")
    rows = store.drafts(json.loads(done.stdout)["run_id"])
    dana_rows = [r for r in rows if r["interviewer"] == "Dana Whitfield"]
    assert [(r["version"], r["parent_version"], r["model"], bool(r["passed"]), bool(r["fallback"]))
            for r in dana_rows] == [(1, None, MODEL, False, False), (2, 1, "offline", True, True)]


def test_fallback_none_keeps_the_failing_model_draft(server, tmp_path) -> None:
    server.default = bad_note
    done = write(server.base_url, tmp_path, "--fallback", "none")
    assert done.returncode == 1
    assert {(d["model"], d["fallback"]) for d in json.loads(done.stdout)["drafts"]} == {(MODEL, False)}


def test_fallback_must_be_offline_or_none(server, tmp_path) -> None:
    done = write(server.base_url, tmp_path, "--fallback", "gpt")
    assert done.returncode == 2 and done.stderr.strip() == "followup: --fallback: 'gpt' is not one of offline, none"


def test_regenerate_falls_back_too(server, tmp_path) -> None:
    assert write(server.base_url, tmp_path).returncode == 0
    server.default = bad_note
    done = run_cli("regenerate", "--to", "Dana", "--tweak", "shorter", "--json", base_url=server.base_url,
                   home=tmp_path)
    assert done.returncode == 0, done.stderr
    [draft] = json.loads(done.stdout)["drafts"]
    assert (draft["model"], draft["fallback"], draft["version"]) == ("offline", True, 3)
    assert "showing the offline draft (version 3); the model's draft is version 2" in done.stderr


# --- Retry-After, redirects ----------------------------------------------------------------


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    class Reply:
        def __init__(self, value: str) -> None:
            self.headers = {"retry-after": value}

    class Error(Exception):
        def __init__(self, value: str) -> None:
            self.response = Reply(value)

    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after(Error("2.5"), now) == 2.5
    assert retry_after(Error(format_datetime(now + timedelta(seconds=30), usegmt=True)), now) == 30
    assert retry_after(Error(format_datetime(now - timedelta(seconds=30), usegmt=True)), now) == 0
    for unusable in ("-1", "nan", "inf", "soon"):
        assert retry_after(Error(unusable), now) is None


@pytest.mark.parametrize("value", ["-5", "NaN"])
def test_an_unusable_retry_after_falls_back_to_backoff(server, facts, dana, value) -> None:
    server.fail_next(429, headers={"Retry-After": value})
    clock = FakeClock()
    reply = make_model(server.base_url, clock=clock).complete(request_for(facts, dana))
    assert reply.note.subject == "Thank you, Dana"
    assert len(clock.slept) == 1 and 0 <= clock.slept[0] <= 0.5  # the first jittered back-off


def test_an_http_date_retry_after_is_waited(server, facts, dana) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=3)
    server.fail_next(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    clock = FakeClock()
    make_model(server.base_url, clock=clock).complete(request_for(facts, dana))
    assert len(clock.slept) == 1 and 1.0 <= clock.slept[0] <= 3.0


def test_a_redirect_is_reported_as_one_not_retried(server, facts, dana) -> None:
    server.add_reply("moved", status=307, headers={"Location": "http://user:secret@127.0.0.1:1/v2"})
    message = service_error(make_model(server.base_url), request_for(facts, dana))
    assert "redirect (307) to http://127.0.0.1:1/v2" in message and "after retrying" not in message
    assert "secret" not in message and len(server.requests) == 1


def test_user_info_in_openai_base_url_never_reaches_a_message(facts, dana) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = service_error(make_model(f"http://user:hunter2@127.0.0.1:{port}/v1", attempts=1),
                            request_for(facts, dana))
    assert f"http://127.0.0.1:{port}/v1" in message and "hunter2" not in message and "user:" not in message


# --- hostile servers ---------------------------------------------------------------------------


class RawServer:
    """A socket server on 127.0.0.1 that answers every request with ``serve(connection)``."""

    def __init__(self, serve: Any) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._serve = serve
        self._stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/v1"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            try:
                self._serve(connection, self._stop)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


def test_a_trickling_server_is_cut_at_the_timeout(facts, dana) -> None:
    def trickle(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(300):  # one byte a second, for five minutes
            if stop.wait(1.0):
                return
            connection.sendall(b" ")

    server = RawServer(trickle)
    try:
        started = time.monotonic()
        message = service_error(make_model(server.base_url, timeout=2.0, attempts=1), request_for(facts, dana))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert "did not answer in time" in message
    assert elapsed < 9.0  # the 2 s deadline (plus a 1 s grace): it used to run for minutes


def test_a_compressed_reply_may_not_unpack_past_the_cap(facts, dana) -> None:
    bomb = gzip.compress(b"{" + b" " * 50_000_000 + b"}")  # ~50 KB that unpacks to 50 MB

    def send_bomb(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                           + f"Content-Length: {len(bomb)}\r\n\r\n".encode() + bomb)

    server = RawServer(send_bomb)
    try:
        message = service_error(make_model(server.base_url, attempts=3), request_for(facts, dana))
    finally:
        server.close()
    assert "larger than 1,000,000 bytes" in message


def test_a_reply_echoing_the_key_is_redacted_and_escape_sequences_are_dropped(server, tmp_path) -> None:
    def echo(request: dict[str, Any]) -> str:
        note = json.loads(good_note(request))
        note["subject"] = "Thank you\r\nBcc: evil@example.com \x1b]0;pwned\x07"
        note["body"] = note["body"].replace("Thank you", f"Thank you ({API_KEY}) \x1b]52;c;ZXZpbA==\x07\x1b[2J", 1)
        return json.dumps(note)

    server.default = echo
    done = write(server.base_url, tmp_path, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    written = [p.read_text() for p in (tmp_path / "out").iterdir()]
    database = (tmp_path / "history.db").read_bytes()
    for text in [done.stdout, done.stderr, *written]:
        assert API_KEY not in text and "\x1b" not in text and "\x07" not in text
    assert API_KEY.encode() not in database and b"\x1b" not in database and b"\\u001b" not in database
    drafts = json.loads(done.stdout)["drafts"]
    assert all(d["model"] == MODEL and d["passed"] for d in drafts)  # cleaned, the notes pass as they are
    for draft in json.loads(done.stdout)["drafts"]:
        assert "\n" not in draft["subject"] and "\r" not in draft["subject"]


def test_a_runaway_draft_is_not_sent_back_whole_in_the_repair_prompt(facts, dana) -> None:
    from followup.notes import Note
    from followup.prompts import repair_messages

    limits = load_policy().note_limits
    huge = Note(subject="Thank you " * 500, body="Dear Dana, " + "lorem ipsum " * 25_000)
    short = Note(subject="Thank you", body="Dear Dana,\n\nThank you.\n\nJordan Rivera")
    grown = sum(len(m["content"]) for m in repair_messages(facts, dana, limits, huge, []))
    base = sum(len(m["content"]) for m in repair_messages(facts, dana, limits, short, []))
    assert grown - base < 20 * limits.max_words  # about 2 x the word limit, not 50,000 words
    assert "[... cut here: the draft went on for" in repair_messages(facts, dana, limits, huge, [])[1]["content"]


@pytest.mark.parametrize("url", ["http://[::1", "ftp://127.0.0.1/v1", "localhost:8080", "http://127.0.0.1:abc/v1"])
def test_a_bad_openai_base_url_is_one_line(tmp_path, url) -> None:
    done = run_cli("write", "examples/interview.yaml", "--model", MODEL, base_url=url, home=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("followup: OPENAI_BASE_URL: ")


def test_bidirectional_overrides_never_reach_the_output() -> None:
    from followup.textsafety import clean_line, clean_text

    tricky = "Thanks\u202egnp.exe\u202c and \u2066isolated\u2069"
    assert clean_text(tricky) == clean_line(tricky) == "Thanksgnp.exe and isolated"
    assert clean_text("नमस्ते \u200d👩‍💻") == "नमस्ते \u200d👩‍💻"  # joiners that scripts and emoji need stay


def test_a_recording_keeps_no_folder_of_the_recording_machine() -> None:
    from followup.evals import _scrub_response

    traceback = b'{"error": {"message": "File \\"/srv/me/venv/lib/python3.11/site-packages/llama_cpp/app.py\\""}}'
    scrubbed = _scrub_response({"headers": {}, "body": {"string": traceback}})["body"]["string"]
    assert b"/srv/me" not in scrubbed and b"<server venv>/site-packages/llama_cpp/app.py" in scrubbed
    plain = b'{"choices": [{"message": {"content": "Dear Dana, thank you."}}]}'
    assert _scrub_response({"headers": {}, "body": {"string": plain}})["body"]["string"] == plain
