from __future__ import annotations

import pytest

from tests.fakes.slack_harness import clear_slack_env


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_slack_env(monkeypatch)
