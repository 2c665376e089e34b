"""Screenshots of every dashboard page at 1280 px and at phone width (390 px), for a person to look at.

    .venv/bin/python scripts/dashboard_screenshots.py [--out var/screenshots] [--questions 1500] [--real-model]

Builds the demo directory plus generated activity in a fresh SQLite file under ``var/dashboard-demo/``, serves
the real web app on a free localhost port, signs in with a staff link and has headless Debian Chromium
(``/usr/bin/chromium``, through Playwright) save full-page PNGs: ``<out>/dashboard-<page>-<width>.png``.
``--real-model`` embeds with all-MiniLM-L6-v2 (realistic gaps; the first run indexes the demo, ~30 s) instead of
the hashing embedder.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.dashboard.demo_stack import Served, demo_container, local, staff_link  # noqa: E402
from tests.dashboard.browser import chromium  # noqa: E402

PAGES = {"funnel": "/dashboard", "ecosystem": "/dashboard/ecosystem", "gaps": "/dashboard/gaps",
         "suggestions": "/dashboard/suggestions"}
WIDTHS = (1280, 390)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--questions", type=int, default=1500)
    parser.add_argument("--real-model", action="store_true", help="embed with the real model (realistic gaps)")
    args = parser.parse_args()
    folder = ROOT / "var" / "dashboard-demo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    args.out.mkdir(parents=True, exist_ok=True)
    embedder = None
    if args.real_model:
        from matching.embeddings import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder()
    container = demo_container(folder, questions=args.questions, embedder=embedder)
    with Served(container) as url, chromium() as browser:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(local(staff_link(container), url))
            for name, path in PAGES.items():
                page.goto(url + path)
                page.wait_for_load_state("networkidle")
                target = args.out / f"dashboard-{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
            context.close()
    container.engine.dispose()


if __name__ == "__main__":
    main()
