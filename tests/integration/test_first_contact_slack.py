"""The automatic "Is this you?" on Slack, end to end (signed requests -> uvicorn -> Bolt -> core -> fake Web
API): a member's first DM, mention, ``/match`` or App Home visit is answered first, then the offer follows as a
DM, once; "Not me" stops it for good, "Yes, that's me" links; no offer when the e-mail matches nobody.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from models.directory import Organization, Person, PlatformAccount
from models.privacy import AuditEntry
from models.repositories import DirectoryRepository
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    SlackStack,
    app_mention,
    command_request,
    direct_message,
    event_request,
    interactive_request,
    payload,
    slack_stack,
    slash_command,
)

TEAM = "T111"
PEOPLE = {"UZOE": ("p-zoe", "Zoe Park"), "UMAX": ("p-max", "Max Dubé"), "UIDA": ("p-ida", "Ida Laine"),
          "UROY": ("p-roy", "Roy Tran")}
EMAILS = {user: f"{ref[2:]}@weldco.example" for user, (ref, _) in PEOPLE.items()} | {"UNOBODY": "x@else.example"}
OFFER = "Is this you?"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        with container.sessions.begin() as s:
            repo = DirectoryRepository(s)
            org, _ = repo.upsert(Organization, "weldco", {"name": "WeldCo", "kind": "manufacturer",
                                                          "capabilities": "Robotic TIG welding of aluminium."})
            for user, (ref, name) in PEOPLE.items():
                repo.upsert(Person, ref, {"name": name, "organization_id": org.id, "email": EMAILS[user]})
        container.catalog.warm_up()
        container.catalog.check_interval = 0.0

    with slack_stack(tmp_path_factory.mktemp("first-contact"), prepare) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(stack: SlackStack) -> None:
    stack.fake.reset()

    def users_info(params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user"))
        return {"ok": True, "user": {"id": user, "is_email_confirmed": True,
                                     "profile": {"email": EMAILS.get(user, "")}}}

    stack.fake.answer("users.info", users_info)


def wait(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def posts(stack: SlackStack) -> list[dict[str, Any]]:
    return [c.params for c in stack.fake.calls_to("chat.postMessage")]


def offers_to(stack: SlackStack, user: str) -> list[dict[str, Any]]:
    return [p for p in posts(stack) if p.get("channel") == user and OFFER in json.dumps(p, ensure_ascii=False)]


def account(stack: SlackStack, user: str) -> PlatformAccount | None:
    with stack.container.sessions() as s:
        return s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == user)).one_or_none()


def press(stack: SlackStack, user: str, action_id: str, name: str) -> dict[str, Any]:
    body = payload("test_block_actions__body")
    body["user"]["id"] = user
    body["team"] = {"id": TEAM, "domain": "x"}
    body["response_url"] = stack.fake.response_url(name)
    body["actions"][0].update(action_id=action_id, value="x", block_id="b1", type="button")
    assert stack.server.post(*interactive_request(body)).status_code == 200
    return wait(lambda: next((c.params for c in stack.fake.calls_to("response_url") if c.path.endswith("/" + name)),
                             None))


def test_first_dm_is_answered_then_offered_once(stack: SlackStack) -> None:
    stack.server.post(*event_request(direct_message("who does robotic TIG welding?", event_id="EvFC1", user="UZOE",
                                                    channel="DZOE")))
    [offer] = wait(lambda: offers_to(stack, "UZOE"))
    every = posts(stack)
    answer = next(i for i, p in enumerate(every) if p.get("channel") == "DZOE")
    assert answer < every.index(offer), "the answer goes out before the offer"
    assert "Zoe Park (WeldCo)" in offer["text"]
    buttons = [e["action_id"] for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["member_link_confirm", "member_link_dismiss"]
    acct = account(stack, "UZOE")
    assert acct is not None and acct.link_offer == "offered" and acct.person_id is None
    stack.server.post(*event_request(direct_message("and laser cutting?", event_id="EvFC2", user="UZOE",
                                                    channel="DZOE")))
    wait(lambda: len([p for p in posts(stack) if p.get("channel") == "DZOE"]) == 2)
    time.sleep(0.3)
    assert len(offers_to(stack, "UZOE")) == 1
    assert [c.params["user"] for c in stack.fake.calls_to("users.info")] == ["UZOE"]


def test_not_me_stops_the_offer_for_good(stack: SlackStack) -> None:
    stack.server.post(*event_request(app_mention("<@W23456789> welding", event_id="EvFC3", user="UMAX",
                                                 ts="1595926231.000001")))
    [offer] = wait(lambda: offers_to(stack, "UMAX"))
    assert offer["channel"] == "UMAX", "the offer names a profile: a DM, never the channel"
    reply = press(stack, "UMAX", "member_link_dismiss", "dismiss")
    assert "will not ask again" in reply["text"] and reply["replace_original"] is True
    acct = account(stack, "UMAX")
    assert acct is not None and acct.link_offer == "dismissed" and acct.person_id is None
    with stack.container.sessions() as s:
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.actor == f"slack:{TEAM}:UMAX")).all() == [
            "member.link_dismiss"]
    form = slash_command("welding", response_url=stack.fake.response_url("after"), user="UMAX")
    stack.server.post(*command_request(form))
    wait(lambda: stack.fake.calls_to("response_url"))
    time.sleep(0.3)
    assert len(offers_to(stack, "UMAX")) == 1


def test_slash_command_then_yes_links(stack: SlackStack) -> None:
    form = slash_command("robotic welding", response_url=stack.fake.response_url("ida"), user="UIDA")
    stack.server.post(*command_request(form))
    [offer] = wait(lambda: offers_to(stack, "UIDA"))
    [answer] = [c for c in stack.fake.calls_to("response_url") if c.path.endswith("/ida")]
    assert answer.params["response_type"] == "ephemeral" and OFFER not in json.dumps(answer.params)
    assert "Ida Laine" in offer["text"]
    reply = press(stack, "UIDA", "member_link_confirm", "yes")
    assert "Linked: you are Ida Laine (WeldCo)" in reply["text"]
    acct = account(stack, "UIDA")
    assert acct is not None and acct.person_id is not None


def test_app_home_visit_is_a_first_contact(stack: SlackStack) -> None:
    body = payload("test_events_org_apps__event_payload_3")
    body.update(event_id="EvFCHome", team_id=TEAM)
    body["event"].update(tab="home", user="UROY")
    stack.server.post(*event_request(body))
    stack.fake.wait_for("views.publish")
    [offer] = wait(lambda: offers_to(stack, "UROY"))
    assert "Roy Tran" in offer["text"]


def test_no_offer_when_the_email_matches_nobody_and_no_second_lookup(stack: SlackStack) -> None:
    for n in (1, 2):
        stack.server.post(*event_request(direct_message("welding", event_id=f"EvFCN{n}", user="UNOBODY",
                                                        channel="DNOBODY")))
        wait(lambda n=n: len([p for p in posts(stack) if p.get("channel") == "DNOBODY"]) == n)
    time.sleep(0.3)
    assert offers_to(stack, "UNOBODY") == []
    assert [c.params["user"] for c in stack.fake.calls_to("users.info")] == ["UNOBODY"]
    assert account(stack, "UNOBODY") is None, "nothing is written for a member with nothing to offer"
