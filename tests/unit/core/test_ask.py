from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import texts
from bot.core.ask.service import AskService, group
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.messages import (
    MORE_LIKE_THIS,
    NOT_RELEVANT,
    REQUEST_INTRO,
    SAVE,
    ActionRequest,
    IncomingMessage,
    Reply,
    Suggestion,
)
from models.activity import MatchFeedback, Question, SavedMatch

WELDING = "we need help automating TIG welding of aluminium battery trays"


def msg(text: str, user: str = "U-ANON") -> IncomingMessage:
    return IncomingMessage(platform="slack", workspace_id="T1", user_id=user, conversation_id="C1", text=text)


def press(action: str, ref: str, query_id: str | None, user: str = "U-ANON") -> ActionRequest:
    return ActionRequest(platform="slack", workspace_id="T1", user_id=user, action=action, ref=ref, query_id=query_id)


@pytest.fixture
def service(seeded: sessionmaker[Session], counting_embedder) -> AskService:  # type: ignore[no-untyped-def]
    return AskService(sessions=seeded, catalog=Catalog(seeded, counting_embedder, check_interval=0))


def test_answer_is_grouped_by_kind_with_reasons_and_a_text_fallback(service: AskService) -> None:
    reply = service.ask(msg(WELDING))
    headings = [s.heading for s in reply.sections]
    assert texts.HEADING_RESEARCHERS in headings and texts.HEADING_TECH_FIRMS in headings
    assert len(headings) == len(set(headings)) >= 3
    for section in reply.sections:
        assert 1 <= len(section.suggestions) <= 3
    assert len(reply.suggestions) <= 10
    assert all(s.reason for s in reply.suggestions)
    researchers = next(s for s in reply.sections if s.heading == texts.HEADING_RESEARCHERS)
    assert {s.kind for s in researchers.suggestions} == {"researcher"}
    for i, s in enumerate(reply.suggestions, start=1):  # the plain text numbers suggestions in order
        assert f"{i}. {s.title}" in reply.text
        assert s.reason in reply.text
    assert reply.text.startswith('Here is what matches "we need help automating')


def test_question_is_recorded_with_what_was_shown(service: AskService, seeded) -> None:  # type: ignore[no-untyped-def]
    reply = service.ask(msg("researchers in Quebec who weld aluminium", user="U-BEA"))
    with seeded() as s:
        q = s.get(Question, reply.query_id)
        assert q is not None
        assert q.text == "researchers in Quebec who weld aluminium" and q.user_id == "U-BEA"
        assert q.person_id is not None  # the account is linked to a directory person
        assert q.kinds == ["researcher"] and q.filters["provinces"] == ["QC"]
        assert q.result_refs == [s.ref for s in reply.suggestions]
    assert {s.kind for s in reply.suggestions} == {"researcher"}


def test_not_relevant_hides_the_item_in_later_answers(service: AskService, seeded) -> None:  # type: ignore[no-untyped-def]
    first = service.ask(msg(WELDING))
    target = first.suggestions[0].ref
    ack = service.act(press(NOT_RELEVANT, target, first.query_id))
    assert ack.ephemeral and first.suggestions[0].title in ack.text
    again = service.ask(msg(WELDING))
    assert target not in [s.ref for s in again.suggestions]
    later = service.ask(msg("TIG welding automation"))
    assert target not in [s.ref for s in later.suggestions]
    other_member = service.ask(msg(WELDING, user="U-OTHER"))
    assert target in [s.ref for s in other_member.suggestions]
    service.act(press(NOT_RELEVANT, target, first.query_id))  # pressing twice stores one verdict
    with seeded() as s:
        rows = s.scalars(select(MatchFeedback)).all()
        assert [(r.ref, r.verdict, r.query_id) for r in rows] == [(target, "not_relevant", first.query_id)]


def test_save_persists_and_is_listed(service: AskService, seeded) -> None:  # type: ignore[no-untyped-def]
    reply = service.ask(msg(WELDING))
    item = reply.suggestions[1]
    assert texts.SAVED.format(title=item.title) == service.act(press(SAVE, item.ref, reply.query_id)).text
    assert "already" in service.act(press(SAVE, item.ref, reply.query_id)).text
    with seeded() as s:
        saved = s.scalars(select(SavedMatch)).all()
        assert [(r.ref, r.title, r.query_id, r.user_id) for r in saved] == [
            (item.ref, item.title, reply.query_id, "U-ANON")
        ]
    listing = service.ask(msg("saved"))
    assert [s.ref for s in listing.suggestions] == [item.ref] and item.title in listing.text
    assert service.ask(msg("saved", user="U-OTHER")).text == texts.SAVED_LIST_EMPTY


def test_more_like_this_searches_around_the_item(service: AskService) -> None:
    first = service.ask(msg(WELDING))
    reply = service.act(press(MORE_LIKE_THIS, "org:weldtech", first.query_id))
    assert reply.sections and reply.query_id and reply.query_id != first.query_id
    assert "org:weldtech" not in [s.ref for s in reply.suggestions]
    assert reply.text.startswith("More like WeldTech Robotics")
    typed = service.ask(msg("more like org:weldtech"))
    assert [s.ref for s in typed.suggestions] == [s.ref for s in reply.suggestions]
    with pytest.raises(UserFacingError):
        service.ask(msg("more like org:does-not-exist"))


def test_asker_sees_no_own_organization(service: AskService) -> None:
    anonymous = [s.ref for s in service.ask(msg("battery trays stamping")).suggestions]
    assert "org:batteryco" in anonymous
    linked = [s.ref for s in service.ask(msg("battery trays stamping", user="U-BEA")).suggestions]
    assert "org:batteryco" not in linked and "person:p-battery" not in linked


def test_help_empty_long_and_nothing_found(service: AskService) -> None:
    assert service.ask(msg("help")).text == texts.HELP
    empty = service.ask(msg("   "))
    assert empty.text == texts.EMPTY_QUESTION and not empty.sections
    long = service.ask(msg("TIG welding of aluminium trays. " * 1700))
    assert long.notice and "first" in long.notice and long.sections
    assert long.text.startswith(long.notice)
    none = service.ask(msg("welding researchers in Nunavut"))  # no researcher there
    assert not none.sections and none.query_id and "found nothing" in none.text and "NU" in none.text


def test_bad_actions_are_user_facing(service: AskService) -> None:
    with pytest.raises(UserFacingError, match=texts.INTROS_UNAVAILABLE):
        service.act(press(REQUEST_INTRO, "org:weldtech", None))
    with pytest.raises(UserFacingError):
        service.act(press(SAVE, "not a ref", None))
    with pytest.raises(UserFacingError):
        service.act(press(SAVE, "org:gone", None))
    with pytest.raises(UserFacingError):
        service.act(press("explode", "org:weldtech", None))


@dataclass
class FakeIntros:
    requests: list[ActionRequest] = field(default_factory=list)
    actions: tuple[str, ...] = ("intro_accept",)

    def request_intro(self, request: ActionRequest) -> Reply:
        self.requests.append(request)
        return Reply(text="Introduction requested")

    def act(self, request: ActionRequest) -> Reply:
        self.requests.append(request)
        return Reply(text="Answered")

    def demote(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        return list(suggestions)


def test_request_intro_goes_to_the_registered_introductions(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    intros = FakeIntros()
    service = AskService(sessions=seeded, catalog=Catalog(seeded, counting_embedder), intros=intros)
    request = press(REQUEST_INTRO, "org:weldtech", None)
    assert service.act(request).text == "Introduction requested" and intros.requests == [request]
    answer = press("intro_accept", "intro:1", None)
    assert service.act(answer).text == "Answered" and intros.requests == [request, answer]


def test_group_caps_per_kind_and_total() -> None:
    many = [Suggestion(ref=f"org:{i}", kind="technology_firm", title=str(i)) for i in range(6)]
    many += [Suggestion(ref=f"person:{i}", kind="researcher", title=str(i)) for i in range(6)]
    many += [Suggestion(ref=f"course:{i}", kind=k, title=k) for i, k in enumerate(["course", "funding_stream"] * 3)]
    many += [Suggestion(ref="org:m", kind="manufacturer", title="m")]
    sections = group(many, per_kind=3, total=10)
    assert [len(s.suggestions) for s in sections] == [3, 3, 2, 2]
    assert [s.heading for s in sections][:2] == [texts.HEADING_TECH_FIRMS, texts.HEADING_RESEARCHERS]


def test_bootstrap_wires_ask_act_and_catalog(engine, seeded, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap
    from bot.config import Settings

    container = bootstrap(Settings(), engine=engine, embedder=fake_embedder, run_migrations=False)
    assert isinstance(container.catalog, Catalog) and not container.catalog.ready
    reply = container.ask.ask(msg(WELDING))
    assert reply.sections and container.catalog.ready
    saved = container.ask.act(press(SAVE, reply.suggestions[0].ref, reply.query_id))
    assert saved.text.startswith("Saved ")


def test_an_empty_directory_says_how_to_fill_it(sessions: sessionmaker[Session], counting_embedder) -> None:  # type: ignore[no-untyped-def]
    empty = AskService(sessions=sessions, catalog=Catalog(sessions, counting_embedder, check_interval=0))
    reply = empty.ask(msg("robotic welding of aluminium"))
    assert not reply.sections and "directory is empty" in reply.text and "load-demo" in reply.text
