"""Teams wiring from settings: which token source, which JWT rules, one runtime per process."""

from __future__ import annotations

import pytest
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import AnonymousTokenProvider
from sqlalchemy import Engine

from bot.bootstrap import bootstrap
from bot.config import ConfigError, Settings
from bot.teams.app import auth_configuration, connection_manager, host_validator
from bot.teams.platform import TeamsPlatform
from matching.embeddings import HashingEmbedder

APP_ID = "5baea8d1-d4ea-43a1-b101-882f4c8d9cb4"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_registered_bot_uses_msal_and_requires_tokens() -> None:
    settings = Settings(teams_app_id=APP_ID, teams_app_password="secret", teams_tenant_id=TENANT)
    manager = connection_manager(settings)
    assert isinstance(manager, MsalConnectionManager)
    config = manager.get_default_connection_configuration()
    assert (config.CLIENT_ID, config.TENANT_ID, config.CLIENT_SECRET) == (APP_ID, TENANT, "secret")
    assert config.ANONYMOUS_ALLOWED is False


def test_anonymous_local_mode_never_asks_for_tokens() -> None:
    manager = connection_manager(Settings(teams_anonymous=True))
    assert isinstance(manager.get_default_connection(), AnonymousTokenProvider)
    assert manager.get_default_connection_configuration().ANONYMOUS_ALLOWED is True


@pytest.mark.parametrize(
    ("settings", "variable"),
    [(Settings(), "TEAMS_APP_ID"), (Settings(teams_app_id=APP_ID), "TEAMS_APP_PASSWORD")],
)
def test_unusable_settings_name_the_variable(settings: Settings, variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        auth_configuration(settings)


def test_the_environment_is_checked_at_startup() -> None:
    with pytest.raises(ConfigError, match="TEAMS_APP_PASSWORD"):
        Settings.from_env({"TEAMS_APP_ID": APP_ID})
    assert Settings.from_env({"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "s"}).teams_enabled


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_one_runtime_per_process(engine: Engine) -> None:
    container = bootstrap(Settings(teams_anonymous=True), engine=engine, embedder=HashingEmbedder())
    platform = container.platforms["teams"]
    assert isinstance(platform, TeamsPlatform)
    first = platform.runtime()
    assert platform.runtime() is first
    assert platform.messenger().sender is first.sender and platform.digest_sender().teams_sender is first.sender


def test_a_registered_bot_accepts_only_microsoft_service_urls() -> None:
    strict = host_validator(Settings(teams_app_id=APP_ID, teams_app_password="secret"))
    assert strict.is_allowed("https://smba.trafficmanager.net/amer/")
    for forged in ("https://attacker.example/", "http://169.254.169.254/latest/", "http://localhost:3978/"):
        assert not strict.is_allowed(forged), forged
    assert host_validator(Settings(teams_anonymous=True)).is_allowed("http://localhost:3978/")
