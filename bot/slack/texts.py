"""Sentences only the Slack adapter says (everything about matching lives in ``bot.core.texts``). Plain text."""

from __future__ import annotations

FRIENDLY_ERROR = (
    "Sorry, something went wrong on my side and I could not finish that. It has been logged; "
    "please try again in a minute."
)
STAFF_ONLY = "Sorry, that command is for the cluster staff only. Ask them directly if you need it."
UNKNOWN_STAFF_COMMAND = "Staff commands: {commands}."
BUTTON_EXPIRED = "That button no longer works. Ask again for fresh matches."
PROFILE_SAVED = "Your profile is saved. New questions will match on it from now on."
PROFILE_NEEDS_CHANNEL = "Open the bot's Home tab or use /match profile to edit your profile."
SHORTCUT_EMPTY = "That message has no text I can match on."

# App Home
HOME_TITLE = "clustermatch"
HOME_INTRO = (
    "Ask me who can help: mention me in a channel, write to me here, or use /match followed by your question."
)
HOME_YOU = "You in the directory"
HOME_NOT_LINKED = (
    "You have no directory profile yet. Create one so other members can find you and your matches fit "
    "what you do."
)
HOME_EDIT_PROFILE = "Edit my profile"
HOME_CREATE_PROFILE = "Create my profile"
HOME_NEEDS = "Your needs"
HOME_NO_NEEDS = "No open needs. Add what you are looking for in your profile (\"What you are looking for\")."
HOME_SAVED = "Saved matches"
HOME_NO_SAVED = 'Nothing saved yet. Press "Save" under a suggestion to keep it here.'
HOME_INTROS = "Your introductions"
HOME_INTROS_SOON = "Introductions you request or receive will be listed here."
HOME_DIGEST = "Weekly digest"
HOME_DIGEST_SOON = "Digest settings will be available here."
HOME_SECTION_FAILED = "This part could not be loaded just now."

# Profile modal
PROFILE_TITLE = "Your profile"
PROFILE_SUBMIT = "Save"
PROFILE_CLOSE = "Cancel"
PROFILE_HINT = "Members find you by what you write here. Plain language works best."
LABEL_NAME = "Your name"
LABEL_TITLE = "Your role or title"
LABEL_ORG = "Organization"
LABEL_ORG_KIND = "Organization type"
LABEL_PROVINCE = "Province"
LABEL_EXPERTISE = "What you or your organization can help with"
LABEL_INTERESTS = "What you are looking for"
LABEL_WEBSITE = "Website"
ERROR_REQUIRED = "Please fill this in."
ERROR_TOO_SHORT = "Please write at least {n} characters so matching has something to work with."
ERROR_TOO_LONG = "Please keep this under {n:,} characters."
ERROR_URL = "Use a full web address starting with https://"
LABEL_VISIBILITY = "Who can find you"
HINT_VISIBILITY = "Staff only: cluster staff can still suggest introductions. Hidden: you appear nowhere."
