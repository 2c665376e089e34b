"""``/dashboard`` on the bot's web app: pages, chart PNGs, CSV downloads, the login link and the Approve/Skip posts.

Every route but ``/dashboard/login`` (the signed link) and ``/dashboard/img`` (signed chart images for chat
cards) needs the session cookie; without a valid one the answer is 403. Posts also need the session's CSRF
token. Handlers are plain ``def``: FastAPI runs them in its thread pool, so database work and chart drawing
never block the event loop that acknowledges Slack.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.container import Container
from bot.core.errors import UserFacingError
from bot.dashboard import board, charts, pages
from bot.dashboard.auth import COOKIE, AccessDenied, StaffSession
from bot.dashboard.service import DEFAULT_WEEKS, DashboardService

logger = logging.getLogger(__name__)

PREFIX = "/dashboard"
NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def _weeks(request: Request) -> int:
    raw = request.query_params.get("weeks", str(DEFAULT_WEEKS))
    return max(0, min(520, int(raw))) if raw.isdigit() else DEFAULT_WEEKS


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=NO_STORE)


def mount_dashboard(api: FastAPI, container: Container) -> DashboardService:
    """Add the dashboard's routes to ``api`` (the same app, and process, as the Slack and Teams endpoints)."""
    service: DashboardService = container.dashboard
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    minutes = container.settings.dashboard_link_minutes

    def denied() -> HTMLResponse:
        return _html(pages.render("denied.html", minutes=minutes), 403)

    def staff(request: Request) -> StaffSession:
        return service.auth.session(request.cookies.get(COOKIE))

    @router.get("/login")
    def login(request: Request) -> Response:
        try:
            session, cookie = service.auth.open_link(request.query_params.get("t", ""))
        except AccessDenied as exc:
            logger.info("dashboard link refused: %s", exc)
            return denied()
        logger.info("dashboard session opened for %s", session.actor)
        response = RedirectResponse(PREFIX, status_code=303, headers=NO_STORE)
        response.set_cookie(COOKIE, cookie, max_age=service.auth.session_seconds, httponly=True, samesite="lax",
                            secure=service.auth.secure_cookie, path=PREFIX)
        return response

    @router.get("/logout")
    def logout() -> Response:
        response = _html(pages.render("denied.html", minutes=minutes))
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    def page(template: str, build: Any) -> Any:
        def handler(request: Request) -> Response:
            try:
                who = staff(request)
            except AccessDenied:
                return denied()
            context = build(service, _weeks(request), who, request)
            return _html(pages.render(template, who=who, **context))

        return handler

    router.add_api_route("", page("funnel.html", lambda s, w, who, r: pages.funnel_page(s, w)), methods=["GET"])
    router.add_api_route("/", page("funnel.html", lambda s, w, who, r: pages.funnel_page(s, w)), methods=["GET"])
    router.add_api_route("/ecosystem", page("ecosystem.html", lambda s, w, who, r: pages.ecosystem_page(s, w)),
                         methods=["GET"])
    router.add_api_route("/gaps", page("gaps.html", lambda s, w, who, r: pages.gaps_page(s, w)), methods=["GET"])
    router.add_api_route("/suggestions", page("suggestions.html", lambda s, w, who, r: pages.suggestions_page(
        s, w, csrf=who.csrf, message=r.query_params.get("msg", "")[:300])), methods=["GET"])

    @router.post("/suggestions/{suggestion_id}/{action}")
    async def decide(suggestion_id: int, action: str, request: Request) -> Response:
        try:
            who = staff(request)
        except AccessDenied:
            return denied()
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if form.get("csrf", [""])[0] != who.csrf or action not in board.ACTIONS:
            return denied()
        try:
            text = await run_in_threadpool(board.act, container.intros, who.actor, suggestion_id, action)
        except UserFacingError as exc:
            text = exc.message
        service.invalidate()
        weeks = _weeks(request)
        return RedirectResponse(f"{PREFIX}/suggestions?weeks={weeks}&msg={quote(text)}", status_code=303)

    def refused(name: str, request: Request) -> Response | None:
        """403 without a staff session, 404 for an unknown chart; ``None`` when the chart may be served."""
        try:
            staff(request)
        except AccessDenied:
            return denied()
        return None if name in charts.CHARTS else Response(status_code=404)

    @router.get("/chart/{name}.png")
    def chart_png(name: str, request: Request) -> Response:
        if (refusal := refused(name, request)) is not None:
            return refusal
        image = service.png(name, service.chart_data(name, _weeks(request)))
        headers = {**NO_STORE}
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="{name}.png"'
        return Response(image, media_type="image/png", headers=headers)

    @router.get("/data/{name}.csv")
    def chart_csv(name: str, request: Request) -> Response:
        if (refusal := refused(name, request)) is not None:
            return refusal
        return Response(service.csv(name, _weeks(request)), media_type="text/csv; charset=utf-8",
                        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}.csv"'})

    @router.get("/img/{name}.png")
    def signed_image(name: str, request: Request) -> Response:
        """A chart from a chat card: the figures travel in the signed token, so it shows what the card said."""
        try:
            data = service.auth.image_data(name, request.query_params.get("t", ""))
        except AccessDenied:
            return denied()
        if name not in charts.CHARTS:
            return Response(status_code=404)
        return Response(service.png(name, data, size="chat"), media_type="image/png",
                        headers={"Cache-Control": "private, max-age=86400"})

    api.include_router(router)
    return service
