from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.directory import Course, FundingStream, Need, Organization, Person
from models.repositories import DirectoryRepository, content_hash, parse_ref, ref_of


def _seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        acme, _ = repo.upsert(Organization, "acme", {"name": "Acme Tooling", "kind": "manufacturer"})
        repo.upsert(Organization, "quiet", {"name": "Quiet Labs", "kind": "technology_firm", "visibility": "staff"})
        repo.upsert(Organization, "ghost", {"name": "Ghost Co", "kind": "manufacturer", "visibility": "hidden"})
        s.flush()
        repo.upsert(Person, "p1", {"name": "Ada Lin", "role": "researcher", "organization_id": acme.id})
        repo.upsert(Course, "c1", {"title": "PLC basics"})
        repo.upsert(FundingStream, "f1", {"name": "Net-zero stream"})
        repo.upsert(Need, "n1", {"title": "Weld automation", "organization_id": acme.id})
        repo.upsert(Need, "n2", {"title": "Old need", "organization_id": acme.id, "status": "closed"})
        ghost = repo.get("org:ghost")
        assert ghost is not None
        s.flush()
        repo.upsert(Need, "n3", {"title": "Hidden org need", "organization_id": ghost.id})


def test_get_by_ref_for_every_kind(sessions: sessionmaker[Session]) -> None:
    _seed(sessions)
    with sessions() as s:
        repo = DirectoryRepository(s)
        for ref in ("org:acme", "person:p1", "course:c1", "funding:f1", "need:n1"):
            item = repo.get(ref)
            assert item is not None and ref_of(item) == ref
        assert repo.get("org:nope") is None
        person = repo.get("person:p1")
        assert isinstance(person, Person) and person.organization is not None
        assert person.organization.name == "Acme Tooling"


@pytest.mark.parametrize("bad", ["acme", "company:acme", "org:", ""])
def test_bad_refs_list_valid_prefixes(bad: str) -> None:
    with pytest.raises(ValueError, match="org:<external_id>"):
        parse_ref(bad)


def test_list_visible_respects_visibility_and_need_status(sessions: sessionmaker[Session]) -> None:
    _seed(sessions)
    with sessions() as s:
        repo = DirectoryRepository(s)
        assert [o.external_id for o in repo.list_visible(Organization)] == ["acme"]
        assert [o.external_id for o in repo.list_visible(Organization, include_staff=True)] == ["acme", "quiet"]
        assert [n.external_id for n in repo.list_visible(Need)] == ["n1"]
        assert [o.external_id for o in repo.list_all(Organization)] == ["acme", "ghost", "quiet"]


def test_upsert_reports_status_and_bumps_version_once_per_transaction(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == 0
    _seed(sessions)
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        assert repo.current_version() == 1  # many writes, one transaction, one bump
        _, status = repo.upsert(Organization, "acme", {"name": "Acme Tooling", "kind": "manufacturer"})
        assert status == "unchanged"
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == 1
    with sessions.begin() as s:
        org, status = DirectoryRepository(s).upsert(Organization, "acme", {"sectors": ["automotive"]})
        assert status == "updated" and org.sectors == ["automotive"]
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        assert repo.current_version() == 2
        repo.bump_version()
        repo.bump_version()
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == 3


def test_rolled_back_writes_do_not_bump(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        with s.begin():
            DirectoryRepository(s).upsert(Organization, "x", {"name": "X", "kind": "manufacturer"})
            s.rollback()
        with s.begin():
            assert DirectoryRepository(s).current_version() == 0
            DirectoryRepository(s).upsert(Organization, "x", {"name": "X", "kind": "manufacturer"})
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == 1


def test_vector_cache_round_trips_float32_per_model(sessions: sessionmaker[Session]) -> None:
    rng = np.random.default_rng(0)
    vecs = {content_hash(t): rng.standard_normal(8).astype(np.float32) for t in ("a", "b")}
    with sessions.begin() as s:
        assert DirectoryRepository(s).put_many(vecs, "m1") == 2
        assert DirectoryRepository(s).put_many(vecs, "m1") == 0  # existing keys are kept
    with sessions() as s:
        repo = DirectoryRepository(s)
        got = repo.get_many([*vecs, content_hash("c")], "m1")
        assert set(got) == set(vecs)
        for h, v in vecs.items():
            assert got[h].dtype == np.float32 and np.array_equal(got[h], v)
        assert repo.get_many(vecs, "other-model") == {}


def test_embed_cached_encodes_only_new_texts(sessions: sessionmaker[Session]) -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    with sessions.begin() as s:
        out = DirectoryRepository(s).embed_cached(["ab", "abc", "ab"], "m", encode)
    assert out.shape == (3, 3) and out[0, 0] == 2 and out[1, 0] == 3 and np.array_equal(out[0], out[2])
    assert calls == [["ab", "abc"]]
    with sessions.begin() as s:
        again = DirectoryRepository(s).embed_cached(["abc", "ab", "abcd"], "m", encode)
    assert calls[-1] == ["abcd"]  # the unchanged texts came from the cache
    assert np.array_equal(again[:2], out[[1, 0]])
    with sessions.begin() as s:
        DirectoryRepository(s).embed_cached(["abc"], "another-model", encode)
    assert calls[-1] == ["abc"]  # the cache is per model


def test_embed_cached_rejects_wrong_shapes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s, pytest.raises(ValueError, match="shape"):
        DirectoryRepository(s).embed_cached(["a", "b"], "m", lambda texts: np.zeros((1, 3), dtype=np.float32))
