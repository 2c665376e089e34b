"""``Download my data``: every table that references a member is exported, other members are redacted."""

from __future__ import annotations

import json

from sqlalchemy import Table

import models.registry  # noqa: F401  (every model module, so the metadata is complete)
from bot.core.privacy.export import EXPORTERS, FORMAT, HIDDEN_REF, YOU
from bot.core.privacy.service import PrivacyService
from models.base import Base
from tests.unit.privacy.world import DRIFTER_SLACK, MARIA, MARIA_NEED, MARIA_SLACK, MARIA_TEAMS, World

MEMBER_TABLES = ("people", "platform_accounts")


def tables_referencing_members() -> set[str]:
    """Tables with a foreign key to people or chat accounts, found by walking the metadata."""
    found = set()
    for table in Base.metadata.tables.values():
        assert isinstance(table, Table)
        for fk in table.foreign_keys:
            if fk.column.table.name in MEMBER_TABLES:
                found.add(table.name)
    return found


def test_every_table_with_a_member_foreign_key_has_an_exporter() -> None:
    referencing = tables_referencing_members()
    assert {"questions", "introductions", "digest_deliveries"} <= referencing  # the walk finds real tables
    missing = (referencing | set(MEMBER_TABLES)) - set(EXPORTERS)
    assert not missing, f"tables holding member data without an exporter in bot.core.privacy.export: {missing}"


def test_export_holds_a_row_from_every_member_table(world: World, privacy: PrivacyService) -> None:
    data = privacy.export(MARIA, actor="cli:staff")
    assert data["format"] == FORMAT
    json.loads(json.dumps(data))  # machine-readable as is
    tables = data["tables"]
    empty = sorted(name for name in tables_referencing_members() | set(MEMBER_TABLES) if not tables[name])
    assert not empty, f"seeded rows missing from the export: {empty}"
    assert tables["people"][0]["email"] == "maria.q@example.org"
    assert tables["organizations"][0]["name"] == "Acme Fabrication"  # she is its contact
    assert {a["user_id"] for a in tables["platform_accounts"]} == {"UMARIA77", "29:maria-teams-aad"}
    assert [n["external_id"] for n in tables["needs"]] == ["n-maria-hydro"]
    assert any(e["action"] == "visibility.set" for e in tables["audit_log"])
    assert sorted(data["subject"]["chat_accounts"]) == sorted([MARIA_SLACK, MARIA_TEAMS])
    assert data["counts"] == {name: len(rows) for name, rows in tables.items()}


def test_chat_id_and_person_ref_give_the_same_export(world: World, privacy: PrivacyService) -> None:
    by_ref = privacy.export(MARIA, actor="cli:staff")["tables"]
    by_teams = privacy.export(MARIA_TEAMS, actor="cli:staff")["tables"]
    for name in ("people", "questions", "saved_matches", "introductions", "digest_items"):
        assert by_ref[name] == by_teams[name], name


def test_other_members_appear_only_as_far_as_she_may_see_them(world: World, privacy: PrivacyService) -> None:
    tables = privacy.export(MARIA_SLACK, actor=MARIA_SLACK)["tables"]
    saved = {row["ref"]: row["title"] for row in tables["saved_matches"]}
    assert saved == {"org:weldco": "WeldCo", HIDDEN_REF: HIDDEN_REF}  # SecretCo went hidden since
    [question] = tables["questions"]
    assert question["result_refs"] == ["org:weldco", HIDDEN_REF, HIDDEN_REF]  # hidden org, staff-only person
    [intro] = [i for i in tables["introductions"] if i["state"] == "accepted"]
    assert intro["a_person_id"] == YOU and intro["b_person_id"] == "person:p-omar"  # both agreed to meet
    assert intro["b_account_id"] != world.omar_account and "UOMAR" not in json.dumps(tables)
    [suggestion] = tables["intro_suggestions"]
    assert suggestion["b_person_id"] == HIDDEN_REF and suggestion["b_ref"] == HIDDEN_REF  # staff-only Lin
    assert all("payload" not in d for d in tables["digest_deliveries"])


def test_an_unlinked_account_gets_its_questions(world: World, privacy: PrivacyService) -> None:
    data = privacy.export(DRIFTER_SLACK, actor="cli:staff")
    assert [q["text"] for q in data["tables"]["questions"]] == ["drifter question"]
    assert data["tables"]["people"] == [] and data["subject"]["person"] is None


def test_unknown_member_exports_nothing_and_logs_nothing(world: World, privacy: PrivacyService) -> None:
    data = privacy.export("person:nobody", actor="cli:staff")
    assert privacy.record_count(data) == 0
    assert MARIA_NEED not in json.dumps(data)
