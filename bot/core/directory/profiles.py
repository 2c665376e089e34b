"""Directory rows turned into matchable profiles: evidence snippets, needs, offers and facets.

One ``Profile`` per visible organization, person, course, funding stream and open need. Snippets are short
(a sentence or two) so the best one reads well as the reason a suggestion matched.

The catalog rebuilds every profile whenever the directory changes, at 100k rows, while the previous snapshot
keeps serving, so loading streams rows (only the columns used, JSON lists read as text and decoded once per
distinct value), shares repeated small values (languages, kinds, subtitles) and hands back the previous
``Profile`` object for every row that did not change.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import JSON, Text, cast, select
from sqlalchemy.orm import Session

from bot.core import texts
from bot.core.directory.snippets import Splitter
from models.directory import Course, FundingStream, Need, Organization, Person
from models.members import paused_members
from models.privacy import PUBLIC, strictest, visible_levels

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")


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


class _Memo(dict[K, V]):
    """``memo[key]`` computes ``fn(key)`` once per distinct key: directories repeat a few small values."""

    def __init__(self, fn: Callable[[K], V]) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, key: K) -> V:
        value = self[key] = self._fn(key)
        return value


#: Language sets shared by every profile and every build (a directory has a handful of distinct ones).
_LANGUAGE_SETS: dict[frozenset[str], frozenset[str]] = {}


def _join(*parts: str | None, sep: str = " · ") -> str:
    return sep.join([p for p in parts if p])


def _langs(values: Iterable[str] | None) -> frozenset[str]:
    out: set[str] = set()
    for v in values or ():
        v = (v or "").strip().lower()
        if v == "bilingual":
            out.update({"en", "fr"})
        elif v:
            out.add(v[:2])
    languages = frozenset(out)
    if len(_LANGUAGE_SETS) < 1024:
        languages = _LANGUAGE_SETS.setdefault(languages, languages)
    return languages


def _kind_label(kind: str) -> str:
    label = texts.KIND_LABELS.get(kind, kind.replace("_", " "))
    return label[:1].upper() + label[1:]


def _intern(value: str | None) -> str | None:
    return sys.intern(value) if value else value


def _listed(label: str, values: Any) -> str:
    return f"{label}: {', '.join(values)}." if values else ""


class _Org(NamedTuple):
    """What people, courses and needs read of their organization."""

    ref: str
    name: str
    province: str | None
    capabilities: str
    languages: frozenset[str]
    visibility: str


#: The columns read, in the order each loop below unpacks them.
_COLUMNS: dict[type[Any], str] = {
    Organization: "id external_id name kind province region sectors description capabilities needs website "
    "languages visibility",
    Person: "external_id name role title organization_id affiliation province expertise interests languages visibility",
    Course: "external_id title provider_id provider_name description skills format delivery credential language "
    "province url visibility",
    FundingStream: "external_id name kind description eligibility closes_on max_contribution_cad url visibility",
    Need: "external_id organization_id person_id title description anonymous visibility deadline",
}


def _rows(session: Session, model: type[Any], *where: Any) -> Iterable[Any]:
    """Rows streamed as plain tuples of ``_COLUMNS[model]``, JSON columns as their text (decoded by the caller)."""
    table = model.__table__
    columns = [table.c[name] for name in _COLUMNS[model].split()]
    columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in columns]
    stmt = select(*columns).where(*where).order_by(table.c.external_id)
    return session.execute(stmt, execution_options={"yield_per": 1000})


class _Load:
    """One pass over the directory: organizations first (the others join them in memory), then the rest."""

    def __init__(self, session: Session, split: Splitter, allowed: tuple[str, ...], today: date) -> None:
        self.session, self.split, self.allowed = session, split, allowed
        self.orgs: dict[int, _Org] = {}
        self.decoded: _Memo[str | None, Any] = _Memo(lambda raw: None if raw is None else json.loads(raw))
        self.langs: _Memo[str | None, frozenset[str]] = _Memo(lambda raw: _langs(self.decoded[raw]))
        self.listed: _Memo[tuple[str, str | None], str] = _Memo(lambda key: _listed(key[0], self.decoded[key[1]]))
        self.language_of: _Memo[str, frozenset[str]] = _Memo(lambda language: _langs([language]))
        self.subtitles: _Memo[tuple[Any, ...], str] = _Memo(lambda parts: _join(*parts))
        self.org_subtitles: _Memo[tuple[str, str | None, str | None], str] = _Memo(
            lambda key: _join(_kind_label(key[0]), _join(key[1], key[2], sep=", "))
        )
        self.strict: _Memo[tuple[str | None, ...], str] = _Memo(lambda levels: strictest(*levels))
        table = Person.__table__
        closed = set(session.scalars(select(table.c.id).where(table.c.visibility != PUBLIC)))
        self.paused, self.paused_orgs = paused_members(session, today)
        # A need past its deadline is no longer matched (nor shown in digests).
        self.open_needs = [n for n in _rows(session, Need, Need.__table__.c.status == "open")
                           if n[2] not in closed and (n[7] is None or n[7] >= today)]

    def level(self, own: str, org_id: int | None) -> str:
        org = self.orgs.get(org_id) if org_id is not None else None
        return self.strict[own, org.visibility if org is not None else None]

    def organizations(self) -> Iterator[Profile]:
        needs_by_org: dict[int, list[Any]] = {}
        for need in self.open_needs:
            if need[1] is not None:
                needs_by_org.setdefault(need[1], []).append(need)
        for row in _rows(self.session, Organization):
            org_id, ext, name, kind, province, region, sectors, description = row[:8]
            capabilities, needs, website, languages, visibility = row[8:]
            province = _intern(province)
            org = _Org(f"org:{ext}", name, province, capabilities, self.langs[languages], visibility)
            self.orgs[org_id] = org
            if (visibility := self.strict[(visibility,)]) not in self.allowed or org_id in self.paused_orgs:
                continue
            # Its open needs count when they are public, which takes the organization being public.
            posted = needs_by_org.get(org_id, ()) if visibility == PUBLIC else ()
            yield Profile(
                ref=org.ref,
                kind=sys.intern(kind),
                title=name,
                subtitle=self.org_subtitles[kind, region, province],
                url=website,
                snippets=tuple(self.split(capabilities, description, self.listed["Sectors", sectors])),
                needs=tuple(self.split(needs, *(f"{n[3]}. {n[4]}" for n in posted if not n[5] and n[6] == PUBLIC))),
                offer=_join(capabilities, description, sep=" "),
                province=province,
                languages=org.languages,
                visibility=visibility,
            )

    def people(self) -> Iterator[Profile]:
        table = Person.__table__
        rows = _rows(self.session, Person, table.c.visibility.in_(self.allowed), table.c.role != "staff",
                     table.c.id.not_in(self.paused or {-1}))
        for ext, name, role, title, org_id, affiliation, province, expertise, interests, languages, own in rows:
            if (visibility := self.level(own, org_id)) not in self.allowed:
                continue
            org = self.orgs.get(org_id or -1)
            province = _intern(province) or (org.province if org is not None else None)
            yield Profile(
                ref=f"person:{ext}",
                kind="researcher" if role == "researcher" else "person",
                title=name,
                subtitle=self.subtitles[title, org.name if org is not None else affiliation, province],
                snippets=tuple(self.split(expertise)),
                needs=tuple(self.split(interests)),
                offer=_join(expertise, org.capabilities if org is not None else None, sep=" "),
                org_ref=org.ref if org is not None else None,
                province=province,
                languages=org.languages if org is not None and not self.decoded[languages] else self.langs[languages],
                visibility=visibility,
            )

    def courses(self) -> Iterator[Profile]:
        for row in _rows(self.session, Course, Course.__table__.c.visibility.in_(self.allowed)):
            ext, title, provider_id, provider_name, description, skills, format_, delivery, credential = row[:9]
            language, province, url, own = row[9:]
            if (visibility := self.level(own, provider_id)) not in self.allowed:
                continue
            provider = self.orgs.get(provider_id or -1)
            provider_name = provider.name if provider is not None else provider_name
            credential, province = _intern(credential or format_), _intern(province)
            yield Profile(
                ref=f"course:{ext}",
                kind="course",
                title=title,
                subtitle=self.subtitles[provider_name, delivery, credential, province, language.upper()],
                url=url,
                snippets=tuple(self.split(title, description, self.listed["Skills", skills])),
                org_ref=provider.ref if provider is not None else None,
                province=province,
                languages=self.language_of[language],
                delivery=_intern(delivery),
                credential=credential,
                visibility=visibility,
            )

    def funding(self, today: date) -> Iterator[Profile]:
        rows = _rows(self.session, FundingStream, FundingStream.__table__.c.visibility.in_(self.allowed))
        for ext, name, kind, description, eligibility, closes_on, max_cad, url, own in rows:
            if closes_on is None or closes_on >= today:
                amount = f"up to ${max_cad:,.0f}" if max_cad else None
                closes = f"closes {closes_on.isoformat()}" if closes_on else None
                yield Profile(
                    ref=f"funding:{ext}",
                    kind="funding_stream",
                    title=name,
                    subtitle=self.subtitles[_kind_label(kind).replace("_", " "), amount, closes],
                    url=url,
                    snippets=tuple(self.split(name, description, eligibility)),
                    visibility=self.strict[(own,)],
                )

    def needs(self) -> Iterator[Profile]:
        for ext, org_id, person_id, title, description, anonymous, own, _deadline in self.open_needs:
            if person_id in self.paused or org_id in self.paused_orgs:
                continue
            # A staff-only need is matched for staff (and its poster's own searches), never shown to members.
            if self.level(PUBLIC, org_id) != PUBLIC or (level := self.strict[(own,)]) not in self.allowed:
                continue
            org = self.orgs.get(org_id or -1)
            poster = org if org is not None and not anonymous else None
            yield Profile(
                ref=f"need:{ext}",
                kind="need",
                title=title,
                subtitle=self.subtitles[
                    poster.name if poster is not None else "A member (anonymous)",
                    poster.province if poster is not None else None,
                ],
                snippets=tuple(self.split(title, description)),
                org_ref=poster.ref if poster is not None else None,
                province=org.province if org is not None else None,
                visibility=level,
            )


def load_profiles(
    session: Session,
    *,
    today: date | None = None,
    split: Splitter | None = None,
    include_staff: bool = False,
    previous: Mapping[str, Profile] | None = None,
) -> list[Profile]:
    """Every profile members may be shown, in a stable order (orgs, people, courses, funding, needs).

    Visibility (``models.privacy``): public rows, plus staff-only rows with ``include_staff`` (marked on the
    profile, so the catalog shows them to staff askers only); hidden rows never. A person or course takes the
    stricter of its own visibility and its organization's; open needs are public when their organization and
    the member who posted them are. Organizations are read once and joined in memory: one query per table.

    ``previous`` (the last build's profiles by ref): a profile equal to its previous one is returned as that
    very object, so a rebuild holds one copy of what did not change.
    """
    split = split or Splitter()
    today = today or date.today()
    load = _Load(session, split, visible_levels(staff=include_staff), today)
    old = previous or {}
    profiles: list[Profile] = []
    parts = load.organizations(), load.people(), load.courses(), load.funding(today), load.needs()
    for part in parts:
        for profile in part:
            before = old.get(profile.ref)
            profiles.append(before if before is not None and before == profile else profile)
    split.forget_previous()
    return profiles
