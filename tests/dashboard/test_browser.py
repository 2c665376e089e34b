"""The dashboard in a real browser: headless Debian Chromium (Playwright) against the running web app (uvicorn
on a free localhost port) on the demo directory plus generated activity."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import select

from bot.dashboard.demo_stack import Served, demo_container, local, staff_link
from models.intros import Introduction, IntroSuggestion
from tests.dashboard.browser import chromium

PAGES = {"/dashboard": 4, "/dashboard/ecosystem": 2, "/dashboard/gaps": 1, "/dashboard/suggestions": 0}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, Any]]:
    container = demo_container(tmp_path_factory.mktemp("dashboard"), questions=600,
                               public_url="http://dashboard.example")
    with Served(container) as url, chromium() as browser:
        yield container, url, browser
    container.engine.dispose()


def _charts_drawn(page: Any, expected: int) -> None:
    images = page.locator("figure.chart img")
    assert images.count() == expected
    for i in range(expected):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=img.element_handle(), timeout=20000)
        assert img.evaluate("img => img.naturalWidth > 300 && img.naturalHeight > 150"), img.get_attribute("src")
        assert len(img.get_attribute("alt") or "") > 10


def test_every_page_renders_its_charts_at_desktop_and_phone_width(stack: tuple[Any, str, Any]) -> None:
    container, url, browser = stack
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        assert page.goto(local(staff_link(container), url)).status == 200
        assert page.url == url + "/dashboard"
        for path, charts in PAGES.items():
            assert page.goto(url + path).status == 200
            _charts_drawn(page, charts)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width + 1, f"{path} is {overflow}px wide at {width}px"
        page.goto(url + "/dashboard?weeks=0")
        total = container.dashboard.funnel(0).total
        assert page.locator("[data-stage=questions] b").inner_text() == f"{total['questions']:,}"
        assert page.locator("[data-stage=shown] b").inner_text() == f"{total['shown']:,}"
        csv = page.request.get(url + "/dashboard/data/funnel.csv?weeks=0")
        assert csv.status == 200 and csv.text().splitlines()[1].startswith("total,all,")
        png = page.request.get(url + "/dashboard/chart/heatmap.png?download=1")
        assert png.status == 200 and png.body()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "attachment" in png.headers["content-disposition"]
        context.close()


def test_tables_sort_when_a_header_is_clicked(stack: tuple[Any, str, Any]) -> None:
    container, url, browser = stack
    page = browser.new_page()
    page.goto(local(staff_link(container), url))
    page.goto(url + "/dashboard/ecosystem")
    header = page.locator("#network-table th", has_text="Introductions")
    cells = page.locator("#network-table tbody tr td:nth-child(3)")

    def column() -> list[int]:
        return [int(x) for x in cells.all_inner_texts()]

    header.click()
    assert column() == sorted(column())
    header.click()
    assert column() == sorted(column(), reverse=True)
    page.close()


def test_approve_on_the_board_calls_the_core_and_the_row_changes(stack: tuple[Any, str, Any]) -> None:
    container, url, browser = stack
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(local(staff_link(container), url))
    page.goto(url + "/dashboard/suggestions")
    row = page.locator("tr[data-suggestion]:has([data-state=proposed])").first
    sid = int(row.get_attribute("data-suggestion") or 0)
    row.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/dashboard/suggestions?**")
    assert page.locator(f"tr[data-suggestion='{sid}'] [data-state]").get_attribute("data-state") == "approved"
    assert "Approved by" in page.locator(".flash").inner_text()
    with container.sessions() as s:
        suggestion = s.get(IntroSuggestion, sid)
        assert suggestion is not None and suggestion.state == "approved"
        assert suggestion.acted_by == "slack:TDEMO:UDEMOSTAFF"
        intro = s.scalar(select(Introduction).where(Introduction.id == suggestion.introduction_id))
        assert intro is not None and intro.origin == "staff"
    page.close()


def test_refused_without_a_valid_link(stack: tuple[Any, str, Any]) -> None:
    container, url, browser = stack
    page = browser.new_page()
    for path in (*PAGES, "/dashboard/chart/funnel.png", "/dashboard/data/funnel.csv"):
        assert page.goto(url + path).status == 403, path
    link = local(staff_link(container), url)
    token = link.split("t=", 1)[1]
    tampered = link.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert page.goto(tampered).status == 403
    assert page.goto(url + "/dashboard/login").status == 403
    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 11 * 60):
        expired = local(staff_link(container), url)  # signed 11 minutes ago; links last 10
    assert page.goto(expired).status == 403
    assert page.goto(url + "/dashboard").status == 403  # no cookie was set by any of these
    page.context.add_cookies([{"name": "cm_dashboard", "value": "forged.cookie.value", "url": url + "/dashboard"}])
    assert page.goto(url + "/dashboard").status == 403
    page.close()
