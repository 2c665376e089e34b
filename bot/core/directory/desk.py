"""The directory as chat adapters use it: a member's own profile form (load, save) and staff's counts.

Adapters hold a ``DirectoryDesk`` (``container.directory``) instead of a database session; the form's
rules live in ``bot.core.directory.profile_form``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.core import texts
from bot.core.directory import profile_form
from bot.core.directory.profile_form import ProfileForm
from models.directory import PROVINCES, Course, FundingStream, Need, Organization, Person
from models.repositories import DirectoryRepository

__all__ = ["PROVINCES", "DirectoryDesk", "DirectoryStats"]


@dataclass(frozen=True)
class DirectoryStats:
    """Counts for staff checking that an import landed."""

    organizations: int
    people: int
    courses: int
    funding: int
    needs: int  # open needs, staff-only ones included
    version: int

    def text(self) -> str:
        """The one line staff see for ``stats`` on every platform."""
        return texts.DIRECTORY_STATS.format(organizations=self.organizations, people=self.people,
                                            courses=self.courses, funding=self.funding, needs=self.needs,
                                            version=self.version)


class DirectoryDesk:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load_profile(self, platform: str, workspace_id: str, user_id: str) -> ProfileForm:
        """The form filled from the person linked to this chat account (empty when none is)."""
        return profile_form.load_profile(self._sessions, platform, workspace_id, user_id)

    def save_profile(self, platform: str, workspace_id: str, user_id: str, form: ProfileForm, *,
                     display_name: str | None = None) -> str:
        """Create or update the member's person (and their organization's texts); returns the person's ref."""
        return profile_form.save_profile(self._sessions, platform, workspace_id, user_id, form,
                                         display_name=display_name)

    def stats(self) -> DirectoryStats:
        with self._sessions() as session:
            repo = DirectoryRepository(session)
            return DirectoryStats(
                organizations=repo.count(Organization), people=repo.count(Person), courses=repo.count(Course),
                funding=repo.count(FundingStream), needs=len(repo.list_visible(Need, include_staff=True)),
                version=repo.current_version())
