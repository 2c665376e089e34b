"""Charts as PNG (matplotlib, Agg backend: no display, no network), drawn from small JSON-able figure dicts.

The same dicts feed the dashboard pages, the CSV downloads, chat messages (stored in the digest ledger) and
the signed image URLs of Teams cards, so a chart always shows the numbers next to it. Each chart has an alt
text that says the same figures in words. Figures are drawn one at a time under a lock (matplotlib's font and
text caches are shared state), with the object API, never pyplot's global figure.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

_lock = threading.Lock()
BLUE, GREY = "#2563eb", "#9ca3af"
KIND_COLOURS = {
    "manufacturer": "#2563eb", "technology_firm": "#16a34a", "research_institution": "#9333ea",
    "innovation_centre": "#ea580c", "service_provider": "#0891b2", "training_provider": "#ca8a04",
    "researcher": "#db2777", "person": "#6b7280", "unknown": "#111827",
}
SIZES = {"page": (9.0, 4.6), "chat": (7.0, 3.6)}
CHARTS = ("funnel", "weekly", "intros_kind", "intros_province", "heatmap", "network", "gaps")


def _figure(size: str, tall: float = 1.0) -> Figure:
    w, h = SIZES.get(size, SIZES["page"])
    fig = Figure(figsize=(w, h * tall), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _funnel(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    stages = data["stages"]
    labels = [s[0] for s in stages][::-1]
    values = [s[1] for s in stages][::-1]
    bars = ax.barh(labels, [max(v, 0.9) for v in values], color=BLUE)
    ax.set_xscale("log")
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width() * 1.05, bar.get_y() + bar.get_height() / 2, f"{v:,}", va="center", fontsize=9)
    ax.set_xlim(0.8, max([*values, 1]) * 4)
    ax.set_title(data.get("title") or "Funnel", loc="left", fontsize=11)
    ax.set_xlabel("count (log scale)")
    ax.spines[["top", "right"]].set_visible(False)


def _weekly(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    weeks = data["weeks"]
    for label, values in data["series"].items():
        ax.plot(weeks, [max(v, 0.9) for v in values], marker="o", markersize=3, label=label)
    ax.set_yscale("log")
    ax.set_title(data.get("title") or "By week", loc="left", fontsize=11)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8, ncols=3, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)


def _stacked(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    rows = data["rows"][:14][::-1]
    labels = [r[0] for r in rows]
    names = data.get("series", ["requested", "accepted", "met"])
    colours = ["#bfdbfe", "#60a5fa", "#1d4ed8", "#1e3a8a"]
    for k, name in enumerate(names):  # overlaid: each later stage is a subset of the earlier one
        ax.barh(labels, [r[1 + k] for r in rows], color=colours[k % 4], label=name, height=0.7 - 0.12 * k)
    ax.set_title(data.get("title") or "", loc="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _heatmap(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    counts = data["counts"] or [[0]]
    im = ax.imshow(counts, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(data["provinces"])), data["provinces"], fontsize=8)
    ax.set_yticks(range(len(data["sectors"])), data["sectors"], fontsize=8)
    top = max((max(r) for r in counts if r), default=0)
    for y, row in enumerate(counts):
        for x, v in enumerate(row):
            if v:
                ax.text(x, y, str(v), ha="center", va="center", fontsize=7,
                        color="white" if v > top * 0.6 else "#111827")
    fig.colorbar(im, ax=ax, shrink=0.8, label="organisations")
    ax.set_title(data.get("title") or "Members by sector and province", loc="left", fontsize=11)


def _network(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    nodes, positions = data["nodes"], data["positions"]
    for a, b, n in data["edges"]:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        ax.plot([x1, x2], [y1, y2], color=GREY, linewidth=0.6 + 0.6 * min(n, 5), zorder=1)
    seen: set[str] = set()
    for node, (x, y) in zip(nodes, positions, strict=True):
        kind = str(node["kind"])
        ax.scatter([x], [y], s=30 + 25 * min(int(node["degree"]), 10), color=KIND_COLOURS.get(kind, "#111827"),
                   zorder=2, label=kind.replace("_", " ") if kind not in seen else None, edgecolors="white")
        seen.add(kind)
    for node, (x, y) in list(zip(nodes, positions, strict=True))[:15]:  # the busiest nodes come first
        ax.annotate(str(node["name"])[:28], (x, y), xytext=(4, 4), textcoords="offset points", fontsize=7)
    if seen:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.text(0.5, 0.5, "No introductions made yet", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    ax.set_title(data.get("title") or "Introductions made", loc="left", fontsize=11)


def _gaps(fig: Figure, data: dict[str, Any]) -> None:
    ax = fig.subplots()
    topics = data["topics"][::-1]
    if not topics:
        ax.text(0.5, 0.5, "No gaps: every frequent question and open need has a good match", ha="center",
                va="center", transform=ax.transAxes, fontsize=9)
        ax.set_axis_off()
    else:
        labels = [str(t[0])[:40] for t in topics]
        ax.barh(labels, [t[1] for t in topics], color=BLUE, label="times asked")
        ax.barh(labels, [t[2] for t in topics], left=[t[1] for t in topics], color="#f97316", label="open needs")
        for y, t in enumerate(topics):
            ax.text(t[1] + t[2], y, f"  best match {t[3]:.2f}", va="center", fontsize=8)
        ax.set_xlim(0, max(t[1] + t[2] for t in topics) * 1.35 + 1)
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(data.get("title") or "Gaps: questions and needs without a good match", loc="left", fontsize=11)


DRAW: dict[str, tuple[Callable[[Figure, dict[str, Any]], None], float]] = {
    "funnel": (_funnel, 1.0), "weekly": (_weekly, 1.0), "intros_kind": (_stacked, 1.0),
    "intros_province": (_stacked, 1.0), "heatmap": (_heatmap, 1.3), "network": (_network, 1.5),
    "gaps": (_gaps, 1.0),
}


def render(name: str, data: dict[str, Any], *, size: str = "page") -> bytes:
    """The PNG of chart ``name`` drawn from ``data``."""
    draw, tall = DRAW[name]
    with _lock:
        fig = _figure(size, tall)
        draw(fig, data)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=100 if size == "page" else 80)
    return out.getvalue()


def alt_text(name: str, data: dict[str, Any]) -> str:
    """The chart's figures in one sentence, for screen readers and chat clients that show no images."""
    if name == "funnel":
        return "Funnel: " + ", ".join(f"{label} {count:,}" for label, count in data["stages"]) + "."
    if name == "gaps":
        if not data["topics"]:
            return "Gaps: no topic without a good match."
        return "Gaps by topic: " + "; ".join(f"{t[0]}: asked {t[1]} times, {t[2]} open needs, best match {t[3]:.2f}"
                                             for t in data["topics"]) + "."
    if name == "heatmap":
        return f"Organisations by sector and province: {sum(map(sum, data['counts'])):,} sector memberships."
    if name == "network":
        return f"Introductions made: {len(data['edges'])} pairs among {len(data['nodes'])} organisations."
    return str(data.get("title") or name)
