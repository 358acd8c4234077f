"""Guardrails on notes nobody on the team wrote: each rule caught by its intent, in wording
the policy does not list, from both sides; what people paste into ``check``; other scripts;
and notes far bigger than any real one.

The sentences here were written for these tests, not taken from the labelled corpus: polite
and subtle forms on the failing side, and look-alike good sentences on the passing side.
"""

from __future__ import annotations

import json
import unicodedata
from email.message import EmailMessage
from pathlib import Path

import pytest
from cli_helpers import invoke, isolate
from test_guardrails import AT_INTERVIEW, DANA, EXAMPLE, FACTS, GOOD_BODY, GOOD_SUBJECT, rules_fired, with_sentence

from followup.facts import Interviewer
from followup.guardrails import check_note, check_pasted
from followup.notes import Note, parse_note_text

# (rule, sentences that must trip it, sentences that must not trip any rule)
INTENT_CASES = [
    ("pressure", [
        "Could you let me know where things stand before Thursday afternoon?",
        "I would be grateful for a decision within the next few days.",
        "My current employer has asked for my answer on their counteroffer, so I would appreciate hearing back soon.",
        "A different company has extended an offer that I must respond to by the 14th.",
        "I'd appreciate an update on next steps by the end of next week.",
        "I need to give my notice soon, so please let me know how things look.",
        "Since I have an offer on the table, an answer by Wednesday would help me a great deal.",
        "Kindly confirm the outcome no later than Monday.",
    ], [
        "I look forward to hearing about next steps.",
        "I hope to hear from you.",
        "You said decisions should come within two weeks, and I look forward to hearing from you.",
        "I enjoyed hearing about the plan to cut pages within a quarter.",
        "The launch deadline you described sounds demanding but exciting.",
        "Please let me know if there is anything else I can share.",
    ]),
    ("presumption", [
        "Which start date would suit the team best?",
        "I have already sketched a plan for my first two weeks on the team.",
        "Once I am on board, I will set up one-on-ones with everyone on the rotation.",
        "I'm looking forward to meeting my new colleagues in person.",
        "Please send over the onboarding paperwork whenever it is ready.",
        "I can't wait for my first day at the office.",
        "I am available to start on the first of the month.",
        "In my first month I'll review every alert route with you.",
    ], [
        "I am flexible about a start date.",
        "I appreciated hearing about the onboarding program you described.",
        "If I were to join, I would want to learn the alert routing first.",
        "I hope to have the chance to contribute to the team.",
        "I look forward to hearing about next steps.",
        "In my first week at my current job, I rebuilt the paging runbooks.",
    ]),
    ("guilt_trip", [
        "I turned down another offer last week so that I could pursue this role.",
        "I have withdrawn from two other interview processes to focus on Northwind.",
        "I hope that commitment counts for something.",
        "I said no to a promotion at my company because this is where I want to be.",
        "I cancelled a final-round interview with another firm to be here today.",
        "I've put my search on hold while I wait to hear from you.",
    ], [
        "I declined to speculate about the outage cause until we had the logs.",
        "Pages declined 40% after the other teams adopted better alert routing.",
        "I enjoyed hearing how the team turned the rotation around.",
        "I am very interested in the role and in contributing to the team.",
    ]),
    ("desperation", [
        "Honestly, this feels like my last real chance to get back into the field.",
        "I would gladly work here in any position you might have.",
        "I have applied to dozens of companies and this is the one I want most.",
        "I am running out of options, so this role matters a great deal.",
        "I will do whatever it takes to get this role.",
    ], [
        "I would welcome the chance to contribute to the team.",
        "I am glad to take on any of the on-call work you described.",
        "The last chance to see the demo was on Friday, and I am glad I caught it.",
    ]),
    ("profanity", [
        "Cutting pages by that much is bloody impressive.",
        "The old setup was a right cock-up, frankly.",
        "What the heck, that migration story was great.",
        "Honestly the pager noise at my last job was hell.",
        "Our old runbooks were total sh*t.",
    ], [
        "Hello again, and thank you for the time.",
        "We built an arsenal of runbooks for the rotation.",
        "Nurses documented bloody drainage carefully in the unit.",
    ]),
    ("personal_remark", [
        "You have such a warm and lovely smile.",
        "I couldn't help noticing how elegant you looked.",
        "You were so beautifully dressed for a Friday.",
        "Your blazer was a great choice, by the way.",
    ], [
        "I noticed your team keeps its runbooks in great shape.",
        "Your team looks great and the roadmap looks ambitious.",
        "Keeping the customer's smile in mind matters to me too.",
    ]),
    ("gushing", [
        "You are clearly one of the smartest people I have met.",
        "Your intellect and clarity were remarkable.",
        "I was struck by how brilliant you are.",
        "You are so incredibly smart about alert routing.",
    ], [
        "I appreciated how clearly you explained the on-call changes.",
        "It was a smart approach to routing alerts.",
    ]),
    ("employer_criticism", [
        "Our leadership at my current company is frankly out of touch.",
        "Upper management there cannot make a decision to save their lives.",
        "Unlike Acme, whose engineers are careless, your team seems thoughtful.",
        "The recruiter who sent me here was useless, but I am glad I came.",
        "My colleagues cut corners on every incident review.",
    ], [
        "My current team runs about two hundred services on Kubernetes.",
        "Our leadership team encouraged me to mentor new engineers.",
        "Your competitors are working on similar routing problems.",
    ]),
]
INTENT_CASES += [
    ("title_as_role", [
        "Thank you again for considering me for the Engineering Manager position.",
        "I remain very interested in the engineering manager role at Northwind Robotics.",
        "I am excited about applying for Director of Infrastructure.",
    ], [
        "As Engineering Manager, you clearly care about on-call health.",
        "I enjoyed hearing how your Engineering Manager role has grown.",
        "I am very interested in the Senior Site Reliability Engineer role.",
        "My interest in the Engineering Manager's plans for on-call only grew.",
    ]),
]

# A second round, written after the first blind batch, again in words of our own.
INTENT_CASES += [
    ("pressure", ["I'm weighing another opportunity and would appreciate knowing where I stand.",
                  "My current employer expects an answer on their counteroffer, so any news would help.",
                  "Would it be possible to know your decision before the weekend?",
                  "I have to let another company know by Monday.",
                  "I would appreciate it if you could decide by Thursday.",
                  "I would appreciate some clarity by the end of the week."],
     ["I look forward to hearing from you soon.", "I enjoyed hearing how the team ships fixes within a day.",
      "I was glad to hear the team will decide by the end of the month, as you mentioned."]),
    ("presumption", ["I'll bring my own laptop setup on day one.", "Happy to sign whatever paperwork is needed.",
                     "I look forward to working alongside you starting next month.",
                     "I'd like to get a head start on the runbooks before I join.",
                     "What time should I arrive on my first day?"],
     ["I look forward to working with you.", "I would be glad to learn the runbooks."]),
    ("guilt_trip", ["I passed on a very generous offer from another firm to stay in the running here.",
                    "I let my other applications lapse because this is where I want to be.",
                    "I could have accepted elsewhere, but I waited to hear from you."],
     ["We let the old alerts expire once the routing was fixed."]),
    ("desperation", ["Without this job, I am not sure what I will do.", "I would happily start at the bottom.",
                     "This role would change everything for my family."],
     ["I would be glad to start with the on-call rotation."]),
    ("profanity", ["The old pager setup was a sodding mess.", "That was cr*p tooling, frankly."],
     ["I noticed the crisp dashboards the team keeps."]),
    ("personal_remark", ["You have a really kind face.", "You are very photogenic, by the way."],
     ["The face of the dashboard was clean and clear."]),
    ("gushing", ["You're obviously the brains of the operation.", "You have such a sharp mind for systems."],
     ["Your point about alert fatigue was sharp and useful."]),
    ("employer_criticism", ["Between us, the executive team at my current company hasn't made a good call in years.",
                            "Most recruiters I have dealt with are clueless about SRE work."],
     ["My current company taught me a lot about incident reviews."]),
    ("title_as_role", ["I would love the chance of becoming your next Director of Infrastructure."],
     ["Our talk about becoming a stronger mentor stayed with me."]),
]
# A third round, in other trades (nursing, schools, airlines), where the new lists' words are everyday.
INTENT_CASES += [
 ("pressure", ["A hospital across town has offered me a position, and they need my answer by the 15th.",
               "I am due to sign with another airline next week unless I hear otherwise, so an update soon would be appreciated.",
               "Given my current employer is pressing me for a commitment, I'd be grateful to know your decision within a few days.",
               "Could we settle things by Wednesday? I have a deadline elsewhere."], []),
 ("presumption", ["I'd love to know which Monday works best for me to begin.",
                  "I've started drafting a 30-60-90 day plan for my first quarter on your team.",
                  "Shall I plan to meet the other charge nurses during my first week?",
                  "Once I'm settled in, I'll reorganise the supply room."], []),
 ("guilt_trip", ["I turned down a charge nurse role at St. Mary's because I believe in your unit.",
                 "To be fully available for this opportunity, I withdrew my application to the district office.",
                 "I walked away from a final round at another firm for the chance to work with you.",
                 "I have stopped interviewing elsewhere, which I hope shows my commitment."], []),
 ("desperation", ["At this point I'd take any opening you have, even part-time.",
                  "This is honestly my last real shot at staying in the field.",
                  "I would accept any position just to get a foot in the door."], []),
 ("profanity", ["The night shift at my last hospital was bloody exhausting.", "Honestly, that tour was a hell of a lot of fun.",
                "The old system was a right bollocks-up."], []),
 ("personal_remark", ["Your earrings were absolutely gorgeous, by the way.", "You looked so elegant in that navy blazer.",
                      "I couldn't help noticing your lovely smile throughout the interview."], []),
 ("gushing", ["You are clearly far smarter than anyone I've worked for.", "Your brilliance was obvious from the first question.",
              "I have rarely met someone as intelligent as you."], []),
 ("employer_criticism", ["Leadership at my current hospital rarely listens to the nurses on the floor.",
                         "Frankly, the district office where I work now is hopelessly disorganised.",
                         "The vendor we use now is incompetent, and nobody there cares."], []),
]

# The kinds the second blind batch missed, in other words: the current workplace named by what the
# candidate does there, contempt put politely; social invitations; pay as the subject of the work.
INTENT_CASES += [
    ("employer_criticism", ["The clinic where I currently work makes staffing decisions without asking the nurses.",
                            "In sharp contrast to the warehouse I manage now, your team plans its shifts ahead.",
                            "Half the suppliers we deal with are liars.",
                            "At the shelter where I still volunteer, training is an afterthought.",
                            "My current director doesn't really value what the night crew sees on the floor."],
     ["The practice where I currently work taught me to keep every chart current.",
      "The carriers we deal with value on-time pickups above everything else.",
      "In contrast to batch scheduling, event-driven routing reacts within minutes."]),
    ("social_invitation", ["Next time you are in Chicago, I would love to grab a beer and keep talking.",
                           "Let's get lunch sometime, my treat.",
                           "Honestly, you and I hit it off right away.",
                           "After that chat I feel we're practically friends already."],
     ["I would love to have lunch with the team if that is part of the next round.",
      "Our talk about how the team buys lunch for whoever is on call made me smile."]),
    ("desperation", ["At this stage I'll take anything you have open."],
     ["I'll take any excuse to read about how alert routing evolved."]),
    ("compensation", ["I am curious what the yearly salary would be for me.",
                      "Could you tell me more about the wages and perks that come with the role?"],
     ["I enjoyed hearing how payroll makes sure every new hire's first paycheck is right.",
      "At my last job I processed wage garnishments and benefit deductions.",
      "Helping drivers get their pay on time matters to me."]),
]

# Good sentences from those trades that use the same words innocently (withdrawal, cancelled, declined, orientation).
INTENT_CASES += [("(none)", [], [
    'Your point about patients in alcohol withdrawal needing earlier assessment stayed with me.',
    'I enjoyed hearing how the airline rebooks passengers on cancelled flights within the hour.',
    'The way your team handles rejected claims before the appeal deadline impressed me.',
    'I appreciated learning how enrollment declined after the district redrew its boundaries.',
    'The orientation you described for new nurses sounds thorough.',
    'Our discussion of the first shift handoff on the night unit was valuable.',
    'I liked how the school gives new teachers a mentor for their first year.',
    'Your plan to cut on-call pages with better alert routing within the quarter is ambitious, and I would enjoy working on it.',
    'I would love to hear how you plan to stage the migration without disrupting the product teams.',
    'I realize I did not mention my Terraform state migration work; I finished it last spring.',
    'Thank you for being so generous with your time on a busy Friday.',
    'It was clear how much you care about your students.',
    'The team seems to trust each other, which is rare and valuable.',
    'I loved hearing about the history of the building.',
    'I am available for a follow-up conversation whenever it suits you.',
    'I have attached the writing sample you asked for.',
    'Congratulations again on the launch of the new terminal.',
    'My previous employer gave me great training in inventory control.',
    'I am grateful for the chance to learn about the role.',
    "Seeing the museum's fossil hall through a child's eyes is exactly what I want to help with.",
    'I would be happy to provide any additional information.',
    'Thank you for the thoughtful questions about my time at the clinic.',
    "The hospital's approach to discharge planning is impressive.",
    'I remain very interested in the position and the team.',
    'I am excited about the possibility of contributing to the fall reopening.',
    'Your story of starting as a volunteer and rising to director was inspiring.',
    'The grant-funded program you described reaches families early.',
    'I was glad to hear that most docents stay after their first year.',
    'I would enjoy helping plan the volunteer schedule for the spring.',
])]

# The kinds the fourth blind batch missed, in other words: pressure across two sentences or to a
# date in words; pay as a rate; the command staff or third parties run down; a personal hardship;
# digs at the interview; promises the interviewer never made; a self the facts do not know.
INTENT_CASES += [
    ("pressure", ["My landlord needs my answer soon, so it would help to have your decision before then.",
                  "As I am firming up my plans for the spring, it would help to know where things stand by the tenth of May."],
     ["I hope the migration lands before then."]),
    ("compensation", ["I would be grateful to know which shift carries the higher hourly rate.",
                      "Could you tell me whether the role comes with a bonus tied to uptime?"],
     ["I enjoyed hearing how the team rates alerts by severity."]),
    ("employer_criticism", ["Our command staff has let things drift for years.",
                            "Some of the smaller agencies we partner with honestly can't be trusted with a pager."],
     ["Some of the smaller teams we support rely on a single on-call engineer."]),
    ("oversharing", ["It has been a rough year for me personally, with my father in hospice care.",
                     "Between my divorce and the move, the quiet of the data center was welcome."],
     ["I enjoyed hearing how the team covers on-call for people on parental leave."]),
    ("self_deprecation", ["I know I am probably not the polished candidate you were hoping for.",
                          "I would not blame you if my answers came across as scattered."],
     ["I am not a typical fit for a startup, and I bring five years of running Kubernetes in production."]),
    # One plain apology for a slip is what people send; one made much of, or a second, is grovelling.
    ("grovelling", ["I'm so sorry for rambling, and sorry again for the mix-up."],
     ["I was sorry to hear the offsite was cancelled.", "Sorry for rambling about the 04:30 starts; in short, early shifts suit me."]),
    ("process_complaint", ["Perhaps the video call was not the most reliable way to judge a hands-on engineer.",
                           "I mention Terraform again, since it didn't seem to register when I brought it up."],
     ["The video call worked well, and the shared screen made the dashboards easy to follow."]),
    ("claimed_promise", ["As you mentioned, I look forward to the final round next week.",
                         "Thank you for confirming that the new hire would lead the alert routing work."],
     ["I would welcome a next round if the team would like to continue the conversation."]),
    ("title_as_role", ["I would be proud to join Northwind Robotics as Engineering Manager."],
     ["It was good to hear how you came to join Northwind Robotics as Engineering Manager Dana Whitfield's first hire."]),
    ("wrong_role", ["I am very interested in the Platform Architect position."],
     ["I am very interested in the Senior SRE position."]),
    ("invented_fact", ["As a paramedic for nine years, I stay calm when pages pile up."],
     ["As a mentor at a coding club for teens, I enjoyed hearing how the team onboards new engineers."]),
]


# The kinds the fifth blind batch missed, in other words.
INTENT_CASES += [
    ("employer_criticism", ["At my current company nobody upstairs is willing to spend a cent on monitoring.",
                            "The competitors across town have turned their support desk into little more than a script.",
                            "My current lead tends to see reliability as a box-ticking exercise."],
     ["My current company taught me to write runbooks before launch."]),
    ("oversharing", ["My partner and I separated in the spring, and some weeks work has been keeping me steady.",
                     "The last year has been very hard at home, and I have barely slept."],
     ["I enjoyed hearing how the team hands over on-call before a holiday."]),
    ("process_complaint", ["I do hope I will actually hear back this time, if anyone had the chance to read my application.",
                           "The design exercise was squeezed into very little time, and I am not sure it showed what I can do."],
     ["The design exercise was a good way to talk through alert routing together."]),
    ("presumption", ["I'd suggest we sit down with the on-call engineers during my first week."],
     ["I would suggest we look at the alert routing data together if there is a next round."]),
    ("desperation", ["Honestly, I don't have a plan B if this doesn't work out.", "Anything you can do to put in a good word would mean a lot."],
     ["A good on-call rotation always has a plan for the second page."]),
    ("invented_fact", ["I look forward to seeing the new imaging wing when it opens.",
                       "Cutting on-call pages by 45% with better alert routing is ambitious."],
     ["Cutting on-call pages by 40% with better alert routing is ambitious.", "I hope the new Kubernetes cluster comes up smoothly."]),
    ("over_familiar", ["Thanks again for the chat, mate."], ["I spent five years as mate on a research vessel before moving into operations."]),
]


# The kinds the sixth blind batch missed, in other words; and what it wrongly flagged.
INTENT_CASES += [
    ("personal_remark", ["You have such a warm, lovely smile."], ["Your answer put the whole panel at ease."]),
    ("claimed_promise", ["As you mentioned, the team would waive the trial period for me."],
     ["I would welcome hearing whether the team runs a trial period."]),
    ("employer_criticism", ["Where I work now, the director changes priorities with every phone call.",
                            "The agency I worked under had a casual attitude toward procedure that made my job harder than it needed to be."],
     ["My current team changes its on-call rotation every quarter."]),
    ("process_complaint", ["I guess the panel had already made up its mind about what it wanted to hear.",
                           "It would have been helpful to know in advance about the written exercise; I'm sure it was an oversight."],
     ["It was helpful to know in advance what the panel would cover."]),
    ("self_deprecation", ["I probably came across as less polished than the other candidates.",
                          "I am better at doing the work than talking about it, and I'm sure that showed."],
     ["The other candidates will be lucky to join a team this thoughtful."]),
    ("presumption", ["It might be sensible for us to sit down in my first week to go through the runbooks."],
     ["I appreciated hearing how new engineers spend their first week pairing on call."]),
    ("pressure", ["The sooner the panel can reach a view, the easier it will be for me to plan.",
                  "I am holding off on renewing my lease until I hear from you."],
     ["The sooner an alert reaches the right person, the better the night goes."]),
    ("desperation", ["I'm not sure where I would turn if this did not work out.",
                     "Anything you could say to the panel on my behalf would mean more than I can express."],
     ["I would be glad to speak with the panel again."]),
    ("compensation", ["I'd like to make sure the numbers work for my family."], ["The numbers on alert routing were striking."]),
    ("(none)", [], ["Learning that you want to push the alert routing work gave me a clear sense of where I could help.",
                    "It was good to meet another Northwind Robo fan.", "It is a book I return to again and again.",
                    "Five years running Kubernetes in production taught me a lot this year."]),
]


# Some kinds the seventh blind batch missed, in other words; and what it wrongly flagged.
INTENT_CASES += [
    ("process_complaint", ["Nobody told me there would be a written test, and three interviews felt excessive."],
     ["Nobody on the panel rushed me, and the written test was a good way to show my thinking."]),
    ("presumption", ["When we first sit down as colleagues, I would suggest we agree a shared runbook."],
     ["I enjoyed hearing how the team works as colleagues across time zones."]),
    ("desperation", ["I've pinned everything on this one, so anything you can do to help my chances would mean the world."],
     ["The team has pinned its alert routing plans on a cleaner paging tree."]),
    ("compensation", ["Would travel costs be covered, and is there room beyond the advertised figure?"],
     ["I enjoyed hearing how the team keeps on-call travel light."]),
    ("employer_criticism", ["The owners at my current company have little idea how an outage actually unfolds."],
     ["My current company gave me a good idea of how outages unfold."]),
    ("(none)", [], ["I hold a full UK driving licence, category B+E, for the on-call van."]),
]


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, bad, _ in INTENT_CASES for s in bad])
def test_intent_rule_flags_wording_it_does_not_list(rule: str, sentence: str) -> None:
    assert rule in rules_fired(with_sentence(sentence))


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, _, good in INTENT_CASES for s in good])
def test_intent_rule_lets_a_look_alike_good_sentence_through(rule: str, sentence: str) -> None:
    assert rules_fired(with_sentence(sentence)) == set()


# --- what people paste into check ------------------------------------------------------


def test_a_pasted_body_without_subject_is_a_warning_only() -> None:
    note, result = check_pasted(GOOD_BODY, FACTS, DANA)
    assert note.subject == "" and note.body == GOOD_BODY
    subject = [v for v in result.violations if v.rule == "subject"]
    assert [v.severity for v in subject] == ["warning"]
    assert "subject" in rules_fired(Note(subject="", body=GOOD_BODY))  # a draft without one still fails


def test_a_pasted_note_that_names_neither_company_nor_role_gets_a_warning_only() -> None:
    body = GOOD_BODY.replace(" about the Senior Site Reliability Engineer role at Northwind Robotics", "")
    assert "Northwind" not in body and "Reliability" not in body
    _, result = check_pasted(f"Subject: Thank you\n\n{body}", FACTS, DANA)
    assert [v.severity for v in result.violations if v.rule == "company_role"] == ["warning"]
    assert "company_role" in rules_fired(Note(subject="Thank you", body=body))  # a draft must name one


def test_an_exclamation_in_the_subject_is_the_subjects_own() -> None:
    body = GOOD_BODY.replace("Thank you again", "Thank you again!", 1)
    assert body != GOOD_BODY
    assert "exclamation" not in rules_fired(Note(subject="Thank you!", body=body))
    assert "exclamation" in rules_fired(Note(subject="Thank you!", body=body.replace("Dear Dana,", "Dear Dana!")))


def test_a_subject_line_and_other_pasted_headers_are_read() -> None:
    text = f"To: Dana Whitfield <dana@northwind.example>\nSubject: {GOOD_SUBJECT}\n\n{GOOD_BODY}"
    assert parse_note_text(text) == Note(subject=GOOD_SUBJECT, body=GOOD_BODY)
    assert parse_note_text(f"Subject: {GOOD_SUBJECT}\n{GOOD_BODY}") == Note(subject=GOOD_SUBJECT, body=GOOD_BODY)
    assert parse_note_text("Dana:\n\nThank you.").body == "Dana:\n\nThank you."


def test_the_files_write_saves_are_checked_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    out = tmp_path / "out"
    assert invoke("write", EXAMPLE, "--out", out).exit_code == 0
    saved = sorted(out.glob("dana-whitfield*"))
    assert {path.suffix for path in saved} == {".md", ".eml"}
    notes = [parse_note_text(path.read_text(encoding="utf-8")) for path in saved]
    assert notes[0] == notes[1] and notes[0].subject  # the same note from either file
    assert "Dana" in notes[0].body.splitlines()[0] and not any(h in notes[0].body for h in ("**", "Subject", "Content-"))
    for path in saved:
        result = invoke("check", path, "--facts", EXAMPLE, "--to", DANA.name, "--json")
        assert result.exit_code == 0, result.output
        assert not [v for v in json.loads(result.stdout)["violations"] if v["rule"] == "subject"]


def test_an_eml_is_decoded_headers_and_all() -> None:
    body = GOOD_BODY.replace("Dear Dana,", "Dear Dana — merci,") + "\n" + " ".join(["Naïve café résumé"] * 12)
    message = EmailMessage()
    message["To"] = "Dana Whitfield <dana@northwind.example>"
    message["Subject"] = "Thank you — a café chat"
    message.set_content(body + "\n", cte="quoted-printable")
    raw = message.as_bytes().decode("ascii")
    assert "=C3=A9" in raw and "=?utf-8?" in raw  # encoded on disk, header and body
    assert parse_note_text(raw) == Note(subject="Thank you — a café chat", body=body)


def test_text_is_composed_before_any_rule_sees_it() -> None:
    decomposed = unicodedata.normalize("NFD", "Dear Zoë,\n\nThank you")
    note = parse_note_text(decomposed)
    assert note.body == "Dear Zoë,\n\nThank you" and unicodedata.is_normalized("NFC", note.body)
    assert Note(subject=unicodedata.normalize("NFD", "Café"), body="").subject == "Café"


# --- fact terms in other forms, numbers, other scripts ----------------------------------


def _facts_with(**dana: object) -> tuple:
    person = DANA.model_copy(update=dana)
    facts = FACTS.model_copy(update={"interviewers": [person, *FACTS.interviewers[1:]]})
    return facts, person


@pytest.mark.parametrize(("topic", "sentence"), [
    ("forecasting page volume with SARIMA", "I enjoyed our talk about SARIMA-based forecasting of pages."),
    ("moving patients from IV-to-PO antibiotics", "Your point about early IV antibiotics stayed with me."),
    ("the Grafana dashboards", "Grafana's alert rules and the Grafana-style dashboards were a highlight."),
    ("the SLO review", "Your SLOs and the SLO-driven reviews were a highlight."),
])
def test_hyphenated_possessive_and_inflected_fact_terms_are_the_fact(topic: str, sentence: str) -> None:
    facts, person = _facts_with(topics=[topic, *DANA.topics])
    result = check_note(with_sentence(sentence), facts, person, now=AT_INTERVIEW)
    assert "invented_fact" not in {v.rule for v in result.violations}
    invented = check_note(with_sentence("Our Datadog-based alerting was similar."), facts, person, now=AT_INTERVIEW)
    assert "invented_fact" in {v.rule for v in invented.violations}


@pytest.mark.parametrize("sentence", ["Coverage went from 60% to 83% in a year.", "We ran an 8D review after the outage.",
                                      "The score was 8D on the chart."])
def test_numbers_are_not_emoticons(sentence: str) -> None:
    result = check_note(with_sentence(sentence))
    assert "emoji" not in {v.rule for v in result.violations}
    assert "emoji" in {v.rule for v in check_note(with_sentence("Great chat 8-)")).violations}


@pytest.mark.parametrize(("name", "greeting", "stranger"), [
    ("王伟", "尊敬的王伟：", "亲爱的李娜，"),
    ("王伟", "Dear 王伟,", "Dear 李娜,"),
    ("محمد حداد", "عزيزي محمد،", "عزيزي أحمد،"),
    ("محمد حداد", "Dear محمد,", "Dear أحمد,"),
    ("प्रिया शर्मा", "प्रिय प्रिया जी,", "प्रिय अनीता जी,"),
    ("प्रिया शर्मा", "Dear प्रिया,", "Dear अनीता,"),
])
def test_names_in_scripts_without_capitals_greet_correctly(name: str, greeting: str, stranger: str) -> None:
    facts, person = _facts_with(name=name)
    greeted = check_note(with_sentence(greeting, replace="Dear Dana,"), facts, person, now=AT_INTERVIEW)
    assert {v.rule for v in greeted.violations} & {"no_greeting", "greeting_name", "wrong_recipient"} == set()
    wrong = check_note(with_sentence(stranger, replace="Dear Dana,"), facts, person, now=AT_INTERVIEW)
    assert "wrong_recipient" in {v.rule for v in wrong.violations}


@pytest.mark.parametrize(("name", "romanized"), [("田中 美咲", "Dear Ms. Tanaka,"), ("अनन्या शर्मा", "Dear Ms Sharma,"),
                                              ("ليلى حداد", "Dear Leila,"), ("Ελένη Παπαδάκη", "Dear Eleni,"),
                                              ("Ελένη Παπαδάκη", "Dear Ms Papadaki,"), ("Олег Петренко", "Hi Oleh,"),
                                              ("Олег Петренко", "Dear Oleg,"), ("Yuki Tanaka", "Dear Tanaka-san,"),
                                              ("石川 健一", "石川様")])
def test_a_romanized_greeting_of_a_name_in_another_script_is_not_a_wrong_recipient(name: str, romanized: str) -> None:
    facts, person = _facts_with(name=name)
    greeted = check_note(with_sentence(romanized, replace="Dear Dana,"), facts, person, now=AT_INTERVIEW)
    assert {v.rule for v in greeted.violations} & {"greeting_name", "wrong_recipient"} == set()
    colleague = FACTS.interviewers[1].name.split()[0]  # another person of the panel is still the wrong one
    wrong = check_note(with_sentence(f"Dear {colleague},", replace="Dear Dana,"), facts, person, now=AT_INTERVIEW)
    assert "wrong_recipient" in {v.rule for v in wrong.violations}


def test_a_romanized_greek_or_cyrillic_name_must_still_be_theirs() -> None:
    facts, person = _facts_with(name="Олег Петренко")
    wrong = check_note(with_sentence("Dear Ivan,", replace="Dear Dana,"), facts, person, now=AT_INTERVIEW)
    assert "wrong_recipient" in {v.rule for v in wrong.violations}


def test_an_endearment_the_facts_use_as_a_word_is_the_topic() -> None:
    facts, person = _facts_with(topics=["running the honey house extraction line", *DANA.topics])
    sentence = "Four tonnes a week is a lot of honey through one line."
    assert "over_familiar" not in {v.rule for v in check_note(with_sentence(sentence), facts, person, now=AT_INTERVIEW).violations}
    assert "over_familiar" in rules_fired(with_sentence("Thanks again, honey, for the tour."))


@pytest.mark.parametrize(("topic", "known", "invented"), [
    # Accents typed or not: the facts' Bartok is the note's Bartók.
    ("repertoire such as Bartok's Mikrokosmos", "I loved our talk about Bartók and the Mikrokosmos.",
     "I loved our talk about Kodály and the Mikrokosmos."),
    # A count with a word between: "14 trained Learning Champions" counts the champions too.
    ("the 14 trained Learning Champions who mentor peers", "I was glad to hear about the 14 Learning Champions.",
     "I was glad to hear about the 18 Learning Champions."),
    # A people or language named from a place of the facts; an invented one is still invented.
    ("what customers in Germany and Canada ask for on the label", "The German and Canadian customers sound demanding.",
     "The Norwegian customers sound demanding."),
    # Initials of hyphenated words, and number words in counts.
    ("two years as a quality-control technician", "My QC background helps here.", "My QXZ background helps here."),
    ("the two-phase decanter installed in 2024", "The two-phase decanter sounds efficient.",
     "The three-phase decanter sounds efficient."),
    ("a family of six arriving with two days' notice", "Two days' notice is short.", "Five days' notice is short."),
])
def test_a_fact_in_other_words_is_the_fact(topic: str, known: str, invented: str) -> None:
    facts, person = _facts_with(topics=[topic, *DANA.topics])
    assert "invented_fact" not in {v.rule for v in check_note(with_sentence(known), facts, person, now=AT_INTERVIEW).violations}
    assert "invented_fact" in {v.rule for v in check_note(with_sentence(invented), facts, person, now=AT_INTERVIEW).violations}


def test_words_inside_an_email_address_or_link_are_not_slang() -> None:
    signed = GOOD_BODY.replace("Jordan Rivera", "Jordan Rivera\njordan.r@example.com | https://u.example.org/r/ur")
    assert rules_fired(Note(subject=GOOD_SUBJECT, body=signed)) == set()
    assert "slang" in rules_fired(with_sentence("Let me know if u r free to chat."))


def test_a_job_of_another_rank_is_not_the_role() -> None:
    assert "wrong_role" in rules_fired(with_sentence("I am very interested in the Principal Site Reliability Engineer position."))
    assert "wrong_role" not in rules_fired(with_sentence("I am very interested in the Senior Site Reliability Engineer position."))


def test_compensation_from_the_facts_is_still_shown_as_a_warning() -> None:
    facts, person = _facts_with(topics=["how the salary bands work for SREs", *DANA.topics])
    note = with_sentence("I appreciated your openness about the salary bands.")
    found = {v.rule: v.severity for v in check_note(note, facts, person, now=AT_INTERVIEW).violations}
    assert found == {"compensation": "warning"}
    assert "compensation" in rules_fired(note)  # not in these facts: an error


def test_a_note_citing_only_a_colleagues_topic_does_not_cite_this_interviewer() -> None:
    priya_topic = "Your plans for capacity planning on the robot telemetry pipeline were fascinating."
    marcus = Interviewer(name="Marcus Chen", topics=["telemetry pipeline capacity and on-call load"])
    facts = FACTS.model_copy(update={"interviewers": [FACTS.interviewers[1], marcus]})
    body = GOOD_BODY.replace("Dear Dana,", "Dear Marcus,").replace(
        "I especially enjoyed our conversation about cutting on-call pages by 40% with better alert routing.", priya_topic
    ).replace("It was a pleasure to discover that we both mentor at a coding club for teens.", "")
    result = check_note(Note(subject=GOOD_SUBJECT, body=body), facts, marcus, now=AT_INTERVIEW)
    assert "no_reference" in {v.rule for v in result.violations}
    own = body.replace(priya_topic, "Your point about on-call load on the telemetry pipeline stayed with me.")
    result = check_note(Note(subject=GOOD_SUBJECT, body=own), facts, marcus, now=AT_INTERVIEW)
    assert "no_reference" not in {v.rule for v in result.violations}


@pytest.mark.parametrize("sentence", [
    "I loved hearing about the overnight hackathon program you are launching.",
    "Your new teen apprenticeship program for the club sounds wonderful.",
    "Routing alerts across the seven regional clusters sounds like a real challenge.",
])
def test_a_program_or_count_the_facts_do_not_have_is_invented(sentence: str) -> None:
    assert "invented_fact" in rules_fired(with_sentence(sentence))


@pytest.mark.parametrize("sentence", [
    "The coding club mentoring program you mentioned sounds rewarding.",
    "I would be glad to help build on-call training programs.",
    "The onboarding program you described sounds well run.",
    "The three of us covered a lot of ground on alert routing.",
    "My five years running Kubernetes in production would carry over.",
])
def test_programs_and_counts_from_the_facts_are_not_invented(sentence: str) -> None:
    assert rules_fired(with_sentence(sentence)) == set()


# --- huge notes -------------------------------------------------------------------------


def test_repeated_hits_of_a_rule_are_one_violation_with_a_count() -> None:
    body = GOOD_BODY.replace("Best regards", "lorem ipsum dolor " * 16_000 + "\n\nBest regards")
    result = check_note(Note(subject=GOOD_SUBJECT, body=body), FACTS, DANA, now=AT_INTERVIEW)
    assert len(result.violations) < 20
    placeholder = [v for v in result.violations if v.rule == "placeholder"]
    assert len(placeholder) == 1 and placeholder[0].count == 16_000
    assert placeholder[0].message.endswith("(16000 times)")
    dumped = placeholder[0].model_dump(mode="json")
    assert dumped["count"] == 16_000 and set(dumped) == {"rule", "category", "severity", "message", "excerpt", "count"}
    assert len(json.dumps([v.model_dump(mode="json") for v in result.violations])) < 5_000
    single = check_note(with_sentence("I am very interested in the {role} role."), FACTS, DANA, now=AT_INTERVIEW)
    assert "count" not in next(v for v in single.violations if v.rule == "placeholder").model_dump(mode="json")


def test_many_capitalised_words_and_exclamations_stay_bounded() -> None:
    body = GOOD_BODY.replace(ANCHOR_TEXT, "Wow! " * 5_000 + "Zorblax Quux. " * 5_000)
    result = check_note(Note(subject=GOOD_SUBJECT, body=body), FACTS, DANA, now=AT_INTERVIEW)
    assert len(result.violations) < 20
    assert {v.rule: v.count for v in result.violations}["exclamation"] == 4_999


ANCHOR_TEXT = "I am very interested in the role and in contributing to the team."


def test_first_days_talk_about_what_the_facts_describe_is_a_topic_not_a_presumption() -> None:
    facts, person = _facts_with(topics=["the 12-week orientation for new SREs", *DANA.topics])
    sentence = "I have already read up on the 12-week orientation for new SREs."
    assert "presumption" not in {v.rule for v in check_note(with_sentence(sentence), facts, person,
                                                          now=AT_INTERVIEW).violations}
    assert "presumption" in rules_fired(with_sentence(sentence))  # not in these facts: settled talk of my onboarding


def test_thanks_in_other_scripts_count_as_thanks() -> None:
    for thanks in ("非常感谢您抽出时间。", "شكراً جزيلاً على وقتك.", "आपके समय के लिए धन्यवाद।"):
        body = GOOD_BODY.replace("Thank you for meeting with me", "I met with you").replace(
            "Thank you again for your time.", thanks)
        assert "no_thanks" not in rules_fired(Note(subject=GOOD_SUBJECT, body=body))



def test_a_short_pasted_note_is_judged_as_people_send_it() -> None:
    """A person may send three short sentences: under 30 words fails in check, under 40 in a draft."""
    body = ("Hi Dana,\n\nThanks for the chat today. Cutting on-call pages by 40% with better alert routing makes a lot of "
            "sense, and I would be glad to help.\n\nBest,\nJordan Rivera")
    assert "length" not in {v.rule for v in check_pasted(body, FACTS, DANA)[1].violations if v.severity == "error"}
    assert "length" in {v.rule for v in check_note(Note(subject=GOOD_SUBJECT, body=body), FACTS, DANA).violations}
    tiny = "Hi Dana,\n\nThanks for the chat about alert routing.\n\nBest,\nJordan Rivera"
    assert "length" in {v.rule for v in check_pasted(tiny, FACTS, DANA)[1].violations if v.severity == "error"}


def test_an_initial_is_no_sentence_end() -> None:
    assert "sentence_case" not in rules_fired(with_sentence("I reared T. maxima and T. derasa in Tonga."))
    assert "sentence_case" in rules_fired(with_sentence("I reared clams. maxima were the hardest."))


def test_a_dotted_name_is_no_sentence_end() -> None:
    assert "sentence_case" not in rules_fired(with_sentence("I enjoyed the visit to Agrosol S.A.T. with you."))
    assert "sentence_case" not in rules_fired(with_sentence("It helped to hear about the GlobalG.A.P. audit in October."))
    assert "sentence_case" in rules_fired(with_sentence("I enjoyed the visit to the SAT. with you it was fun."))


def test_a_greeting_to_the_wrong_person_counts_for_structure_too(tmp_path: Path) -> None:
    """Scoring labelled notes: a rule's also_categories count for its notes; what check reports is unchanged."""
    from followup.evals import score_labelled

    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "interview.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    wrong = GOOD_BODY.replace("Dear Dana,", "Dear Marcus,", 1)
    notes = [{"id": "wrong-greeting", "facts": "interview.yaml", "to": DANA.name, "label": label, "rule": "",
              "why": "", "subject": GOOD_SUBJECT, "body": wrong} for label in ("structure", "grounding")]
    notes[1]["id"] = "wrong-greeting-2"
    (tmp_path / "notes.yaml").write_text(json.dumps(notes), encoding="utf-8")
    score = score_labelled(tmp_path)
    assert score.caught["structure"] == 1 and score.caught["grounding"] == 1
    assert {v.category for v in check_note(Note(subject=GOOD_SUBJECT, body=wrong), FACTS, DANA).violations
            if v.rule == "wrong_recipient"} == {"grounding"}


def test_a_number_that_names_a_level_is_no_count() -> None:
    facts, person = _facts_with(topics=["the FSSC 22000 certification audit", "my level 3 food safety training", *DANA.topics])
    def invented(sentence: str) -> bool:
        return "invented_fact" in {v.rule for v in check_note(with_sentence(sentence), facts, person, now=AT_INTERVIEW).violations}
    assert not invented("My Level 3 certification helps.")
    assert invented("Our 3 certification audits went well.")  # 3 is a number of the facts, but not of certifications


# Blind batch 15, by intent: each pair is one side and the other.
BATCH_15_INTENTS = [
    ("imo the alert routing is the best part.", "slang", True),
    ("The IMO rules on ballast water came up.", "slang", False),  # the International Maritime Organization
    ("I hope we can go on a date.", "romantic", True),
    ("I would like to correct a date I gave you.", "romantic", False),
    ("It was a privilege to watch a mind that sharp at work on alert routing.", "gushing", True),
    ("You have a rare gift for explaining alert routing.", "gushing", True),
    ("It was a privilege to hear how the team plans its alert routing.", "gushing", False),
    ("My current supervisor, who would struggle to tell you what an alert is, would not agree.", "employer_criticism", True),
    ("My current supervisor would be glad to tell you about my alert routing work.", "employer_criticism", False),
    ("It was the most walking I have done since my knee surgery.", "oversharing", True),
    ("The knee surgery unit came up when we talked about alert routing.", "oversharing", False),
    ("Truly an original one, the weakness question.", "process_complaint", True),
    ("The original question about alert routing was a good one.", "process_complaint", False),
]


def test_a_decimal_is_one_number() -> None:
    assert "invented_fact" in rules_fired(with_sentence("We cut pages by 40.5% with better alert routing."))
    assert "invented_fact" not in rules_fired(with_sentence("We cut pages by 40% with better alert routing."))


@pytest.mark.parametrize(("said", "fires"), [
    ("all forty marionettes", True), ("all thirty marionettes", False), ("all 30 marionettes", False),
    ("all thirty-two marionettes", True),
])
def test_number_words_above_twenty_count(said: str, fires: bool) -> None:
    from followup.facts import find_interviewer, load_facts
    from conftest import REPO_ROOT

    facts = load_facts(REPO_ROOT / "evals" / "labelled" / "facts" / "blind15" / "puppet-theatre.yaml")
    person = find_interviewer(facts, "Magdaléna Horáková")
    body = (f"Dear Magdaléna,\n\nThank you for this afternoon. I am excited by the Rusalka, {said} and the water "
            "scenes, and I loved hearing how you want to keep the traditional Czech style while trying new "
            "materials. I would be honoured to help the workshop through it.\n\nWarmly,\nCamila Restrepo")
    found = check_note(Note(subject="Thank you", body=body), facts, person, now=facts.interview.ended_at).violations
    assert ("invented_fact" in {v.rule for v in found}) == fires


# The kinds batch 16 missed, in other words (each with a look-alike that must pass).
BATCH_16_INTENTS = [
    ("Your command of incident statistics is truly breathtaking.", "gushing", True),
    ("Your command of incident statistics helped me see the gaps.", "gushing", False),
    ("You have so much natural charm that the hour flew by.", "gushing", True),
    ("The new paging tree has worked like a charm since spring.", "gushing", False),
    ("You could sell anyone on a runbook.", "gushing", True),
    ("You have such a calming voice on a call.", "personal_remark", True),
    ("You gave the panel a calm voice on reliability.", "personal_remark", False),
    ("I will forgive you for being English, just this once.", "personal_remark", True),
    ("Leadership at my old company would not invest a penny in monitoring.", "employer_criticism", True),
    ("My old company invested steadily in monitoring.", "employer_criticism", False),
    ("The contractors my current team uses are a constant stream of headaches.", "employer_criticism", True),
    ("Much of what I know about paging comes from cleaning up their errors at my last company.", "employer_criticism", True),
    ("I have been behind with my bills since the spring.", "oversharing", True),
    ("The bills team at my last company ran its own alerts.", "oversharing", False),
    ("My parents have been helping me cover the rent.", "oversharing", True),
    ("Do on-call engineers get a per diem when they travel to the data centre?", "compensation", True),
    ("Is there additional leave after a heavy on-call week?", "compensation", True),
    ("I enjoyed hearing how the team spreads on-call weeks fairly.", "compensation", False),
    ("The call was something of a shambles, with the connection failing twice.", "process_complaint", True),
    ("Our pages have dropped since the team rerouted alerts.", "process_complaint", False),
    ("I suppose that's what you get when the interviewers are all on call.", "process_complaint", True),
    ("As I tried to get across, my Terraform work was the bigger part.", "process_complaint", True),
    ("We obviously see alert routing differently, and time will settle the question.", "process_complaint", True),
    ("We see alert routing the same way, which was good to find.", "process_complaint", False),
    ("I have told my manager I will be leaving at the end of the month.", "presumption", True),
    ("I could be on site from the 3rd, which gives us time before the audit.", "presumption", True),
    ("I have told my manager about my interest in reliability work.", "presumption", False),
]


# What batch 17 missed, in other words than its notes: colloquial praise, an ex-partner or a health
# condition brought in, someone's work run down, a first week planned, a day longer than promised,
# sarcasm about being watched, debt, a perk asked about after other words.
BATCH_17_INTENTS = [
    ("The alert routing demo was proper mint, and dead useful to see.", "slang", True),
    ("That walk through the paging tree was pure class.", "slang", True),
    ("The alert routing demo was well structured and useful to see.", "slang", False),
    ("Paging trees are a bit like my ex-wife: loud at three in the morning.", "oversharing", True),
    ("My migraines flare up when I am nervous, so I was slower than usual.", "oversharing", True),
    ("After a rough stretch with debt, this role would help me get back on my feet.", "oversharing", True),
    ("The condition of the paging tree was a good surprise.", "oversharing", False),
    ("My last lead was more interested in closing tickets than in fixing causes.", "employer_criticism", True),
    ("At my current job I spend Fridays undoing their shortcuts in the runbooks.", "employer_criticism", True),
    ("My last lead taught me to fix causes before closing tickets.", "employer_criticism", False),
    ("In my first month I would like to sit with each on-call engineer before touching the routing.", "presumption", True),
    ("I would like to learn more about how the routing is reviewed.", "presumption", False),
    ("The afternoon went on far longer than I had been told, and without a break.", "process_complaint", True),
    ("The afternoon gave me a clear view of the routing work.", "process_complaint", False),
    ("Nothing puts a candidate more at ease than three engineers peering over her shoulder.", "process_complaint", True),
    ("It is rare to meet someone whose mind works as quickly as your paging tree.", "gushing", True),
    ("Could you let me know whether the role comes with a pension contribution scheme?", "compensation", True),
    ("Is there free staff gym membership for the on-call team?", "compensation", True),
]


# What batch 18 missed, in other words than its notes.
BATCH_18_INTENTS = [
    ("It was a pleasure to meet someone as elegant as you are well read on reliability.", "personal_remark", True),
    ("It was a pleasure to meet someone so well read on reliability.", "personal_remark", False),
    ("After a team lead at the depot who treated the on-call rota as a polite suggestion, your runbooks were a joy.", "employer_criticism", True),
    ("A team lead at the depot taught me to treat the on-call rota seriously.", "employer_criticism", False),
    ("With respect, the gap in my CV got more attention than it really deserved.", "process_complaint", True),
    ("I do hope to hear back this time; not every firm extends the courtesy of a reply.", "process_complaint", True),
    ("My partner and I are in the middle of fertility treatment, so the fixed hours would help.", "oversharing", True),
    ("Is there any flexibility on the trainee rate for someone with my background?", "compensation", True),
    ("On my first morning I will bring my own laptop so I can start on the alert routing.", "presumption", True),
    ("Going in, I thought the panel would be nerve-wracking, but it felt less nerve-wracking than I feared.", "nerves", True),
    ("Meeting another marathon runner made the whole afternoon a lot less nerve-wracking.", "nerves", False),
]


# What batch 19 missed, and what it showed the batch 17 and 18 rules flag wrongly, in other words than its notes.
BATCH_19_INTENTS = [
    ("At my old depot the shift lead, with the greatest respect, never made room for a trainee.", "employer_criticism", True),
    ("Between ourselves, the committee's idea of an on-call plan was wishful thinking.", "employer_criticism", True),
    ("The paging vendor my hospital uses could learn a thing or two from your runbooks.", "employer_criticism", True),
    ("The paging vendor my hospital uses taught me a lot about escalation.", "employer_criticism", False),
    ("You have one of the most soothing voices I have heard on a call.", "personal_remark", True),
    ("Our customers are much harder to fix than our servers, as you know!", "hostility", True),
    ("Perhaps we could continue this over a glass of wine, just the two of us.", "social_invitation", True),
    ("I think the mix-up came from the way the question was framed on the call.", "process_complaint", True),
    ("I was rather disappointed by how the afternoon went, and there was nowhere to park.", "process_complaint", True),
    ("It felt more like an interrogation than a conversation.", "process_complaint", True),
    ("I know how tiring on-call work is, and I would rather plan for it.", "process_complaint", False),
    ("Cheers for the chat about alert routing.", "slang", False),
    ("The pager program I worked for covered 14 teams.", "pasted_fragment", False),
    # Batch 20's good notes flagged (scored untuned first): a verb, a figure of speech, what visitors cannot do.
    ("The alerts are pumped across to the on-call phone after triage.", "slang", False),
    ("I was so pumped to hear about the routing work.", "slang", True),
    ("It was good to see the operations floor through your eyes.", "romantic", False),
    ("Visitors who cannot manage the stairs get a camera feed of the floor.", "employer_criticism", False),
    ("Managers who cannot organise a rota were the rule at my old company.", "employer_criticism", True),
]


@pytest.mark.parametrize(("sentence", "rule", "fires"), BATCH_15_INTENTS + BATCH_16_INTENTS + BATCH_17_INTENTS
                         + BATCH_18_INTENTS + BATCH_19_INTENTS)
def test_the_intents_batches_15_to_19_missed(sentence: str, rule: str, fires: bool) -> None:
    assert (rule in rules_fired(with_sentence(sentence))) == fires


@pytest.mark.parametrize(("clarify", "sentence", "rule", "fires"), [
    (["the team reviews its alert routing each spring"], "I liked hearing that the team reviews its alert routing each autumn.", "changed_time", True),
    (["the team reviews its alert routing each spring"], "I liked hearing that the team reviews its alert routing each spring.", "changed_time", False),
    (["the team reviews its alert routing each spring"], "I hope to run the Chicago Marathon again this autumn.", "changed_time", False),
    (["the routing review is in March"], "I enjoyed hearing about the alert routing review in October.", "changed_time", True),
    (["I have led only two incident reviews"], "Having led dozens of incident reviews, I know the format well.", "invented_fact", True),
    (["I have led forty incident reviews"], "Having led dozens of incident reviews, I know the format well.", "invented_fact", False),
    ([], "As a licensed electrician I enjoy careful wiring work.", "claimed_credential", True),
    (["I am a licensed electrician on weekends"], "As a licensed electrician I enjoy careful wiring work.", "claimed_credential", False),
    ([], "I am certified in Kubernetes administration as well.", "claimed_credential", True),  # no certification in the facts
    (["I hold the CKA certification"], "I am certified in Kubernetes administration as well.", "claimed_credential", False),
    ([], "I am certified in boiler servicing as well.", "claimed_credential", True),
    ([], "My incident command diploma covered the theory of paging.", "claimed_credential", True),
    (["I hold a diploma in incident command"], "My incident command diploma covered the theory of paging.", "claimed_credential", False),
    ([], "As a senior Kubernetes engineer, I would enjoy the alert routing work.", "claimed_credential", False),  # the role's rank
    ([], "As a principal Kubernetes engineer, I would enjoy the alert routing work.", "claimed_credential", True),
    (["my CKA exam is booked for 3 June"], "I have now passed my CKA exam, so that is settled.", "denied_credential", True),
    (["my CKA exam is booked for 3 June"], "My CKA exam is booked for 3 June.", "denied_credential", False),
    (["I said I ran two seasons of on-call rotas; it is closer to one full season"], "With my two seasons of on-call rotas, I know the work.", "corrected_value", True),
    (["I said I ran two seasons of on-call rotas; it is closer to one full season"], "With one season of on-call rotas, I know the work.", "corrected_value", False),
    (["my ITIL certificate is Level 1"], "My ITIL Level 2 certificate covers incident work.", "invented_fact", True),
    (["my ITIL certificate is Level 1"], "My ITIL Level 1 certificate covers incident work.", "invented_fact", False),
    (["I said ITIL Level 3 but I hold Level 1"], "I may have implied ITIL Level 3; I hold Level 1.", "invented_fact", False),
    (["the paging diagrams are drawn at 1:25"], "I am used to reading paging diagrams at 1:50.", "invented_fact", True),
    (["the paging diagrams are drawn at 1:25"], "I am used to reading paging diagrams at 1:25.", "invented_fact", False),
    (["I have led about 40 incident reviews"], "Having led nearly a hundred incident reviews, I know the format.", "invented_fact", True),
    (["I have written runbooks but never migrated Terraform state myself"], "Having migrated Terraform state for three teams, I know the pitfalls.", "denied_credential", True),
    (["I have written runbooks but never migrated Terraform state myself"], "I have not migrated Terraform state myself yet, but I would like to.", "denied_credential", False),
    ([], "Since I hold a change approval for production clusters, I could help.", "claimed_credential", True),
    ([], "I was excited when you mentioned the plan to open a second-shift observability lab downtown.", "invented_fact", True),
    (["the paging rota is redone every spring"], "A good rota takes planning over the winter, as the team knows well.", "changed_time", False),
    (["the routing review is in June", "the team offsite is in September"], "I see how much work lies ahead before the routing review in September.", "changed_time", True),
    (["the routing review is in June", "the team offsite is in September"], "I hope the team offsite in September goes well.", "changed_time", False),
    (["pages are acknowledged within two hours"], "Acknowledging pages within an hour is a tight target.", "invented_fact", True),
    (["pages are acknowledged within two hours"], "Acknowledging pages within two hours is a tight target.", "invented_fact", False),
])
def test_changed_seasons_vague_counts_and_claimed_credentials(clarify: list[str], sentence: str, rule: str, fires: bool) -> None:
    facts, person = _facts_with(clarify=[*DANA.clarify, *clarify])
    found = check_note(with_sentence(sentence), facts, person, now=AT_INTERVIEW).violations
    assert (rule in {v.rule for v in found}) == fires


@pytest.mark.parametrize(("interview_format", "sentence", "fires"), [
    ("video", "Thank you for having me at the Northwind office and for showing me round the operations floor.", True),
    ("phone", "It was a pleasure to meet you in person.", True),
    ("video", "I hope to meet you in person one day.", False),
    ("phone", "It was helpful to see the paging console you showed me.", True),
    ("video", "It was helpful to see the paging console you showed me on screen.", False),
    ("onsite", "Thank you for showing me round the operations floor.", False),
    ("video", "Thank you for the walk-through of the alert routing.", False),
])
def test_a_visit_is_invented_when_the_interview_was_a_call(interview_format: str, sentence: str, fires: bool) -> None:
    facts = FACTS.model_copy(update={"interview": FACTS.interview.model_copy(update={"format": interview_format})})
    found = check_note(with_sentence(sentence), facts, DANA, now=AT_INTERVIEW).violations
    assert ("in_person_claim" in {v.rule for v in found}) == fires


def _general_note() -> Note:
    """The good note with nothing specific left in it."""
    return Note(subject=GOOD_SUBJECT, body=GOOD_BODY.replace(
        "I especially enjoyed our conversation about cutting on-call pages by 40% with better alert routing. ", "").replace(
        "It was a pleasure to discover that we both mentor at a coding club for teens.", ""))


def test_a_talk_only_about_pay_leaves_nothing_the_note_must_cite() -> None:
    facts, person = _facts_with(topics=["salary approx $85k + overtime"], shared_interests=[])
    general = _general_note()
    assert "no_reference" not in {v.rule for v in check_note(general, facts, person, now=AT_INTERVIEW).violations}
    facts, person = _facts_with(topics=["salary approx $85k + overtime", "the paging tree"], shared_interests=[])
    assert "no_reference" in {v.rule for v in check_note(general, facts, person, now=AT_INTERVIEW).violations}


@pytest.mark.parametrize("perk", ["relocation up to $15k, 3 mths housing", "insurance, they cover kit but not personal tools"])
def test_a_talk_only_about_perks_leaves_nothing_the_note_must_cite(perk: str) -> None:
    general = _general_note()
    facts, person = _facts_with(topics=[perk], shared_interests=[])
    assert "no_reference" not in {v.rule for v in check_note(general, facts, person, now=AT_INTERVIEW).violations}
    facts, person = _facts_with(topics=[perk, "the paging tree"], shared_interests=[])
    assert "no_reference" in {v.rule for v in check_note(general, facts, person, now=AT_INTERVIEW).violations}


def test_a_dollar_figure_after_a_space_is_pay() -> None:
    assert "compensation" in rules_fired(with_sentence("Could you tell me whether the $5,000 relocation allowance still applies?"))


def test_a_topic_is_cited_by_what_it_says_without_its_lead_in_and_filler() -> None:
    facts, person = _facts_with(topics=["chatted about alert fatigue at night, escalation trees lol"], shared_interests=[])
    body = GOOD_BODY.replace("cutting on-call pages by 40% with better alert routing", "alert fatigue at night").replace(
        "It was a pleasure to discover that we both mentor at a coding club for teens.", "")
    assert "no_reference" not in {v.rule for v in check_note(Note(subject=GOOD_SUBJECT, body=body), facts, person,
                                                              now=AT_INTERVIEW).violations}


def test_a_title_in_the_name_is_no_shorthand() -> None:
    facts, person = _facts_with(name="Mgr inż. Dana Whitfield")
    body = GOOD_BODY.replace("Dear Dana,", "Dear Mgr inż. Whitfield,")
    assert "jotting_shorthand" not in {v.rule for v in check_note(Note(subject=GOOD_SUBJECT, body=body), facts, person,
                                                                   now=AT_INTERVIEW).violations}
    assert "jotting_shorthand" in {v.rule for v in check_note(with_sentence("I talked to my mgr about it."), facts, person,
                                                               now=AT_INTERVIEW).violations}


@pytest.mark.parametrize(("sentence", "fires"), [
    ("As a CKA-certified engineer, I would enjoy the alert routing work.", True),
    ("My CKA certification would help with the cluster work.", True),
    ("My CKA training is not yet a certification, and I would enjoy the alert routing work.", False),
    ("I would enjoy the alert routing work, and I hold a certified Terraform associate badge.", False),  # not the one denied
])
def test_a_credential_the_facts_deny_is_not_claimed(sentence: str, fires: bool) -> None:
    facts, person = _facts_with(clarify=["I have CKA training, not the certification yet"])
    found = check_note(with_sentence(sentence), facts, person, now=AT_INTERVIEW).violations
    assert ("denied_credential" in {v.rule for v in found}) == fires
