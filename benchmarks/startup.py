"""Start-up time of the command line, and whether the offline path imports the openai SDK.

Times `followup --help` and an offline `followup write examples/interview.yaml`
(FOLLOWUP_HOME in a temp dir, no OPENAI_* in the environment) as subprocesses, RUNS each,
then checks in a fresh interpreter which heavy modules the offline path loads.

Run: python benchmarks/startup.py   (target: < 0.3 s median)
Not a test: it prints a small table and exits 0.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLLOWUP = Path(sys.executable).with_name("followup")
RUNS = 10
TARGET = 0.3

IMPORT_PROBE = """
import json, sys
from typer.testing import CliRunner
from followup.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
heavy = ["openai", "httpx2", "tenacity", "jinja2", "pydantic", "yaml", "rich"]
print(json.dumps({"exit": result.exit_code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def clean_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env["FOLLOWUP_HOME"] = home
    return env


def timed(args: list[str], env: dict[str, str]) -> tuple[list[float], int]:
    times, code = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        code = code or done.returncode
    return times, code


def loaded_modules(cli_args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, *cli_args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else f"probe failed: {done.stderr.strip()}"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="followup-startup-") as home:
        env = clean_env(home)
        commands = {
            "followup --help": [str(FOLLOWUP), "--help"],
            "followup write (offline)": [str(FOLLOWUP), "write", "examples/interview.yaml"],
        }
        print(f"{'command':<26}  {'min s':>6}  {'median s':>8}  {'exit':>4}  target < {TARGET} s")
        for label, args in commands.items():
            times, code = timed(args, env)
            median = statistics.median(times)
            verdict = "meets" if median < TARGET else "MISSES"
            print(f"{label:<26}  {min(times):6.3f}  {median:8.3f}  {code:>4}  {verdict}")
        print()
        print("modules loaded in-process (CliRunner):")
        print(f"  --help:          {loaded_modules(['--help'], env)}")
        print(f"  write (offline): {loaded_modules(['write', 'examples/interview.yaml', '--json'], env)}")
        bare, _ = timed([sys.executable, "-c", "pass"], env)
        sdk, _ = timed([sys.executable, "-c", "import openai"], env)
        print(f"for reference, 'import openai' costs {statistics.median(sdk) - statistics.median(bare):.3f} s "
              "(paid only on the language-model path)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
