"""The ecosystem map: organisations by sector × province, and who was introduced to whom.

Both are SQL aggregates: the sector list of each organisation is unnested by the database (``json_each`` on
SQLite, ``jsonb_array_elements_text`` on PostgreSQL) and counted per province; introductions are counted per
pair of organisations (a person without an organisation stands for themselves). Hidden members are left out,
and so are introductions made through an anonymous need: the map must not reveal who posted it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from models.directory import PROVINCES, Need, Organization, Person
from models.intros import ACCEPTED, Introduction

MAX_SECTORS = 16
MAX_NODES = 120


@dataclass
class Heatmap:
    sectors: list[str]
    provinces: list[str]
    counts: list[list[int]]  # [sector][province]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))


@dataclass
class Network:
    nodes: list[dict[str, object]]  # id, name, kind, degree
    edges: list[tuple[int, int, int]]  # node index, node index, introductions
    positions: list[tuple[float, float]] = field(default_factory=list)


def sector_heatmap(session: Session) -> Heatmap:
    """Organisations per sector and province (an organisation counts once in each of its sectors)."""
    org = Organization
    if session.get_bind().dialect.name == "postgresql":
        sector = func.jsonb_array_elements_text(org.sectors).table_valued("value")
    else:
        sector = func.json_each(org.sectors).table_valued("value")
    province = func.coalesce(org.province, "?")
    stmt = (select(sector.c.value, province, func.count()).select_from(org).join(sector, true())
            .where(org.visibility != "hidden").group_by(sector.c.value, province))
    cells: dict[tuple[str, str], int] = {(str(s), str(p)): int(n) for s, p, n in session.execute(stmt)}
    totals: dict[str, int] = {}
    for (s, _), n in cells.items():
        totals[s] = totals.get(s, 0) + n
    sectors = sorted(totals, key=lambda s: (-totals[s], s))[:MAX_SECTORS]
    provinces = [p for p in (*PROVINCES, "?") if any((s, p) in cells for s in sectors)]
    return Heatmap(sectors, provinces, [[cells.get((s, p), 0) for p in provinces] for s in sectors])


def introduction_network(session: Session) -> Network:
    """Accepted introductions as a graph of organisations (nodes coloured by kind in the chart)."""
    pa, pb = aliased(Person), aliased(Person)
    oa, ob = aliased(Organization), aliased(Organization)
    i = Introduction
    anonymous = select(literal("need:") + Need.external_id).where(Need.anonymous.is_(True))

    def visible(p: type[Person], o: type[Organization]) -> ColumnElement[bool]:
        return and_(p.visibility != "hidden", or_(o.id.is_(None), o.visibility != "hidden"))

    a_node, b_node = func.coalesce(oa.id, -pa.id), func.coalesce(ob.id, -pb.id)  # organisation, else the person
    stmt = (select(a_node, b_node, func.count(i.id)).select_from(i)
            .join(pa, pa.id == i.a_person_id).join(pb, pb.id == i.b_person_id)
            .outerjoin(oa, oa.id == pa.organization_id).outerjoin(ob, ob.id == pb.organization_id)
            .where(i.state == ACCEPTED, i.target_ref.not_in(anonymous), visible(pa, oa), visible(pb, ob))
            .group_by(a_node, b_node))
    pairs: dict[tuple[int, int], int] = {}
    for a, b, n in session.execute(stmt):
        if a == b:
            continue
        k = (min(a, b), max(a, b))
        pairs[k] = pairs.get(k, 0) + int(n)
    degree: dict[int, int] = {}
    for (a, b), n in pairs.items():
        degree[a] = degree.get(a, 0) + n
        degree[b] = degree.get(b, 0) + n
    keep = sorted(degree, key=lambda k: (-degree[k], k))[:MAX_NODES]
    org_ids = [k for k in keep if k > 0]
    person_ids = [-k for k in keep if k < 0]
    meta: dict[int, tuple[str, str]] = {}
    for oid, name, kind in session.execute(select(Organization.id, Organization.name, Organization.kind)
                                           .where(Organization.id.in_(org_ids or [-1]))):
        meta[oid] = (name, kind)
    for pid, name, role in session.execute(select(Person.id, Person.name, Person.role)
                                           .where(Person.id.in_(person_ids or [-1]))):
        meta[-pid] = (name, "researcher" if role == "researcher" else "person")
    index = {k: n for n, k in enumerate(keep)}
    nodes: list[dict[str, object]] = [{"id": k, "name": meta.get(k, ("?", "unknown"))[0],
                                       "kind": meta.get(k, ("?", "unknown"))[1], "degree": degree[k]} for k in keep]
    edges = [(index[a], index[b], n) for (a, b), n in sorted(pairs.items()) if a in index and b in index]
    return Network(nodes, edges, layout(len(nodes), [(a, b) for a, b, _ in edges]))


def layout(n: int, edges: list[tuple[int, int]], *, iterations: int = 120, seed: int = 7) -> list[tuple[float, float]]:
    """Fruchterman-Reingold force layout in [0, 1]²: linked nodes pull together, all nodes push apart."""
    if n == 0:
        return []
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / np.sqrt(n)
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    temperature = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = (delta / dist[..., None] * (k * k / dist)[..., None]).sum(axis=1)
        if e.size:
            d = pos[e[:, 0]] - pos[e[:, 1]]
            dl = np.maximum(np.linalg.norm(d, axis=1), 1e-3)
            pull = d * (dl / k)[:, None]
            np.add.at(force, e[:, 0], -pull)
            np.add.at(force, e[:, 1], pull)
        force -= (pos - pos.mean(axis=0)) * (n * k)  # gravity: separate groups stay in view
        length = np.maximum(np.linalg.norm(force, axis=1), 1e-9)
        pos += force / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature *= 0.97
    span = np.maximum(pos.max(axis=0) - pos.min(axis=0), 1e-9)
    pos = (pos - pos.min(axis=0)) / span
    return [(float(x), float(y)) for x, y in pos]
