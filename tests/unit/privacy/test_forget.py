"""*Forget me*: nothing that identifies the member survives in any table, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Engine, String, Table, Text, select
from sqlalchemy.orm import Session, sessionmaker

import models.registry  # noqa: F401
from bot.core.privacy.service import SELF_SERVICE, PrivacyService
from models.base import Base
from models.directory import EmbeddingCache, Organization, Person
from models.privacy import FORGOTTEN, AuditEntry, entries
from models.repositories import DirectoryRepository
from tests.unit.privacy.world import IDENTIFIERS, MARIA, MARIA_SLACK, MARIA_TEAMS, World

MEMBER_TABLES = ("people", "platform_accounts")


def referencing_rows(engine: Engine, person_id: int, account_ids: tuple[int, ...]) -> dict[str, set[Any]]:
    """Primary keys of rows whose foreign keys point at the member, per table (found from the metadata)."""
    targets = {"people": {person_id}, "platform_accounts": set(account_ids)}
    found: dict[str, set[Any]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.tables.values():
            assert isinstance(table, Table)
            for fk in table.foreign_keys:
                wanted = targets.get(fk.column.table.name)
                if not wanted:
                    continue
                pk = list(table.primary_key.columns)
                rows = conn.execute(select(*pk).where(fk.parent.in_(wanted))).all()
                found.setdefault(table.name, set()).update(tuple(r) for r in rows)
        found["people"] = {tuple(r) for r in conn.execute(select(Person.id).where(Person.id == person_id))}
    return {name: keys for name, keys in found.items() if keys}


def leftovers(engine: Engine) -> list[str]:
    """Every text or JSON cell, in every table, that still holds one of the member's identifiers."""
    hits = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    text = json.dumps(value) if not isinstance(value, str) else value
                    hits += [f"{table.name}.{column.name}: {ident}" for ident in IDENTIFIERS if ident in text]
    return hits


def test_forget_leaves_no_row_pointing_at_the_member_and_no_identifier(
    engine: Engine, sessions: sessionmaker[Session], world: World, privacy: PrivacyService
) -> None:
    before = referencing_rows(engine, world.maria_id, world.maria_accounts)
    assert {"needs", "questions", "introductions", "intro_suggestions", "digest_items", "platform_accounts"} <= set(
        before)
    assert leftovers(engine)  # the scan does find her before

    report = privacy.forget(MARIA, actor="cli:staff")

    assert referencing_rows(engine, world.maria_id, world.maria_accounts) == {}
    assert leftovers(engine) == []
    for table, keys in before.items():
        assert report.deleted.get(table, 0) >= len(keys), table
    assert report.rewritten["questions"] == 1  # Omar's question no longer lists her


def test_forget_keeps_other_members_data_and_the_organization(
    sessions: sessionmaker[Session], world: World, privacy: PrivacyService
) -> None:
    privacy.forget(MARIA_SLACK, actor="cli:staff")
    omar = privacy.export("person:p-omar", actor="cli:staff")["tables"]
    assert [q["text"] for q in omar["questions"]] == ["hydroforming partners"]
    assert omar["questions"][0]["result_refs"] == ["org:weldco"]
    assert omar["saved_matches"] == [] and omar["match_feedback"] == []  # both pointed at her only
    assert [i["ref"] for i in omar["digest_items"]] == []
    with sessions() as s:
        assert s.scalars(select(Organization).where(Organization.external_id == "acme-fab")).one()
        assert s.scalars(select(Person).where(Person.external_id == "p-omar")).one()


def test_forget_drops_her_cached_vectors_but_not_shared_ones(
    sessions: sessionmaker[Session], world: World, privacy: PrivacyService
) -> None:
    privacy.forget(MARIA, actor="cli:staff")
    with sessions() as s:
        left = set(s.scalars(select(EmbeddingCache.content_hash)))
    assert world.shared_hash in left  # Acme's description is the same sentence
    assert not left & set(world.own_hashes)


def test_forget_bumps_the_version_and_logs_counts_only(
    sessions: sessionmaker[Session], world: World, privacy: PrivacyService
) -> None:
    with sessions() as s:
        version = DirectoryRepository(s).current_version()
    report = privacy.forget(MARIA_TEAMS, actor=MARIA_TEAMS)  # a member forgetting themselves
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == version + 1
        [entry] = entries(s, action="member.forget")
        earlier = entries(s, action="member.export")
    assert entry.actor == SELF_SERVICE and entry.target == f"forget:{report.deletion_id}"
    assert entry.details["deleted"]["people"] == 1 and entry.details["deleted"]["platform_accounts"] == 2
    assert not any(ident in json.dumps(entry.details) for ident in IDENTIFIERS)
    assert [e.actor for e in earlier] == [FORGOTTEN]  # her earlier export request no longer names her


def test_after_forget_export_is_empty_and_a_second_forget_finds_nothing(
    world: World, privacy: PrivacyService
) -> None:
    privacy.forget(MARIA, actor="cli:staff")
    assert privacy.record_count(privacy.export(MARIA_SLACK, actor="cli:staff")) == 0
    assert privacy.record_count(privacy.export(MARIA, actor="cli:staff")) == 0
    again = privacy.forget(MARIA, actor="cli:staff")
    assert not again.found and again.total == 0


def test_preview_counts_without_deleting(sessions: sessionmaker[Session], world: World,
                                         privacy: PrivacyService) -> None:
    preview = privacy.preview_forget(MARIA_SLACK)
    assert preview.deleted["people"] == 1 and preview.total > 10
    with sessions() as s:
        assert s.get(Person, world.maria_id) is not None
        assert not entries(s, action="member.forget")
    assert privacy.forget(MARIA_SLACK, actor="cli:staff").deleted == preview.deleted


def test_the_audit_log_keeps_other_entries(sessions: sessionmaker[Session], world: World,
                                           privacy: PrivacyService) -> None:
    privacy.forget(MARIA, actor="cli:staff")
    with sessions() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["visibility.set", "member.export", "import.run", "member.forget"]


def test_search_stops_returning_her_without_a_restart(sessions: sessionmaker[Session], world: World,
                                                      privacy: PrivacyService) -> None:
    from bot.core.directory.catalog import Catalog
    from matching.embeddings import HashingEmbedder

    catalog = Catalog(sessions, HashingEmbedder(), check_interval=0.0, min_dense=0.0)
    question = "hydroforming of magnesium tubes for e-bike frames"
    assert MARIA in {s.ref for s in catalog.search(question)}
    privacy.forget(MARIA, actor="cli:staff")
    found = {s.ref for s in catalog.search(question, kinds=None)}
    assert MARIA not in found and "need:n-maria-hydro" not in {s.ref for s in catalog.search(
        question, kinds=["need"])}
    assert catalog.profile(MARIA, staff=True) is None
