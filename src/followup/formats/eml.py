"""RFC 5322 messages (.eml) built with the ``email`` package, so no text can add a header.

The subject is one cleaned line and the body cleaned text; each address is one mailbox with
its domain IDNA-encoded, and anything else (a list, a control character) is refused.
"""

from __future__ import annotations

from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

from ..facts import written_name
from ..textsafety import clean_line, clean_text
from . import Format

if TYPE_CHECKING:
    from ..drafting import Draft
    from ..facts import Facts


def address(name: str, email: str) -> Address:
    """One mailbox: ``name <email>``; ValueError names the address when it is not exactly one."""
    local, at, domain = email.strip().rpartition("@")
    if not (at and local and domain) or any(c.isspace() or not c.isprintable() or c in ",;<>\"" for c in email.strip()):
        raise ValueError(f"{email!r} is not one email address")
    if not local.isascii():
        raise ValueError(f"{email!r}: the part before @ must be ASCII")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{email!r}: the domain is not a valid domain name") from None
    try:
        mailbox = Address(display_name=clean_line(name), addr_spec=f"{local}@{ascii_domain}")
    except (ValueError, IndexError):  # the email package raises IndexError on some malformed specs
        raise ValueError(f"{email!r} is not one email address") from None
    if mailbox.addr_spec != f"{local}@{ascii_domain}":
        raise ValueError(f"{email!r} is not one email address")
    return mailbox


def message(draft: Draft, facts: Facts, when: datetime | None = None) -> EmailMessage:
    """The draft as a message: To, Subject, From (when known) and Date."""
    built = EmailMessage(policy=policy.default)
    if draft.email:
        built["To"] = address(written_name(draft.to), draft.email)
    if facts.candidate.email:
        built["From"] = address(facts.candidate.name, facts.candidate.email)
    built["Subject"] = clean_line(draft.subject)
    built["Date"] = format_datetime(when or datetime.now(timezone.utc).astimezone())
    built.set_content(clean_text(draft.body).rstrip("\n") + "\n")
    return built


def render(draft: Draft, facts: Facts) -> bytes:
    return message(draft, facts).as_bytes()


def _no_email(draft: Draft) -> str | None:
    return None if draft.email else "no email in the facts"


FORMAT = Format(suffix=".eml", render=render, skip=_no_email)
