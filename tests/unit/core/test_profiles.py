"""Directory rows to profiles: exact values on awkward rows, the demo's profiles unchanged, rebuild reuse."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.profiles import Profile, load_profiles
from bot.core.directory.snippets import SNIPPET_WORDS, Splitter
from matching.evidence import split_evidence
from models.directory import Course, FundingStream, Need, Organization, Person

TODAY = date(2026, 1, 1)


def seed_awkward_directory(sessions: sessionmaker[Session]) -> None:
    """Every visibility combination, JSON lists empty and not, odd spacing, missing organizations."""
    with sessions.begin() as s:
        acme = Organization(
            external_id="acme",
            name="Acme Stamping",
            kind="manufacturer",
            province="ON",
            region="Windsor",
            sectors=["automotive", "plastics"],
            languages=["bilingual"],
            capabilities="Robotic welding.  We paint\nparts.",
            description="Tier 2 supplier.",
            needs="Automation of deburring.",
            website="https://acme.example",
        )
        staffco = Organization(
            external_id="staffco", name="StaffCo", kind="technology_firm", province="QC", visibility="staff",
            capabilities="Vision systems.",
        )  # fmt: skip
        ghost = Organization(external_id="ghost", name="Ghost", kind="manufacturer", visibility="hidden")
        odd = Organization(external_id="odd", name="Odd", kind="manufacturer", visibility="secret")  # unknown: hidden
        s.add_all([acme, staffco, ghost, odd])
        s.flush()
        people = [
            Person(external_id="ana", name="Ana", role="researcher", organization=acme, title="Professor",
                   expertise="Welding metallurgy.", interests="Sensors."),  # fmt: skip
            Person(external_id="bo", name="Bo", affiliation="Freelance", province="NB", languages=["French"],
                   expertise="Lean coaching."),  # fmt: skip
            Person(external_id="cy", name="Cy", organization=staffco, expertise="Optics."),
            Person(external_id="di", name="Di", organization=ghost, expertise="Secrets."),
            Person(external_id="ed", name="Ed", role="staff", expertise="Cluster programmes."),
            Person(external_id="fay", name="Fay", organization=acme, visibility="staff", languages=None,
                   expertise="Purchasing."),  # fmt: skip
        ]
        s.add_all(people)
        s.add_all(
            [
                Course(external_id="c1", title="TIG welding", provider=acme, format="bootcamp", language="fr",
                       delivery="hybrid", skills=["TIG"], province="ON", description="Hands-on."),  # fmt: skip
                Course(external_id="c2", title="Lean basics", provider_name="Open College", description="Intro."),
                Course(external_id="c3", title="Hidden course", provider=ghost),
                FundingStream(external_id="f-open", name="Open fund", max_contribution_cad=50000, description="Grants"),
                FundingStream(external_id="f-closed", name="Closed fund", closes_on=date(2020, 1, 1)),
                FundingStream(external_id="f-staff", name="Staff fund", kind="workforce_program", visibility="staff",
                              closes_on=date(2030, 5, 1), max_contribution_cad=0),  # fmt: skip
            ]
        )
        s.flush()
        fay = people[-1]
        s.add_all(
            [
                Need(external_id="n1", organization_id=acme.id, title="Deburring cell", description="Robot deburring."),
                Need(external_id="n2", organization_id=acme.id, title="Quiet need", anonymous=True),
                Need(external_id="n3", organization_id=staffco.id, title="Staff-only org need"),
                Need(external_id="n4", organization_id=acme.id, person_id=fay.id, title="By a staff-only person"),
                Need(external_id="n5", organization_id=acme.id, title="Solved", status="closed"),
                Need(external_id="n6", title="No organization", description="Anyone?"),
            ]
        )


ACME = Profile(
    ref="org:acme",
    kind="manufacturer",
    title="Acme Stamping",
    subtitle="Manufacturer · Windsor, ON",
    url="https://acme.example",
    snippets=("Robotic welding. We paint parts.", "Tier 2 supplier.", "Sectors: automotive, plastics."),
    needs=("Automation of deburring.", "Deburring cell. Robot deburring."),  # not the anonymous need, nor n4's
    offer="Robotic welding.  We paint\nparts. Tier 2 supplier.",
    province="ON",
    languages=frozenset({"en", "fr"}),
)


def _by_ref(profiles: list[Profile]) -> dict[str, Profile]:
    return {p.ref: p for p in profiles}


def test_awkward_rows_become_exactly_these_profiles(sessions: sessionmaker[Session]) -> None:
    seed_awkward_directory(sessions)
    with sessions() as s:
        members = load_profiles(s, today=TODAY)
    assert [p.ref for p in members] == [
        *("org:acme", "person:ana", "person:bo", "course:c1", "course:c2", "funding:f-open"),
        *("need:n1", "need:n2", "need:n6"),
    ]
    got = _by_ref(members)
    assert got["org:acme"] == ACME
    assert got["person:ana"] == Profile(
        ref="person:ana",
        kind="researcher",
        title="Ana",
        subtitle="Professor · Acme Stamping · ON",  # province from the organization
        snippets=("Welding metallurgy.",),
        needs=("Sensors.",),
        offer="Welding metallurgy. Robotic welding.  We paint\nparts.",
        org_ref="org:acme",
        province="ON",
        languages=frozenset({"en", "fr"}),  # none of her own: the organization's
    )
    assert got["person:bo"] == Profile(
        ref="person:bo",
        kind="person",
        title="Bo",
        subtitle="Freelance · NB",
        snippets=("Lean coaching.",),
        offer="Lean coaching.",
        province="NB",
        languages=frozenset({"fr"}),
    )
    assert got["course:c1"] == Profile(
        ref="course:c1",
        kind="course",
        title="TIG welding",
        subtitle="Acme Stamping · hybrid · bootcamp · ON · FR",
        snippets=("TIG welding", "Hands-on.", "Skills: TIG."),
        org_ref="org:acme",
        province="ON",
        languages=frozenset({"fr"}),
        delivery="hybrid",
        credential="bootcamp",  # no credential: the format stands in
    )
    assert got["course:c2"].subtitle == "Open College · online · EN" and got["course:c2"].org_ref is None
    assert got["funding:f-open"] == Profile(
        ref="funding:f-open",
        kind="funding_stream",
        title="Open fund",
        subtitle="Project stream · up to $50,000",
        snippets=("Open fund", "Grants"),
    )
    assert got["need:n2"] == Profile(
        ref="need:n2", kind="need", title="Quiet need", subtitle="A member (anonymous)", snippets=("Quiet need",),
        province="ON",
    )  # fmt: skip
    assert got["need:n6"].subtitle == "A member (anonymous)" and got["need:n6"].province is None
    assert {p.visibility for p in members} == {"public"}


def test_staff_also_see_staff_only_rows_marked_as_such(sessions: sessionmaker[Session]) -> None:
    seed_awkward_directory(sessions)
    with sessions() as s:
        everything = _by_ref(load_profiles(s, today=TODAY, include_staff=True))
    staff_only = {ref for ref, p in everything.items() if p.visibility == "staff"}
    assert staff_only == {"org:staffco", "person:cy", "person:fay", "funding:f-staff"}
    assert everything["person:fay"].languages == frozenset({"en", "fr"})  # JSON null: the organization's
    assert everything["org:staffco"].needs == ()  # its need is not public, so not shown as its need either
    assert everything["funding:f-staff"].subtitle == "Workforce program · closes 2030-05-01"
    assert not {"need:n3", "need:n4", "need:n5", "person:di", "person:ed", "course:c3"} & everything.keys()
    assert not any(ref.startswith(("org:ghost", "org:odd")) for ref in everything)


def _fingerprint(profiles: list[Profile]) -> str:
    def plain(p: Profile) -> list[Any]:
        return [sorted(v) if isinstance(v, frozenset) else v for v in (getattr(p, f) for f in Profile.__slots__)]

    return hashlib.sha256(json.dumps([plain(p) for p in profiles], ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize(
    ("include_staff", "total", "fingerprint"),
    [
        (False, 449, "dbe7dd775b78912ecfb5ada6641d96ea887079ece50f974b63025007f24c144d"),
        (True, 459, "1f1c9d937714e5f48ee46d9f4ab45b4861c0dae8f810a057f0071f2e3e4d98c2"),
    ],
)
def test_demo_directory_gives_the_recorded_profiles(
    demo_sessions: sessionmaker[Session], include_staff: bool, total: int, fingerprint: str
) -> None:
    """Every field of every demo profile, in order, as recorded before loading was streamed and memoised.

    A deliberate change to the demo data or to how profiles read changes the fingerprint: record the new one.
    """
    with demo_sessions() as s:
        profiles = load_profiles(s, today=TODAY, include_staff=include_staff)
    assert len(profiles) == total
    kinds = Counter(p.kind for p in profiles)
    assert (kinds["course"], kinds["researcher"], kinds["need"]) == (105, 64, 41)
    refs = [p.ref for p in profiles]
    order = ["org", "person", "course", "funding", "need"]
    assert refs == sorted(refs, key=lambda r: order.index(r.split(":")[0]))
    got = _by_ref(profiles)
    assert got["need:need-013"] == Profile(
        ref="need:need-013",
        kind="need",
        title="Replace glass fibre with something plant-based",
        subtitle="A member (anonymous)",
        snippets=(
            "Replace glass fibre with something plant-based",
            "Our moulded panels use glass-filled polypropylene and customers want bio-content. "
            "We are a small plant in Lethbridge running two shifts.",
        ),
        province="AB",
    )
    assert got["org:mfg-alder-industries-inc"].snippets[-1] == "Sectors: metals."
    assert _fingerprint(profiles) == fingerprint
    if include_staff:
        assert got["person:ct-ahmed-akhtar"] == Profile(
            ref="person:ct-ahmed-akhtar",
            kind="person",
            title="Ahmed Akhtar",
            subtitle="Director of Engineering · Coppervale Automotive Limited · NB",
            offer="A metrology lab with CMM and 3D scanning that members can book. Spare capacity on our press lines "
            "for short runs.",
            org_ref="org:mfg-coppervale-automotive-limited",
            province="NB",
            languages=frozenset({"en"}),
            visibility="staff",
        )


def test_a_rebuild_hands_back_the_previous_object_for_every_unchanged_profile(
    sessions: sessionmaker[Session],
) -> None:
    seed_awkward_directory(sessions)
    split = Splitter()
    with sessions() as s:
        before = load_profiles(s, today=TODAY, split=split, include_staff=True)
    with sessions.begin() as s:
        s.execute(update(Organization).where(Organization.external_id == "acme").values(description="Tier 1."))
        s.execute(update(Person).where(Person.external_id == "bo").values(visibility="hidden"))
    with sessions() as s:
        after = load_profiles(s, today=TODAY, split=Splitter(split), include_staff=True, previous=_by_ref(before))
    old, new = _by_ref(before), _by_ref(after)
    assert new["org:acme"] is not old["org:acme"]
    assert new["org:acme"].snippets[1] == "Tier 1." and new["org:acme"].offer.endswith("parts. Tier 1.")
    assert "person:bo" not in new
    unchanged = [ref for ref in new if ref != "org:acme"]
    assert len(unchanged) == len(before) - 2
    assert all(new[ref] is old[ref] for ref in unchanged)  # Ana's offer reads capabilities, not the description

    with sessions() as s:
        fresh = load_profiles(s, today=TODAY, include_staff=True)
    assert fresh == after and all(a is not b for a, b in zip(fresh, after, strict=True))


def test_splitter_gives_the_snippets_of_split_evidence_and_remembers_them_across_builds() -> None:
    long_text = " ".join(f"Sentence number {i} about welding cells." for i in range(20))
    texts = ["Clean text. Two sentences.", "Odd  spacing.\nNew line.", long_text, "Clean text. Two sentences."]
    first = Splitter()
    snippets = first(*texts)
    expected: list[str] = []
    for text in texts:
        expected += [p for p in split_evidence(text, SNIPPET_WORDS) if p not in expected]
    assert snippets == expected and len(snippets) == 4  # the long text makes two
    assert snippets[0] is texts[0]  # a text that is its own snippet is held once
    again = Splitter(first)(*(t[:-1] + t[-1] for t in texts))  # equal texts, other string objects
    assert again == snippets and all(a is b for a, b in zip(again, snippets, strict=True))
    assert Splitter()("", None, "   ") == []
