"""Where a command's exit code is decided, in one place (after flake8's ``main/application.py``).

A command either returns its outcome (an :class:`ExitCode`, from :func:`drafts_outcome` for
those that draft) or raises a :class:`FollowupError`, whose kind carries its code. The
command line reports the error's lines and exits with what :func:`run` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .errors import ExitCode, FollowupError, Interrupted


def drafts_outcome(drafts: Iterable[Any], *, service_failed: bool = False, not_kept: bool = False) -> ExitCode:
    """The exit code of a command that drafted notes (design.md).

    ``not_kept``: a draft could not be saved or a file not written (bad input: 2) weighs more than
    a model service failure (3), which weighs more than a note that fails the guardrails (1).
    """
    if not_kept:
        return ExitCode.BAD_INPUT
    if service_failed:
        return ExitCode.MODEL_FAILURE
    if not all(draft.passed for draft in drafts):
        return ExitCode.FAILED_GUARDRAILS
    return ExitCode.OK


def run(command: Callable[..., ExitCode | None], report: Callable[[str], None], *args: Any,
        **kwargs: Any) -> ExitCode:
    """Run ``command``; an error is reported line by line and gives its kind's code."""
    try:
        return ExitCode(command(*args, **kwargs) or ExitCode.OK)
    except FollowupError as error:
        for line in str(error).splitlines():
            report(line)
        return error.exit_code
    except KeyboardInterrupt:
        return run(_raise, report, Interrupted("interrupted"))


def _raise(error: FollowupError) -> None:
    raise error
