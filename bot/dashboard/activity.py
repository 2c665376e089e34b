"""Synthetic member activity on a directory, so the dashboard has something to show (screenshots, browser
test, benchmark): chat accounts, questions with the suggestions they showed, saves, introductions in every
state with follow-up answers, and this week's staff-suggested introductions. Fixed seed, bulk inserts.

Questions are the directory's own needs reworded, plus a few topics nothing in the demo covers well, so the
gaps page has real gaps. Rows are written the way the bot writes them (same tables, same columns).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from models.activity import Question, SavedMatch, ShownSuggestion
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.intros import (
    ACCEPTED,
    AWAITING_STAFF,
    DECLINED,
    EXPIRED,
    PENDING,
    IntroBatch,
    Introduction,
    IntroOutcome,
    IntroSuggestion,
    pair_key,
)

WORKSPACE = "TDEMO"
STAFF_USER = "UDEMOSTAFF"
UNSERVED = (
    "cryogenic machining of titanium aerospace brackets",
    "hydrogen embrittlement testing of high strength fasteners",
    "woven textile preforms for composite pressure vessels",
    "we need a partner for lithium recycling of black mass",
    "who can certify food grade conveyor lubricants",
    "glass bottle forming mould coatings",
    "help with shipbuilding hull plate straightening",
    "supplier qualification for nuclear grade valves",
)
PHRASES = ("we need help with {}", "who can help us with {}", "looking for expertise in {}", "{}",
           "is there funding for {}", "researchers working on {}")
STATES = ((ACCEPTED, 0.45), (DECLINED, 0.12), (EXPIRED, 0.13), (PENDING, 0.22), (AWAITING_STAFF, 0.08))


def _pool(s: Session) -> list[tuple[str, str, str | None, int | None]]:
    """Every item a question can show: (ref, kind, province, person to ask or None)."""
    contact: dict[int | None, int] = {}
    for pid, oid in s.execute(select(Person.id, Person.organization_id).where(Person.organization_id.is_not(None))
                              .order_by(Person.id)):
        contact.setdefault(oid, pid)
    out: list[tuple[str, str, str | None, int | None]] = []
    for oid, ext, kind, prov in s.execute(select(Organization.id, Organization.external_id, Organization.kind,
                                                 Organization.province).where(Organization.visibility != "hidden")):
        out.append((f"org:{ext}", kind, prov, contact.get(oid)))
    for pid, ext, role, prov in s.execute(select(Person.id, Person.external_id, Person.role, Person.province)
                                          .where(Person.role != "staff", Person.visibility != "hidden")):
        out.append((f"person:{ext}", "researcher" if role == "researcher" else "person", prov, pid))
    out += [(f"course:{e}", "course", p, None) for e, p in s.execute(select(Course.external_id, Course.province))]
    out += [(f"funding:{e}", "funding_stream", None, None) for (e,) in s.execute(select(FundingStream.external_id))]
    return out


def generate(sessions: sessionmaker[Session], *, questions: int = 1500, shown_per_question: int = 8,
             weeks: int = 12, seed: int = 11, now: datetime | None = None) -> dict[str, int]:
    """Write the activity; returns how many rows of each kind. Safe on any directory with people in it."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    counts: dict[str, int] = {}
    with sessions.begin() as s:
        pool = _pool(s)
        people = [pid for (pid,) in s.execute(select(Person.id).where(Person.role != "staff").order_by(Person.id))]
        if not pool or len(people) < 2:
            return counts
        topics = [t for (t,) in s.execute(select(Need.title))] or [p[0] for p in pool[:20]]
        texts = [rng.choice(PHRASES).format(t[0].lower() + t[1:]) for t in topics for _ in range(2)]
        texts += [rng.choice(PHRASES).format(t) for t in UNSERVED]
        known = set(s.scalars(select(PlatformAccount.person_id).where(PlatformAccount.person_id.is_not(None))))
        accounts = [dict(person_id=p, platform="slack", workspace_id=WORKSPACE, user_id=f"UDEMO{p:06d}",
                         display_name=f"Member {p}") for p in people if p not in known]
        if accounts:
            s.execute(insert(PlatformAccount), accounts)
        if not s.scalar(select(PlatformAccount.id).where(PlatformAccount.user_id == STAFF_USER)):
            s.add(PlatformAccount(platform="slack", workspace_id=WORKSPACE, user_id=STAFF_USER,
                                  display_name="Demo Staff", is_staff=True))
        users = {p: f"UDEMO{p:06d}" for p in people}
        ext = dict(s.execute(select(Person.id, Person.external_id)).tuples().all())
        q_rows, shown_rows, saved_rows, intro_rows = [], [], [], []
        saved_keys: set[tuple[str, str]] = set()
        weights = [1.0 / (1 + i) ** 0.8 for i in range(len(texts))]  # some questions come up far more often
        span = timedelta(weeks=weeks).total_seconds()
        for _ in range(questions):
            asker = rng.choice(people)
            at = now - timedelta(seconds=rng.random() * span)
            qid = uuid.uuid4().hex
            picked = rng.sample(pool, min(shown_per_question, len(pool)))
            q_rows.append(dict(id=qid, platform="slack", workspace_id=WORKSPACE, user_id=users[asker],
                               person_id=asker, intent="search", text=rng.choices(texts, weights)[0], kinds=[],
                               filters={}, result_refs=[p[0] for p in picked], created_at=at))
            for pos, (ref, kind, prov, _) in enumerate(picked):
                shown_rows.append(dict(question_id=qid, position=pos, ref=ref, kind=kind, province=prov,
                                       score=round(1.0 - pos * 0.1, 2), created_at=at))
                if rng.random() < 0.05 and (users[asker], ref) not in saved_keys:
                    saved_keys.add((users[asker], ref))
                    saved_rows.append(dict(platform="slack", workspace_id=WORKSPACE, user_id=users[asker],
                                           person_id=asker, ref=ref, title=ref, query_id=qid,
                                           created_at=at + timedelta(minutes=2)))
            target = next((p for p in picked if p[3] is not None and p[3] != asker), None)
            if target is not None and rng.random() < 0.12:
                intro_rows.append(_intro(rng, asker, f"person:{ext[asker]}", target, qid, at))
        _bulk(s, Question, q_rows, counts, "questions")
        _bulk(s, ShownSuggestion, shown_rows, counts, "shown")
        _bulk(s, SavedMatch, saved_rows, counts, "saved")
        _store_intros(s, rng, intro_rows, counts)
        _suggestions(s, rng, people, now, counts)
    return counts


def _intro(rng: random.Random, asker: int, asker_ref: str, target: tuple[str, str, str | None, int | None],
           qid: str, at: datetime) -> dict[str, Any]:
    ref, kind, prov, person = target
    state = rng.choices([st for st, _ in STATES], [w for _, w in STATES])[0]
    created = at + timedelta(minutes=5)
    return dict(origin="member", state=state, a_person_id=asker, b_person_id=person, target_ref=ref,
                a_ref=asker_ref, b_ref=ref, a_kind="person", b_kind=kind, b_province=prov,
                reason="", reason_back="", shared_terms=[], query_id=qid, created_by=f"slack:{WORKSPACE}:x",
                created_at=created, expires_at=created + timedelta(days=14),
                accepted_at=created + timedelta(days=rng.randint(1, 4)) if state == ACCEPTED else None,
                closed_at=created + timedelta(days=14) if state in (DECLINED, EXPIRED) else None)


def _bulk(s: Session, model: Any, rows: list[dict[str, Any]], counts: dict[str, int], name: str) -> None:
    for start in range(0, len(rows), 5000):
        s.execute(insert(model), rows[start:start + 5000])
    counts[name] = len(rows)


def _store_intros(s: Session, rng: random.Random, rows: list[dict[str, Any]], counts: dict[str, int]) -> None:
    open_pairs: set[str] = set()
    for row in rows:
        if row["state"] in (PENDING, AWAITING_STAFF):
            key = pair_key(row["a_person_id"], row["b_person_id"])
            if key in open_pairs:
                row["state"] = EXPIRED
            else:
                open_pairs.add(key)
                row["open_key"] = key
    _bulk(s, Introduction, rows, counts, "introductions")
    accepted = s.execute(select(Introduction.id, Introduction.a_person_id, Introduction.b_person_id,
                                Introduction.accepted_at).where(Introduction.state == ACCEPTED)).all()
    outcomes = []
    for iid, a, b, accepted_at in accepted:
        at = accepted_at or datetime.now(UTC)
        if rng.random() < 0.6:
            stage = rng.choices(["nda", "proposal", "project", "none"], [0.2, 0.15, 0.15, 0.5])[0]
            for pid in (a, b)[: rng.randint(1, 2)]:
                outcomes.append(dict(introduction_id=iid, person_id=pid, met=True, stage=stage,
                                     answered_at=at + timedelta(days=14)))
        elif rng.random() < 0.5:
            outcomes.append(dict(introduction_id=iid, person_id=a, met=False, stage=None,
                                 answered_at=at + timedelta(days=14)))
    _bulk(s, IntroOutcome, outcomes, counts, "outcomes")


def _suggestions(s: Session, rng: random.Random, people: list[int], now: datetime, counts: dict[str, int]) -> None:
    """This week's batch: a dozen pairs waiting for staff, two already decided."""
    linked = [p for p in people if p in set(s.scalars(select(PlatformAccount.person_id)))]
    if len(linked) < 4:
        return
    batch = IntroBatch(created_by="system", created_at=now - timedelta(days=1), capacity=2, threshold=0.3,
                       mode="coverage", n_members=len(linked), n_pairs=14, coverage=0.82, worst_off_best_score=0.34,
                       status="optimal", seconds=1.2, figures={"solver": "highs"})
    s.add(batch)
    s.flush()
    names = dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(linked))).tuples().all())
    ext = dict(s.execute(select(Person.id, Person.external_id).where(Person.id.in_(linked))).tuples().all())
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(14, len(linked) // 2):
        a, b = rng.sample(linked, 2)
        pairs.add((min(a, b), max(a, b)))
    for n, (a, b) in enumerate(sorted(pairs)):
        state = "approved" if n == 0 else "skipped" if n == 1 else "proposed"
        s.add(IntroSuggestion(batch_id=batch.id, a_person_id=a, b_person_id=b, a_ref=f"person:{ext[a]}",
                              b_ref=f"person:{ext[b]}", score=round(0.9 - n * 0.03, 3), state=state,
                              why_a=f"{names.get(b, 'They')} offer what {names.get(a, 'this member')} looks for.",
                              why_b=f"{names.get(a, 'They')} offer what {names.get(b, 'this member')} looks for.",
                              acted_by=f"slack:{WORKSPACE}:{STAFF_USER}" if state != "proposed" else None,
                              acted_at=now if state != "proposed" else None))
    counts["suggestions"] = len(pairs)
