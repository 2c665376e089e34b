"""Every sentence digests say, in one place (plain text: renderers escape and format it)."""

from __future__ import annotations

MEMBER_TITLE = "Your weekly matches"
MEMBER_INTRO = "New in the cluster since your last digest, picked for what you do and what you are looking for."
MEMBER_FOOTER = 'Change the day or hour, or turn digests off, with "/match digest" or in the app\'s Home tab.'
STAFF_TITLE = "Staff digest: the week in the cluster"
STAFF_INTRO = "Introductions, members the matching could not serve, and requests still waiting (last 7 days)."
STAFF_FOOTER = "Figures cover the seven days before this digest."

HEADING_INTROS = "Introductions waiting for you"
HEADING_NEW = "New and updated in the directory"
HEADING_COURSES = "Courses and training"
HEADING_FUNDING = "Funding deadlines coming up"
HEADING_NO_MATCH = "Members with no match"
HEADING_UNANSWERED = "Requests still unanswered"

FACT_REQUESTED = "Introductions requested"
FACT_ACCEPTED = "Introductions accepted"
FACT_MET = "Introductions that led to a meeting"
FACT_NO_MATCH = "Members with no match"
FACT_UNANSWERED = "Unanswered requests"
FACT_DIGESTS = "Member digests sent"
INTROS_NOT_TRACKED = "0 (introductions are not tracked yet)"

CLOSES_ON = "Closes {date} ({days} days left)."
NEW_ITEM = "New this week."
UPDATED_ITEM = "Updated this week."
NO_PROFILE = "No profile text, needs or questions to match on yet"
EMPTY_DIGEST = "Nothing new matched this week"

DAY_NAMES = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
    "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}
STATUS_ON = "Your weekly digest is on: {day}s at {hour:02d}:00 ({timezone})."
STATUS_OFF = "Your weekly digest is off. Turn it on with \"/match digest on\"."
TURNED_ON = "Weekly digest on: {day}s at {hour:02d}:00 ({timezone})."
TURNED_OFF = "Weekly digest off. You will get no more digests until you turn it back on."
DAY_SET = "Your digest now comes on {day}s at {hour:02d}:00 ({timezone})."
HOUR_SET = "Your digest now comes at {hour:02d}:00 ({timezone}) on {day}s."
USAGE = (
    "Usage: /match digest [on | off | day <mon..sun> | hour <0-23>]. "
    'For example "/match digest day thu" or "/match digest hour 8".'
)
BAD_DAY = "\"{value}\" is not a day: use one of mon, tue, wed, thu, fri, sat, sun."
BAD_HOUR = "\"{value}\" is not an hour: use a whole number from 0 to 23 (your local time)."
HOME_HEADING = "Weekly digest"
HOME_TURN_ON = "Turn on"
HOME_TURN_OFF = "Turn off"
HOME_DAY = "Move to"
HOME_EARLIER = "Earlier ({hour:02d}:00)"
HOME_LATER = "Later ({hour:02d}:00)"
