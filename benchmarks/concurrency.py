"""Are interviewers drafted concurrently? Wall time of `followup write` for a 5-person panel.

A local fake OpenAI-compatible server (tests/fake_openai_server.py) answers every request
after 1.0 s with a valid note (good_note from tests/test_openai_model.py: it greets the
interviewer named in the prompt, cites one of their topics, names the company and signs
with the candidate's name). Drafted one after another, five notes would take over 5 s;
drafted concurrently, the whole command should take about 1 s plus start-up.

Run: python benchmarks/concurrency.py   (target: < 1.6 s per run)
Not a test: it prints a small table and exits 0.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_openai_server import FakeOpenAIServer  # noqa: E402
from test_openai_model import good_note  # noqa: E402

FOLLOWUP = Path(sys.executable).with_name("followup")
RUNS = 3
DELAY = 1.0
TARGET = 1.6
EXTRA_INTERVIEWERS = [
    {"name": "Elena Petrova", "title": "Senior SRE", "topics": [
        "migrating the CI runners to spot instances", "writing runbooks that new hires can follow"]},
    {"name": "Samuel Okafor", "title": "Product Manager", "topics": [
        "uptime targets for the fleet dashboard", "how incidents are reported to customers"]},
]


def five_person_facts(folder: Path) -> Path:
    data = yaml.safe_load((ROOT / "examples" / "interview.yaml").read_text(encoding="utf-8"))
    data["interviewers"] = data["interviewers"] + EXTRA_INTERVIEWERS
    path = folder / "panel.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run_write(facts: Path, env: dict[str, str], server: FakeOpenAIServer) -> tuple[float, int, int, int, int]:
    """One `followup write --json`: (wall s, exit code, drafts, drafts passed, requests served)."""
    before = len(server.requests)
    started = time.perf_counter()
    done = subprocess.run([str(FOLLOWUP), "write", str(facts), "--json", "--model", "bench"],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    try:
        drafts = json.loads(done.stdout)["drafts"]
    except (ValueError, KeyError):
        drafts = []
    if done.returncode not in (0, 1):
        print(done.stderr.strip(), file=sys.stderr)
    passed = sum(1 for d in drafts if d.get("passed"))
    return elapsed, done.returncode, len(drafts), passed, len(server.requests) - before


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp, FakeOpenAIServer(delay=DELAY) as server:
        server.default = good_note
        facts = five_person_facts(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
        env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-bench-not-a-key",
                   FOLLOWUP_HOME=str(Path(tmp) / "home"))
        rows = [("delayed", run, *run_write(facts, env, server)) for run in range(1, RUNS + 1)]
        server.delay = 0.0  # the same command with instant replies: the fixed cost (start-up, imports)
        rows += [("instant", run, *run_write(facts, env, server)) for run in range(1, RUNS + 1)]

    print(f"followup write, 5 interviewers, fake server answers after {DELAY:.1f} s ('delayed') or at once ('instant')")
    print(f"{'replies':<8} {'run':>3}  {'wall s':>7}  {'exit':>4}  {'drafts':>6}  {'passed':>6}  {'requests':>8}")
    for kind, run, elapsed, code, count, passed, requests in rows:
        print(f"{kind:<8} {run:>3}  {elapsed:7.3f}  {code:>4}  {count:>6}  {passed:>6}  {requests:>8}")
    delayed = [r[2] for r in rows if r[0] == "delayed"]
    instant = [r[2] for r in rows if r[0] == "instant"]
    median, fixed = statistics.median(delayed), statistics.median(instant)
    verdict = "meets" if median < TARGET else "MISSES"
    print(f"delayed: min {min(delayed):.3f} s   median {median:.3f} s   target < {TARGET} s: {verdict}")
    print(f"instant: min {min(instant):.3f} s   median {fixed:.3f} s   (fixed cost: start-up, imports, history)")
    print(f"waiting on the model: {median - fixed:.3f} s for 5 replies of {DELAY:.1f} s each "
          f"(sequential would be {5 * DELAY:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
