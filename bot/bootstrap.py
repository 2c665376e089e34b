"""The one composition root: builds everything the app needs from ``Settings``; nothing heavy at import.

Entry points (web server, CLI, clock, tests) call ``bootstrap()`` once and pass the ``Container`` on.
Tests swap collaborators in through the keyword arguments (a fake embedder, an in-memory engine).
Chat platforms are the modules ``PLATFORMS`` lists; each enables itself from its own settings.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import cast

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.container import Container
from bot.core.accounts.first_contact import FirstContact
from bot.core.accounts.members import MembersService
from bot.core.accounts.service import AccountService
from bot.core.ask.service import AskService
from bot.core.digest.service import DigestService
from bot.core.digest.types import DigestConfig
from bot.core.digest.vectors import QueryVectorCache
from bot.core.directory.ann_pool import AnnPool
from bot.core.directory.catalog import Catalog
from bot.core.directory.desk import DirectoryDesk
from bot.core.directory.encoder_switch import ActiveEmbedder, EncoderSwitch
from bot.core.directory.profile_draft import DraftService
from bot.core.directory.ranking import load_configured_ranker, matcher_factory
from bot.core.directory.vector_search import build_vector_search
from bot.core.event_ledger import EventLedger
from bot.core.home import MemberHome
from bot.core.intros.base import IntroConfig
from bot.core.intros.delivery import Messenger, StaffBoard
from bot.core.intros.service import IntroService
from bot.core.needs.service import NeedsService
from bot.core.privacy.service import PrivacyService
from bot.core.signals.service import SignalConfig, SignalService
from bot.dashboard.service import DashboardService
from bot.platforms import Platform
from matching.embeddings import Embedder
from matching.encoders import make_embedder
from models.db import make_engine, migrate, session_factory
from models.stores import Stores

logger = logging.getLogger(__name__)

PlatformFactory = Callable[[Container], Platform | None]

__all__ = ["Container", "bootstrap", "digest_config", "intro_config", "load_platforms"]


def embedder_from_settings(settings: Settings, *, backend: str | None = None) -> Embedder:
    """The embedder the bot encodes with: ``EMBED_BACKEND`` (or ``backend``), ``TORCH_THREADS`` threads for every
    runtime, exports cached under ``DATA_DIR``. Cheap: nothing loads until the first encode or ``model_id``."""
    return make_embedder(
        backend or settings.embed_backend, settings.embedding_model_path or None, verify=settings.verify_model_sha256,
        threads=settings.torch_threads, data_dir=settings.data_dir,
    )


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
    query_vector_cache: bool = False,
) -> Container:
    """Build the container. The model is not loaded here: it loads lazily on first use.

    ``query_vector_cache``: processes that compose digests batch and cache query vectors across weeks.
    """
    settings = settings or Settings.from_env()
    limit_blas_threads(settings)
    engine = engine or make_engine(settings.resolved_database_url)
    if run_migrations:
        migrate(engine)
    # a runtime built from the settings may take over from another's cached vectors (not in the digest process,
    # whose question vectors are cached per runtime: it encodes with the configured one)
    switchable = embedder is None and not query_vector_cache
    embedder = embedder or embedder_from_settings(settings)
    sessions = session_factory(engine)
    if query_vector_cache:
        embedder = QueryVectorCache(embedder, sessions)
    stores = Stores(engine, sessions)
    vectors = build_vector_search(settings.vector_backend, engine)
    ann = AnnPool(vectors, sessions) if vectors.backend == "pgvector" else None
    ranker = load_configured_ranker(settings.ranker, settings.ranker_path)
    # after a change of EMBED_BACKEND the previous runtime answers while the directory is re-encoded in the
    # background; container.embedder is then always the runtime the catalog answers with
    switch = EncoderSwitch(sessions, embedder, lambda backend: embedder_from_settings(settings, backend=backend)) \
        if switchable else None
    catalog = Catalog(sessions, embedder, ann=ann, matcher_factory=matcher_factory(ranker), switch=switch)
    if switch is not None:
        embedder = ActiveEmbedder(catalog)
    signals = SignalService(sessions, catalog, SignalConfig(enabled=settings.personalise))
    platforms: dict[str, Platform] = {}

    def messenger(platform: str) -> Messenger | None:
        found = platforms.get(platform)
        return found.messenger() if found is not None else None

    def staff_boards() -> list[StaffBoard]:
        return [b for p in platforms.values() if (b := p.staff_board()) is not None]

    intros = IntroService(sessions=sessions, catalog=catalog, config=intro_config(settings), messengers=messenger,
                          staff_boards=staff_boards)
    privacy = PrivacyService(sessions=sessions, vector_delete=vectors.delete if vectors.backend == "exact" else None)
    dashboard = DashboardService(settings=settings, sessions=sessions, catalog=catalog, embedder=embedder)
    digest = DigestService(sessions=sessions, catalog=catalog, config=digest_config(settings), intros=intros,
                           charts=dashboard.chat_charts)
    members = MembersService(sessions, messengers=messenger)
    container = Container(
        settings=settings, engine=engine, sessions=sessions, stores=stores, embedder=embedder, vector_search=vectors,
        catalog=catalog, intros=intros, signals=signals,
        ask=AskService(sessions=sessions, catalog=catalog, intros=intros, signals=signals),
        privacy=privacy, dashboard=dashboard, digest=digest, accounts=AccountService(stores.unit_of_work),
        directory=DirectoryDesk(sessions),
        home=MemberHome(sessions, prefs=intros.prefs, digest=digest, privacy=privacy),
        events=EventLedger(sessions), platforms=platforms, encoder_switch=switch, members=members,
        first_contact=FirstContact(sessions, members),
        needs=NeedsService(sessions, catalog), drafts=DraftService(sessions, embedder),
    )
    platforms.update(load_platforms(container))
    return container


def digest_config(settings: Settings) -> DigestConfig:
    """The digest feature's share of the settings."""
    return DigestConfig(
        day=settings.digest_day, hour=settings.digest_hour, timezone=settings.digest_timezone,
        default_on=settings.digest_default_on, funding_weeks=settings.digest_funding_weeks,
        per_minute=settings.digest_per_minute, max_items=settings.digest_max_items,
        staff_users=frozenset(u.strip() for u in settings.slack_staff_users.split(",") if u.strip()),
    )


def intro_config(settings: Settings) -> IntroConfig:
    """The introductions feature's share of the settings."""
    return IntroConfig(requires_staff_approval=settings.intro_requires_staff_approval,
                       expiry_days=settings.intro_expiry_days, capacity_per_period=settings.intro_capacity_per_period)


def load_platforms(container: Container) -> dict[str, Platform]:
    """The platforms ``PLATFORMS`` lists whose settings enable them, by name (each module's ``platform()``)."""
    out: dict[str, Platform] = {}
    for module_name in container.settings.platform_modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"PLATFORMS names {module_name!r}, which cannot be imported: {exc}") from exc
        factory = getattr(module, "platform", None)
        if not callable(factory):
            raise ConfigError(f"PLATFORMS names {module_name!r}, which has no platform(container) function")
        platform = cast(PlatformFactory, factory)(container)
        if platform is None:
            logger.info("platform %s is not configured", module_name)
            continue
        if platform.name in out:
            raise ConfigError(f"PLATFORMS enables two platforms named {platform.name!r}")
        out[platform.name] = platform
    return out
