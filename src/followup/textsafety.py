"""Text that may reach a terminal or a file: no control characters but newline and tab.

Model replies and facts files are untrusted. An ESC sequence (OSC 52 sets the clipboard,
OSC 0 the window title), a NUL or a bare CR in them must never be written out as is.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL, except \n and \t (Unicode line separators become \n first), and the
# bidirectional overrides and isolates, which can make text read otherwise than it is (U+202E).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# ESC and C1 introducers with what follows them: CSI (ESC [ or 0x9b), OSC (ESC ] or 0x9d, up to BEL or ST),
# and two-character escapes, so that no "31m" or "0;title" is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


def clean_text(text: str) -> str:
    """NFC-normalised text with escape sequences and control characters removed (CRLF becomes LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def clean_line(text: str) -> str:
    """One line: line breaks of every kind become a space, then as ``clean_text``."""
    return " ".join(clean_text(_LINE_BREAKS.sub(" ", text)).split())


def visible(text: str) -> str:
    """``text`` with each control character shown as U+FFFD: the same length, so spans into it still fit.

    For printing a note as the user wrote it (``check``), where escapes must not act on the terminal.
    """
    return _CONTROLS.sub("\ufffd", text)
