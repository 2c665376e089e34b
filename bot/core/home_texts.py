"""Wording of a member's home (Slack's App Home, the Teams "home" card): one place, both platforms."""

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
HOME_SECTION_FAILED = "This part could not be loaded just now."
PAUSE_INTROS = "Pause introductions"
RESUME_INTROS = "Resume introductions"
UNKNOWN_BUTTON = "That button is not in use any more: open your home again."
