"""``container.dashboard``: the dashboard's figures, charts, CSV files, links and chat images in one place.

Pages (``bot.dashboard.pages``), ``/match stats`` and ``/match dashboard`` in Slack and Teams, and the staff
digest all ask this service, so a figure is computed one way wherever it is shown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.ask.feedback import ActivityRepository
from bot.core.directory.catalog import Catalog
from bot.core.texts import KIND_LABELS
from bot.dashboard import charts, ecosystem, funnel
from bot.dashboard.auth import DashboardAuth
from bot.dashboard.gaps import GapCache, Gaps
from matching.embeddings import Embedder

DEFAULT_WEEKS = 12
CHAT_WEEKS = 4
PNG_CACHE = 64
#: Funnel figures are reused for this long: its dozen aggregates over every event take ~0.7 s at 100k events,
#: and a page with its four charts asks for them five times.
FUNNEL_SECONDS = 60.0


@dataclass(frozen=True)
class ChartImage:
    """A chart for a chat message: its name, title, alt text and the figures it is drawn from."""

    name: str
    title: str
    alt: str
    data: dict[str, Any]


def since_for(weeks: int | None, now: datetime | None = None) -> datetime | None:
    """The start of the period of the last ``weeks`` weeks (None or 0: all time)."""
    if not weeks:
        return None
    return (now or datetime.now(UTC)) - timedelta(weeks=weeks)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


class DashboardService:
    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session], catalog: Catalog, embedder: Embedder,
                 auth: DashboardAuth | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self._auth = auth
        self._auth_lock = threading.Lock()
        self.gap_cache = GapCache(sessions, catalog, embedder)
        self._png: OrderedDict[str, bytes] = OrderedDict()
        self._png_lock = threading.Lock()
        self._funnels: dict[int | None, tuple[float, funnel.Funnel]] = {}
        self._funnel_lock = threading.Lock()

    # ------------------------------------------------------------------ access
    @property
    def auth(self) -> DashboardAuth:
        """Built on first use, so commands that never make a link never warn about a missing secret."""
        with self._auth_lock:
            if self._auth is None:
                self._auth = DashboardAuth(self.settings)
            return self._auth

    def is_staff(self, platform: str, workspace_id: str, user_id: str) -> bool:
        """Staff per the directory (account flag or staff role); Slack adds its own sources before asking."""
        with self.sessions() as session:
            return ActivityRepository(session).identify(platform, workspace_id, user_id).is_staff

    def link_for(self, platform: str, workspace_id: str, user_id: str, name: str = "") -> str:
        """A short-lived dashboard link for a staff member (callers have checked they are staff)."""
        return self.auth.link(f"{platform}:{workspace_id}:{user_id}", name)

    # ------------------------------------------------------------------ figures
    def funnel(self, weeks: int | None = DEFAULT_WEEKS, *, now: datetime | None = None) -> funnel.Funnel:
        """The funnel of the last ``weeks`` weeks, at most ``FUNNEL_SECONDS`` old (``now`` given: fresh)."""
        with self._funnel_lock:  # one computation at a time: concurrent page and chart requests share it
            hit = self._funnels.get(weeks)
            if now is None and hit is not None and time.monotonic() - hit[0] < FUNNEL_SECONDS:
                return hit[1]
            with self.sessions() as session:
                result = funnel.compute(session, since=since_for(weeks, now))
            self._funnels[weeks] = (time.monotonic(), result)
            return result

    def invalidate(self) -> None:
        """Forget cached figures (after a staff action changed them)."""
        with self._funnel_lock:
            self._funnels.clear()

    def gaps(self, weeks: int | None = DEFAULT_WEEKS, *, build: bool = False) -> Gaps:
        return self.gap_cache.get(since_for(weeks), build=build)

    def heatmap(self) -> ecosystem.Heatmap:
        with self.sessions() as session:
            return ecosystem.sector_heatmap(session)

    def network(self) -> ecosystem.Network:
        with self.sessions() as session:
            return ecosystem.introduction_network(session)

    # ------------------------------------------------------------------ chart data
    def chart_data(self, name: str, weeks: int | None = DEFAULT_WEEKS, *, build: bool = False) -> dict[str, Any]:
        """The figures chart ``name`` is drawn from (also its CSV)."""
        if name in ("funnel", "weekly", "intros_kind", "intros_province"):
            return funnel_chart(name, self.funnel(weeks), weeks)
        if name == "heatmap":
            return {**asdict(self.heatmap()), "title": "Members by sector and province"}
        if name == "network":
            net = self.network()
            return {"nodes": net.nodes, "edges": [list(e) for e in net.edges],
                    "positions": [list(p) for p in net.positions], "title": "Introductions made (accepted)"}
        if name == "gaps":
            return gaps_chart(self.gaps(weeks, build=build), weeks)
        raise KeyError(name)

    def png(self, name: str, data: dict[str, Any], *, size: str = "page") -> bytes:
        """The chart's PNG, cached by its figures (the same numbers are never drawn twice)."""
        key = hashlib.sha256(json.dumps([name, size, data], sort_keys=True, default=str).encode()).hexdigest()
        with self._png_lock:
            if key in self._png:
                self._png.move_to_end(key)
                return self._png[key]
        image = charts.render(name, data, size=size)
        with self._png_lock:
            self._png[key] = image
            while len(self._png) > PNG_CACHE:
                self._png.popitem(last=False)
        return image

    def csv(self, name: str, weeks: int | None = DEFAULT_WEEKS) -> str:
        """The data behind chart ``name`` as CSV (the funnel's holds every dimension)."""
        out = io.StringIO()
        w = csv.writer(out)
        if name in ("funnel", "weekly", "intros_kind", "intros_province"):
            f = self.funnel(weeks)
            w.writerow(["dimension", "value", *funnel.STAGES, *(f"drop_off_{s}" for s in funnel.PREVIOUS)])
            groups: list[tuple[str, list[tuple[str, dict[str, int]]]]] = [("total", [("all", f.total)])]
            groups += [(d, f.rows(d)) for d in funnel.DIMENSIONS]
            for dimension, rows in groups:
                for value, counts in rows:
                    drops = f.drop_off(counts)
                    w.writerow([dimension, value, *(counts[s] for s in funnel.STAGES),
                                *("" if drops[s] is None else f"{drops[s]:.4f}" for s in funnel.PREVIOUS)])
        elif name == "heatmap":
            h = self.heatmap()
            w.writerow(["sector", *h.provinces])
            for sector, row in zip(h.sectors, h.counts, strict=True):
                w.writerow([sector, *row])
        elif name == "network":
            net = self.network()
            w.writerow(["organisation_a", "kind_a", "organisation_b", "kind_b", "introductions"])
            for a, b, n in net.edges:
                w.writerow([net.nodes[a]["name"], net.nodes[a]["kind"], net.nodes[b]["name"], net.nodes[b]["kind"], n])
        elif name == "gaps":
            w.writerow(["topic", "source", "text", "times_asked", "best_match", "posted_by", "best_providers"])
            for topic in self.gaps(weeks).topics:
                providers = "; ".join(f"{p.title} ({p.score:.2f})" for p in topic.providers)
                for item in topic.items:
                    w.writerow([topic.label, item.source, item.text, item.count, f"{item.best_score:.3f}", item.author,
                                providers])
        else:
            raise KeyError(name)
        return out.getvalue()

    # ------------------------------------------------------------------ chat
    def chat_charts(self, weeks: int = CHAT_WEEKS) -> list[ChartImage]:
        """The funnel and the gaps of the last ``weeks`` weeks, for ``/match stats`` and the staff digest."""
        out = []
        for name in ("funnel", "gaps"):
            data = self.chart_data(name, weeks, build=True)
            out.append(ChartImage(name, str(data["title"]), charts.alt_text(name, data), data))
        return out


def funnel_chart(name: str, f: funnel.Funnel, weeks: int | None) -> dict[str, Any]:
    period = f"last {weeks} weeks" if weeks else "all time"
    if name == "funnel":
        return {"title": f"Funnel, {period}", "stages": [[funnel.LABELS[s], f.total[s]] for s in funnel.STAGES]}
    if name == "weekly":
        rows = f.rows("week")
        series = ("questions", "shown", "saved", "requested", "accepted", "met")
        return {"title": f"By week, {period}", "weeks": [w for w, _ in rows],
                "series": {funnel.LABELS[s]: [c[s] for _, c in rows] for s in series}}
    dimension = "kind" if name == "intros_kind" else "province"
    rows = [r for r in f.rows(dimension) if r[1]["requested"]]
    rows.sort(key=lambda r: -r[1]["requested"])
    label = kind_label if dimension == "kind" else str
    return {"title": f"Introductions by {dimension} of the person asked, {period}",
            "series": ["requested", "accepted", "met", "project"],
            "rows": [[label(v), c["requested"], c["accepted"], c["met"], c["project"]] for v, c in rows]}


def gaps_chart(g: Gaps, weeks: int | None) -> dict[str, Any]:
    period = f"last {weeks} weeks" if weeks else "all time"
    return {"title": f"Gaps, {period}: questions and needs without a good match",
            "topics": [[t.label, t.asked, t.needs, round(t.mean_score, 3)] for t in g.topics]}
