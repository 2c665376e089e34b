"""Two web workers and two clock processes on one PostgreSQL, at small scale (``scripts/multiworker_check.py``).

Real processes (``uvicorn --factory bot.web:create_app`` twice, ``python -m bot.scheduler`` twice), the real
model, a throwaway PostgreSQL and the fake Slack Web API: retried events answered once whichever worker
gets them, double clicks stored once, concurrent saves all kept, a directory change seen by both workers
without a restart, one digest per member although two clocks run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.model]
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "multiworker_check.py"


def _load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("multiworker_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_two_workers_and_two_clocks_share_one_database() -> None:
    check = _load_script()
    result = check.run_check(check.Options(events=40, duplicates=0.25, members=4, clicks=4, concurrency=8,
                                           directory_limit=20, timeout=600, log=lambda _: None))
    figures = result.figures
    assert result.ok, (result.failures, figures)
    assert figures["retries"] > 0 and min(figures["per_worker"]) > 0  # retries really crossed workers
    assert figures["replies"] == 40 and figures["duplicate_replies"] == 0 and figures["lost"] == 0
    assert figures["saved_rows"] == 12 and figures["click_answers"] == figures["clicks"]
    assert max(figures["new_item_seen_after_s"]) < 60 and max(figures["hidden_item_gone_after_s"]) < 60
    sent = figures["digest_states"].get("sent", 0)
    assert figures["digest_messages"] == sent > 0 and figures["digest_duplicates"] == 0
