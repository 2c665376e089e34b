"""The audit function and listing, visibility rules, and the "Who can find you" field of the Slack modal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.desk import DirectoryDesk
from bot.core.directory.profile_form import ProfileForm
from bot.core.privacy.subject import parse_subject
from bot.slack.profile import form_from_view, profile_view, validate
from models.directory import Person
from models.privacy import AuditEntry, audit, can_see, entries, strictest
from tests.unit.slack.test_profile import GOOD, submitted


def load_profile(sessions: sessionmaker[Session], team: str, user: str) -> ProfileForm:
    """The form as the adapters load it (``container.directory``)."""
    return DirectoryDesk(sessions).load_profile("slack", team, user)


def save_profile(sessions: sessionmaker[Session], team: str, user: str, form: ProfileForm, *,
                 display_name: str | None = None) -> str:
    return DirectoryDesk(sessions).save_profile("slack", team, user, form, display_name=display_name)


def test_visibility_rules() -> None:
    assert strictest("public", None) == "public" and strictest("public", "staff") == "staff"
    assert strictest("staff", "hidden", "public") == "hidden"
    assert strictest("publik") == "hidden"  # a typo never publishes anyone
    assert can_see("public", staff=False) and not can_see("staff", staff=False) and can_see("staff", staff=True)
    assert not can_see("hidden", staff=True)


def test_member_ids_parse_or_name_the_forms() -> None:
    assert parse_subject("person:p-1") == ("person", "p-1")
    assert parse_subject("teams:tenant:29:1abc:x") == ("teams", "tenant", "29:1abc:x")
    for bad in ("p-1", "slack:T1", "person:", "email:a@b"):
        with pytest.raises(ValueError, match="slack:<team>:<user>"):
            parse_subject(bad)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_audit_writes_in_the_callers_transaction_and_lists_newest_first(sessions: sessionmaker[Session]) -> None:
    old = datetime.now(UTC) - timedelta(days=10)
    with sessions.begin() as s:
        audit(s, "cli:ann", "import.run", None, {"files": ["a.csv"]}).at = old
        audit(s, "slack:T1:U9", "intro.approved", "sug:4", {"suggestion_id": 4})
        audit(s, "slack:T1:U9", "intro.vetoed", "sug:5")
    with pytest.raises(RuntimeError), sessions.begin() as s:
        audit(s, "cli:ann", "member.forget", "forget:x")
        raise RuntimeError("the action failed")  # its entry goes with it
    with sessions() as s:
        assert [e.action for e in entries(s)] == ["intro.vetoed", "intro.approved", "import.run"]
        assert [e.action for e in entries(s, action="intro.")] == ["intro.vetoed", "intro.approved"]
        assert [e.target for e in entries(s, since=datetime.now(UTC) - timedelta(days=1))] == ["sug:5", "sug:4"]
        assert [e.details for e in entries(s, target="sug:4")] == [{"suggestion_id": 4}]
        assert len(entries(s, limit=1)) == 1
        with pytest.raises(ValueError, match="actor"):
            audit(s, " ", "x")
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "member.forget")) is None


def test_profile_modal_offers_who_can_find_you_and_keeps_it_when_absent(sessions: sessionmaker[Session]) -> None:
    view = profile_view(replace(GOOD, visibility="staff"))
    View(**view).validate_json()
    [block] = [b for b in view["blocks"] if b.get("block_id") == "visibility"]
    assert block["element"]["initial_option"]["value"] == "staff"
    assert {o["value"] for o in block["element"]["options"]} == {"public", "staff", "hidden"}

    body = submitted({"name": "Maria Lopez", "expertise": "x" * 30})
    body["view"]["state"]["values"]["visibility"] = {"value": {"type": "static_select",
                                                               "selected_option": {"value": "hidden"}}}
    assert form_from_view(body["view"]).visibility == "hidden"
    save_profile(sessions, "T1", "U1", form_from_view(body["view"]))
    older = submitted({"name": "Maria Lopez", "expertise": "y" * 30})  # a modal opened before the field existed
    assert form_from_view(older["view"]).visibility is None
    save_profile(sessions, "T1", "U1", form_from_view(older["view"]))
    with sessions() as s:
        assert s.scalars(select(Person.visibility)).one() == "hidden"
    assert load_profile(sessions, "T1", "U1").visibility == "hidden"
    assert "visibility" in validate(replace(GOOD, visibility="everyone"))


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_staff_decisions_on_introductions_reach_the_audit_log(sessions: sessionmaker[Session]) -> None:
    from bot.core.intros.store import IntroRepository
    from models.intros import IntroBatch, IntroSuggestion

    with sessions.begin() as s:
        a, b = Person(external_id="a", name="A"), Person(external_id="b", name="B")
        batch = IntroBatch(created_by="system", capacity=2, threshold=0.3, mode="coverage")
        s.add_all([a, b, batch])
        s.flush()
        suggestion = IntroSuggestion(batch_id=batch.id, a_person_id=a.id, b_person_id=b.id, a_ref="person:a",
                                     b_ref="person:b", score=0.5)
        s.add(suggestion)
        s.flush()
        repo = IntroRepository(s)
        repo.log("slack:T1:USTAFF", "vetoed", suggestion_id=suggestion.id)
        repo.log("slack:T1:UMEMBER", "requested", introduction_id=None)  # a member's action: not a staff one
        sid = suggestion.id
    with sessions() as s:
        [entry] = entries(s, action="intro.")
    assert (entry.actor, entry.action, entry.target) == ("slack:T1:USTAFF", "intro.vetoed", f"sug:{sid}")
