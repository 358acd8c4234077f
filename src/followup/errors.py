"""One exception hierarchy for followup; each kind carries the exit code the command line gives it.

    FollowupError
    ├── InputError    exit 2: bad input or usage (facts, policy, files, formats, history, model settings, tweaks)
    ├── ServiceError  exit 3: the model service failed
    └── Interrupted   exit 130: Ctrl-C or SIGTERM

Every message is one line a user can act on (a facts file may give one line per problem).
``followup.application`` decides the exit code of a command, from these and from its drafts.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of design.md."""

    OK = 0
    FAILED_GUARDRAILS = 1  # some final draft still fails the guardrails (it is shown and saved)
    BAD_INPUT = 2  # bad input or usage, or something that could not be saved or written
    MODEL_FAILURE = 3  # the model service failed (finished drafts are shown and saved)
    INTERRUPTED = 130  # Ctrl-C or SIGTERM (finished drafts are saved)


class FollowupError(Exception):
    """The base of every error followup reports to its user."""

    exit_code = ExitCode.BAD_INPUT


class InputError(FollowupError):
    """Bad input or usage."""

    exit_code = ExitCode.BAD_INPUT


class ServiceError(FollowupError):
    """The model service failed."""

    exit_code = ExitCode.MODEL_FAILURE


class Interrupted(FollowupError):
    """The user stopped the command; what was finished is saved."""

    exit_code = ExitCode.INTERRUPTED
