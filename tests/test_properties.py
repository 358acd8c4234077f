"""Property-based tests: whatever the input, the facts loader and the guardrails give a result
or a clear error, never a crash; plus the hostile inputs a property search will not stumble
on by itself (a YAML bomb, 10,000 levels of nesting, a 10 MB facts file, a huge note).

Contract under test: ``followup.facts.load_facts`` returns :class:`Facts` or raises
:class:`FactsError` (which the command line prints as one line, exit 2);
``followup.guardrails.check_note`` returns a result for any subject and body, with or
without facts. Anything else reaches the user as a traceback.

Already covered elsewhere, not repeated here: the billion-laughs file and the 1 MB size
limit of ``load_facts`` (tests/test_facts.py), an empty note for ``check`` from a file and
from standard input (tests/test_cli.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from followup.cli import MAX_NOTE_BYTES, app
from followup.facts import MAX_FACTS_BYTES, Facts, FactsError, load_facts
from followup.guardrails import check_note, check_panel, load_policy
from followup.notes import Note, parse_note_text
from cli_helpers import isolate
from conftest import EXAMPLE

FACTS = load_facts(EXAMPLE)
# A valid facts file of the tests' own, for the hand-made hostile variants (the example may change).
BASE_TEXT = """\
candidate:
  name: Jordan Rivera
  strengths:
    - five years running Kubernetes in production
company: Northwind Robotics
role: Senior Site Reliability Engineer
interview:
  ended_at: 2026-11-25T16:30:00-05:00
  highlights:
    - the team is moving its fleet from VMs to Kubernetes
interviewers:
  - name: Dana Whitfield
    topics:
      - cutting on-call pages by 40% with better alert routing
  - name: Marcus Chen
    topics:
      - building a blameless postmortem culture
"""


def base_with(old: str, new: str) -> str:
    assert old in BASE_TEXT
    return BASE_TEXT.replace(old, new)
POLICY = load_policy()
FOLLOWUP_BIN = Path(sys.executable).parent / "followup"
CATEGORIES = {"professionalism", "positivity", "specificity", "grounding", "structure", "timeliness"}

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def offline_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def load_bytes(folder: Path, data: bytes, suffix: str = ".yaml") -> Facts | None:
    """load_facts on a file holding ``data``: the Facts, or None for a FactsError; anything else propagates."""
    path = folder / f"facts{suffix}"
    path.write_bytes(data)
    try:
        facts = load_facts(path)
    except FactsError as error:
        assert error.lines and all(line.strip() for line in error.lines), error.lines
        return None
    # A result the rest of followup can use: what write does with it first.
    facts.fingerprint()
    facts.notices()
    return facts


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("facts")


# --- strategies --------------------------------------------------------------------------------

FIELD_NAMES = ["candidate", "name", "email", "phone", "strengths", "company", "role", "interview", "ended_at", "format",
               "highlights", "tone", "interviewers", "title", "topics", "shared_interests", "clarify"]

# YAML structure without scalars that resolve to numbers, dates or explicit tags (no digits, no "!").
STRUCTURE = ["candidate:", "company:", "role:", "interviewers:", "interview:", "name:", "topics:", "tone:", "warm",
             "- ", "  ", "    ", "\n", ": ", "{", "}", "[", "]", ",", "&a ", "*a", "&b ", "*b", "? ", "|", ">", "|-",
             "# note", "'", '"', "~", "null", "true", "no", ".inf", ".nan", "<<: ", "---", "...", "\t", "%YAML",
             "\\", "\ufeff", "Dana", "x", "é", "\u2028"]
NO_DIGITS_OR_TAGS = st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="!")
structure_text = st.lists(st.sampled_from(STRUCTURE) | st.text(NO_DIGITS_OR_TAGS, max_size=5), max_size=60).map("".join)

# The same with everything YAML can resolve: numbers, dates, tags.
SCALARS = ["!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!str ", "!!set ", "!local ", "0x", "0b",
           "_", "1e3", "2026-11-25", "2026-02-30", "2026-13-01", "T16:30:00-05:00", "12:30", "-", "+", ".", "0"]
yamlish_text = st.lists(st.sampled_from(STRUCTURE + SCALARS) | st.text(max_size=5), max_size=60).map("".join)

# Time zones with whole-minute offsets: PyYAML dumps a seconds offset (old local mean times, such as
# Africa/Abidjan in 1912: -00:16:08) as a !!timestamp it cannot read back, which is the construction
# bug pinned by test_yaml_values_that_cannot_be_built_are_facts_errors ("seconds-utc-offset").
minute_zones = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59))
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.dates()
           | st.datetimes(timezones=st.none() | minute_zones))
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=10)
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                     max_leaves=40)
documents = st.dictionaries(keys, trees, max_size=8)


def example_with(**changes: object) -> dict:
    """The example facts as data, with some fields replaced."""
    data = yaml.safe_load(BASE_TEXT)
    data.update(changes)
    return data


# --- the facts loader ------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".yaml", ".yml", ".json", ".txt"]))
def test_arbitrary_bytes_give_facts_or_facts_error(scratch: Path, data: bytes, suffix: str) -> None:
    load_bytes(scratch, data, suffix)


@FAST
@given(text=structure_text)
@example(text="a: &a [x]\nb: *a\n")
@example(text="candidate: {name: x}\ncandidate: {name: y}\n")
@example(text="? [a, b]\n: c\n")
@example(text="<<: {company: x}\n")
def test_yaml_structure_gives_facts_or_facts_error(scratch: Path, text: str) -> None:
    load_bytes(scratch, text.encode("utf-8"))


@FAST
@given(text=yamlish_text)
@example(text="company: 0x_\n")  # the explicit example makes the expected failure deterministic
def test_yaml_with_any_scalar_gives_facts_or_facts_error(scratch: Path, text: str) -> None:
    load_bytes(scratch, text.encode("utf-8", "surrogatepass"))


@FAST
@given(document=documents, as_json=st.booleans())
def test_nested_data_dumped_to_yaml_or_json_gives_facts_or_facts_error(scratch: Path, document: dict,
                                                                       as_json: bool) -> None:
    if as_json:
        data = json.dumps(document, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass")
    else:
        data = yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass")
    load_bytes(scratch, data, ".json" if as_json else ".yaml")


@FAST
@given(changes=st.dictionaries(st.sampled_from(["company", "role", "tone", "interview", "candidate", "interviewers"]),
                               trees, min_size=1, max_size=3))
def test_valid_facts_with_arbitrary_values_give_facts_or_facts_error(scratch: Path, changes: dict) -> None:
    """Near-valid files: the example with a few fields replaced by arbitrary data."""
    load_bytes(scratch, yaml.safe_dump(example_with(**changes), allow_unicode=True).encode("utf-8", "surrogatepass"))


# The inputs the searches above found (or would find); each must be one FactsError line.
CRASHERS = {
    "impossible-ended-at": base_with("2026-11-25T16:30:00-05:00", "2026-02-30T16:30:00-05:00"),
    "empty-int-tag": base_with("company: Northwind Robotics", "company: !!int"),
    "bad-float-tag": base_with("company: Northwind Robotics", "company: !!float x"),
    "bad-bool-tag": base_with("company: Northwind Robotics", "company: !!bool x"),
    "bad-timestamp-tag": base_with("company: Northwind Robotics", "company: !!timestamp x"),
    "empty-hex-number": base_with("company: Northwind Robotics", "company: 0x_"),
    "5000-digit-number": base_with("company: Northwind Robotics", "company: " + "1" * 5000),
    "seconds-utc-offset": base_with("company: Northwind Robotics",
                                    "company: !!timestamp '1912-01-01 00:00:00-00:16:08'"),
}


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in CRASHERS.items()])
def test_yaml_values_that_cannot_be_built_are_facts_errors(scratch: Path, text: str) -> None:
    assert load_bytes(scratch, text.encode()) is None


def test_json_number_too_long_is_a_facts_error(scratch: Path) -> None:
    assert load_bytes(scratch, b'{"company": ' + b"1" * 5000 + b"}", ".json") is None


# --- hostile documents ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[" * 10_000, "[" * 10_000 + "]" * 10_000, "{a: " * 10_000,
                                  "company: " + "[" * 10_000 + "x" + "]" * 10_000 + "\n",
                                  "".join(" " * i + "-\n" for i in range(1_000))],
                         ids=["open-brackets", "balanced-brackets", "open-mappings", "inside-a-field", "block-list"])
def test_yaml_nested_10000_levels_is_one_error(scratch: Path, text: str) -> None:
    started = time.monotonic()
    with pytest.raises(FactsError) as caught:
        load_facts(_write(scratch, "deep.yaml", text))
    assert time.monotonic() - started < 2
    [line] = caught.value.lines
    assert "nest" in line.lower(), line


@pytest.mark.parametrize("text", ["[" * 10_000, "[" * 10_000 + "]" * 10_000, '{"a": ' * 10_000])
def test_json_nested_10000_levels_is_one_error(scratch: Path, text: str) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts(_write(scratch, "deep.json", text))
    assert len(caught.value.lines) == 1


def test_yaml_bomb_with_aliases_inside_a_field_is_refused_quickly(scratch: Path) -> None:
    """The billion-laughs test in test_facts.py puts the bomb at the top; here it hides inside valid fields."""
    levels = ["&l0 [" + ", ".join(["lol"] * 10) + "]"]
    levels += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 10)]  # 10**10 laughs
    bomb = "[" + ", ".join(levels) + "]"
    in_highlights = base_with("  highlights:\n    - the team is moving its fleet from VMs to Kubernetes\n",
                              f"  highlights: {bomb}\n")
    in_topics = base_with("      - building a blameless postmortem culture\n",
                          f"      - building a blameless postmortem culture\n      - {bomb}\n")
    for text in (in_highlights, in_topics):
        started = time.monotonic()
        with pytest.raises(FactsError) as caught:
            load_facts(_write(scratch, "bomb.yaml", text))
        assert time.monotonic() - started < 1
        [line] = caught.value.lines
        assert "aliases" in line, line


# --- through the command line: one line, exit 2 ----------------------------------------------------


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _script(*args: object, home: Path, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env["FOLLOWUP_HOME"] = str(home)
    return subprocess.run([str(FOLLOWUP_BIN), *map(str, args)], env=env, capture_output=True, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL, check=False)


def assert_one_line(done: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err and done.stdout == b""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_10_mb_facts_file_is_refused_with_the_limit(tmp_path: Path, offline_env: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(BASE_TEXT.encode())
        for _ in range(10):
            handle.write(b"# " + b"x" * (1024 * 1024 - 3) + b"\n")
    assert path.stat().st_size > 10 * 1024 * 1024
    started = time.monotonic()
    line = assert_one_line(_script("write", path, home=offline_env), str(path), f"{MAX_FACTS_BYTES:,}", "limit")
    assert f"{path.stat().st_size:,}" in line
    assert time.monotonic() - started < 5
    assert not (offline_env / "history.db").exists()  # refused before any run was started


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_deeply_nested_yaml_through_write_is_one_line(tmp_path: Path, offline_env: Path) -> None:
    path = _write(tmp_path, "deep.yaml", "[" * 10_000)
    assert_one_line(_script("write", path, home=offline_env), str(path))


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
@pytest.mark.parametrize("name,text", [
    ("deep.json", "[" * 10_000),
    ("feb30.yaml", CRASHERS["impossible-ended-at"]),
    ("year9999.yaml", base_with("2026-11-25T16:30:00-05:00", "9999-12-31T23:59:59-05:00")),
], ids=["deep-json", "ended-at-feb-30", "ended-at-year-9999"])
def test_facts_that_crash_write_today(tmp_path: Path, offline_env: Path, name: str, text: str) -> None:
    path = _write(tmp_path, name, text)
    assert_one_line(_script("write", path, "--json", home=offline_env), str(path))


@pytest.mark.parametrize("size", [MAX_NOTE_BYTES + 1, 10 * 1024 * 1024])
def test_check_huge_note_file_is_one_line(tmp_path: Path, size: int) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"Subject: Thanks\n\n" + b"word " * (size // 5))
    started = time.monotonic()
    result = CliRunner().invoke(app, ["check", str(path)])
    assert time.monotonic() - started < 5
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and f"{MAX_NOTE_BYTES:,}" in lines[0], result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_check_huge_note_on_stdin_is_one_line(offline_env: Path) -> None:
    done = _script("check", "-", home=offline_env, input=b"Subject: Thanks\n\n" + b"word " * 2_000_000)
    assert_one_line(done, "standard input", f"{MAX_NOTE_BYTES:,}")


# --- the guardrail engine -------------------------------------------------------------------------

NOTE_PIECES = ["Dear ", "Hi ", "Hello ", "Dana", "Dana Whitfield", "Priya", "Marcus Chen", ",", ".", "!", "?", ";", "\n",
               "\n\n", " ", "Thank you", "thanks", "Best regards,", "Sincerely,\nJordan Rivera", "Jordan Rivera",
               "Northwind Robotics", "Senior Site Reliability Engineer", "Kubernetes", "40%", "$120k", "please hire me",
               "gonna", "\U0001F64F", ":)", "I realize I did not mention", "Terraform", "Mr. ", "Dr. ", "—", "-", "'",
               "’", '"', "salary", "https://example.com/x", "a@b.example", "555-0100", "I ", "you ", "Subject: ", "\t",
               "\r\n", "ß", "İ", "ﬁ", "\u200b", "\u0301", "١٢٣", "1,000", "e.g.", "...", "(", ")", "*", "#", "_",
               "AMAZING", "\x00", "\ufeff", "\u2028"]
note_text = st.lists(st.sampled_from(NOTE_PIECES) | st.text(max_size=12), max_size=80).map("".join)
interviewer_index = st.none() | st.integers(0, len(FACTS.interviewers) - 1)


def assert_sane(note: Note, result) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(result.passed, bool)
    assert result.passed == (not any(v.severity == "error" for v in result.violations))
    for violation in result.violations:
        assert violation.category in CATEGORIES and violation.severity in ("error", "warning")
        assert violation.message.strip()
        source = getattr(note, violation.field)
        assert 0 <= violation.start <= violation.end <= len(source), violation  # the span check prints


@FAST
@given(subject=note_text, body=note_text, index=interviewer_index)
def test_check_note_on_arbitrary_text(subject: str, body: str, index: int | None) -> None:
    note = Note(subject=subject, body=body)
    facts = FACTS if index is not None else None
    person = FACTS.interviewers[index] if index is not None else None
    assert_sane(note, check_note(note, facts, person, policy=POLICY))


@FAST
@given(subject=st.text(), body=st.text(), index=interviewer_index)
def test_check_note_on_any_unicode(subject: str, body: str, index: int | None) -> None:
    note = Note(subject=subject, body=body)
    facts = FACTS if index is not None else None
    person = FACTS.interviewers[index] if index is not None else None
    assert_sane(note, check_note(note, facts, person, policy=POLICY))


names = st.text(min_size=1, max_size=24).filter(str.strip)


@FAST
@given(people=st.lists(names, min_size=1, max_size=3, unique_by=lambda n: n.strip().casefold()),
       items=st.lists(st.text(max_size=40), max_size=4), candidate=names, company=names, role=names,
       subject=note_text, body=note_text)
def test_check_note_with_arbitrary_facts(people: list[str], items: list[str], candidate: str, company: str, role: str,
                                         subject: str, body: str) -> None:
    try:
        facts = Facts.model_validate({
            "candidate": {"name": candidate, "strengths": items[:1]}, "company": company, "role": role,
            "interview": {"highlights": items[1:2]},
            "interviewers": [{"name": n, "topics": items, "shared_interests": items[:2], "clarify": items[2:]}
                             for n in people],
        })
    except ValueError:
        return  # names that strip to nothing, duplicates after stripping: refused by the model, fine
    note = Note(subject=subject, body=body)
    assert_sane(note, check_note(note, facts, facts.interviewers[0], policy=POLICY))


@FAST
@given(bodies=st.lists(note_text, min_size=2, max_size=4))
def test_panel_check_on_arbitrary_notes(bodies: list[str]) -> None:
    notes = {f"Person {i}": Note(subject="Thank you", body=body) for i, body in enumerate(bodies)}
    found = check_panel(notes, policy=POLICY)
    assert set(found) == set(notes)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=note_text, as_json=st.booleans(), with_facts=st.booleans())
def test_check_command_on_arbitrary_stdin(text: str, as_json: bool, with_facts: bool) -> None:
    args = ["check", "-", *(["--json"] if as_json else []),
            *(["--facts", str(EXAMPLE), "--to", "dana"] if with_facts else [])]
    result = CliRunner().invoke(app, args, input=text.encode("utf-8", "surrogatepass"))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr
    elif as_json:
        assert json.loads(result.stdout)["passed"] is (result.exit_code == 0)
    text = text.removeprefix("\ufeff")  # as the command reads it (utf-8-sig)
    note = parse_note_text(text) if text.strip() else None
    if note is not None and result.exit_code != 2:
        assert check_note(note, FACTS if with_facts else None, FACTS.interviewers[0] if with_facts else None,
                          policy=POLICY).passed is (result.exit_code == 0)
