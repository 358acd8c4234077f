"""The facts file: loading YAML and JSON, and one clear line per problem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE
from followup import facts as facts_module
from followup.facts import (
    MAX_FACTS_BYTES,
    Facts,
    FactsError,
    facts_json_schema,
    load_facts,
    select_interviewers,
)
from followup.guardrails import load_policy

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> FactsError:
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    return caught.value


def _one_line(error: FactsError, path: Path) -> str:
    """The single problem of ``error``: exactly one line, naming the file."""
    assert len(error.lines) == 1, error.lines
    line = error.lines[0]
    assert "\n" not in line and "\n" not in str(error)
    assert str(path) in line
    return line


def _line_number(message: str, path: Path) -> int:
    match = re.match(re.escape(str(path)) + r":(\d+): ", message)
    assert match, f"no line number in {message!r}"
    return int(match.group(1))


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def _minimal() -> dict:
    return {
        "candidate": {"name": "Alex Kim"},
        "company": "Acme",
        "role": "Data Engineer",
        "interviewers": [{"name": "Sam Lee", "topics": ["streaming pipelines"]}],
    }


# --- loading --------------------------------------------------------------------------------


def test_example_loads() -> None:
    facts = load_facts(EXAMPLE)
    raw = yaml.safe_load(EXAMPLE_TEXT)
    assert isinstance(facts, Facts)
    assert facts.candidate.name == raw["candidate"]["name"]
    assert facts.company == raw["company"]
    assert facts.role == raw["role"]
    assert facts.tone == raw["tone"]
    assert [p.name for p in facts.interviewers] == [p["name"] for p in raw["interviewers"]]
    assert facts.interviewers[0].topics == raw["interviewers"][0]["topics"]
    assert facts.interview.format == raw["interview"]["format"]
    assert facts.interview.ended_at is not None and facts.interview.ended_at.tzinfo is not None
    assert load_policy().send_by(facts) is not None
    assert (load_policy().send_by(facts) - facts.interview.ended_at).total_seconds() == 24 * 3600
    assert facts.notices() == []


def test_json_facts_file(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE_TEXT)
    data["interview"]["ended_at"] = str(data["interview"]["ended_at"].isoformat())
    path = _write(tmp_path, json.dumps(data), "facts.json")
    from_json = load_facts(path)
    from_yaml = load_facts(EXAMPLE)
    assert from_json.model_dump() == from_yaml.model_dump()


def test_json_facts_errors_name_file_and_field(tmp_path: Path) -> None:
    data = _minimal()
    data["interviewers"][0]["topcs"] = ["x"]
    path = _write(tmp_path, json.dumps(data, indent=2), "facts.json")
    line = _one_line(_error(path), path)
    assert "interviewers[0]" in line and "'topcs'" in line and "'topics'" in line


def test_invalid_json_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '{\n  "company": "Acme",\n  "role": \n}\n', "facts.json")
    line = _one_line(_error(path), path)
    assert _line_number(line, path) in (3, 4)
    assert "JSON" in line


def test_minimal_facts_defaults(tmp_path: Path) -> None:
    facts = load_facts(_write(tmp_path, yaml.safe_dump(_minimal())))
    assert facts.tone == "warm"
    assert load_policy().send_by(facts) is None
    assert facts.interviewers[0].shared_interests == []


# --- field errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remove", "field"),
    [
        ("  name: Jordan Rivera\n", "candidate.name"),
        ("company: Northwind Robotics\n", "company"),
        ("role: Senior Site Reliability Engineer\n", "role"),
    ],
)
def test_missing_required_field(tmp_path: Path, remove: str, field: str) -> None:
    text = EXAMPLE_TEXT.replace(remove, "")
    assert text != EXAMPLE_TEXT
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert f": {field}: " in line
    assert "missing" in line
    number = _line_number(line, path)
    assert 1 <= number <= len(text.splitlines())


def test_missing_candidate_name_points_into_candidate_block(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("  name: Jordan Rivera\n", "")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    candidate_line = _line_of(text, "candidate:")
    assert candidate_line <= _line_number(line, path) <= candidate_line + 1


def test_missing_interviewers(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.split("interviewers:")[0]
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert ": interviewers: " in line and "missing" in line
    _line_number(line, path)


def test_missing_interviewer_name(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("  - name: Priya Raman\n    title: Staff Engineer\n", "  - title: Staff Engineer\n")
    assert text != EXAMPLE_TEXT
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert ": interviewers[1].name: " in line and "missing" in line
    assert _line_number(line, path) == _line_of(text, "title: Staff Engineer")


def test_empty_interviewers_list(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.split("interviewers:")[0] + "interviewers: []\n"
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert ": interviewers: " in line
    assert "at least one" in line
    assert _line_number(line, path) == _line_of(text, "interviewers:")


def test_wrong_type_list_field(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace(
        "    topics:\n      - autoscaling the Spark clusters on Kubernetes\n"
        "      - capacity planning for the robot telemetry pipeline\n",
        "    topics: 5\n",
    )
    assert text != EXAMPLE_TEXT
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert ": interviewers[1].topics: " in line
    assert "list" in line
    assert _line_number(line, path) == _line_of(text, "topics: 5")


def test_wrong_type_mapping_field(tmp_path: Path) -> None:
    data = _minimal()
    data["candidate"] = ["Alex", "Kim"]
    text = yaml.safe_dump(data, sort_keys=False)
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert ": candidate: " in line
    key = _line_of(text, "candidate:")
    assert key <= _line_number(line, path) <= key + 1  # the key, or its block value just under it


def test_unknown_key_did_you_mean(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    topics:\n      - autoscaling", "    topcs:\n      - autoscaling")
    assert text != EXAMPLE_TEXT
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "interviewers[1]" in line
    assert "'topcs'" in line
    assert "did you mean 'topics'" in line
    assert _line_number(line, path) == _line_of(text, "topcs:")


def test_unknown_top_level_key_did_you_mean(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("company: Northwind Robotics", "company: Northwind Robotics\ncompnay: typo")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "'compnay'" in line and "did you mean 'company'" in line
    assert _line_number(line, path) == _line_of(text, "compnay:")


def test_unknown_key_far_from_any_field_lists_allowed(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    title: Staff Engineer\n", "    zzqqxx: 1\n")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "'zzqqxx'" in line
    assert "did you mean" not in line
    for allowed in ("name", "title", "email", "topics", "shared_interests", "clarify"):
        assert allowed in line.split("'zzqqxx'", 1)[1]
    assert _line_number(line, path) == _line_of(text, "zzqqxx:")


def test_duplicate_interviewer_names_case_insensitive(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("  - name: Marcus Chen", "  - name: dana WHITFIELD")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "duplicate" in line
    assert "dana WHITFIELD" in line
    # Like every other error: the field path and the YAML line of the offending entry.
    assert "interviewers" in line.split(str(path), 1)[1]
    assert _line_number(line, path) in (_line_of(text, "interviewers:"), _line_of(text, "dana WHITFIELD"))


def test_distinct_names_are_not_duplicates(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("  - name: Marcus Chen", "  - name: Dana Whitfield-Jones")
    assert len(load_facts(_write(tmp_path, text)).interviewers) == 3


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("format: onsite", "format: zoom", "interview.format"), ("tone: warm", "tone: chummy", "tone")],
)
def test_bad_choice_value(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = EXAMPLE_TEXT.replace(old, new)
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert f": {field}: " in line
    assert repr(new.split(": ")[1]) in line
    assert _line_number(line, path) == _line_of(text, new)


def test_several_problems_one_line_each(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("company: Northwind Robotics\n", "").replace("tone: warm", "tone: loud")
    path = _write(tmp_path, text)
    error = _error(path)
    assert len(error.lines) == 2
    assert all("\n" not in line and str(path) in line for line in error.lines)
    assert str(error).count("\n") == 1


def test_ended_at_without_zone_is_local_time_with_notice(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("2026-11-25T16:30:00-05:00", "2026-11-25 16:30")
    facts = load_facts(_write(tmp_path, text))
    ended = facts.interview.ended_at
    assert ended is not None and ended.tzinfo is not None
    assert (ended.hour, ended.minute) == (16, 30)
    assert ended.utcoffset() == ended.astimezone().utcoffset()
    notices = facts.notices()
    assert len(notices) == 1
    assert "ended_at" in notices[0] and "time zone" in notices[0]


# --- YAML problems --------------------------------------------------------------------------


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("company: Northwind Robotics", "company: [Northwind")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "invalid YAML" in line
    broken = _line_of(text, "[Northwind")
    assert broken <= _line_number(line, path) <= broken + 1


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("role: Senior", "company: Other Co\nrole: Senior")
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "duplicate key 'company'" in line
    assert _line_number(line, path) == _line_of(text, "company: Other Co")


def test_yaml_anchors_and_aliases_refused(tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("company: Northwind Robotics", "company: &c Northwind Robotics").replace(
        "role: Senior Site Reliability Engineer", "role: *c"
    )
    path = _write(tmp_path, text)
    line = _one_line(_error(path), path)
    assert "anchors and aliases" in line
    assert _line_number(line, path) in (_line_of(text, "&c"), _line_of(text, "*c"))


def test_billion_laughs_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        cur = chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = _write(tmp_path, "\n".join(lines) + "\n")
    line = _one_line(_error(path), path)
    assert "aliases" in line


def test_top_level_list(tmp_path: Path) -> None:
    path = _write(tmp_path, "- candidate\n- company\n")
    line = _one_line(_error(path), path)
    assert "mapping" in line and "list" in line


def test_top_level_scalar(tmp_path: Path) -> None:
    path = _write(tmp_path, "just some words\n")
    line = _one_line(_error(path), path)
    assert "mapping" in line


# --- file problems --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    line = _one_line(_error(path), path)
    assert "no such file" in line


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "folder.yaml"
    path.mkdir()
    line = _one_line(_error(path), path)
    assert "directory" in line


@pytest.mark.parametrize("content", [b"", b"   \n\n  \t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    line = _one_line(_error(path), path)
    assert "empty" in line


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    line = _one_line(_error(path), path)
    assert "binary" in line


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(EXAMPLE_TEXT.replace("Jordan Rivera", "J\xf6rdan Rivera").encode("latin-1"))
    line = _one_line(_error(path), path)
    assert "UTF-8" in line


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode())
    assert load_facts(path).company == "Northwind Robotics"


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    padding = MAX_FACTS_BYTES - len(EXAMPLE_TEXT.encode()) + 10
    path.write_bytes(EXAMPLE_TEXT.encode() + b"#" * padding + b"\n")
    assert path.stat().st_size > MAX_FACTS_BYTES
    line = _one_line(_error(path), path)
    assert "limit" in line
    assert f"{MAX_FACTS_BYTES:,}" in line


def test_size_limit_is_the_module_constant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, EXAMPLE_TEXT)
    monkeypatch.setattr(facts_module, "MAX_FACTS_BYTES", len(EXAMPLE_TEXT.encode()) - 1)
    assert "limit" in _one_line(_error(path), path)
    monkeypatch.setattr(facts_module, "MAX_FACTS_BYTES", len(EXAMPLE_TEXT.encode()))
    assert load_facts(path).company


# --- selecting interviewers ----------------------------------------------------------------


def test_select_interviewers_all_when_none_named() -> None:
    facts = load_facts(EXAMPLE)
    assert select_interviewers(facts, None) == facts.interviewers
    assert select_interviewers(facts, []) == facts.interviewers


def test_select_interviewers_case_insensitive() -> None:
    facts = load_facts(EXAMPLE)
    chosen = select_interviewers(facts, ["priya raman", "  MARCUS CHEN "])
    assert [p.name for p in chosen] == ["Priya Raman", "Marcus Chen"]
    again = select_interviewers(facts, ["Priya Raman", "PRIYA RAMAN"])
    assert [p.name for p in again] == ["Priya Raman"]


def test_select_unknown_interviewer_lists_valid_names() -> None:
    facts = load_facts(EXAMPLE)
    with pytest.raises(FactsError) as caught:
        select_interviewers(facts, ["Dana Whitfield", "Zed Nobody"])
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    assert "Zed Nobody" in line
    for person in facts.interviewers:
        assert person.name in line


# --- schema -----------------------------------------------------------------------------------


def test_facts_json_schema() -> None:
    schema = facts_json_schema()
    json.dumps(schema)  # serialisable
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    for key in ("candidate", "company", "role", "interviewers"):
        assert key in schema["properties"]
    assert {"candidate", "company", "role", "interviewers"} <= set(schema["required"])
    assert "$schema" in schema
    # Nested objects are closed too, so editors flag typos like "topcs".
    closed = [d for d in schema.get("$defs", {}).values() if d.get("type") == "object"]
    assert closed and all(d.get("additionalProperties") is False for d in closed)
    interviewer = schema["$defs"]["Interviewer"]
    assert {"name", "topics", "shared_interests", "clarify"} <= set(interviewer["properties"])


def test_select_interviewers_by_unique_first_name(tmp_path: Path) -> None:
    facts = load_facts(EXAMPLE)
    assert [p.name for p in select_interviewers(facts, ["PRIYA"])] == ["Priya Raman"]
    shared = EXAMPLE_TEXT.replace("  - name: Marcus Chen", "  - name: Dana Okafor")
    panel = load_facts(_write(tmp_path, shared))
    with pytest.raises(FactsError) as caught:
        select_interviewers(panel, ["dana"])  # two Danas: the first name alone is not enough
    assert "Dana Whitfield" in caught.value.lines[0] and "Dana Okafor" in caught.value.lines[0]
    assert [p.name for p in select_interviewers(panel, ["dana okafor"])] == ["Dana Okafor"]
