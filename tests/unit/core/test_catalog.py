from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.catalog import Catalog
from bot.core.directory.intents import Filters
from bot.core.directory.reasons import best_sentences
from models.directory import Organization
from models.repositories import DirectoryRepository
from tests.unit.core.conftest import ORGS, CountingEmbedder

WELDING = "we need help automating TIG welding of aluminium battery trays"


def refs(suggestions) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.ref for s in suggestions]


def add_org(sessions: sessionmaker[Session], ext: str, capabilities: str, **values: object) -> None:
    with sessions.begin() as s:
        values = {"name": ext.title(), "kind": "technology_firm", "capabilities": capabilities, **values}
        DirectoryRepository(s).upsert(Organization, ext, values)


def test_search_returns_relevant_items_with_reasons(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    found = Catalog(seeded, counting_embedder).search(WELDING, k=5)
    top = refs(found)[:3]
    assert "org:weldtech" in top and "person:r-weld" in top
    for s in found[:3]:
        assert s.reason and s.title
    weldtech = next(s for s in found if s.ref == "org:weldtech")
    assert "weld" in weldtech.reason.lower()
    assert set(weldtech.shared_terms) & {"tig", "aluminium", "aluminium battery", "automation"}


def test_hidden_staff_and_closed_items_are_never_indexed(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder)
    indexed = set(catalog.snapshot.index_of)
    assert {"org:hiddenco", "person:s-staff", "funding:f-old"}.isdisjoint(indexed)
    assert {"org:weldtech", "person:r-weld", "course:c-weld", "funding:f-auto", "need:n-vision"} <= indexed
    assert "need:n-vision" not in refs(catalog.search("camera weld seam inspection", k=20))
    assert refs(catalog.search("camera weld seam inspection", kinds=["need"]))[0] == "need:n-vision"


def test_kind_and_facet_filters(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder)
    assert {s.kind for s in catalog.search(WELDING, kinds=["researcher"], k=10)} == {"researcher"}
    in_qc = catalog.search(WELDING, filters=Filters(provinces=frozenset({"QC"})), k=20)
    assert "person:r-weld" in refs(in_qc) and "org:weldtech" not in refs(in_qc)
    assert "funding:f-auto" in refs(in_qc)  # no province: national programmes stay
    french = refs(catalog.search("programmation automates PLC", kinds=["course"], filters=Filters(language="fr")))
    assert french == ["course:c-plc"]
    online = refs(catalog.search("welding", kinds=["course"], filters=Filters(delivery="online"), k=10))
    assert online == ["course:c-weld"]
    micro = refs(catalog.search("programming", kinds=["course"], filters=Filters(credential="micro-credential")))
    assert micro == ["course:c-weld"]


def test_asker_their_organization_and_colleagues_are_excluded(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder)
    assert "org:batteryco" in refs(catalog.search("battery trays", k=20))
    mine = refs(catalog.search("battery trays", k=20, asker_ref="person:p-battery"))
    assert "org:batteryco" not in mine and "person:p-battery" not in mine


def test_exclude_and_look_alikes_of_dismissed_items(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    clone = ORGS["weldtech"]
    add_org(seeded, "weldtech-clone", clone["capabilities"], description=clone["description"] + " Since 1990.")
    catalog = Catalog(seeded, counting_embedder)
    before = refs(catalog.search(WELDING, k=10))
    assert before[-1] != "org:weldtech-clone" and len(before) > 4
    after = refs(catalog.search(WELDING, k=10, exclude=["org:weldtech"], avoid=["org:weldtech"]))
    assert "org:weldtech" not in after
    assert after[-1] == "org:weldtech-clone"  # a look-alike of what was dismissed goes last


def test_more_like_uses_the_item_and_excludes_it(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder)
    similar = refs(catalog.more_like("org:weldtech", k=5))
    assert "org:weldtech" not in similar
    assert similar[0] in {"person:r-weld", "course:c-weld", "org:batteryco"}
    with pytest.raises(KeyError):
        catalog.more_like("org:nope")


def test_version_bump_is_seen_by_the_next_search_without_restart(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder, check_interval=0)
    assert "org:cryo" not in refs(catalog.search("cryogenic machining of titanium", k=10))
    encoded_before = counting_embedder.texts_encoded
    add_org(seeded, "cryo", "Cryogenic machining of titanium aerospace parts.")  # another session writes
    found = catalog.search("cryogenic machining of titanium", k=10)
    assert refs(found)[0] == "org:cryo"
    # Only the new snippet and the query were encoded, not the directory again.
    assert counting_embedder.texts_encoded - encoded_before == 2


def test_unchanged_directory_is_not_embedded_again(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    first = Catalog(seeded, counting_embedder)
    first.warm_up()
    assert first.snapshot.encoded > 10 and counting_embedder.texts_encoded == first.snapshot.encoded
    second_embedder = CountingEmbedder(counting_embedder.inner)
    second = Catalog(seeded, second_embedder)  # a restart: vectors come from the embedding cache table
    second.warm_up()
    assert second_embedder.texts_encoded == 0
    assert second.snapshot.vectors.from_cache > 10
    assert second.refresh(force=True)  # an in-process rebuild reuses the vectors it has
    assert second_embedder.texts_encoded == 0
    assert second.snapshot.encoded == 0
    assert refs(second.search(WELDING, k=3)) == refs(first.search(WELDING, k=3))


def test_build_is_lazy_and_warm_up_runs_in_the_background(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder)
    assert not catalog.ready and counting_embedder.texts_encoded == 0
    catalog.start_warm_up().join(timeout=30)
    assert catalog.ready and catalog.start_warm_up() is catalog.start_warm_up()


def test_concurrent_searches_while_the_directory_changes(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder, check_interval=0)
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def search(i: int) -> int:
        barrier.wait(timeout=10)
        try:
            return len(catalog.search(WELDING if i % 2 else "machine vision", k=5))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
            raise

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(search, i) for i in range(4)]
        barrier.wait(timeout=10)
        add_org(seeded, "late", "Late entrant doing ultrasonic welding of battery tabs.")
        counts = [f.result(timeout=30) for f in futures]
    assert not errors and all(c > 0 for c in counts)
    assert "org:late" in refs(catalog.search("ultrasonic welding of battery tabs", k=3))


def test_version_bump_without_indexed_change_keeps_the_fit(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder, check_interval=0)
    before = catalog.snapshot
    with seeded.begin() as s:  # a change the index does not read: the website
        DirectoryRepository(s).upsert(Organization, "weldtech", {"website": "https://weldtech.example"})
    after = catalog.snapshot
    assert after.version > before.version
    assert after.matcher is before.matcher and after.encoded == 0
    assert catalog.search(WELDING, k=3)[0].url == "https://weldtech.example" or any(
        s.url == "https://weldtech.example" for s in catalog.search(WELDING, k=10)
    )
    assert catalog.refresh(force=True) and catalog.snapshot.matcher is not before.matcher  # force refits


def test_long_evidence_is_cut_to_its_most_telling_sentence() -> None:
    snippet = (
        "Battery thermal management design with cold plates and immersion cooling, validated on our benches. "
        "Silicon carbide inverter design for electrified off-road machines and their power electronics. "
        "Laser welding of cell tabs to busbars, including copper-aluminium dissimilar joints. "
        "Typical projects take 8 weeks from kickoff to report."
    )
    assert best_sentences(snippet, ("aluminium", "welding")) == (
        "Laser welding of cell tabs to busbars, including copper-aluminium dissimilar joints."
    )
    assert best_sentences("Short and sweet.", ("x",)) == "Short and sweet."
    cut = best_sentences("word " * 100, ())
    assert len(cut) <= 280 and cut.endswith("…")


def test_restart_with_many_cached_vectors_scans_the_cache(seeded, counting_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = Catalog(seeded, counting_embedder)
    first.warm_up()
    monkeypatch.setattr("bot.core.directory.vectors.SCAN_FROM", 1)  # the path a 100k-profile restart takes
    again = CountingEmbedder(counting_embedder.inner)
    second = Catalog(seeded, again)
    second.warm_up()
    assert again.texts_encoded == 0 and second.snapshot.vectors.from_cache == first.snapshot.encoded
    assert refs(second.search(WELDING, k=3)) == refs(first.search(WELDING, k=3))


def test_a_reason_never_just_repeats_the_title(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    found = Catalog(seeded, counting_embedder).search("Automation adoption stream", kinds=["funding_stream"])
    assert found[0].ref == "funding:f-auto"
    assert found[0].reason.startswith("Co-investment for manufacturing SMEs")


def test_rebuild_keeps_one_copy_of_unchanged_profiles(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(seeded, counting_embedder, check_interval=0)
    before = catalog.snapshot
    add_org(seeded, "newco", "Cryogenic machining of titanium implants.")
    after = catalog.snapshot
    assert after is not before and "org:newco" in after.by_ref
    kept = [ref for ref in before.by_ref if ref in after.by_ref]
    assert kept and all(after.by_ref[ref] is before.by_ref[ref] for ref in kept)
