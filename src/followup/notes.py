"""A thank-you note: a subject line and a body."""

from __future__ import annotations

import re
import unicodedata
from email import policy as email_policy
from email.parser import Parser

from pydantic import BaseModel, field_validator

# A word: letters or digits in any script, with the combining marks of scripts such as
# Devanagari and Arabic (which are not \w), inner apostrophes, hyphens, full stops and %.
MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903" \
        "\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09d7\u0a01-\u0a03\u0a3c-\u0a51\u0a81-\u0a83" \
        "\u0abc-\u0acd\u0b01-\u0b03\u0b3c-\u0b57\u0b82\u0bbe-\u0bcd\u0c00-\u0c04\u0c3e-\u0c56\u0c81-\u0c83" \
        "\u0cbc-\u0cd6\u0d00-\u0d03\u0d3b-\u0d57\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u200c\u200d"
_WORD = re.compile(rf"[^\W_][\w{MARKS}'’%.\-]*")

# Header lines of a pasted or saved email; "Subject:" alone is the common case.
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")
_MIME_HEADERS = {"mime-version", "content-type", "content-transfer-encoding"}
_MAIL_HEADERS = {"subject", "to", "from", "cc", "bcc", "date", "reply-to", "message-id"} | _MIME_HEADERS
# The .md that ``--out`` writes: "**To:** Name" and "**Subject:** ..." before the body.
_MARKDOWN_FIELD = re.compile(r"^\*\*(To|Subject|From|Cc|Date):\*\*[ \t]*(.*)$", re.IGNORECASE)


class Note(BaseModel):
    subject: str
    body: str

    @field_validator("subject", "body")
    @classmethod
    def _composed(cls, text: str) -> str:
        """NFC, so that a rule sees "é" as one character however the text was typed or pasted."""
        return unicodedata.normalize("NFC", text)

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def parse_note_text(text: str) -> Note:
    """Read a note as people paste it or as followup saves it: a body, optionally after a
    ``Subject:`` line or other email headers, a saved ``.eml`` (MIME decoded) or ``--out``'s ``.md``."""
    stripped = unicodedata.normalize("NFC", text.lstrip("\ufeff")).strip().replace("\r\n", "\n")
    lines = stripped.split("\n")
    if _MARKDOWN_FIELD.match(lines[0]):
        return _fields_then_body(lines, _MARKDOWN_FIELD)
    headers = _header_names(lines)
    if headers & _MIME_HEADERS:
        return _from_email(stripped)
    if headers & _MAIL_HEADERS:
        return _fields_then_body(lines, _HEADER)
    return Note(subject="", body=stripped)


def _header_names(lines: list[str]) -> set[str]:
    """Names of the header block that opens the text (up to the first blank line), if it is one."""
    names = set()
    for line in lines:
        if not line.strip():
            break
        match = _HEADER.match(line)
        if match is None:
            if line[:1] in " \t" and names:
                continue  # a folded header line
            return names if "subject" in names else set()  # "Subject:" and then the body at once
        names.add(match.group(1).lower())
    return names


def _fields_then_body(lines: list[str], field: re.Pattern[str]) -> Note:
    subject, index = "", 0
    while index < len(lines) and (match := field.match(lines[index])) and match.group(1).lower() in _MAIL_HEADERS:
        if match.group(1).lower() == "subject":
            subject = match.group(2).strip()
        index += 1
    return Note(subject=subject, body="\n".join(lines[index:]).strip())


def _from_email(text: str) -> Note:
    message = Parser(policy=email_policy.default).parsestr(text)
    part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
    try:
        body = part.get_content() if part is not None else ""
    except (LookupError, ValueError):  # an unknown charset or a broken encoding: keep the raw text
        body = str(part.get_payload()) if part is not None else ""
    return Note(subject=" ".join(str(message.get("Subject", "")).split()), body=body.strip())
