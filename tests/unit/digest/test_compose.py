"""Member digests: new items that fit, courses, closing funding, diversity, no repeats, nothing → nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest.composer import DigestComposer, select_diverse
from bot.core.digest.service import DigestService
from bot.core.digest.types import DigestConfig
from bot.core.digest.vectors import QueryVectorCache
from bot.core.directory.catalog import Catalog
from bot.core.messages import NOT_RELEVANT, REQUEST_INTRO, Suggestion
from matching.embeddings import HashingEmbedder
from models.activity import MatchFeedback
from models.directory import Organization, PlatformAccount
from models.repositories import DirectoryRepository
from tests.unit.digest.conftest import NOW
from tests.unit.digest.fakes import FakeClock, RecordingSender


def _bea(sessions: sessionmaker[Session]) -> PlatformAccount:
    with sessions() as s:
        return s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-BEA")).one()


def _compose(composer: DigestComposer, sessions: sessionmaker[Session], now=NOW):  # type: ignore[no-untyped-def]
    with sessions() as s:
        account = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-BEA")).one()
        return composer.compose_members(s, [account], now)[account.id]


def test_digest_holds_new_fitting_items_courses_and_closing_funding(seeded, composer) -> None:  # type: ignore[no-untyped-def]
    digest = _compose(composer, seeded)
    refs = [s.ref for s in digest.suggestions]
    assert "org:weldtech" in refs or "org:alujoin" in refs  # new and fitting
    assert "org:oldweld" not in refs  # fits, but not new since the last digest
    assert "org:batteryco" not in refs and "person:p-bea" not in refs  # the member's own organization and self
    assert "funding:f-later" not in refs  # closes after the funding horizon
    assert len(digest.kinds()) >= 2
    assert len(refs) == len(set(refs)) <= 4
    for s in digest.suggestions:
        assert s.reason and s.actions == (REQUEST_INTRO, NOT_RELEVANT)


def test_diversity_keeps_an_organisation_and_a_course_when_available() -> None:
    def s(ref: str, kind: str) -> Suggestion:
        return Suggestion(ref=ref, kind=kind, title=ref)

    ranked = [s(f"org:{i}", "technology_firm") for i in range(6)]
    ranked += [s("course:c", "course"), s("funding:f", "funding_stream")]
    picked = select_diverse(ranked, 4)
    kinds = Counter(p.kind for p in picked)
    assert kinds["course"] == 1 and kinds["technology_firm"] == 3
    assert [p.ref for p in picked][:3] == ["org:0", "org:1", "org:2"]  # the best ones stay, the 4th gives way
    only_courses = [s(f"course:{i}", "course") for i in range(5)] + [s("org:x", "manufacturer")]
    assert {p.kind for p in select_diverse(only_courses, 3)} == {"course", "manufacturer"}
    assert select_diverse([s("org:a", "manufacturer")], 4) == [s("org:a", "manufacturer")]


def test_dismissed_items_never_come_back(seeded, composer) -> None:  # type: ignore[no-untyped-def]
    first = _compose(composer, seeded)
    victim = first.suggestions[0].ref
    with seeded.begin() as s:
        s.add(MatchFeedback(platform="slack", workspace_id="T1", user_id="U-BEA", ref=victim, verdict="not_relevant"))
    assert victim not in [x.ref for x in _compose(composer, seeded).suggestions]


def test_no_item_repeats_within_four_weeks(seeded, service: DigestService) -> None:  # type: ignore[no-untyped-def]
    clock, sender = FakeClock(current=NOW), RecordingSender()
    weeks: list[list[str]] = []
    for week in range(6):
        with seeded.begin() as s:  # everything changes every week: all of it is "new" again
            for org in s.scalars(select(Organization)):
                org.updated_at = clock.now() - timedelta(hours=1)
            DirectoryRepository(s).bump_version()
        before = len(sender.sent)
        service.run({"slack": sender}, clock=clock)
        got = [d for r, d in sender.sent[before:] if r.user_id == "U-BEA"]
        weeks.append([s.ref for s in got[0].suggestions] if got else [])
        clock.current = NOW + timedelta(weeks=week + 1)
    for i, refs in enumerate(weeks):
        for earlier in weeks[max(0, i - 3) : i]:
            assert not set(refs) & set(earlier), f"week {i} repeats {set(refs) & set(earlier)}"
    assert weeks[0] and weeks[1]
    assert not set(weeks[4]) & set(weeks[0])
    assert set(weeks[5]) & set(weeks[0])  # after four weeks, an item may come back


def test_member_without_profile_gets_nothing(seeded, service: DigestService) -> None:  # type: ignore[no-untyped-def]
    clock, sender = FakeClock(current=NOW + timedelta(hours=8)), RecordingSender()  # Monday 9:00 in Tokyo passed
    _, digest = service.preview("U-NEW", clock.now())
    assert digest is None
    report = service.run({"slack": sender}, clock=clock)
    assert "U-NEW" not in sender.users() and report.empty >= 1


def test_funding_closing_soon_is_in_and_a_later_deadline_is_out(seeded, catalog) -> None:  # type: ignore[no-untyped-def]
    composer = DigestComposer(catalog=catalog, config=DigestConfig(max_items=10, funding_weeks=6))
    refs = {s.ref: s for s in _compose(composer, seeded).suggestions}
    assert "funding:f-soon" in refs and "funding:f-later" not in refs
    closes = (NOW + timedelta(days=20)).date().isoformat()
    assert refs["funding:f-soon"].reason.startswith(f"Closes {closes} (20 days left).")
    wider = DigestComposer(catalog=catalog, config=DigestConfig(max_items=10, funding_weeks=30))
    assert "funding:f-later" in {s.ref for s in _compose(wider, seeded).suggestions}


class _Counting:
    def __init__(self) -> None:
        self.inner = HashingEmbedder()
        self.model_id, self.dim, self.calls = self.inner.model_id, self.inner.dim, []  # type: ignore[var-annotated]

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(list(texts))
        return self.inner.encode(texts)


def test_query_vectors_are_encoded_in_one_batch_and_cached(seeded) -> None:  # type: ignore[no-untyped-def]
    counting = _Counting()
    cache = QueryVectorCache(counting, seeded)  # type: ignore[arg-type]
    catalog = Catalog(seeded, cache, check_interval=0.0)
    catalog.warm_up()
    counting.calls.clear()
    composer = DigestComposer(catalog=catalog, config=DigestConfig())
    first = _compose(composer, seeded)
    assert len(counting.calls) == 1 and len(counting.calls[0]) >= 2  # query and offer texts, one batch
    again = DigestComposer(catalog=Catalog(seeded, QueryVectorCache(counting, seeded)), config=DigestConfig())
    assert [s.ref for s in _compose(again, seeded).suggestions] == [s.ref for s in first.suggestions]
    assert len(counting.calls) == 1  # a new process finds them in the database embedding cache
