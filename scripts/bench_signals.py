"""Member signals benchmark: simulated members with hidden preferences use the bot for four weeks; do their
later answers get better, are members without signals left alone, and how long does a refit on 50k take?

    .venv/bin/python scripts/bench_signals.py [--members 40] [--weeks 4] [--per-week 3] [--signals 50000]

Through the real core on the shipped demo directory and the real model: each member has two interest topics
(``bot/demo/topics.json``) and asks about them and the topics near them (the topics' labels and the demo
needs about them); they also prefer one kind of suggestion, never want another, and have a home province.
They ask through ``AskService.ask``, look at the reply top-down (less attention further down), save what
they like and mark
"not relevant" what they do not want, through ``AskService.act``. Each simulated week ends with the weekly
refit (``SignalService.refit``). Then each member's later questions (texts they had not asked) are ranked
with and without their signals, by the catalog and the reply grouping the bot uses, and scored by nDCG@10
with the member's own gains: 0 off the question or of the unwanted kind, else 1, +2 if it is also in one of
their own topics, +1 for the preferred kind, +1 at home.
Members who never used the bot get the same replies with and without the signal model (checked).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.core.ask.service import AskService, group  # noqa: E402
from bot.core.directory.catalog import Catalog  # noqa: E402
from bot.core.directory.importer import import_files  # noqa: E402
from bot.core.messages import NOT_RELEVANT, SAVE, ActionRequest, IncomingMessage  # noqa: E402
from bot.core.signals.service import SignalService  # noqa: E402
from bot.demo import demo_files  # noqa: E402
from matching.embeddings import SentenceTransformerEmbedder  # noqa: E402
from models.activity import MatchFeedback, Question, SavedMatch, ShownSuggestion  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402

TOPICS = Path(__file__).resolve().parent.parent / "bot" / "demo" / "topics.json"
PLATFORM, WORKSPACE = "terminal", "sim"
KINDS = ("researcher", "technology_firm", "course", "research_institution", "funding_stream")
HOMES = ("ON", "QC", "BC", "AB")


@dataclass(frozen=True)
class Member:
    user_id: str
    questions: tuple[tuple[str, frozenset[str]], ...]  # (text, relevant refs)
    held_out: tuple[tuple[str, frozenset[str]], ...]
    interests: frozenset[str]  # refs of the member's own topics: what they are really after
    likes: str
    avoids: str
    home: str


def load_topics() -> tuple[dict[str, list[tuple[str, frozenset[str]]]], dict[str, dict]]:  # type: ignore[type-arg]
    """Per topic: its label and the demo needs about it, each with the refs that answer it; and the topics."""
    data = json.loads(TOPICS.read_text(encoding="utf-8"))
    needs = {json.loads(line)["external_id"]: json.loads(line) for line in
             (demo_files()[0].parent / "needs.jsonl").read_text(encoding="utf-8").splitlines() if line}
    out: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for key, topic in data["topics"].items():
        out[key] = [(topic["label"], frozenset(topic["refs"]))]
    for ref, need in data["needs"].items():
        row = needs[ref.split(":", 1)[1]]
        for key in need["topics"]:
            out[key].append((f"{row['title']}. {row['description']}", frozenset(need["relevant"])))
    return out, data["topics"]


def make_members(n: int, rng: random.Random) -> list[Member]:
    """Members with two interest topics; they ask about those and about the topics near them."""
    by_topic, topics = load_topics()
    members = []
    keys = sorted(by_topic)
    for m in range(n):
        own = rng.sample(keys, 2)
        asked = sorted({*own, *(t for k in own for t in topics[k].get("near", []) if t in by_topic)})
        pool = [q for t in asked for q in by_topic[t]]
        rng.shuffle(pool)
        cut = max(1, int(len(pool) * 0.7))
        likes, avoids = rng.sample(KINDS, 2)
        interests = frozenset(r for k in own for r in topics[k]["refs"])
        members.append(Member(f"M{m:03d}", tuple(pool[:cut]), tuple(pool[cut:]) or tuple(pool[-1:]), interests,
                              likes, avoids, rng.choice(HOMES)))
    return members


def gain(member: Member, relevant: frozenset[str], ref: str, kind: str, province: str | None) -> float:
    """The member's own judgement: nothing off the question or of the kind they avoid; more for what is also
    in their own topics, of the kind they prefer, or at home."""
    if ref not in relevant or kind == member.avoids:
        return 0.0
    return 1.0 + 2.0 * (ref in member.interests) + 1.0 * (kind == member.likes) + 1.0 * (province == member.home)


def ndcg10(gains: list[float], ideal: list[float]) -> float:
    disc = 1.0 / np.log2(np.arange(2, 12))
    got = np.asarray((gains + [0.0] * 10)[:10])
    best = np.asarray((sorted(ideal, reverse=True) + [0.0] * 10)[:10])
    return float((got * disc).sum() / (best * disc).sum()) if best.sum() else 0.0


def simulate(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(args.seed)
    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = session_factory(engine)
    import_files(demo_files(), sessions=sessions)
    embedder = SentenceTransformerEmbedder(threads=args.torch_threads)
    catalog = Catalog(sessions, embedder)
    catalog.warm_up()
    signals = SignalService(sessions, catalog)
    service = AskService(sessions=sessions, catalog=catalog, signals=signals)
    facts = {p.ref: (p.kind, p.province) for p in catalog.snapshot.profiles}
    members = make_members(args.members, rng)
    log: list[dict[str, object]] = []
    t0 = time.perf_counter()
    for week in range(args.weeks):
        for m in members:
            for _ in range(args.per_week):
                text, relevant = rng.choice(m.questions)
                reply = service.ask(IncomingMessage(PLATFORM, WORKSPACE, m.user_id, "c", text))
                for pos, s in enumerate(reply.suggestions):
                    if rng.random() > 1.0 / (1.0 + pos) ** 0.5:
                        continue  # not looked at
                    kind, province = facts[s.ref]
                    g = gain(m, relevant, s.ref, kind, province)
                    action = SAVE if g >= 2 and rng.random() < 0.7 else (
                        NOT_RELEVANT if (g == 0 and (kind == m.avoids or rng.random() < 0.3)) else None)
                    if action:
                        service.act(ActionRequest(PLATFORM, WORKSPACE, m.user_id, action, s.ref, reply.query_id))
        report = signals.refit(PLATFORM, WORKSPACE)
        log.append({"week": week + 1, "kept": report.kept, "version": report.version, "answers": report.answers,
                    "held_out_ndcg_new": report.ndcg_new, "held_out_ndcg_current": report.ndcg_current,
                    "seconds": report.seconds})
    sim_seconds = time.perf_counter() - t0
    base_scores, personal_scores, ceiling = [], [], []
    for m in members:
        personal = signals.personal(PLATFORM, WORKSPACE, m.user_id)
        with sessions() as s:
            from bot.core.ask.feedback import ActivityRepository

            repo = ActivityRepository(s)
            hidden = repo.dismissed(repo.identify(PLATFORM, WORKSPACE, m.user_id))
        for text, relevant in m.held_out:
            ideal = [gain(m, relevant, r, *facts[r]) for r in relevant if r in facts and r not in hidden]
            for arm, out in ((None, base_scores), (personal, personal_scores)):
                found = catalog.search(text, k=service.pool, exclude=hidden, avoid=hidden, personal=arm)
                shown = [s.ref for sec in group(found) for s in sec.suggestions]
                out.append(ndcg10([gain(m, relevant, r, *facts[r]) for r in shown], ideal))
                if arm is None:  # the ceiling: the same candidates re-ordered by the member's true gains
                    best = sorted(found, key=lambda s: -gain(m, relevant, s.ref, *facts[s.ref]))
                    shown = [s.ref for sec in group(best) for s in sec.suggestions]
                    ceiling.append(ndcg10([gain(m, relevant, r, *facts[r]) for r in shown], ideal))
    unchanged = 0
    newcomers = [q for m in members[:10] for q in m.held_out[:1]]
    plain = AskService(sessions=sessions, catalog=catalog)
    for i, (text, _) in enumerate(newcomers):
        a = service.ask(IncomingMessage(PLATFORM, WORKSPACE, f"NEW{i}", "c", text))
        b = plain.ask(IncomingMessage(PLATFORM, WORKSPACE, f"NEW{i}-b", "c", text))
        unchanged += [s.ref for s in a.suggestions] == [s.ref for s in b.suggestions]
    base, pers = float(np.mean(base_scores)), float(np.mean(personal_scores))
    return {"members": args.members, "weeks": log, "later_questions": len(base_scores),
            "ndcg10_untrained": round(base, 4), "ndcg10_with_signals": round(pers, 4),
            "ratio": round(pers / base, 3) if base else None, "ndcg10_ceiling": round(float(np.mean(ceiling)), 4),
            "newcomers_unchanged": f"{unchanged}/{len(newcomers)}", "simulation_seconds": round(sim_seconds, 1)}


def training_time(n_signals: int, seed: int) -> dict[str, object]:
    """Refit on ``n_signals`` synthetic shown suggestions (10 per answer, ~15 % acted on) in a SQLite file."""
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/signals.db")
        migrate(engine)
        sessions = session_factory(engine)
        import_files(demo_files(), sessions=sessions)
        from matching.embeddings import HashingEmbedder

        catalog = Catalog(sessions, HashingEmbedder())
        catalog.warm_up()
        profiles = catalog.snapshot.profiles
        answers, start = n_signals // 10, datetime(2026, 1, 1, tzinfo=UTC)
        q_rows, s_rows, saves, dismissals = [], [], [], []
        for a in range(answers):
            qid, user = f"q{a:07d}", f"U{a % 2000:04d}"
            q_rows.append({"id": qid, "platform": PLATFORM, "workspace_id": WORKSPACE, "user_id": user,
                           "intent": "search", "text": "x", "created_at": start + timedelta(minutes=a)})
            for pos, i in enumerate(rng.choice(len(profiles), 10, replace=False)):
                p = profiles[int(i)]
                s_rows.append({"question_id": qid, "position": pos, "ref": p.ref, "kind": p.kind,
                               "province": p.province, "score": 1.0 - pos * 0.05})
                r = rng.random()
                if r < 0.1:
                    saves.append({"platform": PLATFORM, "workspace_id": WORKSPACE, "user_id": user, "ref": p.ref,
                                  "title": p.title[:300], "query_id": qid})
                elif r < 0.15:
                    dismissals.append({"platform": PLATFORM, "workspace_id": WORKSPACE, "user_id": user,
                                       "ref": p.ref, "query_id": qid})
        saves, dismissals = _first_per_member(saves), _first_per_member(dismissals)  # one row per member and item
        with sessions.begin() as s:
            for table, rows in ((Question, q_rows), (ShownSuggestion, s_rows), (SavedMatch, saves),
                                (MatchFeedback, dismissals)):
                for k in range(0, len(rows), 5000):
                    s.execute(insert(table), rows[k : k + 5000])
        signals = SignalService(sessions, catalog)
        t = time.perf_counter()
        report = signals.refit(PLATFORM, WORKSPACE)
        seconds = time.perf_counter() - t
        engine.dispose()
    return {"signals": len(s_rows), "answers": answers, "training_rows": report.rows, "seconds": round(seconds, 2),
            "reason": report.reason}


def _first_per_member(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    seen: set[tuple[object, object]] = set()
    out = []
    for row in rows:
        key = (row["user_id"], row["ref"])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--per-week", type=int, default=3)
    parser.add_argument("--signals", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {"simulation": simulate(args), "training": training_time(args.signals, args.seed)}
    if args.json:
        print(json.dumps(result, indent=1, default=str))
        return
    sim, train = result["simulation"], result["training"]
    assert isinstance(sim, dict) and isinstance(train, dict)
    print(f"{sim['members']} simulated members, {len(sim['weeks'])} weeks ({sim['simulation_seconds']} s)")  # type: ignore[arg-type]
    for w in sim["weeks"]:  # type: ignore[attr-defined]
        print(f"  week {w['week']}: refit v{w['version']} kept={w['kept']} answers={w['answers']} "
              f"held-out nDCG@10 new {w['held_out_ndcg_new']} vs current {w['held_out_ndcg_current']}")
    print(f"later questions: {sim['later_questions']}; nDCG@10 untrained {sim['ndcg10_untrained']}, "
          f"with signals {sim['ndcg10_with_signals']} (x{sim['ratio']}; target >= 1.10); ceiling "
          f"(the same candidates in the member's true order) {sim['ndcg10_ceiling']}")
    print(f"members without signals unchanged: {sim['newcomers_unchanged']}")
    print(f"refit on {train['signals']:,} signals ({train['answers']:,} answers, {train['training_rows']:,} rows): "
          f"{train['seconds']} s (target <= 60 s) [{train['reason']}]")


if __name__ == "__main__":
    main()
