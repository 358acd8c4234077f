"""Setup every test shares, defined once: where things are, an isolated environment, the
in-process CLI runner and the local fake model server.

Module-level names (``REPO_ROOT``, ``EXAMPLE``) are for code that runs at import time, such as
``parametrize`` lists; tests take the fixtures.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
REPO_ROOT = TESTS.parent
EXAMPLE = REPO_ROOT / "examples" / "interview.yaml"

sys.path.insert(0, str(TESTS))  # the helper modules of tests/ (fake server, CLI helpers) import by name

from cli_helpers import invoke, isolate  # noqa: E402
from fake_openai_server import FakeOpenAIServer  # noqa: E402

from followup.facts import Facts, Interviewer, load_facts  # noqa: E402


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test: a fresh FOLLOWUP_HOME, and no model endpoint or user policy from the machine (offline)."""
    return isolate(tmp_path, monkeypatch)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def example() -> Path:
    """The shipped example facts file."""
    return EXAMPLE


@pytest.fixture(scope="session")
def facts() -> Facts:
    """The example's facts, loaded."""
    return load_facts(EXAMPLE)


@pytest.fixture(scope="session")
def dana(facts: Facts) -> Interviewer:
    """The example's first interviewer."""
    return facts.interviewers[0]


@pytest.fixture
def cli() -> Callable[..., Any]:
    """followup run in-process (an uncaught exception fails the test)."""
    return invoke


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., FakeOpenAIServer]]:
    """``endpoint(reply, key)``: a fake server writing ``reply(request)``, set as the configured
    endpoint (OPENAI_BASE_URL and OPENAI_API_KEY) for the rest of the test."""
    with contextlib.ExitStack() as stack:
        def start(reply: Callable[[dict[str, Any]], str], key: str) -> FakeOpenAIServer:
            fake = stack.enter_context(FakeOpenAIServer())
            fake.default = reply
            monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
            monkeypatch.setenv("OPENAI_API_KEY", key)
            return fake

        yield start


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """A fake OpenAI-compatible server on 127.0.0.1 whose notes are good ones for the interviewer asked about."""
    from test_openai_model import good_note

    with FakeOpenAIServer() as fake:
        fake.default = good_note
        yield fake
