"""Output formats as plug-ins (md, eml, json), --format, safe .eml headers, and --out that never raises."""

from __future__ import annotations

import email
import email.policy
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup import formats
from followup.drafting import Draft
from followup.facts import load_facts
from followup.formats import FormatError, choose, eml, write_files
from followup.history import History
from cli_helpers import assert_one_line_error, invoke
from conftest import EXAMPLE

FACTS = load_facts(EXAMPLE)
BODY = "Hello Dana,\n\nThank you for the talk about alert routing.\n\nBest regards,\nJordan Rivera"



def draft(subject: str = "Thank you, Dana", body: str = BODY, email_address: str | None = "dana@northwind.example",
          to: str = "Dana Whitfield") -> Draft:
    return Draft(to=to, email=email_address, subject=subject, body=body, passed=True, attempts=1, violations=[],
                 model="offline")


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


# --- the registry ------------------------------------------------------------------------------------


def test_formats_are_chosen_by_name_in_order_each_once() -> None:
    chosen = choose("eml, md,eml")
    assert list(chosen) == ["eml", "md"]
    assert [f.suffix for f in chosen.values()] == [".eml", ".md"]
    assert set(formats.BUILTIN) == {"md", "eml", "json"}


def test_an_unknown_format_is_one_line_naming_it_and_the_choices() -> None:
    with pytest.raises(FormatError, match=r"no format named 'pdf'; choose from: eml, json, md"):
        choose("md,pdf")
    with pytest.raises(FormatError, match="at least one"):
        choose(" , ")


def test_an_unknown_format_on_the_command_line_stops_before_drafting(home: Path) -> None:
    result = invoke("write", EXAMPLE, "--out", home / "out", "--format", "md,docx")
    assert_one_line_error(result, "--format", "'docx'")
    assert not (home / "out").exists()
    assert invoke("history", "--json").stdout.strip() == "[]"  # no run was started


def test_format_without_out_is_one_line() -> None:
    assert_one_line_error(invoke("write", EXAMPLE, "--format", "json"), "--format needs --out")


def test_a_plug_in_format_is_one_module_and_one_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "followup_txt_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "followup_txt_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: followup-txt-plugin\nVersion: 1.0\n")
    (site / "followup_txt_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[followup.formats]\ntxt = followup_txt_plugin\n")
    (site / "followup_txt_plugin.py").write_text(
        "from followup.formats import Format\n"
        "FORMAT = Format(suffix='.txt', render=lambda draft, facts: draft.body.upper().encode())\n")
    monkeypatch.syspath_prepend(str(site))
    written = write_files(tmp_path / "out", FACTS, [draft()], choose("txt,md"))
    assert [p.name for p in written.paths] == ["dana-whitfield.txt", "dana-whitfield.md"]
    assert (tmp_path / "out" / "dana-whitfield.txt").read_text() == BODY.upper()
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(site)])
    with pytest.raises(FormatError, match="'txt'"):
        choose("txt")


def test_write_and_show_write_the_formats_asked_for(home: Path) -> None:
    out = home / "out"
    result = invoke("write", EXAMPLE, "--to", "Dana", "--out", out, "--format", "json", "--json")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["dana-whitfield.json"]
    printed = json.loads(result.stdout)["drafts"][0]
    assert json.loads((out / "dana-whitfield.json").read_text()) == printed
    shown = invoke("show", json.loads(result.stdout)["run_id"], "--out", out, "--format", "md,eml")
    assert shown.exit_code == 0, shown.output
    assert sorted(p.name for p in out.iterdir()) == ["dana-whitfield.eml", "dana-whitfield.json", "dana-whitfield.md"]


def test_a_format_that_does_not_apply_is_skipped_and_said(home: Path) -> None:
    out = home / "out"
    result = invoke("write", EXAMPLE, "--to", "Marcus", "--out", out, "--format", "eml,md")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["marcus-chen.md"]
    assert "no .eml for Marcus Chen: no email in the facts" in result.stderr


# --- .eml: headers built by the email package ------------------------------------------------------------


def test_a_subject_with_line_breaks_is_one_line_and_adds_no_header() -> None:
    message = parsed(eml.render(draft(subject="Thank you\r\nBcc: evil@x.example\n\nhi"), FACTS))
    assert message["Subject"] == "Thank you Bcc: evil@x.example hi"
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["dana@northwind.example"]


def test_control_characters_and_escape_sequences_leave_the_body_and_subject() -> None:
    message = parsed(eml.render(draft(subject="Thanks\x1b]0;owned\x07 Dana\x00", body="Hi\x1b[31m Dana\x0b,\r\nbye\u2028ok"), FACTS))
    assert message["Subject"] == "Thanks Dana"
    assert message.get_content() == "Hi Dana,\nbye\nok\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subject=st.text(max_size=200), body=st.text(min_size=1, max_size=600), name=st.text(min_size=1, max_size=60))
def test_any_subject_body_and_name_make_a_message_with_only_its_own_headers(subject: str, body: str, name: str) -> None:
    message = parsed(eml.render(draft(subject=subject, body=body, to=name), FACTS))
    assert sorted(message.keys()) == sorted(["To", "From", "Subject", "Date", "Content-Type", "Content-Transfer-Encoding",
                                             "MIME-Version"])
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert [a.addr_spec for a in message["To"].addresses] == ["dana@northwind.example"]
    assert not any(ord(c) < 32 and c not in "\n\t" for c in message.get_content())


def test_a_list_of_addresses_is_refused_not_written_into_to() -> None:
    for bad in ("dana@x, evil@x.example", "dana@x,evil@x.example", "dana@x;evil@x.example", "Dana <dana@x>",
                "dana@north\u2028wind.example", "dana@north\x0bwind.example", "dana@", "@x.example", "dana"):
        with pytest.raises(ValueError, match="email address"):
            eml.render(draft(email_address=bad), FACTS)


def test_a_non_ascii_domain_is_idna_encoded_and_a_non_ascii_name_is_encoded_words() -> None:
    data = eml.render(draft(to="Zoë Müller, PhD", email_address="zoe@bücher.example"), FACTS)
    assert data.isascii()  # every header is 7-bit: encoded words and IDNA
    message = parsed(data)
    (address,) = message["To"].addresses
    assert address.addr_spec == "zoe@xn--bcher-kva.example"
    assert address.display_name == "Zoë Müller, PhD"  # the comma is quoted, not a second address


def test_a_file_that_cannot_be_rendered_is_one_problem_and_the_others_are_written(tmp_path: Path) -> None:
    drafts = [draft(email_address="dana@x, evil@x.example"), draft(to="Priya Raman", email_address="priya@northwind.example")]
    written = write_files(tmp_path, FACTS, drafts, choose("md,eml"))
    assert sorted(p.name for p in written.paths) == ["dana-whitfield.md", "priya-raman.eml", "priya-raman.md"]
    assert len(written.problems) == 1
    assert "dana-whitfield.eml" in written.problems[0] and "not one email address" in written.problems[0]


# --- --out never raises ------------------------------------------------------------------------------


def test_out_that_cannot_be_written_is_one_line_and_the_json_is_still_printed(home: Path) -> None:
    blocked = home / "a-file"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("not a folder")
    result = invoke("write", EXAMPLE, "--to", "Dana", "--out", blocked / "notes", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["drafts"][0]["to"] == "Dana Whitfield"  # the drafts are not lost
    problems = [line for line in result.stderr.splitlines() if "cannot write" in line]
    assert len(problems) == 1 and str(blocked / "notes") in problems[0]
    assert "Traceback" not in result.output


def test_show_out_with_a_crlf_subject_from_history_writes_a_one_line_subject(home: Path) -> None:
    store = History()
    run_id = store.start_run(FACTS, str(EXAMPLE), "gpt-4o-mini")
    store.save_draft(run_id, draft(subject="Thank you\r\nBcc: evil@x.example"))
    store.close()
    out = home / "out"
    result = invoke("show", run_id, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    # A subject is one line wherever it goes: --json output too (issue 10).
    assert json.loads(result.stdout)["drafts"][0]["subject"] == "Thank you Bcc: evil@x.example"
    message = parsed((out / "dana-whitfield.eml").read_bytes())
    assert message["Subject"] == "Thank you Bcc: evil@x.example" and message["Bcc"] is None
    assert (out / "dana-whitfield.md").read_text().splitlines()[1] == "**Subject:** Thank you Bcc: evil@x.example"
