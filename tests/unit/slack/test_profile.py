from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.desk import DirectoryDesk
from bot.slack.profile import ProfileForm, form_from_view, profile_view, validate
from models.directory import Organization, Person, PlatformAccount
from models.members import OrgTextProposal
from models.repositories import DirectoryRepository
from tests.fakes.slack_harness import EVIL_NAME, payload


def load_profile(sessions: sessionmaker[Session], team: str, user: str) -> ProfileForm:
    """The form as the adapters load it (``container.directory``)."""
    return DirectoryDesk(sessions).load_profile("slack", team, user)


def save_profile(sessions: sessionmaker[Session], team: str, user: str, form: ProfileForm, *,
                 display_name: str | None = None) -> str:
    return DirectoryDesk(sessions).save_profile("slack", team, user, form, display_name=display_name)


GOOD = ProfileForm(name="Maria Lopez", title="Process engineer", affiliation="Lopez Fab", province="ON",
                   expertise="Robotic TIG welding of aluminium enclosures and fixtures.",
                   interests="Laser cladding partners")


def submitted(values: dict[str, Any], has_org: bool = False) -> dict[str, Any]:
    """A real view_submission payload whose state carries our modal's values."""
    body = payload("test_view_submission__body")
    state: dict[str, Any] = {}
    for block_id, value in values.items():
        if block_id == "province":
            state[block_id] = {"value": {"type": "static_select",
                                         "selected_option": {"value": value} if value else None}}
        else:
            state[block_id] = {"value": {"type": "plain_text_input", "value": value}}
    body["view"].update(callback_id="profile", state={"values": state},
                        private_metadata=json.dumps({"origin_channel": "C1", "has_org": has_org}))
    return body


def test_validate_names_each_bad_field() -> None:
    assert validate(GOOD) == {}
    errors = validate(ProfileForm(name="", expertise="too short", title="t" * 201, province="XX"))
    assert set(errors) == {"name", "expertise", "title", "province"}
    assert "20 characters" in errors["expertise"]


def test_form_read_from_a_view_submission() -> None:
    body = submitted({"name": "  Maria  ", "title": "", "province": "QC", "expertise": "x" * 30,
                      "interests": None, "affiliation": "Acme"})
    form = form_from_view(body["view"])
    assert (form.name, form.title, form.province, form.interests, form.affiliation) == ("Maria", "", "QC", "", "Acme")
    assert form.org_name is None


def test_first_save_creates_person_and_account_and_bumps_version(sessions: sessionmaker[Session]) -> None:
    ref = save_profile(sessions, "T1", "U1", GOOD, display_name="maria")
    assert ref == "person:slack-t1-u1"
    with sessions() as s:
        person = s.scalars(select(Person)).one()
        account = s.scalars(select(PlatformAccount)).one()
        assert (person.name, person.expertise, person.province) == ("Maria Lopez", GOOD.expertise, "ON")
        assert person.affiliation == "Lopez Fab" and account.person_id == person.id
        version = DirectoryRepository(s).current_version()
    assert version >= 1
    assert load_profile(sessions, "T1", "U1") == GOOD
    # an edit updates the same person and moves the version again; an unchanged save does not
    save_profile(sessions, "T1", "U1", GOOD.__class__(**{**GOOD.__dict__, "interests": "Cobots"}))
    with sessions() as s:
        assert s.scalars(select(Person)).one().interests == "Cobots"
        assert DirectoryRepository(s).current_version() == version + 1
    save_profile(sessions, "T1", "U1", load_profile(sessions, "T1", "U1"))
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == version + 1


def test_members_of_an_organization_edit_its_offer_and_needs(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        org, _ = repo.upsert(Organization, "acme", {"name": EVIL_NAME, "kind": "manufacturer"})
        s.flush()
        person, _ = repo.upsert(Person, "p1", {"name": "Pat", "organization_id": org.id})
        s.flush()
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U2", person_id=person.id))
    form = load_profile(sessions, "T1", "U2")
    assert form.org_name == EVIL_NAME and form.name == "Pat"
    view = profile_view(form)
    assert {b.get("block_id") for b in view["blocks"]} >= {"org_capabilities", "org_needs"}
    assert "affiliation" not in {b.get("block_id") for b in view["blocks"]}
    body = submitted({"name": "Pat", "expertise": "Deep drawing of aluminium battery trays.",
                      "org_capabilities": "Stamping lines", "org_needs": "Welding automation"}, has_org=True)
    save_profile(sessions, "T1", "U2", form_from_view(body["view"]))
    with sessions() as s:
        org = s.scalars(select(Organization)).one()
        assert org.name == EVIL_NAME and org.capabilities != "Stamping lines"  # a proposal, for staff to approve
        proposal = s.scalars(select(OrgTextProposal)).one()
        assert (proposal.capabilities, proposal.needs) == ("Stamping lines", "Welding automation")
        assert s.scalars(select(Person)).one().expertise.startswith("Deep drawing")
