"""Directory rows turned into matchable profiles: evidence snippets, needs, offers and facets.

One ``Profile`` per visible organization, person, course, funding stream and open need. Snippets are short
(a sentence or two) so the best one reads well as the reason a suggestion matched.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import texts
from matching.evidence import split_evidence
from models.directory import Course, FundingStream, Need, Organization, Person
from models.privacy import PUBLIC, strictest, visible_levels

logger = logging.getLogger(__name__)

#: Words per evidence snippet: one or two sentences, short enough to quote as a reason.
SNIPPET_WORDS = 60


@dataclass(frozen=True, slots=True)
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
    visibility: str = PUBLIC  # "public" or "staff" (shown to staff only); hidden rows never become profiles


class Splitter:
    """``split_evidence`` with a memory: a rebuild re-splits only texts that changed since the last one.

    Keyed by a 16-byte digest of the text, so the memory holds snippets, not a second copy of every text.
    """

    def __init__(self, previous: Splitter | None = None) -> None:
        self._old = previous._cache if previous is not None else {}
        self._cache: dict[bytes, tuple[str, ...]] = {}

    def __call__(self, *texts_: str | None) -> list[str]:
        out: list[str] = []
        for text in texts_:
            if not text:
                continue
            key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
            parts = self._cache.get(key)
            if parts is None:
                parts = self._old.get(key)
                if parts is None:
                    parts = tuple(split_evidence(text, SNIPPET_WORDS))
                self._cache[key] = parts
            for part in parts:
                if part not in out:
                    out.append(part)
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


def org_profile(org: Any, needs: Any, split: Splitter) -> Profile:
    need_texts = split(org.needs, *(f"{n.title}. {n.description}" for n in needs if not n.anonymous))
    where = _join(org.region, org.province, sep=", ")
    sectors = f"Sectors: {', '.join(org.sectors)}." if org.sectors else ""
    return Profile(
        ref=f"org:{org.external_id}",
        kind=org.kind,
        title=org.name,
        subtitle=_join(_kind_label(org.kind), where),
        url=org.website,
        snippets=tuple(split(org.capabilities, org.description, sectors)),
        needs=tuple(need_texts),
        offer=_join(org.capabilities, org.description, sep=" "),
        province=org.province,
        languages=_langs(org.languages),
    )


def person_profile(person: Any, org: Any, split: Splitter) -> Profile:
    kind = "researcher" if person.role == "researcher" else "person"
    affiliation = org.name if org is not None else person.affiliation
    return Profile(
        ref=f"person:{person.external_id}",
        kind=kind,
        title=person.name,
        subtitle=_join(person.title, affiliation, person.province or (org.province if org else None)),
        snippets=tuple(split(person.expertise)),
        needs=tuple(split(person.interests)),
        offer=_join(person.expertise, org.capabilities if org else None, sep=" "),
        org_ref=f"org:{org.external_id}" if org is not None else None,
        province=person.province or (org.province if org else None),
        languages=_langs(person.languages or (org.languages if org else None)),
    )


def course_profile(course: Any, provider: Any, split: Splitter) -> Profile:
    provider_name = provider.name if provider is not None else course.provider_name
    credential = course.credential or course.format
    skills = f"Skills: {', '.join(course.skills)}." if course.skills else ""
    return Profile(
        ref=f"course:{course.external_id}",
        kind="course",
        title=course.title,
        subtitle=_join(provider_name, course.delivery, credential, course.province, course.language.upper()),
        url=course.url,
        snippets=tuple(split(course.title, course.description, skills)),
        org_ref=f"org:{provider.external_id}" if provider is not None else None,
        province=course.province,
        languages=_langs([course.language]),
        delivery=course.delivery,
        credential=credential,
    )


def funding_profile(stream: Any, split: Splitter) -> Profile:
    amount = f"up to ${stream.max_contribution_cad:,.0f}" if stream.max_contribution_cad else None
    closes = f"closes {stream.closes_on.isoformat()}" if stream.closes_on else None
    return Profile(
        ref=f"funding:{stream.external_id}",
        kind="funding_stream",
        title=stream.name,
        subtitle=_join(_kind_label(stream.kind).replace("_", " "), amount, closes),
        url=stream.url,
        snippets=tuple(split(stream.name, stream.description, stream.eligibility)),
    )


def need_profile(need: Any, org: Any, split: Splitter) -> Profile:
    poster = "A member (anonymous)" if need.anonymous or org is None else org.name
    return Profile(
        ref=f"need:{need.external_id}",
        kind="need",
        title=need.title,
        subtitle=_join(poster, org.province if org is not None and not need.anonymous else None),
        snippets=tuple(split(need.title, need.description)),
        org_ref=f"org:{org.external_id}" if org is not None and not need.anonymous else None,
        province=org.province if org is not None else None,
    )


def _rows(session: Session, model: type[Any], *where: Any) -> list[Any]:
    """Plain rows (attribute access by column name): several times faster than ORM objects at 100k rows."""
    table = model.__table__
    return list(session.execute(select(table).where(*where).order_by(table.c.external_id)))


def load_profiles(
    session: Session, *, today: date | None = None, split: Splitter | None = None, include_staff: bool = False
) -> list[Profile]:
    """Every profile members may be shown, in a stable order (orgs, people, courses, funding, needs).

    Visibility (``models.privacy``): public rows, plus staff-only rows with ``include_staff`` (marked on the
    profile, so the catalog shows them to staff askers only); hidden rows never. A person or course takes the
    stricter of its own visibility and its organization's; open needs are public when their organization and
    the member who posted them are. Organizations are read once and joined in memory: one query per table.
    """
    split = split or Splitter()
    today = today or date.today()
    allowed = visible_levels(staff=include_staff)
    all_orgs = {o.id: o for o in _rows(session, Organization)}

    def level(own: str, org_id: int | None) -> str:
        org = all_orgs.get(org_id) if org_id is not None else None
        return strictest(own, org.visibility if org is not None else None)

    def marked(profile: Profile, visibility: str) -> Profile:
        return profile if visibility == PUBLIC else replace(profile, visibility=visibility)

    closed_people = set(session.scalars(select(Person.id).where(Person.visibility != PUBLIC)))
    needs = [
        n
        for n in _rows(session, Need, Need.__table__.c.status == "open")
        if level(PUBLIC, n.organization_id) == PUBLIC and n.person_id not in closed_people
    ]
    needs_by_org: dict[int, list[Any]] = {}
    for need in needs:
        if need.organization_id is not None:
            needs_by_org.setdefault(need.organization_id, []).append(need)
    profiles: list[Profile] = []
    for org in all_orgs.values():
        if (visibility := strictest(org.visibility)) in allowed:
            profiles.append(marked(org_profile(org, needs_by_org.get(org.id, []), split), visibility))
    person_rows = _rows(session, Person, Person.__table__.c.visibility.in_(allowed), Person.__table__.c.role != "staff")
    for person in person_rows:
        if (visibility := level(person.visibility, person.organization_id)) in allowed:
            org = all_orgs.get(person.organization_id or -1)
            profiles.append(marked(person_profile(person, org, split), visibility))
    for course in _rows(session, Course, Course.__table__.c.visibility.in_(allowed)):
        if (visibility := level(course.visibility, course.provider_id)) in allowed:
            profiles.append(marked(course_profile(course, all_orgs.get(course.provider_id or -1), split), visibility))
    for stream in _rows(session, FundingStream, FundingStream.__table__.c.visibility.in_(allowed)):
        if stream.closes_on is None or stream.closes_on >= today:
            profiles.append(marked(funding_profile(stream, split), strictest(stream.visibility)))
    for need in needs:
        profiles.append(need_profile(need, all_orgs.get(need.organization_id or -1), split))
    return profiles
