"""Record the cassettes of cases whose model replies were written by hand.

A hand-written case lists the model's replies per interviewer (``replies:`` in the case
file, in the order the model is asked: the first draft, then each repair). This script
serves them from the local fake server of the tests (127.0.0.1 only) and runs
``followup eval --record`` against it, so the cassette holds real HTTP exchanges of the
real pipeline, with replies that no live model wrote. Each cassette then says so on its
first line.

Run from the project folder:  python evals/record_by_hand.py [CASE ...]
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_openai_server import FakeOpenAIServer  # noqa: E402

from followup import evals  # noqa: E402
from followup.guardrails import load_policy  # noqa: E402

RECIPIENT = re.compile(r"it is for (.+?) only")
NOTICE = "# Written by hand: the model replies below come from the case file's `replies`, served by a local fake server, not from a live model.\n"


def record(case: evals.Case) -> None:
    asked: Counter[str] = Counter()
    lock = threading.Lock()

    def reply(request: dict[str, Any]) -> str:
        system = request["messages"][0]["content"]
        name = RECIPIENT.search(system).group(1)  # type: ignore[union-attr]
        with lock:
            number = asked[name]
            asked[name] += 1
        answers = case.replies[name]
        return answers[min(number, len(answers) - 1)]

    with FakeOpenAIServer() as server:
        server.default = reply
        os.environ["OPENAI_BASE_URL"] = server.base_url
        os.environ["OPENAI_API_KEY"] = "sk-hand-written-not-a-real-key"
        result = evals.run_recorded_case(case, load_policy(), record=True)
    path = evals.cassette_path(case)
    path.write_text(NOTICE + path.read_text(encoding="utf-8"), encoding="utf-8")
    drafts = ", ".join(f"{d.to}: {d.attempts} attempt(s), {'passed' if d.passed else 'FAILED'}" for d in result.drafts)
    print(f"{case.name}: {drafts}{' ERROR ' + result.error if result.error else ''}")


def main() -> None:
    os.chdir(ROOT)
    only = sys.argv[1:] or None
    for case in evals.load_cases(ROOT / "evals" / "cases", only):
        if not case.recorded.startswith("by hand"):
            print(f"{case.name}: recorded live, skipped")
            continue
        if not case.replies:
            sys.exit(f"{case.name}: a hand-written case needs `replies`")
        record(case)


if __name__ == "__main__":
    main()
