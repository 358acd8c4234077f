"""A small fake OpenAI-compatible chat-completions server for tests and benchmarks.

Stdlib only. Serves ``POST /v1/chat/completions`` and ``GET /v1/models`` on
127.0.0.1 (OS-chosen port) from a daemon thread, one thread per connection.

Replies are scripted with :meth:`FakeOpenAIServer.add_reply` (and the
``fail_next`` / ``hang_next`` helpers) and consumed in order; when the queue is
empty, :attr:`FakeOpenAIServer.default` produces the content.

Example::

    with FakeOpenAIServer(default_content="hi") as server:
        server.fail_next(429, headers={"Retry-After": "1"})
        client = openai.OpenAI(api_key="sk-test", base_url=server.base_url)
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

DEFAULT_CONTENT = "Fake reply from the test server."
DEFAULT_MODEL = "fake-model"

_ERROR_TYPES: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    408: ("timeout", None),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


@dataclass(frozen=True)
class _Reply:
    """One scripted reply; ``content=None`` means "ask the default factory"."""

    content: str | None
    status: int = 200
    delay: float = 0.0
    headers: Mapping[str, str] | None = None
    finish_reason: str = "stop"
    raw_body: bytes | None = None
    usage: Mapping[str, int] | None = None


def _error_body(status: int, message: str) -> dict[str, Any]:
    """An OpenAI-style error object for ``status``."""
    default_type = "server_error" if status >= 500 else "invalid_request_error"
    err_type, code = _ERROR_TYPES.get(status, (default_type, None))
    return {"error": {"message": message, "type": err_type, "param": None, "code": code}}


def _count_words(messages: Any) -> int:
    """Rough prompt token count: whitespace-separated words in all message texts."""
    total = 0
    if not isinstance(messages, list):
        return 0
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            total += len(content.split())
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += len(part["text"].split())
    return total


class _Handler(BaseHTTPRequestHandler):
    """Request handler; all state lives on the owning :class:`FakeOpenAIServer`."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms a reply), which a real server does not add.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fake._register_connection(self.connection)

    def finish(self) -> None:
        self.server.fake._unregister_connection(self.connection)
        super().finish()

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # client went away (BrokenPipe, ConnectionReset, ...)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay silent: no per-request output on stderr."""

    def _dispatch(self) -> None:
        """Record the request, then route it (any HTTP method)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        fake = self.server.fake
        path = self.path.split("?", 1)[0]
        fake._record(
            {
                "method": self.command,
                "path": path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "json": body,
            }
        )
        if self.command == "POST" and path == "/v1/chat/completions":
            self._chat_completion(body)
        elif self.command == "GET" and path == "/v1/models":
            created = int(time.time())
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": DEFAULT_MODEL, "object": "model", "created": created, "owned_by": "fake"}
                    ],
                },
            )
        else:
            self._send_json(404, _error_body(404, f"Unknown route: {self.command} {path}"))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _chat_completion(self, body: Any) -> None:
        fake = self.server.fake
        if not isinstance(body, dict):
            self._send_json(400, _error_body(400, "Request body must be a JSON object."))
            return
        if body.get("stream"):
            self._send_json(400, _error_body(400, "The fake server does not support streaming."))
            return
        reply = fake._next_reply()
        if reply.delay > 0 and fake._sleep(reply.delay):
            self.close_connection = True  # server is closing: drop the request unanswered
            return
        headers = dict(reply.headers or {})
        if reply.raw_body is not None:
            self._send_bytes(reply.status, reply.raw_body, headers)
            return
        content = reply.content if reply.content is not None else fake.default(body)
        if reply.status != 200:
            self._send_json(reply.status, _error_body(reply.status, content), headers)
            return
        if reply.usage is None:
            prompt_tokens = _count_words(body.get("messages"))
            completion_tokens = len(content.split())
            usage: dict[str, int] = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            }
        else:
            usage = dict(reply.usage)
        completion = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or DEFAULT_MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": usage,
        }
        self._send_json(200, completion, headers)

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), dict(headers or {}))

    def _send_bytes(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server that does not wait for (possibly hanging) handlers on close."""

    block_on_close = False

    def __init__(self, fake: FakeOpenAIServer) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeOpenAIServer:
    """Fake OpenAI-compatible server on 127.0.0.1; use as a context manager.

    ``delay`` applies to every default (unscripted) reply; ``default_content``
    is what the default reply says (``DEFAULT_CONTENT`` when None). Replace
    :attr:`default` with ``callable(request_json) -> str`` for dynamic content.
    """

    def __init__(self, *, delay: float = 0.0, default_content: str | None = None) -> None:
        self.delay = delay
        text = DEFAULT_CONTENT if default_content is None else default_content
        self.default: Callable[[dict[str, Any]], str] = lambda _request: text
        self._lock = threading.Lock()
        self._replies: deque[_Reply] = deque()
        self._requests: list[dict[str, Any]] = []
        self._connections: set[socket.socket] = set()
        self._closing = threading.Event()
        self._httpd = _HTTPServer(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai-server",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Base URL to pass to ``openai.OpenAI(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Snapshot of recorded requests: dicts with method, path, headers, json."""
        with self._lock:
            return list(self._requests)

    def add_reply(
        self,
        content: str,
        *,
        status: int = 200,
        delay: float = 0.0,
        headers: Mapping[str, str] | None = None,
        finish_reason: str = "stop",
        raw_body: bytes | None = None,
        usage: Mapping[str, int] | None = None,
    ) -> None:
        """Queue a reply. For ``status != 200``, ``content`` is the error message;
        ``raw_body`` is sent verbatim (Content-Type application/json unless given)."""
        self._enqueue(
            _Reply(content, status, delay, dict(headers or {}), finish_reason, raw_body, usage)
        )

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        message: str | None = None,
    ) -> None:
        """Queue ``times`` OpenAI-style error replies with ``status``."""
        for _ in range(times):
            self.add_reply(message or f"Fake error {status}", status=status, headers=headers)

    def hang_next(self, seconds: float) -> None:
        """Queue a default-content reply that waits ``seconds`` before answering."""
        self._enqueue(_Reply(None, delay=seconds))

    def _next_reply(self) -> _Reply:
        """Pop the next scripted reply, or a default one (with the server delay)."""
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        return _Reply(None, delay=self.delay)

    def _record(self, request: dict[str, Any]) -> None:
        """Record one incoming request (called by the handler)."""
        with self._lock:
            self._requests.append(request)

    def _register_connection(self, conn: socket.socket) -> None:
        """Track an open client connection so ``close()`` can cut it."""
        with self._lock:
            self._connections.add(conn)

    def _unregister_connection(self, conn: socket.socket) -> None:
        """Forget a finished client connection."""
        with self._lock:
            self._connections.discard(conn)

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds``, returning True early if the server is closing."""
        return self._closing.wait(seconds)

    def close(self) -> None:
        """Stop serving, cut open connections and wake sleeping handlers. Idempotent."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join()

    def _enqueue(self, reply: _Reply) -> None:
        with self._lock:
            self._replies.append(reply)

    def __enter__(self) -> FakeOpenAIServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
