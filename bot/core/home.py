"""A member's home, platform-neutral: their profile, open needs, saved matches, introductions, digest
settings and data, as plain-text sections with buttons. Slack renders it as App Home, Teams as a card.

``MemberHome.sections()`` is an ordered ``{key: provider}``; a provider gets a ``HomeRequest`` and returns a
``HomeSection`` or ``None`` to hide itself. A provider that raises is logged and shown as "could not be
loaded"; the rest still renders. ``press`` runs a section's button (digest on/off/day/hour, pause/resume
introductions) for any platform, so both show and change the same settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import home_texts as ht
from bot.core.digest import texts as dt
from bot.core.digest.schedule import WEEKDAYS
from bot.core.digest.service import DigestService
from bot.core.directory.profile_form import account_for
from bot.core.errors import UserFacingError
from bot.core.intros import texts as it
from bot.core.intros.prefs import Preferences
from bot.core.messages import MORE_LIKE_THIS, REQUEST_INTRO, Suggestion
from bot.core.privacy import texts as pt
from bot.core.privacy.service import PrivacyService
from models.activity import SavedMatch
from models.directory import Need, Person

logger = logging.getLogger(__name__)

MAX_ITEMS_PER_SECTION = 10
OPEN_PROFILE = "open_profile"
DIGEST_ON, DIGEST_OFF, DIGEST_DAY, DIGEST_HOUR_UP, DIGEST_HOUR_DOWN = (
    "digest_on", "digest_off", "digest_day", "digest_hour_up", "digest_hour_down")
DIGEST_BUTTONS = (DIGEST_ON, DIGEST_OFF, DIGEST_DAY, DIGEST_HOUR_UP, DIGEST_HOUR_DOWN)
INTRO_PAUSE, INTRO_RESUME = "intro_pause_home", "intro_resume_home"
PRIVACY_DOWNLOAD, PRIVACY_FORGET, PRIVACY_VISIBILITY = "privacy_download", "privacy_forget_prompt", "privacy_visibility"


@dataclass(frozen=True)
class HomeRequest:
    """Who is looking at their home."""

    platform: str
    workspace_id: str
    user_id: str
    is_staff: bool = False
    timezone: str | None = None  # the member's time zone when the platform tells (digest hours are local)


@dataclass(frozen=True)
class HomeButton:
    """A button under a section: ``press(action_id, value)`` or the platform's own listener runs it."""

    action_id: str
    label: str
    value: str = ""
    style: str | None = None  # None, "primary" or "danger"


@dataclass(frozen=True)
class HomeSection:
    heading: str
    text: str = ""  # plain text; escaped when rendered
    suggestions: tuple[Suggestion, ...] = ()  # rendered with their action buttons
    buttons: tuple[HomeButton, ...] = ()


HomeSectionProvider = Callable[[HomeRequest], HomeSection | None]


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def collect_sections(providers: Mapping[str, HomeSectionProvider], req: HomeRequest) -> list[HomeSection]:
    """Every provider's section, in order; one that fails shows as "could not be loaded"."""
    out: list[HomeSection] = []
    for key, provider in list(providers.items()):
        try:
            section = provider(req)
        except Exception:
            logger.exception("home section %r failed for %s in %s", key, req.user_id, req.workspace_id)
            section = HomeSection(key.replace("_", " ").capitalize(), ht.HOME_SECTION_FAILED)
        if section is not None:
            out.append(section)
    return out


class MemberHome:
    """The sections of a member's home and what its buttons do (``container.home``)."""

    def __init__(self, sessions: sessionmaker[Session], *, prefs: Preferences, digest: DigestService,
                 privacy: PrivacyService) -> None:
        self.sessions = sessions
        self.prefs = prefs
        self.digest = digest
        self.privacy = privacy

    def sections(self) -> dict[str, HomeSectionProvider]:
        return {"profile": self.profile_section, "needs": self.needs_section, "saved": self.saved_section,
                "introductions": self.intros_section, "digest": self.digest_section,
                "privacy": self.privacy_section}

    def _person(self, session: Session, req: HomeRequest) -> Person | None:
        account = account_for(session, req.platform, req.workspace_id, req.user_id)
        return account.person if account is not None else None

    # -- sections --------------------------------------------------------------------------------------
    def profile_section(self, req: HomeRequest) -> HomeSection:
        with self.sessions() as session:
            person = self._person(session, req)
            if person is None:
                return HomeSection(ht.HOME_YOU, ht.HOME_NOT_LINKED,
                                   buttons=(HomeButton(OPEN_PROFILE, ht.HOME_CREATE_PROFILE, style="primary"),))
            org = person.organization
            where = org.name if org is not None else (person.affiliation or "")
            lines = [" · ".join(x for x in (person.name, person.title or "", where, person.province or "") if x)]
            if person.expertise:
                lines.append(f"Can help with: {_cut(person.expertise, 400)}")
            if person.interests:
                lines.append(f"Looking for: {_cut(person.interests, 400)}")
        return HomeSection(ht.HOME_YOU, "\n".join(lines), buttons=(HomeButton(OPEN_PROFILE, ht.HOME_EDIT_PROFILE),))

    def needs_section(self, req: HomeRequest) -> HomeSection:
        with self.sessions() as session:
            person = self._person(session, req)
            needs: list[Need] = []
            if person is not None:
                owner = Need.person_id == person.id
                if person.organization_id is not None:
                    owner = owner | (Need.organization_id == person.organization_id)
                needs = list(session.scalars(select(Need).where(owner, Need.status == "open").order_by(Need.id)))
            items = tuple(Suggestion(ref=f"need:{n.external_id}", kind="need", title=n.title,
                                     reason=_cut(n.description, 300), actions=(MORE_LIKE_THIS,))
                          for n in needs[:MAX_ITEMS_PER_SECTION])
        return HomeSection(ht.HOME_NEEDS, suggestions=items) if items else HomeSection(ht.HOME_NEEDS, ht.HOME_NO_NEEDS)

    def saved_section(self, req: HomeRequest) -> HomeSection:
        with self.sessions() as session:
            stmt = (select(SavedMatch)
                    .where(SavedMatch.platform == req.platform, SavedMatch.workspace_id == req.workspace_id,
                           SavedMatch.user_id == req.user_id)
                    .order_by(SavedMatch.created_at.desc(), SavedMatch.id.desc()).limit(MAX_ITEMS_PER_SECTION))
            saved = list(session.scalars(stmt))
        if not saved:
            return HomeSection(ht.HOME_SAVED, ht.HOME_NO_SAVED)
        return HomeSection(ht.HOME_SAVED, suggestions=tuple(
            Suggestion(ref=s.ref, kind="", title=s.title, subtitle=f"saved {s.created_at:%Y-%m-%d}",
                       actions=(REQUEST_INTRO, MORE_LIKE_THIS)) for s in saved))

    def intros_section(self, req: HomeRequest) -> HomeSection:
        """Pause state, requests waiting for the member (with their buttons), the rest."""
        overview = self.prefs.overview(req.platform, req.workspace_id, req.user_id)
        button = HomeButton(INTRO_RESUME, ht.RESUME_INTROS, "resume", "primary") if overview.paused else \
            HomeButton(INTRO_PAUSE, ht.PAUSE_INTROS, "pause")
        text = "\n".join([overview.status, *overview.lines] + (
            [it.EXCLUSIONS.format(orgs=", ".join(overview.excluded))] if overview.excluded else []))
        if not overview.waiting and not overview.lines:
            text += "\n" + it.NONE_YET
        return HomeSection(ht.HOME_INTROS, text, suggestions=overview.waiting, buttons=(button,))

    def digest_section(self, req: HomeRequest) -> HomeSection:
        """Status, on/off, next day, an hour earlier or later."""
        schedule = self.digest.settings_for(req.platform, req.workspace_id, req.user_id, timezone=req.timezone)
        if not schedule.enabled:
            return HomeSection(dt.HOME_HEADING, dt.STATUS_OFF,
                               buttons=(HomeButton(DIGEST_ON, dt.HOME_TURN_ON, "on", "primary"),))
        next_day = WEEKDAYS[(WEEKDAYS.index(schedule.day) + 1) % 7]
        earlier, later = (schedule.hour - 1) % 24, (schedule.hour + 1) % 24
        text = dt.STATUS_ON.format(**schedule.describe()) + "\n" + dt.USAGE
        return HomeSection(dt.HOME_HEADING, text, buttons=(
            HomeButton(DIGEST_DAY, f"{dt.HOME_DAY}: {dt.DAY_NAMES[next_day]}", next_day),
            HomeButton(DIGEST_HOUR_DOWN, dt.HOME_EARLIER.format(hour=earlier), str(earlier)),
            HomeButton(DIGEST_HOUR_UP, dt.HOME_LATER.format(hour=later), str(later)),
            HomeButton(DIGEST_OFF, dt.HOME_TURN_OFF, "off", "danger"),
        ))

    def privacy_section(self, req: HomeRequest) -> HomeSection:
        """Who can find you (with buttons for the other two choices), download, forget."""
        current = self.privacy.visibility(f"{req.platform}:{req.workspace_id}:{req.user_id}")
        buttons = [HomeButton(PRIVACY_DOWNLOAD, pt.HOME_DOWNLOAD, "download")]
        if current is None:
            text = pt.HOME_NO_PROFILE
        else:
            text = pt.HOME_TEXT.format(label=pt.VISIBILITY_LABELS[current])
            buttons += [HomeButton(PRIVACY_VISIBILITY, label, level)
                        for level, label in pt.HOME_SET_VISIBILITY.items() if level != current]
        buttons.append(HomeButton(PRIVACY_FORGET, pt.HOME_FORGET, "forget", "danger"))
        return HomeSection(pt.HOME_HEADING, text, buttons=tuple(buttons))

    # -- buttons ---------------------------------------------------------------------------------------
    def press(self, req: HomeRequest, action_id: str, value: str = "") -> str:
        """Run a digest or introductions button; returns the confirmation to show (``UserFacingError`` on misuse)."""
        where = (req.platform, req.workspace_id, req.user_id)
        if action_id in (DIGEST_ON, DIGEST_OFF):
            self.digest.update(*where, enabled=action_id == DIGEST_ON, timezone=req.timezone)
            return dt.STATUS_OFF if action_id == DIGEST_OFF else self._digest_status(req)
        if action_id == DIGEST_DAY:
            if value not in WEEKDAYS:
                raise UserFacingError(dt.BAD_DAY.format(value=value))
            self.digest.update(*where, day=value, timezone=req.timezone)
            return self._digest_status(req)
        if action_id in (DIGEST_HOUR_UP, DIGEST_HOUR_DOWN):
            if not value.isdigit() or not 0 <= int(value) <= 23:
                raise UserFacingError(dt.BAD_HOUR.format(value=value))
            self.digest.update(*where, hour=int(value), timezone=req.timezone)
            return self._digest_status(req)
        if action_id in (INTRO_PAUSE, INTRO_RESUME):
            return self.prefs.command(*where, "pause" if action_id == INTRO_PAUSE else "resume")
        raise UserFacingError(ht.UNKNOWN_BUTTON)

    def _digest_status(self, req: HomeRequest) -> str:
        schedule = self.digest.settings_for(req.platform, req.workspace_id, req.user_id, timezone=req.timezone)
        return dt.STATUS_ON.format(**schedule.describe()) if schedule.enabled else dt.STATUS_OFF
