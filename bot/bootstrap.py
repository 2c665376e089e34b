"""The one composition root: builds everything the app needs from ``Settings``; nothing heavy at import.

Entry points (web server, CLI, clock, tests) call ``bootstrap()`` once and pass the ``Container`` on.
Tests swap collaborators in through the keyword arguments (a fake embedder, an in-memory engine).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from matching.embeddings import Embedder, SentenceTransformerEmbedder
from models.db import make_engine, migrate, session_factory

logger = logging.getLogger(__name__)


@dataclass
class Container:
    """Everything built once per process. Services are added as attributes by ``bootstrap``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    embedder: Embedder
    services: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        services = self.__dict__.get("services", {})
        if name in services:
            return services[name]
        raise AttributeError(name)


def limit_blas_threads(settings: Settings) -> None:
    """Hold BLAS to ``TORCH_THREADS`` threads: a question costs hundreds of small vector products, and on a shared
    CPU each multi-threaded one waits for a busy core (1.3 s instead of 40 ms per search at load 4)."""
    if settings.torch_threads > 0:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=settings.torch_threads, user_api="blas")


def bootstrap(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    embedder: Embedder | None = None,
    run_migrations: bool = True,
) -> Container:
    """Build the container. The model is not loaded here: it loads lazily on first use."""
    settings = settings or Settings.from_env()
    limit_blas_threads(settings)
    engine = engine or make_engine(settings.resolved_database_url)
    if run_migrations:
        migrate(engine)
    embedder = embedder or SentenceTransformerEmbedder(
        settings.embedding_model_path or None, verify=settings.verify_model_sha256, threads=settings.torch_threads
    )
    container = Container(settings=settings, engine=engine, sessions=session_factory(engine), embedder=embedder)
    _wire_services(container)
    return container


def _wire_services(container: Container) -> None:
    """Each feature registers its services here (directory index, ask, introductions, digests, ...)."""
    from bot.core.ann_pool import AnnPool
    from bot.core.ask import AskService
    from bot.core.catalog import Catalog
    from bot.core.ranking import load_configured_ranker, matcher_factory
    from bot.core.vector_search import build_vector_search

    # container.vector_search: owner-level vector search, exact in memory or pgvector (VECTOR_BACKEND)
    vectors = build_vector_search(container.settings, container.engine)
    container.services["vector_search"] = vectors
    ann = AnnPool(vectors, container.sessions) if vectors.backend == "pgvector" else None
    ranker = load_configured_ranker(container.settings.ranker, container.settings.ranker_path)
    catalog = Catalog(container.sessions, container.embedder, ann=ann, matcher_factory=matcher_factory(ranker))
    ask_service = AskService(sessions=container.sessions, catalog=catalog, services=container.services)
    container.services["catalog"] = catalog  # container.catalog.start_warm_up() when the app starts
    container.services["ask_service"] = ask_service
    container.services["ask"] = ask_service.ask  # container.ask(IncomingMessage) -> Reply
    container.services["act"] = ask_service.act  # container.act(ActionRequest) -> Reply

    from bot.core.digest_service import DigestService

    # container.digest: weekly digests (run by the clock process), dry run, preview, members' preferences
    container.services["digest"] = DigestService(
        sessions=container.sessions, catalog=catalog, settings=container.settings, services=container.services
    )
    from bot.slack.digest import home_section as digest_home_section

    container.services.setdefault("home_sections", {})["digest"] = digest_home_section  # App Home "Weekly digest"

    from bot.core.intros import IntroService
    from bot.intro_messengers import messenger_for

    # container.intros: double opt-in introductions, staff suggestions, follow-ups (messengers built lazily)
    container.services["intros"] = IntroService(
        sessions=container.sessions, catalog=catalog, settings=container.settings,
        messengers=lambda platform: messenger_for(container, platform),
    )
    from bot.slack.intros import home_section as intros_home_section

    container.services.setdefault("home_sections", {})["introductions"] = intros_home_section  # App Home

    from bot.core.privacy import PrivacyService
    from bot.slack.privacy import home_section as privacy_home_section

    # container.privacy: members' data download, forget requests, profile visibility (audited)
    container.services["privacy"] = PrivacyService(
        sessions=container.sessions, vector_delete=vectors.delete if vectors.backend == "exact" else None
    )
    container.services.setdefault("home_sections", {})["privacy"] = privacy_home_section  # App Home "Your data"

    from bot.dashboard.service import DashboardService

    # container.dashboard: the staff dashboard's figures, charts and links (routes mounted by bot.web)
    container.services["dashboard"] = DashboardService(container)
