"""The "ask" use case: a member's question in, a grouped and explained answer out; and its buttons.

Adapters call ``ask(IncomingMessage)`` and ``act(ActionRequest)`` and render the ``Reply``; the
service identifies the asker, applies their past feedback, searches, records the question and groups
the mix of suggestions by kind. ``UserFacingError`` is the only exception meant for the member.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.core import texts
from bot.core.ask.feedback import ActivityRepository, Asker, Shown
from bot.core.directory import intents
from bot.core.directory.catalog import Catalog
from bot.core.directory.intents import REF_RE, Intent
from bot.core.errors import UserFacingError
from bot.core.messages import (
    MORE_LIKE_THIS,
    NOT_RELEVANT,
    REQUEST_INTRO,
    SAVE,
    ActionRequest,
    IncomingMessage,
    Reply,
    Section,
    Suggestion,
)
from bot.core.signals.personalise import Personal
from bot.core.signals.service import SignalService
from models.members import paused_name

logger = logging.getLogger(__name__)

#: Section heading per kind; kinds not listed go under "other organizations and people".
SECTION_OF_KIND: dict[str, str] = {
    "researcher": texts.HEADING_RESEARCHERS,
    "technology_firm": texts.HEADING_TECH_FIRMS,
    "course": texts.HEADING_COURSES,
    "funding_stream": texts.HEADING_FUNDING,
    "need": texts.HEADING_NEEDS,
}


class Introductions(Protocol):
    """What answers need from the introductions service (``container.intros``)."""

    @property
    def actions(self) -> tuple[str, ...]:
        """The buttons it answers (accept, decline, staff review, outcomes)."""
        ...

    def request_intro(self, request: ActionRequest) -> Reply: ...

    def act(self, request: ActionRequest) -> Reply: ...

    def demote(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        """The same suggestions, members who leave requests unanswered last."""
        ...


def section_for(kind: str) -> str:
    return SECTION_OF_KIND.get(kind, texts.HEADING_OTHER_ORGS)


def group(suggestions: Sequence[Suggestion], *, per_kind: int = 3, total: int = 10) -> tuple[Section, ...]:
    """Pick from the ranked (already MMR-diversified) list, at most ``per_kind`` per heading and ``total``
    overall; sections come in the order of their best suggestion, suggestions by score within each."""
    buckets: dict[str, list[Suggestion]] = {}
    count = 0
    for s in suggestions:
        if count >= total:
            break
        bucket = buckets.setdefault(section_for(s.kind), [])
        if len(bucket) < per_kind:
            bucket.append(s)
            count += 1
    # Sections keep the order of their best suggestion; inside one, the most relevant comes first.
    return tuple(
        Section(heading, tuple(sorted(items, key=lambda s: -s.score))) for heading, items in buckets.items() if items
    )


def render_text(intro: str, sections: Sequence[Section], notice: str | None = None) -> str:
    """The complete plain-text answer (notification fallback, terminal, e-mail), numbered 1..n."""
    lines = [notice, ""] if notice else []
    lines.append(intro)
    n = 0
    for section in sections:
        lines += ["", section.heading]
        for s in section.suggestions:
            n += 1
            lines.append(f"{n}. {s.title}" + (f" ({s.subtitle})" if s.subtitle else ""))
            if s.reason:
                lines.append("   " + texts.WHY.format(reason=s.reason))
            if s.shared_terms:
                lines.append("   " + texts.SHARED.format(terms=", ".join(s.shared_terms)))
            if s.url:
                lines.append(f"   {s.url}")
    return "\n".join(lines)


def _quote(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class AskService:
    """``ask`` answers questions; ``act`` handles Save, Not relevant, More like this, Introduce me."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        catalog: Catalog,
        intros: Introductions | None = None,
        signals: SignalService | None = None,
        per_kind: int = 3,
        total: int = 10,
        pool: int = 30,
    ) -> None:
        self._sessions = sessions
        self.catalog = catalog
        self.intros = intros
        self._signals = signals
        self.per_kind = per_kind
        self.total = total
        self.pool = pool

    # ------------------------------------------------------------------ ask
    def ask(self, incoming: IncomingMessage, *, kinds: Sequence[str] | None = None) -> Reply:
        """Answer one message. ``kinds`` overrides the kinds read from the text (CLI ``--kind``)."""
        intent = intents.parse(incoming.text)
        if kinds:
            intent = replace(intent, kinds=tuple(kinds))
        if intent.action == intents.HELP:
            return Reply(text=texts.HELP, notice=intent.notice, meta={"intent": intent.action})
        if intent.action == intents.EMPTY:
            return Reply(text=texts.EMPTY_QUESTION, notice=intent.notice, meta={"intent": intent.action})
        with self._sessions.begin() as session:
            activity = ActivityRepository(session)
            asker = activity.identify(incoming.platform, incoming.workspace_id, incoming.user_id)
            hidden = activity.dismissed(asker)
            if intent.action == intents.SAVED:
                return self._saved_reply(activity.saved(asker), staff=asker.is_staff)
        if intent.action == intents.MORE_LIKE:
            target = self.catalog.find(intent.target or "", staff=asker.is_staff)
            if target is None or target.ref not in self.catalog.snapshot.index_of:
                raise UserFacingError(texts.UNKNOWN_REF.format(ref=intent.target))
            return self._more_like(asker, target.ref, target.title, hidden, intent)
        found = self.catalog.search(
            intent.query,
            kinds=intent.kinds,
            filters=intent.filters,
            k=self.pool,
            asker_ref=asker.profile_ref,
            exclude=hidden,
            avoid=hidden,
            staff=asker.is_staff,
            personal=self._personal(asker),
        )
        if self.intros is not None:
            found = self.intros.demote(found)  # members who leave requests unanswered go last
        return self._answer(asker, intent, intent.text, found, texts.INTRO_ANSWER.format(question=_quote(intent.text)))

    def _answer(self, asker: Asker, intent: Intent, logged_text: str, found: Sequence[Suggestion], intro: str) -> Reply:
        sections = group(found, per_kind=self.per_kind, total=self.total)
        shown = [s.ref for sec in sections for s in sec.suggestions]
        provinces = {ref: getattr(self.catalog.profile(ref, staff=True), "province", None) for ref in shown}
        rows = [Shown(s.ref, s.kind, provinces[s.ref], s.score) for sec in sections for s in sec.suggestions]
        filters = intent.filters
        with self._sessions.begin() as session:
            question = ActivityRepository(session).record_question(
                asker,
                intent=intent.action,
                text=logged_text,
                kinds=list(intent.kinds or []),
                filters={
                    "provinces": sorted(filters.provinces),
                    "language": filters.language,
                    "delivery": filters.delivery,
                    "credential": filters.credential,
                },
                result_refs=shown,
                shown=rows,
            )
            query_id = question.id
        meta = {
            "intent": intent.action,
            "intro": intro,
            "filters": filters.describe(),
            "kinds": ",".join(intent.kinds or []),
        }
        if not sections:
            used = texts.FILTERS_USED.format(filters=filters.describe()) if filters else ""
            if not self.catalog.snapshot.profiles:
                text = texts.EMPTY_DIRECTORY
            elif intent.action == intents.MORE_LIKE:
                text = texts.NO_RESULTS_MORE_LIKE.format(title=intent.query, filters=used)
            else:
                text = texts.NO_RESULTS.format(question=_quote(intent.text), filters=used)
            return Reply(
                text=text if not intent.notice else f"{intent.notice}\n\n{text}",
                query_id=query_id,
                notice=intent.notice,
                meta=meta,
            )
        return Reply(
            text=render_text(intro, sections, intent.notice),
            sections=sections,
            query_id=query_id,
            notice=intent.notice,
            meta=meta,
        )

    def _more_like(self, asker: Asker, ref: str, title: str, hidden: set[str], asked: Intent | None = None) -> Reply:
        """Search around an item; ``asked`` carries kinds/filters when the member typed "more like X in Ontario"."""
        base = asked or Intent(intents.MORE_LIKE)
        intent = Intent(
            intents.MORE_LIKE,
            query=title,
            kinds=base.kinds,
            filters=base.filters,
            target=ref,
            notice=base.notice,
            text=base.text or f"more like {title}",
        )
        found = self.catalog.more_like(
            ref,
            kinds=intent.kinds,
            filters=intent.filters,
            k=self.pool,
            asker_ref=asker.profile_ref,
            exclude=hidden,
            avoid=hidden,
            staff=asker.is_staff,
            personal=self._personal(asker),
        )
        return self._answer(asker, intent, f"more like {ref}", found, texts.MORE_LIKE_ANSWER.format(title=title))

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._sessions

    def why(self, platform: str, workspace_id: str, user_id: str, arg: str, *, staff: bool) -> Reply:
        """Staff's ``why <number or ref>`` on their last answer (``bot.core.ask.why``)."""
        from bot.core.ask.why import explain_last  # why reads the ask service: imported on use, no cycle
        return explain_last(self, platform, workspace_id, user_id, arg, staff=staff)

    def personal_of(self, asker: Asker) -> Personal | None:
        return self._personal(asker)

    def _personal(self, asker: Asker) -> Personal | None:
        """The asker's signals, when their workspace has a kept model (``bot.core.signals.service``)."""
        if self._signals is None:
            return None
        return self._signals.personal(asker.platform, asker.workspace_id, asker.user_id)

    def _saved_reply(self, saved: Sequence[Any], *, staff: bool = False) -> Reply:
        """Saved items the member may still see (an item hidden or removed since is left out)."""
        visible = [(row, p) for row in saved if (p := self.catalog.profile(row.ref, staff=staff)) is not None]
        if not visible:
            return Reply(text=texts.SAVED_LIST_EMPTY, ephemeral=True, meta={"intent": intents.SAVED})
        items = []
        for row, profile in visible:
            items.append(
                Suggestion(
                    ref=row.ref,
                    kind=profile.kind,
                    title=profile.title,
                    subtitle=profile.subtitle,
                    url=profile.url,
                    actions=(REQUEST_INTRO, MORE_LIKE_THIS),
                )
            )
        section = Section(texts.HEADING_SAVED, tuple(items))
        return Reply(
            text=render_text(texts.SAVED_LIST_HEADER, [section]),
            sections=(section,),
            ephemeral=True,
            meta={"intent": intents.SAVED, "intro": texts.SAVED_LIST_HEADER},
        )

    # ------------------------------------------------------------------ act
    def _asker(self, request: ActionRequest) -> Asker:
        with self._sessions() as session:
            return ActivityRepository(session).identify(request.platform, request.workspace_id, request.user_id)

    def act(self, request: ActionRequest) -> Reply:
        if request.action == REQUEST_INTRO:
            intros = self.intros
            if intros is None:
                raise UserFacingError(texts.INTROS_UNAVAILABLE)
            if self.catalog.profile(request.ref, staff=self._asker(request).is_staff) is None:
                with self._sessions() as session:  # a member who paused since the suggestion was shown
                    paused = paused_name(session, request.ref, date.today())
                if paused:
                    raise UserFacingError(texts.NOT_TAKING_INTRODUCTIONS.format(title=paused))
                raise UserFacingError(texts.UNKNOWN_ITEM)  # hidden, staff-only for a member, or gone
            return intros.request_intro(request)
        if self.intros is not None and request.action in self.intros.actions:  # accept, decline, staff, ...
            return self.intros.act(request)
        if request.action not in (SAVE, NOT_RELEVANT, MORE_LIKE_THIS):
            raise UserFacingError(texts.UNKNOWN_ACTION)
        if not REF_RE.match(request.ref or ""):
            raise UserFacingError(texts.UNKNOWN_REF.format(ref=request.ref))
        profile = self.catalog.profile(request.ref, staff=self._asker(request).is_staff)
        if profile is None:
            raise UserFacingError(texts.UNKNOWN_ITEM)
        with self._sessions.begin() as session:
            activity = ActivityRepository(session)
            asker = activity.identify(request.platform, request.workspace_id, request.user_id)
            if request.action == SAVE:
                added = activity.save(asker, profile.ref, profile.title, request.query_id)
                template = texts.SAVED if added else texts.ALREADY_SAVED
                return Reply(text=template.format(title=profile.title), query_id=request.query_id, ephemeral=True)
            if request.action == NOT_RELEVANT:
                activity.mark_not_relevant(asker, profile.ref, request.query_id, request.note)
                return Reply(
                    text=texts.NOT_RELEVANT.format(title=profile.title), query_id=request.query_id, ephemeral=True
                )
            hidden = activity.dismissed(asker)
        if profile.ref not in self.catalog.snapshot.index_of:
            raise UserFacingError(texts.UNKNOWN_ITEM)
        return self._more_like(asker, profile.ref, profile.title, hidden)
