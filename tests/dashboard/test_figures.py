"""The dashboard's figures: equal to ``clustermatch report intros`` on the same data, and to direct counts;
ecosystem and gaps on both databases; each suggestion an answer shows is logged with its kind."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app as cli
from bot.config import Settings
from bot.core.directory.importer import import_files
from bot.core.messages import IncomingMessage
from bot.dashboard import activity, ecosystem, funnel
from bot.dashboard.gaps import ANONYMOUS
from bot.demo import demo_files
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.activity import Question, ShownSuggestion
from models.db import make_engine, migrate
from models.directory import Need, Organization, Person
from models.intros import ACCEPTED, Introduction


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """The demo directory plus generated activity on a file database the CLI can open too."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'figures.sqlite3'}"
        engine: Engine = make_engine(url)
        migrate(engine)
    else:
        engine = request.getfixturevalue("pg_engine")
        url = engine.url.render_as_string(hide_password=False)
    container = bootstrap(Settings(database_url=url, dashboard_secret="s"), engine=engine, embedder=HashingEmbedder(),
                          run_migrations=False)
    import_files(demo_files(), sessions=container.sessions)
    activity.generate(container.sessions, questions=400)
    container.catalog.warm_up()
    yield container, url
    if request.param == "sqlite":
        engine.dispose()


def _page_report(container: Any) -> dict[str, Any]:
    """The introductions table of the funnel page, read back from its HTML."""
    client = TestClient(create_app(container.settings, container))
    link = container.dashboard.link_for("slack", activity.WORKSPACE, activity.STAFF_USER)
    assert client.get(link[link.index("/dashboard/login"):]).status_code == 200
    html = client.get("/dashboard?weeks=0").text
    table = html[html.index('id="intro-report"'):]
    table = table[:table.index("</table>")]
    out: dict[str, Any] = {}
    for group, value, cells in re.findall(r'<tr data-group="(\w+)" data-value="([^"]*)">(.*?)</tr>', table, re.S):
        numbers = [int(x) for x in re.findall(r"<td>(\d+)</td>", cells)]
        figures = dict(zip(funnel.INTRO_FIGURES, numbers, strict=True))
        if group == "total":
            out["total"] = figures
        else:
            out.setdefault(group, {})[value] = figures
    return out


def test_dashboard_figures_equal_the_cli_report(world: tuple[Any, str]) -> None:
    container, url = world
    result = CliRunner().invoke(cli, ["report", "intros", "--json"], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    dashboard = container.dashboard.funnel(0).intros
    page = _page_report(container)
    assert report["total"]["requested"] > 20 and report["total"]["met"] > 0  # the data exercises every figure
    for key in ("total", "by_kind", "by_province", "by_origin"):
        assert dashboard[key] == report[key], key
        assert page[key] == report[key], key


def test_funnel_stages_equal_direct_counts(world: tuple[Any, str]) -> None:
    container, _ = world
    f = container.dashboard.funnel(0)
    with container.sessions() as s:
        questions = s.scalar(select(func.count()).select_from(Question))
        by_kind = select(ShownSuggestion.kind, func.count()).group_by(ShownSuggestion.kind)
        kinds = dict(s.execute(by_kind).tuples().all())
        accepted = s.scalar(select(func.count()).select_from(Introduction).where(Introduction.state == ACCEPTED))
    assert f.total["questions"] == questions == 400
    assert f.total["shown"] == sum(kinds.values())
    assert {k: c["shown"] for k, c in f.by["kind"].items()} == kinds
    assert sum(c["shown"] for c in f.by["week"].values()) == f.total["shown"]
    assert f.total["accepted"] == accepted
    drops = f.drop_off(f.total)
    assert drops["accepted"] == pytest.approx(1 - f.total["accepted"] / f.total["requested"])
    assert f.by["funding"] and all(v.startswith("funding:") for v in f.by["funding"])


def test_heatmap_counts_each_organisation_once_per_sector(world: tuple[Any, str]) -> None:
    container, _ = world
    heat = container.dashboard.heatmap()
    expected: Counter[tuple[str, str]] = Counter()
    with container.sessions() as s:
        for org in s.scalars(select(Organization).where(Organization.visibility != "hidden")):
            for sector in org.sectors or []:
                expected[(sector, org.province or "?")] += 1
    for i, sector in enumerate(heat.sectors):
        for j, province in enumerate(heat.provinces):
            assert heat.counts[i][j] == expected[(sector, province)]
    assert len(heat.sectors) == min(ecosystem.MAX_SECTORS, len({s for s, _ in expected}))


def test_network_never_shows_who_posted_an_anonymous_need(world: tuple[Any, str]) -> None:
    container, _ = world
    with container.sessions.begin() as s:
        need = s.scalars(select(Need).where(Need.organization_id.is_not(None))).first()
        assert need is not None
        need.anonymous, need.status = True, "open"
        poster = s.get(Organization, need.organization_id)
        assert poster is not None
        contact = s.scalars(select(Person).where(Person.organization_id == poster.id)).first()
        asker = s.scalars(select(Person).where(Person.organization_id != poster.id)).first()
        assert contact is not None and asker is not None
        staff = select(Person.id).where(Person.organization_id == poster.id)
        s.execute(Introduction.__table__.delete().where(  # only the introduction through the need links them
            Introduction.b_person_id.in_(staff) | Introduction.a_person_id.in_(staff)))
        intro = Introduction(origin="member", state=ACCEPTED, a_person_id=asker.id, b_person_id=contact.id,
                             target_ref=f"need:{need.external_id}", a_ref="x", b_ref="y", created_by="t",
                             expires_at=func.now())
        s.add(intro)
        poster_name, need_title = poster.name, need.title
    net = container.dashboard.network()
    assert poster_name not in {n["name"] for n in net.nodes}
    assert container.dashboard.network().nodes  # other introductions are still drawn
    gaps = container.dashboard.gap_cache.get(None, threshold=2.0)  # every text is a gap
    shown = [i for t in gaps.topics for i in t.items if i.text.startswith(need_title)]
    assert shown and all(i.author == ANONYMOUS for i in shown)
    assert poster_name not in {i.author for t in gaps.topics for i in t.items if i.text.startswith(need_title)}


def test_gaps_group_unanswered_questions_into_topics_with_providers(world: tuple[Any, str]) -> None:
    container, _ = world
    gaps = container.dashboard.gaps(0)
    assert gaps.ready and gaps.topics and gaps.gaps <= gaps.questions + gaps.needs
    texts = {i.text for t in gaps.topics for i in t.items}
    assert any("cryogenic machining of titanium" in t for t in texts)
    for topic in gaps.topics:
        assert topic.examples and len(topic.providers) <= 3 and topic.label
        assert all(i.best_score < gaps.threshold for i in topic.items)
    strict = container.dashboard.gap_cache.get(None, threshold=-1.0)
    assert strict.gaps == 0 and not strict.topics  # nothing scores below -1


def test_an_answer_logs_each_suggestion_it_shows(world: tuple[Any, str]) -> None:
    container, _ = world
    reply = container.ask.ask(IncomingMessage(platform="slack", workspace_id="T1", user_id="U1", conversation_id="C1",
                                          text="robotic welding of aluminium battery trays"))
    assert reply.suggestions
    with container.sessions() as s:
        rows = s.execute(select(ShownSuggestion.ref, ShownSuggestion.kind).where(
            ShownSuggestion.question_id == reply.query_id).order_by(ShownSuggestion.position)).all()
        question = s.get(Question, reply.query_id)
        assert question is not None
    assert [r for r, _ in rows] == question.result_refs == [x.ref for x in reply.suggestions]
    assert [k for _, k in rows] == [x.kind for x in reply.suggestions]


def test_suggestions_board_names_the_ranking_and_the_learned_models_unseen_set_figures(
    world: tuple[Any, str]
) -> None:
    from matching.ranker_io import DEFAULT_RANKER, file_sha256, load_ranker

    container, _ = world
    client = TestClient(create_app(container.settings, container))
    link = container.dashboard.link_for("slack", activity.WORKSPACE, activity.STAFF_USER)
    assert client.get(link[link.index("/dashboard/login"):]).status_code == 200
    html = client.get("/dashboard/suggestions").text
    assert 'data-mode="formula"' in html  # RANKER is not set: the formula ranks
    assert file_sha256(DEFAULT_RANKER)[:12] in html
    lodo = load_ranker()[1]["lodo_ndcg@10"]
    table = html[html.index('id="ranker-figures"'):]
    assert all(f"<td class=\"text\">{name}</td><td>{m['learned']:.4f}</td>" in table for name, m in lodo.items())


def test_chart_downloads_need_a_staff_session_and_a_known_chart(world: tuple[Any, str]) -> None:
    container, _ = world
    client = TestClient(create_app(container.settings, container))
    for path in ("/dashboard/chart/funnel.png", "/dashboard/data/funnel.csv"):
        assert client.get(path).status_code == 403
    link = container.dashboard.link_for("slack", activity.WORKSPACE, activity.STAFF_USER)
    assert client.get(link[link.index("/dashboard/login"):]).status_code == 200
    for path in ("/dashboard/chart/nope.png", "/dashboard/data/nope.csv"):
        assert client.get(path).status_code == 404
    png, csv = client.get("/dashboard/chart/funnel.png"), client.get("/dashboard/data/funnel.csv")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert csv.status_code == 200 and csv.text.strip()
