"""What members read about needs posted from chat (plain text, every adapter)."""

from __future__ import annotations

USAGE = ("Post a need: `need <title>: <description> [deadline YYYY-MM-DD] [funding <stream id>] "
         "[public|staff-only|anonymous]`. Also `needs` (yours), `need close <id>`, `need fulfilled <id>`, "
         "`need edit <id> <title>: <description> ...`.")
NO_TEXT = "A need needs a title or a description: say what you are looking for."
TITLE_TOO_LONG = "The title is too long ({n} characters at most)."
DESCRIPTION_TOO_LONG = "The description is too long ({n} characters at most)."
BAD_DATE = "The deadline {value!r} is not a date: use YYYY-MM-DD."
PAST_DEADLINE = "The deadline {value} is in the past: give a date from today on."
BAD_VISIBILITY = "Visibility must be public, staff-only or anonymous, not {value!r}."
UNKNOWN_FUNDING = "No funding stream {value!r}: give its id or exact name."
NOT_LINKED = "Link your chat account to the directory first (say `link`, or `join <organization>`)."
UNKNOWN_NEED = "You have no need {ref}."
NOT_OPEN = "{title} is already {status}."
POSTED = "Posted *{title}* ({visibility}). {count} matches now; more in your digest as the directory grows."
UPDATED = "Updated {title}."
CLOSED = "Closed {title}: it no longer appears in matches or digests."
FULFILLED = "Marked {title} as fulfilled: thank you, it counts as an outcome for the cluster."
NONE_YET = "You have no needs posted yet. " + USAGE
LIST_HEADING = "Your needs:"
VISIBILITY_LABELS = {"public": "public", "staff": "staff-only: staff and the matching only",
                     "anonymous": "anonymous: your organization is hidden until you accept an introduction"}
MATCHES_HEADING = "Who could help"
SHORT_LABELS = {"public": "public", "staff": "staff-only", "anonymous": "anonymous"}
