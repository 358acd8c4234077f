"""Nothing lost: an interrupted ``write`` keeps the drafts that finished, and ``--out`` files are
written atomically (never over an existing file, no temporary files left behind, even when
writing fails).

Two concurrent ``write`` runs keeping both runs is tested in
tests/test_store.py::test_concurrent_write_processes_all_succeed; ``--out`` twice into one
folder (the second run gets ``-2`` names, the first files untouched, no temporary files after
success) in tests/test_cli.py::test_out_twice_does_not_overwrite. Not repeated here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_faults import MARCUS, Fault, FaultServer, only, process_env
from conftest import EXAMPLE, REPO_ROOT

FOLLOWUP = Path(sys.executable).parent / "followup"
MODEL = "test-model"

pytestmark = pytest.mark.skipif(not FOLLOWUP.exists(), reason="console script not installed")


def followup(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(FOLLOWUP), *map(str, args)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, check=False)


def offline_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env["FOLLOWUP_HOME"] = str(home)
    return env


def saved_runs(home: Path) -> list[dict[str, Any]]:
    listing = followup("history", "--json", env=offline_env(home))
    return json.loads(listing.stdout) if listing.returncode == 0 and listing.stdout.strip() else []


def leftovers(folder: Path) -> list[str]:
    """Temporary files write_new_file would leave behind (".<stem>.<random>")."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.exists() else []


# --- an interrupted write ------------------------------------------------------------------------


def _default_interrupt() -> None:
    """Ctrl-C as a terminal delivers it: a shell starts background jobs (a test run with "&") with
    SIGINT ignored, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_write_keeps_the_finished_drafts(tmp_path: Path, signum: signal.Signals) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    with FaultServer(only(MARCUS, Fault(delay=30))) as server:  # Marcus's reply takes 30 s, the others are fast
        process = subprocess.Popen(
            [str(FOLLOWUP), "write", str(EXAMPLE), "--json", "--model", MODEL, "--timeout", "60", "--out", str(out)],
            cwd=REPO_ROOT, env=process_env(home, server.base_url), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, preexec_fn=_default_interrupt)
        try:
            deadline = time.monotonic() + 20
            runs: list[dict[str, Any]] = []
            while time.monotonic() < deadline:
                runs = saved_runs(home)
                if runs and len(runs[0]["drafts"]) == 2:
                    break
                assert process.poll() is None, process.communicate()
                time.sleep(0.1)
            else:
                pytest.fail(f"the fast drafts were not saved in time: {runs}")
            assert process.poll() is None  # still waiting for Marcus
            asked_marcus = [r for r in server.requests if MARCUS in json.dumps(r["json"]["messages"][0])]
            assert asked_marcus, "Marcus's request should be in flight"

            sent = time.monotonic()
            process.send_signal(signum)
            # Well under Marcus's 30 s: it does not wait for him (10 s leaves room for a busy 2-core machine).
            _, err_text = process.communicate(timeout=10)
            took = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

    [run] = runs
    assert process.returncode == 130, err_text
    assert took < 10
    assert "Traceback" not in err_text
    lines = [line for line in err_text.splitlines() if line.strip()]
    assert len(lines) == 1, err_text
    assert lines[0].startswith("followup: ") and "interrupted" in lines[0]
    assert f"followup show {run['id']}" in lines[0]

    shown = followup("show", run["id"], "--json", env=offline_env(home))
    assert shown.returncode == 0, shown.stderr
    drafts = {d["to"]: d for d in json.loads(shown.stdout)["drafts"]}
    assert set(drafts) == {"Dana Whitfield", "Priya Raman"}
    assert all(d["passed"] and d["body"].startswith(f"Dear {d['to'].split()[0]},") for d in drafts.values())
    assert leftovers(out) == []  # interrupted before --out: no half-written or temporary files


# --- --out: atomic, never over an existing file ----------------------------------------------------


def test_out_keeps_a_file_the_user_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = {"dana-whitfield.md": b"my own notes about Dana\n", "dana-whitfield.eml": b"not a draft\n",
            "dana-whitfield-2.md": b"more notes\n"}
    for name, data in mine.items():
        (out / name).write_bytes(data)
    done = followup("write", EXAMPLE, "--model", "offline", "--to", "dana", "--out", out, "--json", env=offline_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr
    for name, data in mine.items():
        assert (out / name).read_bytes() == data
    body = json.loads(done.stdout)["drafts"][0]["body"]
    assert body in (out / "dana-whitfield-3.md").read_text()
    assert (out / "dana-whitfield-2.eml").exists()
    assert leftovers(out) == []
    assert sorted(line.split("wrote ")[1] for line in done.stderr.splitlines() if "wrote " in line) == sorted(
        [str(out / "dana-whitfield-3.md"), str(out / "dana-whitfield-2.eml")])


def test_out_failing_after_the_temporary_file_leaves_nothing_behind(tmp_path: Path) -> None:
    """Every free name taken (dana-whitfield.md ... -999.md): the write fails after its temporary file exists."""
    out, home = tmp_path / "out", tmp_path / "home"
    out.mkdir()
    for number in range(1, 1000):
        (out / ("dana-whitfield.md" if number == 1 else f"dana-whitfield-{number}.md")).write_bytes(b"taken\n")
    before = sorted(p.name for p in out.iterdir())
    done = followup("write", EXAMPLE, "--model", "offline", "--to", "dana", "--out", out, "--json", env=offline_env(home))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(out) in lines[0], done.stderr
    [run] = saved_runs(home)
    assert f"followup show {run['id']}" in lines[0]  # says where the drafts are
    assert [d["to"] for d in run["drafts"]] == ["Dana Whitfield"]
    assert leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == before  # nothing added, nothing changed
    assert all((out / name).read_bytes() == b"taken\n" for name in before)


def test_out_that_is_a_file_is_one_line_and_the_drafts_are_saved(tmp_path: Path) -> None:
    out, home = tmp_path / "notes.txt", tmp_path / "home"
    out.write_bytes(b"keep me\n")
    done = followup("write", EXAMPLE, "--model", "offline", "--out", out, "--json", env=offline_env(home))
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(out) in lines[0] and "Traceback" not in done.stderr
    [run] = saved_runs(home)
    assert f"followup show {run['id']}" in lines[0]
    assert len(run["drafts"]) == 3
    assert out.read_bytes() == b"keep me\n"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_into_an_unwritable_folder(tmp_path: Path) -> None:
    out, home = tmp_path / "out", tmp_path / "home"
    out.mkdir()
    out.chmod(0o500)
    try:
        done = followup("write", EXAMPLE, "--model", "offline", "--out", out, "--json", env=offline_env(home))
    finally:
        out.chmod(0o700)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(out) in lines[0] and "followup show" in lines[0]
    assert list(out.iterdir()) == []
    assert len(saved_runs(home)[0]["drafts"]) == 3


def test_two_writes_into_one_out_folder_at_once_keep_every_file(tmp_path: Path) -> None:
    """os.link claims each name atomically: two processes racing for dana-whitfield.md both keep their note."""
    out = tmp_path / "out"
    processes = [subprocess.Popen([str(FOLLOWUP), "write", str(EXAMPLE), "--out", str(out), "--json", *tone],
                                  cwd=REPO_ROOT, env=offline_env(tmp_path / f"home{i}"), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i, tone in enumerate([(), ("--tone", "formal")])]
    outputs = [p.communicate(timeout=60) for p in processes]
    bodies = []
    for process, (stdout, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr
        bodies += [d["body"] for d in json.loads(stdout)["drafts"]]
    names = sorted(p.name for p in out.iterdir())
    assert leftovers(out) == []
    assert len([n for n in names if n.endswith(".md")]) == 6 and len([n for n in names if n.endswith(".eml")]) == 4
    texts = [(out / n).read_text() for n in names if n.endswith(".md")]
    for body in bodies:  # every draft is in exactly one file, complete
        assert sum(body in text for text in texts) == 1
