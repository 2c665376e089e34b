"""A dashboard to look at without Slack: the demo directory plus synthetic activity in a SQLite file, served by
the real web app (uvicorn on a free localhost port, in a thread), and a staff link for it.

Used by the browser test, ``scripts/dashboard_screenshots.py`` and ``scripts/bench_dashboard.py``. The hashing
embedder stands in for the model by default (gaps then cluster on word overlap): the pages, charts and queries
are the same code either way.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings
from bot.container import Container
from bot.dashboard import activity

STAFF_NAME = "Demo Staff"


def demo_container(folder: Path, *, questions: int = 1500, embedder: Any = None, load_demo: bool = True,
                   **settings: Any) -> Container:
    """A container on ``folder/dashboard.sqlite3`` holding the demo directory and generated activity."""
    from bot.bootstrap import bootstrap
    from bot.core.directory.importer import import_files
    from bot.demo import demo_files
    from matching.embeddings import HashingEmbedder
    from models.db import make_engine

    config = Settings(data_dir=folder, dashboard_secret=settings.pop("dashboard_secret", "demo-dashboard-secret"),
                      **settings)
    container = bootstrap(config, engine=make_engine(f"sqlite:///{folder / 'dashboard.sqlite3'}"),
                          embedder=embedder or HashingEmbedder())
    if load_demo:
        import_files(demo_files(), sessions=container.sessions)
    if questions:
        activity.generate(container.sessions, questions=questions)
    container.catalog.warm_up()
    return container


def staff_link(container: Container) -> str:
    """A fresh link for the generated staff account."""
    return container.dashboard.link_for("slack", activity.WORKSPACE, activity.STAFF_USER, STAFF_NAME)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """``with Served(container) as url:`` the web app (Slack off, dashboard on) on 127.0.0.1."""

    def __init__(self, container: Container) -> None:
        import uvicorn

        from bot.web import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(container.settings, container)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="dashboard-server", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("dashboard web server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def local(link: str, url: str) -> str:
    """A link made for PUBLIC_URL, pointed at the local server ``url``."""
    parts = urlsplit(link)
    return f"{url}{parts.path}?{parts.query}"
