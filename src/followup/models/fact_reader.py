"""Reading jotted facts for what they are, so the offline composer can weave them in.

People write facts in a hurry: "we talked about my CRRT experience", "she asked how I handle a
short-staffed night", "i said 10 yrs but its 12", "note to self - mention the skills fair lol".
Pasted into a sentence frame as typed, these break the note. :func:`read_fact` first tidies an
item (lead-ins, shorthand, filler, capitals of weekdays, months and languages) and then says what
kind of thing it is, so the composer can pick a frame that fits; an item it cannot place is
``unusable`` and is left out with a notice (:func:`left_out_notices`) rather than pasted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..facts import Facts, FactText, fact_texts

# Kinds of item:
#   topic       a noun phrase: "the on-call rotation", "how I would run a crew"
#   question    the interviewer's question, as its object: "how I handle a short-staffed night"
#   point       a clause about the interviewer, said to them: "you use Arc", "you need someone by April"
#   exercise    the subject of a regret, without it: "the case study" of "I bombed the case study"
#   want        who the interviewer wants for the role: "someone who can mentor the new graduates"
#   moment      something that happened, as a clause: "I made the braised short rib"
#   interest    shared ground as a clause: "we both coach little league", "you also speak Spanish"
#   interest_np shared ground as a noun phrase: "trail running"
#   strength_np / strength_adj / strength_clause   a candidate strength as a phrase, "good with ...", "I ran ..."
#   highlight   a clause true of the whole day: "the unit is opening 8 new beds in March"
#   topic_self  a topic about the candidate: "my time at the county clinic"
#   asked       what the candidate asked: "the training budget"
#   recap       what the candidate told them, as a clause: "I closed 92% of files within 30 days"
#   enjoyed     part of the day the candidate enjoyed: "the campus tour with a student guide"
#   unasked     something the candidate meant to ask about: "the reporting structure"
#   more        a subject to say more about: "my Terraform work"
#   missing     something not said in the interview: "my CCRN", "that I can work Sundays"
#   explain     something said too thinly: "my Opera PMS experience"
#   addition    a first-person clause to add: "I use SBAR and escalate ..."
#   followup    a question whose answer deserves more: the question's object
#   doubt       a point the candidate undersold: its subject ("online teaching")
#   correction  a number to correct: text is the corrected statement, ``wrong`` the number said
#   unusable    anything else: left out, with a notice


@dataclass(frozen=True)
class Fact:
    kind: str
    text: str  # the item as a phrase or clause to embed mid-sentence
    source: str  # the item as written (what tweaks and guardrails match against)
    path: str = ""  # its field path in the facts file, for notices
    wrong: str = ""  # for a correction: the figure first given
    added: str = ""  # for a clarify point with a second half: what to add ("my answer was brief; I led X")


# --- tidying ----------------------------------------------------------------------------

_CAPITALISED = {w.lower(): w for w in (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April June July August September "
    "October November December English Spanish French German Portuguese Italian Mandarin Cantonese Chinese "
    "Japanese Korean Arabic Hindi Urdu Bengali Punjabi Russian Polish Ukrainian Vietnamese Tagalog Filipino Farsi "
    "Persian Hebrew Greek Turkish Dutch Swahili Somali Amharic Haitian Creole Thai Khmer Hmong Navajo Latin Tamil "
    "Telugu Malayalam Gujarati Marathi Nepali Burmese Yoruba Igbo Hausa Zulu Malay Indonesian Romanian Hungarian "
    "Czech Serbian Croatian Albanian Armenian Kurdish Pashto Dari Tigrinya Oromo Swedish Norwegian Danish Finnish "
    "Xhosa Afrikaans Sesotho Setswana Tswana Ndebele Shona Tongan Samoan Fijian Bislama Maori Māori Hawaiian Icelandic "
    "Catalan Basque Galician Welsh Gaelic Maltese Slovak Slovenian Bulgarian Macedonian Bosnian Lithuanian Latvian "
    "Estonian Georgian Azerbaijani Kazakh Uzbek Mongolian Tibetan Sinhala Lao Cebuano Ilocano Wolof Lingala Kinyarwanda "
    "Quechua Guarani Aymara Nahuatl Inuktitut Cree Ojibwe Yiddish Flemish Auslan BSL Makaton "
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho "
    "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi "
    "Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia "
    "Washington Wisconsin Wyoming Chicago Boston Seattle Denver Atlanta Houston Dallas Philadelphia Phoenix "
    "Toronto Vancouver Montreal London Paris Berlin Madrid Rome Lyon Dublin Sydney Melbourne Tokyo Fresno Tacoma "
    "Portland Austin Detroit Miami Oakland Sacramento Leeds Manchester Copenhagen Malmö Stockholm Oslo Lisbon Porto "
    "Mexico Canada Europe Asia Africa America Brazil Italy Spain France Germany Portugal China Japan Korea India "
    "Vietnam Philippines Nigeria Ghana Kenya Ireland Scotland England Wales Poland Ukraine Russia Israel Egypt "
    "Colombia Peru Chile Argentina Cuba Jamaica Haiti Australia Sweden Norway Denmark Finland Netherlands Belgium "
    "Switzerland Austria Greece Turkey Chinatown Christmas Thanksgiving Easter Ramadan Diwali Excel PowerPoint Outlook "
    "Salesforce Workday Tableau Photoshop InDesign Illustrator Figma Procore Revit SketchUp Rhino Lumion AutoCAD "
    "QuickBooks Dentrix Eaglesoft Cerner Pyxis Covid Medicare Medicaid Postgres PostgreSQL Kafka Python Java "
    "JavaScript TypeScript Kubernetes Docker Terraform Jira Salesforce Shopify Zendesk HubSpot NetSuite Klaviyo "
    "Instagram TikTok LinkedIn Facebook YouTube").split()}
_TWO_WORD_NAMES = {"new york": "New York", "new jersey": "New Jersey", "new mexico": "New Mexico",
                   "north carolina": "North Carolina", "south carolina": "South Carolina",
                   "north dakota": "North Dakota", "south dakota": "South Dakota", "west virginia": "West Virginia",
                   "rhode island": "Rhode Island", "new hampshire": "New Hampshire", "los angeles": "Los Angeles",
                   "san francisco": "San Francisco", "san diego": "San Diego", "sign language": "Sign Language",
                   "new orleans": "New Orleans", "las vegas": "Las Vegas", "big ten": "Big Ten",
                   "san jose": "San Jose", "st louis": "St. Louis", "new zealand": "New Zealand"}
# "march" and "may" are months only where a date is meant.
_AMBIGUOUS_MONTH = re.compile(r"\b(?:(?<=in )|(?<=by )|(?<=since )|(?<=until )|(?<=early )|(?<=late )|(?<=mid )|"
                              r"(?<=mid-)|(?<=next )|(?<=last )|(?<=this )|(?<=of ))(march|may)\b"
                              r"|\b(march|may)(?= \d)")
# "late nov", "oct 12", "12 sept": a month jotted short, where a date is meant.
_MONTH_NAMES = {name[:3].lower(): name for name in "January February March April May June July August September October November "
                "December".split()}
_WEEKDAYS = {day[:3].lower(): day for day in "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()}
_SHORT_MONTHS = {"jan": "January", "feb": "February", "apr": "April", "jun": "June", "jul": "July", "aug": "August",
                 "sep": "September", "sept": "September", "oct": "October", "nov": "November", "dec": "December"}
_DATE_BEFORE = "|".join(rf"(?<=\b{word} )" for word in
                        "early late mid in by since until from before after of end start".split()) + r"|(?<=\d )|(?<=mid-)"
_SHORTHAND = [
    *((rf"(?:{_DATE_BEFORE})\b[{short[0]}{short[0].upper()}]{short[1:]}\b\.?|\b[{short[0]}{short[0].upper()}]{short[1:]}\.?(?= \d)", month)
      for short, month in _SHORT_MONTHS.items()),
    (r"\bw/o\b", "without"), (r"\bw/(?=\s|\w)", "with "), (r"\bb/c\b", "because"), (r"\bbc\b", "because"),
    (r"(?<=[\w.]) \+ (?=\w)", " and "), (r"(?<=[a-z]) & (?=[a-z])", " and "), (r"(?<=\w)\+(?=[a-z])", " and "),
    (r"(?<=\d)-(?:hrs?|hours?)\b", "-hour"), (r"(?<=\d)-(?:mins?|minutes?)\b", "-minute"), (r"(?<=\d)-(?:secs?)\b", "-second"),
    (r"(?<=\d)-(?:yrs?)\b", "-year"), (r"(?<=\d) ?secs?\b", " seconds"), (r"\btil\b", "until"), (r"\blvl\b", "level"),
    (r"\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\s*[-\u2013]\s*((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b",
     lambda m: "\u2013".join(_MONTH_NAMES.get(w.lower()[:3], w) if w.lower() in (_MONTH_NAMES.get(w.lower()[:3], "").lower(),
                                                                                 w.lower()[:3], "sept") else w for w in m.groups())),
    (r"(?i:\b(mon|tues?|wed|thu|thurs?|fri|sat|sun)(?=\s*(?:/|,|&|\+|-|and)\s*(?:mon|tues?|wed|thu|thurs?|fri|sat|sun)\b))|"
     r"(?i:(?:(?<=(?:mon|tue|wed|thu|fri|sat|sun)[/,&+-])|(?<=(?:tues|thur)[/,&+-])|(?<=thurs[/,&+-]))(mon|tues?|wed|thu|thurs?|fri|sat|sun)\b)|"
     r"(?<=\band )(mon|tues?|wed|thu|thurs?|fri|sat|sun)\b(?=\s*(?:$|[,.;]|for|to|and|at|in|morning|night|evening))|"
     r"\b(mon|tues?|wed|thu|thurs?|fri)\b(?!-)",
     lambda m: m.group()[: len(m.group()) - len(m.group().lstrip())] + _WEEKDAYS[next(g for g in m.groups() if g).lower()[:3]]),
    (r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s*-\s*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
     r"\1 to \2"),
    (r"\bwknds?\b|\bWKNDS?\b", "weekends"), (r"\basst\b", "assistant"), (r"\bcomps?\b(?= (?:I|we|in|at)\b)", "competition"),
    (r"\bspecs\b", "specifications"), (r"(?<=\ba )doc\b(?! review)", "doctor"),
    (r"(?-i:\b(AND|OR|NOT|VERY|REALLY|ALL|ALWAYS|NEVER|BOTH|ONLY)\b)", lambda m: m.group().lower()),
    (r",?\s*\b(?:in|for) the (?:note|email|e-mail|thank[- ]you(?: note)?)\b(?=\s*(?:,|$|\bor\b|\band\b))", ""),
    (r"\byrs\b", "years"), (r"\byr\b", "year"), (r"\bhrs\b", "hours"), (r"(?<=\d)hr\b", " hour"), (r"(?<=\d )hr\b|(?<=\ban )hr\b|(?<=\bper )hr\b", "hour"), (r"\bhr\b", "HR"), (r"\bmins\b", "minutes"),
    (r"(?<=\d )min\b", "minutes"), (r"\bppl\b", "people"), (r"\bmgmt\b", "management"), (r"\bmgr\b", "manager"),
    (r"\bdept\b", "department"), (r"\besp\.?(?=\s)", "especially"), (r"\bapprox\.?(?=\s)", "about"),
    (r"\bincl\.?(?=\s)", "including"), (r"\bconvos?\b", "conversation"), (r"(?<=\blast )co\b|(?<=\bcurrent )co\b|(?<=\bold )co\b|(?<=\bprior )co\b|(?<=\bprevious )co\b", "company"), (r"\bavg\b\.?", "average"), (r"\bprob\b", "probably"),
    (r"\bdef\b(?= (?:[a-z]+)\b)", "definitely"), (r"\brly\b", "really"), (r"\btmrw\b", "tomorrow"), (r"\bappts\b", "appointments"), (r"\bappt\b", "appointment"),
    (r"\bthru\b", "through"), (r"\bok\b", "OK"), (r"\bgovt\b", "government"), (r"\babt\b", "about"),
    (r"\bwks\b", "weeks"), (r"\bwk\b", "week"), (r"(?<=\d )mos\b", "months"), (r"(?<=\d )mo\b", "months"),
    (r"\bvs\.?(?=\s)", "versus"), (r"\bcerts\b", "certifications"), (r"\bcert\b", "certification"),
    (r"\bdoc review\b", "document review"), (r"\bexp\b", "experience"), (r"\binfo\b", "information"),
    (r"\bi\.e\.,?", "that is,"), (r"\b(?:re|ref):\s*", "about "), (r"\s*->\s*", " to "), (r"\s@\s", " at "),
    (r"\bat (current|last|previous|prior|old|former) (job|company|employer|role|position|shop|clinic|hospital|school|lab|"
     r"store|place|org|organization|agency|firm)\b", r"at my \1 \2"),
    (r"\b(BS|BA|MS|MA|BSc|MSc|PhD|MBA|AAS) (?=[a-z]{3,}\b)(?!in\b|from\b|at\b|and\b|with\b|degree)", r"\1 in "),
    (r"\bdocs\b", "documents"), (r"\bops\b", "operations"), (r"\bwpm\b", "words per minute"),
    (r"\b(\d[\d,]*)\+ (?=[a-z])", r"over \1 "),
    (r"\b([a-z]{3,})/(day|week|month|year|hour|shift|night)\b", r"\1 a \2"), (r"\b([a-z]{3,})/min\b", r"\1 a minute"),
    (r"\b([a-z]{3,})/hr\b", r"\1 an hour"),
    (r"\b(?!and\b)([a-z]{3,})/(?!or\b)([a-z]{3,})\b", r"\1 and \2"),
    (r"(?<![\w~])~\s?(?=\d)", "about "), (r"\b(\d[\d,.]*)-?ish\b", r"about \1"), (r"\babout about\b", "about"),
    (r"\b(\d+)[- ]hours? (?=shifts?\b)", r"\1-hour "), (r"\bapps\b(?= (?:from|for|at|in|a|per|each|every)\b|$)", "applications"),
    (r"\bgrads\b", "graduates"), (r"\bpts\b", "patients"), (r"\b(a|the|one|each|every|new|my) pt\b", r"\1 patient"),
    (r"\bat (last|current|previous|prior) org\b", r"at my \1 organization"), (r"\b(my|last|current|old|previous|prior) org\b", r"\1 organization"), (r"\bdidnt\b", "did not"), (r"\bdont\b", "do not"), (r"\bcant\b", "cannot"),
    (r"\bwasnt\b", "was not"), (r"\bisnt\b", "is not"), (r"\bim\b", "I am"), (r"\bive\b", "I have"),
    (r"\b([Hh]e|[Ss]he)s\b", r"\1 is"), (r"\b([Tt]hey)re\b", r"\1 are"), (r"\b[Ww]ho's (?=(?:done|been|worked|led|run|had|seen|built|managed|used|taught)\b)", "who has "),
    (r"\b[Ww]ho's\b", "who is"),
    (r"\b[Ii]'m\b", "I am"), (r"\b[Ii]'ve\b", "I have"), (r"\b[Ii]'ll\b", "I will"),
    (r"\b[Ii]'d (?=(?:asked|brought|mentioned|said|explained|shown|had|been|done|told|talked|gone|known|[a-z]+ed)\b)", "I had "),
    (r"\b[Ii]'d\b", "I would"), (r"\bshould've\b", "should have"), (r"\bcould've\b", "could have"),
    (r"\bthey're\b", "they are"), (r"\bwe're\b", "we are"), (r"\b[Ss]he's been\b", "she has been"),
    (r"\b[Hh]e's been\b", "he has been"), (r"\bshe's\b", "she is"), (r"\bhe's\b", "he is"), (r"\bShe's\b", "She is"),
    (r"\bHe's\b", "He is"), (r"\bit's\b", "it is"), (r"\bits\b(?= (?:actually|really|\d|[a-z]+ly\b))", "it is"),
    (r"\bthat's\b", "that is"), (r"\bthere's\b", "there is"),
    (r"\bdidn't\b", "did not"), (r"\bdon't\b", "do not"), (r"\bcan't\b", "cannot"), (r"\bwasn't\b", "was not"),
    (r"\bisn't\b", "is not"), (r"\bwon't\b", "will not"), (r"\bwouldn't\b", "would not"), (r"\bcouldn't\b", "could not"),
    (r"\bshouldn't\b", "should not"), (r"\bhaven't\b", "have not"), (r"\bi\b", "I"),
    (r"(?<=\w) stuff\b", " work"), (r"\bq([1-4])\b", r"Q\1"), (r"\bway (?=[a-z]+er\b)", "much "),
]
_SHORTHAND_COMPILED = [(re.compile(p), r) for p, r in _SHORTHAND]
_FILLER = re.compile(
    r"\s*\b(?:lol|lmao|haha+|hehe|tbh|(?-i:imo|Imo)|imho|fwiw|btw|ugh|omg|idk|ngl|smh|jk|yay|oops|whew|phew|yikes|eek|obvs|"
    r"kinda|sorta|basically|honestly|literally|obviously|fyi)\b[.!:]*(?:,(?=\s*$))?"
    r"|\s*\((?:[^()]*\?[^()]*|\s*(?:check|verify|tbd|not sure|i think|maybe|sp\?)\s*)\)"
    r"|\s*[!?]{2,}|\s*\.{3,}|\s*\u2026|[\U0001F300-\U0001FAFF\u2600-\u27BF]", re.I)
_LIKE = re.compile(r"\b(?:(?<=for )|(?<=was )|(?<=is )|(?<=took )|(?<=about )|(?<=in )|(?<=, ))like,?\s+(?=\w)"
                   r"|(?<!more )\blike\s+(?=\d)|,\s*like,|(?<!look)(?<!looks)(?<!looked)(?<!feels)(?<!sounds)(?<!seems)\s+like$", re.I)
_SMILEY = re.compile(r"(?<!\w)[:;=][\-o']?[)(DPp](?!\w)")


def tidy(text: str) -> str:
    """An item as a clean phrase: no filler, shorthand spelled out, names capitalised, no final stop."""
    text = " ".join(str(text).split())
    text = _SMILEY.sub("", text)
    text = _FILLER.sub("", text)
    text = _LIKE.sub("", text)
    for pattern, replacement in _SHORTHAND_COMPILED:
        text = pattern.sub(replacement, text)
    text = re.sub(r",?\s*\(?\be\.?g\.?,?\s+([^,;()]+)\)?", r" (for example, \1)", text, flags=re.I)
    text = re.sub(r"\s*\betc\.?$", "", text)
    text = re.sub(r"(?<=\w) (?:thing|things|stuff)\b(?=$|[,;.)])", "", text)  # "the water rates thing"
    text = re.sub(r"\s*\((?:only|just|a bit|a little|kinda|kind of|sort of|not much|not really|barely|maybe|I think|tbh)\b[^()]*\)", "",
                  text, flags=re.I)  # "(only a little)": a hedge for the writer, not the reader
    text = re.sub(r"\s*\([^()]*\b(?:I think|I guess|I believe|not sure|he said|she said|they said|I reckon)\b[^()]*\)", "", text,
                  flags=re.I)  # "(he said 3 I think)": the writer's own memory
    text = re.sub(r"\s*\([^()]*\b(?:I|me|my|never met|nice|small world|but still|lol|haha|ok|okay|weird|funny|did it|done it|"
                  r"same|me too)\b[^()]*\)", "", text, flags=re.I)  # "(nice guy)", "(small world)": remarks for the writer
    text = _capitalise_names(text)
    text = re.sub(r"([,;:])(?:\s*,)+", r"\1", re.sub(r"\s+([,;:])", r"\1", " ".join(text.split())))  # a comma a filler word left
    return text.strip(" .!?;:,-\u2013\u2014\"'")


_NOT_PLACES = {"home", "scratch", "zero", "school", "work", "there", "here", "college", "abroad", "overseas", "out",
               "nowhere", "somewhere", "elsewhere", "town", "nothing", "experience", "retail", "hospitals", "kitchens",
               "restaurants", "schools", "clinics", "hotels", "sales", "nursing", "hospitality", "construction", "finance",
               "person", "teams", "shifts", "rotation", "private", "public", "practice", "general", "theory"}


def _capitalise_names(text: str) -> str:
    for lower, proper in _TWO_WORD_NAMES.items():
        text = re.sub(rf"\b{lower}\b", proper, text)
    # "she's from bologna, my family is from modena": one word after "is from" is a place.
    text = re.sub(r"\b(?:(?:is|are|was|were|am|come|comes|came|'s|both|also|grew up|originally) from|(?:lived|live|living|grew up|"
                  r"raised|born|based|stationed|studied|worked|trained) in|(?:moved|moving|relocated|relocating) (?:here )?from) "
                  r"(?:a while in |for a while in |in )?([a-z]+)\b(?=$|,| and\b| for\b| too\b| as\b| early\b| before\b)",
                  lambda m: m.group() if m.group(1) in _NOT_PLACES else m.group()[: -len(m.group(1))] + m.group(1).capitalize(),
                  text)
    text = _AMBIGUOUS_MONTH.sub(lambda m: m.group().capitalize(), text)
    text = acronyms_capitalised(text)
    return re.sub(r"(?<![\w-])[a-zö]+\b(?!-)", lambda m: _CAPITALISED.get(m.group()) or _plural_name(m.group()), text)


# A jotted word of two to five consonants is an acronym ("nhs", "crc", "cwb"), unless it is a unit or a
# shortening people write in lower case.
_CONSONANTS_ONLY = re.compile(r"(?<![\w'’./@-])[bcdfghjklmnpqrstvwxz]{2,5}(?![\w'’@]|\.\w)")
_LOWER_CASE_SHORTENINGS = {"km", "kg", "cm", "mm", "ml", "mg", "lb", "lbs", "ft", "st", "nd", "rd", "th", "nth", "vs", "mr",
                           "ms", "mrs", "dr", "jr", "sr", "hmm", "hm", "brr", "psst", "shh", "tsk", "pls", "plz", "thx",
                           "msg", "pkg", "qty", "mph", "kph", "ltr", "hrs", "yrs", "mths", "wks", "pcs", "cwt", "bpm", "dpi"}


def acronyms_capitalised(text: str) -> str:
    """"the nhs trust" is "the NHS trust"."""
    return _CONSONANTS_ONLY.sub(lambda m: m.group() if m.group() in _LOWER_CASE_SHORTENINGS else m.group().upper(), text)


def _plural_name(word: str) -> str:
    """"tuesdays" is "Tuesdays"."""
    proper = _CAPITALISED.get(word[:-1]) if word.endswith("days") else None
    return proper + "s" if proper else word


# --- words and clauses ------------------------------------------------------------------

_LEAD_IN = re.compile(
    r"^(?:(?:we|i|she|he|they|the two of us|both of us)\s+)?(?:also\s+|briefly\s+|mostly\s+|then\s+|really\s+)?"
    r"(?:talked|spoke|chatted|went over|went through|got into|discussed|covered|touched on|dug into|"
    r"had a (?:long |good |great |quick )?(?:chat|talk|conversation|discussion)|a lot of talk|lots of talk|"
    r"conversation|discussion|talk|chat|convo|spent (?:most of the |a lot of |much of the |the whole |some )?time)"
    r"(?:\s+(?:a lot|a bit|a little|at length|for a while|briefly|mostly))?\s*[:-]?\s*(?:about|on|re|around|regarding|of)?\s+"
    r"|^(?:about|regarding|re)\s+(?!\d)",
    re.I)
# "talked it for like 5 min", "for a while", "for 20 minutes": how long something was discussed.
_DURATION = re.compile(r"\s*,?\s*(?:\b(?:we\s+)?(?:talked|spoke|chatted)\b(?:\s+(?:it|about it|that))?\s*)?"
                       r"(?<!\bin )\b(?:for|about)\s+(?:a while|a bit|ages|a long time|(?:about |around )?\d+\s*(?:minutes|min|hours|mins))\b.*$",
                       re.I)
_SUBJECT = r"(?:she|he|they)"
_ASKED = re.compile(rf"^(?:{_SUBJECT}\s+(?:also\s+)?asked(?:\s+me)?|(?:also\s+)?asked\s+me|(?:{_SUBJECT}\s+)?(?:quizzed|grilled|pressed)\s+me)"
                    r"(?:\s+(?:a lot|a bunch|a few questions|questions|lots))?\s*(?:about|on|regarding|re|for)?\s+(?P<rest>.+)$", re.I)
_QUESTION_NOTE = re.compile(r"^(?:q|qs|question|questions)\s*(?:about|on|re|:|-)\s*(?P<rest>.+)$", re.I)
_BARE_ASKED = re.compile(r"^(?:also\s+)?asked\s*[:-]?\s+(?:about\s+)?(?P<rest>.+)$", re.I)
# "how do I handle X" asked as a question reads "how I handle X" inside a sentence.
_DIRECT_QUESTION = re.compile(r"^(how|what|why|when|where|which) (?:(do|does|did)|(would|will|can|could|should)) I\b", re.I)
_CANDIDATE_ASKED = re.compile(r"^(?:I\s+(?:also\s+)?asked(?:\s+(?:her|him|them))?|(?:also\s+)?asked\s+(?:her|him|them))\s+(?:about\s+)?(?P<rest>.+)$", re.I)
_CANDIDATE_TOLD = re.compile(r"^I\s+(?:also\s+)?(?:(?:told|showed|walked|gave|shared with)\s+(?:her|him|them)|brought up|"
                             r"mentioned|talked about|explained|described|walked through|shared)\s+"
                             r"(?:about\s+|through\s+|that\s+)?(?P<rest>.+)$", re.I)
_REPORTED = re.compile(rf"^(?:{_SUBJECT}\s+(?:also\s+)?|(?=told me))(?P<verb>said|mentioned|explained|told me|shared|noted|described|pointed out|"
                       r"brought up|talked about|walked me through|showed me|gave me|stressed|emphasi[sz]ed)"
                       r"(?:\s+(?P<that>that))?\s+(?P<rest>.+)$", re.I)
_THEIR_CLAUSE = re.compile(rf"^(?P<subject>{_SUBJECT})\s+(?P<adverb>(?:also|too|both|really|still|just|clearly|now)\s+)?(?P<verb>[a-z']+)(?P<rest>.*)$",
                           re.I)
_IMPRESSION = re.compile(rf"^{_SUBJECT}\s+(?:also\s+|really\s+)?(?:seemed|seems|looked|looks|sounded|sounds|appeared|felt)\b", re.I)
_BOTH = re.compile(r"^(?:we\s+)?both\s+|^we\s+(?:both|each)\s+|^(?:same|also)\s+", re.I)
_CLAUSE_START = re.compile(r"^(?:I|we|you|she|he|they|it|there)\b", re.I)
_QUESTION_WORD = re.compile(r"^(?:how|what|why|when|where|whether|which|who|if)\b", re.I)
_THIRD_TO_SECOND = {"has": "have", "is": "are", "was": "were", "does": "do", "doesn't": "do not", "isn't": "are not"}
_FINITE = re.compile(
    r"(?<![-\w'])(?:is|are|was|were|has|have|had|do|does|did|will|would|can|could|should|may|might|must|wants?|needs?|"
    r"thinks?|said|says|asked|asks|told|loves?|likes?|uses?|runs?|plans?|expects?|hopes?|lost|lose|gets?|got|"
    r"makes?|made|goes|went|takes?|took|knows?|knew|starts?|started|opens?|opened|launch(?:es)?|launched|"
    r"moves?|moved|hires?|hired|works?|worked|spends?|spent|grows?|grew|keeps?|kept|sees?|saw|calls?|called|"
    r"speaks?|spoke|studied|studies|trained|coach(?:es)?|coached|volunteers?|volunteered|feels?|felt|"
    r"hate|hates|love|prefer|prefers|rotate|rotates|cover|covers|offer|offers|struggle|struggles|won|climbs?|"
    r"fish|fishes|rowed|ran|run|grew|did|play|plays|played|aims?|intends?|tries|tried|am|"
    r"rolling|switching|moving|opening|bidding|piloting|hiring|launching|building|expanding|renovating)(?![-\w'])", re.I)
# The verbs that make an item a clause rather than a noun phrase ("the unit is short-staffed").
_CLAUSE_VERB = re.compile(r"(?<![-\w'])(?:is|are|was|were|has|have|had|will|would|can|could|should|must|does|did|do|"
                          r"wants|needs|thinks|said|says|told|asked|seems|feels|looks|sounds|lost|went|got|took|"
                          r"barked|dropped|walked|kept|smelled)(?![-\w'])", re.I)
# "management reviews every file": a subject of a word or two, then a verb in -s before its object.
_S_VERB = re.compile(r"^(?:the |a |an )?[a-z-]+ (?:[a-z-]+ )?[a-z]{3,}s (?:every|each|all|the|a|an|any|most|no)\b"
                     # "drivers only get home time": a plural subject, then its verb
                     r"|^(?:the |our |your )?[a-z-]+s (?:only |also |just |still |now |usually |often |all )?"
                     r"(?:get|have|do|need|want|work|use|see|take|make|go|come|rotate|cover|start|stay|share|run|pick|"
                     r"handle|lose|leave|earn|pull)\b", re.I)
# "the department changed twice in 3 years": a verb in the past with its time.
_PAST_WITH_TIME = re.compile(r"\b[a-z]+ed (?:twice|once|again|recently|last|in \d|in the last|from \d|to \d|by \d|over the)",
                             re.I)
_PAST_CLAUSE = re.compile(r"(?<![-\w'])(?:was|were|had|took|got|went|did|lost|barked|dropped|walked|kept|smelled|"
                          r"laughed|felt|[a-z]+ed)(?![-\w'])", re.I)
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|where|when|how|what|why|whether|if|because|while)\b", re.I)
_PAST_START = re.compile(
    r"^(?:ran|led|built|wrote|opened|won|grew|cut|managed|launched|started|created|designed|trained|taught|"
    r"raised|saved|reduced|increased|improved|handled|oversaw|supervised|developed|implemented|organi[sz]ed|"
    r"coordinated|delivered|completed|passed|earned|made|did|cooked|served|worked|mentored|coached|"
    r"precepted|hosted|drove|sold|closed|fixed|installed|wired|rebuilt|redesigned|migrated|balanced|"
    r"shadowed|toured|met|presented|demoed|showed|walked|gave|brought|prepared|cleaned|took|set up|spent|caught|found|"
    r"hired|negotiated|resolved|placed|processed|answered|booked|scheduled|reconciled|audited|cleared|shipped|"
    r"recruited|onboarded|pitched|published|edited|grew|doubled|tripled|halved|lowered|raised|secured|rode|flew|sailed|swam|"
    r"dove|dived|climbed|fought|kept|held|sang|played|lived|studied|volunteered)\b", re.I)
# A strength jotted with its verb and no "I": "speaks Tamil", "carry about 150 files".
_PRESENT_START = re.compile(
    r"^(?:speak|read|write|know|carry|handle|manage|run|lead|supervise|train|teach|coach|mentor|work|show up|"
    r"keep|love|enjoy|use|hold|own|build|fix|cook|drive|stay|remain|explain|adapt|listen|learn|spot|cope|deal|"
    r"communicate|prioriti[sz]e|organi[sz]e|multitask|solve|lift|follow|check|plan|notice|care|take|bring|stick|double-check|"
    r"stay calm|think)(?:s|es)?\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:blank\w*|fumbl\w*|stumbl\w*|mess\w* up|messed|botch\w*|bomb\w*|flubb?\w*|struggl\w*|wrong|mistakes?|"
    r"undersold|understated|downplayed|screw\w* up|choked|froze|awkward|nervous|rambl\w*|terrible|awful|"
    r"embarrass\w*|regret\w*|ugh|dumb|stupid|bad|sorry|apolog\w*|nightmare|worst|hate|hated|confusing|"
    r"annoying|rude|(?:running|was|were|ran|arrived|showed up) late|freezing|dropped|barked)\b", re.I)
# What a fact may hold that no thank-you note should say: pay, perks and working arrangements
# (a later conversation), a note to self or a doubt, and slang.
_PAY = (r"salary|salaries|pay|paycheck|compensation|benefits package|pto|bonus\w*|tuition|reimburs\w*|take-home pay|"
        r"allowances?|discounts?|pension|differential|stipend|wage\w*|insurance|401k|perks?|raise|equity|stock options|"
        r"benefits(?! (?:open enrollment|enrollment|administration|admin)\b)|paid time off|vacation days|relocation|"
        r"remote(?= (?:work|working|days?|policy|options?|role|first)\b|\s*(?:$|[-,;?]))|fully remote|wfh|work from home|hybrid(?= (?:working|work|role|schedule|model|arrangement|pattern|policy)\b|\s*(?:$|[-,;?]))|company car|per hour|an hour|staff meals?|free (?:meals?|lunch|lunches|food|parking|"
        r"uniforms?|tickets?|entry|passes|membership|livery)|commission|fuel card|van home|staff housing|housing is|rent is|"
        r"(?:^|\b(?:over|about|discussed|the|pay|hourly|day|daily|shift|overtime|base|night|weekend|contract) )rates?(?! of\b)")
_UNSURE = r"todo|tbd|ask (?:her|him|them)|remember to|look up|find out|check if|send|not sure|idk|maybe"
_SLANG = r"gonna|wanna|gotta|dope|awesome|stoked|pumped|vibes?|legit|convo|deets|yeah|yep|nope|tho|cuz|super"
_ABOUT_PAY = re.compile(rf"\b(?:{_PAY})\b|\$|/hr\b", re.I)


def about_pay(text: str) -> bool:
    """Whether a jotted fact is about pay, perks or working arrangements ("commission", "start date jan"):
    for a later conversation, never for a thank-you note (the composer leaves it out; no rule asks for it)."""
    return _ABOUT_PAY.search(text) is not None
_UNFIT = re.compile(rf"\?|\b(?:{_UNSURE}|{_PAY}|{_SLANG})\b|\$|/hr\b", re.I)
_EVALUATIVE = ("nice|lovely|great|beautiful|bright|clean|organi[sz]ed|small|tiny|big|huge|quiet|quieter|busy|loud|fun|"
               "cool|friendly|welcoming|modern|old|gorgeous|amazing|impressive|rare|stressful|chaotic|cramped|cold|"
               "hot|fancy|new|pretty|packed")
_REMARK = re.compile(r"^(?:really |so |very |super |kind of |pretty )?(?:nice|lovely|great|beautiful|gorgeous|amazing|cool|fun|"
                     r"fancy|pretty|huge|tiny|cute|friendly|funny|sweet|kind|chill|sharp|smart|warm|welcoming|"
                     r"easygoing|intense|tough|intimidating|awesome|terrifying|scary|quiet|shy|weird|odd|strange)(?![-\w])"
                     r"|^(?:a )?(?:bit|little|tad) (?:weird|odd|strange|awkward|cold|intense|much|off)\b|\bnice (?:guy|lady|woman|man|person)\b"
                     r"|\b(?:smells?|smelled|smelt|looks?|looked|feels?|felt|seems?|seemed)\s+(?:really |so |very |super )?"
                     r"(?:amazing|great|nice|lovely|awesome|cool|fun|chaotic|mad|crazy|gorgeous|incredible)\b|\bmad (?:busy|hectic|quiet)\b"
                     rf"|\b(?:is|are|was|were|seemed|felt)\s+(?:really |so |very |"
                     rf"super |way |pretty |quite |much )?(?:{_EVALUATIVE}|a (?:nightmare|mess|maze|zoo))(?![-\w])", re.I)
_PRAISE = re.compile(r"^(?:the\s+)?(?P<x>.+?)\s+(?:was|were)\s+(?:really |so |very |super )?"
                     r"(?:lovely|nice|great|fun|beautiful|wonderful|helpful|fantastic|impressive|interesting)$", re.I)
_DETERMINERS = {"the", "a", "an", "you", "we", "our", "your", "every", "each", "all", "most", "there", "this",
                "that", "its", "my", "their", "his", "her", "some", "no", "any", "both", "it", "I", "they", "she", "he"}
_COMMON_STARTS = set(
    "a an the how what why when where which whether who our my we your their its this that these those both some "
    "more most much many any all each every she he they you it there asked talked discussed spoke chatted "
    "mentioned said told wants needs has have had is are was were also just really lots lot another other "
    "new old big small great good long short first second last next about "
    # words a jotted strength often starts with, capitalised only as the first word of the item
    "visual empathy battery blade sourdough customer customers friendly confident fluent patient calm safety team "
    "cash stock food health manual heavy fire forklift kitchen animal child dental medical strong excellent "
    "quick fast basic advanced hands-on front back night early late weekend".split())


def _second_person(clause: str) -> str:
    """A clause about the interviewer said to them: "she also has a dog" becomes "you also have a dog"."""
    match = _THEIR_CLAUSE.match(clause)
    if not match:
        return _possessives(clause, plural=True)
    verb = match.group("verb")
    lower = verb.lower()
    if lower in _THIRD_TO_SECOND:
        verb = _THIRD_TO_SECOND[lower]
    elif match.group("subject").lower() != "they":
        if lower.endswith("ies") and len(lower) > 4:
            verb = verb[:-3] + "y"
        elif re.search(r"(?:ss|sh|ch|x|z|o)es$", lower):
            verb = verb[:-2]
        elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
            verb = verb[:-1]
    return _possessives(f"you {match.group('adverb') or ''}{verb}{match.group('rest')}", plural=True)


def _possessives(text: str, plural: bool = False) -> str:
    """The interviewer's "her team", "his unit" said to them: "your team", "your unit". "they" (the
    interviewer's side) becomes "you"; "their" too with ``plural`` or where no plural noun before it can own it."""
    text = re.sub(r"\b(?:her|his)\b(?= (?:own )?(?:[a-z]|[A-Z]{2,}\b))", "your", text)
    text = re.sub(r"\b(?:she|he)\b(?= \w)", "you", text)
    text = re.sub(r"\bhim\b", "you", text)
    text = re.sub(r"\bthey\b(?= \w)", lambda m: m.group() if re.search(
        r"\b(?:[a-z]+[^su\W]s|someone|somebody|anyone|anybody|a person|a (?:customer|client|patient|guest|passenger|member|parent|"
        r"student|caller|visitor|donor|tenant|resident|driver))\b(?:\s+\w+){0,3}\s*$", text[: m.start()])
                  else "you", text)  # "my tickets and when they expire": the tickets; "someone upset they can't": that person
    if plural:
        text = re.sub(r"\bthem\b", "you", text)

    def their(match: re.Match[str]) -> str:
        before = text[: match.start()].split()[-3:]
        owned = not plural and any(re.fullmatch(r"[a-z]+[^su]s", w) for w in before)
        # "tell a client their dog ...": a person just named owns it, not the interviewer
        owned = owned or (len(before) >= 2 and before[-2].lower() in ("a", "an", "the", "each", "every", "any", "my"))
        return match.group() if owned else "your"

    text = re.sub(r"\btheir\b(?= (?:own )?[a-z])", their, text)
    text = re.sub(r"\byou (?:is|was)\b", lambda m: "you are" if "is" in m.group() else "you were", text)
    text = re.sub(r"\byou (has|does|wants|needs|says|thinks|likes|loves|runs|uses|plans|expects|hopes|speaks|sees|"
                  r"starts|climbs|coaches|works|keeps|gets)\b",
                  lambda m: "you " + {"has": "have", "does": "do", "coaches": "coach"}.get(m.group(1), m.group(1)[:-1]),
                  text)
    return text


def _lower_first(text: str) -> str:
    """Mid-sentence, a fact starts lower-case unless its first word may be a name, an acronym or "I"."""
    first = text.split(" ", 1)[0]
    if not first[:1].isupper() or not first[1:].islower() or first.lower() in _CAPITALISED:
        return text
    if first.lower() in _COMMON_STARTS or re.fullmatch(r"[A-Z][a-z]+(?:ing|ed|ion|ions|ment|ments|ness|ity|ance|ence|ship|ive|ful|ous|ics)", first):
        return first.lower() + text[len(first):]
    return text


def _has_finite_verb(text: str) -> bool:
    return bool(_FINITE.search(text))


def _is_clause(text: str) -> bool:
    """A main verb outside any relative clause: "the unit is short-staffed", not "the team that is growing"."""
    if _S_VERB.match(text) or _PAST_WITH_TIME.search(text):
        return True
    words = text.split()
    # "cat walked across my keyboard": a bare noun, then a verb in the past
    if words and words[0].lower() not in _DETERMINERS and not words[0].endswith("ing") and any(
            re.fullmatch(r"[a-z]{3,}ed", w) and w not in _PARTICIPLES for w in words[1:3]) and len(words) > 2 \
            and words[-1] not in _COUNT_NOUNS:
        return True
    for match in _CLAUSE_VERB.finditer(text):
        before = text[: match.start()].split()[-4:]
        if not any(_RELATIVE.fullmatch(word) for word in before):
            return True
    return False


def _clean_clause(text: str) -> str:
    """"How I'd run a crew" and the like: first word lower-case, contractions spelled out, a direct
    question made indirect ("how do I handle X" reads "how I handle X")."""
    text = _lower_first(tidy(text))
    return _DIRECT_QUESTION.sub(lambda m: f"{m.group(1)} I" + (f" {m.group(3)}" if m.group(3) else ""), text)


# Words in -ed that describe a noun rather than say what happened ("advanced", "automated testing").
_PARTICIPLES = set("advanced automated based certified detailed experienced focused limited mixed related required "
                   "skilled specialized specialised supervised licensed integrated centered centred needed used "
                   "unexpected expected published blended shared".split())
_MASS_NOUNS = set("turnover management staffing overtime retention leadership morale training parking security traffic "
                  "funding hiring onboarding coverage demand volume revenue growth attendance enrollment research "
                  "safety quality compliance scheduling recruiting payroll".split())


# Nouns that need an article when a jotted topic is only the noun phrase ("supervision model").
_COUNT_NOUNS = set("model plan program programme process policy system project schedule budget rotation pilot "
                   "initiative audit test tool structure workflow dashboard app site season contract pipeline "
                   "roadmap framework curriculum unit wing clinic office campaign launch migration redesign "
                   "rollout review exam interview residency fellowship committee board fleet business crew "
                   "group team department refresh strategy calendar".split())


def _with_article(clause: str) -> str:
    """"unit is opening 8 new beds" reads "the unit is opening 8 new beds"."""
    words = clause.split()
    if (len(words) > 1 and words[0].islower() and words[0] not in _DETERMINERS and not words[0][0].isdigit()
            and words[0] not in _MASS_NOUNS and not (words[0].endswith("s") and not words[0].endswith("ss"))
            and any(_FINITE.fullmatch(w) or re.fullmatch(r"[a-z]{3,}ed", w) for w in words[1:4])):
        return "the " + clause
    return clause


def _first_person(text: str) -> bool:
    return re.search(r"\b(?:I|me|my|mine|myself)\b", text) is not None


def _head_and_asides(text: str) -> tuple[str, list[str]]:
    """"staff retention, she said they lost 3 cooks": the item, then what follows its commas."""
    parts = [p.strip() for p in re.split(r", (?![^()]*\))", text) if p.strip()] or [""]
    head, asides = parts[0], parts[1:]
    # "guest complaints, especially during overbooking" is one phrase.
    while asides and re.match(r"^(?:especially|including|mostly|mainly|particularly|such as|from|for|in|on|at|with)\b",
                              asides[0], re.I):
        head = f"{head}, {asides.pop(0)}"
    return head, asides


# --- reading ----------------------------------------------------------------------------

_MISSING = re.compile(
    r"^(?:I\s+)?(?:also\s+)?"
    r"(?P<aux>did not|didn't|didnt|never|forgot to|never got to|neglected to|failed to|meant to|wanted to|want to|need to|"
    r"should have|wish I(?: had| would have| would)?|regret not|could have|would like to|'d like to|"
    r"must|have to|gotta|remember to|should|ought to)?\s*(?:get to |have a chance to |have time to |got to )?"
    r"(?P<verb>mention(?:ed|ing)?|say|said|saying|talk(?:ed|ing)? about|bring(?:ing)? up|brought up|bring|explain(?:ed|ing)?|"
    r"show(?:ed|n|ing)?|describe[d]?|describing|cover(?:ed|ing)?|share[d]?|sharing|highlight(?:ed|ing)?|"
    r"ask(?:ed|ing)? about|ask(?:ed|ing)?|go into|went into|walk (?:her|him|them) through|tell (?:her|him|them)(?: about)?|"
    r"emphasi[sz]e[d]?|stress(?:ed)?|talk up)\s+(?:(?:in|to) (?:the|my|this) (?:note|e-?mail|letter|thank[- ]you(?: note)?)\s*[:,-]?\s+)?"
    r"(?:that\s+)?(?P<rest>.+)$", re.I)  # "mention in the note I'm fine with radios": the note is this one
_BASE_VERB = re.compile(r"^(?:mention|say|ask about|bring up|explain|show|describe|cover|share|highlight|talk about|tell|emphasi[sz]e|stress|talk up)\b", re.I)
_NOTE_TO_SELF = re.compile(r"^(?:note to self|reminder|n\.?b\.?|remember)\s*[-:,]?\s*(?P<rest>.+)$", re.I)
_ADDITION_LEAD = re.compile(r"^(?:I\s+)?(?:want|wanted|would like|'d like|need)\s+to\s+(?:add|say|mention|clarify|note|stress|emphasi[sz]e)"
                            r"\s*[:-]?\s+(?:that\s+)?", re.I)
_CORRECTION = re.compile(
    r"^(?:correction\s*[-:,]?\s*)?(?:I\s+)?(?:said|told (?:her|him|them|the panel)|mentioned|put|wrote|claimed)\s+(?:that\s+)?(?P<said>.+?)"
    r"\s*(?:,|;|\s-\s|\bbut\b|\bwhen\b)+\s*(?:but\s+)?(?:(?P<subject>it|that|the real number|the number|the answer|really|in fact)?\s*"
    r"(?P<verb>is|was|'s|its|are|were|I meant|meant)?\s*)?(?:actually|really|in fact)?\s*(?P<hedge>(?:closer to|more like|nearer|about|around|roughly|approx(?:imately)?\.?)\s+)?(?P<real>[\w.,%+-]+(?:\s+[\w%.-]+){0,4}?)"
    r"(?:\s+(?:actually|really))?$", re.I)
_NUMBER = r"\d+(?:\.\d+)?[km]?%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
_FOLLOWUP = re.compile(r"\b(?:my\s+)?(?:answer|response|reply|example)\s+(?:to|about|on|regarding|around|for)\s+(?:the\s+question\s+(?:about|on)\s+)?"
                       r"(?P<subject>.+?)(?:\s+(?:was|were|felt|came out|came across|sounded|seemed|got|wasn't|was not|"
                       r"lacked|missed|skipped|did not|didn't)\b.*)?$"
                       r"|\b(?:the\s+)?question\s+(?:about|on|regarding)\s+(?P<subject2>.+?)(?:\s+(?:was|were|went|threw)\b.*)?$", re.I)
_DOUBT = re.compile(r"\b(?:less|little|limited|no|not (?:much|enough|a lot of)) (?:experience|background|exposure|practice)\s+"
                    r"(?:with|in|on|of|at|doing)\s+(?P<subject>.+?)(?:\s+than\b.*)?$", re.I)
_SEPARATOR = re.compile(r"\s*(?:;|\s-\s|\s\u2013\s|:|,\s*(?:but|so|and)?\s*(?=(?:I|want|need|would|wanna)\b))\s*")
_WELL = re.compile(r"\s+(?:very |that |so |really )?(?:well|better|more|clearly|enough|fully|properly|in detail|at all|much)$",
                   re.I)

Read = tuple[str, str, str, str]  # kind, text, wrong, added
# A full stop inside an item, then more: two jottings, of which only the first is read.
_FIRST_SENTENCE = re.compile(r"(?<![.\s](?:e\.g|i\.e))(?<!\b(?:vs|st|dr|mr|ms))(?<!\b(?:etc|mrs))(?<!\bdept)(?<!\bapprox)"
                             r"(?<=[a-z0-9)])[.!?]+\s+(?=[A-Za-z])", re.I)


def read_fact(text: str, field: str, path: str = "") -> list[Fact]:
    """What one list item of the facts says, as one or more facts ready for a frame.

    ``field`` is the list it comes from: topics, shared_interests, clarify, strengths or highlights.
    """
    source = str(text)
    return [Fact(kind, phrase, source, path, wrong, added) for kind, phrase, wrong, added in _read(source, field)]


def _unusable(text: str) -> tuple[Read]:
    return (("unusable", text, "", ""),)


@lru_cache(maxsize=4096)
def _read(source: str, field: str) -> tuple[Read, ...]:
    text = tidy(_FIRST_SENTENCE.split(str(source), maxsplit=1)[0])  # "OT rules. seniority based too": the first
    if not text or len(text.split()) > 32:
        return _unusable(text)
    # Corrections, regrets and additions read the same wherever they were jotted.
    if (found := _as_clarification(text, strict=field != "clarify")) is not None:
        return found
    if field != "clarify" and (_UNFIT.search(text) or _NEGATIVE.search(text)):
        head, asides = _head_and_asides(text)  # "shift handovers, he hates bad ones": the topic without the aside
        if asides and not (_UNFIT.search(head) or _NEGATIVE.search(head)):
            text = ", ".join([head, *(a for a in asides if not (_UNFIT.search(a) or (
                _NEGATIVE.search(a) and re.match(rf"^{_SUBJECT}\b", a, re.I))))])
    if _UNFIT.search(text):
        return _unusable(text)
    if _NEGATIVE.search(text) and field not in ("strengths", "clarify"):
        subject, worked_through = _regret_subject(text) if field == "topics" else (None, False)
        if not subject:
            return _unusable(text)
        # "I bombed the case study": the case study was something to work through, not a talk
        return tuple(("exercise", *read[1:]) if read[0] == "topic" and worked_through else read
                     for read in _as_topic(subject))
    if field == "strengths":
        return (_as_strength(text),)
    if field == "highlights":
        return (_as_highlight(text),)
    if field == "clarify":
        return (_as_clause_to_add(text),)
    if field == "shared_interests" or _BOTH.match(text) or re.match(r"^we (?:both|all)\b", text, re.I):
        return (_as_interest(text),)
    # "his 30 years in boxes", "their same-day service": the interviewer's, said to them.
    return tuple((kind, re.sub(r"^(?:his|her|their)\b(?= \w)", "your", phrase), *rest) if kind == "topic" else (kind, phrase, *rest)
                 for kind, phrase, *rest in _as_topic(text))


# "I bombed the case study", "blanked on the question about budgets": what it was about, without the verdict.
_REGRET = re.compile(r"^(?:I\s+)?(?:think\s+I\s+|feel like I\s+)?(?:totally |kind of |really |completely |kinda |sort of )?"
                     r"(?:bombed|blanked on|blanked during|fumbled|flubbed|botched|messed up|stumbled on|stumbled through|"
                     r"rambled on|rambled through|rambled during|froze on|froze during|choked on|struggled with|struggled on|"
                     r"screwed up)\s+(?P<subject>.+)$", re.I)
_QUESTION_SUBJECT = re.compile(r"^(?:the |your |their |her |his |a )?question (?:about|on|regarding) (?P<x>.+)$"
                               r"|^(?:the |your |their |her |his |a )?(?P<y>.+?) question$", re.I)


# An aside that only judges the candidate's own answer: "messed up the pricing part", "so embarrassing".
_SELF_CRITICISM = re.compile(r"^(?:messed|botched|bombed|fumbled|flubbed|blanked|froze|rambled|choked|struggled)\b"
                             r"|^(?:so |very |really |pretty |totally )?(?:embarrass\w*|awkward|rough|bad|terrible|awful)$",
                             re.I)


def _regret_subject(text: str) -> tuple[str | None, bool]:
    """A topic jotted with self-criticism ("the take-home, I rambled way too much", "I bombed the case
    study"): the subject alone, as a topic to cite, or None when nothing but the criticism is left;
    and whether it was something the candidate worked through (a test, a question) rather than talked about."""
    head, *asides = [p for p in re.split(r",\s+|\s+[-\u2013\u2014]\s+", text) if p.strip()] or [""]
    if not _NEGATIVE.search(head) and asides and all(_first_person(a) or _SELF_CRITICISM.match(a) for a in asides):
        return head, not _LEAD_IN.match(head + " ")  # "the take-home, I rambled"; "we talked about X, I rambled"
    match = _REGRET.match(text)
    if not match:
        return None, False
    subject = re.split(r",|\s+(?:because|and then|so|but)\b", match.group("subject"))[0].strip()
    subject = _WELL.sub("", re.sub(r"\s+(?:a bit|a little|completely|totally|badly|big time|hard)$", "", subject))
    if not subject or _NEGATIVE.search(subject) or _first_person(subject.replace("my ", "")):
        return None, False
    if question := _QUESTION_SUBJECT.match(subject):
        return f"she asked about {question.group('x') or question.group('y')}", False  # read back as the question
    return subject, True


def _as_clarification(text: str, strict: bool) -> tuple[Read, ...] | None:
    text = re.sub(r"^(?:probably|definitely|honestly|really|also|oh and|and)\s+", "", text, flags=re.I)
    if re.match(r"^(?:I\s+)?(?:said|told)\b", text, re.I):
        text = re.sub(r"\s*\([^()]*\)\s*$", "", text)  # "... it's 3 (forgot about rocket)": the aside is for the writer
    # "should have said more about my audit - I got flustered": how it felt is for the writer too
    text = re.sub(r"\s+(?:-|\u2013)\s+I\s+(?:got|was|felt|think I|kind of|kinda|totally)\b.*$", "", text)
    text = re.sub(r"^(?:I\s+)?(?:forgot(?: to mention)?|missed|did not mention|didn't mention|never mentioned)\s*[:-]\s*",
                  "forgot to mention ", text, flags=re.I)  # "forgot: I speak ASL"
    if match := _CORRECTION.match(re.sub(r"\s{2,}", " ", _HEDGED_FIGURE.sub(r"\g<verb> \g<hedge> ", text))):
        if found := _correction(match):
            return (found,)
        if meant := _MEANT.match(text):
            return (("correction", f"I meant {meant.group('real')}", meant.group("said"), ""),)
        if meant := _MEANT_IN_CLAUSE.match(text):
            said, real = meant.group("said"), meant.group("real")
            return (("correction", f"{meant.group('clause')} {real}", said, ""),)
        if re.search(r"\d", text) and re.match(r"^(?:I\s+)?(?:said|told)\b", text, re.I):
            return _unusable(text)  # a correction of a figure it cannot make out: never pasted as said
    return _as_jotted_clarification(text, strict)


# "told her tuesday, meant thursday": a word said for another.
_MEANT = re.compile(r"^(?:I\s+)?(?:said|told (?:her|him|them|the panel))\s+(?P<said>[\w.:-]+(?: [\w.:-]+)?)\s*(?:,|;|\bbut\b|\s-\s)+\s*"
                    r"(?:but\s+)?(?:I\s+)?meant\s+(?P<real>[\w.:-]+(?: [\w.:-]+){0,2})$", re.I)
# "told her I passed the exam in october, meant april": a clause whose last word was said for another.
_MEANT_IN_CLAUSE = re.compile(r"^(?:I\s+)?(?:said|told (?:her|him|them|the panel))\s+(?:that\s+)?(?P<clause>I\s+[\w' ]+?)\s+(?P<said>[\w.:-]+)"
                              r"\s*(?:,|;|\bbut\b|\s-\s)+\s*(?:but\s+)?(?:I\s+)?meant\s+(?P<real>[\w.:-]+)$", re.I)
# "but I think it was 65k", "but its closer to 3000": the hedge kept before the figure, the filler dropped.
_HEDGED_FIGURE = re.compile(r"\b(?:I think |I believe |probably )?(?P<verb>it was|it is|it's|its|it were)\s+"
                            r"(?P<hedge>closer to|more like|nearer|about|around|roughly|approx(?:imately)?\.?)?\s*(?=\d)", re.I)


def _as_jotted_clarification(text: str, strict: bool) -> tuple[Read, ...] | None:
    if follow := re.match(r"^(?:I\s+)?(?:need to |should |must |to |want to )?follow[- ]?up (?:on|about|re|with (?:him|her|them) (?:on|about))\s+"
                          r"(?P<rest>.+)$", text, re.I):
        return (("unasked", _possessives(_clean_clause(follow.group("rest")), plural=True), "", ""),)
    to_self = _NOTE_TO_SELF.match(text)
    if to_self:  # a note to self is never a topic, wherever it was jotted
        text, strict = to_self.group("rest"), False
    if match := _ADDITION_LEAD.match(text):
        return None if strict else (_as_clause_to_add(text[match.end():]),)
    match = _MISSING.match(text)
    if match and not match.group("aux") and (strict or not _BASE_VERB.match(match.group("verb"))):
        match = None
    if match:
        verb = match.group("verb").lower()
        rest, asides = _head_and_asides(_WELL.sub("", match.group("rest")))
        rest = _WELL.sub("", _clean_clause(rest))
        if not rest or _UNFIT.search(rest) or _NEGATIVE.search(rest):
            return _unusable(text)
        if verb.startswith("ask"):
            return (("unasked", _possessives(rest), "", ""),)
        noun_phrase = re.match(r"^(?:the|my|our|a|an)\b", rest, re.I) and not re.match(
            r"^(?:the|my|our|a|an) (?:[\w-]+ ){0,2}(?:is|was|are|were|has|had|will|can)\b", rest, re.I)
        if not noun_phrase and ((_CLAUSE_START.match(rest) and not rest.lower().startswith(("it ", "there "))) or _is_clause(rest)):
            rest = "that " + rest
        kind = "explain" if verb.startswith(("explain", "describ", "go into", "went into", "walk")) else "missing"
        return ((kind, rest, "", ""),)
    if to_self:
        return _unusable(text)
    return None


def _correction(match: re.Match[str]) -> Read | None:
    """"I said I had four years of ICU experience, it is actually six": a clean correction of the number."""
    said, real = tidy(match.group("said")), tidy(match.group("real"))
    number = re.search(rf"\b(?:{_NUMBER})(?=\b|%|x\b)", said, re.I)
    real_number = re.match(rf"^(?:{_NUMBER})(?=\b|%|x\b)[%x]?", real, re.I)
    if not number or not real_number:
        return None
    unit = re.sub(r"^[a-z]+ed\b\s*", "", real[real_number.end():].strip())  # "it was 12 walked": 12 of what was said
    percent = said[number.end(): number.end() + 1] in ("%", "x") and said[number.end(): number.end() + 1]
    hedge = (match.group("hedge") or "").strip()
    hedge = {"more like": "closer to", "approx": "about", "approx.": "about", "approximately": "about"}.get(hedge.lower(), hedge)
    figure = re.sub(r"(?<=\d)[%x]$", "", real_number.group())
    corrected = said[: number.start()] + (f"{hedge} " if hedge else "") + figure + said[number.end():]
    measure = unit.split()[-1].lower().removesuffix("s") if unit else ""
    if unit and unit.lower() not in corrected.lower() and not re.search(rf"\b{re.escape(measure)}s?\b", corrected, re.I):
        if not re.match(r"^(?:at|in|with|for|on|as)\b", unit, re.I):
            return None  # "10 years but it's 12 months": not the same measure ("one full season" of "seasons" is)
        corrected += " " + unit
    if figure.lower() in ("1", "one"):
        corrected = re.sub(rf"(?<=\b{figure} )(\w+?)s\b", r"\1", corrected, count=1)  # "one seasons": "one season"
    wrong = number.group() + (percent or "")
    statement = re.sub(r"^I\s+(?:had|have)\s+", "I have ", corrected)
    if years := re.match(rf"^I have ({_YEARS}\b.*)$", statement):
        statement = "I have " + _years_of(years.group(1))  # "I have 3 years HPLC": "3 years of HPLC experience"
    if re.match(r"^I [a-z]+ed\b.*\bsince\b", statement):
        statement = "I have " + statement[2:]  # "I worked there since 2021" reads "I have worked there since 2021"
    if not statement.startswith("I "):
        statement = _lower_first(statement)
        if re.match(r"^(?:my|our) ", statement) and _is_clause(statement):
            return ("correction", statement, wrong, "")  # "our ROAS was 4x"
        if _is_clause(statement):
            return None
        statement = _years_of(statement)  # "12 years security": "12 years of security experience"
        if re.fullmatch(rf"(?:about |closer to )?{_YEARS}", statement):
            return ("correction", f"I have {statement} of experience", wrong, "")  # "I said 4 years but it's 6"
        tense = "was" if (match.group("verb") or "").lower() in ("was", "were") or re.match(r"^\d{4}\b", statement) \
            else "is"
        statement = f"it {tense} {statement}"
    return ("correction", statement, wrong, "")


# "my training is IMO Level 2, not Level 3": the right statement and the figure it replaces.
_STATED_NOT = re.compile(r"^(?P<real>(?:I|my|our|it|that|the)\b.*?\b(?:is|was|are|were|has|had|have|built|finished|"
                         r"hold|held|ran|run|led|managed|trained|worked)\b.+?),?\s+(?:not|rather than|instead of)\s+"
                         r"(?P<wrong>[\w.%/-]+(?:\s+[\w.%/-]+){0,3})$", re.I)


def _as_clause_to_add(text: str) -> Read:
    """A clarify point: a fumble turned into what to add, a first-person clause, or a subject to say more about."""
    if (stated := _STATED_NOT.match(text)) and not _NEGATIVE.search(stated.group("real")):
        return ("correction", stated.group("real"), stated.group("wrong"), "")
    parts = _SEPARATOR.split(text, maxsplit=1)
    problem = parts[0].strip()
    added = parts[1].strip() if len(parts) > 1 else ""
    if added:
        added = _addition_text(added)
        # "messed up the sauce temp, want to say I know it should be 165": without its first half, "it" means nothing.
        if not added or _NEGATIVE.search(added) or _UNFIT.search(added) or (
                _NEGATIVE.search(problem) and re.search(r"\b(?:it|that|this|they|them)\b", added, re.I)):
            added = ""
    if match := _ADDITION_LEAD.match(problem):
        problem = problem[match.end():]
    if match := _DOUBT.search(problem):
        return ("doubt", _clean_clause(match.group("subject")), "", added)
    if match := _FOLLOWUP.search(problem):
        subject = _clean_clause(match.group("subject") or match.group("subject2") or "")
        if subject and not _NEGATIVE.search(subject):
            return ("followup", subject, "", added)
    if _NEGATIVE.search(problem) or _REMARK.search(problem):
        if added:
            return ("addition", added, "", "")
        return ("unusable", text, "", "")
    if re.match(r"^I\b", problem) and _has_finite_verb(problem) and "," not in problem:
        return ("addition", _addition_text(problem) or problem, "", "")
    if _PAST_START.match(problem) or re.match(r"^(?:have|am|can|speak|know|hold)\b", problem, re.I):
        return ("addition", "I " + _lower_first(problem), "", "")
    noun_phrase = re.match(r"^(?:my|our|the|a|an)\b", problem, re.I) is not None  # "my Terraform work"
    if (_has_finite_verb(problem) and not noun_phrase) or _is_clause(problem) or _CLAUSE_START.match(problem) \
            or "," in problem:
        return ("unusable", text, "", "")
    return ("more", _lower_first(problem), "", added)


def _addition_text(text: str) -> str:
    text = tidy(text)
    if match := _ADDITION_LEAD.match(text):
        text = text[match.end():]
    text = re.sub(r"^(?:wanna|want to|need to|would like to)\s+(?:say|add|mention)\s+(?:that\s+)?", "", text, flags=re.I)
    if not re.match(r"^I\b", text):
        return ""
    return text


_YEARS = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty)\+? years?"


def _as_strength(text: str) -> Read:
    kind, phrase, wrong, added = _strength_read(text)
    return (kind, _offerable(phrase) if kind == "strength_np" else phrase, wrong, added)


# "msc meteorology, univ of bergen": a degree, its subject and where it was taken.
_DEGREE = re.compile(r"^(?P<degree>bsc|msc|ba|ma|bs|ms|phd|mba|meng|beng|mphil|llb|bed|med|pgce|hnd|diploma|associate'?s?)"
                     r"\.?\s+(?:degree\s+)?(?:in\s+)?(?P<subject>[a-z][a-z &-]+?)(?:\s*(?:,|\(|-|\bfrom\b|\bat\b)\s*(?P<school>[^()]+?)\)?)?$", re.I)
_DEGREE_FORMS = {"bsc": "BSc", "msc": "MSc", "ba": "BA", "ma": "MA", "bs": "BS", "ms": "MS", "phd": "PhD", "mba": "MBA",
                 "meng": "MEng", "beng": "BEng", "mphil": "MPhil", "llb": "LLB", "bed": "BEd", "med": "MEd", "pgce": "PGCE",
                 "hnd": "HND"}


def _as_degree(text: str) -> Read | None:
    match = _DEGREE.match(text)
    if not match:
        return None
    degree = _DEGREE_FORMS.get(match.group("degree").lower(), match.group("degree").lower())
    school = match.group("school")
    if school and not re.search(r"\b(?:univ\w*|college|institute|school|academy|polytechnic|uni)\b", school, re.I):
        return None  # "ma history of art, 2 yrs cataloguing": not a place of study
    place = ""
    if school:
        place = " from " + re.sub(r"\buniv\b\.?|\buni\b", "University", school.strip()).title().replace(" Of ", " of ").replace(" The ", " the ")
    place = place.replace(" from University", " from the University")
    return ("strength_np", f"my {degree} in {match.group('subject').strip()}{place}", "", "")


def _strength_read(text: str) -> Read:
    if degree := _as_degree(text):
        return degree
    languages = [p.strip() for p in re.split(r",\s*|\s+and\s+|\s*\+\s*", text) if p.strip()]
    if len(languages) >= 2 and all(_LANGUAGE.fullmatch(p) or _CAPITALISED.get(p.lower(), "").istitle() and _LANGUAGE_LIKE.search(p)
                                   for p in languages):
        return ("strength_clause", "I speak " + ", ".join(languages[:-1]) + " and " + languages[-1], "", "")
    parts = [p.strip() for p in re.split(r"[,;](?!\d{3}\b)\s*(?![^()]*\))", text) if p.strip()]  # not "1,500"
    read = [_strength_part(p) for p in parts]
    read = [r for r in read if r[0] != "unusable"] or read[:1]  # "on call for 3 years, wrote our runbooks"
    if len(read) > 1 and re.fullmatch(rf"(?:about )?{_YEARS}", read[0][1]) and read[1][0] == "strength_np":
        what = read[1][1].removeprefix("experience with ").removeprefix("my ")  # "7 yrs, colour specialist"
        read = [("strength_np", f"{read[0][1]} as {_article(what)} {what}" if _PERSON_NOUN.search(what)
                 else f"{read[0][1]} of {what} experience"), *read[2:]]
    kind, phrase = read[0]
    if kind == "unusable" or len(read) == 1:
        return (kind, phrase, "", "")
    if len(read) >= 3 and all(k == "strength_np" and len(p.split()) <= 4 for k, p in read):
        items = [p.removeprefix("my ") for _, p in read]  # "SEO, paid social, email": a list of skills
        return ("strength_np", ", ".join(items[:-1]) + " and " + items[-1], "", "")
    rest = [p for k, p in read[1:] if k == "strength_np" and len(p.split()) >= 2]
    if kind == "strength_adj" and re.search(r"\b(?:with|in|at|on)\s+\S+$", phrase) and \
            all(k == "strength_np" and len(p.split()) <= 3 for k, p in read[1:]):
        items = [phrase, *(p.removeprefix("my ") for _, p in read[1:])]  # "good w/ canva, capcut": more of the same
        return (kind, ", ".join(items[:-1]) + " and " + items[-1], "", "")
    if kind == "strength_adj" and all(k == "strength_adj" for k, _ in read[1:]):
        return (kind, " and ".join(p for _, p in read), "", "")
    if kind == "strength_adj" and rest and len(rest) == len(read) - 1:
        return (kind, f"{phrase}, with {' and '.join(rest)}", "", "")  # "fluent in Italian, with conversational Portuguese"
    credentials = [p for k, p in read[1:] if k == "strength_np" and p.startswith("my ")]
    if kind == "strength_np" and credentials:
        return (kind, " and ".join([phrase, *credentials]), "", "")  # "6 years of ICU experience and my CRRT certification"
    return (kind, phrase, "", "")  # "fast and accurate on deadline, caught the headline": the first part only


_PERSON_ENDING = r"(?:man|er|or|ist|ian|ant|ent|nurse|lead|chef|tech|rep|aide)"  # "journeyman", "colour specialist"
_PERSON_NOUN = re.compile(rf"{_PERSON_ENDING}$")


def _strength_part(text: str) -> tuple[str, str]:
    text = re.sub(r"^(.+?)\s*\((current|valid|active|in date|up to date)\)$", r"\2 \1", text, flags=re.I)  # "BLS cert (current)"
    text = re.sub(r"^(.+?) (approved|registered)$", lambda m: f"my {m.group(1)} " + ("approval" if m.group(2) == "approved" else "registration"), text)
    text = re.sub(r"^(.+?) member$", r"my \1 membership", text)  # "NACS member": "my NACS membership"
    text = re.sub(r"^((?:HGV|LGV|PCV|CDL|CPC)\b.*?)(?: licen[cs]e)?$", r"my \1 licence", text)
    if text.startswith("my "):
        return ("strength_np", text)
    if re.match(r"^[A-Z]{2,}\b", text) and not re.match(r"^[A-Z]{2,}\s+(?:certified|licensed|trained)\b", text):
        return ("strength_np", "my " + text if len(text.split()) <= 3 else text)  # "DO measurement", not "do"
    text = re.sub(r"^(.+) in my sleep$", r"a thorough command of \1", text)
    text = re.sub(r" like the back of my hand$", " thoroughly", text)
    text = re.sub(r"^(.+?) (certified|licensed)$", lambda m: f"{m.group(1)} "
                  + ("certification" if m.group(2) == "certified" else "license"), text)
    text = re.sub(r"^(.+?) current$", r"current \1 certifications", text)
    text = re.sub(r"\b(fluent|bilingual|trilingual|certified|conversational)(?: in)? (?=[A-Z][a-z]+\b)",
                  lambda m: m.group(1) + (" in " if m.group(1) != "conversational" else " "), text)
    if m := re.fullmatch(r"(?P<what>.+?),?\s+(?:no (?:bother|problem|problems|worries|issue|issues)|fine|ok|OK)", text):
        what = m.group("what")  # "early mornings no problem", "up at 5am no bother": a readiness, not a skill
        if re.match(r"(?:up|on|in|at|out|around|available|outdoors|outside)\b", what, re.I):
            return ("strength_adj", f"happy to be {_lower_first(what)}")
        return ("strength_adj", f"comfortable with {_lower_first(what)}")
    text = re.sub(r"\s+no ([a-z]+)$", r" with no \1", text)  # "every shift no overages"
    if m := re.match(rf"^([\w -]*?{_PERSON_ENDING})\s+({_YEARS})$", text):
        text = f"{m.group(2)} as {_article(m.group(1))} {m.group(1)}"  # "journeyman 12 years", "3rd grade teacher 8 years"
    elif m := re.match(rf"^(?P<what>[a-z][\w -]*?) (?P<n>{_YEARS}) (?P<rest>(?:at|in|with|as|on)\b.*)$", text):
        text = f"{m.group('n')} of {m.group('what')} experience {m.group('rest')}"  # "cash handling 3 years at a store"
    elif re.match(r"^[a-z]+ \d+$", text):
        return ("unusable", text)  # "foreman 4"
    text = " and ".join(_years_of(piece) for piece in re.split(rf" and (?={_YEARS})", text))
    if m := re.match(rf"^(?P<who>[a-z][\w -]*?) for (?P<n>{_YEARS})$", text):  # "team lead for 2 years"
        if len(m.group("who").split()) <= 3 and not _has_finite_verb(m.group("who")):
            text = f"{m.group('n')} as {_article(m.group('who'))} {m.group('who')}"
    if re.match(r"^(?:[\w-]+ ){0,2}(?:communicator|leader|listener|writer|learner|worker|player|problem solver|"
                r"wizard|expert|pro|guru|ninja|organi[sz]er|planner|mentor|teacher|coach|multitasker|self-starter)$",
                text, re.I) and not re.match(r"^(?:a|an|the|my)\b", text):
        return ("strength_adj", f"{_article(text)} {_lower_first(text)}")  # "strong communicator": "a strong communicator"
    if re.match(r"^I\b", text):
        return ("strength_clause", text)
    if re.match(r"^(?:quick|fast|good|great|strong|careful|neat|clean|accurate|safe)\s+[a-z]+(?<!ss)s\b", text) and not re.match(
            r"^\w+\s+(?:at|with|in|on|around|under|and|to|for|about|of)\b", text):
        return ("strength_np", _lower_first(text))  # "quick changes under 30 seconds": a thing done, not how the candidate is
    if re.match(r"^(?:good|great|strong|skilled|fluent|comfortable|calm|patient|experienced|certified|bilingual|"
                r"friendly|kind|punctual|careful|thorough|hard-?working|honest|tidy|physically|fit|"
                r"trilingual|organi[sz]ed|reliable|flexible|detail-oriented|used|familiar|quick|fast|able|happy|"
                r"available|licensed|trained|proficient|confident|fine|federally|state)\b", text, re.I) \
            and not re.match(r"^\w+ (?:[\w-]+ )?(?:experience|skills?|background|knowledge|training|expertise)\b", text):
        return ("strength_adj", _lower_first(text))
    if match := _PRESENT_START.match(text):
        verb = match.group()
        base = re.sub(r"(?:(?<=ss)|(?<=sh)|(?<=ch)|(?<=x)|(?<=z))es$|(?<=[^s])s$", "", verb) if verb.lower() not in ("cross",) else verb
        return ("strength_clause", f"I {base.lower()}{text[len(verb):]}")
    if _PAST_START.match(text) or re.match(r"^[a-z]+ed (?:a|an|the|my|our|over|up to|\d)", text) or text.startswith("kept "):
        verb, rest = text.split(" ", 1) if " " in text else (text, "")
        verb = verb.lower() if verb[1:].islower() else verb  # "Managed a team of 8": "I managed ..."
        return ("strength_clause", f"I {verb} {rest}".rstrip())
    if _is_clause(text) or _CLAUSE_START.match(text) or re.search(r"\bstill\b", text) or re.match(
            r"^(?:on|in|at|for|with|from|by)\b", text):
        return ("unusable", text)
    if re.search(r"\b(?:certified|in progress|generation|\d+\s*wpm)\b|\bconversational\b(?! [A-Z])", text):
        return ("unusable", text)  # "cwb certified all position": no frame says it as written
    if re.match(r"^[A-Z]{2,}[\w-]*\b|^[A-Z][a-z]+[A-Z][\w-]*\b|^[A-Za-z][\w -]*\b(?:license|licence|certification|certificate|"
                r"degree|diploma|ticket|qualification|endorsement|rating|Licence|License|Certificate|Certification|Ticket)$", text):
        text = "my " + text  # "PharmD", "dry needling certification": "my PharmD", "my dry needling certification"
    return ("strength_np", _lower_first(text))


# What a strength can be offered as: "I can also offer my CLT certification", "10 years of ...".
_OFFERABLE_HEAD = re.compile(
    r"\b(?:experience|background|skills?|certifications?|certificates?|licen[cs]es?|degrees?|training|knowledge|expertise|"
    r"record|portfolio|fluency|credentials?|years?|hours?|command|understanding|eye|ability|abilities|endorsements?|"
    r"clearance|permit|card|CDL|[A-Z]{2,}[\w-]*)\b")
# A strength named by the person it makes the candidate: "ex military police", "OSHA 500 trainer".
_PERSON_HEAD = re.compile(r"^(?:ex[- ]|former |retired )?(?P<who>(?:[\w-]+ ){0,3}(?:police|officer|trainer|instructor|veteran|"
                          r"medic|EMT|paramedic|nurse|coach|teacher|tutor|driver|operator|supervisor|lead|captain|sergeant|"
                          r"marine|soldier|volunteer|firefighter|chef|cook|baker|mechanic|technician|tech|interpreter|"
                          r"translator|lifeguard|counselor|counsellor|mentor|preceptor|manager|owner|handler|dispatcher|"
                          r"call taker|porter|carer|caregiver|guard|attendant|steward|stewardess|bartender|waiter|waitress|"
                          r"server|picker|packer|fitter|rigger|signaller|controller|cleaner|clerk|agent|assistant|labourer))$", re.I)


def _offerable(phrase: str) -> str:
    """A strength phrased so "I can also offer ..." fits it: a person it makes the candidate becomes
    "my experience as ...", a craft ("laminated doughs") becomes "experience with ..."."""
    bare = phrase.removeprefix("my ")
    if match := _PERSON_HEAD.match(bare):
        who = match.group("who")
        return f"my experience as {who}" if who.lower().endswith("police") else f"my experience as {_article(who)} {who}"
    head = re.split(r",(?!\d)| with | in | at | for | on | including ", bare)[0]
    if re.match(r"^[a-z]{3,}ing\b", bare) and not re.match(r"^(?:training|funding|housing|clothing|catering|engineering|"
                                                              r"nursing|marketing|accounting|building|planning)\b", bare):
        return f"experience {bare}"  # "dispensing ARV regimens": "experience dispensing ARV regimens"
    if phrase.startswith("my ") or _OFFERABLE_HEAD.search(head) or _LANGUAGE.search(head) or _SPAN.match(bare):
        return phrase
    return f"experience {'in' if ' with ' in phrase else 'with'} {phrase}"


# "five seasons as a rehabilitation technician": a span of time in the work, offered as it is.
_SPAN = re.compile(r"^(?:about |over |nearly |almost )?(?:\d+\+?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                   r"[a-z]+teen|twenty|a few|several)\s+(?:years?|seasons?|summers?|winters?|months?|decades?)\b")
_LANGUAGE = re.compile(r"\b(?:English|Spanish|French|German|Portuguese|Italian|Mandarin|Cantonese|Japanese|Korean|Arabic|"
                       r"Hindi|Russian|Polish|Vietnamese|Tagalog|Creole|ASL|Swedish|Yoruba|Somali|Farsi|Greek|Turkish|Dutch|"
                       r"Xhosa|Zulu|Afrikaans|Tongan|Samoan|Bislama|Maori|Māori|Swahili|Tamil|Urdu|Punjabi|Bengali)\b")


# A language the list above lacks but _CAPITALISED holds ("Bislama", "Sesotho"): most end so.
_LANGUAGE_LIKE = re.compile(r"(?:ish|ese|ian|ic|an|i|a|o|u)$")


def _years_of(text: str) -> str:
    """"12 years commercial wiring" reads "12 years of commercial wiring experience"."""
    match = re.match(rf"^(?P<n>{_YEARS}) (?P<adverb>(?:mostly|mainly|primarily) )?(?P<what>.+?)"
                     r"(?P<rest> (?:in|at|with|on|for|including)\b.*)?$", text)
    if match and re.match(r"^[a-z]{3,}ing\b", match.group("what")) and not re.match(r"^(?:doing|working)\b", match.group("what")):
        return f"{match.group('n')} of experience {match.group('what')}{match.group('rest') or ''}"  # "4 years reading apps"
    if not match or re.match(r"^(?:of|in|as|with|at|on|experience|doing|working)\b|^[a-z]+ing\b", match.group("what")):
        return text
    what, rest, adverb = match.group("what"), match.group("rest") or "", match.group("adverb")
    if adverb:
        return f"{match.group('n')} of experience, {adverb}{what}{rest}"
    experience = "" if "experience" in what else " experience"
    return f"{match.group('n')} of {what}{experience}{',' if rest.startswith(' including') else ''}{rest}"


# "2 ppl", "panel of 3", "45 min": how the interview went, which the interviewer was there for.
_THE_INTERVIEW = re.compile(r"^(?:about |approx\.? |around )?\d+\s*(?:people|ppl|interviewers|of them|person panel)\s*(?:,|$)|"
                            r"\b(?:people|ppl|interviewers|persons?)\s+on\s+the\s+panel\b|\bon\s+the\s+panel\b|\bof\s+them\b|"
                            r"\b(?:interview|interviews|start date)\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\brotas?\b|\bday week\b|"
                            r"\bget back (?:to|by|within|in|on)\b|\bthey(?:'ll| will) (?:decide|let|get|call|email|know)\b|"
                            r"\boffered\s+(?:me\s+|us\s+)?(?:a\s+|an\s+|some\s+)?(?:beer|coffee|tea|drink|water|lunch|biscuit|cake)\b|"
                            r"\b(?:panel|interview|interviewers?)\b.*\b(?:of|with)\s+\d+\b|"
                            r"\b\d+\s*(?:min|mins|minutes|hrs?|hours?)\b|"
                            r"\b(?:call|calls|zoom|teams|video call|phone call|next round|second round|final round|hr|recruiter|"
                            r"decision|tour|car park|parking|had tea|had coffee|had lunch)\b|"
                            r"\blet (?:people|us|everyone|me|candidates|applicants|you) know\b|\bdecid(?:e|es|ing)\s+(?:by|on|within|after|before|next|in)\b", re.I)


def _as_highlight(text: str) -> Read:
    """Something true of the company ("they're moving to X"), never the candidate's day ("parking was a nightmare")."""
    head, _ = _head_and_asides(text)
    if _first_person(text) or _REMARK.search(head) or _IMPRESSION.match(head) or _THE_INTERVIEW.search(head):
        return ("unusable", text, "", "")
    if _PAST_START.match(head) or re.match(r"^(?:saw|seen|got|heard|had|was|were)\b", head, re.I):
        return ("unusable", text, "", "")  # "saw the donor floor": the candidate's day, with no one who did it
    they = re.match(r"^they\b", head, re.I) is not None
    clause = _possessives(_lower_first(head), plural=they)
    if re.match(r"^(?:launching|opening|hiring|moving|switching|building|expanding|renovating|rolling out|piloting|"
                r"adding|bidding|starting|growing|planning|changing|merging|rebuilding)\b", clause):
        return ("highlight", f"you are {clause}", "", "")  # "launching a new line in Q2": the company is
    if re.match(r"^(?:about |around |over |nearly |almost )?\d[\d,]*\+? (?!(?:years?|hours?|on|off|in|of|to|day|week|month|minute|min|hr|shift|x)\b)[a-z-]+\b(?! \d)", clause):
        verb = "were" if re.search(r"\blast\b", clause) else "are"
        return ("highlight", f"there {verb} {clause}", "", "")
    # "the auto-triage model already routes ...": a subject of a word or two, then its verb.
    subject_verb = not re.search(r"\d", " ".join(clause.split()[:3])) and re.match(
                            r"^(?:the |a |an |our |your )?[\w-]+(?: [\w-]+)? (?:(?:already |now |also |still )?"
                            r"(?![a-z]+(?:ions|ments|ness|ics|ings|ers|ists)\b)[a-z]{3,}s|(?:just|recently) [a-z]{3,}ed)\b (?=\w)", clause)
    if not _has_finite_verb(clause) and not subject_verb:
        return ("unusable", text, "", "")
    if not they and _PAST_CLAUSE.search(clause) and not re.search(r"\b(?:will|next|is|are|opens?|launch\w*|just|recently|"
                                                                  r"newly)\b", clause):
        return ("unusable", text, "", "")  # "the security line took 20 minutes": the candidate's day, not the company
    return ("highlight", _with_article(clause), "", "")


def _as_interest(text: str) -> Read:
    text = _lower_first(_without_pronoun_asides(text))
    if not text:
        return ("unusable", text, "", "")
    head, asides = _head_and_asides(text)
    # "she's from Bologna, my family is from Modena": two clauses, joined.
    tail = [a for a in asides if re.match(r"^(?:I|my|we|our)\b", a) and _has_finite_verb(a)]
    text = head + "".join(f" and {a}" for a in tail[:1])
    if re.search(r"\b(?:said|told|asked|thought|laughed|joked|noticed)\b", text):
        return ("unusable", text, "", "")
    if same := re.match(r"^(?:the )?same (?P<what>.+)$", text, re.I):  # "same alma mater - UT Austin"
        what = re.sub(r"\s+-\s+(.+)$", r" (\1)", same.group("what"))
        return ("interest", f"we have the same {what}", "", "")
    if match := _BOTH.match(text):
        rest = re.sub(r"^ex[- ](?=[a-z])", "former ", text[match.end():], flags=re.I)  # "both ex navy": former Navy
        first = rest.split(" ", 1)[0]
        if re.match(r"^(?:from|in|at|on|with|into|big|huge|fans?|members?|parents?|ex-[\w-]+|former|retired|veterans?|"
                    r"obsessed|mad|crazy|keen|hooked|passionate|nuts|"
                    r"certified|licensed|[a-z]+(?:ers|ists|ians|ents|ors))$", first):
            return ("interest", f"we are both {rest}", "", "")  # "both from Texas", "both runners"
        if first.endswith("ing"):
            return ("interest_np", rest, "", "")
        return ("interest", f"we both {rest}", "", "")
    if re.match(rf"^{_SUBJECT}\b", text, re.I):
        return ("interest", _second_person(text), "", "")
    if _PAST_START.match(text) or re.match(r"^(?:went|grew up|studied|lived|played|volunteered|love|like|enjoy|"
                                            r"read|run|bike|cook|coach|follow|play|volunteer)\b", text):
        return ("interest", f"we both {text}", "", "")  # "went to the same college"
    if re.match(r"^[\w\s-]+ (?:fans|lovers|nerds|runners|parents|members|alumni|graduates|veterans|volunteers|"
                r"cyclists|readers|gardeners|cooks|bakers)$", text):
        return ("interest", f"we are both {text}", "", "")  # "big Cubs fans"
    if re.match(r"^(?:we|you|I|my|our|your)\b", text):
        return ("interest", text, "", "") if _has_finite_verb(text) else ("interest_np", _possessives(text), "", "")
    if _has_finite_verb(text):
        return ("unusable", text, "", "")
    return ("interest_np", text, "", "")


def _without_pronoun_asides(text: str) -> str:
    """"(she was navy, me army)": a note about who is who, not something to say to them."""
    return re.sub(r"\s*\((?=[^()]*\b(?:she|he|they|me|I|her|him)\b)[^()]*\)", "", text).strip()


def _as_topic(text: str) -> tuple[Read, ...]:
    return tuple(_as_want(read) for read in _topic_reads(text))


def _topic_reads(text: str) -> tuple[Read, ...]:
    text = _without_pronoun_asides(text)
    text = re.sub(r"\s+because\b.*$", "", _DURATION.sub("", text))
    if match := re.match(r"^([^-()]+?)\s+-\s+([^-()]+)$", text):  # "system design - a rate limiter"
        aside = match.group(2)
        clause = _YES.match(aside) or _CLAUSE_START.match(aside) or _has_finite_verb(aside)
        # "asked if I can work nights - yes": the answer, as after a comma, like any clause
        text = f"{match.group(1)}, {aside}" if clause else f"{match.group(1)} ({aside})"
    head, asides = _head_and_asides(text)
    if _PAST_START.match(head) and asides and all(_PAST_START.match(a) for a in asides):
        head, asides = text, []  # "did a stage, made the braised short rib": one moment
    first = _one_topic(head)
    if first[0] == "unusable" and asides:
        return (_one_topic(text),) if "," not in text else (first,)
    found = [first]
    for aside in asides:
        if found[0][0] == "question" and (answer := _answer_to(found[0][1], aside)):
            found[0] = (*found[0][:3], answer)  # "asked if I can work weekends, said yes except sundays"
        elif _GENERIC_OBJECT.search(found[0][1]) and len(aside.split()) <= 5 and not _is_clause(aside) \
                and not _CLAUSE_START.match(aside):
            found[0] = (found[0][0], f"{found[0][1]} on {aside}", *found[0][2:])  # "the case, icing at Bodø"
        elif re.search(r"\d", aside) and len(aside.split()) <= 3 and not _is_clause(aside):
            kind, phrase, wrong, added = found[0]
            counted = re.match(r"^(?:about |around |over |nearly )?\d[\d,.-]*\+? [a-z]+s$", aside)  # "the rental fleet, 80 bikes"
            joined = f"{phrase[:-1]}, {aside})" if phrase.endswith(")") else f"{phrase} of {aside}" if counted else f"{phrase} ({aside})"
            found[0] = (kind, joined, wrong, added)  # "a typical week, 50-60 hours"; "in Tacoma (3 acres, 2.1M budget)"
        elif _ASKED.match(aside) or _BARE_ASKED.match(aside) or _LEAD_IN.match(aside):
            read = _one_topic(aside)  # "he's the IT lead, asked what software I've used": a topic of its own
            if read[0] in ("question", "topic"):
                found = [r for r in found if not (r[0] == "point" and r[1].startswith("you are "))] + [read]
        elif re.match(rf"^{_SUBJECT}\b", aside, re.I) and not _IMPRESSION.match(aside):
            point = _one_topic(aside)
            if point[0] == "point" and not _first_person(point[1]) and not point[1].startswith("you were "):
                found.append(point)
    return tuple(found)


# What says nothing until an aside says what it was about: "the case, icing at Bodø".
_GENERIC_OBJECT = re.compile(r"\bthe (?:case|scenario|exercise|question|problem|task|test|role-?play|example)$")


def _one_topic(text: str) -> Read:
    text = text.strip(" ,")
    if not text:
        return ("unusable", text, "", "")
    lead = _LEAD_IN.match(text + " ")
    if lead and lead.end() <= len(text):
        text = text[lead.end():].strip()
        if re.match(r"^(?:it|that|this)$", text, re.I) or not text:
            return ("unusable", text, "", "")
    if (match := _PRAISE.match(text)) and not _CLAUSE_START.match(match.group("x")):
        enjoyed = _possessives(_lower_first(match.group("x")))
        first = enjoyed.split(" ", 1)[0]
        return ("enjoyed", enjoyed if first in _DETERMINERS or first in _MASS_NOUNS else "the " + enjoyed, "", "")
    if _REMARK.match(text) or _IMPRESSION.match(text) or (re.match(rf"^{_SUBJECT}\b", text, re.I) and _REMARK.search(text)):
        return ("unusable", text, "", "")  # "very friendly", "she was great": an impression, not a topic
    if match := _CANDIDATE_TOLD.match(text):
        rest = _possessives(_clean_clause(match.group("rest")), plural=True)
        if re.match(r"^I\b", rest):
            return ("recap", rest, "", "") if _has_finite_verb(rest) or _PAST_START.match(rest[2:]) else \
                ("unusable", text, "", "")
        return ("topic_self", rest, "", "") if not _is_clause(rest) else ("unusable", text, "", "")
    if match := _CANDIDATE_ASKED.match(text):
        rest = _possessives(_clean_clause(match.group("rest")), plural=True)
        return ("asked", rest, "", "") if not _is_clause(rest) or _QUESTION_WORD.match(rest) else ("unusable", text, "", "")
    if match := (_ASKED.match(text) or _QUESTION_NOTE.match(text)):
        rest = _possessives(_clean_clause(match.group("rest")))
        # "asked me to walk through a campaign": the question is about the campaign
        rest = re.sub(r"^to (?:walk (?:her|him|them|you) through|walk through|describe|explain|talk about|"
                      r"give (?:an example|examples) of|tell (?:her|him|them|you) about)\s+", "", rest)
        if re.match(r"^(?:to\s+)", rest):
            return ("unusable", text, "", "")
        if through := re.match(r"^(?:through|thru)\s+(?P<what>.+)$", rest, re.I):
            return ("moment", f"you walked me through {through.group('what')}", "", "")  # "asked me thru the case"
        if rest.lower().startswith(("if ", "whether ")):
            return _yes_no_question(rest, text)
        if _QUESTION_WORD.match(rest) or not _is_clause(rest) \
                or re.match(r"^(?:a|an|the|my|your|one|some)\b", rest):  # "a time I had to push back"
            return ("question", rest, "", "")
        return ("unusable", text, "", "")
    if match := _BARE_ASKED.match(text):  # who asked is not said: what was asked is the topic
        rest = _possessives(_clean_clause(match.group("rest")))
        if re.match(r"^(?:if|whether) I\b", rest):  # "asked if I'm ok with nights": only they would ask that
            return _yes_no_question(rest, text)
        if not (_QUESTION_WORD.match(rest) or not _is_clause(rest)):
            return ("unusable", text, "", "")
        # "asked what software I've used", "asked which I prefer": only the interviewer asks that of me
        return ("question" if re.search(r"\b(?:I|my|me)\b", rest) else "topic", rest, "", "")
    if match := _REPORTED.match(text):
        rest = _possessives(_clean_clause(match.group("rest")), plural=True)
        verb = match.group("verb").lower()
        if verb in ("showed me", "walked me through", "gave me"):  # "she showed me around the unit"
            return ("moment", f"you {verb} {rest}", "", "")
        if match.group("that") or (_is_clause(rest) and not _QUESTION_WORD.match(rest)) or (
                verb in ("said", "told me") and _has_finite_verb(rest)):
            return ("point", _with_article(rest), "", "") if not _first_person(rest) else ("unusable", text, "", "")
        if verb in ("said", "told me") and not _QUESTION_WORD.match(rest):
            return ("unusable", text, "", "")
        return ("topic", rest, "", "")
    if re.match(rf"^{_SUBJECT}\b", text, re.I):
        clause = _second_person(_lower_first(text))
        if re.match(r"^you (?:[a-z]+ed|gave|took|showed|brought|let|made|met|sent|told) (?:me|us)\b", clause):
            return ("moment", clause, "", "")  # "they gave us a tour of the plant"
        return ("point", clause, "", "") if _has_finite_verb(clause) else ("unusable", text, "", "")
    if re.match(r"^we\b", text) and (_has_finite_verb(text) or re.match(r"^we (?:\w+ )?[a-z]+ed\b", text)):
        return ("moment", _possessives(text), "", "")  # "we geeked out over newsletters"
    if re.match(r"^I\b", text) and _has_finite_verb(text):
        return ("recap", _possessives(text), "", "")
    if _PAST_START.match(text):
        parts = text.split(", ")
        if not all(_PAST_START.match(p) for p in parts):
            return ("unusable", text, "", "")
        clause = _possessives("I " + _lower_first(" and ".join(parts)))
        achievement = re.search(r"\d|\b(?:at|in) my (?:last|current|previous|old)\b", clause)
        return ("recap" if achievement else "moment", clause, "", "")
    if _CLAUSE_START.match(text) or (re.match(r"^[a-z]{3,}ed (?:my|the|a|an|our|your|their|his|her|me|us)\b", text)
                                     and text.split()[0] not in _PARTICIPLES):
        return ("unusable", text, "", "")  # a clause none of the shapes above could read; "tasted my crudo": whose?
    text = _possessives(_lower_first(text))
    if _QUESTION_WORD.match(text):
        return ("topic", text, "", "")
    if re.match(r"^(?:about |around |over |nearly |almost )?\d[\d,]*\+? (?!(?:years?|hours?|minutes)\b)(?:[a-z-]+ )?"
                r"(?:[a-z-]+s|people|staff)\b", text):
        if _is_clause(text):
            return ("unusable", text, "", "")
        if re.search(r"\band (?:how|what|why|when|where)\b", text):
            return ("topic", text, "", "")  # "504 plans and how the counselors split them"
        return ("point", f"there are {text}", "", "")
    if _is_clause(text):
        if _first_person(text) or _PAST_CLAUSE.search(text):
            return ("unusable", text, "", "")
        return ("point", _with_article(text), "", "")  # "management reviews every file over 50k"
    if match := re.match(r"^(?P<what>(?:start|end|due|go-live|launch) date|deadline) (?P<when>[A-Z\d].*)$", text):
        return ("topic", f"the {match.group('what')}", "", "")  # "start date monday the 2nd maybe": the date may not hold
    words = text.split()
    head = re.split(r" (?:for|of|in|on|with|at|to|from|by|during|across|\()", text)[0].split()
    if (words[0] not in _DETERMINERS and not words[0][0].isdigit() and not words[0].endswith("ing")
            and head[-1] in _COUNT_NOUNS and " and " not in text and words[0].islower()):
        text = "the " + text  # "supervision model" reads "the supervision model"
    return ("topic", text, "", "")


def _yes_no_question(rest: str, text: str) -> Read:
    """"if I can work weekends" is cited as "your question about whether I can work weekends"."""
    if re.match(r"^(?:if|whether) I (?:had|have) (?:any )?(?:questions|more questions)\b", rest):
        return ("unusable", text, "", "")  # "asked if I had questions": every interview ends so
    return ("question", re.sub(r"^if\b", "whether", rest), "", "")


_YES = re.compile(r"^(?:and )?(?:I )?(?:said |told (?:her|him|them) )?(?:yes|yep|yeah|yup|sure|absolutely|definitely)\b[\s,.!-]*(?P<rest>.*)$", re.I)
_ANSWER_VERB = re.compile(r"^whether I(?:'m| am)?\s*(?P<verb>can|could|would|will|am|'m|have|had|do|did|[a-z]+)?\b", re.I)


def _answer_to(question: str, aside: str) -> str:
    """The candidate's yes to a yes-or-no question, as a clause: "I can, except Sunday mornings"
    for "whether I can work weekends" and "said yes except sunday mornings"; "" for anything else
    (a no, a hedge, or an answer that says more than a few words can carry)."""
    yes, shape = _YES.match(aside), _ANSWER_VERB.match(question)
    if not (yes and shape):
        return ""
    verb = (shape.group("verb") or "").lower()
    rest = yes.group("rest").strip(" .")
    if re.search(r"\b(?:she|he|they|her|him|them|but|maybe|not sure|idk)\b", rest, re.I) or len(rest.split()) > 6:
        return ""
    clause = {"can": "I can", "could": "I can", "would": "I would", "will": "I will", "am": "I am", "'m": "I am"}.get(
        verb, "I am" if re.match(r"^whether I(?:'m| am)\b", question) else "I do")
    return f"{clause}, {_lower_first(rest)}" if rest else clause


# "you want someone who can mentor ...": who they are looking for, cited as "you mentioned wanting someone who ..."
_WANT = re.compile(r"^you (?:also |really |mainly |mostly |just )?(?:want|need|are looking for|are hoping for|are after|"
                   r"would like|are hoping to find)\s+(?P<who>(?:someone|somebody|a person|people|an? (?:[\w-]+ ){0,2}"
                   r"(?:person|candidate|hire|lead|nurse|editor|manager|teacher|engineer|coordinator|generalist)\b)"
                   # "someone by April" is when, not who: a point
                   r"(?! (?:by|before|until|starting|soon|asap|now|right away|immediately|in (?:[A-Z]|\d)))\b.*)$")


def _as_want(read: Read) -> Read:
    if read[0] == "point" and (match := _WANT.match(read[1])) and len(match.group("who").split()) > 1:
        return ("want", match.group("who"), "", "")
    return read


def salvage_topic(source: str) -> Fact | None:
    """A last resort for an interviewer none of whose topics could be read: the item without its
    hedges ("start date monday the 2nd maybe"), read again as a topic."""
    text = re.sub(r"\b(?:maybe|I think|not sure|probably|perhaps|tbd)\b|\?", "", tidy(source), flags=re.I)
    found = _read(" ".join(text.split()), "topics")
    usable = [f for f in found if f[0] not in ("unusable",) and not _UNFIT.search(f[1]) and not _NEGATIVE.search(f[1])]
    return Fact(usable[0][0], usable[0][1], source) if usable else None


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


# --- whole files ------------------------------------------------------------------------

_HOW_TO_PHRASE = {
    "topics": "write it as a short phrase (\"the night-shift staffing plan\") or a sentence such as "
              "\"she asked how I would handle X\"",
    "shared_interests": "write it as \"we both ...\" or a short phrase (\"trail running\")",
    "clarify": "write it as \"I did not mention X\", \"I said 4 years but it is 6\" or a sentence starting with I",
    "strengths": "write it as a short phrase (\"six years in the ICU\") or a sentence starting with I",
    "highlights": "write it as a short sentence (\"the unit is opening 8 new beds in March\")",
}


INTERVIEWER_FIELDS = ("topics", "shared_interests", "clarify")  # what the composer weaves, per interviewer
CANDIDATE_FIELDS = ("strengths", "highlights")  # and of the whole interview


def read_interviewer_facts(facts: Facts, index: int) -> dict[str, list[Fact]]:
    """Every item of one interviewer's lists, read; the lists keyed by field name."""
    return _read_texts([t for t in fact_texts(facts) if t.interviewer == index], INTERVIEWER_FIELDS)


def read_candidate_facts(facts: Facts) -> dict[str, list[Fact]]:
    return _read_texts([t for t in fact_texts(facts) if t.interviewer is None], CANDIDATE_FIELDS)


def _read_texts(texts: list[FactText], fields: tuple[str, ...]) -> dict[str, list[Fact]]:
    """The facts view's texts of ``fields``, read, keyed by field; each keeps its path for notices."""
    return {field: [fact for t in texts if t.field == field for fact in read_fact(t.text, field, t.path)]
            for field in fields}


def left_out_notices(facts: Facts, names: list[str] | None = None) -> list[str]:
    """One line per item the offline composer leaves out (of the notes to ``names``, or all),
    naming its field and how to phrase it so it can be used."""
    found = []
    people = [(i, p) for i, p in enumerate(facts.interviewers) if names is None or p.name in names]
    lists = [read_candidate_facts(facts)] + [read_interviewer_facts(facts, i) for i, _ in people]
    for (index, person), by_field in zip(people, lists[1:]):
        cited = [fact for field in ("topics", "shared_interests") for fact in by_field[field]]
        if not any(fact.kind != "unusable" or salvage_topic(fact.source) for fact in cited):
            found.append(f"interviewers[{index}]: nothing of your talk with {person.name} is left to cite, so that "
                         f"note thanks them in general terms; add a topic you discussed (\"the night-shift staffing plan\")")
    for by_field in lists:
        for field, items in by_field.items():
            for fact in items:
                if fact.kind == "unusable":
                    shown = fact.source if len(fact.source) <= 60 else fact.source[:57] + "..."
                    if _ABOUT_PAY.search(fact.source) and field != "clarify":
                        found.append(f"{fact.path}: left out of the notes, as pay, perks and working arrangements "
                                     f"are for a later conversation, not a thank-you note ({shown!r})")
                    else:
                        found.append(f"{fact.path}: left out of the notes, as it does not read as a sentence "
                                     f"({shown!r}); {_HOW_TO_PHRASE[field]}")
    return found
