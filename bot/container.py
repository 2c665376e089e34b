"""Everything built once per process, as typed fields: ``bootstrap()`` fills it, entry points pass it on.

Adapters read the use cases they need from here (``container.ask``, ``container.intros``,
``container.accounts``...); nothing is looked up by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.accounts.first_contact import FirstContact
from bot.core.accounts.members import MembersService
from bot.core.accounts.service import AccountService
from bot.core.ask.service import AskService
from bot.core.digest.service import DigestService
from bot.core.directory.catalog import Catalog
from bot.core.directory.desk import DirectoryDesk
from bot.core.directory.encoder_switch import EncoderSwitch
from bot.core.directory.profile_draft import DraftService
from bot.core.directory.vector_search import VectorSearch
from bot.core.event_ledger import EventLedger
from bot.core.home import MemberHome
from bot.core.intros.service import IntroService
from bot.core.needs.service import NeedsService
from bot.core.privacy.service import PrivacyService
from bot.core.signals.service import SignalService
from bot.dashboard.service import DashboardService
from bot.platforms import Platform
from matching.embeddings import Embedder
from models.stores import Stores


@dataclass
class Container:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    stores: Stores  # units of work and the OAuth stores some platforms keep in our database
    embedder: Embedder
    vector_search: VectorSearch  # owner-level vector search, exact in memory or pgvector (VECTOR_BACKEND)
    catalog: Catalog  # the search index; ``catalog.start_warm_up()`` when the app starts
    intros: IntroService  # double opt-in introductions, staff suggestions, follow-ups
    signals: SignalService  # workspace signal models: refitted weekly, applied to members' answers
    ask: AskService  # ``ask.ask(IncomingMessage)`` and ``ask.act(ActionRequest)`` -> ``Reply``
    privacy: PrivacyService  # members' data download, forget requests, profile visibility (audited)
    dashboard: DashboardService  # the staff dashboard's figures, charts and links
    digest: DigestService  # weekly digests, dry run, preview, members' preferences
    accounts: AccountService  # chat accounts: references, staff flags, uninstalls
    directory: DirectoryDesk  # a member's own profile form, staff counts
    home: MemberHome  # a member's home sections and their buttons
    events: EventLedger  # de-duplication of retried platform events
    members: MembersService  # linking chat accounts to the directory, join requests, proposed organization texts
    first_contact: FirstContact  # the automatic "Is this you?" after a member's first question or visit
    needs: NeedsService  # needs posted from chat (public, staff-only, anonymous), with matches at once
    drafts: DraftService  # a profile drafted from the member's questions, needs and saved items
    platforms: dict[str, Platform] = field(default_factory=dict)  # the enabled ones, by account platform name
    # after a change of EMBED_BACKEND: re-encodes the directory in the background while the old runtime answers
    encoder_switch: EncoderSwitch | None = None
