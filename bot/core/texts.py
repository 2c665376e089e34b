"""Every sentence the bot says to members, in one place (wording reviews, later translation).

Plain text only: renderers escape and format it for their platform.
"""

from __future__ import annotations

#: Section headings, in the order kinds are grouped (see ``bot.core.ask.service.section_for``).
HEADING_RESEARCHERS = "Researchers"
HEADING_TECH_FIRMS = "Technology firms"
HEADING_OTHER_ORGS = "Other organizations and people"
HEADING_COURSES = "Courses and training"
HEADING_FUNDING = "Funding streams"
HEADING_NEEDS = "Open needs from members"

HELP = (
    "Ask me in plain language what you are looking for, for example:\n"
    '  • "we need help automating TIG welding of aluminium battery trays"\n'
    '  • "researchers in Quebec who work on laser cladding"\n'
    '  • "online micro-credential courses on PLC programming"\n'
    '  • "funding for a robotic cell pilot in Ontario"\n'
    "I answer with researchers, technology firms, courses and funding streams, each with the reason it "
    "matched.\n"
    "You can narrow an answer in the question itself: a kind (researchers, technology firms, manufacturers, "
    'courses, funding), a province ("in Ontario", "au Québec", "BC"), "online" or "in person", '
    '"micro-credential", "in French".\n'
    "Under each suggestion: Introduce me, Save, Not relevant (I will not show it to you again) and More like this. "
    'Type "saved" to see what you saved, "more like <ref>" to explore around an item.'
)

DIRECTORY_STATS = (
    "Directory: {organizations} organizations, {people} people, {courses} courses, {funding} funding streams, "
    "{needs} open needs. Directory version {version}."
)

EMPTY_QUESTION = (
    "I did not get a question. Tell me what you need in a sentence, for example "
    '"we need help automating TIG welding of aluminium battery trays". Type "help" for more.'
)

TRUNCATED = "Your message was long, so I matched on its first {kept:,} characters (of {total:,})."

INTRO_ANSWER = 'Here is what matches "{question}":'
MORE_LIKE_ANSWER = "More like {title}:"
NO_RESULTS = (
    'I found nothing that matches "{question}"{filters}. Try fewer words or a broader request, '
    'or drop a filter (kind, province, language). Type "help" for examples.'
)
NO_RESULTS_MORE_LIKE = "I found nothing else like {title}{filters}."
EMPTY_DIRECTORY = (
    "The member directory is empty, so there is nothing to match yet. Staff can load the demo directory "
    "(`clustermatch load-demo`) or import members (`clustermatch import FILE`)."
)
FILTERS_USED = " (filters: {filters})"
WHY = "Why: {reason}"
SHARED = "Shared: {terms}"

SAVED = 'Saved {title}. Type "saved" to see everything you saved.'
ALREADY_SAVED = "{title} was already in your saved matches."
SAVED_LIST_HEADER = "Here is what you saved:"
HEADING_SAVED = "Saved matches"
SAVED_LIST_EMPTY = 'You have not saved anything yet. Press "Save" under a suggestion to keep it here.'
NOT_RELEVANT = "Thanks, I will not show {title} to you again and will use this to improve your matches."
UNKNOWN_ITEM = "I cannot find that item any more; the directory may have changed. Ask again for fresh matches."
UNKNOWN_REF = 'I do not know "{ref}". Use a reference shown under a suggestion, such as org:acme-robotics.'
UNKNOWN_ACTION = "That button is no longer available. Ask again for fresh matches."
INTROS_UNAVAILABLE = "Introductions are not available yet"
NOT_TAKING_INTRODUCTIONS = "{title} is not taking introductions right now. Other matches may fit just as well."
WARMING_UP = "The matching engine is warming up; your answer may take a few more seconds."

KIND_LABELS: dict[str, str] = {
    "researcher": "researcher",
    "person": "contact",
    "technology_firm": "technology firm",
    "manufacturer": "manufacturer",
    "research_institution": "research institution",
    "innovation_centre": "innovation centre",
    "service_provider": "service provider",
    "training_provider": "training provider",
    "course": "course",
    "funding_stream": "funding stream",
    "need": "member need",
}

# Staff's "why" (``bot.core.ask.why``).
WHY_HEADER = "Why {name} ({ref}):"
WHY_FALLBACK = "The ranker could not beat one channel on this question, so the {channel} channel's order answered it."
WHY_RANKER = "Learned ranker: {parts}"
WHY_NO_RANKER = "Learned ranker: this item was not among its candidates (or no ranker is loaded)."
WHY_PERSONAL = "Member signals (model v{version}): {parts}"
WHY_USAGE = ("`why <number or ref>`: why a suggestion of your last answer ranked where it did (staff only), "
             "e.g. `why 2` or `why org:acme`.")
WHY_NO_ANSWER = "Ask a question first: `why` explains a suggestion of your last answer."
WHY_NOT_SHOWN = "{ref} was not in your last answer (it had {count} suggestions)."
WHY_STAFF_ONLY = "Sorry, `why` is for the cluster staff only."
