"""The funnel: questions → suggestions shown → saved / introduction requested → accepted → met → NDA / proposal /
project, overall and by week, kind, province and funding stream, each figure one SQL ``GROUP BY``.

Where each step is recorded: ``questions`` (every question and "more like this"), ``shown_suggestions`` (each
item an answer showed, with its kind and province then), ``saved_matches``, ``introductions`` and
``intro_outcomes``. Questions, shown and saved items count in the week they happened; an introduction counts in
the week it was requested, with how far it got since (as ``clustermatch report intros`` counts them). By kind
and province: of the item shown or saved, and of the person asked for introductions (side B). By funding
stream: the answers that offered the stream, and the introductions requested from those answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from models.activity import Question, SavedMatch, ShownSuggestion
from models.directory import FundingStream
from models.intros import ACCEPTED, AWAITING_STAFF, CANCELLED, DECLINED, EXPIRED, PENDING, Introduction, IntroOutcome

STAGES = ("questions", "shown", "saved", "requested", "accepted", "met", "nda", "proposal", "project")
LABELS = {"questions": "Questions", "shown": "Suggestions shown", "saved": "Saved",
          "requested": "Introductions requested", "accepted": "Accepted", "met": "Met", "nda": "NDA",
          "proposal": "Proposal", "project": "Project"}
#: The step each stage's drop-off is measured from.
PREVIOUS = {"saved": "shown", "requested": "shown", "accepted": "requested", "met": "accepted", "nda": "met",
            "proposal": "met", "project": "met"}
DIMENSIONS = ("week", "kind", "province", "funding")
#: Introduction figures as ``clustermatch report intros`` names them (``project_started`` is ``project``).
INTRO_FIGURES = ("requested", "accepted", "declined", "expired", "cancelled", "open", "met", "project_started")
UNKNOWN = "unknown"

Counts = dict[str, int]


@dataclass
class Funnel:
    """Stage counts overall (``total``) and per dimension value (``by[dimension][value][stage]``)."""

    total: Counts
    by: dict[str, dict[str, Counts]]
    intros: dict[str, Any]  # as ``Outcomes.report``: "total" -> figures; "by_kind" etc. -> value -> figures
    since: datetime | None = None
    until: datetime | None = None
    funding_names: dict[str, str] = field(default_factory=dict)

    def drop_off(self, counts: Counts) -> dict[str, float | None]:
        """Share lost since the previous step, per stage (None where the previous step is zero)."""
        out: dict[str, float | None] = {}
        for stage, prev in PREVIOUS.items():
            before = counts.get(prev, 0)
            out[stage] = None if before <= 0 else max(0.0, 1.0 - counts.get(stage, 0) / before)
        return out

    def rows(self, dimension: str) -> list[tuple[str, Counts]]:
        """``(label, counts)`` per value of ``dimension``, weeks in order, others by most questions first."""
        values = self.by.get(dimension, {})
        if dimension == "week":
            return sorted(values.items())
        ordered = sorted(values.items(), key=lambda kv: (-kv[1].get("shown", 0), -kv[1].get("requested", 0), kv[0]))
        names = self.funding_names if dimension == "funding" else {}
        return [(names.get(v, v), c) for v, c in ordered]


def week_of(session: Session, column: Any) -> ColumnElement[str]:
    """The Monday (``YYYY-MM-DD``, UTC) of the week ``column`` falls in, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.date(column, "weekday 0", "-6 days")


def _period(column: Any, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column < until)
    return where


def _grouped(session: Session, stmt: Any) -> dict[str, int]:
    return {str(k if k is not None else UNKNOWN): int(n or 0) for k, n in session.execute(stmt)}


def compute(session: Session, *, since: datetime | None = None, until: datetime | None = None) -> Funnel:
    """Every figure of the funnel for ``[since, until)`` (None: unbounded)."""
    by: dict[str, dict[str, Counts]] = {d: defaultdict(lambda: dict.fromkeys(STAGES, 0)) for d in DIMENSIONS}

    def put(dimension: str, stage: str, values: dict[str, int]) -> None:
        for value, n in values.items():
            by[dimension][value][stage] += n

    q, s, sv = Question, ShownSuggestion, SavedMatch
    shown_period = _period(s.created_at, since, until)
    funding = s.kind == "funding_stream"
    # questions: every one by week; by kind / province / stream, the questions whose answer showed one
    q_week = week_of(session, q.created_at)
    put("week", "questions", _grouped(session, select(q_week, func.count())
                                      .where(*_period(q.created_at, since, until)).group_by(q_week)))
    distinct_q = func.count(func.distinct(s.question_id))
    put("kind", "questions", _grouped(session, select(s.kind, distinct_q).where(*shown_period).group_by(s.kind)))
    put("province", "questions", _grouped(session, select(s.province, distinct_q).where(*shown_period)
                                          .group_by(s.province)))
    # suggestions shown: one scan for week x kind x province (at most a few thousand groups), one for streams
    s_week = week_of(session, s.created_at)
    cube = session.execute(select(s_week, s.kind, s.province, func.count()).where(*shown_period)
                           .group_by(s_week, s.kind, s.province))
    for week, kind, province, n in cube:
        for dim, value in (("week", week), ("kind", kind), ("province", province)):
            by[dim][str(value if value is not None else UNKNOWN)]["shown"] += int(n)
    for ref, n, asked in session.execute(select(s.ref, func.count(), distinct_q).where(funding, *shown_period)
                                         .group_by(s.ref)):
        by["funding"][ref]["shown"] += int(n)
        by["funding"][ref]["questions"] += int(asked)
    # saved: kind and province of the item as the answer showed it
    joined = select().select_from(sv).outerjoin(s, and_(s.question_id == sv.query_id, s.ref == sv.ref))
    saved_period = _period(sv.created_at, since, until)
    sv_week = week_of(session, sv.created_at)
    for week, kind, province, n in session.execute(joined.add_columns(sv_week, s.kind, s.province, func.count(sv.id))
                                                   .where(*saved_period).group_by(sv_week, s.kind, s.province)):
        for dim, value in (("week", week), ("kind", kind), ("province", province)):
            by[dim][str(value if value is not None else UNKNOWN)]["saved"] += int(n)
    put("funding", "saved", _grouped(session, select(sv.ref, func.count()).where(
        sv.ref.like("funding:%"), *saved_period).group_by(sv.ref)))
    # introductions and what came of them
    intro_stats = _intro_figures(session, since, until)
    for dim, key in (("week", "by_week"), ("kind", "by_kind"), ("province", "by_province"), ("funding", "by_funding")):
        for value, figures in intro_stats[key].items():
            for stage in ("requested", "accepted", "met", "nda", "proposal", "project"):
                by[dim][value][stage] += figures[stage]
    total = dict.fromkeys(STAGES, 0)
    for counts in by["week"].values():
        for stage, n in counts.items():
            total[stage] += n
    names = {f"funding:{ext}": name for ext, name in session.execute(select(FundingStream.external_id,
                                                                            FundingStream.name))}
    intros: dict[str, Any] = {key: {v: _as_report(c) for v, c in intro_stats[key].items()}
                              for key in ("by_kind", "by_province", "by_origin")}
    intros["total"] = _as_report(intro_stats["total"])
    return Funnel(total=total, by={d: dict(v) for d, v in by.items()}, intros=intros, since=since, until=until,
                  funding_names=names)


def _as_report(counts: Counts) -> Counts:
    return {f: counts["project" if f == "project_started" else f] for f in INTRO_FIGURES}


def _intro_figures(session: Session, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Introductions requested in the period and how far each got, grouped by week, kind, province, origin and
    the funding stream shown in the answer they came from; one aggregate query per grouping."""
    o = IntroOutcome
    flags = (
        select(o.introduction_id.label("iid"),
               func.max(case((o.met.is_(True), 1), else_=0)).label("met"),
               func.max(case((o.stage == "nda", 1), else_=0)).label("nda"),
               func.max(case((o.stage == "proposal", 1), else_=0)).label("proposal"),
               func.max(case((o.stage == "project", 1), else_=0)).label("project"))
        .group_by(o.introduction_id).subquery()
    )
    i = Introduction

    def state(*states: str) -> Any:
        return func.coalesce(func.sum(case((i.state.in_(states), 1), else_=0)), 0)

    figures = (func.count(i.id), state(ACCEPTED), state(DECLINED), state(EXPIRED), state(CANCELLED),
               state(PENDING, AWAITING_STAFF), func.coalesce(func.sum(flags.c.met), 0),
               func.coalesce(func.sum(flags.c.nda), 0), func.coalesce(func.sum(flags.c.proposal), 0),
               func.coalesce(func.sum(flags.c.project), 0))
    names = ("requested", "accepted", "declined", "expired", "cancelled", "open", "met", "nda", "proposal", "project")
    base = select().select_from(i).outerjoin(flags, flags.c.iid == i.id).where(*_period(i.created_at, since, until))

    def grouped(col: Any, stmt: Any = base) -> dict[str, Counts]:
        rows = session.execute(stmt.add_columns(col, *figures).group_by(col))
        return {str(r[0] if r[0] is not None else UNKNOWN): dict(zip(names, map(int, r[1:]), strict=True))
                for r in rows}

    shown = ShownSuggestion
    from_funding = base.join(shown, and_(shown.question_id == i.query_id, shown.kind == "funding_stream"))
    total_row = session.execute(base.add_columns(*figures)).one()
    return {
        "total": dict(zip(names, map(int, total_row), strict=True)),
        "by_week": grouped(week_of(session, i.created_at)),
        "by_kind": grouped(i.b_kind),
        "by_province": grouped(i.b_province),
        "by_origin": grouped(i.origin),
        "by_funding": grouped(shown.ref, from_funding),
    }
