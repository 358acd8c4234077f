"""Helpers shared by the tests that drive the command line in-process."""

from __future__ import annotations

import sys
from pathlib import Path

from pytest import MonkeyPatch
from typer.testing import CliRunner, Result

from followup.cli import app


# The CLI as a separate process, through the interpreter running the tests (no path of this machine).
FOLLOWUP_COMMAND = (sys.executable, "-m", "followup")


def invoke(*args: object, input: str | bytes | None = None) -> Result:
    """Run followup in-process; an uncaught exception (a traceback for the user) fails the test."""
    result = CliRunner().invoke(app, [str(a) for a in args], input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: uncaught {result.exception!r}\n{result.output}")
    return result


def assert_one_line_error(result: Result, *needles: str) -> str:
    """Exit 2, no traceback, exactly one line on stderr holding every needle."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def isolate(tmp_path: Path, monkeypatch: MonkeyPatch) -> Path:
    """A fresh FOLLOWUP_HOME, and no model endpoint or user policy from the machine's environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("FOLLOWUP_HOME", str(home))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "FOLLOWUP_MODEL",
                 "FOLLOWUP_GUARDRAILS"):
        monkeypatch.delenv(name, raising=False)
    return home
