"""Members' data on Slack: "Your data" on App Home, ``/match mydata``, ``/match forget``, ``/match visibility``.

The App Home section is the core's (``bot.core.home``). *Download my data* uploads the JSON export to the
member's DM with ``files_upload_v2`` (scope ``files:write``). *Forget me* always asks first: the Home button
posts a DM with a red button (itself behind Slack's confirm dialog); ``/match forget`` explains and waits
for ``/match forget confirm``. A member only ever acts on their own data: the account comes from the signed
payload, never from a button value.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.home import PRIVACY_DOWNLOAD, PRIVACY_FORGET, PRIVACY_VISIBILITY
from bot.core.privacy import texts as t
from bot.core.privacy.service import PrivacyService
from bot.slack.render import fallback_text, mrkdwn, text_message
from bot.slack.services import SlackServices
from bot.slack.translate import PLATFORM

logger = logging.getLogger(__name__)

DOWNLOAD, FORGET_PROMPT, VISIBILITY = PRIVACY_DOWNLOAD, PRIVACY_FORGET, PRIVACY_VISIBILITY  # App Home buttons
FORGET_CONFIRM, FORGET_CANCEL = "privacy_forget_confirm", "privacy_forget_cancel"
CONFIRM_WORD = "confirm"
FILENAME = "clustermatch-my-data.json"


def _privacy(services: SlackServices) -> PrivacyService:
    return services.container.privacy


# -- download ----------------------------------------------------------------------------------------
def send_export(client: WebClient, services: SlackServices, team_id: str, user_id: str) -> str:
    """Upload the member's export to their DM; returns what to tell them where the request was made."""
    privacy = _privacy(services)
    data = privacy.export_for(PLATFORM, team_id, user_id)
    records = privacy.record_count(data)
    if records == 0:
        return t.EXPORT_NOTHING
    summary = t.EXPORT_SUMMARY.format(records=records, tables=sum(1 for n in data["counts"].values() if n))
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(channel=channel, content=privacy.to_json(data).encode("utf-8"), filename=FILENAME,
                               title="Your clustermatch data", initial_comment=f"{t.EXPORT_READY} {summary}")
    except (SlackApiError, SlackRequestError, KeyError, TypeError) as exc:
        logger.warning("could not upload a data export to %s in %s: %s", user_id, team_id, exc)
        return t.EXPORT_TOO_BIG.format(member=f"{PLATFORM}:{team_id}:{user_id}")
    return f"{t.EXPORT_READY} {summary} I sent it to our direct messages."


# -- forget ------------------------------------------------------------------------------------------
def forget_prompt_message(text: str) -> dict[str, Any]:
    """The confirmation DM: what goes, a red button behind Slack's own confirm dialog, and a way out."""
    confirm = ConfirmObject(title=t.FORGET_CONFIRM_TITLE, text=t.FORGET_CONFIRM_TEXT, confirm=t.FORGET_BUTTON,
                            deny=t.FORGET_CANCEL, style="danger")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=mrkdwn(text))),
        ActionsBlock(elements=[
            ButtonElement(text=PlainTextObject(text=t.FORGET_BUTTON), action_id=FORGET_CONFIRM, value="forget",
                          style="danger", confirm=confirm),
            ButtonElement(text=PlainTextObject(text=t.FORGET_CANCEL), action_id=FORGET_CANCEL, value="keep"),
        ]),
    ]
    return {"text": fallback_text(text), "blocks": [b.to_dict() for b in blocks]}


# -- /match subcommands ----------------------------------------------------------------------------
def mydata_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    """``/match mydata``: the export, as a file in the member's DM."""
    return send_export(client, services, command.get("team_id") or "", command["user_id"])


def forget_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    """``/match forget`` explains and asks; ``/match forget confirm`` deletes."""
    _, _, args = (command.get("text") or "").strip().partition(" ")
    team, user = command.get("team_id") or "", command["user_id"]
    if args.strip().lower() == CONFIRM_WORD:
        return str(_privacy(services).forget_for(PLATFORM, team, user))
    text, records = _privacy(services).forget_prompt_for(PLATFORM, team, user)
    return text if records == 0 else f"{text}\n{t.FORGET_CONFIRM_HINT.format(command='/match forget confirm')}"


def visibility_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    """``/match visibility [public|staff|hidden]``."""
    _, _, args = (command.get("text") or "").strip().partition(" ")
    return str(_privacy(services).visibility_command_for(PLATFORM, command.get("team_id") or "", command["user_id"],
                                                         args))


# -- buttons -----------------------------------------------------------------------------------------
def acknowledge(ack: Any) -> None:
    ack()


def _who(body: dict[str, Any]) -> tuple[str, str]:
    from bot.slack.translate import team_of

    return team_of(body), str(body["user"]["id"])


def on_download(body: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    team, user = _who(body)
    text = send_export(client, services, team, user)
    if not text.startswith(t.EXPORT_READY):  # nothing held, or the upload failed: say so in the DM
        client.chat_postMessage(channel=user, **text_message(text))


def on_forget_prompt(body: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    team, user = _who(body)
    text, records = _privacy(services).forget_prompt_for(PLATFORM, team, user)
    client.chat_postMessage(channel=user, **(forget_prompt_message(text) if records else text_message(text)))


def on_forget_confirm(body: dict[str, Any], client: WebClient, respond: Any, services: SlackServices) -> None:
    team, user = _who(body)
    text = _privacy(services).forget_for(PLATFORM, team, user)
    respond(**text_message(text), replace_original=True)
    # A plain Home, not the sections: building those would store a fresh account for the member at once.
    client.views_publish(user_id=user, view=View(type="home", blocks=[
        SectionBlock(text=MarkdownTextObject(text=mrkdwn(text)))]).to_dict())


def on_forget_cancel(respond: Any) -> None:
    respond(**text_message(t.FORGET_CANCELLED), replace_original=True)


def on_visibility(body: dict[str, Any], action: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    from bot.slack.listeners.home import publish_home

    team, user = _who(body)
    _privacy(services).visibility_command_for(PLATFORM, team, user, str(action.get("value") or ""))
    publish_home(client, services, team, user)  # Home shows the new setting


def register(app: Any) -> None:
    """Home buttons and the ``/match`` subcommands (called from ``bot.slack.listeners.privacy``)."""
    from bot.slack.errors import guarded
    from bot.slack.listeners.commands import MEMBER_COMMANDS

    MEMBER_COMMANDS["mydata"] = mydata_command
    MEMBER_COMMANDS["forget"] = forget_command
    MEMBER_COMMANDS["visibility"] = visibility_command
    app.action(DOWNLOAD)(ack=acknowledge, lazy=[guarded(on_download)])
    app.action(FORGET_PROMPT)(ack=acknowledge, lazy=[guarded(on_forget_prompt)])
    app.action(FORGET_CONFIRM)(ack=acknowledge, lazy=[guarded(on_forget_confirm)])
    app.action(FORGET_CANCEL)(ack=acknowledge, lazy=[guarded(on_forget_cancel)])
    app.action(VISIBILITY)(ack=acknowledge, lazy=[guarded(on_visibility)])
