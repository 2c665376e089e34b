"""What the bot says about members' data: downloads, forget requests, who can find them. Plain text."""

from __future__ import annotations

VISIBILITY_LABELS = {
    "public": "members can find you",
    "staff": "only cluster staff can find you (they may still suggest introductions)",
    "hidden": "nobody can find you: you are left out of answers, digests and introductions",
}
VISIBILITY_CHOICES = {"public": "Members", "staff": "Staff only", "hidden": "Hidden"}
VISIBILITY_NOW = "Who can find you: {label}."
VISIBILITY_SET = "Done. Who can find you now: {label}. Answers show this within a few seconds."
VISIBILITY_UNCHANGED = "Nothing to change: {label}."
VISIBILITY_USAGE = (
    'Use "visibility public" (members can find you), "visibility staff" (only cluster staff) or '
    '"visibility hidden" (nobody).'
)
NEED_PROFILE = "You have no profile yet, so nobody can find you. Create one first (\"profile\")."

EXPORT_READY = (
    "Here is everything clustermatch holds about you, as a JSON file: your profile, chat accounts, questions, "
    "saved matches, feedback, introductions, digests and the audit entries about you."
)
EXPORT_NOTHING = "clustermatch holds nothing about you."
EXPORT_TOO_BIG = (
    "I could not send your data here. Cluster staff can send it to you: they run "
    "\"clustermatch member export {member}\"."
)
EXPORT_SUMMARY = "{records} records in {tables} tables."

FORGET_PROMPT = (
    "This deletes your profile, the needs you posted, your chat account links, questions, saved matches, "
    "feedback, introductions and digest history: {records} records in all. It cannot be undone; you can "
    "still ask questions afterwards, as a new member."
)
FORGET_CONFIRM_HINT = 'To go ahead, type "{command}".'
FORGET_NOTHING = "clustermatch holds nothing about you, so there is nothing to forget."
FORGET_DONE = (
    "Done: {records} records about you were deleted, and you no longer appear in answers. A note that a "
    "deletion happened (with counts only, nothing about you) stays in the audit log."
)
FORGET_BUTTON = "Delete my data"
FORGET_CANCEL = "Keep my data"
FORGET_CANCELLED = "Nothing was deleted."
FORGET_CONFIRM_TITLE = "Delete your data?"
FORGET_CONFIRM_TEXT = "Everything clustermatch holds about you is deleted for good."

HOME_HEADING = "Your data"
HOME_TEXT = (
    "Who can find you: {label}.\nDownload everything we hold about you, or have it all deleted."
)
HOME_NO_PROFILE = "Download everything we hold about you, or have it all deleted."
HOME_DOWNLOAD = "Download my data"
HOME_FORGET = "Forget me…"
HOME_SET_VISIBILITY = {"public": "Let members find me", "staff": "Only staff can find me", "hidden": "Hide me"}
