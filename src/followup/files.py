"""Reading an input file (facts, a note) with a bounded read: a regular file or ``-`` for standard input.

A device (/dev/zero, /dev/urandom) never ends and a FIFO may never be written to, so both are
refused before any byte is read; a regular file or standard input is read at most ``limit + 1``
bytes, which is enough to tell that it is too long.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from .errors import InputError

STDIN = "-"
_READ_CHUNK = 1 << 16


class UnreadableFile(InputError):
    """The input cannot be read; the message names it and says why, in one line."""


def read_bounded(source: str | Path, limit: int) -> bytes:
    """The bytes of ``source`` (a path, or ``-`` for standard input), at most ``limit`` of them."""
    if str(source) == STDIN:
        return _capped(sys.stdin.buffer.read(limit + 1), "standard input", limit)
    name = str(source)
    try:
        kind = os.stat(source).st_mode
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file") from None
    except OSError as error:
        raise UnreadableFile(f"{name}: cannot read ({error.strerror or error})") from None
    if stat.S_ISDIR(kind):
        raise UnreadableFile(f"{name}: is a directory, expected a file")
    if not stat.S_ISREG(kind):
        raise UnreadableFile(f"{name}: not a regular file (a device, pipe or socket)")
    try:
        # O_NONBLOCK: should the path turn into a FIFO after the check, opening it still does not hang.
        handle = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise UnreadableFile(f"{name}: cannot read ({error.strerror or error})") from None
    with open(handle, "rb", closefd=True) as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(f"{name}: not a regular file (a device, pipe or socket)")
        data = bytearray()
        while len(data) <= limit:
            chunk = file.read(min(_READ_CHUNK, limit + 1 - len(data)))
            if not chunk:
                break
            data += chunk
    return _capped(bytes(data), name, limit, status.st_size)


def _capped(data: bytes, name: str, limit: int, size: int | None = None) -> bytes:
    if len(data) > limit:
        if size and size > limit:
            raise UnreadableFile(f"{name}: {size:,} bytes; the limit is {limit:,} bytes")
        raise UnreadableFile(f"{name}: more than {limit:,} bytes, the limit")
    return data
