"""Record the vcrpy cassettes in ``tests/cassettes/`` against the local fake server.

Run from the repository root::

    python tests/record_cassettes.py

The cassettes are real HTTP exchanges between the ``openai`` SDK and
:class:`fake_openai_server.FakeOpenAIServer` on 127.0.0.1, captured by vcrpy. The model
answers in them were WRITTEN BY HAND (``good_note`` / ``bad_note`` in
``tests/test_openai_model.py``); no language model produced them. Every cassette says so
in a comment on its first lines. Recording is deterministic: the same prompts and the
same hand-written answers give the same request and response bodies.

This module also holds the shared vcrpy configuration (:func:`make_vcr`) that the replay
tests in ``tests/test_recorded_exchanges.py`` use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # when run as a script
    sys.path.insert(0, str(TESTS))

import vcr  # noqa: E402

from fake_openai_server import FakeOpenAIServer  # noqa: E402
from followup.drafting import draft_note, reply_token_limit  # noqa: E402
from followup.evals import recorder  # noqa: E402
from followup.facts import Facts, load_facts  # noqa: E402
from followup.guardrails import load_policy  # noqa: E402
from followup.models import DraftRequest  # noqa: E402
from followup.models.openai_chat import OpenAIChatModel  # noqa: E402
from followup.prompts import draft_messages  # noqa: E402
from test_openai_model import bad_then_good, good_note  # noqa: E402

CASSETTES = TESTS / "cassettes"
EXAMPLE = TESTS.parent / "examples" / "interview.yaml"
MODEL = "test-model"
RECORD_KEY = "sk-test-recording-key"  # sent while recording; the Authorization header is filtered out
HAND_WRITTEN_NOTE = (
    "# written by hand: the model answers in this cassette were written by hand\n"
    "# (good_note / bad_note in tests/test_openai_model.py) and served by the local\n"
    "# tests/fake_openai_server.py; vcrpy recorded the real HTTP exchange with it.\n"
    "# No language model produced them. Regenerate: python tests/record_cassettes.py\n"
)


def make_vcr(record_mode: str = "none") -> vcr.VCR:
    """The project's vcrpy configuration (followup.evals.recorder), rooted at tests/cassettes/."""
    configured = recorder(record_mode != "none")
    configured.cassette_library_dir = str(CASSETTES)
    return configured


def make_model(base_url: str, api_key: str = RECORD_KEY) -> OpenAIChatModel:
    """The client as the tests use it: one attempt, so that a cassette miss is not retried."""
    return OpenAIChatModel(MODEL, base_url=base_url, api_key=api_key, timeout=5.0,
                           attempts=1)


def example_facts(tone: str | None = None) -> Facts:
    facts = load_facts(EXAMPLE)
    return facts.model_copy(update={"tone": tone}) if tone else facts


def draft_request(facts: Facts, name: str) -> DraftRequest:
    person = next(p for p in facts.interviewers if p.name == name)
    limits = load_policy().note_limits
    return DraftRequest(facts, person, draft_messages(facts, person, limits), max_tokens=reply_token_limit(limits))


# --- the recorded scenarios: (cassette name, fake server's answer, what the client does) -------


def _draft_dana(base_url: str, api_key: str) -> Any:
    return make_model(base_url, api_key).complete(draft_request(example_facts(), "Dana Whitfield"))


def _repair_dana(base_url: str, api_key: str) -> Any:
    facts = example_facts()
    person = next(p for p in facts.interviewers if p.name == "Dana Whitfield")
    return draft_note(facts, person, make_model(base_url, api_key), load_policy())


SCENARIOS: dict[str, tuple[Callable[[dict[str, Any]], str], Callable[[str, str], Any]]] = {
    "dana_draft.yaml": (good_note, _draft_dana),
    "dana_repair.yaml": (bad_then_good, _repair_dana),
}


def record(folder: Path = CASSETTES) -> list[Path]:
    """(Re)record every scenario against a fresh fake server; returns the cassette paths."""
    folder.mkdir(parents=True, exist_ok=True)
    recorder = make_vcr("all")
    recorder.cassette_library_dir = str(folder)
    written = []
    for name, (answer, exchange) in SCENARIOS.items():
        path = folder / name
        path.unlink(missing_ok=True)
        with FakeOpenAIServer() as server:
            server.default = answer
            with recorder.use_cassette(name):
                exchange(server.base_url, RECORD_KEY)
        path.write_text(HAND_WRITTEN_NOTE + path.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for cassette in record():
        print(f"recorded {cassette.relative_to(TESTS.parent)}")
