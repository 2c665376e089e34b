"""pgvector search on a real PostgreSQL: schema, owner-level results, writes, recall against exact search."""

from __future__ import annotations

import numpy as np
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.vector_search import ExactVectorSearch, OwnerVectors, PgVectorSearch, build_vector_search
from matching.ann import recall_at_k
from models import vectors as pgv
from models.db import alembic_config, make_engine, migrate, session_factory
from tests.postgres_support import TemplateDatabases

pytestmark = pytest.mark.postgres

DIM = pgv.VECTOR_DIM
KINDS = ("org", "person", "course")


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def clustered_owners(n: int, seed: int = 7, clusters: int = 60, noise: float = 1.2) -> list[OwnerVectors]:
    """Owners with 1-3 snippets each around shared topics (clusters), like profiles of one industry."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(clusters, DIM))
    owners = []
    for i in range(n):
        m = int(rng.integers(1, 4))
        vectors = _unit(centers[rng.integers(clusters)] + noise * rng.normal(size=(m, DIM)))
        hashes = tuple(f"{seed}-{i}-{j}" for j in range(m))
        owners.append(OwnerVectors(f"org:{i}", KINDS[i % 3], hashes, vectors))
    return owners


def near_data_queries(owners: list[OwnerVectors], n: int, seed: int = 11) -> np.ndarray:
    """Queries like members' questions: close to some profiles' evidence, not uniform noise."""
    rng = np.random.default_rng(seed)
    picks = [owners[i].vectors[0] for i in rng.integers(len(owners), size=n)]
    return _unit(np.array(picks) + 0.06 * rng.normal(size=(n, DIM)))


def test_migration_creates_extension_table_and_hnsw_index(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).scalar()
        indexdef = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": pgv.HNSW_INDEX_NAME}
        ).scalar_one()
        context = MigrationContext.configure(conn, opts={"include_name": lambda name, type_, parents: (
            name in pgv.POSTGRES_ONLY_TABLES if type_ == "table" else True)})
        diff = compare_metadata(context, pgv.VectorBase.metadata)
    assert "USING hnsw (embedding vector_cosine_ops)" in indexdef
    assert f"m='{pgv.HNSW_M}'" in indexdef and f"ef_construction='{pgv.HNSW_EF_CONSTRUCTION}'" in indexdef
    assert diff == [], f"vector models and migrations differ: {diff}"


def test_recall_at_10_against_exact_search_on_clustered_vectors(pg_engine: Engine) -> None:
    owners = clustered_owners(2500)
    sessions = session_factory(pg_engine)
    exact, approx = ExactVectorSearch(), PgVectorSearch()
    with sessions.begin() as s:
        report = approx.sync(s, owners)  # bulk path: load, then build the graph once
    exact.sync(None, owners)  # type: ignore[arg-type]
    assert report.written == len(owners)
    queries = near_data_queries(owners, 60)
    for kinds in (None, ["person"], ["org", "course"]):
        with sessions.begin() as s:
            got = [approx.search(s, q, k=10, kinds=kinds) for q in queries]
        want = [exact.search(None, q, k=10, kinds=kinds) for q in queries]  # type: ignore[arg-type]
        recall = recall_at_k([[h.owner for h in g] for g in got], [[h.owner for h in w] for w in want])
        assert recall >= 0.98, f"recall@10 {recall:.3f} with kinds={kinds}"
        assert all(len(g) == 10 for g in got)
        for g, w in zip(got, want, strict=True):
            truth = {h.owner: h for h in w}
            for h in g:
                assert kinds is None or h.kind in kinds
                if h.owner in truth:  # same owner: same best snippet, same cosine
                    assert h.snippet_index == truth[h.owner].snippet_index
                    assert h.score == pytest.approx(truth[h.owner].score, abs=1e-4)
    with pg_engine.connect() as conn:  # the search really goes through the HNSW index
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(
            text(f"EXPLAIN SELECT content_hash FROM {pgv.TEXT_TABLE} "
                 "ORDER BY embedding <=> CAST(:q AS vector) LIMIT 40"),
            {"q": str(queries[0].tolist())},
        ))
    assert pgv.HNSW_INDEX_NAME in plan


def test_owner_scores_by_its_best_snippet_and_many_snippets_do_not_crowd_out_others(pg_engine: Engine) -> None:
    rng = np.random.default_rng(3)
    query = _unit(rng.normal(size=DIM))
    close = _unit(query + 0.3 * rng.normal(size=(60, DIM)))  # one owner with 60 snippets near the query
    others = [
        OwnerVectors(f"person:{i}", "person", (f"p{i}",), _unit(query + (1.0 + i / 10) * rng.normal(size=(1, DIM))))
        for i in range(15)
    ]
    spread = np.vstack([_unit(rng.normal(size=(2, DIM))), close[:1]])  # best snippet is the last one
    owners = [OwnerVectors("org:many", "org", tuple(f"m{i}" for i in range(60)), close),
              OwnerVectors("org:spread", "org", ("s0", "s1", "s2"), spread), *others]
    sessions = session_factory(pg_engine)
    search = PgVectorSearch(candidates=20)  # fewer candidates than org:many has snippets: must look further
    with sessions.begin() as s:
        search.sync(s, owners)
        hits = search.search(s, query, k=10)
    refs = [h.owner for h in hits]
    assert len(refs) == len(set(refs)) == 10
    assert refs[0] == "org:many"
    spread_hit = next(h for h in hits if h.owner == "org:spread")
    assert spread_hit.snippet_index == 2
    assert spread_hit.score == pytest.approx(float(spread[2] @ query), abs=1e-5)


def test_sync_rewrites_changed_owners_only_and_drops_absent_ones(pg_engine: Engine) -> None:
    owners = clustered_owners(40, seed=5)
    sessions = session_factory(pg_engine)
    search = PgVectorSearch()
    with sessions.begin() as s:
        assert search.sync(s, owners).written == 40
    moved = _unit(np.ones((1, DIM)))
    changed = OwnerVectors(owners[0].owner, "org", ("new-hash",), moved)
    with sessions.begin() as s:
        report = search.sync(s, [changed, *owners[1:30]])
    assert (report.written, report.deleted, report.unchanged) == (1, 10, 29)
    with sessions.begin() as s:
        stored = pgv.owner_hashes(s)
        top = search.search(s, moved[0], k=1)
    assert len(stored) == 30 and stored[changed.owner] == ("new-hash",)
    assert top[0].owner == changed.owner and top[0].score == pytest.approx(1.0, abs=1e-5)


def test_upsert_and_delete_by_owner(pg_engine: Engine) -> None:
    owners = clustered_owners(12, seed=9)
    sessions = session_factory(pg_engine)
    search = PgVectorSearch()
    with sessions.begin() as s:
        assert search.upsert(s, owners) == 12
        assert search.upsert(s, owners[:2]) == 2  # rewriting is not duplicating
        assert pgv.count_rows(s) == sum(len(o.content_hashes) for o in owners)
        assert search.delete(s, [owners[0].owner, owners[1].owner, "org:unknown"]) == 2
        remaining = {h.owner for h in search.search(s, owners[0].vectors[0], k=20)}
    assert remaining == {o.owner for o in owners[2:]}


def test_writes_check_the_vector_shape(pg_engine: Engine) -> None:
    with session_factory(pg_engine).begin() as s:
        with pytest.raises(ValueError, match="384"):
            pgv.insert_rows(s, [("org:x", 0, "org", "h")], np.zeros((1, 512), dtype=np.float32))
        with pytest.raises(ValueError, match="384"):
            pgv.search_owners(s, np.zeros(512, dtype=np.float32))


def test_backend_selection_on_postgresql(pg_engine: Engine) -> None:
    assert isinstance(build_vector_search("pgvector", pg_engine), PgVectorSearch)
    assert isinstance(build_vector_search("exact", pg_engine), ExactVectorSearch)


def test_pgvector_backend_recreates_a_missing_table_like_the_migration(pg_engine: Engine) -> None:
    """pgvector installed after the migrations ran: selecting the backend creates the same table and index."""
    with pg_engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {pgv.TABLE}, {pgv.TEXT_TABLE}"))
    assert isinstance(build_vector_search("pgvector", pg_engine), PgVectorSearch)
    with pg_engine.connect() as conn:
        rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
                            {"t": [pgv.TABLE, pgv.TEXT_TABLE]})
        indexes: dict[str, str] = {name: definition for name, definition in rows}
        context = MigrationContext.configure(conn, opts={"include_name": lambda name, type_, parents: (
            name in pgv.POSTGRES_ONLY_TABLES if type_ == "table" else True)})
        diff = compare_metadata(context, pgv.VectorBase.metadata)
    assert diff == []
    assert set(indexes) == {"pk_snippet_vectors", "ix_snippet_vectors_kind", "ix_snippet_vectors_content_hash",
                            "pk_text_vectors", pgv.HNSW_INDEX_NAME}
    assert f"ef_construction='{pgv.HNSW_EF_CONSTRUCTION}'" in indexes[pgv.HNSW_INDEX_NAME]


def test_without_the_extension_migrations_succeed_and_search_stays_exact(
    postgres_databases: TemplateDatabases,
) -> None:
    """A role that may not create the (untrusted) extension: every other table is created, search is exact."""
    admin = create_engine(postgres_databases.url("postgres"), isolation_level="AUTOCOMMIT")
    role, database = f"{postgres_databases.prefix}_app", f"{postgres_databases.prefix}_noext"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{role}" TEMPLATE template0'))
    app = make_engine(make_url(postgres_databases.url(database)).set(username=role).render_as_string(False))
    try:
        migrate(app)
        with app.connect() as conn:
            assert not pgv.vector_table_ready(conn)
            assert conn.execute(text("SELECT to_regclass('organizations') IS NOT NULL")).scalar()
            heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert "0020_text_vectors" in heads
        assert isinstance(build_vector_search("pgvector", app), ExactVectorSearch)
    finally:
        app.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_deleting_more_owners_than_postgresql_binds_in_one_statement(pg_engine: Engine) -> None:
    """A first sync of a 100,000-profile directory rewrites every owner: more than 65,535 bound parameters."""
    owners = clustered_owners(30)
    sessions = session_factory(pg_engine)
    with sessions.begin() as s:
        PgVectorSearch().sync(s, owners)
    refs = [f"org:absent-{i}" for i in range(70_000)] + [o.owner for o in owners]
    with sessions.begin() as s:
        assert pgv.delete_owners(s, refs) == len(owners)
        assert pgv.count_rows(s) == 0


def shared_text_owners(rng: np.random.Generator) -> tuple[list[OwnerVectors], np.ndarray]:
    """30 owners: three texts each held by ten owners (a boilerplate line), plus one own text each."""
    common = _unit(rng.normal(size=(3, DIM)))
    owners = []
    for i in range(30):
        own = _unit(rng.normal(size=(1, DIM)))
        owners.append(OwnerVectors(f"org:{i}", KINDS[i % 3], (f"common-{i % 3}", f"own-{i}"),
                                   np.vstack([common[i % 3 : i % 3 + 1], own])))
    return owners, common


def synced(
    pg_engine: Engine, seed: int
) -> tuple[PgVectorSearch, sessionmaker[Session], list[OwnerVectors], np.ndarray]:
    """``shared_text_owners`` written to a fresh index."""
    owners, common = shared_text_owners(np.random.default_rng(seed))
    sessions, search = session_factory(pg_engine), PgVectorSearch()
    with sessions.begin() as s:
        search.sync(s, owners)
    return search, sessions, owners, common


def test_a_text_held_by_many_owners_is_stored_once_and_found_for_all_of_them(pg_engine: Engine) -> None:
    search, sessions, owners, common = synced(pg_engine, 4)
    with sessions.begin() as s:
        assert (pgv.count_rows(s), pgv.count_texts(s)) == (60, 33)
        hits = search.search(s, common[1], k=10)
        courses = search.search(s, common[1], k=5, kinds=["course"])
    assert {h.owner for h in hits} == {f"org:{i}" for i in range(1, 30, 3)}  # every holder of the same text
    assert all(h.score == pytest.approx(1.0, abs=1e-5) and h.snippet_index == 0 for h in hits)
    assert len(courses) == 5 and all(h.kind == "course" for h in courses)  # kinds filtered on the holders


def test_a_texts_vector_goes_with_its_last_holder(pg_engine: Engine) -> None:
    search, sessions, owners, _ = synced(pg_engine, 6)
    with sessions.begin() as s:
        assert search.delete(s, [o.owner for o in owners[:27]]) == 27  # common-0..2 still held by org:27..29
        assert sorted(pgv.stored_texts(s, ["common-0", "common-1", "own-0", "own-28"])) == [
            "common-0", "common-1", "own-28"]
        search.sync(s, [OwnerVectors("org:28", "person", ("own-28",), owners[28].vectors[1:])])
        assert pgv.stored_texts(s, ["common-1", "own-28", "common-0", "common-2"]) == {"own-28"}
        assert pgv.count_texts(s) == 1 and pgv.count_rows(s) == 1


def test_the_text_vectors_migration_carries_stored_vectors_over_and_back(pg_engine: Engine) -> None:
    _, sessions, _, common = synced(pg_engine, 8)
    config = alembic_config(pg_engine)
    command.downgrade(config, "0010_pgvector")
    with pg_engine.connect() as conn:
        assert conn.execute(text(f"SELECT to_regclass('{pgv.TEXT_TABLE}')")).scalar() is None
        assert conn.execute(text(f"SELECT count(*) FROM {pgv.TABLE} WHERE embedding IS NOT NULL")).scalar() == 60
    command.upgrade(config, "heads")
    with sessions.begin() as s:
        assert (pgv.count_rows(s), pgv.count_texts(s)) == (60, 33)
        hits = PgVectorSearch().search(s, common[2], k=10)
    assert {h.owner for h in hits} == {f"org:{i}" for i in range(2, 30, 3)}


def test_a_switch_of_runtime_rewrites_every_owner_and_leaves_no_vector_of_the_old_one(pg_engine: Engine) -> None:
    from dataclasses import replace

    from bot.core.directory.vector_search import stored_hash
    from matching.embeddings import MODEL_ID

    torch_owners = clustered_owners(40)
    rng = np.random.default_rng(3)
    onnx_id = f"{MODEL_ID}+onnx"
    onnx_owners = [replace(o, vectors=_unit(o.vectors + 0.2 * rng.normal(size=o.vectors.shape)), model_id=onnx_id)
                   for o in torch_owners]  # same owners, same texts, the other runtime's vectors
    search = PgVectorSearch()
    sessions = session_factory(pg_engine)
    with sessions.begin() as s:
        search.sync(s, torch_owners)
    with sessions.begin() as s:
        report = search.sync(s, onnx_owners)
    assert report.written == len(onnx_owners) and report.unchanged == 0
    with sessions() as s:
        stored = pgv.owner_hashes(s)
        assert pgv.count_texts(s) == sum(len(o.content_hashes) for o in onnx_owners)  # the old rows are gone
        for o in onnx_owners:
            assert stored[o.owner] == tuple(stored_hash(h, onnx_id) for h in o.content_hashes)
        hit = search.search(s, onnx_owners[7].vectors[0], k=1)[0]
    assert hit.owner == onnx_owners[7].owner and hit.score == pytest.approx(1.0, abs=1e-4)
    with sessions.begin() as s:  # an unchanged sync in the same runtime writes nothing
        assert search.sync(s, onnx_owners).written == 0
