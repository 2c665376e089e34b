"""Needs posted from chat: checks, visibility, owner-only edits, close and fulfil, matches at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts.members import MembersService
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.needs.service import NeedForm, NeedsService, parse_text
from bot.core.signals.judgements import judgements
from matching.embeddings import HashingEmbedder
from matching.personal import GRADES
from models.activity import Question, ShownSuggestion
from models.directory import FundingStream, Need, Person
from models.intros import ACCEPTED, Introduction
from models.privacy import AuditEntry
from models.repositories import DirectoryRepository
from models.signals import SignalRepository

TODAY = date(2027, 1, 10)


@pytest.fixture
def needs(seeded: sessionmaker[Session]) -> NeedsService:
    with seeded.begin() as s:
        DirectoryRepository(s).upsert(FundingStream, "f-auto", {"name": "Automation pilot fund"})
    MembersService(seeded).link(("slack", "T1", "U1"), "person:p-ana", "cli:staff")
    catalog = Catalog(seeded, HashingEmbedder())
    catalog.check_interval = 0.0
    return NeedsService(seeded, catalog, today=lambda: TODAY)


def _need_rows(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Need)) or 0)


def test_parse_text_reads_options_from_the_end() -> None:
    form = parse_text("Weld cell: robotic TIG for trays deadline 2027-03-01 funding f-auto anonymous")
    assert form == NeedForm("Weld cell", "robotic TIG for trays", "f-auto", "2027-03-01", "anonymous")
    assert parse_text("Just a title").description == "" and parse_text("x staff-only").visibility == "staff-only"


@pytest.mark.parametrize(("form", "needle"), [
    (NeedForm("", "  "), "needs a title or a description"),
    (NeedForm("Weld", deadline="2027-01-09"), "is in the past"),
    (NeedForm("Weld", deadline="soon"), "not a date"),
    (NeedForm("Weld", visibility="secret"), "Visibility must be"),
    (NeedForm("Weld", funding="nope"), "No funding stream 'nope'"),
])
def test_bad_input_is_named_and_nothing_is_written(needs: NeedsService, seeded: sessionmaker[Session],
                                                   form: NeedForm, needle: str) -> None:
    with pytest.raises(UserFacingError, match=needle):
        needs.post("slack", "T1", "U1", form)
    assert _need_rows(seeded) == 0


def test_unlinked_members_cannot_post(needs: NeedsService) -> None:
    with pytest.raises(UserFacingError, match="Link your chat account"):
        needs.post("slack", "T1", "STRANGER", NeedForm("Weld"))


def test_post_answers_with_matches_and_stores_the_choices(needs: NeedsService, seeded: sessionmaker[Session]) -> None:
    reply = needs.post("slack", "T1", "U1", NeedForm("Robotic welding cells", "For aluminium trays",
                                                     "Automation pilot fund", "2027-01-10", "staff-only"))
    assert "staff-only" in reply.text and reply.suggestions
    assert "org:acme" not in {s.ref for s in reply.suggestions}  # never the poster's own organization
    ref = reply.meta["need"]
    with seeded() as s:
        need = s.scalars(select(Need)).one()
        assert (need.visibility, need.anonymous, need.deadline, need.status) == ("staff", False, TODAY, "open")
        assert need.funding_stream_id is not None and need.person_id is not None
        assert s.scalars(select(AuditEntry.action)).all()[-1] == "need.post"
    listed = needs.command("slack", "T1", "U1", "needs", "").text
    assert ref.removeprefix("need:") in listed and "staff-only" in listed
    # An edit that does not restate the visibility keeps it.
    needs.command("slack", "T1", "U1", "need", f"edit {ref} Robotic welding: seam tracking too")
    with seeded() as s:
        need = s.scalars(select(Need)).one()
        assert (need.title, need.description, need.visibility) == ("Robotic welding", "seam tracking too", "staff")
    assert "fulfilled" in needs.command("slack", "T1", "U1", "need", f"fulfilled {ref}").text
    with pytest.raises(UserFacingError, match="already fulfilled"):
        needs.close("slack", "T1", "U1", ref)
    with seeded() as s:
        need = s.scalars(select(Need)).one()
        assert need.status == "fulfilled" and need.fulfilled_at is not None
        assert "need.fulfilled" in s.scalars(select(AuditEntry.action)).all()


def test_only_the_poster_manages_a_need(needs: NeedsService, seeded: sessionmaker[Session]) -> None:
    ref = needs.post("slack", "T1", "U1", NeedForm("Welding", "automation")).meta["need"]
    MembersService(seeded).link(("slack", "T1", "U2"), "person:p-lee", "cli:staff")
    for call in (lambda: needs.close("slack", "T1", "U2", ref),
                 lambda: needs.edit("slack", "T1", "U2", ref, NeedForm("Mine now"))):
        with pytest.raises(UserFacingError, match="You have no need"):
            call()
    with seeded() as s:
        assert s.scalars(select(Need.status)).one() == "open"


def test_a_fulfilled_need_is_an_outcome_for_the_providers_introduced_on_it(
    needs: NeedsService, seeded: sessionmaker[Session]
) -> None:
    """Lee (WeldCo) was shown Ana's need, asked to be introduced, both accepted; Ana marks it fulfilled."""
    ref = needs.post("slack", "T1", "U1", NeedForm("Robotic welding cells", "For aluminium trays")).meta["need"]
    with seeded.begin() as s:
        ana, lee = (DirectoryRepository(s).get_by_external_id(Person, p) for p in ("p-ana", "p-lee"))
        assert ana is not None and lee is not None
        for qid, shown in (("q-lee", ref), ("q-lee-2", "org:acme")):
            s.add(Question(id=qid, platform="slack", workspace_id="T1", user_id="U2", intent="search",
                           text="who needs welding cells", result_refs=[shown]))
            s.add(ShownSuggestion(question_id=qid, position=0, ref=shown, kind="need", province=None, score=0.5))
            s.flush()
            s.add(Introduction(a_person_id=lee.id, b_person_id=ana.id, state=ACCEPTED, target_ref=shown,
                               a_ref="person:p-lee", b_ref="person:p-ana", query_id=qid, created_by="slack:T1:U2",
                               expires_at=datetime(2027, 2, 1, tzinfo=UTC)))

    def grades() -> dict[str, int]:
        with seeded() as s:
            repo = SignalRepository(s)
            shown = repo.shown("slack", "T1")
            return {j.question_id: j.grade for j in judgements(shown, repo.actions([r.question_id for r in shown]))}

    assert grades() == {"q-lee": GRADES["intro_accepted"], "q-lee-2": GRADES["intro_accepted"]}
    needs.command("slack", "T1", "U1", "need", f"fulfilled {ref}")
    # Only the introduction made on the fulfilled need becomes an outcome.
    assert grades() == {"q-lee": GRADES["outcome"], "q-lee-2": GRADES["intro_accepted"]}
