"""The staff digest (honest zeros, members with no match) and the introductions hook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.digest.composer import DigestComposer, IntroductionsDigestSource
from bot.core.digest.staff import compose_staff
from bot.core.digest.texts import HEADING_INTROS, INTROS_NOT_TRACKED
from bot.core.digest.types import DigestConfig
from bot.core.messages import Suggestion
from models.activity import Question
from models.directory import PlatformAccount
from tests.unit.digest.conftest import NOW


class FakeIntros:
    """Implements the introductions digest source the way the introductions service will."""

    def __init__(self) -> None:
        self.digest_source = self

    def pending_for(self, session: Session, account: PlatformAccount, now: datetime) -> Sequence[Suggestion]:
        if account.user_id != "U-NEW":
            return []
        return [Suggestion(ref="intro:42", kind="introduction", title="Dr. Ada Weld would like to meet you",
                           reason="She asked about battery trays", actions=("intro_accept", "intro_decline"))]

    def weekly_summary(self, session: Session, since: datetime, until: datetime) -> Mapping[str, Any]:
        unanswered = [Suggestion(ref="intro:7", kind="introduction", title="Bea → AluJoin", actions=())]
        return {"requested": 5, "accepted": 3, "met": 1, "unanswered": unanswered}


def _facts(digest) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.label: f.value for f in digest.facts}


def test_staff_digest_shows_zero_when_nothing_is_tracked(seeded) -> None:  # type: ignore[no-untyped-def]
    with seeded() as s:
        digest = compose_staff(s, NOW, DigestConfig(), None)
    assert not digest.is_empty  # a quiet week is still reported
    facts = _facts(digest)
    assert facts["Introductions requested"] == INTROS_NOT_TRACKED
    assert facts["Member digests sent"] == "0" and facts["Members with no match"] == "0"


def test_staff_digest_counts_intros_and_lists_members_without_match(seeded) -> None:  # type: ignore[no-untyped-def]
    with seeded.begin() as s:
        s.add(Question(id="q1", platform="slack", workspace_id="T1", user_id="U-NEW", intent="search",
                       text="ultrasonic welding of copper busbars", result_refs=[], created_at=NOW))
        s.add(Question(id="q2", platform="slack", workspace_id="T1", user_id="U-BEA", intent="search",
                       text="welding", result_refs=["org:alujoin"], created_at=NOW))
    with seeded() as s:
        digest = compose_staff(s, NOW.replace(hour=16), DigestConfig(), FakeIntros())
    facts = _facts(digest)
    assert (facts["Introductions requested"], facts["Introductions accepted"]) == ("5", "3")
    assert facts["Introductions that led to a meeting"] == "1" and facts["Unanswered requests"] == "1"
    no_match = digest.sections[0].suggestions
    assert [s.ref.split(":")[0] for s in no_match] == ["account"] and "copper busbars" in no_match[0].reason
    assert digest.sections[1].suggestions[0].ref == "intro:7"


def test_pending_introductions_lead_the_member_digest(seeded, catalog) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(FakeIntros(), IntroductionsDigestSource)
    composer = DigestComposer(catalog=catalog, config=DigestConfig(), intros=FakeIntros())
    with seeded() as s:
        new = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-NEW")).one()
        digest = composer.compose_members(s, [new], NOW)[new.id]
    # No profile to match on, but an introduction waits: worth sending, introduction first.
    assert digest is not None and digest.sections[0].heading == HEADING_INTROS
    assert digest.suggestions[0].actions == ("intro_accept", "intro_decline")
    assert digest.item_refs() == []  # introductions are not directory items (no four-week rule)
