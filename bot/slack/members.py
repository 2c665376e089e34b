"""Linking on Slack: ``/match link`` ("Is this you?" from the verified e-mail, also sent on first contact:
``bot.slack.first_contact``), ``/match join <organization>``,
and the staff (or organization admin) side: ``joins``, ``approve``/``decline <id>``, ``edits``,
``approve-edit``/``decline-edit <id>``, ``member link|unlink``.

The e-mail comes from ``users.info`` (scope ``users:read.email``) with the app's own client, at the moment
of the request, never from a payload field; the core re-checks it on ``link confirm``. Plain text in, plain
text out; the people to tell get a DM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.core.accounts import texts as t
from bot.core.accounts.members import Notice
from bot.core.errors import UserFacingError
from bot.slack.drafts import HOME_DRAFT
from bot.slack.first_contact import LINK_CONFIRM, LINK_DISMISS, link_message, verified_email
from bot.slack.home import HomeButton, HomeRequest, HomeSection
from bot.slack.needs import HOME_POST
from bot.slack.render import text_message
from bot.slack.translate import PLATFORM, team_of

logger = logging.getLogger(__name__)

CONFIRM_WORD = "confirm"
HOME_LINK = "member_link_home"
HOME_HEADING = "Your place in the directory"
NOT_LINKED_HOME = ("Your chat account is not linked to the directory yet. Find yourself by your e-mail, "
                   "or say `/match join <organization>`.")
STAFF_USAGE = "member link slack:<team>:<user> person:<id> [admin] | member unlink slack:<team>:<user>"


def _who(command: dict[str, Any]) -> tuple[str, str]:
    return command.get("team_id") or "", command["user_id"]


def _args(command: dict[str, Any]) -> str:
    return (command.get("text") or "").strip().partition(" ")[2].strip()


def tell(client: WebClient, notices: tuple[Notice, ...]) -> None:
    """DM each notice (best effort: the action is already saved and the actor has their answer)."""
    for notice in notices:
        if notice.platform != PLATFORM:
            continue
        try:
            client.chat_postMessage(channel=notice.user_id, **text_message(notice.text))
        except (SlackApiError, SlackRequestError) as exc:
            logger.warning("could not tell %s: %s", notice.user_id, exc)


def link_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """``/match link``: the offer; ``/match link confirm``: link (the e-mail is looked up again)."""
    team, user = _who(command)
    email = verified_email(client, user)
    members = services.container.members
    if _args(command).lower() == CONFIRM_WORD:
        return str(members.confirm(PLATFORM, team, user, email, display_name=command.get("user_name")))
    offer = members.offer(PLATFORM, team, user, email)
    return offer.text + (f"\nSay `/match link {CONFIRM_WORD}` to confirm." if offer.person_ref else "")


def join_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """``/match join <organization>``: a request for staff or the organization's admin."""
    team, user = _who(command)
    outcome = services.container.members.request_join(PLATFORM, team, user, _args(command),
                                                      command.get("user_name") or user)
    staff_channel = services.settings.slack_staff_channel
    if staff_channel and outcome.request_id is not None:
        ask = f"Join request {outcome.request_id}: `/match approve {outcome.request_id}` or `decline`."
        tell(client, (Notice(PLATFORM, team, staff_channel, ask),))
    tell(client, outcome.notices)
    services.container.members.notify(outcome.notices, skip=(PLATFORM,))  # members on another platform
    return str(outcome.text)


def joins_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """Staff: join requests and organization edits waiting."""
    team, user = _who(command)
    if not services.is_staff(client, user, team):
        return t.STAFF_ONLY
    members = services.container.members
    lines = [f"Join request {i}: {name} -> {org}" for i, name, org in members.pending_joins()]
    lines += [f"Edit {i} of {org}: offers {caps!r}; looks for {needs!r}"
              for i, org, caps, needs in members.pending_proposals()]
    return "\n".join(lines) or "Nothing waiting."


def _request_id(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise UserFacingError(t.UNKNOWN_REQUEST.format(id=raw.strip() or "(none given)")) from None


def decide_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """``approve|decline <id>`` (join requests), ``approve-edit|decline-edit <id>`` (organization edits)."""
    team, user = _who(command)
    word = (command.get("text") or "").strip().split()[0].lower()
    approve = word.startswith("approve")
    staff = services.is_staff(client, user, team)
    members = services.container.members
    if word.endswith("-edit"):
        return str(members.decide_proposal(_request_id(_args(command)), approve, f"{PLATFORM}:{team}:{user}",
                                           staff=staff))
    outcome = members.decide_join(PLATFORM, team, user, _request_id(_args(command)), approve, staff=staff)
    tell(client, outcome.notices)
    services.container.members.notify(outcome.notices, skip=(PLATFORM,))  # members on another platform
    return str(outcome.text)


def member_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """Staff: ``member link <account> <person> [admin]``, ``member unlink <account>``."""
    team, user = _who(command)
    if not services.is_staff(client, user, team):
        return t.STAFF_ONLY
    words = _args(command).split()
    actor = f"{PLATFORM}:{team}:{user}"
    account = tuple(words[1].split(":", 2)) if len(words) > 1 else ()
    if len(account) != 3 or account[0] not in ("slack", "teams"):
        return STAFF_USAGE
    members = services.container.members
    if words[0] == "link" and len(words) in (3, 4):
        return str(members.link(account, words[2], actor, admin=len(words) == 4 and words[3] == "admin"))
    if words[0] == "unlink" and len(words) == 2:
        return str(members.unlink(account, actor))
    return STAFF_USAGE


def home_section(container: Any) -> Callable[[HomeRequest], HomeSection]:
    """"Your place in the directory": who you are linked to, or how to find yourself; draft and post buttons."""

    def section(req: HomeRequest) -> HomeSection:
        linked = container.members.status(req.platform, req.workspace_id, req.user_id)
        if linked is None:
            return HomeSection(HOME_HEADING, NOT_LINKED_HOME, buttons=(HomeButton(HOME_LINK, "Find me", "link",
                                                                                 "primary"),))
        return HomeSection(HOME_HEADING, f"You are {linked}.", buttons=(
            HomeButton(HOME_DRAFT, "Draft my profile", "draft"), HomeButton(HOME_POST, "Post a need", "post")))

    return section


def on_home_link(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    team, user = team_of(body), body["user"]["id"]
    offer = context["services"].container.members.offer(PLATFORM, team, user, verified_email(client, user))
    client.chat_postMessage(channel=user, **link_message(offer.text, offer.person_ref is not None))


def on_link_confirm(ack: Any, body: dict[str, Any], client: WebClient, respond: Any, context: Any) -> None:
    """The button carries nothing: the e-mail is looked up again and the core re-checks the match."""
    ack()
    team, user = team_of(body), body["user"]["id"]
    try:
        text = context["services"].container.members.confirm(PLATFORM, team, user, verified_email(client, user))
    except UserFacingError as e:
        text = e.message
    respond(**text_message(text), replace_original=True)


def on_link_dismiss(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
    """"Not me": the automatic offer is never made again; the message is replaced by the way to join."""
    ack()
    text = context["services"].container.first_contact.dismiss(PLATFORM, team_of(body), body["user"]["id"])
    respond(**text_message(text), replace_original=True)


def register(app: Any) -> None:
    """The ``/match`` subcommands (called from ``bot.slack.listeners.members``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS

    MEMBER_COMMANDS["link"] = link_command
    MEMBER_COMMANDS["join"] = join_command
    MEMBER_COMMANDS["joins"] = joins_command
    MEMBER_COMMANDS["member"] = member_command
    for word in ("approve", "decline", "approve-edit", "decline-edit"):
        MEMBER_COMMANDS[word] = decide_command
    app.action(HOME_LINK)(on_home_link)
    app.action(LINK_CONFIRM)(on_link_confirm)
    app.action(LINK_DISMISS)(on_link_dismiss)
