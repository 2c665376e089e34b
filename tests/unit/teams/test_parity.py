"""Teams at parity with Slack: every Slack entry point (button, ``/match`` word, event, modal, shortcut) has a
Teams counterpart, and each counterpart is run end to end here through the production Teams wiring with the
Agents SDK's ``TestAdapter``, on a real database, with a fake Bot Connector for the proactive messages it
causes (introductions, staff cards, group chats).

The Slack list is read from the Slack listeners themselves (``register_all`` on a recording app), so a new
Slack button or command fails ``test_every_slack_entry_point_has_a_teams_counterpart`` until Teams has one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core import home as core_home
from bot.core import home_texts as ht
from bot.core import texts
from bot.core.digest import texts as dt
from bot.core.intros import texts as t
from bot.core.messages import MORE_LIKE_THIS, NOT_RELEVANT, REQUEST_INTRO, SAVE
from bot.core.privacy import texts as pt
from bot.teams import privacy as teams_privacy
from bot.teams import profile as teams_profile
from bot.teams.app import TeamsRuntime, build_teams
from bot.teams.handlers import COMMANDS
from bot.teams.platform import TeamsPlatform
from bot.teams.proactive import RetryPolicy
from bot.teams.staff import NOTE_INPUT
from models.activity import SavedMatch
from models.directory import Need, Organization, PlatformAccount
from models.intros import ACCEPTED, DECLINED, Introduction, IntroOutcome, IntroPreference
from models.members import JoinRequest
from tests.unit.intros.conftest import seed
from tests.unit.teams.cards import cards_in, submit_actions, texts_of
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import BOT_APP_ID, load_sample, teams_container, token_connections

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AAD = {"U-MARC": "aad-marc", "U-CARLA": "aad-carla", "U-ANA": "aad-ana", "U-QUINN": "aad-quinn",
       "U-RITA": "aad-rita", "U-STAFF": "aad-staff", "U-NOBODY": "aad-nobody"}
MARC, CARLA, STAFF, NOBODY = AAD["U-MARC"], AAD["U-CARLA"], AAD["U-STAFF"], AAD["U-NOBODY"]
QUESTION = "robotic TIG welding of aluminium battery trays"


# -- the Slack side -----------------------------------------------------------------------------------
class RecordingApp:
    """Stands in for a Bolt app: remembers what each listener module registers."""

    def __init__(self) -> None:
        self.registered: list[tuple[str, Any]] = []

    def __getattr__(self, kind: str) -> Callable[..., Any]:
        def register(*args: Any, **kwargs: Any) -> Callable[..., Any]:
            self.registered.append((kind, args[0] if args else None))
            return lambda *a, **k: a[0] if a else None

        return register


def _alternatives(matcher: Any) -> list[str]:
    """``"digest_on"`` -> [it]; ``re.compile("^(save|not_relevant)(:\\d+)?$")`` -> ["save", "not_relevant"]."""
    if isinstance(matcher, str):
        return [matcher]
    body = matcher.pattern.removeprefix("^").removesuffix("$").replace(r"(:\d+)?", "")
    assert re.fullmatch(r"\(?[a-z_|]+\)?", body), f"cannot list the ids of {matcher.pattern}"
    return body.strip("()").split("|")


def slack_entry_points() -> set[str]:
    """Every Slack button, ``/match`` word, event, modal and shortcut the listeners register."""
    from bot.slack.listeners import commands, register_all

    app = RecordingApp()
    register_all(app)  # type: ignore[arg-type]
    found: set[str] = set()
    for kind, matcher in app.registered:
        if kind == "action":
            found.update(_alternatives(matcher))
        elif kind in ("event", "view", "shortcut"):
            found.add(f"{kind}:{matcher}")
        elif kind == "command":
            words = {*commands.MEMBER_COMMANDS, *commands.STAFF_COMMANDS, commands.PROFILE, "help", "<question>"}
            found.update(f"{matcher} {w}" for w in words)
        # Bolt's default uninstall listeners ("default_..._listener") only clear its installation store
    return found


# -- the Teams side -----------------------------------------------------------------------------------
@dataclass
class Teams:
    runtime: TeamsRuntime
    connector: FakeConnector
    sessions: sessionmaker[Session]
    container: Any

    def activity(self, user: str, *, text: str | None = None, value: dict[str, Any] | None = None,
                 conversation_type: str = "personal", reply_to: str | None = None) -> dict[str, Any]:
        sample = load_sample("msteams-docs/inbound_message_personal_2019.json")
        sample["serviceUrl"] = self.connector.url
        sample["from"] = {"id": f"29:{user}", "name": user, "aadObjectId": user}
        sample["conversation"] = {"conversationType": conversation_type, "tenantId": TENANT,
                                  "id": f"a:{user}" if conversation_type == "personal" else "19:general@thread.tacv2"}
        sample.pop("text")
        if text is not None:
            sample["text"] = text
        if value is not None:
            sample["value"] = value
        if reply_to:
            sample["replyToId"] = reply_to
        return sample

    def turn(self, user: str, **kw: Any) -> list[dict[str, Any]]:
        """One inbound activity through ``agent.on_turn``; the bot's messages back, as Teams JSON."""
        return self.run(self.activity(user, **kw))

    def run(self, activity: dict[str, Any]) -> list[dict[str, Any]]:
        adapter = TestAdapter(conversation=Activity.model_validate(activity).get_conversation_reference())

        async def go() -> None:
            await TestFlow(adapter, self.runtime.agent.on_turn).send(Activity.model_validate(activity)).start_test()

        asyncio.run(go())
        sent = [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in adapter.activity_queue]
        return [a for a in sent if a["type"] == "message"]

    def say(self, user: str, text: str, **kw: Any) -> str:
        """What the bot showed back, cards' text included, as one string."""
        return shown(self.turn(user, text=text, **kw))

    def press(self, user: str, value: dict[str, Any], **kw: Any) -> str:
        return shown(self.turn(user, value=value, **kw))

    def one(self, stmt: Any) -> Any:
        with self.sessions() as s:
            return s.execute(stmt).one_or_none()

    def request_intro(self) -> str:
        """Marc asks to meet WeldBot; Carla, its contact, gets the card. Returns the introduction's ref."""
        self.press(MARC, {"action": REQUEST_INTRO, "ref": "org:weldbot"})
        ask = self.to(CARLA)[-1].card
        assert ask is not None
        return str(submit_actions(ask)[0]["data"]["ref"])

    def accepted_intro(self) -> str:
        ref = self.request_intro()
        self.press(CARLA, {"action": t.INTRO_ACCEPT, "ref": ref})
        return ref

    def to(self, user: str) -> list[Any]:
        """Proactive messages the connector got for ``user``'s 1:1 chat."""
        return [c for c in self.connector.messages if c.path.startswith(f"/v3/conversations/a:{user}/")]

    def staff_card(self) -> tuple[dict[str, Any], str]:
        """Run this period's suggestions and post them: the first staff card and the activity it went out as."""
        self.say(STAFF, "suggest intros")
        [posted, *_] = [c for c in self.to(STAFF) if c.card is not None]
        return posted.card, f"activity-{self.connector.calls.index(posted)}"

    def home(self, user: str) -> str:
        return self.say(user, "home")


def shown(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        parts.append(str(m.get("text") or ""))
        for content in cards_in(m):
            parts += texts_of(content)
    return "\n".join(p for p in parts if p)


@pytest.fixture
def teams(sessions: sessionmaker[Session]) -> Iterator[Teams]:
    """The seeded directory with everyone on Teams, the production container and Teams runtime."""
    with FakeConnector() as connector:
        seed(sessions, workspace=TENANT)
        with sessions.begin() as s:
            for slack_id, aad in AAD.items():
                ref = {"user": {"id": f"29:{aad}", "aadObjectId": aad, "name": aad},
                       "bot": {"id": f"28:{BOT_APP_ID}", "name": "clustermatch"},
                       "conversation": {"conversationType": "personal", "id": f"a:{aad}", "tenantId": TENANT},
                       "channelId": "msteams", "serviceUrl": connector.url}
                s.execute(update(PlatformAccount).where(PlatformAccount.user_id == slack_id).values(
                    platform="teams", user_id=aad, conversation_ref=ref))
        # a registered bot whose tokens come from a static provider (the SDK opens group chats only with one);
        # TEAMS_ANONYMOUS only turns off the check that service URLs are Microsoft's
        settings = Settings(teams_anonymous=True, teams_app_id=BOT_APP_ID, dashboard_secret="k",
                            public_url="https://cluster.example")
        container = teams_container(sessions, settings)
        container.catalog.warm_up()
        runtime = build_teams(container, connections=token_connections(), policy=RetryPolicy(min_interval=0))
        container.platforms["teams"] = TeamsPlatform(container, runtime=runtime)
        yield Teams(runtime, connector, sessions, container)


# -- one scenario per Slack entry point -------------------------------------------------------------------
def ask_question(teams: Teams) -> None:
    assert "WeldBot Automation" in teams.say(MARC, QUESTION)


def ask_in_a_channel(teams: Teams) -> None:  # app_mention: a channel mention of the bot
    assert "WeldBot Automation" in teams.say(MARC, f"<at>clustermatch</at> {QUESTION}", conversation_type="channel")


def help_text(teams: Teams) -> None:
    shown_ = teams.say(MARC, "help")
    assert texts.HELP.splitlines()[0] in shown_ and COMMANDS in shown_


def profile_card(teams: Teams) -> None:
    assert teams_profile.TITLE in teams.say(NOBODY, "profile")


def profile_saved(teams: Teams) -> None:  # the Slack modal's submission
    value = {"action": teams_profile.SAVE_PROFILE, "name": "Nora Nobody", "title": "Process engineer",
             "affiliation": "Nobody Fabrication", "province": "on",
             "expertise": "Robotic TIG welding of aluminium enclosures and fixtures.", "interests": "Laser cladding"}
    assert teams_profile.SAVED in teams.press(NOBODY, value)
    assert teams.one(select(PlatformAccount.person_id).where(PlatformAccount.user_id == NOBODY))[0] is not None


def open_profile_button(teams: Teams) -> None:
    assert teams_profile.TITLE in teams.press(NOBODY, {"action": core_home.OPEN_PROFILE, "value": ""})


def save_button(teams: Teams) -> None:
    teams.press(MARC, {"action": SAVE, "ref": "org:weldbot"})
    assert teams.one(select(SavedMatch.ref).where(SavedMatch.user_id == MARC)) == ("org:weldbot",)


def not_relevant_button(teams: Teams) -> None:
    assert "will not show WeldBot Automation to you again" in teams.press(
        MARC, {"action": NOT_RELEVANT, "ref": "org:weldbot"})
    assert "WeldBot Automation" not in teams.say(MARC, QUESTION)


def more_like_this_button(teams: Teams) -> None:
    assert texts.MORE_LIKE_ANSWER.format(title="WeldBot Automation") in teams.press(
        MARC, {"action": MORE_LIKE_THIS, "ref": "org:weldbot"})


def request_intro_button(teams: Teams) -> None:
    teams.request_intro()
    assert teams.one(select(Introduction.state)) == ("pending",)


def open_link(teams: Teams) -> None:  # Slack acks its URL buttons; Teams cards open links themselves
    messages = teams.turn(MARC, text="courses on PLC programming for robotic welding cells")
    links = [a for m in messages for c in cards_in(m) for a in _all_actions(c) if a["type"] == "Action.OpenUrl"]
    assert any(a["url"] == "https://college.example/plc" for a in links)


def _all_actions(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action."):
            found.append(node)
        for v in node.values():
            found += _all_actions(v)
    elif isinstance(node, list):
        for v in node:
            found += _all_actions(v)
    return found


def intro_accept(teams: Teams) -> None:
    teams.accepted_intro()
    assert teams.one(select(Introduction.state)) == (ACCEPTED,)
    opened = [c for c in teams.connector.calls if c.path.rstrip("/").endswith("/v3/conversations")
              and c.body.get("isGroup")]
    assert opened, "a group chat with both people was asked for"
    members = {m["aadObjectId"] for m in opened[-1].body["members"]}
    assert members == {MARC, CARLA}


def intro_decline(teams: Teams) -> None:
    ref = teams.request_intro()
    teams.press(CARLA, {"action": t.INTRO_DECLINE, "ref": ref})
    assert teams.one(select(Introduction.state)) == (DECLINED,)


def intro_later(teams: Teams) -> None:
    ref = teams.request_intro()
    assert "No problem: I will ask you again" in teams.press(CARLA, {"action": t.INTRO_LATER, "ref": ref})


def outcome(action: str) -> Callable[[Teams], None]:
    def run(teams: Teams) -> None:
        ref = teams.accepted_intro()
        reply = teams.press(MARC, {"action": action, "ref": ref})
        assert reply.startswith("Thank you, noted") or t.OUTCOME_THANKS.split(":")[0] in reply
        assert teams.one(select(IntroOutcome.id)) is not None

    return run


def staff_action(action: str, expected: str) -> Callable[[Teams], None]:
    def run(teams: Teams) -> None:
        card, activity_id = teams.staff_card()
        [button] = [a for a in submit_actions(card) if a["data"]["action"] == action]
        value = {**button["data"], NOTE_INPUT: "You both work on battery trays."}
        assert expected in teams.press(STAFF, value, reply_to=activity_id)
        assert t.STAFF_ONLY in teams.press(MARC, value)  # members cannot press it

    return run


def staff_note_goes_with_the_introduction(teams: Teams) -> None:  # the Slack note modal
    card, activity_id = teams.staff_card()
    ref = submit_actions(card)[0]["data"]["ref"]
    teams.press(STAFF, {"action": t.STAFF_NOTE, "ref": ref, NOTE_INPUT: "You both work on battery trays."},
                reply_to=activity_id)
    before = len(teams.connector.messages)
    teams.press(STAFF, {"action": t.STAFF_APPROVE, "ref": ref, NOTE_INPUT: "You both work on battery trays."})
    asks = [c for c in teams.connector.messages[before:] if c.card is not None]
    assert asks and all("You both work on battery trays." in texts_of(c.card) for c in asks)


def suggest_intros(teams: Teams) -> None:
    assert "introductions suggested" in teams.say(STAFF, "suggest intros")
    assert t.STAFF_ONLY in teams.say(MARC, "suggest intros")


def stats(teams: Teams) -> None:
    shown_ = teams.say(STAFF, "stats")
    assert "Directory: 5 organizations, 6 people" in shown_
    assert "Directory:" not in teams.say(MARC, "stats")


def dashboard_link(teams: Teams) -> None:
    assert "https://cluster.example/dashboard" in teams.say(STAFF, "dashboard")


def consortium(teams: Teams) -> None:
    assert teams.say(MARC, f"consortium {QUESTION}").startswith(f'Teams that could answer "{QUESTION}" together')


def typed(word: str, check: Callable[[Teams, str], None]) -> Callable[[Teams], None]:
    return lambda teams: check(teams, teams.say(MARC, word))


def paused(teams: Teams, reply: str) -> None:
    assert reply.startswith("Introductions paused")
    assert teams.one(select(IntroPreference.paused)) == (True,)


def resumed(teams: Teams, reply: str) -> None:
    assert reply == "Your introductions were not paused."
    teams.say(MARC, "pause")
    teams.say(MARC, "resume")
    assert teams.one(select(IntroPreference.paused)) == (False,)


def excluded(teams: Teams, reply: str) -> None:
    assert reply == "I will not introduce you to anyone from RivalWeld Systems."
    assert teams.one(select(IntroPreference.excluded_orgs)) == (["rivalweld"],)


def included(teams: Teams, reply: str) -> None:
    teams.say(MARC, "exclude rivalweld")
    assert teams.say(MARC, "include rivalweld") == "RivalWeld Systems can be introduced to you again."
    assert teams.one(select(IntroPreference.excluded_orgs)) == ([],)


def intros_overview(teams: Teams, reply: str) -> None:
    assert reply.startswith("Open to introductions")


def digest_preference(teams: Teams) -> tuple[bool, str, int]:
    """Marc's effective digest choices (his own, else the defaults)."""
    schedule = teams.container.digest.settings_for("teams", TENANT, MARC)
    return schedule.enabled, schedule.day, schedule.hour


def digest_typed(teams: Teams) -> None:
    status = teams.say(MARC, "digest")
    assert status.startswith("Your weekly digest is off") and '"digest on"' in status and "/match" not in status
    assert dt.STATUS_OFF not in teams.say(MARC, "digest on")
    teams.say(MARC, "digest day fri")
    teams.say(MARC, "digest hour 7")
    assert digest_preference(teams) == (True, "fri", 7)
    assert teams.say(MARC, "digest off").startswith("Weekly digest off")
    assert digest_preference(teams) == (False, "fri", 7)


def home_buttons(teams: Teams, user: str) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The home card's buttons by action (their submitted data), and the card's activity id."""
    [home] = teams.turn(user, text="home")
    return {a["data"]["action"]: a["data"] for a in submit_actions(cards_in(home)[0])}, home.get("id")


def home_button(action: str) -> Callable[[Teams], None]:
    """Press a home card button as the card shows it, then check the member's settings moved."""

    def run(teams: Teams) -> None:
        if action not in (core_home.DIGEST_ON, core_home.INTRO_PAUSE):
            teams.press(MARC, {"action": core_home.INTRO_PAUSE if action == core_home.INTRO_RESUME
                               else core_home.DIGEST_ON, "value": ""})
        buttons, card_id = home_buttons(teams, MARC)
        before = digest_preference(teams)
        teams.press(MARC, buttons[action], reply_to=card_id)
        after = digest_preference(teams)
        if action in (core_home.INTRO_PAUSE, core_home.INTRO_RESUME):
            overview = teams.container.intros.prefs.overview("teams", TENANT, MARC)
            assert overview.paused is (action == core_home.INTRO_PAUSE)
            return
        assert after[0] is (action != core_home.DIGEST_OFF)
        if action == core_home.DIGEST_DAY:
            assert after[1] == buttons[action]["value"] != before[1]
        if action in (core_home.DIGEST_HOUR_UP, core_home.DIGEST_HOUR_DOWN):
            assert after[2] == int(buttons[action]["value"])

    return run


def home_card(teams: Teams) -> None:  # App Home
    shown_ = teams.home(MARC)
    for heading in (ht.HOME_YOU, ht.HOME_NEEDS, ht.HOME_SAVED, ht.HOME_INTROS, dt.HOME_HEADING, pt.HOME_HEADING):
        assert heading in shown_


def my_data(teams: Teams) -> None:
    assert pt.EXPORT_READY in teams.say(MARC, "my data")


def download_button(teams: Teams) -> None:
    assert pt.EXPORT_READY in teams.press(MARC, {"action": core_home.PRIVACY_DOWNLOAD, "value": "download"})


def forget_prompt(teams: Teams) -> None:
    assert pt.FORGET_CONFIRM_TITLE in teams.say(MARC, "forget me")


def forget_prompt_button(teams: Teams) -> None:
    assert pt.FORGET_CONFIRM_TITLE in teams.press(MARC, {"action": core_home.PRIVACY_FORGET, "value": "forget"})


def forget_confirm(teams: Teams) -> None:
    teams.say(MARC, "forget me")
    teams.press(MARC, {"action": teams_privacy.FORGET_CONFIRM})
    assert teams.one(select(PlatformAccount.person_id).where(PlatformAccount.user_id == MARC)) in (None, (None,))


def forget_cancel(teams: Teams) -> None:
    assert pt.FORGET_CANCELLED in teams.press(MARC, {"action": teams_privacy.FORGET_CANCEL})


def visibility_typed(teams: Teams) -> None:
    teams.say(MARC, "visibility hidden")
    assert teams.container.privacy.visibility(f"teams:{TENANT}:{MARC}") == "hidden"


def visibility_button(teams: Teams) -> None:
    teams.press(MARC, {"action": core_home.PRIVACY_VISIBILITY, "value": "staff"})
    assert teams.container.privacy.visibility(f"teams:{TENANT}:{MARC}") == "staff"


def uninstalled(teams: Teams) -> None:  # app_uninstalled, tokens_revoked: Teams sends installationUpdate
    removed = teams.activity(MARC)
    for key in ("textFormat", "entities"):
        removed.pop(key, None)
    removed.update(type="installationUpdate", action="remove")
    teams.run(removed)
    assert teams.one(select(PlatformAccount.active).where(PlatformAccount.user_id == MARC)) == (False,)



# -- linking, needs and the drafted profile (bot.teams.members) ---------------------------------------
def link_typed(teams: Teams) -> None:
    assert "could not read a verified e-mail" in teams.say(NOBODY, "link")  # no e-mail on this sender
    assert "already linked to Marc Maker" in teams.say(MARC, "link")


def link_confirm(teams: Teams) -> None:
    assert "Nobody in the directory has your e-mail" in teams.say(NOBODY, "link confirm")
    assert teams.one(select(PlatformAccount.person_id).where(PlatformAccount.user_id == NOBODY)) == (None,)


def _with_email(teams: Teams, user: str, email: str, **kw: Any) -> dict[str, Any]:
    activity = teams.activity(user, **kw)
    activity["from"]["email"] = email
    return activity


def first_contact_offer(teams: Teams) -> list[dict[str, Any]]:
    """A first 1:1 message from an unlinked member whose e-mail is Otto's: the answer, then the offer card."""
    messages = teams.run(_with_email(teams, NOBODY, "otto@college.example", text=QUESTION))
    assert "WeldBot Automation" in shown(messages[:-1]) and "Is this you?" not in shown(messages[:-1])
    [offer] = cards_in(messages[-1])
    assert "Is this you? Otto Offline (Lakeshore College)" in shown([messages[-1]])
    assert [a["data"]["action"] for a in submit_actions(offer)] == ["member_link_confirm", "member_link_dismiss"]
    return messages


def link_dismiss(teams: Teams) -> None:  # "Not me" on the first-contact offer
    first_contact_offer(teams)
    assert "will not ask again" in shown(teams.run(_with_email(teams, NOBODY, "otto@college.example",
                                                               value={"action": "member_link_dismiss"})))
    again = shown(teams.run(_with_email(teams, NOBODY, "otto@college.example", text=QUESTION)))
    assert "WeldBot Automation" in again and "Is this you?" not in again
    assert teams.one(select(PlatformAccount.link_offer).where(PlatformAccount.user_id == NOBODY)) == ("dismissed",)


def _join(teams: Teams) -> int:
    assert "Request sent" in teams.say(NOBODY, "join WeldBot Automation")
    row = teams.one(select(JoinRequest.id))
    assert row is not None
    return int(row[0])


def join_typed(teams: Teams) -> None:
    _join(teams)
    assert teams.one(select(JoinRequest.status)) == ("pending",)


def joins_typed(teams: Teams) -> None:
    _join(teams)
    assert "WeldBot Automation" in teams.say(STAFF, "joins")
    assert "Only cluster staff" in teams.say(MARC, "joins")


def decided(approve: bool) -> Callable[[Teams], None]:
    def run(teams: Teams) -> None:
        request = _join(teams)
        word = "approve" if approve else "decline"
        assert "Only cluster staff or the organization's admin" in teams.say(MARC, f"{word} {request}")
        assert ("approved" if approve else "declined") in teams.say(STAFF, f"{word} {request}")
        linked = teams.one(select(PlatformAccount.person_id).where(PlatformAccount.user_id == NOBODY))
        assert (linked[0] is not None) == approve
        # the asker hears the decision in their 1:1 chat, as a Slack member gets a DM
        told = [x for c in teams.to(NOBODY) if c.card is not None for x in texts_of(c.card)]
        assert any(("Welcome: you are now part of" if approve else "was declined") in x for x in told), told

    return run


def edit_decided(approve: bool) -> Callable[[Teams], None]:
    def run(teams: Teams) -> None:
        out = teams.container.members.propose("teams", TENANT, MARC, None, capabilities="Hydroforming of trays.")
        word = "approve-edit" if approve else "decline-edit"
        assert "Only cluster staff" in teams.say(MARC, f"{word} {out.request_id}")
        assert ("approved" if approve else "declined") in teams.say(STAFF, f"{word} {out.request_id}")
        caps = teams.one(select(Organization.capabilities).where(Organization.external_id == "alumaker"))
        assert (caps == ("Hydroforming of trays.",)) == approve

    return run


def member_typed(teams: Teams) -> None:
    link = f"member link teams:{TENANT}:{NOBODY} person:otto"
    assert "Only cluster staff" in teams.say(MARC, link)
    assert "Linked: you are Otto Offline (Lakeshore College)" in teams.say(STAFF, link)
    assert "no longer linked" in teams.say(STAFF, f"member unlink teams:{TENANT}:{NOBODY}")


def need_typed(teams: Teams) -> None:
    assert "Posted" in teams.say(MARC, "need Weld inspection cell: for aluminium trays staff-only")
    assert teams.one(select(Need.visibility).where(Need.external_id.startswith("chat-"))) == ("staff",)


def needs_typed(teams: Teams) -> None:
    teams.say(MARC, "need Weld inspection cell: for aluminium trays anonymous")
    assert "Weld inspection cell" in teams.say(MARC, "needs") and "anonymous" in teams.say(MARC, "needs")


def need_card(teams: Teams) -> None:
    assert "Post a need" in teams.say(MARC, "need")


def need_card_posted(teams: Teams) -> None:
    reply = teams.press(MARC, {"action": "need_post", "title": "Weld inspection cell", "description": "For trays",
                               "visibility": "public"})
    assert "Posted" in reply


def draft_card(teams: Teams) -> None:
    teams.say(MARC, "need Weld inspection: automated weld inspection of aluminium battery trays")
    assert "Your drafted profile" in teams.say(MARC, "draft")


def draft_saved(teams: Teams) -> None:
    assert teams.press(MARC, {"action": "draft_confirm", "needs": "Weld inspection", "capabilities": "",
                              "sectors": "", "skills": ""}).startswith("Saved")


def why_staff_only(teams: Teams) -> None:
    """Staff see a suggestion's feature contributions; a member who types the same is refused."""
    teams.say(STAFF, QUESTION)
    assert "Learned ranker:" in teams.say(STAFF, "why 1")
    teams.say(MARC, QUESTION)
    answer = teams.say(MARC, "why 1")
    assert "staff only" in answer and "Learned ranker" not in answer


#: Slack entry point -> the Teams scenario that does the same.
PARITY: dict[str, Callable[[Teams], None]] = {
    "event:message": ask_question, "/match <question>": ask_question, "event:app_mention": ask_in_a_channel,
    "shortcut:find_matches": ask_in_a_channel, "/match help": help_text,
    "/match profile": profile_card, "view:profile": profile_saved, core_home.OPEN_PROFILE: open_profile_button,
    SAVE: save_button, NOT_RELEVANT: not_relevant_button, MORE_LIKE_THIS: more_like_this_button,
    REQUEST_INTRO: request_intro_button, "open_link": open_link,
    t.INTRO_ACCEPT: intro_accept, t.INTRO_DECLINE: intro_decline, t.INTRO_LATER: intro_later,
    **{action: outcome(action) for action in t.OUTCOME_ACTIONS},
    t.STAFF_APPROVE: staff_action(t.STAFF_APPROVE, "Approved by"),
    t.STAFF_SKIP: staff_action(t.STAFF_SKIP, "Skipped by"),
    t.STAFF_VETO: staff_action(t.STAFF_VETO, "Vetoed by"),
    t.STAFF_NOTE: staff_action(t.STAFF_NOTE, t.STAFF_NOTE_SAVED),
    "view:intro_note": staff_note_goes_with_the_introduction,
    "/match suggest-intros": suggest_intros, "/match stats": stats, "/match dashboard": dashboard_link,
    "/match why": why_staff_only,
    "/match consortium": consortium,
    "/match pause": typed("pause", paused), "/match resume": typed("resume", resumed),
    "/match exclude": typed("exclude rivalweld", excluded), "/match include": typed("include rivalweld", included),
    "/match intros": typed("intros", intros_overview),
    "/match digest": digest_typed,
    **{action: home_button(action) for action in core_home.DIGEST_BUTTONS},
    **{action: home_button(action) for action in (core_home.INTRO_PAUSE, core_home.INTRO_RESUME)},
    "event:app_home_opened": home_card,
    "/match mydata": my_data, core_home.PRIVACY_DOWNLOAD: download_button,
    "/match forget": forget_prompt, core_home.PRIVACY_FORGET: forget_prompt_button,
    teams_privacy.FORGET_CONFIRM: forget_confirm, teams_privacy.FORGET_CANCEL: forget_cancel,
    "/match visibility": visibility_typed, core_home.PRIVACY_VISIBILITY: visibility_button,
    "event:app_uninstalled": uninstalled, "event:tokens_revoked": uninstalled,
    "/match link": link_typed, "member_link_home": link_typed, "member_link_confirm": link_confirm,
    "member_link_dismiss": link_dismiss,
    "/match join": join_typed, "/match joins": joins_typed, "/match member": member_typed,
    "/match approve": decided(True), "/match decline": decided(False),
    "/match approve-edit": edit_decided(True), "/match decline-edit": edit_decided(False),
    "/match need": need_typed, "/match needs": needs_typed, "need_post_home": need_card,
    "view:need_post": need_card_posted, "/match draft": draft_card, "profile_draft_home": draft_card,
    "view:profile_draft": draft_saved,
}


def test_every_slack_entry_point_has_a_teams_counterpart() -> None:
    slack = slack_entry_points()
    assert len(slack) > 40
    assert sorted(slack - set(PARITY)) == [], "Slack entry points with no Teams scenario"
    assert sorted(set(PARITY) - slack) == [], "Teams scenarios for Slack entry points that no longer exist"


def test_the_slack_list_reads_patterns() -> None:
    assert _alternatives(re.compile(r"^(save|not_relevant)(:\d+)?$")) == ["save", "not_relevant"]
    assert _alternatives(re.compile(r"^staff_note(:\d+)?$")) == ["staff_note"]
    assert _alternatives("digest_on") == ["digest_on"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("entry_point", sorted(PARITY))
def test_teams_does_what_slack_does(entry_point: str, teams: Teams) -> None:
    PARITY[entry_point](teams)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_when_teams_refuses_a_group_chat_both_get_the_introduction_in_their_1to1_chat(teams: Teams) -> None:
    ref = teams.request_intro()
    before = len(teams.connector.calls)
    teams.connector.fail(403, "Forbidden")  # the next call: opening the group chat
    teams.press(CARLA, {"action": t.INTRO_ACCEPT, "ref": ref})
    calls = teams.connector.calls[before:]
    assert calls[0].status == 403 and calls[0].body.get("isGroup") is True
    for user in (MARC, CARLA):
        [intro] = [c for c in teams.to(user) if c in calls]
        assert intro.card is not None and any(t.TEAMS_NO_GROUP in x for x in texts_of(intro.card))
    with teams.sessions() as s:
        assert s.scalars(select(Introduction.group_ref)).one() == "teams:1:1"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_an_opened_group_chat_gets_the_introduction_and_is_remembered(teams: Teams) -> None:
    teams.accepted_intro()
    [opened] = [c for c in teams.connector.calls if c.body.get("isGroup")]
    conversation = f"a:opened-{teams.connector.calls.index(opened)}"
    [posted] = [c for c in teams.connector.messages if c.path.startswith(f"/v3/conversations/{conversation}/")]
    assert posted.card is not None and t.TEAMS_NO_GROUP not in texts_of(posted.card)
    with teams.sessions() as s:
        assert s.scalars(select(Introduction.group_ref)).one() == f"teams:group:{conversation}"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_first_contact_offer_comes_once_and_yes_links(teams: Teams) -> None:
    first_contact_offer(teams)
    again = shown(teams.run(_with_email(teams, NOBODY, "otto@college.example", text=QUESTION)))
    assert "Is this you?" not in again, "offered once"
    linked = shown(teams.run(_with_email(teams, NOBODY, "otto@college.example",
                                        value={"action": "member_link_confirm"})))
    assert "Linked: you are Otto Offline (Lakeshore College)" in linked
    assert teams.one(select(PlatformAccount.person_id).where(PlatformAccount.user_id == NOBODY))[0] is not None


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_no_offer_in_a_channel_nor_for_a_linked_member(teams: Teams) -> None:
    channel = shown(teams.run(_with_email(teams, NOBODY, "otto@college.example", text=f"<at>clustermatch</at> "
                                          f"{QUESTION}", conversation_type="channel")))
    assert "WeldBot Automation" in channel and "Is this you?" not in channel
    assert "Is this you?" not in teams.say(MARC, QUESTION)
