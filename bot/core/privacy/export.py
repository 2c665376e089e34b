"""Everything we hold about one member, as machine-readable JSON ("Download my data").

``EXPORTERS`` maps every table that holds member data to the function that reads the subject's rows from
it. A test walks ``Base.metadata`` and fails when a table with a foreign key to ``people`` or
``platform_accounts`` has no exporter, so a new table cannot silently stay out of exports.

Other members appear in a member's data (the person they saved, the other side of an introduction); they
are named only as far as the member may still see them: a ref of an item that is now hidden, or staff-only
for a member who is not staff, becomes ``"hidden"``, and other people's chat accounts are never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import Session

from bot.core.privacy.subject import Subject, actor_of, effective_visibility
from models.activity import MatchFeedback, Question, SavedMatch
from models.digest import DigestDelivery, DigestItem, DigestPreference
from models.directory import Need, Organization, Person, PlatformAccount
from models.intros import (
    ACCEPTED,
    Introduction,
    IntroEvent,
    IntroOutcome,
    IntroPairRule,
    IntroPreference,
    IntroSuggestion,
)
from models.members import JoinRequest, OrgTextProposal
from models.privacy import AuditEntry, can_see

FORMAT = "clustermatch-member-export/1"
HIDDEN_REF = "hidden"
YOU = "you"
SOMEONE = "someone else"


class Redactor:
    """Names other people and items only as far as the subject may see them."""

    def __init__(self, session: Session, subject: Subject) -> None:
        self.session = session
        self.subject = subject
        self._refs: dict[str, str] = {}
        self._people: dict[int, str] = {}

    def ref(self, ref: str | None) -> str | None:
        if ref is None or ref in self.subject.refs:
            return ref
        if ref not in self._refs:
            level = effective_visibility(self.session, ref)
            visible = level is not None and can_see(level, staff=self.subject.is_staff)
            self._refs[ref] = ref if visible or level is None and not _is_directory_ref(ref) else HIDDEN_REF
        return self._refs[ref]

    def person(self, person_id: int | None) -> str | None:
        if person_id is None:
            return None
        if person_id == self.subject.person_id:
            return YOU
        if person_id not in self._people:
            person = self.session.get(Person, person_id)
            self._people[person_id] = (self.ref(f"person:{person.external_id}") or HIDDEN_REF) if person else HIDDEN_REF
        return self._people[person_id]

    def account(self, account_id: int | None) -> str | None:
        if account_id is None:
            return None
        return YOU if account_id in self.subject.account_ids else SOMEONE

    def actor(self, actor: str | None) -> str | None:
        if actor is None or actor == "system":
            return actor
        return YOU if actor in self.subject.actors else SOMEONE


def _is_directory_ref(ref: str) -> bool:
    return ref.split(":", 1)[0] in ("org", "person", "course", "funding", "need")


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def plain(row: Any, *, skip: Iterable[str] = (), **overrides: Any) -> dict[str, Any]:
    """A row as a JSON-ready dict of its columns (``overrides`` replace values, ``skip`` drops columns)."""
    skipped = set(skip)
    out = {c.key: _value(getattr(row, c.key)) for c in row.__table__.columns if c.key not in skipped}
    out.update({k: _value(v) for k, v in overrides.items()})
    return out


def account_filter(model: Any, subject: Subject) -> Any:
    """Rows of an account-keyed table (questions, saved, feedback) that belong to the subject."""
    clauses = []
    if subject.person_id is not None:
        clauses.append(model.person_id == subject.person_id)
    if subject.triples:
        clauses.append(tuple_(model.platform, model.workspace_id, model.user_id).in_(list(subject.triples)))
    return or_(*clauses) if clauses else model.id.is_(None)


def id_list(values: Iterable[int]) -> list[int]:
    return list(values) or [-1]


Exporter = Callable[[Session, Subject, Redactor], list[dict[str, Any]]]


def _people(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    person = s.get(Person, subj.person_id) if subj.person_id is not None else None
    return [plain(person)] if person is not None else []


def _organizations(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    org = s.get(Organization, subj.org_id) if subj.is_contact and subj.org_id is not None else None
    return [plain(org)] if org is not None else []


def _accounts(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(PlatformAccount).where(PlatformAccount.id.in_(id_list(subj.account_ids))))
    return [plain(a, person_id=r.person(a.person_id)) for a in rows]


def _needs(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(Need).where(Need.id.in_(id_list(subj.need_ids))).order_by(Need.id))
    return [plain(n, person_id=YOU) for n in rows]


def _questions(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(Question).where(account_filter(Question, subj)).order_by(Question.created_at))
    return [plain(q, person_id=r.person(q.person_id), result_refs=[r.ref(x) for x in q.result_refs or []])
            for q in rows]


def _saved(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(SavedMatch).where(account_filter(SavedMatch, subj)).order_by(SavedMatch.id))
    out = []
    for m in rows:
        ref = r.ref(m.ref)
        out.append(plain(m, person_id=r.person(m.person_id), ref=ref, title=m.title if ref == m.ref else HIDDEN_REF))
    return out


def _feedback(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(MatchFeedback).where(account_filter(MatchFeedback, subj)).order_by(MatchFeedback.id))
    return [plain(f, person_id=r.person(f.person_id), ref=r.ref(f.ref)) for f in rows]


def introductions_of(s: Session, subj: Subject) -> list[Introduction]:
    pid, accounts = subj.person_id or -1, id_list(subj.account_ids)
    stmt = select(Introduction).where(
        or_(Introduction.a_person_id == pid, Introduction.b_person_id == pid,
            Introduction.a_account_id.in_(accounts), Introduction.b_account_id.in_(accounts))
    )
    return list(s.scalars(stmt.order_by(Introduction.id)))


def _introductions(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    out = []
    for i in introductions_of(s, subj):
        both = i.state == ACCEPTED  # both sides agreed to be introduced: each may see the other
        ref = (lambda x: x) if both else r.ref
        out.append(plain(
            i, a_person_id=YOU if i.a_person_id == subj.person_id else (i.a_ref if both else r.person(i.a_person_id)),
            b_person_id=YOU if i.b_person_id == subj.person_id else (i.b_ref if both else r.person(i.b_person_id)),
            a_account_id=r.account(i.a_account_id), b_account_id=r.account(i.b_account_id),
            a_ref=ref(i.a_ref), b_ref=ref(i.b_ref), target_ref=ref(i.target_ref),
            created_by=r.actor(i.created_by), decided_by=r.actor(i.decided_by), open_key=None,
        ))
    return out


def _intro_events(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    ids = id_list(i.id for i in introductions_of(s, subj))
    stmt = select(IntroEvent).where(or_(IntroEvent.introduction_id.in_(ids), IntroEvent.actor.in_(list(subj.actors))))
    return [plain(e, actor=r.actor(e.actor)) for e in s.scalars(stmt.order_by(IntroEvent.id))]


def _outcomes(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(IntroOutcome).where(IntroOutcome.person_id == (subj.person_id or -1)))
    return [plain(o, person_id=YOU) for o in rows]


def _intro_prefs(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(IntroPreference).where(IntroPreference.person_id == (subj.person_id or -1)))
    return [plain(p, person_id=YOU) for p in rows]


def _pair_rules(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    pid = subj.person_id or -1
    mine = or_(IntroPairRule.person_low == pid, IntroPairRule.person_high == pid)
    rows = s.scalars(select(IntroPairRule).where(mine))
    return [plain(x, person_low=r.person(x.person_low), person_high=r.person(x.person_high),
                  created_by=r.actor(x.created_by)) for x in rows]


def _suggestions(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    pid = subj.person_id or -1
    rows = s.scalars(select(IntroSuggestion).where(
        or_(IntroSuggestion.a_person_id == pid, IntroSuggestion.b_person_id == pid)).order_by(IntroSuggestion.id))
    return [plain(x, a_person_id=r.person(x.a_person_id), b_person_id=r.person(x.b_person_id), a_ref=r.ref(x.a_ref),
                  b_ref=r.ref(x.b_ref), acted_by=r.actor(x.acted_by), skip=("message_ref",)) for x in rows]


def _digest_prefs(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(DigestPreference).where(DigestPreference.account_id.in_(id_list(subj.account_ids))))
    return [plain(p, account_id=YOU) for p in rows]


def _deliveries(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(DigestDelivery).where(DigestDelivery.account_id.in_(id_list(subj.account_ids)))
                     .order_by(DigestDelivery.id))
    # The composed payload repeats other members' text as it was then; the items it held are in digest_items.
    return [plain(d, account_id=YOU, skip=("payload", "lease_owner", "lease_expires_at", "in_flight")) for d in rows]


def _digest_items(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    mine = DigestItem.account_id.in_(id_list(subj.account_ids))
    rows = s.scalars(select(DigestItem).where(mine).order_by(DigestItem.id))
    return [plain(i, account_id=YOU, ref=r.ref(i.ref)) for i in rows]


def _join_requests(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(JoinRequest).where(JoinRequest.account_id.in_(id_list(subj.account_ids))))
    return [plain(j, account_id=YOU) for j in rows]


def _proposals(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    rows = s.scalars(select(OrgTextProposal).where(OrgTextProposal.person_id == (subj.person_id or -1)))
    return [plain(p, person_id=YOU) for p in rows]


def _audit(s: Session, subj: Subject, r: Redactor) -> list[dict[str, Any]]:
    about = list(subj.refs | subj.actors) or ["-"]
    stmt = select(AuditEntry).where(or_(AuditEntry.target.in_(about), AuditEntry.actor.in_(about)))
    return [plain(e, actor=r.actor(e.actor)) for e in s.scalars(stmt.order_by(AuditEntry.id))]


#: Table name -> exporter. Every table holding member data must be here (tests check the foreign keys).
EXPORTERS: dict[str, Exporter] = {
    "people": _people,
    "organizations": _organizations,
    "platform_accounts": _accounts,
    "needs": _needs,
    "questions": _questions,
    "saved_matches": _saved,
    "match_feedback": _feedback,
    "introductions": _introductions,
    "intro_events": _intro_events,
    "intro_outcomes": _outcomes,
    "intro_preferences": _intro_prefs,
    "intro_pair_rules": _pair_rules,
    "intro_suggestions": _suggestions,
    "digest_preferences": _digest_prefs,
    "digest_deliveries": _deliveries,
    "digest_items": _digest_items,
    "join_requests": _join_requests,
    "org_text_proposals": _proposals,
    "audit_log": _audit,
}


def export_subject(session: Session, subject: Subject, *, now: datetime) -> dict[str, Any]:
    """The member's data: ``{"format", "generated_at", "subject", "counts", "tables": {table: [rows]}}``."""
    redactor = Redactor(session, subject)
    tables = {name: exporter(session, subject, redactor) for name, exporter in EXPORTERS.items()}
    return {
        "format": FORMAT,
        "generated_at": now.isoformat(),
        "subject": {
            "requested": subject.requested,
            "person": subject.person_ref,
            "chat_accounts": sorted(actor_of(*t) for t in subject.triples),
        },
        "counts": {name: len(rows) for name, rows in tables.items()},
        "tables": tables,
    }
