"""regenerate --facts FILE: a refused "mention X" can be followed by adding X to the facts file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from followup.history import History
from cli_helpers import assert_one_line_error
from cli_helpers import invoke as cli

NURSE = Path(__file__).resolve().parent / "hurried_facts" / "icu_nurse.yaml"



@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(NURSE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _write(facts: Path) -> str:
    result = cli("write", facts, "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["run_id"])


def _versions(home: Path, run_id: str, name: str) -> dict[int, dict]:
    store = History(home / "history.db")
    try:
        return {r["version"]: r for r in store.drafts(run_id) if r["interviewer"] == name}
    finally:
        store.close()


def _add_topic(facts: Path, index: int, topic: str) -> None:
    data = yaml.safe_load(facts.read_text(encoding="utf-8"))
    data["interviewers"][index]["topics"].append(topic)
    facts.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_a_refused_mention_points_to_facts(home: Path, facts_file: Path) -> None:
    run_id = _write(facts_file)
    line = assert_one_line_error(cli("regenerate", "--to", "Linda", "--tweak", "mention the unit's float pool"),
                                 "add it to the facts file", "--facts")
    assert "Linda Haverford" in line
    assert sorted(_versions(home, run_id, "Linda Haverford")) == [1]


def test_regenerate_with_an_edited_facts_file_keeps_the_version_tree(home: Path, facts_file: Path) -> None:
    run_id = _write(facts_file)
    _add_topic(facts_file, 1, "the float pool for nights")
    result = cli("regenerate", "--to", "Linda", "--facts", facts_file, "--tweak", "mention the float pool")
    assert result.exit_code == 0, result.output
    linda = _versions(home, run_id, "Linda Haverford")
    assert sorted(linda) == [1, 2] and linda[2]["parent_version"] == 1
    assert "float pool" not in linda[1]["body"] and "the float pool for nights" in linda[2]["body"]
    # The run keeps the edited facts: a later tweak without --facts finds the new topic.
    again = cli("regenerate", "--to", "Linda", "--tweak", "don't mention the float pool")
    assert again.exit_code == 0, again.output
    linda = _versions(home, run_id, "Linda Haverford")
    assert linda[3]["parent_version"] == 2 and "float pool" not in linda[3]["body"]
    assert json.loads(linda[3]["tweaks_json"]) == ["don't mention the float pool"]


def test_an_edited_facts_file_must_still_list_the_interviewer(home: Path, facts_file: Path, tmp_path: Path) -> None:
    run_id = _write(facts_file)
    data = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
    data["interviewers"] = [p for p in data["interviewers"] if p["name"] != "Linda Haverford"]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    line = assert_one_line_error(cli("regenerate", "--to", "Linda", "--facts", edited, "--tweak", "shorter"),
                                 "edited.yaml", "Linda Haverford")
    assert "no interviewer" in line
    assert sorted(_versions(home, run_id, "Linda Haverford")) == [1]


def test_a_bad_facts_file_is_one_line(home: Path, facts_file: Path, tmp_path: Path) -> None:
    _write(facts_file)
    broken = tmp_path / "broken.yaml"
    broken.write_text("candidate: [\n", encoding="utf-8")
    assert_one_line_error(cli("regenerate", "--to", "Linda", "--facts", broken, "--tweak", "shorter"), "broken.yaml")
