"""A fresh install answers /match: ``clustermatch load-demo`` then ``clustermatch serve`` with only
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL (a local fake) set. Real model, real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import SECRET, command_request, free_port, slash_command

pytestmark = [pytest.mark.model, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def cli() -> list[str]:
    script = Path(sys.executable).with_name("clustermatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FakeSlackApi, str, Path]]:
    with FakeSlackApi() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "TEAMS_"))}
        port = free_port()
        env.update(DATA_DIR=str(tmp_path), PORT=str(port), SLACK_BOT_TOKEN="xoxb-fresh", SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=fake.api_url, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        loaded = subprocess.run([*cli(), "load-demo"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert loaded.returncode == 0, loaded.stderr
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen([*cli(), "serve", "--host", "127.0.0.1"], env=env, cwd=ROOT,
                                      stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, log.read_text()
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "serve did not come up: " + log.read_text()
                time.sleep(0.2)
            yield fake, url, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_fresh_install_answers_match(served: tuple[FakeSlackApi, str, Path]) -> None:
    fake, url, log = served
    assert httpx.get(f"{url}/healthz").json()["slack"] == "single-workspace"
    form = slash_command("who can help us automate TIG welding of aluminium battery trays?",
                         response_url=fake.response_url("fresh"))
    raw, headers = command_request(form)
    resp = httpx.post(f"{url}/slack/events", content=raw, headers=headers, timeout=10)
    assert resp.status_code == 200  # acked even if the model is still loading
    [answer] = fake.wait_for("response_url", timeout=180)
    assert answer.params["text"].startswith('Here is what matches "who can help us automate TIG welding')
    assert sum(b["type"] == "actions" for b in answer.blocks) >= 3, log.read_text()[-2000:]
    assert fake.calls_to("auth.test") == []
