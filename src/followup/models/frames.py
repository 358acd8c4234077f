"""The offline composer's sentence frames, as data: add a phrasing here and the composer can use it.

Each slot lists phrasings for one job in a note. ``{x}`` is the fact being cited (already read by
:mod:`followup.models.fact_reader`, so it fits the frame's grammar), ``{wrong}`` a corrected figure,
``{role}``, ``{a_role}`` ("an ICU nurse"), ``{company}`` and ``{meeting}`` come from the facts.
A slot ending in ``.formal`` is used for formal notes; otherwise the plain slot serves every tone.
The composer picks by the interviewer's seat in the panel, so notes to one panel open, cite,
bridge and close differently; keep at least as many phrasings per slot as a panel has people.
"""

from __future__ import annotations

FRAMES: dict[str, list[str]] = {
    "thanks": [
        "Thank you for {meeting} about the {role} role at {company}.",
        "Thank you for your time during my interview for the {role} role at {company}.",
        "Thanks for taking the time to talk with me about the {role} role at {company}.",
        "Thank you for the chance to talk with you about the {role} role at {company}.",
        "Thank you for a thoughtful conversation about the {role} role at {company}.",
        "Thank you for the time you spent with me on the {role} role at {company}.",
    ],
    "thanks.formal": [
        "Thank you for {meeting} about the {role} position at {company}.",
        "Thank you for the time you gave me during my interview for the {role} position at {company}.",
        "Thank you for the opportunity to discuss the {role} position at {company} with you.",
        "Thank you for the thoughtful conversation regarding the {role} position at {company}.",
        "Thank you for taking the time to discuss the {role} position at {company} with me.",
    ],
    # The first fact cited, by what kind of fact it is.
    "first.topic": [
        "I especially enjoyed our conversation about {x}.",
        "Our discussion of {x} was a highlight of the day for me.",
        "It was great to hear your perspective on {x}.",
        "I learned a lot from our conversation about {x}.",
        "Your perspective on {x} gave me a much clearer picture of the role.",
        "The part of the day I enjoyed most was talking through {x}.",
    ],
    # For a first topic that none of the phrasings above would be counted as citing: these echo how
    # a topic is usually jotted ("discussed X", "went over X"), which the guardrails do count.
    "echo.topic": [
        "I was glad we discussed {x}.",
        "I was glad we went over {x}.",
        "I enjoyed talking about {x} with you.",
    ],
    "echo.topic.formal": [
        "I was glad that we discussed {x}.",
        "I appreciated that we went over {x} together.",
    ],
    "first.topic.formal": [
        "I particularly valued our discussion about {x}.",
        "Our conversation about {x} was especially informative.",
        "I appreciated your perspective on {x}.",
        "I found our discussion of {x} particularly valuable.",
        "Your insights on {x} gave me a clearer understanding of the position.",
    ],
    # A topic about the candidate ("my experience with CRRT", "how I would run a crew").
    "first.topic_self": [
        "I especially enjoyed our conversation about {x}.",
        "I enjoyed walking you through {x}.",
        "It was good to talk through {x} with you.",
        "I was glad we had time to talk about {x}.",
        "I appreciated the chance to tell you about {x}.",
    ],
    "first.topic_self.formal": [
        "I valued the opportunity to discuss {x} with you.",
        "I appreciated the chance to walk you through {x}.",
        "I was glad to have the opportunity to discuss {x}.",
        "It was a pleasure to talk through {x} with you.",
    ],
    "first.question": [
        "I enjoyed your question about {x}.",
        "Your question about {x} has stayed with me.",
        "I appreciated your question about {x}.",
        "Thank you for asking about {x}; it is a question I care about.",
        "I have kept thinking about your question on {x}.",
    ],
    "first.question.formal": [
        "I appreciated your question about {x}.",
        "Your question regarding {x} was a thoughtful one, and I have reflected on it since.",
        "I valued your question about {x}.",
        "I have given further thought to your question about {x}.",
    ],
    # A yes-or-no question of theirs, {x} starting "whether".
    "first.question_whether": [
        "Thank you for asking {x}; I was glad to talk it through.",
        "Thank you for your question about {x}; I was glad you asked.",
        "I was glad you asked {x}.",
        "I appreciated that you asked {x}.",
        "When you asked {x}, I was glad to have the chance to answer.",
        "Thank you for asking {x}.",
    ],
    "first.question_whether.formal": [
        "Thank you for asking {x}.",
        "I appreciated that you asked {x}.",
        "I was glad you asked {x}, and I was pleased to answer.",
        "I appreciated your question about {x}, and I was glad you asked it.",
    ],
    # A yes-or-no question of theirs and the candidate's yes: {x} "whether I can work weekends", {added} "I can".
    "first.question_answered": [
        "When you asked {x}, I was glad to confirm that {added}.",
        "Thank you for asking {x}; as I said, {added}.",
        "I was glad you asked {x}, and to confirm that {added}.",
    ],
    # The subject of a regret, without the regret: "the case study".
    "first.exercise": [
        "Thank you for the chance to work through {x}.",
        "I appreciated the chance to take on {x}.",
        "Working through {x} gave me a good sense of the work.",
        "I enjoyed the challenge of {x}.",
    ],
    "first.exercise.formal": [
        "I appreciated the opportunity to work through {x}.",
        "Thank you for the opportunity to take on {x}.",
        "Working through {x} gave me a valuable sense of the work.",
    ],
    "first.point": [
        "I was glad to hear that {x}.",
        "It stayed with me that {x}.",
        "It was helpful to hear that {x}.",
        "I appreciated hearing that {x}.",
        "It meant a lot to hear that {x}.",
    ],
    # A point that is hard news for them ("you lost two RTs this year"): plainly, not "glad to hear".
    "first.point_hard": [
        "It was helpful to hear plainly that {x}.",
        "I valued your openness in sharing that {x}.",
        "It helped me to understand that {x}.",
    ],
    "first.point.formal": [
        "I appreciated learning that {x}.",
        "It was valuable to hear that {x}.",
        "I was glad to learn that {x}.",
    ],
    # Who the interviewer is looking for: "someone who can mentor the new graduates".
    "first.want": [
        "You mentioned wanting {x}, and that helped me see what the role needs.",
        "It was helpful to hear that you are looking for {x}.",
        "You mentioned that you are looking for {x}; it gave me a clear sense of the role.",
        "I was glad to hear that you want {x}.",
        "It stayed with me that you are looking for {x}.",
    ],
    "first.want.formal": [
        "You mentioned that you are seeking {x}, which helped me understand the position.",
        "It was valuable to learn that you are looking for {x}.",
        "I appreciated learning that you are seeking {x}.",
    ],
    "first.moment": [
        "I enjoyed the part of our day when {x}.",
        "One of my favourite moments was when {x}.",
        "I especially enjoyed the moment when {x}.",
    ],
    "first.moment.formal": [
        "I valued the part of the day when {x}.",
        "I particularly appreciated the moment when {x}.",
    ],
    # A question the candidate asked them.
    "first.asked": [
        "I appreciated your answer to my question about {x}.",
        "Thank you for your answer when I asked about {x}.",
        "It was helpful to hear your answer on {x}.",
    ],
    "first.asked.formal": [
        "I appreciated your answer to my question regarding {x}.",
        "Thank you for addressing my question about {x}.",
    ],
    # Something the candidate told them, as a clause starting with "I".
    "first.recap": [
        "I was glad to have the chance to tell you that {x}.",
        "I enjoyed sharing with you that {x}.",
        "It was good to be able to tell you that {x}.",
    ],
    "first.recap.formal": [
        "I was pleased to have the opportunity to share that {x}.",
        "I appreciated the chance to tell you that {x}.",
    ],
    # Part of the day the candidate enjoyed: "the campus tour with a student guide".
    "first.enjoyed": [
        "I especially enjoyed {x}.",
        "I really enjoyed {x}.",
    ],
    "first.enjoyed.formal": [
        "I particularly appreciated {x}.",
    ],
    "first.interest": [
        "It was a pleasure to discover that {x}.",
        "It was good to learn that {x}.",
        "I enjoyed finding out that {x}.",
        "I was delighted to learn that {x}.",
    ],
    "first.interest_np": [
        "It was a pleasure to discover our shared interest in {x}.",
        "I enjoyed finding out that we share an interest in {x}.",
        "It was good to find common ground in {x}.",
    ],
    # Facts cited after the first.
    "later.topic": [
        "I also appreciated hearing about {x}.",
        "I was glad we also had time to talk about {x}.",
        "Our exchange about {x} was just as useful.",
        "Hearing your thoughts on {x} was valuable as well.",
        "I also enjoyed our discussion of {x}.",
    ],
    "later.topic.formal": [
        "I also valued our discussion of {x}.",
        "Your perspective on {x} was equally helpful.",
        "I appreciated the time we spent discussing {x}.",
        "Our exchange regarding {x} was similarly informative.",
    ],
    "later.topic_self": [
        "I was glad we also had time to talk about {x}.",
        "I also enjoyed telling you about {x}.",
        "I appreciated the chance to talk about {x} as well.",
    ],
    "later.topic_self.formal": [
        "I also appreciated the opportunity to discuss {x}.",
        "I was glad to have time to discuss {x} as well.",
    ],
    "later.question": [
        "I also appreciated your question about {x}.",
        "Your question about {x} was a good one, too.",
        "I was glad you asked about {x}.",
    ],
    "later.question.formal": [
        "I also appreciated your question about {x}.",
        "Your question regarding {x} was equally thoughtful.",
    ],
    "later.question_whether": [
        "I was also glad you asked {x}.",
        "Thank you, too, for asking {x}.",
        "I also appreciated that you asked {x}.",
    ],
    "later.question_whether.formal": [
        "Thank you as well for asking {x}.",
        "I also appreciated that you asked {x}.",
    ],
    "later.question_answered": [
        "I was also glad you asked {x}; as I said, {added}.",
        "When you asked {x}, I was glad to confirm that {added}.",
    ],
    "later.exercise": [
        "I also appreciated the chance to work through {x}.",
        "Working through {x} was useful as well.",
        "I enjoyed taking on {x}, too.",
    ],
    "later.exercise.formal": [
        "I also appreciated the opportunity to work through {x}.",
        "Working through {x} was similarly valuable.",
    ],
    "later.point": [
        "I was also glad to hear that {x}.",
        "It was useful to learn that {x}.",
        "I also appreciated hearing that {x}.",
    ],
    "later.point_hard": [
        "It was also useful to understand that {x}.",
        "I also valued hearing plainly that {x}.",
    ],
    "later.point.formal": [
        "I also appreciated learning that {x}.",
        "It was useful to learn that {x}.",
    ],
    "later.want": [
        "You also mentioned wanting {x}.",
        "I also noted that you are looking for {x}.",
        "It was useful to hear that you want {x}.",
    ],
    "later.want.formal": [
        "You also mentioned that you are seeking {x}.",
        "I also noted that you are looking for {x}.",
    ],
    "later.moment": [
        "I also enjoyed the moment when {x}.",
        "It was a pleasure, too, when {x}.",
    ],
    "later.asked": [
        "Thank you, too, for your answer to my question about {x}.",
        "I also appreciated your answer when I asked about {x}.",
        "It was useful to hear your answer on {x} as well.",
    ],
    "later.asked.formal": [
        "I also appreciated your answer to my question regarding {x}.",
        "Thank you as well for addressing my question about {x}.",
    ],
    "later.recap": [
        "As I mentioned, {x}.",
        "I was also glad to share that {x}.",
    ],
    "later.recap.formal": [
        "As I mentioned during our conversation, {x}.",
        "I was also pleased to share that {x}.",
    ],
    "later.enjoyed": [
        "I also enjoyed {x}.",
        "I appreciated {x} as well.",
    ],
    "later.enjoyed.formal": [
        "I also appreciated {x}.",
    ],
    "later.interest": [
        "I also enjoyed finding out that {x}.",
        "It was a pleasure to discover that {x}.",
        "It was good to learn that {x}.",
        "I was glad to learn that {x}.",
    ],
    "later.interest_np": [
        "I also enjoyed finding our shared interest in {x}.",
        "It was a pleasure to discover that we share an interest in {x}.",
        "It was good to find common ground in {x}.",
    ],
    # A strength said next to a fact it shares meaning with.
    "related.strength_np": [
        "It connects directly to what I would bring: {x}.",
        "That is close to my own experience, which includes {x}.",
        "It ties in well with {x}, which I would bring to the role.",
        "I would bring {x} to that work.",
    ],
    "related.strength_adj": [
        "On that front, I am {x}.",
        "It is an area where I feel at home, as I am {x}.",
        "That is an area I know well; I am {x}.",
    ],
    "related.strength_clause": [
        "That is close to my own experience; for example, {x}.",
        "It ties in with my own work: {x}.",
        "I have done similar work: {x}.",
    ],
    # A strength said on its own, where no cited fact shares its meaning.
    "alone.strength_np": [
        "I would bring {x} to the team.",
        "I would bring {x} to the {role} role.",
        "I would bring {x} to {company}.",
        "Beyond what we discussed, I would bring {x}.",
        "I can also offer {x}.",
        "What I would bring to the team includes {x}.",
    ],
    "alone.strength_adj": [
        "I would add that I am {x}.",
        "You may also find it useful to know that I am {x}.",
        "It may help to know that I am {x}.",
    ],
    "alone.strength_clause": [
        "For a sense of what I would bring, {x}.",
        "As an example of what I would bring, {x}.",
        "It may also help to know that {x}.",
    ],
    # Clarify points: always a confident addition, never a rerun of what went wrong.
    "clarify.missing": [
        "I realize I did not mention {x}.",
        "I realize I did not get to mention {x}.",
    ],
    "clarify.missing_several": [
        "I realize I did not mention {x}.",
        "I realize I did not get to mention {x}.",
    ],
    "clarify.missing.tail": [
        "I would be glad to tell you more about it.",
        "I am happy to share more about it.",
        "I would welcome the chance to say more about it.",
        "I would be glad to walk you through it.",
    ],
    "clarify.missing.tail.formal": [
        "I would be glad to share more about it.",
        "I would welcome the opportunity to elaborate.",
    ],
    "clarify.unasked": [
        "I did not get to ask about {x}, and I would be glad to learn more about it.",
        "I would also be glad to hear more about {x}, which I did not get to ask about.",
        "I did not get to ask about {x}; I hope to hear about it another time.",
    ],
    "clarify.unasked.formal": [
        "I did not have the opportunity to ask about {x}, and I would welcome the chance to learn more.",
        "I would also welcome the chance to learn more about {x}.",
    ],
    "clarify.more": [
        "I would also like to say a little more about {x}.",
        "I would be glad to tell you more about {x}.",
    ],
    "clarify.explain": [
        "I realize I did not fully explain {x}, and I would welcome the chance to say more.",
        "I realize I did not explain {x} in much detail; I would be glad to tell you more about it.",
    ],
    "clarify.addition": [
        "I would also like to add that {x}.",
        "One more thing I would like to add: {x}.",
        "I also want to add that {x}.",
    ],
    "clarify.followup": [
        "In further consideration of your question about {x}, I would welcome the chance to expand on my answer.",
        "In further consideration of your question about {x}, I would be glad to say more.",
    ],
    "clarify.followup_added": [
        "In further consideration of your question about {x}, I would add that {added}.",
        "In further consideration of your question about {x}, I should add that {added}.",
    ],
    "clarify.doubt": [
        "I would welcome the chance to tell you more about my approach to {x}.",
        "I would be glad to say more about my approach to {x}.",
    ],
    "clarify.correction": [
        "One correction to something I said: {x}, not {wrong}.",
        "I would like to correct one detail from our conversation: {x}, not {wrong}.",
        "To correct one thing I told you: {x}, not {wrong}.",
        "A quick correction to what I told you: {x}, not {wrong}.",
    ],
    # Something true of the whole day, then the interest in the role.
    # Something true of the company, good news or bad ("you are short-staffed on nights"): neutral frames.
    "highlight": [
        "Knowing that {x}, I can see where I would contribute at {company}.",
        "Learning that {x} gave me a clear sense of where I could help.",
        "It was useful to learn that {x}.",
        "Hearing that {x} helped me picture the role.",
        "I was glad to learn that {x}.",
        "It helped to hear that {x}.",
    ],
    # After a highlight, or where the facts have one: these do not repeat the company's name.
    "renewal.after_highlight": [
        "I am very interested in the {role} role and in contributing to the team.",
        "I would welcome the chance to contribute as {a_role}.",
        "I left our conversation keen to join the team as {a_role}.",
        "I am excited about the chance to join the team.",
        "I hope to be part of what comes next.",
    ],
    "renewal": [
        "I am very interested in the {role} role and in contributing to the team at {company}.",
        "I would welcome the chance to contribute to {company} as {a_role}.",
        "Our conversation confirmed my interest in joining {company}.",
        "I came away even more interested in the {role} role.",
        "I would be glad to join {company} as {a_role}.",
        "Everything I heard made me more eager to join {company}.",
    ],
    "renewal.after_highlight.formal": [
        "I remain very interested in the {role} position.",
        "I would welcome the opportunity to contribute as {a_role}.",
        "I am enthusiastic about the prospect of joining the team.",
        "The conversation confirmed my strong interest in the position.",
    ],
    "renewal.formal": [
        "I remain very interested in the {role} position and in contributing to {company}.",
        "I would welcome the opportunity to contribute to {company} as {a_role}.",
        "Our conversation confirmed my strong interest in the {role} position.",
        "I am enthusiastic about the prospect of joining {company}.",
        "I would be honoured to contribute to {company} as {a_role}.",
    ],
    "closing": [
        "Thank you again for your time.",
        "Thanks again for a great conversation.",
        "I look forward to hearing about next steps.",
        "I hope we can continue the conversation soon.",
        "Thank you again, and I look forward to staying in touch.",
        "I hope to speak with you again soon.",
        "I would be glad to continue our conversation.",
        "Have a good rest of your week.",
        "Please pass my thanks to your colleagues.",
        "I hope the rest of your week goes well.",
    ],
    "closing.formal": [
        "Thank you again for your time and consideration.",
        "I look forward to the next steps in the process.",
        "Thank you once more for your consideration.",
        "I look forward to hearing from you.",
        "I would welcome the opportunity to speak with you again.",
    ],
    "closing.concise": [
        "Thank you again.",
        "I look forward to next steps.",
        "Thanks again for your time.",
        "I hope to hear from you soon.",
        "I hope we speak again soon.",
        "Have a good week.",
        "My thanks to your colleagues.",
    ],
    "signoff": ["Warm regards,", "Best regards,", "All the best,"],
    "signoff.formal": ["Sincerely,", "Kind regards,", "Respectfully,"],
    "signoff.concise": ["Best,", "Thanks,", "Best wishes,"],
    "subject": [
        "Thank you for the {role} interview",
        "Thank you, {name}",
        "Following up on my {role} interview at {company}",
        "Thanks for your time, {name}",
    ],
    "subject.formal": [
        "Thank you for your time, {name}",
        "Thank you: {role} interview",
    ],
}
