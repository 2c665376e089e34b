"""Introductions on Slack: the messenger (DMs, group DMs, the staff channel), the buttons, ``/match pause``,
``resume``, ``exclude``, ``include``, ``intros``, ``consortium``, staff-only ``/match suggest-intros``, and
the App Home buttons of "Your introductions" (the section itself is ``bot.core.home``'s).

Clicks are acknowledged first; the work runs in a lazy listener. A member's answer replaces the buttons of
the message they clicked with what it did; staff actions re-render the staff message so everyone in the
channel sees who approved, skipped or vetoed each suggestion. Staff actions check ``services.is_staff``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError
from bot.core.home import INTRO_PAUSE, INTRO_RESUME
from bot.core.intros import texts as t
from bot.core.intros.consortium import propose
from bot.core.intros.delivery import Address
from bot.core.intros.messages import IntroMessage
from bot.slack import texts
from bot.slack.errors import guarded
from bot.slack.intro_render import (
    NOTE_CALLBACK,
    answered,
    intro_message,
    note_from_view,
    note_modal,
    staff_message,
    staff_messages,
)
from bot.slack.render import fallback_text, register_button, text_message
from bot.slack.services import SlackServices
from bot.slack.translate import action_request, decode_value, incoming_from_command, team_of

logger = logging.getLogger(__name__)

for _action in t.MEMBER_ACTIONS + t.OUTCOME_ACTIONS:  # digests and App Home render these with suggestion_blocks
    register_button(_action, t.ACTION_LABELS[_action], t.ACTION_STYLES.get(_action))

MEMBER_PATTERN = re.compile(rf"^({'|'.join(t.MEMBER_ACTIONS + t.OUTCOME_ACTIONS)})(:\d+)?$")
STAFF_PATTERN = re.compile(rf"^({t.STAFF_APPROVE}|{t.STAFF_SKIP}|{t.STAFF_VETO})(:\d+)?$")
NOTE_PATTERN = re.compile(rf"^{t.STAFF_NOTE}(:\d+)?$")
LINK_PATTERN = re.compile(r"^open_link(:\d+)?$")
HOME_PAUSE, HOME_RESUME = INTRO_PAUSE, INTRO_RESUME  # App Home buttons (bot.core.home)
PREFERENCE_WORDS = ("pause", "resume", "exclude", "include", "intros")


# -- the messenger ---------------------------------------------------------------------------------
class SlackIntroMessenger:
    """DMs and group DMs to members, and the staff channel, through the Web API (retrying rate limits)."""

    def __init__(self, settings: Any, *, token_for: Callable[[str], str | None] | None = None,
                 staff_workspace: Callable[[], str] | None = None,
                 client_factory: Callable[[str], WebClient] | None = None) -> None:
        from bot.slack.app import build_client

        self.settings = settings
        self._token_for = token_for or (lambda _workspace: settings.slack_bot_token or None)
        self._staff_workspace = staff_workspace or (lambda: "")
        self._factory = client_factory or (lambda token: build_client(settings, token=token))
        self._clients: dict[str, WebClient] = {}

    def client(self, workspace_id: str) -> WebClient:
        token = self._token_for(workspace_id)
        if not token:
            raise RuntimeError(f"no Slack bot token for workspace {workspace_id or '?'}")
        if token not in self._clients:
            self._clients[token] = self._factory(token)
        return self._clients[token]

    def send(self, to: Address, message: IntroMessage) -> bool:
        try:
            self.client(to.workspace_id).chat_postMessage(channel=to.user_id, unfurl_links=False, unfurl_media=False,
                                                          **intro_message(message))
            return True
        except (SlackApiError, RuntimeError) as exc:
            logger.warning("introduction DM to %s failed: %s", to.user_id, _error(exc))
            return False

    def connect(self, people: Sequence[Address], message: IntroMessage) -> str | None:
        """A group DM with everyone and the bot (``conversations.open`` with several users), then the message."""
        try:
            client = self.client(people[0].workspace_id)
            opened = client.conversations_open(users=",".join(p.user_id for p in people))
            channel = str((opened.get("channel") or {}).get("id") or "")
            if not channel:
                return None
            client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False, **intro_message(message))
            return channel
        except (SlackApiError, RuntimeError) as exc:
            logger.warning("opening the introduction conversation failed: %s", _error(exc))
            return None

    def post_staff(self, items: Sequence[IntroMessage], *, title: str, summary: str) -> list[str | None]:
        channel = self.settings.slack_staff_channel
        client = self.client(self._staff_workspace())
        refs: list[str | None] = [None] * len(items)
        for positions, message in staff_messages(items, title=title, summary=summary):
            response = client.chat_postMessage(channel=channel, unfurl_links=False, **message)
            ref = f"{response.get('channel') or channel} {response.get('ts')}"
            for k in positions:
                refs[k] = ref
        return refs


def _error(exc: Exception) -> str:
    return str(exc.response.get("error")) if isinstance(exc, SlackApiError) else str(exc)


# -- members' buttons ------------------------------------------------------------------------------
def acknowledge(ack: Ack) -> None:
    ack()


def on_intro_action(body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient,
                    services: SlackServices) -> None:
    """Accept / Decline / Not now, and the follow-up answers."""
    try:
        request = action_request(body, action)
    except (ValueError, KeyError) as e:
        raise UserFacingError(texts.BUTTON_EXPIRED) from e
    reply = services.act(request)
    container = body.get("container") or {}
    if container.get("type") == "view":  # App Home: answer in the Messages tab, refresh Home
        from bot.slack.listeners.home import publish_home

        client.chat_postMessage(channel=request.user_id, **text_message(reply.text))
        publish_home(client, services, team_of(body), request.user_id)
        return
    blocks = (body.get("message") or {}).get("blocks") or []
    if sum(1 for b in blocks if b.get("type") == "actions") == 1:  # the introduction's own message
        respond(text=fallback_text(reply.text), blocks=answered(blocks, reply.text), replace_original=True)
        return
    respond(**text_message(reply.text), response_type="ephemeral", replace_original=False)  # e.g. in a digest


# -- staff ----------------------------------------------------------------------------------------
def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
    return channel, ts


def _refresh(client: WebClient, channel: str | None, ts: str | None, outcome: Any) -> None:
    if channel and ts and outcome.items:
        client.chat_update(channel=channel, ts=ts, **staff_message(outcome.items, title=outcome.title,
                                                                   summary=outcome.summary))


def on_staff_action(body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient,
                    services: SlackServices) -> None:
    """Approve / Skip / Never suggest on the staff board (staff only)."""
    team, user = team_of(body), body["user"]["id"]
    if not services.is_staff(client, user, team):
        logger.info("refused staff action %s for %s", action.get("action_id"), user)
        respond(**text_message(t.STAFF_ONLY), response_type="ephemeral", replace_original=False)
        return
    ref, _ = decode_value(action.get("value"))
    channel, ts = _where(body)
    name = str(action["action_id"]).split(":", 1)[0]
    outcome = services.container.intros.staff.act(f"slack:{team}:{user}", name, ref,
                                                  message_ref=f"{channel} {ts}" if channel and ts else None)
    _refresh(client, channel, ts, outcome)
    respond(**text_message(outcome.text), response_type="ephemeral", replace_original=False)


def open_note(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
              services: SlackServices) -> None:
    """Edit note: ack, check staff, open the modal while the trigger id is fresh."""
    ack()
    team, user = team_of(body), body["user"]["id"]
    if not services.is_staff(client, user, team):
        respond(**text_message(t.STAFF_ONLY), response_type="ephemeral", replace_original=False)
        return
    ref, _ = decode_value(action.get("value"))
    channel, ts = _where(body)
    client.views_open(trigger_id=body["trigger_id"],
                      view=note_modal(ref, services.container.intros.staff.note_of(ref), channel=channel, ts=ts))


def save_note(body: dict[str, Any], view: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    team, user = team_of(body), body["user"]["id"]
    if not services.is_staff(client, user, team):
        client.chat_postMessage(channel=user, text=t.STAFF_ONLY)
        return
    ref, channel, ts, note = note_from_view(view)
    outcome = services.container.intros.staff.act(f"slack:{team}:{user}", t.STAFF_NOTE, ref, note=note,
                                                  message_ref=f"{channel} {ts}" if channel and ts else None)
    _refresh(client, channel, ts, outcome)


# -- commands and App Home ------------------------------------------------------------------------
def preference_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    word, _, args = (command.get("text") or "").strip().partition(" ")
    return services.container.intros.prefs.command(
        "slack", command.get("team_id") or "", command["user_id"], word, args)


def consortium_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    _, _, text = (command.get("text") or "").strip().partition(" ")
    intros = services.container.intros
    return propose(intros.catalog, intros.sessions, incoming_from_command(command, text), text).text


def suggest_command(services: SlackServices) -> str:
    """Staff: ``/match suggest-intros`` computes this period's batch and posts it to the staff channel."""
    from bot.core.intros.suggest import suggest

    intros = services.container.intros
    run = suggest(intros, created_by="slack:staff-command")
    posted = intros.staff.post_batch(run.batch_id) if run.batch_id is not None else 0
    return f"{len(run.pairs)} introductions suggested, {posted} posted for review in the staff channel."


def on_home_button(body: dict[str, Any], action: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    from bot.slack.listeners.home import publish_home

    team, user = team_of(body), body["user"]["id"]
    services.container.home.press(services.home_request(client, team, user), action["action_id"])
    publish_home(client, services, team, user)


def register(app: App) -> None:
    """Listeners and ``/match`` words (called from ``bot.slack.listeners.intros``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS, STAFF_COMMANDS

    for word in PREFERENCE_WORDS:
        MEMBER_COMMANDS[word] = preference_command
    MEMBER_COMMANDS["consortium"] = consortium_command
    STAFF_COMMANDS["suggest-intros"] = suggest_command
    app.action(MEMBER_PATTERN)(ack=acknowledge, lazy=[guarded(on_intro_action)])
    app.action(STAFF_PATTERN)(ack=acknowledge, lazy=[guarded(on_staff_action)])
    app.action(NOTE_PATTERN)(open_note)
    app.action(LINK_PATTERN)(acknowledge)
    app.view(NOTE_CALLBACK)(ack=acknowledge, lazy=[guarded(save_note)])
    for action_id in (HOME_PAUSE, HOME_RESUME):
        app.action(action_id)(ack=acknowledge, lazy=[guarded(on_home_button)])
