"""Introductions: action names, button labels and every sentence the flow says (plain text, unescaped).

Renderers (Slack, Teams) read ``ACTION_LABELS`` so the buttons on introduction messages, digests and App
Home look the same everywhere; the listeners map each action name back to the introductions service.
"""

from __future__ import annotations

from bot.core.texts import NOT_TAKING_INTRODUCTIONS

# -- actions (button ids; the button value carries "intro:<id>" or "sug:<id>") --------------------------
INTRO_ACCEPT = "intro_accept"
INTRO_DECLINE = "intro_decline"
INTRO_LATER = "intro_later"
OUTCOME_MET = "intro_met"
OUTCOME_NOT_MET = "intro_not_met"
OUTCOME_PROJECT = "intro_project"
OUTCOME_NDA = "intro_nda"
OUTCOME_PROPOSAL = "intro_proposal"
OUTCOME_NOTHING = "intro_nothing"
STAFF_APPROVE = "staff_approve"
STAFF_NOTE = "staff_note"
STAFF_SKIP = "staff_skip"
STAFF_VETO = "staff_veto"

MEMBER_ACTIONS = (INTRO_ACCEPT, INTRO_DECLINE, INTRO_LATER)
OUTCOME_ACTIONS = (OUTCOME_MET, OUTCOME_NOT_MET, OUTCOME_PROJECT, OUTCOME_NDA, OUTCOME_PROPOSAL, OUTCOME_NOTHING)
STAFF_ACTIONS = (STAFF_APPROVE, STAFF_NOTE, STAFF_SKIP, STAFF_VETO)
#: Every action the introductions service answers through ``container.act``.
ACTIONS = MEMBER_ACTIONS + OUTCOME_ACTIONS + STAFF_ACTIONS

ACTION_LABELS: dict[str, str] = {
    INTRO_ACCEPT: "Accept",
    INTRO_DECLINE: "Decline",
    INTRO_LATER: "Not now",
    OUTCOME_MET: "We met",
    OUTCOME_NOT_MET: "Not yet",
    OUTCOME_PROJECT: "Project started",
    OUTCOME_NDA: "NDA under way",
    OUTCOME_PROPOSAL: "Proposal under way",
    OUTCOME_NOTHING: "Nothing planned",
    STAFF_APPROVE: "Approve",
    STAFF_NOTE: "Edit note",
    STAFF_SKIP: "Skip",
    STAFF_VETO: "Never suggest",
}
ACTION_STYLES: dict[str, str] = {INTRO_ACCEPT: "primary", STAFF_APPROVE: "primary", STAFF_VETO: "danger"}

# -- requesting ------------------------------------------------------------------------------------------
NEED_PROFILE = (
    "Create your profile first (/match profile, or the Home tab) so the person you would like to meet knows "
    "who is asking. Only your public profile is shown to them."
)
NOT_INTRODUCIBLE = (
    "{title} is a {kind}, so there is nobody to introduce you to. Save it to keep it, or open its page{link}."
)
NO_CONTACT = (
    "{title} has no contact who uses this chat yet, so I cannot ask them for you. The cluster staff can "
    "introduce you by e-mail: mention it to them."
)
OWN_SIDE = "That is you or your own organization, so there is nobody to introduce you to."
UNAVAILABLE = NOT_TAKING_INTRODUCTIONS  # also said by the ask guard, so it lives with the shared texts
ALREADY_OPEN = "You already asked to meet {title} on {date}; I will tell you as soon as they answer."
ALREADY_INTRODUCED = "You and {title} were introduced on {date}; your group conversation is still there."
ASKED = (
    "I asked {title} whether they would like to be introduced, showing them your public profile only. "
    "You will hear from me when they answer (requests stay open {days} days)."
)
ASKED_STAFF = (
    "I passed your request to meet {title} to the cluster staff. Once they approve it, {title} will be asked; "
    "they see your public profile only."
)
NOT_DELIVERED = (
    "I could not reach {title} in chat just now. Your request stays open for {days} days and the cluster staff "
    "can see it."
)
REQUESTER_PAUSED = "Your introductions are paused. Resume them with /match resume first."

# -- the ask (DM to the other side) ----------------------------------------------------------------------
ASK_MEMBER = "{name} would like to be introduced to you"
ASK_MEMBER_ORG = "{name} would like to be introduced to {org}"
ASK_MEMBER_NEED = '{name} would like to help with your need "{need}"'
ASK_STAFF = "The cluster staff suggest you meet {name}"
ASK_REMINDER = "Reminder: {headline}"
ASK_PRIVACY = (
    "Nothing is shared with them until you accept. If you decline, they are told kindly, without a reason, "
    "and you will not be suggested to each other again."
)
ASK_DEADLINE = "Please answer by {date}."
FACT_WHO = "Who"
FACT_ROLE = "Role"
FACT_ORG = "Organization"
FACT_OFFERS = "What they do"
FACT_LOOKING = "What they look for"
FACT_WHY = "Why you match"
FACT_WHY_BACK = "What they offer for what you look for"
FACT_SHARED = "Shared topics"
FACT_NOTE = "Note from the cluster staff"

# -- answers ---------------------------------------------------------------------------------------------
ACCEPTED_BY_YOU = "Thank you. I started a conversation with {name} so you can take it from there."
ACCEPTED_WAITING = "Thank you. As soon as {name} accepts too, I will start a conversation with both of you."
DECLINED_BY_YOU = (
    "Understood. {name} will be told kindly, without a reason, and you will not be suggested to each other again."
)
LATER_BY_YOU = "No problem: I will ask you again on {date}. The request stays open until {deadline}."
NOT_OPEN = "This introduction is no longer open ({state})."
ALREADY_ANSWERED = "You already answered this introduction ({answer})."
NOT_YOURS = "This introduction is not addressed to you."
UNKNOWN_INTRO = "I cannot find that introduction any more."

# -- the introduction itself (group conversation) --------------------------------------------------------
CONNECTED = "Meet {a} and {b}"
CONNECTED_INTRO_MEMBER = "{a} asked to be introduced to {b}, and {b_first} accepted. Here is why you match:"
CONNECTED_INTRO_STAFF = "The cluster staff suggested this introduction and you both accepted. Here is why:"
CONNECTED_NEXT = (
    "Suggested next step: book a 30-minute call in the next two weeks to see whether {topic} is worth a "
    "pilot or a joint proposal. I will check in with you both in two weeks."
)
CONNECTED_CONTACT = "Contact"
BRINGS = "What {name} brings"
DEFAULT_TOPIC = "working together"

# -- told to the requester -------------------------------------------------------------------------------
DECLINED_NOTICE = (
    "{title} is not able to take up an introduction at the moment. That happens for many reasons, often just "
    "timing. Ask me again: other members may fit just as well."
)
EXPIRED_NOTICE = (
    "Your request to meet {title} expired without an answer. They may be away; other members may fit just as "
    "well, so ask me again."
)
REJECTED_NOTICE = (
    "The cluster staff did not forward your request to meet {title} this time. Ask them if you would like to "
    "know more, or ask me for other matches."
)
DEPRIORITISED = (
    "Several introduction requests to you expired without an answer, so I will suggest you to other members "
    "less often. If you are busy, pause introductions with /match pause (for example /match pause until "
    "2026-09-01) and resume with /match resume."
)

# -- follow-up -------------------------------------------------------------------------------------------
FOLLOWUP_HEADLINE = "How did your introduction to {name} go?"
FOLLOWUP_TEXT = (
    "Two weeks ago I introduced you to {name}. Did you meet, and is anything under way (a project, an NDA, "
    "a proposal)? Your answer only feeds the cluster's figures and helps the matching."
)
OUTCOME_THANKS = "Thank you, noted: {what}."
OUTCOME_WORDS = {
    OUTCOME_MET: "you met", OUTCOME_NOT_MET: "you have not met yet", OUTCOME_PROJECT: "a project started",
    OUTCOME_NDA: "an NDA is under way", OUTCOME_PROPOSAL: "a proposal is under way", OUTCOME_NOTHING: "nothing planned",
}

# -- staff -----------------------------------------------------------------------------------------------
STAFF_ONLY = "Sorry, only the cluster staff can do that."
TEAMS_NO_GROUP = "Teams would not let me open a group chat for you both, so each of you got this in our 1:1 chat."
STAFF_REVIEW_HEADLINE = "{a} asks to be introduced to {b}"
STAFF_APPROVED = "Approved by {who}: both sides are being asked."
STAFF_APPROVED_MEMBER = "Approved by {who}: {b} is being asked."
STAFF_SKIPPED = "Skipped by {who}."
STAFF_VETOED = "Vetoed by {who}: this pair will not be suggested again."
STAFF_ALREADY = "Already handled: {state} by {who}."
STAFF_NOTE_SAVED = "Note saved; it goes with the introduction when it is approved."
BATCH_TITLE = "Suggested introductions ({count})"
BATCH_FIGURES = (
    "{members} members considered, {pairs} pairs suggested (capacity {capacity} each, threshold {threshold}). "
    "Coverage {coverage}; worst-off member's best score {worst}. Solver: {solver}, {status}, {seconds} s."
)
BATCH_EMPTY = "No introductions to suggest this time: nobody has a good enough match with room left."

# -- preferences -----------------------------------------------------------------------------------------
PAUSED_UNTIL = "Introductions paused until {date}. Nobody will be suggested to you or asked to meet you until then."
PAUSED_FOREVER = "Introductions paused until you resume them with /match resume."
RESUMED = "Introductions resumed. Welcome back."
NOT_PAUSED = "Your introductions were not paused."
EXCLUDED = "I will not introduce you to anyone from {org}."
INCLUDED = "{org} can be introduced to you again."
NOT_EXCLUDED = "{org} was not excluded."
EXCLUSIONS = "Not introduced to you: {orgs}."
BAD_DATE = '"{value}" is not a date: use YYYY-MM-DD, for example /match pause until 2026-09-01.'
PAST_DATE = "{date} is already past: pick a later date."
NO_ORG = 'I do not know an organization called "{name}". Use its name as shown in answers, or its ref (org:...).'
MANY_ORGS = '"{name}" matches several organizations: {names}. Use the exact name or the ref.'
INTRO_USAGE = (
    "Introductions: /match pause [until YYYY-MM-DD], /match resume, /match exclude <organization>, "
    "/match include <organization>, /match intros (your introductions)."
)
STATUS_PAUSED = "Paused until {date}."
STATUS_PAUSED_FOREVER = "Paused until you resume."
STATUS_ACTIVE = "Open to introductions."
STATUS_LINE = "{state}: {name} ({since})"
NONE_YET = "No introductions yet. Press Request introduction under a match to ask for one."

KIND_NAMES = {"course": "course", "funding_stream": "funding stream"}
