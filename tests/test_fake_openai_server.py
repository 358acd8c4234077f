"""The fake server, exercised through the real ``openai`` SDK (127.0.0.1 only)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from fake_openai_server import DEFAULT_CONTENT, FakeOpenAIServer

API_KEY = "sk-test-dummy"
MESSAGES = [
    {"role": "system", "content": "You write notes."},
    {"role": "user", "content": "Summarise the meeting please"},
]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


def make_client(srv: FakeOpenAIServer, **kwargs: object) -> openai.OpenAI:
    return openai.OpenAI(api_key=API_KEY, base_url=srv.base_url, max_retries=0, **kwargs)


def ask(client: openai.OpenAI, model: str = "test-model") -> openai.types.chat.ChatCompletion:
    return client.chat.completions.create(model=model, messages=MESSAGES)


def test_base_url_is_loopback(server: FakeOpenAIServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert server.port > 0


def test_scripted_reply_content_and_usage(server: FakeOpenAIServer) -> None:
    server.add_reply(
        "first",
        finish_reason="length",
        usage={"prompt_tokens": 11, "completion_tokens": 22, "total_tokens": 33},
    )
    server.add_reply("second reply")
    client = make_client(server)

    first = ask(client, model="my-model")
    assert first.object == "chat.completion"
    assert first.model == "my-model"
    assert first.choices[0].message.role == "assistant"
    assert first.choices[0].message.content == "first"
    assert first.choices[0].finish_reason == "length"
    assert first.usage is not None
    assert (first.usage.prompt_tokens, first.usage.completion_tokens, first.usage.total_tokens) == (11, 22, 33)

    second = ask(client)
    assert second.choices[0].message.content == "second reply"
    assert second.choices[0].finish_reason == "stop"
    assert second.usage is not None
    # Rough counts: whitespace-split words of all messages / of the reply.
    assert (second.usage.prompt_tokens, second.usage.completion_tokens, second.usage.total_tokens) == (7, 2, 9)

    # Queue exhausted: the default reply takes over.
    assert ask(client).choices[0].message.content == DEFAULT_CONTENT


def test_default_content_and_factory() -> None:
    with FakeOpenAIServer(default_content="a fixed note") as srv:
        client = make_client(srv)
        assert ask(client).choices[0].message.content == "a fixed note"
        srv.default = lambda request: request["messages"][-1]["content"].upper()
        assert ask(client).choices[0].message.content == "SUMMARISE THE MEETING PLEASE"


def test_rate_limit_with_retry_after(server: FakeOpenAIServer) -> None:
    server.fail_next(429, headers={"Retry-After": "7"}, message="slow down")
    client = make_client(server)

    with pytest.raises(openai.RateLimitError) as info:
        ask(client)
    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "7"
    assert info.value.message == "Error code: 429 - slow down"
    assert info.value.code == "rate_limit_exceeded"
    # Only one failure was queued.
    assert ask(client).choices[0].message.content == DEFAULT_CONTENT


def test_authentication_error(server: FakeOpenAIServer) -> None:
    server.fail_next(401, message="Incorrect API key provided")
    with pytest.raises(openai.AuthenticationError) as info:
        ask(make_client(server))
    assert info.value.status_code == 401
    assert isinstance(info.value.body, dict)
    assert info.value.body["message"] == "Incorrect API key provided"


def test_fail_next_times_then_recovers(server: FakeOpenAIServer) -> None:
    server.fail_next(500, times=2)
    client = make_client(server)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            ask(client)
    assert ask(client).choices[0].message.content == DEFAULT_CONTENT


def test_raw_non_json_body_raises_json_decode_error(server: FakeOpenAIServer) -> None:
    """SDK fact: a 200 with a JSON content type but a non-JSON body is NOT wrapped
    in an openai error; ``json.JSONDecodeError`` (a ValueError) escapes as-is."""
    server.add_reply("", raw_body=b"this is not json")
    with pytest.raises(json.JSONDecodeError) as info:
        ask(make_client(server))
    assert not isinstance(info.value, openai.OpenAIError)


def test_raw_non_json_error_status_raises_status_error(server: FakeOpenAIServer) -> None:
    server.add_reply("", status=502, raw_body=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(openai.InternalServerError) as info:
        ask(make_client(server))
    assert info.value.status_code == 502


def test_concurrent_requests_are_served_concurrently() -> None:
    with FakeOpenAIServer(delay=1.0, default_content="slow") as srv:
        client = make_client(srv)
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=5) as pool:
            results = list(pool.map(lambda _: ask(client), range(5)))
        elapsed = time.monotonic() - start
    assert [r.choices[0].message.content for r in results] == ["slow"] * 5
    assert 1.0 <= elapsed < 1.6


def test_requests_are_recorded(server: FakeOpenAIServer) -> None:
    client = make_client(server)
    ask(client, model="model-a")
    client.chat.completions.create(model="model-b", messages=MESSAGES, temperature=0.2)

    recorded = server.requests
    assert [r["method"] for r in recorded] == ["POST", "POST"]
    assert [r["path"] for r in recorded] == ["/v1/chat/completions"] * 2
    assert recorded[0]["json"] == {"model": "model-a", "messages": MESSAGES}
    assert recorded[1]["json"] == {"model": "model-b", "messages": MESSAGES, "temperature": 0.2}
    for r in recorded:
        assert r["headers"]["authorization"] == f"Bearer {API_KEY}"
        assert r["headers"]["content-type"] == "application/json"
    # The property is a snapshot, not the live list.
    recorded.clear()
    assert len(server.requests) == 2


def test_models_list_and_unknown_route(server: FakeOpenAIServer) -> None:
    models = make_client(server).models.list()
    assert [m.id for m in models.data] == ["fake-model"]

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.base_url + "/nope", timeout=5)
    assert info.value.code == 404
    assert json.loads(info.value.read())["error"]["type"] == "invalid_request_error"


def test_hang_next_triggers_client_timeout_and_server_survives(
    server: FakeOpenAIServer, capfd: pytest.CaptureFixture[str]
) -> None:
    server.hang_next(0.5)
    client = make_client(server)
    start = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.2).chat.completions.create(model="m", messages=MESSAGES)
    assert time.monotonic() - start < 0.45
    time.sleep(0.5)  # the server now answers a client that has gone away
    assert ask(client).choices[0].message.content == DEFAULT_CONTENT
    assert capfd.readouterr().err == ""


def test_close_is_quick_even_with_a_hanging_request() -> None:
    srv = FakeOpenAIServer()
    srv.hang_next(30)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            ask(make_client(srv, timeout=60))
        except openai.APIConnectionError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while not srv.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert srv.requests

    start = time.monotonic()
    srv.close()
    srv.close()  # idempotent
    caller.join(timeout=5)
    assert time.monotonic() - start < 1.0
    assert not caller.is_alive()
    assert len(errors) == 1
