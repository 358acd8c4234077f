"""The HTTP transport under the ``openai`` client: every reply bounded in time and size.

httpx's timeouts are per read, so a server that trickles one byte a second never times
out, and a small gzip body may unpack to gigabytes. This transport gives each reply a
wall-clock deadline (the request's read timeout, counted from when it was sent) and a cap
on the bytes it may unpack to.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx2

from .. import defaults


class ReplyTooLarge(Exception):
    """The reply went past the byte cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the reply is larger than {limit:,} bytes")
        self.limit = limit


class GuardedTransport(httpx2.BaseTransport):
    """An ``HTTPTransport`` whose replies stop at a deadline and a byte cap."""

    def __init__(self, inner: httpx2.BaseTransport, max_bytes: int = defaults.MAX_REPLY_BYTES) -> None:
        self._inner = inner
        self._max_bytes = max_bytes

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # Ask for the body as is, so that what is counted is what is read.
        request.headers["Accept-Encoding"] = "identity"
        seconds = (request.extensions.get("timeout") or {}).get("read")
        deadline = time.monotonic() + seconds if seconds else None
        response = self._inner.handle_request(request)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]
        stream = _BoundedStream(response.stream, deadline, self._max_bytes, encoding)  # type: ignore[arg-type]
        return httpx2.Response(response.status_code, headers=headers, stream=stream, extensions=response.extensions)

    def close(self) -> None:
        self._inner.close()


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, deadline: float | None, max_bytes: int, encoding: str) -> None:
        self._inner = inner
        self._deadline = deadline
        self._max_bytes = max_bytes
        self._decoder = _decoder(encoding)

    def __iter__(self) -> Iterator[bytes]:
        size = 0
        for chunk in self._inner:
            if self._deadline is not None and time.monotonic() > self._deadline:
                raise httpx2.ReadTimeout("the reply took longer than the timeout")
            data = self._decoder.decompress(chunk, self._max_bytes - size + 1) if self._decoder else chunk
            size += len(data)
            if size > self._max_bytes or (self._decoder and self._decoder.unconsumed_tail):
                raise ReplyTooLarge(self._max_bytes)
            yield data

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close:
            close()


def _decoder(encoding: str) -> Any:
    """A bounded decompressor for what a server sent though it was asked for none."""
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise httpx2.DecodingError(f"the reply is in an encoding followup does not read ({encoding})")


def guarded_client(base_url: str | None, max_bytes: int = defaults.MAX_REPLY_BYTES) -> httpx2.Client:
    """The client the ``openai`` SDK sends through; redirects off, so it is never led elsewhere.

    A plain http:// endpoint (a local server) never loads the certificate store (~30 ms).
    """
    import openai

    verify = not (base_url or "").startswith("http://")
    inner = httpx2.HTTPTransport(verify=verify)
    return openai.DefaultHttpxClient(transport=GuardedTransport(inner, max_bytes), follow_redirects=False)
