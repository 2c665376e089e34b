"""Load check of the Slack endpoint: signed events and slash commands against ``clustermatch serve``.

Run (no make needed):  .venv/bin/python scripts/slack_load_check.py [--requests 300] [--concurrency 20]

It loads the demo directory into a fresh SQLite file, starts the production entry point (``clustermatch
serve`` on 127.0.0.1, real model, ``SLACK_API_URL`` pointed at a local fake Slack Web API) and, without
waiting for the model to load, posts app mentions, direct messages and ``/match`` commands at the given
concurrency; 10 % of the events are delivered a second time with ``X-Slack-Retry-Num``. It checks that
every request was acknowledged, every event and command got exactly one answer (counted in the fake), none
twice, and prints ack latency percentiles (goal: p99 ≤ 100 ms). Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.slack.texts import FRIENDLY_ERROR  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402
from tests.fakes.slack_harness import (  # noqa: E402
    SECRET,
    app_mention,
    command_request,
    direct_message,
    event_request,
    free_port,
    slash_command,
)

QUESTIONS = (
    "who can help us automate TIG welding of aluminium battery trays?",
    "researchers in Quebec who work on laser cladding",
    "online micro-credential courses on PLC programming",
    "funding for a robotic cell pilot in Ontario",
    "machine vision inspection of castings",
    "additive manufacturing of titanium parts for aerospace",
    "predictive maintenance for CNC machines",
    "lightweight composites for EV enclosures",
)


@dataclass
class Delivery:
    kind: str  # mention | dm | command
    key: str  # what identifies the answer in the fake: thread ts, DM channel, response_url path
    raw: bytes
    headers: dict[str, str]
    retry: bool = False


def build_deliveries(n: int, duplicates: float, response_url: str, rng: random.Random) -> list[Delivery]:
    out: list[Delivery] = []
    for i in range(n):
        question = QUESTIONS[i % len(QUESTIONS)]
        kind = ("mention", "mention", "dm", "command")[i % 4]
        if kind == "mention":
            ts = f"1700000000.{i:06d}"
            body = app_mention(f"<@UBOT> {question}", event_id=f"EvL{i}", ts=ts)
            out.append(Delivery(kind, ts, *event_request(body)))
        elif kind == "dm":
            channel = f"DL{i:06d}"
            out.append(Delivery(kind, channel, *event_request(direct_message(question, event_id=f"EvL{i}",
                                                                             channel=channel))))
        else:
            url = f"{response_url}-{i}"
            form = slash_command(question, response_url=url)
            out.append(Delivery(kind, "/" + url.split("/", 3)[3], *command_request(form)))
    events = [d for d in out if d.kind != "command"]
    for original in rng.sample(events, round(len(out) * duplicates)):
        retry_raw, retry_headers = event_request(json.loads(original.raw), retry_num=1)
        position = rng.randrange(out.index(original) + 1, len(out) + 1)
        out.insert(position, Delivery(original.kind, original.key, retry_raw, retry_headers, retry=True))
    return out


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("clustermatch")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "bot.cli"]
    with log.open("wb") as out:
        proc = subprocess.Popen([*cmd, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"server did not start in 120 s; see {log}")


def send_all(base_url: str, deliveries: list[Delivery], concurrency: int) -> list[tuple[Delivery, int, float, float]]:
    """Post every delivery from ``concurrency`` threads; returns (delivery, status, client ms, server ms)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base_url, timeout=30, limits=limits) as client:

        def send(d: Delivery) -> tuple[Delivery, int, float, float]:
            start = time.perf_counter()
            resp = client.post("/slack/events", content=d.raw, headers=d.headers)
            took = (time.perf_counter() - start) * 1000
            server = float(resp.headers.get("server-timing", "app;dur=nan").split("dur=")[1])
            return d, resp.status_code, took, server

        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(send, deliveries))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=300, help="distinct events and commands (default 300)")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duplicates", type=float, default=0.10, help="share delivered twice (default 0.10)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for every answer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm", action="store_true", help="wait until the catalog is built before sending")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="slack-load-"))

    with FakeSlackApi() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "TEAMS_"))}
        env.update(DATA_DIR=str(work), SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-load",
                   SLACK_API_URL=fake.api_url, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", LOG_LEVEL="WARNING")
        print(f"loading the demo directory into {work} ...", flush=True)
        cli = Path(sys.executable).with_name("clustermatch")
        cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "bot.cli"]
        subprocess.run([*cmd, "load-demo"], env=env, check=True, capture_output=True, cwd=ROOT)
        port = free_port()
        server = start_server(env, port, work / "server.log")
        try:
            ready = httpx.get(f"http://127.0.0.1:{port}/healthz").json().get("catalog_ready")
            while args.warm and not ready:
                time.sleep(0.5)
                ready = httpx.get(f"http://127.0.0.1:{port}/healthz").json().get("warmed_up")
            deliveries = build_deliveries(args.requests, args.duplicates, fake.response_url("cmd"), rng)
            print(f"server up (catalog ready: {ready}); sending {len(deliveries)} deliveries "
                  f"({args.requests} distinct, {sum(d.retry for d in deliveries)} retries) "
                  f"at concurrency {args.concurrency}", flush=True)
            started = time.monotonic()
            results = send_all(f"http://127.0.0.1:{port}", deliveries, args.concurrency)
            sent_in = time.monotonic() - started
            expected = {d.key for d in deliveries}
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                if len(fake.calls_to("chat.postMessage")) + len(fake.calls_to("response_url")) >= len(expected):
                    break
                time.sleep(0.2)
            drained_in = time.monotonic() - started
            time.sleep(3.0)  # late duplicates would show up now
        finally:
            server.terminate()
            server.wait(timeout=30)

        answers = Counter()
        failures = 0
        for call in fake.calls_to("chat.postMessage"):
            answers[call.params.get("thread_ts") or call.params["channel"]] += 1
            failures += call.params.get("text") == FRIENDLY_ERROR
        for call in fake.calls_to("response_url"):
            answers[call.path] += 1
            failures += call.params.get("text") == FRIENDLY_ERROR

    acks = [ms for _, _, ms, _ in results]
    server_acks = [ms for _, _, _, ms in results]
    not_acked = [d.key for d, status, _, _ in results if status != 200]
    lost = sorted(expected - set(answers))
    doubled = sorted(k for k, n in answers.items() if n > 1)
    unexpected = sorted(set(answers) - expected)
    print(f"\nacknowledged {len(results) - len(not_acked)}/{len(results)} in {sent_in:.1f} s; "
          f"answers {sum(answers.values())} for {len(expected)} distinct (all answered after {drained_in:.1f} s)")
    for label, values in (("ack latency ms (client)", acks), ("ack latency ms (server)", server_acks)):
        print(f"{label}: p50 {percentile(values, 50):.1f}  p90 {percentile(values, 90):.1f}  "
              f"p99 {percentile(values, 99):.1f}  max {max(values):.1f}  (goal p99 <= 100)")
    by_kind = {k: [ms for d, _, ms, _ in results if d.kind == k] for k in ("mention", "dm", "command")}
    print("client p99 by kind ms: " + ", ".join(f"{k} {percentile(v, 99):.1f}" for k, v in by_kind.items()))
    problems = {"not acknowledged": not_acked, "lost": lost, "answered twice": doubled, "unexpected": unexpected}
    for name, items in problems.items():
        print(f"{name}: {len(items)}" + (f" e.g. {items[:5]}" if items else ""))
    print(f"friendly-error answers: {failures}")
    ok = not any(problems.values()) and failures == 0
    verdict = "met" if percentile(acks, 99) <= 100 else "missed"
    print("RESULT:", "ok" if ok else "FAILED", f"(client p99 goal {verdict})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
