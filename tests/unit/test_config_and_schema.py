from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models.registry  # noqa: F401
from bot.config import ConfigError, Settings
from models.base import Base
from models.vectors import include_in_base_schema


def test_settings_read_from_given_environment_only() -> None:
    s = Settings.from_env({"PORT": "8080", "TEAMS_ANONYMOUS": "yes", "DATA_DIR": "/tmp/x"})
    assert s.port == 8080 and s.teams_anonymous is True
    assert s.resolved_database_url == "sqlite:////tmp/x/clustermatch.sqlite3"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"PORT": "abc"}, "PORT"),
        ({"VECTOR_BACKEND": "faiss"}, "VECTOR_BACKEND"),
        ({"DIGEST_HOUR": "25"}, "DIGEST_HOUR"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env(env)


def test_postgres_urls_get_a_driver() -> None:
    s = Settings(database_url="postgres://u:p@h/db", data_dir=Path("."))
    assert s.resolved_database_url == "postgresql+psycopg://u:p@h/db"


def test_migrations_match_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_in_base_schema})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_torch_threads_also_holds_blas_to_that_many_threads() -> None:
    from threadpoolctl import threadpool_info, threadpool_limits

    from bot.bootstrap import limit_blas_threads

    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    with threadpool_limits(limits=2, user_api="blas"):  # restores the process's own limits afterwards
        limit_blas_threads(Settings(torch_threads=1))
        assert blas and all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
        limit_blas_threads(Settings(torch_threads=0))  # 0 leaves the libraries alone
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
