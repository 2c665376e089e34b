"""Members building their presence, end to end on Slack: signed requests -> uvicorn -> Bolt -> the core -> the
fake Web API. Link by verified e-mail (users.info), join an organization with staff approval, post each kind
of need (command and modal), and who then sees what: an anonymous or staff-only need never names its poster.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Container
from models.directory import Need, Organization, PlatformAccount
from models.members import JoinRequest
from models.repositories import DirectoryRepository
from tests.fakes.slack_api import Call, FakeSlackApi
from tests.fakes.slack_harness import (
    SlackStack,
    command_request,
    interactive_request,
    payload,
    slack_stack,
    slash_command,
)
from tests.unit.members.conftest import seed_members

TEAM = "T111"
EMAILS = {"UANA": "ana@acme.example", "USHARED": "info@shared.example", "UNEW": "sam@new.example"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        seed_members(container.sessions)
        with container.sessions.begin() as s:
            DirectoryRepository(s).upsert(Organization, "tigpro", {
                "name": "TIG Pro Robotics", "kind": "technology_firm",
                "capabilities": "Robotic TIG welding cells for aluminium battery trays."})
            s.add(PlatformAccount(platform="slack", workspace_id=TEAM, user_id="WSTAFF", is_staff=True))
        container.catalog.warm_up()
        container.catalog.check_interval = 0.0

    with slack_stack(tmp_path_factory.mktemp("members-slack"), prepare, slack_staff_users="WSTAFF") as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(stack: SlackStack) -> None:
    stack.fake.reset()

    def users_info(params: dict[str, Any]) -> dict[str, Any]:
        user = params.get("user")
        return {"ok": True, "user": {"id": user, "is_email_confirmed": True,
                                     "profile": {"email": EMAILS.get(str(user), "")}}}

    stack.fake.answer("users.info", users_info)
    stack.fake.answer("views.open", {"ok": True, "view": {"id": "V123"}})


def wait(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def command(stack: SlackStack, text: str, user: str, name: str) -> str:
    """``/match <text>`` as ``user``; the private answer's text."""
    form = slash_command(text, response_url=stack.fake.response_url(name), user=user)
    form["team_id"] = TEAM
    assert stack.server.post(*command_request(form)).status_code == 200
    call: Call = wait(lambda: next((c for c in stack.fake.calls_to("response_url")
                                    if c.path.endswith("/" + name)), None))
    return json.dumps(call.params, ensure_ascii=False)


def dms_to(stack: SlackStack, user: str) -> str:
    return json.dumps([c.params for c in stack.fake.calls_to("chat.postMessage") if c.params.get("channel") == user],
                      ensure_ascii=False)


def submit_need(stack: SlackStack, user: str, **values: str) -> Any:
    body = payload("test_view_submission__body")
    body["user"]["id"] = user
    body["team"] = {"id": TEAM, "domain": "x"}
    state: dict[str, Any] = {}
    for key, value in values.items():
        if key == "deadline":
            state[key] = {"value": {"type": "datepicker", "selected_date": value}}
        elif key == "visibility":
            state[key] = {"value": {"type": "static_select", "selected_option": {"value": value}}}
        else:
            state[key] = {"value": {"type": "plain_text_input", "value": value}}
    body["view"].update(callback_id="need_post", state={"values": state})
    return stack.server.post(*interactive_request(body))


def needs_count(stack: SlackStack) -> int:
    with stack.container.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Need)) or 0)


def test_link_by_verified_email_and_refuse_an_ambiguous_one(stack: SlackStack) -> None:
    offer = command(stack, "link", "UANA", "link1")
    assert "Is this you? Ana Ruiz (Acme Tooling)" in offer and "/match link confirm" in offer
    assert [c.params["user"] for c in stack.fake.calls_to("users.info")] == ["UANA"]
    assert "Linked: you are Ana Ruiz (Acme Tooling)" in command(stack, "link confirm", "UANA", "link2")
    several = command(stack, "link confirm", "USHARED", "link3")
    assert "matches 2 people" in several
    with stack.container.sessions() as s:
        linked = {a.user_id: a.person_id for a in s.scalars(select(PlatformAccount))}
    assert linked.get("UANA") is not None and linked.get("USHARED") is None


def test_join_an_organization_with_staff_approval(stack: SlackStack) -> None:
    asked = command(stack, "join WeldCo", "UNEW", "join1")
    assert "Request sent" in asked
    with stack.container.sessions() as s:
        request_id = s.scalars(select(JoinRequest.id).order_by(JoinRequest.id.desc())).first()
    assert "Only cluster staff" in command(stack, f"approve {request_id}", "UANA", "join2")
    assert "approved" in command(stack, f"approve {request_id}", "WSTAFF", "join3")
    assert "Welcome: you are now part of WeldCo" in wait(lambda: dms_to(stack, "UNEW") if "Welcome" in
                                                         dms_to(stack, "UNEW") else None)
    assert "You are already linked" in command(stack, "link", "UNEW", "join4")


def test_post_each_kind_of_need_and_who_sees_what(stack: SlackStack) -> None:
    command(stack, "link confirm", "UANA", "n0")
    before = needs_count(stack)
    # Bad input through the modal: nothing written, the error on its field.
    empty = submit_need(stack, "UANA", title="", description=" ", visibility="public").json()
    assert empty["response_action"] == "errors" and "needs a title or a description" in empty["errors"]["title"]
    past = submit_need(stack, "UANA", title="Weld", deadline="2020-01-01", visibility="public").json()
    assert "in the past" in past["errors"]["deadline"]
    assert needs_count(stack) == before
    # One of each kind: a command, and the modal (matches come by DM).
    posted = command(stack, "need Robotic TIG welding of aluminium battery trays: a pilot cell public", "UANA", "n1")
    assert "Posted" in posted and "TIG Pro Robotics" in posted  # matches at once
    assert submit_need(stack, "UANA", title="Anonymous TIG welding trial for aluminium trays",
                       description="Confidential pilot of robotic TIG welding", visibility="anonymous").text == ""
    assert "TIG Pro Robotics" in wait(lambda: dms_to(stack, "UANA") if "Posted" in dms_to(stack, "UANA") else None)
    command(stack, "need Secret TIG welding audit for aluminium battery trays staff-only", "UANA", "n2")
    assert needs_count(stack) == before + 3
    listed = command(stack, "needs", "UANA", "n3")
    assert "anonymous" in listed and "staff-only" in listed and "public" in listed

    member = command(stack, "open needs about robotic TIG welding of aluminium battery trays", "UNEW", "n4")
    assert "Robotic TIG welding of aluminium battery trays (Acme Tooling)" in json.loads(member)["text"]
    anonymous = command(stack, "open needs: anonymous TIG welding trial, confidential pilot", "UNEW", "n5")
    assert "Anonymous TIG welding trial for aluminium trays (A member (anonymous))" in json.loads(anonymous)["text"]
    assert "Acme" not in anonymous and "Ana Ruiz" not in anonymous
    secret = "open needs: secret TIG welding audit for aluminium battery trays"
    assert "Secret TIG welding audit" not in command(stack, secret, "UNEW", "n6")
    assert "Secret TIG welding audit" in command(stack, secret, "WSTAFF", "n7")


def test_a_member_cannot_edit_or_close_someone_elses_need(stack: SlackStack) -> None:
    with stack.container.sessions() as s:
        ref = s.scalars(select(Need.external_id).where(Need.external_id.startswith("chat-"))).first()
    assert "You have no need" in command(stack, f"need close {ref}", "UNEW", "x1")
    with stack.container.sessions() as s:
        assert s.scalars(select(Need.status).where(Need.external_id == ref)).one() == "open"


def test_drafted_profile_modal_saves_only_on_save(stack: SlackStack) -> None:
    command(stack, "link confirm", "UANA", "d0")
    opened = command(stack, "draft", "UANA", "d1")
    assert "Your drafted profile is open" in opened
    [waiting] = stack.fake.calls_to("views.open")
    assert "Reading what you told me" in json.dumps(waiting.params["view"])
    [update] = stack.fake.wait_for("views.update")
    view = update.params["view"]
    assert update.params["view_id"] == "V123" and view["callback_id"] == "profile_draft"
    assert {"capabilities", "needs", "sectors", "skills"} <= {b.get("block_id") for b in view["blocks"]}
    with stack.container.sessions() as s:
        from models.members import OrgTextProposal

        before = int(s.scalar(select(func.count()).select_from(OrgTextProposal)) or 0)
    assert before == 0  # shown, nothing saved
    body = payload("test_view_submission__body")
    body["user"]["id"] = "UANA"
    body["team"] = {"id": TEAM, "domain": "x"}
    state = {name: {"value": {"type": "plain_text_input", "value": value}} for name, value in
             {"capabilities": "", "needs": "Robotic TIG welding cells", "sectors": "metals", "skills": ""}.items()}
    body["view"].update(callback_id="profile_draft", state={"values": state})
    assert stack.server.post(*interactive_request(body)).text == ""
    assert "waits for staff approval" in wait(lambda: dms_to(stack, "UANA") if "Saved" in dms_to(stack, "UANA")
                                              else None)
    with stack.container.sessions() as s:
        proposal = s.scalars(select(OrgTextProposal)).one()
        assert proposal.sectors == ["metals"] and "Robotic TIG welding cells" in proposal.needs


def test_staff_link_accounts_in_chat(stack: SlackStack) -> None:
    assert "Only cluster staff" in command(stack, "member link slack:T111:UKIM person:p-kim", "UANA", "s1")
    assert "Linked: you are Kim Roy (WeldCo)" in command(stack, "member link slack:T111:UKIM person:p-kim",
                                                        "WSTAFF", "s2")
    assert "no longer linked from Kim Roy" in command(stack, "member unlink slack:T111:UKIM", "WSTAFF", "s3")
