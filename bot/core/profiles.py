"""Directory rows turned into matchable profiles: evidence snippets, needs, offers and facets.

One ``Profile`` per visible organization, person, course, funding stream and open need. Snippets are short
(a sentence or two) so the best one reads well as the reason a suggestion matched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.core import texts
from matching.evidence import split_evidence
from models.directory import Course, FundingStream, Need, Organization, Person
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

#: Words per evidence snippet: one or two sentences, short enough to quote as a reason.
SNIPPET_WORDS = 60


@dataclass(frozen=True)
class Profile:
    """One matchable directory item. ``snippets[0]`` is its most telling text (offer or title)."""

    ref: str
    kind: str  # researcher, person, an organization kind, course, funding_stream, need
    title: str
    subtitle: str = ""
    url: str | None = None
    snippets: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()  # what this member looks for (reciprocity)
    offer: str = ""  # what this member offers, used when they are the one asking
    org_ref: str | None = None  # own organization (people), provider (courses), poster (needs)
    province: str | None = None
    languages: frozenset[str] = frozenset()
    delivery: str | None = None
    credential: str | None = None


def _snips(*texts_: str | None) -> list[str]:
    out: list[str] = []
    for text in texts_:
        for s in split_evidence(text or "", SNIPPET_WORDS):
            if s not in out:
                out.append(s)
    return out


def _join(*parts: str | None, sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _langs(values: Iterable[str] | None) -> frozenset[str]:
    out: set[str] = set()
    for v in values or ():
        v = (v or "").strip().lower()
        if v == "bilingual":
            out.update({"en", "fr"})
        elif v:
            out.add(v[:2])
    return frozenset(out)


def _kind_label(kind: str) -> str:
    label = texts.KIND_LABELS.get(kind, kind.replace("_", " "))
    return label[:1].upper() + label[1:]


def org_profile(org: Organization, needs: list[Need]) -> Profile:
    need_texts = _snips(org.needs, *(f"{n.title}. {n.description}" for n in needs if not n.anonymous))
    where = _join(org.region, org.province, sep=", ")
    sectors = f"Sectors: {', '.join(org.sectors)}." if org.sectors else ""
    return Profile(
        ref=f"org:{org.external_id}",
        kind=org.kind,
        title=org.name,
        subtitle=_join(_kind_label(org.kind), where),
        url=org.website,
        snippets=tuple(_snips(org.capabilities, org.description, sectors)),
        needs=tuple(need_texts),
        offer=_join(org.capabilities, org.description, sep=" "),
        province=org.province,
        languages=_langs(org.languages),
    )


def person_profile(person: Person, org: Organization | None) -> Profile:
    kind = "researcher" if person.role == "researcher" else "person"
    affiliation = org.name if org is not None else person.affiliation
    return Profile(
        ref=f"person:{person.external_id}",
        kind=kind,
        title=person.name,
        subtitle=_join(person.title, affiliation, person.province or (org.province if org else None)),
        snippets=tuple(_snips(person.expertise)),
        needs=tuple(_snips(person.interests)),
        offer=_join(person.expertise, org.capabilities if org else None, sep=" "),
        org_ref=f"org:{org.external_id}" if org is not None else None,
        province=person.province or (org.province if org else None),
        languages=_langs(person.languages or (org.languages if org else None)),
    )


def course_profile(course: Course, provider: Organization | None) -> Profile:
    provider_name = provider.name if provider is not None else course.provider_name
    credential = course.credential or course.format
    skills = f"Skills: {', '.join(course.skills)}." if course.skills else ""
    return Profile(
        ref=f"course:{course.external_id}",
        kind="course",
        title=course.title,
        subtitle=_join(provider_name, course.delivery, credential, course.province, course.language.upper()),
        url=course.url,
        snippets=tuple(_snips(course.title, course.description, skills)),
        org_ref=f"org:{provider.external_id}" if provider is not None else None,
        province=course.province,
        languages=_langs([course.language]),
        delivery=course.delivery,
        credential=credential,
    )


def funding_profile(stream: FundingStream) -> Profile:
    amount = f"up to ${stream.max_contribution_cad:,.0f}" if stream.max_contribution_cad else None
    closes = f"closes {stream.closes_on.isoformat()}" if stream.closes_on else None
    return Profile(
        ref=f"funding:{stream.external_id}",
        kind="funding_stream",
        title=stream.name,
        subtitle=_join(_kind_label(stream.kind).replace("_", " "), amount, closes),
        url=stream.url,
        snippets=tuple(_snips(stream.name, stream.description, stream.eligibility)),
    )


def need_profile(need: Need, org: Organization | None) -> Profile:
    poster = "A member (anonymous)" if need.anonymous or org is None else org.name
    return Profile(
        ref=f"need:{need.external_id}",
        kind="need",
        title=need.title,
        subtitle=_join(poster, org.province if org is not None and not need.anonymous else None),
        snippets=tuple(_snips(need.title, need.description)),
        org_ref=f"org:{org.external_id}" if org is not None and not need.anonymous else None,
        province=org.province if org is not None else None,
    )


def load_profiles(session: Session, *, today: date | None = None) -> list[Profile]:
    """Every profile members may be shown, in a stable order (orgs, people, courses, funding, needs).

    Organizations are read once and joined in memory, so the cost is one query per table, not per row.
    """
    repo = DirectoryRepository(session)
    today = today or date.today()
    all_orgs = {o.id: o for o in repo.list_all(Organization)}
    needs = repo.list_visible(Need)
    needs_by_org: dict[int, list[Need]] = {}
    for need in needs:
        if need.organization_id is not None:
            needs_by_org.setdefault(need.organization_id, []).append(need)
    profiles: list[Profile] = []
    for org in repo.list_visible(Organization):
        profiles.append(org_profile(org, needs_by_org.get(org.id, [])))
    for person in repo.list_visible(Person):
        if person.role == "staff":
            continue
        profiles.append(person_profile(person, all_orgs.get(person.organization_id or -1)))
    for course in repo.list_visible(Course):
        profiles.append(course_profile(course, all_orgs.get(course.provider_id or -1)))
    for stream in repo.list_visible(FundingStream):
        if stream.closes_on is not None and stream.closes_on < today:
            continue
        profiles.append(funding_profile(stream))
    for need in needs:
        profiles.append(need_profile(need, all_orgs.get(need.organization_id or -1)))
    return profiles
