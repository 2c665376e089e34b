"""What each dashboard page shows: a context for its Jinja2 template (autoescaped: member text is inert)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.core.directory.ranking import ranking_info
from bot.dashboard import board, charts, funnel
from bot.dashboard.service import DashboardService, funnel_chart, gaps_chart, kind_label

PAGES = (("funnel", "/dashboard", "Funnel"), ("ecosystem", "/dashboard/ecosystem", "Ecosystem"),
         ("gaps", "/dashboard/gaps", "Gaps"), ("suggestions", "/dashboard/suggestions", "Suggestions"))
PERIODS = ((4, "4 weeks"), (12, "12 weeks"), (52, "a year"), (0, "all time"))
DIMENSION_TITLES = {"week": "By week", "kind": "By kind", "province": "By province", "funding": "By funding stream"}

_env = Environment(loader=PackageLoader("bot.dashboard", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


_env.filters["pct"] = _pct
_env.filters["kind"] = kind_label


def render(template: str, **context: Any) -> str:
    return _env.get_template(template).render(pages=PAGES, periods=PERIODS, **context)


def chart(name: str, data: dict[str, Any], weeks: int | None) -> dict[str, str]:
    """What a template needs to show a chart: image URL, downloads, alt text."""
    query = f"?weeks={weeks or 0}"
    return {"name": name, "title": str(data.get("title") or name), "alt": charts.alt_text(name, data),
            "png": f"/dashboard/chart/{name}.png{query}", "csv": f"/dashboard/data/{name}.csv{query}"}


def funnel_page(service: DashboardService, weeks: int) -> dict[str, Any]:
    f = service.funnel(weeks)
    tables = []
    for dimension in funnel.DIMENSIONS:
        rows = f.rows(dimension)
        if dimension == "kind":
            rows = [(kind_label(v), c) for v, c in rows]
        tables.append({"title": DIMENSION_TITLES[dimension], "rows": [(v, c, f.drop_off(c)) for v, c in rows]})
    return {"page": "funnel", "weeks": weeks, "f": f, "stages": funnel.STAGES, "labels": funnel.LABELS,
            "previous": funnel.PREVIOUS, "drops": f.drop_off(f.total), "tables": tables,
            "intro_figures": funnel.INTRO_FIGURES,
            "charts": [chart(n, funnel_chart(n, f, weeks), weeks)
                       for n in ("funnel", "weekly", "intros_kind", "intros_province")]}


def ecosystem_page(service: DashboardService, weeks: int) -> dict[str, Any]:
    heat = service.heatmap()
    net = service.network()
    heat_data = {"sectors": heat.sectors, "provinces": heat.provinces, "counts": heat.counts}
    net_data = {"nodes": net.nodes, "edges": [list(e) for e in net.edges], "positions": net.positions}
    return {"page": "ecosystem", "weeks": weeks, "heat": heat, "net": net,
            "charts": [chart("heatmap", {**heat_data, "title": "Members by sector and province"}, weeks),
                       chart("network", {**net_data, "title": "Introductions made (accepted)"}, weeks)]}


def gaps_page(service: DashboardService, weeks: int) -> dict[str, Any]:
    g = service.gaps(weeks)
    return {"page": "gaps", "weeks": weeks, "g": g, "chart": chart("gaps", gaps_chart(g, weeks), weeks)}


def suggestions_page(service: DashboardService, weeks: int, *, csrf: str, message: str = "") -> dict[str, Any]:
    with service.sessions() as session:
        rows = board.week_suggestions(session, datetime.now(UTC))
    settings = service.settings
    ranking = ranking_info(settings.ranker, settings.ranker_path)
    return {"page": "suggestions", "weeks": weeks, "rows": rows, "csrf": csrf, "message": message,
            "waiting": sum(1 for r in rows if r.state == "proposed"), "ranking": ranking}
